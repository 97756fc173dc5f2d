import { type Kysely, SqliteAdapter, sql } from 'kysely';

/**
 * The staff lists with many requests (issue 8: every page in 200 ms with 50,000 requests). Measured with
 * `npm run bench:ui`; what each index is for:
 * - `borrowing_request_list (updated_at, id, search_text)`: the list's order (most recently changed first). The
 *   unfiltered list and its last page are read in this order instead of sorting every request, JSON and all (half a
 *   second, a second for the last page); and a search by title words walks it newest first, testing each entry's
 *   words in the index and stopping at the page's last match, instead of reading every match to sort it. It takes
 *   the place of `(search_text, id)` (0008), so a save writes as many index entries as before.
 * - The status and current-partner indexes end in `id`: a filtered list is in index order to its last row (the
 *   `id` tie-break was a sort that read each row for its id). The status index also carries the words, so a search
 *   within a status (Request completed holds half of all requests) tests them on the index's entries, not rows;
 *   its entries are rewritten by every save anyway (they hold updated_at), so this costs bytes, not writes.
 * - `last_entry_state`: the state of the request's last rota entry, a column kept by the repository like
 *   `current_partner`, so the dashboard counts "Expired: every partner rejected" without parsing each Expired
 *   request's JSON (filled here from the JSON, in one statement).
 * - Lending requests: `(updated_at, id)`, and `id` at the end of the status index, likewise.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema.createIndex('borrowing_request_list').on('borrowing_request').columns(['updated_at', 'id', 'search_text']).execute();
  await db.schema.dropIndex('borrowing_request_search_text').execute();
  await db.schema.dropIndex('borrowing_request_status').execute();
  await db.schema.createIndex('borrowing_request_status').on('borrowing_request').columns(['status', 'updated_at', 'id', 'search_text']).execute();
  await db.schema.dropIndex('borrowing_request_current_partner').execute();
  await db.schema.createIndex('borrowing_request_current_partner').on('borrowing_request').columns(['current_partner', 'updated_at', 'id']).execute();
  await db.schema.alterTable('borrowing_request').addColumn('last_entry_state', 'text').execute();
  const lastEntryState = sqlite ? sql`json_extract(data, '$.rota[#-1].state')` : sql`(cast(data as jsonb) -> 'rota' -> -1 ->> 'state')`;
  await sql`update borrowing_request set last_entry_state = ${lastEntryState}`.execute(db);

  await db.schema.createIndex('lending_request_updated_at').on('lending_request').columns(['updated_at', 'id']).execute();
  await db.schema.dropIndex('lending_request_status').execute();
  await db.schema.createIndex('lending_request_status').on('lending_request').columns(['status', 'updated_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('lending_request_status').execute();
  await db.schema.createIndex('lending_request_status').on('lending_request').columns(['status', 'updated_at']).execute();
  await db.schema.dropIndex('lending_request_updated_at').execute();

  await db.schema.alterTable('borrowing_request').dropColumn('last_entry_state').execute();
  await db.schema.dropIndex('borrowing_request_current_partner').execute();
  await db.schema.createIndex('borrowing_request_current_partner').on('borrowing_request').columns(['current_partner', 'updated_at']).execute();
  await db.schema.dropIndex('borrowing_request_status').execute();
  await db.schema.createIndex('borrowing_request_status').on('borrowing_request').columns(['status', 'updated_at']).execute();
  await db.schema.createIndex('borrowing_request_search_text').on('borrowing_request').columns(['search_text', 'id']).execute();
  await db.schema.dropIndex('borrowing_request_list').execute();
}
