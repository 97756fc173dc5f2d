/**
 * Optimistic concurrency in storage, on every database: each configuration object has a revision, and an update or
 * delete is one compare-and-set against the revision the writer read. Two writers who read the same revision race
 * for real (on PostgreSQL both transactions are open at once; SQLite runs them one after the other): one writes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Storage } from '../../src/app/ports.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.ts';
import { rendezvous } from '../support/rendezvous.ts';

const T0 = '2026-11-28T12:00:00.000Z';
const T1 = '2026-11-28T13:30:00.000Z';
const library = (code: string, name: string) => ({ code, name, isResourceSharing: true, isPickup: false });

for (const { dialect, skip } of DIALECTS) {
  describe(`configuration revisions on ${dialect}`, { skip }, () => {
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

    test('a new object is revision 1; an update at the stored revision moves it on, a stale one writes nothing', async () => {
      const libraries = storage.read.config('libraries');
      await libraries.insert({ id: 'lib-rev', doc: library('REV', 'Revisions'), createdAt: T0, updatedAt: T0 });
      const stored = (await libraries.findById('lib-rev'))!;
      assert.equal(stored.revision, 1);
      assert.equal(await libraries.update({ ...stored, doc: library('REV', 'Second'), updatedAt: T1 }, 1), 2);
      assert.equal(await libraries.update({ ...stored, doc: library('REV', 'Lost'), updatedAt: T1 }, 1), undefined, 'revision 1 is gone');
      const after = (await libraries.findById('lib-rev'))!;
      assert.equal(after.doc.name, 'Second');
      assert.equal(after.revision, 2);
      assert.equal(await libraries.update({ ...after, updatedAt: T1 }, 2), 2, 'the same document again keeps the revision');
      assert.equal(await libraries.delete('lib-rev', 1), false, 'a stale delete deletes nothing');
      assert.ok(await libraries.findById('lib-rev'));
      assert.equal(await libraries.delete('lib-rev', 2), true);
      assert.equal(await libraries.findById('lib-rev'), undefined);
    });

    test('the institution: created once, then compare-and-set', async () => {
      const doc = { code: 'I', name: 'Inst', ncipAgencyId: 'I', isil: null, timeZone: 'UTC', defaultPickupLibrary: null };
      assert.equal(await storage.read.institution.put({ id: 'institution', doc, createdAt: T0, updatedAt: T0 }, null), 1);
      assert.equal(await storage.read.institution.put({ id: 'institution', doc: { ...doc, name: 'Again' }, createdAt: T0, updatedAt: T0 }, null), undefined, 'it exists already');
      assert.equal(await storage.read.institution.put({ id: 'institution', doc: { ...doc, name: 'Second' }, createdAt: T0, updatedAt: T1 }, 1), 2);
      assert.equal(await storage.read.institution.put({ id: 'institution', doc: { ...doc, name: 'Lost' }, createdAt: T0, updatedAt: T1 }, 1), undefined);
      const stored = (await storage.read.institution.get())!;
      assert.equal(stored.doc.name, 'Second');
      assert.equal(stored.revision, 2);
    });

    test('two writers who read the same revision update at once: exactly one writes, and its document is stored', async () => {
      await storage.read.config('libraries').insert({ id: 'lib-race', doc: library('RACE', 'Before'), createdAt: T0, updatedAt: T0 });
      const read = (await storage.read.config('libraries').findById('lib-race'))!;
      const bothOpen = rendezvous(2);
      const write = (name: string) =>
        storage.transaction(async (repos) => {
          await repos.config('libraries').findById(read.id); // the transaction has begun
          await bothOpen();
          return { name, revision: await repos.config('libraries').update({ ...read, doc: library('RACE', name), updatedAt: T1 }, read.revision) };
        });
      const results = await Promise.all([write('Writer A'), write('Writer B')]);
      const winners = results.filter((r) => r.revision !== undefined);
      assert.equal(winners.length, 1, JSON.stringify(results));
      const stored = (await storage.read.config('libraries').findById('lib-race'))!;
      assert.equal(stored.doc.name, winners[0]!.name);
      assert.equal(stored.revision, 2);
    });

    test('two writers delete and update from the same revision at once: exactly one of them happens', async () => {
      await storage.read.config('libraries').insert({ id: 'lib-gone', doc: library('GONE', 'Before'), createdAt: T0, updatedAt: T0 });
      const read = (await storage.read.config('libraries').findById('lib-gone'))!;
      const bothOpen = rendezvous(2);
      const [deleted, updated] = await Promise.all([
        storage.transaction(async (repos) => {
          await bothOpen();
          return repos.config('libraries').delete(read.id, read.revision);
        }),
        storage.transaction(async (repos) => {
          await bothOpen();
          return repos.config('libraries').update({ ...read, doc: library('GONE', 'Changed'), updatedAt: T1 }, read.revision);
        }),
      ]);
      assert.equal([deleted, updated !== undefined].filter(Boolean).length, 1, `deleted ${deleted}, updated ${updated}`);
      const stored = await storage.read.config('libraries').findById('lib-gone');
      if (deleted) assert.equal(stored, undefined);
      else assert.equal(stored?.doc.name, 'Changed');
    });
  });
}
