/**
 * A request's history, for both kinds of request: borrowing (`request_history`) and lending (`lending_history`,
 * migration 0007) have the same columns and the same numbering. Lines made in one millisecond need not sort by id,
 * so a sequence keeps their order: the save's version times SEQ_PER_VERSION plus the line's place. Writers of one
 * request are serialized by its version, so no read of the last sequence is needed and two saves cannot collide.
 * (Histories written before this numbering counted 1, 2, 3…; they stay below every new number.)
 */
import type { Kysely } from 'kysely';
import type { Database, RequestHistoryRow } from './schema.ts';

export const SEQ_PER_VERSION = 1000;

type HistoryTable = 'request_history' | 'lending_history';

/** A history line as the ports describe it, with the request's status type. */
export interface HistoryLine<S extends string> {
  readonly id: string;
  readonly requestId: string;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly fromStatus: S | null;
  readonly toStatus: S;
  readonly reason: string | null;
  readonly partner: string | null;
}

export async function insertHistory<S extends string>(db: Kysely<Database>, table: HistoryTable, entries: readonly HistoryLine<S>[], version: number): Promise<void> {
  if (entries.length === 0) return;
  if (entries.length >= SEQ_PER_VERSION) throw new Error(`a save wrote ${entries.length} history lines; at most ${SEQ_PER_VERSION - 1} fit its numbering`);
  const first = version * SEQ_PER_VERSION;
  await db
    .insertInto(table)
    .values(
      entries.map((entry, i) => ({
        request_id: entry.requestId,
        id: entry.id,
        seq: first + i,
        at: entry.at,
        actor: entry.actor,
        action: entry.action,
        from_status: entry.fromStatus,
        to_status: entry.toStatus,
        reason: entry.reason,
        partner: entry.partner,
      })),
    )
    .execute();
}

export async function readHistory<S extends string>(db: Kysely<Database>, table: HistoryTable, requestId: string): Promise<HistoryLine<S>[]> {
  const rows: RequestHistoryRow[] = await db.selectFrom(table).selectAll().where('request_id', '=', requestId).orderBy('seq').execute();
  return rows.map((row) => ({
    id: row.id,
    requestId: row.request_id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    fromStatus: row.from_status as S | null,
    toStatus: row.to_status as S,
    reason: row.reason,
    partner: row.partner,
  }));
}
