/** Lending requests and their history (migration 0007): requests kept whole as JSON, like borrowing requests. */
import type { Kysely } from 'kysely';
import type { LendingHistoryEntry, LendingRequestRepository } from '../app/ports.ts';
import type { LendingRequest } from '../domain/request/lending-request.ts';
import type { LendingStatus } from '../domain/request/state-model.ts';
import type { Database, LendingHistoryRow } from './schema.ts';

const toHistory = (row: LendingHistoryRow): LendingHistoryEntry => ({
  id: row.id,
  requestId: row.request_id,
  at: row.at,
  actor: row.actor,
  action: row.action,
  fromStatus: row.from_status as LendingStatus | null,
  toStatus: row.to_status as LendingStatus,
  reason: row.reason,
  partner: row.partner,
});

/** As borrowing-repository.ts numbers history lines: the save's version times this, plus the line's place. */
const SEQ_PER_VERSION = 1000;

/** Symbols are compared without case (peers write ISILs both ways), so the unique key holds them lower-cased. */
const symbolKey = (agencyIdValue: string) => agencyIdValue.toLowerCase();

export function lendingRepository(db: Kysely<Database>): LendingRequestRepository {
  const row = (r: LendingRequest) => ({
    id: r.id,
    status: r.status,
    requester: r.requester.partner,
    requester_symbol: symbolKey(r.requester.agencyIdValue),
    requester_request_id: r.requesterRequestId,
    data: JSON.stringify(r),
    version: r.version,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  });
  return {
    async insert(request) {
      // ON CONFLICT DO NOTHING rather than catching the unique violation: on PostgreSQL a failed statement
      // aborts the whole transaction, and the caller still wants to read the request that is already there.
      const result = await db
        .insertInto('lending_request')
        .values(row(request))
        .onConflict((oc) => oc.columns(['requester_symbol', 'requester_request_id']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
    async update(request) {
      const { id: _id, created_at: _created, requester_symbol: _symbol, requester_request_id: _theirs, ...changes } = row(request);
      const result = await db
        .updateTable('lending_request')
        .set(changes)
        .where('id', '=', request.id)
        .where('version', '=', request.version - 1)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async get(id) {
      const found = await db.selectFrom('lending_request').select('data').where('id', '=', id).executeTakeFirst();
      return found && (JSON.parse(found.data) as LendingRequest);
    },
    async byRequester(agencyIdValue, requesterRequestId) {
      const found = await db
        .selectFrom('lending_request')
        .select('data')
        .where('requester_symbol', '=', symbolKey(agencyIdValue))
        .where('requester_request_id', '=', requesterRequestId)
        .executeTakeFirst();
      return found && (JSON.parse(found.data) as LendingRequest);
    },
    async list(query) {
      let select = db.selectFrom('lending_request');
      if (query.statuses?.length) select = select.where('status', 'in', [...query.statuses]);
      if (query.requester) select = select.where('requester', '=', query.requester);
      const rows = await select.select('data').orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute();
      const counted = await select.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
      return { items: rows.map((r) => JSON.parse(r.data) as LendingRequest), total: Number(counted.count) };
    },
    async countByStatus() {
      const rows = await db.selectFrom('lending_request').select(['status', (eb) => eb.fn.countAll().as('count')]).groupBy('status').execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
    },
    async addHistory(entries, version) {
      if (entries.length === 0) return;
      if (entries.length >= SEQ_PER_VERSION) throw new Error(`a save wrote ${entries.length} history lines; at most ${SEQ_PER_VERSION - 1} fit its numbering`);
      const first = version * SEQ_PER_VERSION;
      await db
        .insertInto('lending_history')
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
    },
    async history(requestId) {
      const rows = await db.selectFrom('lending_history').selectAll().where('request_id', '=', requestId).orderBy('seq').execute();
      return rows.map(toHistory);
    },
  };
}
