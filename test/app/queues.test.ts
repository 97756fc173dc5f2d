/**
 * The needs-attention queue (QueueService), on SQLite and PostgreSQL: what is flagged (a status staff act on, or
 * Expired after the last partner rejected), newest change first, then the stale requests not flagged; read a page at
 * a time from the database, so the pages add up to the whole queue and its total, whatever the page size.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Storage } from '../../src/app/ports.ts';
import { QueueService } from '../../src/app/queues.ts';
import type { BorrowingRequest } from '../../src/domain/request/borrowing-request.ts';
import type { RotaEntryState } from '../../src/domain/rota/rota-building.ts';
import type { BorrowingStatus } from '../../src/domain/request/state-model.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.ts';
import { FakeClock } from '../support/fakes.ts';

const NOW = '2026-11-28T12:00:00.000Z';
const daysAgo = (days: number, minutes = 0) => new Date(Date.parse(NOW) - days * 86_400_000 - minutes * 60_000).toISOString();

function request(id: string, status: BorrowingStatus, updatedAt: string, last: RotaEntryState = 'SENT'): BorrowingRequest {
  return {
    id,
    status,
    patron: 'p-1',
    userGroup: 'UNDERGRAD',
    citation: { title: `Title ${id}`, author: null, publisher: null, placeOfPublication: null, year: null, edition: null, oclcNumber: null, isbn: null, issn: null, doi: null, volume: null, issue: null, pages: null, articleTitle: null, articleAuthor: null },
    requestedFormat: 'PHYSICAL',
    citationType: 'BOOK',
    pickupLibrary: 'MAIN',
    resourceSharingLibrary: null,
    neededBy: null,
    levelOfService: 'STANDARD',
    patronNote: null,
    routing: null,
    rota: [{ partner: 'NORTH', template: 'T', state: last, reason: null, sentAt: null, answeredAt: null, answerBy: null }],
    rotaSkips: [],
    current: null,
    statusReason: null,
    createdAt: daysAgo(30),
    updatedAt,
    version: 1,
  };
}

const REQUESTS = [
  request('ready-new', 'READY_TO_BE_SENT', daysAgo(0, 10)),
  request('conditional', 'CONDITIONAL', daysAgo(1)),
  request('rejected-new', 'EXPIRED', daysAgo(0, 20), 'REJECTED'),
  request('rejected-old', 'EXPIRED', daysAgo(40), 'REJECTED'),
  request('expired-no-answer', 'EXPIRED', daysAgo(2), 'EXPIRED'),
  request('locate-failed-old', 'LOCATE_FAILED', daysAgo(20)),
  // Two flagged at the same moment: the later id comes first.
  request('tie-a', 'READY_TO_BE_SENT', daysAgo(3)),
  request('tie-b', 'READY_TO_BE_SENT', daysAgo(3)),
  request('stale-1', 'REQUEST_SENT_TO_PARTNER', daysAgo(8)),
  request('stale-2', 'LOANED_TO_PATRON', daysAgo(9)),
  request('stale-3', 'WILL_SUPPLY', daysAgo(12)),
  request('fresh', 'REQUEST_SENT_TO_PARTNER', daysAgo(1)),
  request('completed-old', 'REQUEST_COMPLETED', daysAgo(50)),
];

const EXPECTED = [
  ['ready-new', 'READY_TO_BE_SENT'],
  ['rejected-new', 'REJECTED_NO_PARTNER_LEFT'],
  ['conditional', 'CONDITIONAL'],
  ['tie-b', 'READY_TO_BE_SENT'],
  ['tie-a', 'READY_TO_BE_SENT'],
  ['locate-failed-old', 'LOCATE_FAILED'],
  ['rejected-old', 'REJECTED_NO_PARTNER_LEFT'],
  ['stale-1', 'STALE'],
  ['stale-2', 'STALE'],
  ['stale-3', 'STALE'],
];

for (const { dialect, skip } of DIALECTS) {
  describe(`the needs-attention queue on ${dialect}`, { skip }, () => {
    let database: TestDatabase;
    let storage: Storage;
    let queues: QueueService;
    before(async () => {
      database = await createTestDatabase(dialect);
      storage = await openStorage(database.settings);
      await storage.transaction(async (repos) => {
        for (const r of REQUESTS) await repos.borrowing.insert(r);
      });
      queues = new QueueService({ storage, clock: new FakeClock(Date.parse(NOW)) });
    });
    after(async () => {
      await storage?.close();
      await database?.drop();
    });

    test('flagged first, newest change first; then the stale ones not flagged', async () => {
      const page = await queues.needsAttention(7, 50, 0);
      assert.deepEqual(page.items.map((r) => [r.id, r.attention]), EXPECTED);
      assert.equal(page.total, EXPECTED.length);
    });

    test('pages of any size add up to the whole queue, across the turn from flagged to stale', async () => {
      for (const size of [1, 2, 3, 4, 6]) {
        const seen: string[][] = [];
        for (let offset = 0; offset < EXPECTED.length + size; offset += size) {
          const page = await queues.needsAttention(7, size, offset);
          assert.equal(page.total, EXPECTED.length, `total, pages of ${size} from ${offset}`);
          assert.ok(page.items.length <= size);
          seen.push(...page.items.map((r) => [r.id, r.attention]));
        }
        assert.deepEqual(seen, EXPECTED, `pages of ${size}`);
      }
    });

    test('the counts agree: Expired after a rejection from the column, stale including flagged ones', async () => {
      const counts = await queues.counts(7);
      assert.equal(counts.needsAttention.REJECTED_NO_PARTNER_LEFT, 2);
      assert.equal(counts.needsAttention.READY_TO_BE_SENT, 3);
      assert.equal(counts.needsAttention.STALE, 4, 'stale-1..3 and the Locate failed one from 20 days ago');
    });

    test('counts by status: of every status, or of those asked for and those needing attention', async () => {
      const all = (await queues.counts(7)).byStatus;
      assert.equal(all.REQUEST_COMPLETED, 1);
      assert.equal(all.LOANED_TO_PATRON, 1);
      const some = (await queues.counts(7, ['LOANED_TO_PATRON', 'EXPORTED_TO_THIRD_PARTY'])).byStatus;
      assert.deepEqual(some, { LOANED_TO_PATRON: 1, READY_TO_BE_SENT: 3, CONDITIONAL: 1, LOCATE_FAILED: 1 });
    });

    test('a request whose last entry is no longer Rejected leaves the rejected count (the column follows saves)', async () => {
      const saved = (await storage.read.borrowing.get('rejected-old'))!;
      const relocated = { ...saved, status: 'REQUEST_SENT_TO_PARTNER' as const, rota: [{ ...saved.rota[0]!, state: 'SENT' as const }], current: 0, updatedAt: NOW, version: 2 };
      await storage.transaction(async (repos) => assert.equal(await repos.borrowing.update(relocated), true));
      assert.equal((await queues.counts(7)).needsAttention.REJECTED_NO_PARTNER_LEFT, 1);
      assert.ok(!(await queues.needsAttention(7, 50, 0)).items.some((r) => r.id === 'rejected-old'));
    });
  });
}
