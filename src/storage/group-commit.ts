/**
 * Group commit for SQLite: transactions that arrive while one is running share the next COMMIT, each inside its own
 * SAVEPOINT. SQLite has one writer, so our transactions already run one after another on one connection; what a
 * commit costs is writing every page the transaction touched to the write-ahead log. A dozen NCIP messages touch
 * the same right-most index pages (our ids sort by time), so writing those pages once for the group instead of once
 * per message is most of a commit saved (design.md: "faster than both"; measured with `npm run bench:ncip`).
 *
 * Each caller sees exactly what a transaction of its own would give it:
 * - its work's error rolls back to its savepoint, undoing only its own writes, and reaches only that caller;
 * - its promise settles only after the COMMIT that holds its writes, so "answered" still means "durable";
 * - if BEGIN or COMMIT itself fails, every caller in the group gets that error and nothing of the group is kept.
 * A work sees the writes of the works before it in its group, as it would have seen them committed a moment
 * earlier without grouping.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

/** Enough to share a commit widely, few enough that no caller waits behind a long queue of others' work. */
const MAX_GROUP = 32;

type Work = (trx: Kysely<Database>) => Promise<unknown>;
interface Waiting {
  readonly work: Work;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class GroupCommit {
  private readonly waiting: Waiting[] = [];
  private running = false;

  constructor(private readonly db: Kysely<Database>) {}

  run<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.running) return;
      this.running = true;
      // Wait for the rest of this turn of the event loop: the other messages being handled reach their transaction
      // in it, and join this group. Without the wait a group is almost always one, since every message's reads
      // queue for the same connection as the transactions.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) await this.runGroup(this.waiting.splice(0, MAX_GROUP));
    } finally {
      this.running = false;
    }
  }

  private async runGroup(group: Waiting[]): Promise<void> {
    let outcomes: Outcome[];
    try {
      const trx = await this.db.startTransaction().execute();
      try {
        outcomes = group.length === 1 ? [await settle(group[0]!.work, trx)] : await this.inSavepoints(group, trx);
        // A lone work needs no savepoint: when it fails, its transaction is rolled back as a whole.
        if (group.length === 1 && !outcomes[0]!.ok) await trx.rollback().execute();
        else await trx.commit().execute();
      } catch (error) {
        await trx.rollback().execute().catch(() => undefined);
        throw error;
      }
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
      return;
    }
    group.forEach((waiting, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) waiting.resolve(outcome.value);
      else waiting.reject(outcome.error);
    });
  }

  private async inSavepoints(group: Waiting[], trx: Kysely<Database>): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (const waiting of group) {
      await sql`savepoint work`.execute(trx);
      const outcome = await settle(waiting.work, trx);
      if (!outcome.ok) await sql`rollback to work`.execute(trx);
      await sql`release work`.execute(trx);
      outcomes.push(outcome);
    }
    return outcomes;
  }
}

async function settle(work: Work, trx: Kysely<Database>): Promise<Outcome> {
  try {
    return { ok: true, value: await work(trx) };
  } catch (error) {
    return { ok: false, error };
  }
}
