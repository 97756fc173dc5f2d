/**
 * Lending requests in storage (migration 0007), on SQLite and PostgreSQL: a requester's id is unique for that
 * requester only, a second insert of it is refused without breaking the transaction (PostgreSQL aborts a
 * transaction on a failed statement, so the repository must not let one fail), saves are guarded by the version,
 * and the history keeps its order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Storage } from '../../src/app/ports.ts';
import type { LendingRequest } from '../../src/domain/request/lending-request.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.ts';

const T0 = '2026-11-28T12:00:00.000Z';

const lendingRequest = (id: string, requester: string, theirs: string, extra: Partial<LendingRequest> = {}): LendingRequest => ({
  id,
  status: 'CREATED',
  requester: { partner: requester, agencyIdType: 'ISIL', agencyIdValue: `US-${requester}` },
  requesterRequestId: theirs,
  citation: { title: 'A book', author: null, subtitle: null, edition: null, publisher: null, placeOfPublication: null, year: null, volume: null, issue: null, pages: null, articleTitle: null, articleAuthor: null, isbn: null, issn: null, oclcNumber: '0012345678', supplierUniqueRecordId: null },
  serviceType: 'Loan',
  serviceLevel: null,
  needBefore: null,
  requesterNote: null,
  patronReference: null,
  dueDate: null,
  conditions: null,
  renewals: 0,
  itemId: null,
  statusReason: null,
  fingerprint: 'f1',
  answered: false,
  outbox: [],
  messageSeq: 0,
  createdAt: T0,
  updatedAt: T0,
  version: 1,
  ...extra,
});

for (const { dialect, skip } of DIALECTS) {
  describe(`lending requests on ${dialect}`, { skip }, () => {
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

    test("a requester's id is unique for that requester only; a second insert is refused and the transaction goes on", async () => {
      await storage.transaction(async (repos) => {
        assert.equal(await repos.lending.insert(lendingRequest('l-1', 'NORTH', 'R-1')), true);
        assert.equal(await repos.lending.insert(lendingRequest('l-2', 'NORTH', 'R-1')), false, 'the same requester and id');
        // The transaction is still usable after the refused insert (on PostgreSQL too).
        assert.equal((await repos.lending.byRequester('US-NORTH', 'R-1'))?.id, 'l-1');
        assert.equal(await repos.lending.insert(lendingRequest('l-3', 'SOUTH', 'R-1')), true, 'another requester may use the same id');
      });
      assert.equal((await storage.read.lending.byRequester('us-north', 'R-1'))?.id, 'l-1', 'symbols compare without case');
      assert.equal((await storage.read.lending.byRequester('US-SOUTH', 'R-1'))?.id, 'l-3');
      assert.equal(await storage.read.lending.byRequester('US-SOUTH', 'R-2'), undefined);
      assert.equal((await storage.read.lending.get('l-1'))?.citation.oclcNumber, '0012345678');
    });

    test('saves are guarded by the version; lists filter by status and requester; counts by status', async () => {
      const stored = (await storage.read.lending.get('l-1'))!;
      assert.equal(await storage.read.lending.update({ ...stored, status: 'WILL_SUPPLY', version: 2, updatedAt: '2026-11-28T12:05:00.000Z' }), true);
      assert.equal(await storage.read.lending.update({ ...stored, status: 'REJECTED', version: 2 }), false, 'someone saved version 2 first');
      assert.equal((await storage.read.lending.get('l-1'))?.status, 'WILL_SUPPLY');
      const willSupply = await storage.read.lending.list({ limit: 10, offset: 0, statuses: ['WILL_SUPPLY'] });
      assert.deepEqual([willSupply.total, willSupply.items.map((r) => r.id)], [1, ['l-1']]);
      const south = await storage.read.lending.list({ limit: 10, offset: 0, requester: 'SOUTH' });
      assert.deepEqual(south.items.map((r) => r.id), ['l-3']);
      assert.deepEqual(await storage.read.lending.countByStatus(), { CREATED: 1, WILL_SUPPLY: 1 });
    });

    test('the history keeps the order of saves and of lines within a save', async () => {
      const line = (id: string, action: string) => ({ id, requestId: 'l-1', at: T0, actor: 'system', action, fromStatus: null, toStatus: 'CREATED' as const, reason: null, partner: 'NORTH' });
      await storage.read.lending.addHistory([line('h-3', 'third')], 2);
      await storage.read.lending.addHistory([line('h-1', 'first'), line('h-2', 'second')], 1);
      assert.deepEqual((await storage.read.lending.history('l-1')).map((h) => h.action), ['first', 'second', 'third']);
      assert.deepEqual(await storage.read.lending.history('l-3'), []);
    });
  });
}
