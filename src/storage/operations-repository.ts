/**
 * What the operator's views read (issue 10, outages): partners whose calls fail, the queue by type and state, the
 * send jobs waiting for another try by partner. Each is a few indexed statements over the jobs not yet done (the
 * `job_state_run_at` index) and primary-key lookups, never a scan of the requests.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { JOB_STATES, type JobState, type OperationsRepository, type PartnerOutageRepository } from '../app/ports.ts';
import type { Dialect } from './database.ts';
import type { Database } from './schema.ts';

export function partnerOutageRepository(db: Kysely<Database>): PartnerOutageRepository {
  return {
    async failed(partner, message, at) {
      await db
        .insertInto('partner_outage')
        .values({ partner, since: at, last_at: at, message, failures: 1 })
        // An outage going on keeps its start; two workers failing at once both count.
        .onConflict((oc) => oc.column('partner').doUpdateSet((eb) => ({ last_at: at, message, failures: eb('partner_outage.failures', '+', 1) })))
        .execute();
    },
    async answered(partner) {
      const result = await db.deleteFrom('partner_outage').where('partner', '=', partner).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async list() {
      const rows = await db.selectFrom('partner_outage').selectAll().orderBy('since').orderBy('partner').execute();
      return rows.map((r) => ({ partner: r.partner, since: r.since, lastAt: r.last_at, message: r.message, failures: Number(r.failures) }));
    },
  };
}

export function operationsRepository(db: Kysely<Database>, dialect: Dialect): OperationsRepository {
  // The request a send job is for, from its JSON payload ({ requestId, entry }).
  const requestIdOf: RawBuilder<string> = dialect === 'postgres' ? sql<string>`(job.payload::json ->> 'requestId')` : sql<string>`json_extract(job.payload, '$.requestId')`;
  const open = ['ready', 'running', 'failed'] as const;
  const retrying = (type: string) =>
    db
      .selectFrom('job')
      .innerJoin('borrowing_request', (join) => join.on((eb) => eb('borrowing_request.id', '=', requestIdOf)))
      .where('job.type', '=', type)
      .where('job.state', '=', 'ready')
      .where('job.attempts', '>', 0)
      // A request that has left the partner meanwhile makes its send job a no-op: not waiting for anything.
      .where('borrowing_request.status', '=', 'REQUEST_SENT_TO_PARTNER');

  return {
    async jobStats(now) {
      const counts = await db
        .selectFrom('job')
        .select((eb) => ['type', 'state', eb.fn.countAll().as('count')])
        .where('state', 'in', [...open])
        .groupBy(['type', 'state'])
        .orderBy('type')
        .orderBy('state')
        .execute();
      const retried = await db
        .selectFrom('job')
        .select((eb) => ['type', eb.fn.countAll().as('count')])
        .where('state', '=', 'ready')
        .where('attempts', '>', 0)
        .groupBy('type')
        .orderBy('type')
        .execute();
      // What claim would take first: a ready job that is due, or a running one whose lease has passed.
      const due = await db
        .selectFrom('job')
        .select((eb) => eb.fn.min('run_at').as('at'))
        .where((w) => w.or([w.and([w('state', '=', 'ready'), w('run_at', '<=', now)]), w.and([w('state', '=', 'running'), w('locked_until', '<', now)])]))
        .executeTakeFirst();
      return {
        byTypeAndState: counts.filter((r) => (JOB_STATES as readonly string[]).includes(r.state)).map((r) => ({ type: r.type, state: r.state as JobState, count: Number(r.count) })),
        retryingByType: retried.map((r) => ({ type: r.type, count: Number(r.count) })),
        oldestDueAt: (due?.at as string | null | undefined) ?? null,
      };
    },

    async waitingSends(type) {
      const rows = await retrying(type)
        .select((eb) => ['borrowing_request.current_partner as partner', eb.fn.countAll().as('count'), eb.fn.min('job.run_at').as('next')])
        .groupBy('borrowing_request.current_partner')
        .execute();
      return rows.filter((r) => r.partner !== null).map((r) => ({ partner: r.partner!, count: Number(r.count), nextTry: String(r.next) }));
    },

    async wakeSends(type, partner, now) {
      const result = await db
        .updateTable('job')
        .set({ run_at: now, updated_at: now })
        .where('job.id', 'in', retrying(type).select('job.id').where('borrowing_request.current_partner', '=', partner).where('job.run_at', '>', now))
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
