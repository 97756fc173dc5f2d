import type { Kysely } from 'kysely';

/**
 * Partners that could not be reached when last called (issue 10, outages): one row per partner while its calls fail
 * (refused, no answer, a 5xx), from the first failure (`since`) to the last; gone as soon as a call is answered
 * again. The dashboard and /metrics read it; `failures` counts the failed calls of the outage.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('partner_outage')
    .addColumn('partner', 'text', (c) => c.primaryKey())
    .addColumn('since', 'text', (c) => c.notNull())
    .addColumn('last_at', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('partner_outage').execute();
}
