import type { Kysely } from 'kysely';

/**
 * Patrons signing in (issue 9): a PIN per patron, kept only as a scrypt hash and apart from the patron's record
 * (which configuration exports carry), keyed by the patron's stored id so that a patron made again under the same
 * primary id does not inherit an old PIN; and the counts of wrong PINs per typed id and per client address.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('patron_pin')
    .addColumn('patron_id', 'text', (c) => c.primaryKey())
    .addColumn('pin_hash', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('sign_in_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .execute();
  await db.schema.createIndex('sign_in_throttle_window').on('sign_in_throttle').column('window_started_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sign_in_throttle').execute();
  await db.schema.dropTable('patron_pin').execute();
}
