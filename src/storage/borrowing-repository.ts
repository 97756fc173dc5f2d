import type { Kysely } from 'kysely';
import type { BorrowingRequestRepository } from '../app/ports.ts';
import type { BorrowingRequest } from '../domain/request/borrowing-request.ts';
import type { BorrowingStatus } from '../domain/request/state-model.ts';
import { insertHistory, readHistory } from './history-table.ts';
import type { Database } from './schema.ts';

/** Requests are kept whole as JSON; status, patron and times are columns for the queues. */
export function borrowingRepository(db: Kysely<Database>): BorrowingRequestRepository {
  const row = (r: BorrowingRequest) => ({
    id: r.id,
    status: r.status,
    patron: r.patron,
    data: JSON.stringify(r),
    version: r.version,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    third_party_number: r.exportedTo ? String(r.exportedTo.transactionNumber) : null,
  });
  return {
    async insert(request) {
      await db.insertInto('borrowing_request').values(row(request)).execute();
    },
    async update(request) {
      const { id: _id, created_at: _created, ...changes } = row(request);
      const result = await db
        .updateTable('borrowing_request')
        .set(changes)
        .where('id', '=', request.id)
        .where('version', '=', request.version - 1)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async get(id) {
      const found = await db.selectFrom('borrowing_request').select('data').where('id', '=', id).executeTakeFirst();
      return found && (JSON.parse(found.data) as BorrowingRequest);
    },
    async list(query) {
      let select = db.selectFrom('borrowing_request');
      if (query.statuses?.length) select = select.where('status', 'in', [...query.statuses]);
      if (query.patron) select = select.where('patron', '=', query.patron);
      if (query.unchangedSince) select = select.where('updated_at', '<', query.unchangedSince);
      const rows = await select.select('data').orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute();
      const counted = await select.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
      return { items: rows.map((r) => JSON.parse(r.data) as BorrowingRequest), total: Number(counted.count) };
    },
    async countByStatus() {
      const rows = await db.selectFrom('borrowing_request').select(['status', (eb) => eb.fn.countAll().as('count')]).groupBy('status').execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
    },
    async byThirdPartyNumber(number) {
      const rows = await db.selectFrom('borrowing_request').select('data').where('third_party_number', '=', number).orderBy('created_at', 'desc').execute();
      return rows.map((r) => JSON.parse(r.data) as BorrowingRequest);
    },
    addHistory: (entries, version) => insertHistory(db, 'request_history', entries, version),
    history: (requestId) => readHistory<BorrowingStatus>(db, 'request_history', requestId),
  };
}
