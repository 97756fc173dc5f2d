/** Writers racing for the same code: one wins, the others are told it is taken; nobody gets a crash. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigService, versionOf } from '../../src/app/config-service.ts';
import type { Repositories, Storage } from '../../src/app/ports.ts';
import { InterlendError } from '../../src/domain/errors.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { DIALECTS } from '../support/databases.ts';
import { SequentialIds } from '../support/fakes.ts';
import { rendezvous } from '../support/rendezvous.ts';

/**
 * The test app's storage, but every configuration update waits at `before` first: two saves that start together
 * have both read the object before either writes (on PostgreSQL; SQLite runs one transaction after the other).
 */
function holdingUpdates(storage: Storage, before: () => Promise<void>): Storage {
  const held = (repos: Repositories): Repositories => ({
    ...repos,
    config: (kind) => {
      const repository = repos.config(kind);
      return { ...repository, update: async (object, revision) => (await before(), repository.update(object, revision)) };
    },
  });
  return { ...storage, read: storage.read, transaction: (work) => storage.transaction((repos) => work(held(repos))) };
}

for (const { dialect, skip } of DIALECTS) {
  describe(`concurrent writes on ${dialect}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    test('ten simultaneous creates of one library code: one created, nine duplicates', async () => {
      const attempts = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => t.config.create('libraries', { code: 'RACE', name: `Attempt ${i}` })),
      );
      const created = attempts.filter((a) => a.status === 'fulfilled');
      const refused = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
      assert.equal(created.length, 1);
      assert.equal(refused.length, 9);
      for (const failure of refused) {
        assert.ok(failure.reason instanceof InterlendError, String(failure.reason));
        assert.equal(failure.reason.code, 'ILL_ERR_DUPLICATE');
      }
      assert.equal((await t.config.list('libraries', { limit: 10, offset: 0, filters: {} })).total, 1);
    });

    test('two saves of one library from the same version at once: one is saved, the other is refused as stale', async () => {
      const stored = await t.config.create('libraries', { code: 'TWO', name: 'Before' });
      const config = new ConfigService({ storage: holdingUpdates(t.storage, rendezvous(2)), clock: t.clock, ids: new SequentialIds(), env: {} });
      const save = (name: string) => config.replace('libraries', 'TWO', { code: 'TWO', name }, { ifMatch: [versionOf(stored)] });
      const attempts = await Promise.allSettled([save('Writer A'), save('Writer B')]);
      const saved = attempts.filter((a) => a.status === 'fulfilled');
      const refused = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
      assert.equal(saved.length, 1, JSON.stringify(attempts));
      assert.equal((refused[0]!.reason as InterlendError).code, 'ILL_ERR_STALE', String(refused[0]!.reason));
      assert.match((refused[0]!.reason as Error).message, /^library TWO was changed by someone else at 2026-11-28T12:00:00\.000Z/);
      const now = await t.config.get('libraries', 'TWO');
      assert.equal(now.doc.name, saved[0]!.value.doc.name);
      assert.equal(now.revision, 2);
    });

    test('two patches without a version at once: both apply, the second onto what the first wrote', async () => {
      await t.config.create('libraries', { code: 'BOTH', name: 'Before', isPickup: false });
      const config = new ConfigService({ storage: holdingUpdates(t.storage, rendezvous(2)), clock: t.clock, ids: new SequentialIds(), env: {} });
      await Promise.all([config.patch('libraries', 'BOTH', { name: 'Renamed' }), config.patch('libraries', 'BOTH', { isPickup: true })]);
      const now = await t.config.get('libraries', 'BOTH');
      assert.equal(now.doc.name, 'Renamed');
      assert.equal(now.doc.isPickup, true, 'neither patch lost the other');
      assert.equal(now.revision, 3);
    });

    test('simultaneous patrons claiming one e-mail: one wins', async () => {
      const attempts = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          t.config.create('patrons', { primaryId: `P${i}`, firstName: 'Same', lastName: 'Mail', email: 'shared@example.edu', userGroup: 'STAFF' }),
        ),
      );
      assert.equal(attempts.filter((a) => a.status === 'fulfilled').length, 1);
      for (const failure of attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected')) {
        assert.equal((failure.reason as InterlendError).code, 'ILL_ERR_DUPLICATE');
      }
    });
  });
}
