import { type Kysely, sql } from 'kysely';

/**
 * Circulation (items, holds, loans) and the NCIP message log. A barcode is unique among items still in use (a
 * retired temporary item frees it: ILLiad may send the same number again); an item has one open loan at most.
 * Both are partial unique indexes, so a message repeated at the same moment cannot make a second item or loan.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('item')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('barcode', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('author', 'text')
    .addColumn('library', 'text')
    .addColumn('location', 'text')
    .addColumn('item_policy', 'text')
    .addColumn('borrowing_request', 'text')
    .addColumn('partner', 'text')
    .addColumn('due_back', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('item_barcode_in_use').on('item').column('barcode').unique().where(sql.ref('status'), '<>', 'RETIRED').execute();
  await db.schema.createIndex('item_barcode').on('item').column('barcode').execute();
  await db.schema.createIndex('item_borrowing_request').on('item').column('borrowing_request').execute();

  await db.schema
    .createTable('hold')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('patron', 'text', (c) => c.notNull())
    .addColumn('pickup_library', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('borrowing_request', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hold_item').on('hold').column('item').execute();
  await db.schema.createIndex('hold_shelf').on('hold').columns(['pickup_library', 'status']).execute();

  await db.schema
    .createTable('loan')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('borrower', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('due_date', 'text', (c) => c.notNull())
    .addColumn('renewals', 'integer', (c) => c.notNull())
    .addColumn('desk', 'text')
    .addColumn('external_request', 'text')
    .addColumn('checked_out_at', 'text', (c) => c.notNull())
    .addColumn('returned_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('loan_open_per_item').on('loan').column('item').unique().where(sql.ref('status'), '=', 'OPEN').execute();
  await db.schema.createIndex('loan_item').on('loan').column('item').execute();
  await db.schema.createIndex('loan_borrower').on('loan').columns(['borrower', 'status']).execute();

  await db.schema
    .createTable('ncip_message')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('partner', 'text')
    .addColumn('service', 'text')
    .addColumn('borrowing_request', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('problem', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('request_body', 'text', (c) => c.notNull())
    .addColumn('response_body', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ncip_message_request').on('ncip_message').columns(['borrowing_request', 'at']).execute();
  await db.schema.createIndex('ncip_message_at').on('ncip_message').column('at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['ncip_message', 'loan', 'hold', 'item']) await db.schema.dropTable(table).execute();
}
