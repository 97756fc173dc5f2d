import type { Kysely } from 'kysely';

/**
 * Staff users (issue 8): people who sign in to the staff pages with a user name and password.
 * - `username` is kept as typed; `username_key` is its lower-cased form, unique, so "Alice" and "alice" are one user
 *   on both databases (user names are ASCII, domain/access/staff-user.ts, so lower-casing is the same everywhere).
 * - `password_hash` is `scrypt$N$r$p$salt$key` (app/passwords.ts); never the password.
 * - `role` is one of the API's roles but `peer`.
 *
 * A password sign-in makes a session token in `api_token`, so revocation and the per-request check stay one path:
 * - `expires_at`: a session stops working then (API tokens: null, no end);
 * - `user_id`: the staff user a session belongs to (API tokens: null), so disabling a user or changing its role or
 *   password revokes its sessions in one statement. Not a foreign key: a deleted user's revoked sessions may stay
 *   until they expire and are cleared.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('staff_user')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('username_key', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'text')
    .addColumn('last_sign_in_at', 'text')
    .execute();

  // One column an ALTER: SQLite adds only one at a time.
  await db.schema.alterTable('api_token').addColumn('expires_at', 'text').execute();
  await db.schema.alterTable('api_token').addColumn('user_id', 'text').execute();
  await db.schema.createIndex('api_token_user').on('api_token').column('user_id').execute();
  await db.schema.createIndex('api_token_expires_at').on('api_token').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('api_token_expires_at').execute();
  await db.schema.dropIndex('api_token_user').execute();
  await db.schema.alterTable('api_token').dropColumn('user_id').execute();
  await db.schema.alterTable('api_token').dropColumn('expires_at').execute();
  await db.schema.dropTable('staff_user').execute();
}
