/**
 * Staff search and filters on borrowing requests (migration 0008), on SQLite and PostgreSQL: the partner of the
 * current rota entry, the created-date range (whole UTC days), and the search by title words, OCLC number (with or
 * without leading zeros and (OCoLC)), ISBN (hyphens or not, 10 or 13), request id and ILLiad TN; the columns follow
 * updates, and a database with requests made before 0008 is filled by the migration. Pages come in list order
 * (most recently changed first, then id), read through the list's indexes (0010), and "Expired after the last
 * partner rejected" is a column that 0010 fills for requests stored before it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Migrator, sql } from 'kysely';
import type { RequestListQuery, Storage } from '../../src/app/ports.ts';
import type { BorrowingRequest } from '../../src/domain/request/borrowing-request.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { migrationProvider } from '../../src/storage/migrations/index.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.ts';

const entry = (partner: string) => ({ partner, template: 'T', state: 'PENDING' as const, reason: null, sentAt: null, answeredAt: null, answerBy: null });

const request = (id: string, createdAt: string, citation: Partial<BorrowingRequest['citation']>, extra: Partial<BorrowingRequest> = {}): BorrowingRequest =>
  ({
    id,
    status: 'REQUEST_SENT_TO_PARTNER',
    patron: 'p-1',
    userGroup: 'UNDERGRAD',
    citation: { title: 'Untitled', author: null, publisher: null, placeOfPublication: null, year: null, edition: null, oclcNumber: null, isbn: null, issn: null, doi: null, volume: null, issue: null, pages: null, articleTitle: null, articleAuthor: null, ...citation },
    requestedFormat: 'PHYSICAL',
    citationType: 'BOOK',
    pickupLibrary: 'MAIN',
    resourceSharingLibrary: null,
    neededBy: null,
    levelOfService: 'STANDARD',
    patronNote: null,
    routing: null,
    rota: [entry('NORTH'), entry('SOUTH'), entry('ILLiad')],
    rotaSkips: [],
    current: 0,
    statusReason: null,
    createdAt,
    updatedAt: createdAt,
    version: 1,
    ...extra,
  }) as BorrowingRequest;

const REQUESTS = [
  request('r-1', '2026-11-01T09:00:00.000Z', { title: 'The Structure of Scientific Revolutions', author: 'Kuhn, Thomas S.', oclcNumber: '0000012345', isbn: '0-226-45808-3' }),
  request('r-2', '2026-11-02T23:59:59.999Z', { title: 'Structural Anthropology', author: 'Lévi-Strauss, Claude', isbn: '978-0-306-40615-7' }, { current: 1 }),
  request('r-3', '2026-11-03T00:00:00.000Z', { title: 'A <b>bold</b> 100% title_with_underscore', oclcNumber: '777' }, { current: null, status: 'LOCATE_FAILED' }),
  request('r-4', '2026-11-04T12:00:00.000Z', { title: 'Revolutions in Science' }, { current: 2, exportedTo: { partner: 'ILLiad', transactionNumber: 4242, username: 'u', at: '2026-11-04T12:00:00.000Z' } }),
];

for (const { dialect, skip } of DIALECTS) {
  describe(`borrowing request search on ${dialect}`, { skip }, () => {
    let database: TestDatabase;
    let storage: Storage;
    const ids = async (query: Partial<RequestListQuery>) => {
      const page = await storage.read.borrowing.list({ limit: 50, offset: 0, ...query });
      assert.equal(page.total, page.items.length, 'the count agrees with the rows');
      return page.items.map((r) => r.id).sort();
    };
    before(async () => {
      database = await createTestDatabase(dialect);
      storage = await openStorage(database.settings);
      await storage.transaction(async (repos) => {
        for (const r of REQUESTS) await repos.borrowing.insert(r);
      });
    });
    after(async () => {
      await storage?.close();
      await database?.drop();
    });

    test('partner: the partner of the current rota entry only', async () => {
      assert.deepEqual(await ids({ partner: 'NORTH' }), ['r-1']);
      assert.deepEqual(await ids({ partner: 'SOUTH' }), ['r-2'], 'r-1, r-3 and r-4 have SOUTH in their rota, but not as the current entry');
      assert.deepEqual(await ids({ partner: 'ILLiad' }), ['r-4']);
      assert.deepEqual(await ids({ partner: 'north' }), [], 'codes are exact');
    });

    test('created date range: whole UTC days, both ends included', async () => {
      assert.deepEqual(await ids({ createdFrom: '2026-11-02' }), ['r-2', 'r-3', 'r-4']);
      assert.deepEqual(await ids({ createdTo: '2026-11-02' }), ['r-1', 'r-2'], 'the last millisecond of the day is in');
      assert.deepEqual(await ids({ createdFrom: '2026-11-02', createdTo: '2026-11-03' }), ['r-2', 'r-3']);
      assert.deepEqual(await ids({ createdFrom: '2026-11-05' }), []);
    });

    test('title and author words, any case and accents, each the start of a word', async () => {
      assert.deepEqual(await ids({ q: 'structure' }), ['r-1']);
      assert.deepEqual(await ids({ q: 'STRUCT' }), ['r-1', 'r-2'], 'a word start');
      assert.deepEqual(await ids({ q: 'revolutions' }), ['r-1', 'r-4']);
      assert.deepEqual(await ids({ q: 'revolutions science' }), ['r-4'], 'every word must be there, in any order');
      assert.deepEqual(await ids({ q: 'science revolutions' }), ['r-4']);
      assert.deepEqual(await ids({ q: 'levi strauss' }), ['r-2'], 'the author, without its accent');
      assert.deepEqual(await ids({ q: 'Lévi-Strauss' }), ['r-2']);
      assert.deepEqual(await ids({ q: 'volutions' }), [], 'not the middle of a word');
      assert.deepEqual(await ids({ q: '%' }), [], 'a wildcard is not a word');
      assert.deepEqual(await ids({ q: '_' }), []);
      assert.deepEqual(await ids({ q: 'title_with' }), ['r-3'], 'punctuation splits words on both sides');
    });

    test('OCLC numbers with or without leading zeros and (OCoLC); ISBNs with or without hyphens, 10 or 13', async () => {
      for (const q of ['12345', '0000012345', '(OCoLC)12345', '(OCoLC)00012345', 'ocm0012345']) assert.deepEqual(await ids({ q }), ['r-1'], q);
      assert.deepEqual(await ids({ q: '777' }), ['r-3']);
      for (const q of ['0226458083', '0-226-45808-3', '9780226458083', '978-0-226-45808-3']) assert.deepEqual(await ids({ q }), ['r-1'], q);
      for (const q of ['9780306406157', '978-0-306-40615-7', '0-306-40615-2']) assert.deepEqual(await ids({ q }), ['r-2'], q);
      assert.deepEqual(await ids({ q: '123' }), [], 'no partial numbers');
    });

    test('a request id and an ILLiad TN', async () => {
      assert.deepEqual(await ids({ q: 'r-3' }), ['r-3']);
      assert.deepEqual(await ids({ q: ' 4242 ' }), ['r-4']);
    });

    test('filters combine', async () => {
      assert.deepEqual(await ids({ q: 'revolutions', partner: 'NORTH' }), ['r-1']);
      assert.deepEqual(await ids({ q: 'revolutions', createdFrom: '2026-11-04', statuses: ['REQUEST_SENT_TO_PARTNER'] }), ['r-4']);
      assert.deepEqual(await ids({ q: 'struct', patron: 'p-2' }), []);
    });

    test('an update moves the current partner and keeps the search keys', async () => {
      const saved = (await storage.read.borrowing.get('r-1'))!;
      await storage.transaction(async (repos) => assert.equal(await repos.borrowing.update({ ...saved, current: 1, version: saved.version + 1 }), true));
      assert.deepEqual(await ids({ partner: 'NORTH' }), []);
      assert.deepEqual(await ids({ partner: 'SOUTH' }), ['r-1', 'r-2']);
      assert.deepEqual(await ids({ q: '(OCoLC)12345' }), ['r-1']);
      assert.deepEqual(await ids({ q: 'kuhn' }), ['r-1']);
    });

    test('pages are in list order, newest change first, then the later id, and add up to the total', async () => {
      const pages = async (query: Partial<RequestListQuery>, size: number) => {
        const seen: string[] = [];
        let total = -1;
        for (let offset = 0; offset < 6; offset += size) {
          const page = await storage.read.borrowing.list({ limit: size, offset, ...query });
          total = page.total;
          seen.push(...page.items.map((r) => r.id));
        }
        assert.equal(total, seen.length);
        return seen;
      };
      assert.deepEqual(await pages({}, 1), ['r-4', 'r-3', 'r-2', 'r-1']);
      assert.deepEqual(await storage.read.borrowing.list({ limit: 2, offset: 10 }), { items: [], total: 4 }, 'past the end: no rows, and still the total');
      assert.equal((await storage.read.borrowing.list({ limit: 4, offset: 0 })).total, 4, 'a full page, counted');
      assert.deepEqual(await pages({}, 3), ['r-4', 'r-3', 'r-2', 'r-1']);
      assert.deepEqual(await pages({ q: 'revolutions' }, 1), ['r-4', 'r-1']);
      assert.deepEqual(await pages({ q: 'struct', statuses: ['REQUEST_SENT_TO_PARTNER'] }, 1), ['r-2', 'r-1']);
      const saved = (await storage.read.borrowing.get('r-1'))!;
      const tied = { ...saved, updatedAt: '2026-11-04T12:00:00.000Z', version: saved.version + 1 };
      await storage.transaction(async (repos) => assert.equal(await repos.borrowing.update(tied), true));
      assert.deepEqual(await pages({}, 2), ['r-4', 'r-1', 'r-3', 'r-2'], 'r-1 changed at the moment r-4 did: the later id first');
      assert.deepEqual(await pages({ q: 'revolutions' }, 1), ['r-4', 'r-1']);
    });

    test('Expired after the last partner rejected: a column that follows the rota, filled by 0010 for older requests', async () => {
      const rejected = (id: string, state: 'REJECTED' | 'EXPIRED') =>
        request(id, '2026-10-01T00:00:00.000Z', { title: 'Nobody had it' }, { status: 'EXPIRED', current: null, rota: [{ ...entry('NORTH'), state: 'REJECTED' }, { ...entry('SOUTH'), state }] });
      const old = await createTestDatabase(dialect);
      try {
        const opened = openDatabase(old.settings);
        assert.equal((await new Migrator({ db: opened.db, provider: migrationProvider }).migrateTo('0008-request-search')).error, undefined);
        for (const r of [rejected('x-1', 'REJECTED'), rejected('x-2', 'EXPIRED'), REQUESTS[0]!]) {
          await sql`insert into borrowing_request (id, status, patron, data, version, created_at, updated_at)
            values (${r.id}, ${r.status}, ${r.patron}, ${JSON.stringify(r)}, ${r.version}, ${r.createdAt}, ${r.updatedAt})`.execute(opened.db);
        }
        await opened.close();
        const migrated = await openStorage(old.settings);
        try {
          assert.ok(migrated.appliedMigrations.includes('0010-request-lists'));
          const found = async () => (await migrated.read.borrowing.list({ limit: 50, offset: 0, statuses: ['EXPIRED'], rejectedByLastPartner: true })).items.map((r) => r.id);
          assert.deepEqual(await found(), ['x-1'], 'x-2 expired waiting for SOUTH, which did not reject it');
          await migrated.transaction((repos) => repos.borrowing.insert(rejected('x-3', 'REJECTED')));
          assert.deepEqual((await found()).sort(), ['x-1', 'x-3']);
        } finally {
          await migrated.close();
        }
      } finally {
        await old.drop();
      }
    });

    test('requests stored before migration 0008 are filled by it', async () => {
      const old = await createTestDatabase(dialect);
      try {
        const opened = openDatabase(old.settings);
        assert.equal((await new Migrator({ db: opened.db, provider: migrationProvider }).migrateTo('0007-lending')).error, undefined);
        for (const r of REQUESTS) {
          await sql`insert into borrowing_request (id, status, patron, data, version, created_at, updated_at, third_party_number)
            values (${r.id}, ${r.status}, ${r.patron}, ${JSON.stringify(r)}, ${r.version}, ${r.createdAt}, ${r.updatedAt}, ${r.exportedTo ? String(r.exportedTo.transactionNumber) : null})`.execute(opened.db);
        }
        await opened.close();
        const migrated = await openStorage(old.settings);
        try {
          assert.ok(migrated.appliedMigrations.includes('0008-request-search'));
          const found = async (query: Partial<RequestListQuery>) => (await migrated.read.borrowing.list({ limit: 50, offset: 0, ...query })).items.map((r) => r.id).sort();
          assert.deepEqual(await found({ partner: 'SOUTH' }), ['r-2']);
          assert.deepEqual(await found({ q: 'revolutions' }), ['r-1', 'r-4']);
          assert.deepEqual(await found({ q: '(OCoLC)0012345' }), ['r-1']);
          assert.deepEqual(await found({ q: '0-306-40615-2' }), ['r-2']);
        } finally {
          await migrated.close();
        }
      } finally {
        await old.drop();
      }
    });
  });
}
