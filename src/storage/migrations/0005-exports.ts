import type { Kysely } from 'kysely';

/**
 * What exports need: the number a lender of last resort gave the request (ILLiad's TransactionNumber), as a
 * column so the NCIP messages that name it find the request; and the alerts that flag a partner whose
 * configuration fails (a refused API key) until it works again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('borrowing_request').addColumn('third_party_number', 'text').execute();
  await db.schema.createIndex('borrowing_request_third_party_number').on('borrowing_request').column('third_party_number').execute();
  await db.schema
    .createTable('partner_alert')
    .addColumn('partner', 'text', (c) => c.primaryKey())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('partner_alert').execute();
  await db.schema.dropIndex('borrowing_request_third_party_number').execute();
  await db.schema.alterTable('borrowing_request').dropColumn('third_party_number').execute();
}
