import { type Kysely, SqliteAdapter, sql } from 'kysely';

/**
 * Rule sets: each distinct list of rota assignment rules a request was routed by, stored once under the hash of its
 * content. A request keeps the rule set's id and its own attribute values, so its rule trace can be rebuilt exactly
 * on demand instead of being written with every request (10 KB and more with a hundred rules).
 *
 * The history is keyed by (request, seq) alone: one b-tree instead of three, which is most of what a history write
 * costs. On SQLite the table is rebuilt WITHOUT ROWID; on PostgreSQL the key moves.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rule_set')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await sql`create table request_history_by_request (
      request_id text not null,
      seq integer not null,
      id text not null,
      at text not null,
      actor text not null,
      action text not null,
      from_status text,
      to_status text not null,
      reason text,
      partner text,
      primary key (request_id, seq)
    ) without rowid`.execute(db);
    await sql`insert into request_history_by_request (request_id, seq, id, at, actor, action, from_status, to_status, reason, partner)
      select request_id, seq, id, at, actor, action, from_status, to_status, reason, partner from request_history`.execute(db);
    await sql`drop table request_history`.execute(db);
    await sql`alter table request_history_by_request rename to request_history`.execute(db);
  } else {
    await sql`alter table request_history drop constraint request_history_pkey`.execute(db);
    await sql`drop index request_history_request`.execute(db);
    await sql`alter table request_history add primary key (request_id, seq)`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rule_set').execute();
}
