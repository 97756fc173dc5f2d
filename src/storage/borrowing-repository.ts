import type { Kysely } from 'kysely';
import type { BorrowingRequestRepository } from '../app/ports.ts';
import type { BorrowingRequest } from '../domain/request/borrowing-request.ts';
import { searchKeysOf, searchTermsOf } from '../domain/request/search-keys.ts';
import type { BorrowingStatus } from '../domain/request/state-model.ts';
import { insertHistory, readHistory } from './history-table.ts';
import type { BorrowingRequestRow, Database } from './schema.ts';

/** The day after a YYYY-MM-DD day, for "created on or before": `created_at < next day`. */
function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** A request as its table row; exported for bulk loads (scripts/bench-ui.ts), which must write rows as saves do. */
export function borrowingRequestRow(r: BorrowingRequest): BorrowingRequestRow {
  const keys = searchKeysOf(r.citation);
  return {
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
    search_text: keys.words,
    oclc_number: keys.oclcNumber,
    isbn: keys.isbn,
    last_entry_state: r.rota.at(-1)?.state ?? null,
  };
}

/**
 * Requests are kept whole as JSON; status, patron, times, the current partner, the last rota entry's state and the
 * search keys (migrations 0008, 0010) are columns for the lists, the queues and the staff search.
 */
export function borrowingRepository(db: Kysely<Database>): BorrowingRequestRepository {
  const row = borrowingRequestRow;
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
      if (query.rejectedByLastPartner) select = select.where('last_entry_state', '=', 'REJECTED');
      const terms = query.q === undefined ? undefined : searchTermsOf(query.q);
      if (terms) {
        // A request id, an ILLiad TN, an OCLC number, an ISBN: each an indexed lookup; the request is found by any.
        const by = () => db.selectFrom('borrowing_request').select('id');
        let exact = by().where('id', '=', terms.reference);
        if (/^\d{1,18}$/.test(terms.reference)) exact = exact.unionAll(by().where('third_party_number', '=', terms.reference));
        if (terms.oclcNumber) exact = exact.unionAll(by().where('oclc_number', '=', terms.oclcNumber));
        if (terms.isbn) exact = exact.unionAll(by().where('isbn', '=', terms.isbn));
        // Or by its words, tested where the list is read: on the list index's entries (0010), newest first, so the
        // page ends at its 50th match (a common word is found in the first few hundred entries, a rare one costs one
        // pass over the index); within a status, on the status index's entries, which carry the words too; with
        // another filter, on the rows its index leads to. Matching the words first and then looking up every match
        // cost a lookup per match. Words hold only letters and digits (search-keys.ts), so none is a LIKE wildcard.
        const words = terms.words.map((word) => `% ${word}%`);
        select = select.where((eb) => eb.or([eb('id', 'in', exact), ...(words.length ? [eb.and(words.map((w) => eb('search_text', 'like', w)))] : [])]));
      }
      // The page's ids first, in list order, from the indexes (0010); then the JSON of those alone. Ordering whole
      // rows put the JSON of every match through the sort (a tenth of a second for a common title word at 50,000).
      const page = select.select('id').orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(query.limit).offset(query.offset);
      const rows = await db.selectFrom('borrowing_request').select('data').where('id', 'in', page).orderBy('updated_at', 'desc').orderBy('id', 'desc').execute();
      // A page that is not full ends the list, and so tells the total: no second pass (one search of an id or an
      // ISBN, of a rare word, is one pass over the list index instead of two).
      const total = rows.length < query.limit && (rows.length > 0 || query.offset === 0) ? query.offset + rows.length : Number((await select.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow()).count);
      return { items: rows.map((r) => JSON.parse(r.data) as BorrowingRequest), total };
    },
    async countByStatus(statuses) {
      if (statuses?.length === 0) return {};
      let select = db.selectFrom('borrowing_request');
      if (statuses) select = select.where('status', 'in', [...statuses]);
      const rows = await select.select(['status', (eb) => eb.fn.countAll().as('count')]).groupBy('status').execute();
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
