import type { Kysely } from 'kysely';

/**
 * Notices to patrons (issue 9, item 5):
 * - `notice_template`: the texts staff changed, one row per notice type (a type without a row uses the shipped text);
 * - `notice`: every notice, whatever became of it, unique by what it is for (`key`), so a job run twice, or a
 *   reminder scan run twice, records and sends one notice;
 * - `hold.hold_until`: the last day an item is kept on the hold shelf, when the lender said (NCIP PickupExpiryDate);
 * - an index for the reminder scan: open loans by due date.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notice_template')
    .addColumn('type', 'text', (c) => c.primaryKey())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('days_before', 'integer')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('notice')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('patron', 'text')
    .addColumn('recipient', 'text')
    .addColumn('subject', 'text')
    .addColumn('body', 'text')
    .addColumn('message_id', 'text')
    .addColumn('borrowing_request', 'text')
    .addColumn('loan', 'text')
    .addColumn('reason', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('notice_updated_at').on('notice').columns(['updated_at', 'id']).execute();
  await db.schema.createIndex('notice_borrowing_request').on('notice').column('borrowing_request').execute();

  await db.schema.alterTable('hold').addColumn('hold_until', 'text').execute();
  await db.schema.createIndex('loan_status_due_date').on('loan').columns(['status', 'due_date']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('loan_status_due_date').execute();
  await db.schema.alterTable('hold').dropColumn('hold_until').execute();
  await db.schema.dropTable('notice').execute();
  await db.schema.dropTable('notice_template').execute();
}
