/**
 * Upgrades keep what is stored: a database made by an earlier release, with requests and their history in it, is
 * migrated to the latest schema and still reads the same (0004 rebuilds the history table).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Migrator, sql } from 'kysely';
import { openDatabase } from '../../src/storage/database.ts';
import { migrationProvider } from '../../src/storage/migrations/index.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { createTestDatabase, DIALECTS } from '../support/databases.ts';

for (const { dialect, skip } of DIALECTS) {
  describe(`migrations on ${dialect}`, { skip }, () => {
    test('a database at 0003 with history migrates to the latest and keeps its history in order', async () => {
      const database = await createTestDatabase(dialect);
      try {
        const old = openDatabase(database.settings);
        const outcome = await new Migrator({ db: old.db, provider: migrationProvider }).migrateTo('0003-borrowing-requests');
        assert.equal(outcome.error, undefined);
        for (const [seq, id] of [[2, 'h-b'], [1, 'h-a'], [3, 'h-c']] as const) {
          await sql`insert into request_history (id, request_id, seq, at, actor, action, from_status, to_status, reason, partner)
            values (${id}, 'r-1', ${seq}, '2026-11-28T12:00:00.000Z', 'system', ${`step ${seq}`}, null, 'CREATED', null, null)`.execute(old.db);
        }
        await old.close();

        const storage = await openStorage(database.settings);
        try {
          assert.deepEqual(storage.appliedMigrations.slice(0, 1), ['0004-rule-sets'], 'the migrations after 0003 ran');
          assert.deepEqual((await storage.read.borrowing.history('r-1')).map((h) => `${h.id} ${h.action}`), ['h-a step 1', 'h-b step 2', 'h-c step 3']);
          await storage.transaction((repos) =>
            repos.borrowing.addHistory([{ id: 'h-d', requestId: 'r-1', at: '2026-11-28T12:01:00.000Z', actor: 'system', action: 'step 4', fromStatus: null, toStatus: 'CREATED', reason: null, partner: null }], 2),
          );
          assert.deepEqual((await storage.read.borrowing.history('r-1')).map((h) => h.id), ['h-a', 'h-b', 'h-c', 'h-d']);
        } finally {
          await storage.close();
        }
      } finally {
        await database.drop();
      }
    });
  });
}
