/**
 * The durable job queue on SQLite and PostgreSQL. Every write is one statement, so it is atomic without an
 * explicit transaction; enqueue can also run inside the caller's transaction (the outbox).
 */
import type { Kysely } from 'kysely';
import { JOB_STATES, type Job, type JobRepository, type JobState } from '../app/ports.ts';
import type { Dialect } from './database.ts';
import type { Database, JobRow } from './schema.ts';

const DEFAULT_MAX_ATTEMPTS = 8;

/** ISO-8601 UTC text plus a number of milliseconds, in the same fixed-width form, so text order stays time order. */
function plusMs(time: string, ms: number): string {
  return new Date(Date.parse(time) + ms).toISOString();
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    type: row.type,
    key: row.key,
    // Payloads are plain data (codes and ids, never secrets), so plain JSON; see toStorageJson for config docs.
    payload: JSON.parse(row.payload) as unknown,
    state: row.state as JobState,
    // pg returns int4 as number and better-sqlite3 returns number; Number() guards against a bigint column later.
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    runAt: row.run_at,
    lockedUntil: row.locked_until,
    lockedBy: row.locked_by,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function jobRepository(db: Kysely<Database>, dialect: Dialect): JobRepository {
  /** Only the worker that holds the running job may finish it: a worker whose lease was taken over is refused. */
  function held(id: string, workerId: string) {
    return db.updateTable('job').where('id', '=', id).where('locked_by', '=', workerId).where('state', '=', 'running');
  }

  const enqueueAll: JobRepository['enqueueAll'] = async (jobs, now) => {
    if (jobs.length === 0) return 0;
    const result = await db
      .insertInto('job')
      .values(
        jobs.map(({ job, id }) => ({
          id,
          type: job.type,
          key: job.key,
          payload: JSON.stringify(job.payload ?? null),
          state: 'ready',
          attempts: 0,
          max_attempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
          run_at: job.runAt ?? now,
          locked_until: null,
          locked_by: null,
          last_error: null,
          created_at: now,
          updated_at: now,
        })),
      )
      // The key makes enqueue idempotent: the same cause (a retried request, a replayed message) adds one job.
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  };

  return {
    enqueueAll,
    async enqueue(job, id, now) {
      return (await enqueueAll([{ job, id }], now)) === 1;
    },

    async claim(now, leaseMs, workerId) {
      // One statement picks and takes the job, so no other worker can take it between the two. On PostgreSQL the
      // row lock (SKIP LOCKED) lets concurrent workers pass over a job being taken instead of waiting for it and
      // then finding it gone; SQLite has a single writer, so the statement runs alone there.
      //
      // Two picks, not one with an OR: "ready and due, or running with its lease passed" cannot be read in order
      // from the (state, run_at) index, so the database sorted every due job for each claim: 21 ms a claim on
      // SQLite with 100,000 due (the synchronous driver holds the whole server meanwhile), which slowed intake and
      // export alike as a backlog grew (npm run bench's volume run; the crash test on PostgreSQL). Taken over first:
      // the jobs of a worker that died (few: one per dead worker), so a long backlog never starves them.
      const take = (pick: 'lease-passed' | 'due') =>
        db
          .updateTable('job')
          .set((eb) => ({
            state: 'running',
            attempts: eb('attempts', '+', 1),
            locked_until: plusMs(now, leaseMs),
            locked_by: workerId,
            updated_at: now,
          }))
          .where('id', '=', (eb) =>
            eb
              .selectFrom('job as next')
              .select('next.id')
              .$if(pick === 'lease-passed', (q) => q.where('next.state', '=', 'running').where('next.locked_until', '<', now).orderBy('next.locked_until'))
              .$if(pick === 'due', (q) => q.where('next.state', '=', 'ready').where('next.run_at', '<=', now).orderBy('next.run_at'))
              .orderBy('next.id')
              .limit(1)
              .$if(dialect === 'postgres', (q) => q.forUpdate().skipLocked()),
          )
          .returningAll()
          .executeTakeFirst();
      const row = (await take('lease-passed')) ?? (await take('due'));
      return row && toJob(row);
    },

    async complete(id, workerId, now) {
      // last_error is kept: a job that succeeded on a retry still shows why its earlier run failed.
      const result = await held(id, workerId).set({ state: 'done', locked_until: null, locked_by: null, updated_at: now }).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async fail(id, workerId, now, error, retryAt) {
      const next = retryAt === null ? { state: 'failed' } : { state: 'ready', run_at: retryAt };
      const result = await held(id, workerId)
        .set({ ...next, last_error: error, locked_until: null, locked_by: null, updated_at: now })
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async get(id) {
      const row = await db.selectFrom('job').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toJob(row);
    },

    async list(query) {
      let select = db.selectFrom('job');
      if (query.state) select = select.where('state', '=', query.state);
      if (query.type) select = select.where('type', '=', query.type);
      // The order jobs run in (claim's order), so a queue reads top to bottom.
      const rows = await select.selectAll().orderBy('run_at').orderBy('id').limit(query.limit).offset(query.offset).execute();
      const counted = await select.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
      return { items: rows.map(toJob), total: Number(counted.count) };
    },

    async retry(id, now) {
      const result = await db
        .updateTable('job')
        .set({ state: 'ready', attempts: 0, run_at: now, locked_until: null, locked_by: null, updated_at: now })
        .where('id', '=', id)
        .where('state', '=', 'failed')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async countByState() {
      const rows = await db
        .selectFrom('job')
        .select((eb) => ['state', eb.fn.countAll().as('count')])
        .groupBy('state')
        .execute();
      // Every state appears, with 0 when none is in it, so metrics have a stable set of series.
      const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
      for (const row of rows) if ((JOB_STATES as readonly string[]).includes(row.state)) counts[row.state as JobState] = Number(row.count);
      return counts;
    },
  };
}
