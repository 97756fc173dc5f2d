import type { Kysely } from 'kysely';
import type { BorrowingRequestRepository, HistoryEntry } from '../app/ports.ts';
import type { BorrowingRequest } from '../domain/request/borrowing-request.ts';
import type { BorrowingStatus } from '../domain/request/state-model.ts';
import type { Database, RequestHistoryRow } from './schema.ts';

const toHistory = (row: RequestHistoryRow): HistoryEntry => ({
  id: row.id,
  requestId: row.request_id,
  at: row.at,
  actor: row.actor,
  action: row.action,
  fromStatus: row.from_status as BorrowingStatus | null,
  toStatus: row.to_status as BorrowingStatus,
  reason: row.reason,
  partner: row.partner,
});

const SEQ_PER_VERSION = 1000;

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
    async addHistory(entries, version) {
      if (entries.length === 0) return;
      // Ids made in one millisecond need not sort in order, so a sequence keeps the history's order: the save's
      // version times SEQ_PER_VERSION plus the line's place. Writers of one request are serialized by its version,
      // so no read of the last sequence is needed and two saves cannot collide. (Histories written before this
      // numbering counted 1, 2, 3…; they stay below every new number.)
      if (entries.length >= SEQ_PER_VERSION) throw new Error(`a save wrote ${entries.length} history lines; at most ${SEQ_PER_VERSION - 1} fit its numbering`);
      const first = version * SEQ_PER_VERSION;
      await db
        .insertInto('request_history')
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
      const rows = await db.selectFrom('request_history').selectAll().where('request_id', '=', requestId).orderBy('seq').execute();
      return rows.map(toHistory);
    },
  };
}
