import type { Kysely } from 'kysely';

/**
 * Optimistic concurrency for configuration saves (issue 8): every configuration object and the institution get a
 * revision, 1 when created and one more whenever a write changes the stored document. The API's ETag and the staff
 * pages' hidden version are made from it; a write that names a version (If-Match) is one compare-and-set
 * `update … where id = ? and revision = ?` (storage/config-repository.ts). Existing rows start at 1.
 */
const TABLES = ['library', 'location', 'desk', 'item_policy', 'patron', 'partner', 'rota_template', 'rota_rule', 'institution'];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    await db.schema
      .alterTable(table)
      .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) await db.schema.alterTable(table).dropColumn('revision').execute();
}
