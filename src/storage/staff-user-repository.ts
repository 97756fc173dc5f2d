/** Staff users (migration 0009). The password hash leaves this file only through `credentialsOf`. */
import type { Kysely } from 'kysely';
import type { StaffUserRepository } from '../app/ports.ts';
import type { StaffRole } from '../domain/access/roles.ts';
import { type StaffUser, usernameKey } from '../domain/access/staff-user.ts';
import type { Database, StaffUserRow } from './schema.ts';

/** Every column but the hash. */
const USER_COLUMNS = ['id', 'username', 'name', 'role', 'created_at', 'updated_at', 'disabled_at', 'last_sign_in_at'] as const;

function toUser(row: Omit<StaffUserRow, 'password_hash' | 'username_key'>): StaffUser {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    role: row.role as StaffRole,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    disabledAt: row.disabled_at,
    lastSignInAt: row.last_sign_in_at,
  };
}

export function staffUserRepository(db: Kysely<Database>): StaffUserRepository {
  return {
    async insert(user, passwordHash) {
      // ON CONFLICT DO NOTHING rather than catching the violation: on PostgreSQL a failed statement aborts the
      // transaction, and two admins adding the same name at once must get "taken", not a fault.
      const result = await db
        .insertInto('staff_user')
        .values({
          id: user.id,
          username: user.username,
          username_key: usernameKey(user.username),
          name: user.name,
          role: user.role,
          password_hash: passwordHash,
          created_at: user.createdAt,
          updated_at: user.updatedAt,
          disabled_at: user.disabledAt,
          last_sign_in_at: user.lastSignInAt,
        })
        .onConflict((oc) => oc.column('username_key').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
    async find(username) {
      const row = await db.selectFrom('staff_user').select(USER_COLUMNS).where('username_key', '=', usernameKey(username)).executeTakeFirst();
      return row && toUser(row);
    },
    async findById(id) {
      const row = await db.selectFrom('staff_user').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
      return row && toUser(row);
    },
    async list() {
      return (await db.selectFrom('staff_user').select(USER_COLUMNS).orderBy('username_key').execute()).map(toUser);
    },
    async credentialsOf(username) {
      const row = await db
        .selectFrom('staff_user')
        .select([...USER_COLUMNS, 'password_hash'])
        .where('username_key', '=', usernameKey(username))
        .executeTakeFirst();
      return row && { user: toUser(row), passwordHash: row.password_hash };
    },
    async update(user) {
      await db
        .updateTable('staff_user')
        .set({ name: user.name, role: user.role, disabled_at: user.disabledAt, updated_at: user.updatedAt })
        .where('id', '=', user.id)
        .execute();
    },
    async setPasswordHash(id, passwordHash, at) {
      await db.updateTable('staff_user').set({ password_hash: passwordHash, updated_at: at }).where('id', '=', id).execute();
    },
    async markSignedIn(id, at, passwordHash) {
      await db
        .updateTable('staff_user')
        .set({ last_sign_in_at: at, ...(passwordHash ? { password_hash: passwordHash } : {}) })
        .where('id', '=', id)
        .execute();
    },
    async delete(id) {
      const result = await db.deleteFrom('staff_user').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
