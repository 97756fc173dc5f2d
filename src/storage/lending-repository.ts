/** Lending requests and their history (migration 0007): requests kept whole as JSON, like borrowing requests. */
import type { Kysely } from 'kysely';
import type { LendingRequestRepository } from '../app/ports.ts';
import type { LendingRequest } from '../domain/request/lending-request.ts';
import type { LendingStatus } from '../domain/request/state-model.ts';
import { insertHistory, readHistory } from './history-table.ts';
import type { Database, LendingRequestRow } from './schema.ts';

/** Symbols are compared without case (peers write ISILs both ways), so the unique key holds them lower-cased. */
const symbolKey = (agencyIdValue: string) => agencyIdValue.toLowerCase();

/** A lending request as its table row; exported for bulk loads (scripts/bench-ui.ts), which must write rows as saves do. */
export function lendingRequestRow(r: LendingRequest): LendingRequestRow {
  return {
    id: r.id,
    status: r.status,
    requester: r.requester.partner,
    requester_symbol: symbolKey(r.requester.agencyIdValue),
    requester_request_id: r.requesterRequestId,
    data: JSON.stringify(r),
    version: r.version,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

export function lendingRepository(db: Kysely<Database>): LendingRequestRepository {
  const row = lendingRequestRow;
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
      // The page's ids first, from the indexes (0010); then the JSON of those alone (as borrowing requests).
      const page = select.select('id').orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(query.limit).offset(query.offset);
      const rows = await db.selectFrom('lending_request').select('data').where('id', 'in', page).orderBy('updated_at', 'desc').orderBy('id', 'desc').execute();
      // A page that is not full tells the total (as borrowing requests).
      const total = rows.length < query.limit && (rows.length > 0 || query.offset === 0) ? query.offset + rows.length : Number((await select.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow()).count);
      return { items: rows.map((r) => JSON.parse(r.data) as LendingRequest), total };
    },
    async countByStatus() {
      const rows = await db.selectFrom('lending_request').select(['status', (eb) => eb.fn.countAll().as('count')]).groupBy('status').execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
    },
    addHistory: (entries, version) => insertHistory(db, 'lending_history', entries, version),
    history: (requestId) => readHistory<LendingStatus>(db, 'lending_history', requestId),
  };
}
