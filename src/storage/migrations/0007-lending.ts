import { type Kysely, SqliteAdapter, sql } from 'kysely';

/**
 * Lending requests (issue 6, the supplier side of ISO 18626): a peer's request to borrow from us, kept whole as
 * JSON like a borrowing request, with status, requester and times as columns for the lists. The requester's symbol
 * and its request id are unique together (ISO 18626 requestingAgencyRequestId is unique per requester only, so two
 * peers may use the same id): a repeated Request cannot make a second lending request, even when two copies
 * arrive at the same moment.
 *
 * The history is a table of its own rather than request_history with a column saying which side a line is of:
 * - the statuses are another vocabulary (lending's CREATED is not borrowing's), and a line is read with its
 *   request's model;
 * - request_history is written by every NCIP message and every rota step, keyed by (request_id, seq) alone
 *   (0004); a discriminating column would widen that key or its rows on the hot path for no borrowing benefit;
 * - lending and borrowing ids come from the same id source and never clash, but nothing would then stop a
 *   history line of one side being read as the other's.
 * It has the same shape and key as request_history (0004): WITHOUT ROWID on SQLite, so a history is one b-tree.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('lending_request')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    /** The requester's partner code, for lists. */
    .addColumn('requester', 'text', (c) => c.notNull())
    /** The requester's agency id value as configured on its partner (its symbol, e.g. an ISIL). */
    .addColumn('requester_symbol', 'text', (c) => c.notNull())
    .addColumn('requester_request_id', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lending_request_by_requester').on('lending_request').columns(['requester_symbol', 'requester_request_id']).unique().execute();
  await db.schema.createIndex('lending_request_status').on('lending_request').columns(['status', 'updated_at']).execute();

  const columns = `request_id text not null,
      seq integer not null,
      id text not null,
      at text not null,
      actor text not null,
      action text not null,
      from_status text,
      to_status text not null,
      reason text,
      partner text,
      primary key (request_id, seq)`;
  if (db.getExecutor().adapter instanceof SqliteAdapter) await sql.raw(`create table lending_history (${columns}) without rowid`).execute(db);
  else await sql.raw(`create table lending_history (${columns})`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('lending_history').execute();
  await db.schema.dropTable('lending_request').execute();
}
