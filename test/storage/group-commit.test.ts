/**
 * SQLite group commit (src/storage/group-commit.ts): many transactions share one COMMIT, yet each caller gets what a
 * transaction of its own would give: its failure undoes only its own writes, and its promise settles only once its
 * writes are committed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../src/storage/database.ts';
import { GroupCommit } from '../../src/storage/group-commit.ts';

describe('SQLite group commit', () => {
  let dir: string;
  let handle: DatabaseHandle;
  let group: GroupCommit;
  const file = () => join(dir, 'interlend.sqlite');
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'interlend-group-'));
    handle = openDatabase({ kind: 'sqlite', file: file() });
    await migrateToLatest(handle.db);
    group = new GroupCommit(handle.db);
  });
  after(async () => {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const keys = async (prefix: string) =>
    (await handle.db.selectFrom('setting').select('key').where('key', 'like', `${prefix}%`).orderBy('key').execute()).map((r) => r.key);

  test('forty transactions at once: the failing ones leave nothing, the others all commit, each caller hears its own outcome', async () => {
    let commits = 0;
    const counting = new GroupCommit(handle.db);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        counting.run(async (trx) => {
          await trx.insertInto('setting').values({ key: `many-${String(i).padStart(2, '0')}`, value: 'a' }).execute();
          await trx.insertInto('setting').values({ key: `many-${String(i).padStart(2, '0')}-b`, value: 'b' }).execute();
          if (i % 7 === 3) throw new Error(`work ${i} fails after writing`);
          commits += 1;
          return i;
        }),
      ),
    );
    outcomes.forEach((outcome, i) => {
      if (i % 7 === 3) assert.ok(outcome.status === 'rejected' && (outcome.reason as Error).message === `work ${i} fails after writing`);
      else assert.deepEqual(outcome, { status: 'fulfilled', value: i });
    });
    const expected = Array.from({ length: 40 }, (_, i) => i)
      .filter((i) => i % 7 !== 3)
      .flatMap((i) => [`many-${String(i).padStart(2, '0')}`, `many-${String(i).padStart(2, '0')}-b`]);
    assert.deepEqual(await keys('many-'), expected.sort());
    assert.equal(commits, 34);
  });

  test('a lone failing transaction is rolled back whole', async () => {
    await assert.rejects(
      group.run(async (trx) => {
        await trx.insertInto('setting').values({ key: 'lone-1', value: 'x' }).execute();
        throw new Error('no');
      }),
      /no/,
    );
    assert.deepEqual(await keys('lone-'), []);
  });

  test('a unique violation in one work is that work\'s error; the statement before it in the same work is undone too', async () => {
    await group.run((trx) => trx.insertInto('setting').values({ key: 'taken', value: '1' }).execute());
    const [first, clash, last] = await Promise.allSettled([
      group.run((trx) => trx.insertInto('setting').values({ key: 'uv-1', value: '1' }).execute()),
      group.run(async (trx) => {
        await trx.insertInto('setting').values({ key: 'uv-2', value: '1' }).execute();
        await trx.insertInto('setting').values({ key: 'taken', value: '2' }).execute();
      }),
      group.run((trx) => trx.insertInto('setting').values({ key: 'uv-3', value: '1' }).execute()),
    ]);
    assert.equal(first.status, 'fulfilled');
    assert.equal(clash.status, 'rejected');
    assert.match(String((clash as PromiseRejectedResult).reason), /UNIQUE/);
    assert.equal(last.status, 'fulfilled');
    assert.deepEqual(await keys('uv-'), ['uv-1', 'uv-3']);
  });

  test('a caller is answered only once its writes are committed: another connection already sees them', async () => {
    const other = new SQLite(file(), { readonly: true });
    try {
      const seen = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          group.run((trx) => trx.insertInto('setting').values({ key: `seen-${i}`, value: 'v' }).execute()).then(() => other.prepare('select count(*) as n from setting where key = ?').get(`seen-${i}`) as { n: number }),
        ),
      );
      assert.deepEqual(seen.map((row) => row.n), Array(10).fill(1));
    } finally {
      other.close();
    }
  });

  test('transactions started in one turn of the event loop share a commit (a second connection sees none of them until it)', async () => {
    const other = new SQLite(file(), { readonly: true });
    try {
      const visibleToOthers = () => (other.prepare("select count(*) as n from setting where key like 'shared-%'").get() as { n: number }).n;
      const seenInside = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          group.run(async (trx) => {
            await trx.insertInto('setting').values({ key: `shared-${i}`, value: 'v' }).execute();
            return visibleToOthers();
          }),
        ),
      );
      assert.deepEqual(seenInside, [0, 0, 0, 0, 0], 'each work ran before any of them was committed');
      assert.equal(visibleToOthers(), 5);
    } finally {
      other.close();
    }
  });

  test('a work sees the writes of the works grouped before it', async () => {
    const [, read] = await Promise.all([
      group.run((trx) => trx.insertInto('setting').values({ key: 'chain-1', value: 'first' }).execute()),
      group.run(async (trx) => (await trx.selectFrom('setting').select('value').where('key', '=', 'chain-1').executeTakeFirst())?.value),
    ]);
    assert.equal(read, 'first');
  });

  test('when the COMMIT itself fails, every caller in the group hears it and nothing is kept', async () => {
    // A deferred foreign key is checked at COMMIT: the second work breaks it, so the whole group's commit fails.
    await sql`create table if not exists parent_row (id text primary key)`.execute(handle.db);
    await sql`create table if not exists child_row (id text primary key, parent text references parent_row(id) deferrable initially deferred)`.execute(handle.db);
    const outcomes = await Promise.allSettled([
      group.run((trx) => sql`insert into parent_row (id) values ('p1')`.execute(trx)),
      group.run((trx) => sql`insert into child_row (id, parent) values ('c1', 'missing')`.execute(trx)),
      group.run((trx) => sql`insert into parent_row (id) values ('p2')`.execute(trx)),
    ]);
    // All three arrived in one turn of the event loop, so they share one commit, and it fails.
    for (const outcome of outcomes) {
      assert.equal(outcome.status, 'rejected');
      assert.match(String((outcome as PromiseRejectedResult).reason), /FOREIGN KEY/);
    }
    const parents = await sql<{ id: string }>`select id from parent_row order by id`.execute(handle.db);
    assert.deepEqual(parents.rows, []);
    // The group after it is not affected.
    await group.run((trx) => sql`insert into parent_row (id) values ('p3')`.execute(trx));
    assert.deepEqual((await sql<{ id: string }>`select id from parent_row`.execute(handle.db)).rows, [{ id: 'p3' }]);
  });
});
