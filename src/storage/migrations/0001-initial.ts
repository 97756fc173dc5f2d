import type { Kysely } from 'kysely';

/** Columns every configuration object table has; see schema.ts. */
function configTable(db: Kysely<unknown>, name: string) {
  return db.schema
    .createTable(name)
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('search', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull());
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await configTable(db, 'library')
    .addColumn('is_pickup', 'integer', (c) => c.notNull())
    .addColumn('is_resource_sharing', 'integer', (c) => c.notNull())
    .execute();
  await configTable(db, 'location').addColumn('library', 'text', (c) => c.notNull()).execute();
  await configTable(db, 'desk').addColumn('library', 'text', (c) => c.notNull()).execute();
  await configTable(db, 'item_policy').execute();
  await configTable(db, 'patron')
    .addColumn('user_group', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .execute();
  await configTable(db, 'partner')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('profile_type', 'text', (c) => c.notNull())
    .execute();
  await configTable(db, 'rota_template').addColumn('status', 'text', (c) => c.notNull()).execute();
  await configTable(db, 'rota_rule').addColumn('enabled', 'integer', (c) => c.notNull()).execute();

  await db.schema
    .createTable('config_reference')
    .addColumn('from_kind', 'text', (c) => c.notNull())
    .addColumn('from_key', 'text', (c) => c.notNull())
    .addColumn('to_kind', 'text', (c) => c.notNull())
    .addColumn('to_key', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('config_reference_pk', ['from_kind', 'from_key', 'path'])
    .execute();
  await db.schema.createIndex('config_reference_to').on('config_reference').columns(['to_kind', 'to_key']).execute();

  await db.schema
    .createTable('patron_key')
    .addColumn('patron_id', 'text', (c) => c.notNull())
    .addColumn('key_type', 'text', (c) => c.notNull())
    .addColumn('key_value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('patron_key_pk', ['key_type', 'key_value'])
    .execute();
  await db.schema.createIndex('patron_key_patron').on('patron_key').column('patron_id').execute();
  await db.schema.createIndex('patron_user_group').on('patron').column('user_group').execute();

  await db.schema
    .createTable('institution')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_token')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('setting')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['setting', 'api_token', 'institution', 'patron_key', 'config_reference', 'rota_rule', 'rota_template', 'partner', 'patron', 'item_policy', 'desk', 'location', 'library']) {
    await db.schema.dropTable(table).execute();
  }
}
