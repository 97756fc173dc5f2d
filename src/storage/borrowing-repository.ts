import { type Kysely, sql } from 'kysely';
import type { BorrowingRequestRepository } from '../app/ports.ts';
import type { BorrowingRequest } from '../domain/request/borrowing-request.ts';
import { searchKeysOf, searchTermsOf } from '../domain/request/search-keys.ts';
import type { BorrowingStatus } from '../domain/request/state-model.ts';
import { insertHistory, readHistory } from './history-table.ts';
import type { Dialect } from './database.ts';
import type { Database } from './schema.ts';

/** The day after a YYYY-MM-DD day, for "created on or before": `created_at < next day`. */
function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * Requests are kept whole as JSON; status, patron, times, the current partner and the search keys (migration 0008)
 * are columns for the queues and the staff search.
 */
/** The state of a request's last rota entry, read from its JSON in SQL (for the needs-attention queue). */
function lastEntryState(dialect: Dialect) {
  return dialect === 'postgres' ? sql<string>`(cast(data as jsonb) -> 'rota' -> -1 ->> 'state')` : sql<string>`json_extract(data, '$.rota[#-1].state')`;
}

export function borrowingRepository(db: Kysely<Database>, dialect: Dialect): BorrowingRequestRepository {
  const keysOf = (r: BorrowingRequest) => {
    const keys = searchKeysOf(r.citation);
    return { search_text: keys.words, oclc_number: keys.oclcNumber, isbn: keys.isbn };
  };
  const row = (r: BorrowingRequest) => ({
    id: r.id,
    status: r.status,
    patron: r.patron,
    data: JSON.stringify(r),
    version: r.version,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    third_party_number: r.exportedTo ? String(r.exportedTo.transactionNumber) : null,
    current_partner: r.current === null ? null : (r.rota[r.current]?.partner ?? null),
    // A few short columns from the citation (microseconds next to the JSON), kept on update too so they can never
    // go stale should a citation ever be corrected.
    ...keysOf(r),
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
      if (query.partner) select = select.where('current_partner', '=', query.partner);
      if (query.createdFrom) select = select.where('created_at', '>=', query.createdFrom);
      if (query.createdTo) select = select.where('created_at', '<', dayAfter(query.createdTo));
      if (query.rejectedByLastPartner) select = select.where(lastEntryState(dialect), '=', 'REJECTED');
      const terms = query.q === undefined ? undefined : searchTermsOf(query.q);
      if (terms) {
        // Each way of matching is its own indexed select, and the request is found by any: the words scan the
        // narrow (search_text, id) index rather than the table with its JSON (about ten times less to read).
        const by = () => db.selectFrom('borrowing_request').select('id');
        let found = by().where('id', '=', terms.reference);
        if (/^\d{1,18}$/.test(terms.reference)) found = found.unionAll(by().where('third_party_number', '=', terms.reference));
        if (terms.oclcNumber) found = found.unionAll(by().where('oclc_number', '=', terms.oclcNumber));
        if (terms.isbn) found = found.unionAll(by().where('isbn', '=', terms.isbn));
        // Words hold only letters and digits (search-keys.ts), so none is a LIKE wildcard.
        if (terms.words.length) found = found.unionAll(by().where((eb) => eb.and(terms.words.map((word) => eb('search_text', 'like', `% ${word}%`)))));
        select = select.where('id', 'in', found);
      }
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
