import type { Kysely } from 'kysely';
import type { BorrowingRequest } from '../../domain/request/borrowing-request.ts';
import { searchKeysOf } from '../../domain/request/search-keys.ts';

/**
 * Staff search and filters on borrowing requests (issue 8): columns kept by the repository on every insert and
 * update, from the request's JSON, so the list filters without reading `data`:
 * - `current_partner`: the partner of the current rota entry (null when no partner has the request);
 * - `search_text`: the title's and author's words in their search form, each after a space (`like '% word%'`);
 * - `oclc_number`: digits without leading zeros; `isbn`: ISBN-13 without hyphens (see domain/request/search-keys.ts).
 * Existing rows are filled here, in batches by id.
 */
interface Tables {
  borrowing_request: { id: string; data: string; current_partner: string | null; search_text: string | null; oclc_number: string | null; isbn: string | null };
}

export async function up(db: Kysely<Tables>): Promise<void> {
  for (const column of ['current_partner', 'search_text', 'oclc_number', 'isbn']) {
    await db.schema.alterTable('borrowing_request').addColumn(column, 'text').execute();
  }
  await db.schema.createIndex('borrowing_request_current_partner').on('borrowing_request').columns(['current_partner', 'updated_at']).execute();
  await db.schema.createIndex('borrowing_request_oclc_number').on('borrowing_request').column('oclc_number').execute();
  await db.schema.createIndex('borrowing_request_isbn').on('borrowing_request').column('isbn').execute();
  await db.schema.createIndex('borrowing_request_created_at').on('borrowing_request').column('created_at').execute();
  // Covering: a word search reads this index, not the table and its JSON.
  await db.schema.createIndex('borrowing_request_search_text').on('borrowing_request').columns(['search_text', 'id']).execute();

  let after = '';
  for (;;) {
    const rows = await db.selectFrom('borrowing_request').select(['id', 'data']).where('id', '>', after).orderBy('id').limit(500).execute();
    if (!rows.length) break;
    for (const row of rows) {
      const request = JSON.parse(row.data) as BorrowingRequest;
      const keys = searchKeysOf(request.citation);
      const current = request.current === null || request.current === undefined ? null : (request.rota[request.current]?.partner ?? null);
      await db
        .updateTable('borrowing_request')
        .set({ current_partner: current, search_text: keys.words, oclc_number: keys.oclcNumber, isbn: keys.isbn })
        .where('id', '=', row.id)
        .execute();
    }
    after = rows[rows.length - 1]!.id;
  }
}

export async function down(db: Kysely<Tables>): Promise<void> {
  for (const index of ['borrowing_request_search_text', 'borrowing_request_current_partner', 'borrowing_request_oclc_number', 'borrowing_request_isbn', 'borrowing_request_created_at']) {
    await db.schema.dropIndex(index).execute();
  }
  for (const column of ['current_partner', 'search_text', 'oclc_number', 'isbn']) {
    await db.schema.alterTable('borrowing_request').dropColumn(column).execute();
  }
}
