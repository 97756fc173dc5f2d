/**
 * Staff users and session tokens in storage (migration 0009), once per database: user names unique without case,
 * a taken name that leaves the transaction usable, the hash read only for sign-in, and the session columns of
 * api_token (list, count, revoke by user, rename, clear the expired). Also the upgrade of a database at 0008.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Migrator, sql } from 'kysely';
import type { ApiToken, Storage } from '../../src/app/ports.ts';
import type { StaffUser } from '../../src/domain/access/staff-user.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { migrationProvider } from '../../src/storage/migrations/index.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.ts';

const T0 = '2026-11-28T12:00:00.000Z';
const T1 = '2026-11-28T13:00:00.000Z';
const T2 = '2026-11-29T00:00:00.000Z';
const HASH = 'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';

const user = (id: string, username: string, extra: Partial<StaffUser> = {}): StaffUser => ({
  id,
  username,
  name: `${username} name`,
  role: 'operator',
  createdAt: T0,
  updatedAt: T0,
  disabledAt: null,
  lastSignInAt: null,
  ...extra,
});

const session = (id: string, userId: string, expiresAt: string): ApiToken => ({ id, name: 'session', role: 'operator', createdAt: T0, lastUsedAt: null, revokedAt: null, expiresAt, userId });

for (const { dialect, skip } of DIALECTS) {
  describe(`staff users on ${dialect}`, { skip }, () => {
    let database: TestDatabase;
    let storage: Storage;

    before(async () => {
      database = await createTestDatabase(dialect);
      storage = await openStorage(database.settings);
    });
    after(async () => {
      await storage?.close();
      await database?.drop();
    });

    test('a user round-trips without its hash, is found in any case, and its name is unique without case', async () => {
      const alice = user('u1', 'Alice');
      assert.equal(await storage.transaction((repos) => repos.staffUsers.insert(alice, HASH)), true);
      assert.deepEqual(await storage.read.staffUsers.find('ALICE'), alice);
      assert.deepEqual(await storage.read.staffUsers.findById('u1'), alice);
      assert.deepEqual(await storage.read.staffUsers.credentialsOf('alice'), { user: alice, passwordHash: HASH });
      // A taken name answers false and the transaction goes on (PostgreSQL aborts a transaction on a failed statement).
      const after = await storage.transaction(async (repos) => {
        const added = await repos.staffUsers.insert(user('u2', 'aLICE'), HASH);
        await repos.staffUsers.insert(user('u3', 'bob'), HASH);
        return added;
      });
      assert.equal(after, false);
      assert.deepEqual((await storage.read.staffUsers.list()).map((u) => u.username), ['Alice', 'bob']);
      assert.ok(!JSON.stringify(await storage.read.staffUsers.list()).includes('scrypt'), 'lists never carry the hash');
    });

    test('update, a new hash, a sign-in, delete', async () => {
      const carol = user('u4', 'carol');
      await storage.transaction((repos) => repos.staffUsers.insert(carol, HASH));
      await storage.transaction((repos) => repos.staffUsers.update({ ...carol, name: 'Carol C.', role: 'admin', disabledAt: T1, updatedAt: T1 }));
      assert.deepEqual(await storage.read.staffUsers.find('carol'), { ...carol, name: 'Carol C.', role: 'admin', disabledAt: T1, updatedAt: T1 });
      await storage.transaction((repos) => repos.staffUsers.setPasswordHash('u4', `${HASH}x`, T2));
      assert.equal((await storage.read.staffUsers.credentialsOf('carol'))?.passwordHash, `${HASH}x`);
      await storage.transaction((repos) => repos.staffUsers.markSignedIn('u4', T2));
      assert.equal((await storage.read.staffUsers.find('carol'))?.lastSignInAt, T2);
      await storage.transaction((repos) => repos.staffUsers.markSignedIn('u4', T2, HASH));
      assert.equal((await storage.read.staffUsers.credentialsOf('carol'))?.passwordHash, HASH);
      assert.equal(await storage.transaction((repos) => repos.staffUsers.delete('u4')), true);
      assert.equal(await storage.read.staffUsers.find('carol'), undefined);
      assert.equal(await storage.transaction((repos) => repos.staffUsers.delete('u4')), false);
    });

    test('session tokens: kept apart from API tokens, revoked by user, renamed, cleared once expired', async () => {
      const tokens = storage.read.tokens;
      await tokens.insert({ id: 'api-1', name: 'automation', role: 'admin', createdAt: T0, lastUsedAt: null, revokedAt: null }, 'hash-api-1');
      await tokens.insert(session('s-1', 'u1', T1), 'hash-s-1');
      await tokens.insert(session('s-2', 'u1', T2), 'hash-s-2');
      await tokens.insert(session('s-3', 'u3', T2), 'hash-s-3');
      assert.deepEqual((await tokens.list()).map((t) => t.id), ['api-1']);
      assert.deepEqual((await tokens.list({ sessions: true })).map((t) => t.id), ['api-1', 's-1', 's-2', 's-3']);
      assert.equal(await tokens.count(), 1, 'sessions do not count as API tokens');
      const found = await tokens.findByHash('hash-s-2');
      assert.deepEqual({ expiresAt: found?.expiresAt, userId: found?.userId }, { expiresAt: T2, userId: 'u1' });
      assert.deepEqual({ expiresAt: (await tokens.findByHash('hash-api-1'))?.expiresAt, userId: (await tokens.findByHash('hash-api-1'))?.userId }, { expiresAt: null, userId: null });

      await tokens.renameSessionsOf('u1', 'Alice Smith');
      assert.equal((await tokens.findByHash('hash-s-1'))?.name, 'Alice Smith');
      assert.equal((await tokens.findByHash('hash-s-3'))?.name, 'session');

      assert.equal(await tokens.revokeSessionsOf('u1', T1, 's-2'), 1, 'all but the one kept');
      assert.equal((await tokens.findByHash('hash-s-1'))?.revokedAt, T1);
      assert.equal((await tokens.findByHash('hash-s-2'))?.revokedAt, null);
      assert.equal(await tokens.revokeSessionsOf('u1', T1), 1, 'an already revoked one is not counted again');

      assert.equal(await tokens.deleteExpiredSessions(T2), 1, 's-1 ended at T1');
      assert.deepEqual((await tokens.list({ sessions: true })).map((t) => t.id), ['api-1', 's-2', 's-3']);
      assert.equal(await tokens.deleteExpiredSessions('2026-12-01T00:00:00.000Z'), 2);
      assert.deepEqual((await tokens.list({ sessions: true })).map((t) => t.id), ['api-1'], 'an API token never expires away');
    });
  });

  describe(`migration 0009 on ${dialect}`, { skip }, () => {
    test('a database at 0008 with tokens keeps them as API tokens that do not expire', async () => {
      const database = await createTestDatabase(dialect);
      try {
        const old = openDatabase(database.settings);
        const outcome = await new Migrator({ db: old.db, provider: migrationProvider }).migrateTo('0008-request-search');
        assert.equal(outcome.error, undefined);
        await sql`insert into api_token (id, name, role, token_hash, created_at, last_used_at, revoked_at)
          values ('t-old', 'ops', 'operator', 'hash-old', ${T0}, null, null)`.execute(old.db);
        await old.close();

        const storage = await openStorage(database.settings);
        try {
          assert.equal(storage.appliedMigrations[0], '0009-staff-users', 'the migrations after 0008 ran, 0009 first');
          const token = await storage.read.tokens.findByHash('hash-old');
          assert.deepEqual({ id: token?.id, expiresAt: token?.expiresAt, userId: token?.userId }, { id: 't-old', expiresAt: null, userId: null });
          assert.equal(await storage.read.tokens.count(), 1);
          assert.deepEqual(await storage.read.staffUsers.list(), []);
        } finally {
          await storage.close();
        }
        // And back down: 0009 undoes cleanly.
        const again = openDatabase(database.settings);
        const down = await new Migrator({ db: again.db, provider: migrationProvider }).migrateTo('0008-request-search');
        assert.equal(down.error, undefined);
        await again.close();
      } finally {
        await database.drop();
      }
    });
  });
}
