/** The job queue's storage, once per database: the same claims, leases and states on SQLite and PostgreSQL. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { JobRepository, Storage } from '../../src/app/ports.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.ts';

const T0 = '2026-11-28T12:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();
const LEASE = 60_000;

for (const { dialect, skip } of DIALECTS) {
  describe(`job queue storage on ${dialect}`, { skip }, () => {
    let database: TestDatabase;
    let storage: Storage;
    let jobs: JobRepository;
    let n = 0;
    /** Each test uses its own keys and ids, and drains what it leaves due, so tests do not see each other's jobs. */
    const id = () => `job-${String(++n).padStart(4, '0')}`;

    before(async () => {
      database = await createTestDatabase(dialect);
      storage = await openStorage(database.settings);
      jobs = storage.read.jobs;
    });
    after(async () => {
      await storage?.close();
      await database?.drop();
    });
    beforeEach(async () => {
      // Park whatever an earlier test left claimable, far in the past, so claims below see only their own jobs.
      for (;;) {
        const left = await jobs.claim(at(365 * 86_400_000), LEASE, 'sweeper');
        if (!left) break;
        await jobs.complete(left.id, 'sweeper', T0);
      }
    });

    test('a job round-trips with its payload, times, nulls and defaults as written', async () => {
      const payload = { request: 'r-1', partners: ['ILLiad'], urgent: true, note: null, count: 3 };
      assert.equal(await jobs.enqueue({ type: 'rota.send', key: 'roundtrip', payload }, 'job-rt', T0), true);
      assert.deepEqual(await jobs.get('job-rt'), {
        id: 'job-rt',
        type: 'rota.send',
        key: 'roundtrip',
        payload,
        state: 'ready',
        attempts: 0,
        maxAttempts: 8,
        runAt: T0,
        lockedUntil: null,
        lockedBy: null,
        lastError: null,
        createdAt: T0,
        updatedAt: T0,
      });
      const claimed = await jobs.claim(T0, LEASE, 'w1');
      assert.equal(claimed?.id, 'job-rt');
      assert.strictEqual(claimed?.payload && (claimed.payload as { urgent: boolean }).urgent, true);
      assert.deepEqual(
        { state: claimed?.state, attempts: claimed?.attempts, lockedUntil: claimed?.lockedUntil, lockedBy: claimed?.lockedBy, updatedAt: claimed?.updatedAt },
        { state: 'running', attempts: 1, lockedUntil: at(LEASE), lockedBy: 'w1', updatedAt: T0 },
      );
      assert.equal(await jobs.complete('job-rt', 'w1', at(1000)), true);
      const done = await jobs.get('job-rt');
      assert.deepEqual([done?.state, done?.lockedBy, done?.lockedUntil, done?.updatedAt], ['done', null, null, at(1000)]);
      assert.equal(await jobs.get('nope'), undefined);
    });

    test('enqueue is idempotent by key: the second job with a key is not added, whatever its state', async () => {
      assert.equal(await jobs.enqueue({ type: 'a', key: 'same-key', payload: 1 }, id(), T0), true);
      assert.equal(await jobs.enqueue({ type: 'b', key: 'same-key', payload: 2 }, id(), T0), false);
      const listed = await jobs.list({ type: 'b', limit: 10, offset: 0 });
      assert.equal(listed.total, 0);
      const first = await jobs.claim(T0, LEASE, 'w1');
      assert.equal(first?.payload, 1);
      await jobs.complete(first!.id, 'w1', T0);
      assert.equal(await jobs.enqueue({ type: 'a', key: 'same-key', payload: 3 }, id(), T0), false, 'a done job still holds its key');
      // Inside a transaction too (the outbox): the transaction's own write counts.
      const added = await storage.transaction(async (trx) => [
        await trx.jobs.enqueue({ type: 'a', key: 'tx-key', payload: null }, id(), T0),
        await trx.jobs.enqueue({ type: 'a', key: 'tx-key', payload: null }, id(), T0),
      ]);
      assert.deepEqual(added, [true, false]);
      await jobs.complete((await jobs.claim(T0, LEASE, 'w1'))!.id, 'w1', T0);
    });

    test('enqueueAll adds several jobs in one statement and skips the keys already there', async () => {
      assert.equal(await jobs.enqueue({ type: 'a', key: 'k-1', payload: 1 }, id(), T0), true);
      const added = await jobs.enqueueAll(
        [
          { job: { type: 'a', key: 'k-1', payload: 'again' }, id: id() },
          { job: { type: 'b', key: 'k-2', payload: 2 }, id: id() },
          { job: { type: 'c', key: 'k-3', payload: 3, runAt: at(60_000) }, id: id() },
        ],
        T0,
      );
      assert.equal(added, 2);
      assert.equal(await jobs.enqueueAll([], T0), 0);
      const listed = (await jobs.list({ limit: 50, offset: 0 })).items
        .filter((j) => j.key.startsWith('k-'))
        .map((j) => `${j.key}:${JSON.stringify(j.payload)}:${j.runAt}`)
        .sort();
      assert.deepEqual(listed, [`k-1:1:${T0}`, `k-2:2:${T0}`, `k-3:3:${at(60_000)}`]);
    });

    test('a job enqueued in a transaction that fails is not there', async () => {
      await assert.rejects(
        storage.transaction(async (trx) => {
          await trx.jobs.enqueue({ type: 'a', key: 'rolled-back', payload: null }, 'job-rb', T0);
          throw new Error('stop');
        }),
        /stop/,
      );
      assert.equal(await jobs.get('job-rb'), undefined);
    });

    test('claims go by run_at, then id; jobs not yet due are not claimed', async () => {
      await jobs.enqueue({ type: 't', key: 'order-late', payload: null, runAt: at(3000) }, 'order-a', T0);
      await jobs.enqueue({ type: 't', key: 'order-early', payload: null, runAt: at(1000) }, 'order-c', T0);
      await jobs.enqueue({ type: 't', key: 'order-tie', payload: null, runAt: at(1000) }, 'order-b', T0);
      await jobs.enqueue({ type: 't', key: 'order-future', payload: null, runAt: at(60_000) }, 'order-z', T0);
      assert.equal(await jobs.claim(at(999), LEASE, 'w1'), undefined, 'nothing is due yet');
      const claimed: string[] = [];
      for (;;) {
        const job = await jobs.claim(at(3000), LEASE, 'w1');
        if (!job) break;
        claimed.push(job.id);
      }
      assert.deepEqual(claimed, ['order-b', 'order-c', 'order-a'], 'a job due exactly now is claimed; the future one is not');
      assert.equal((await jobs.claim(at(60_000), LEASE, 'w1'))?.id, 'order-z');
      for (const jobId of [...claimed, 'order-z']) assert.equal(await jobs.complete(jobId, 'w1', at(60_000)), true);
    });

    test('an expired lease is claimed again, and the worker that lost it can neither complete nor fail it', async () => {
      await jobs.enqueue({ type: 't', key: 'lease', payload: null }, 'job-lease', T0);
      assert.equal((await jobs.claim(T0, LEASE, 'dead'))?.id, 'job-lease');
      assert.equal(await jobs.claim(at(LEASE), LEASE, 'w2'), undefined, 'the lease holds until its last instant');
      const again = await jobs.claim(at(LEASE + 1), LEASE, 'w2');
      assert.deepEqual([again?.id, again?.attempts, again?.lockedBy, again?.lockedUntil], ['job-lease', 2, 'w2', at(2 * LEASE + 1)]);
      assert.equal(await jobs.complete('job-lease', 'dead', at(LEASE + 2)), false);
      assert.equal(await jobs.fail('job-lease', 'dead', at(LEASE + 2), 'late', null), false);
      assert.equal((await jobs.get('job-lease'))?.state, 'running', 'the refused calls changed nothing');
      assert.equal(await jobs.complete('job-lease', 'w2', at(LEASE + 3)), true);
      assert.equal(await jobs.complete('job-lease', 'w2', at(LEASE + 4)), false, 'a done job is not completed twice');
      assert.equal(await jobs.fail('job-lease', 'w2', at(LEASE + 4), 'x', null), false, 'nor failed after it is done');
    });

    test('a job whose worker died is taken over before any due job, however long the backlog', async () => {
      await jobs.enqueue({ type: 't', key: 'orphan', payload: null, runAt: at(5_000) }, 'job-orphan', T0);
      assert.equal((await jobs.claim(at(5_000), LEASE, 'dead'))?.id, 'job-orphan');
      // A backlog due since before the orphan was first claimed: claim order alone (run_at) would serve it first.
      await jobs.enqueueAll(
        Array.from({ length: 50 }, (_, i) => ({ id: `job-backlog-${String(i).padStart(2, '0')}`, job: { type: 't', key: `backlog-${i}`, payload: null, runAt: at(i) } })),
        T0,
      );
      const next = await jobs.claim(at(5_000 + LEASE + 1), LEASE, 'w2');
      assert.deepEqual([next?.id, next?.attempts], ['job-orphan', 2]);
      assert.equal((await jobs.claim(at(5_000 + LEASE + 1), LEASE, 'w2'))?.id, 'job-backlog-00', 'then the backlog, in run order');
      for (const left of ['job-orphan', 'job-backlog-00']) assert.equal(await jobs.complete(left, 'w2', at(5_000 + LEASE + 2)), true);
    });

    test('fail with a retry time puts the job back as ready then; without one it is parked; retry revives it', async () => {
      await jobs.enqueue({ type: 't', key: 'failing', payload: null, maxAttempts: 2 }, 'job-fail', T0);
      await jobs.claim(T0, LEASE, 'w1');
      assert.equal(await jobs.fail('job-fail', 'w1', at(10), 'ILLiad answered 503', at(5000)), true);
      const ready = await jobs.get('job-fail');
      assert.deepEqual(
        [ready?.state, ready?.runAt, ready?.attempts, ready?.lastError, ready?.lockedBy, ready?.lockedUntil, ready?.updatedAt],
        ['ready', at(5000), 1, 'ILLiad answered 503', null, null, at(10)],
      );
      assert.equal(await jobs.retry('job-fail', at(20)), false, 'only a failed job can be retried');
      assert.equal(await jobs.claim(at(4999), LEASE, 'w1'), undefined);
      assert.equal((await jobs.claim(at(5000), LEASE, 'w1'))?.attempts, 2);
      assert.equal(await jobs.fail('job-fail', 'w1', at(5001), 'still 503', null), true);
      const parked = await jobs.get('job-fail');
      assert.deepEqual([parked?.state, parked?.lastError, parked?.lockedBy], ['failed', 'still 503', null]);
      assert.equal(await jobs.claim(at(999_999), LEASE, 'w1'), undefined, 'a parked job is never claimed');
      assert.equal(await jobs.retry('job-fail', at(6000)), true);
      const revived = await jobs.get('job-fail');
      assert.deepEqual([revived?.state, revived?.attempts, revived?.runAt, revived?.updatedAt], ['ready', 0, at(6000), at(6000)]);
      assert.equal(await jobs.retry('nope', at(6000)), false);
      assert.equal((await jobs.claim(at(6000), LEASE, 'w1'))?.attempts, 1);
      await jobs.complete('job-fail', 'w1', at(6001));
    });

    test('list filters by state and type, pages in run order, and counts; countByState counts every state', async () => {
      for (const [index, type] of ['list.a', 'list.b', 'list.a', 'list.a'].entries()) {
        await jobs.enqueue({ type, key: `list-${index}`, payload: index, runAt: at(1_000_000 - index) }, `list-${index}`, T0);
      }
      const page = await jobs.list({ type: 'list.a', state: 'ready', limit: 2, offset: 1 });
      assert.equal(page.total, 3);
      assert.deepEqual(page.items.map((j) => j.id), ['list-2', 'list-0']);
      assert.equal((await jobs.list({ type: 'list.b', limit: 10, offset: 0 })).items[0]?.payload, 1);
      const before = await jobs.countByState();
      assert.deepEqual(Object.keys(before).sort(), ['done', 'failed', 'ready', 'running']);
      const claimed = await jobs.claim(at(1_000_000), LEASE, 'w1');
      await jobs.fail(claimed!.id, 'w1', at(1_000_000), 'no', null);
      await jobs.claim(at(1_000_000), LEASE, 'w1');
      const counts = await jobs.countByState();
      assert.deepEqual(counts, { ready: before.ready - 2, running: before.running + 1, done: before.done, failed: before.failed + 1 });
      assert.equal((await jobs.list({ state: 'failed', type: 'list.a', limit: 10, offset: 0 })).items[0]?.id, 'list-3');
    });
  });
}
