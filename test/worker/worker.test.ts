/**
 * The worker over real storage, once per database: retries with backoff, parking, crash recovery through the
 * lease, and two workers sharing one database. Time is the FakeClock's; nothing asserts on wall-clock timings.
 */
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, test, type TestContext } from 'node:test';
import type { Job, Storage } from '../../src/app/ports.ts';
import { retryDelayMs } from '../../src/domain/jobs/backoff.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { databaseUnavailable } from '../../src/storage/unavailable.ts';
import { createWorker, PermanentJobError, type WorkerLog } from '../../src/worker/worker.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.ts';
import { FakeClock } from '../support/fakes.ts';

const LEASE = 60_000;
const HALF = () => 0.5;

/** A fresh database per test, so no test's jobs are claimed by another's worker. */
async function fresh(t: TestContext, dialect: 'sqlite' | 'postgres'): Promise<{ database: TestDatabase; storage: Storage; clock: FakeClock }> {
  const database = await createTestDatabase(dialect);
  const storage = await openStorage(database.settings);
  t.after(async () => {
    await storage.close();
    await database.drop();
  });
  return { database, storage, clock: new FakeClock() };
}

function recordingLog(): WorkerLog & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  return {
    lines,
    info: (_details, message) => lines.push({ level: 'info', message }),
    warn: (_details, message) => lines.push({ level: 'warn', message }),
    error: (_details, message) => lines.push({ level: 'error', message }),
  };
}

/** A promise opened from outside, to hold a handler mid-run. */
function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

for (const { dialect, skip } of DIALECTS) {
  describe(`worker on ${dialect}`, { skip }, () => {
    test('a job that fails twice then succeeds ends done after 3 attempts, each retry pushed back by the backoff', async (t) => {
      const { storage, clock } = await fresh(t, dialect);
      const t0 = clock.now();
      let calls = 0;
      const worker = createWorker({
        storage,
        clock,
        workerId: 'w1',
        random: HALF,
        handlers: {
          'ill.export': async () => {
            calls += 1;
            if (calls <= 2) throw new Error(`ILLiad answered 503 (${calls})`);
          },
        },
      });
      await storage.read.jobs.enqueue({ type: 'ill.export', key: 'export-r1', payload: { request: 'r1' } }, 'job-1', t0);

      assert.equal(await worker.runOnce(), 'ran');
      const first = await storage.read.jobs.get('job-1');
      const delay1 = retryDelayMs(1, 0.5);
      assert.deepEqual([first?.state, first?.attempts, first?.lastError, first?.runAt], ['ready', 1, 'ILLiad answered 503 (1)', new Date(Date.parse(t0) + delay1).toISOString()]);
      assert.equal(await worker.runOnce(), 'idle', 'not before its retry time');
      clock.advance(delay1 - 1);
      assert.equal(await worker.runOnce(), 'idle');
      clock.advance(1);
      assert.equal(await worker.runOnce(), 'ran');
      const delay2 = retryDelayMs(2, 0.5);
      assert.ok(delay2 > delay1, 'the second wait is longer');
      clock.advance(delay2);
      assert.equal(await worker.runOnce(), 'ran');

      const done = await storage.read.jobs.get('job-1');
      assert.deepEqual([done?.state, done?.attempts, done?.lockedBy, calls], ['done', 3, null, 3]);
      assert.equal(done?.runAt, new Date(Date.parse(t0) + delay1 + delay2).toISOString());
      assert.equal(await worker.runOnce(), 'idle');
    });

    test('a job that always fails is parked as failed after maxAttempts, with its last error', async (t) => {
      const { storage, clock } = await fresh(t, dialect);
      let calls = 0;
      const parkings: string[] = [];
      const worker = createWorker({
        storage,
        clock,
        workerId: 'w1',
        random: HALF,
        handlers: {
          'peer.send': async () => {
            calls += 1;
            throw new Error(`connection refused (${calls})`);
          },
        },
        onParked: { 'peer.send': async (job, reason) => void parkings.push(`${job.id}: ${reason}`) },
      });
      await storage.read.jobs.enqueue({ type: 'peer.send', key: 'send-1', payload: null, maxAttempts: 3 }, 'job-1', clock.now());
      for (let step = 0; step < 20; step++) {
        if ((await worker.runOnce()) === 'idle') clock.advance(60 * 60 * 1000);
        if ((await storage.read.jobs.get('job-1'))?.state === 'failed') break;
      }
      const parked = await storage.read.jobs.get('job-1');
      assert.deepEqual([parked?.state, parked?.attempts, parked?.lastError, calls], ['failed', 3, 'connection refused (3)', 3]);
      assert.deepEqual(parkings, ['job-1: connection refused (3)'], 'what waits on the job learns it was given up, once');
      clock.advance(24 * 60 * 60 * 1000);
      assert.equal(await worker.runOnce(), 'idle', 'a parked job waits for a person');
      assert.equal(await storage.read.jobs.retry('job-1', clock.now()), true);
      assert.equal(await worker.runOnce(), 'ran', 'until retried');
      assert.equal(calls, 4);
    });

    test('a PermanentJobError, or any error with retry: false, parks the job at once; so does an unknown type', async (t) => {
      const { storage, clock } = await fresh(t, dialect);
      const log = recordingLog();
      const worker = createWorker({
        storage,
        clock,
        workerId: 'w1',
        log,
        handlers: {
          permanent: async () => {
            throw new PermanentJobError('request r9 no longer exists');
          },
          custom: async () => {
            throw Object.assign(new Error('partner refused for good'), { retry: false });
          },
        },
      });
      const jobs = storage.read.jobs;
      await jobs.enqueue({ type: 'permanent', key: 'k1', payload: null }, 'job-1', clock.now());
      await jobs.enqueue({ type: 'custom', key: 'k2', payload: null }, 'job-2', clock.now());
      await jobs.enqueue({ type: 'no.such.type', key: 'k3', payload: null }, 'job-3', clock.now());
      await jobs.enqueue({ type: 'toString', key: 'k4', payload: null }, 'job-4', clock.now());
      while ((await worker.runOnce()) === 'ran');
      const states = await Promise.all(['job-1', 'job-2', 'job-3', 'job-4'].map((id) => jobs.get(id)));
      assert.deepEqual(
        states.map((j) => [j?.state, j?.attempts, j?.lastError]),
        [
          ['failed', 1, 'request r9 no longer exists'],
          ['failed', 1, 'partner refused for good'],
          ['failed', 1, 'no handler for job type "no.such.type"'],
          ['failed', 1, 'no handler for job type "toString"'],
        ],
      );
      assert.equal(log.lines.filter((l) => l.level === 'error').length, 4);
    });

    test('a worker that dies between claim and completion: another takes the job over after the lease, the effect happens once', async (t) => {
      const { storage, clock } = await fresh(t, dialect);
      // The outside world: messages sent, keyed by job.key, as an idempotent handler does (an upsert, not an append).
      const sent = new Map<string, { request: string }>();
      const send = async (job: Job) => {
        sent.set(job.key, { request: (job.payload as { request: string }).request });
      };
      const log = recordingLog();
      // The dying worker sends, then hangs before it can report (its process was killed).
      const stuck = gate();
      const started = gate();
      const dying = createWorker({
        storage,
        clock,
        workerId: 'dying',
        leaseMs: LEASE,
        log,
        handlers: {
          'peer.send': async (job) => {
            await send(job);
            started.open();
            await stuck.promise;
          },
        },
      });
      const survivor = createWorker({ storage, clock, workerId: 'survivor', leaseMs: LEASE, handlers: { 'peer.send': send } });
      const jobs = storage.read.jobs;
      await jobs.enqueue({ type: 'peer.send', key: 'send-r1', payload: { request: 'r1' } }, 'job-crash', clock.now());
      await jobs.enqueue({ type: 'peer.send', key: 'send-r2', payload: { request: 'r2' } }, 'job-plain', clock.now());

      const dyingRun = dying.runOnce();
      await started.promise;
      assert.equal((await jobs.get('job-crash'))?.lockedBy, 'dying');
      // The survivor runs the other job as usual; the crashed one is still leased.
      assert.equal(await survivor.runOnce(), 'ran');
      assert.equal(await survivor.runOnce(), 'idle');
      clock.advance(LEASE);
      assert.equal(await survivor.runOnce(), 'idle', 'the lease holds until it has passed');
      clock.advance(1);
      assert.equal(await survivor.runOnce(), 'ran');

      const recovered = await jobs.get('job-crash');
      assert.deepEqual([recovered?.state, recovered?.attempts, recovered?.lockedBy], ['done', 2, null]);
      assert.deepEqual(await jobs.countByState(), { ready: 0, running: 0, done: 2, failed: 0 });
      // Exactly the effect of the run without a crash: one message per job.
      assert.deepEqual([...sent.entries()].sort(), [
        ['send-r1', { request: 'r1' }],
        ['send-r2', { request: 'r2' }],
      ]);

      // Should the dying worker wake up after all, its report is refused and the job stays done.
      stuck.open();
      assert.equal(await dyingRun, 'ran');
      assert.equal((await jobs.get('job-crash'))?.state, 'done');
      assert.ok(log.lines.some((l) => l.level === 'warn' && /lease had been taken over/.test(l.message)));
    });

    test('a job whose every run kills its worker is parked once runs exceed maxAttempts, without running again', async (t) => {
      const { storage, clock } = await fresh(t, dialect);
      let calls = 0;
      const parkings: string[] = [];
      const worker = createWorker({
        storage,
        clock,
        workerId: 'w3',
        leaseMs: LEASE,
        handlers: { poison: async () => void (calls += 1) },
        onParked: { poison: async (job) => void parkings.push(job.id) },
      });
      const jobs = storage.read.jobs;
      await jobs.enqueue({ type: 'poison', key: 'poison-1', payload: null, maxAttempts: 2 }, 'job-poison', clock.now());
      for (const dead of ['dead-1', 'dead-2']) {
        assert.equal((await jobs.claim(clock.now(), LEASE, dead))?.id, 'job-poison');
        clock.advance(LEASE + 1);
      }
      assert.equal(await worker.runOnce(), 'ran');
      const parked = await jobs.get('job-poison');
      assert.deepEqual([parked?.state, parked?.attempts, calls], ['failed', 3, 0]);
      assert.match(parked?.lastError ?? '', /started 2 times without finishing/);
      assert.deepEqual(parkings, ['job-poison'], 'a job parked after its workers died is followed up too');
    });

    test('stop() waits for the running job to finish and be recorded', async (t) => {
      const { storage, clock } = await fresh(t, dialect);
      const hold = gate();
      const started = gate();
      const worker = createWorker({
        storage,
        clock,
        workerId: 'w1',
        pollMs: 5,
        handlers: {
          slow: async () => {
            started.open();
            await hold.promise;
          },
        },
      });
      await storage.read.jobs.enqueue({ type: 'slow', key: 'slow-1', payload: null }, 'job-slow', clock.now());
      worker.start();
      await started.promise;
      let stopped = false;
      const stopping = worker.stop().then(() => (stopped = true));
      for (let i = 0; i < 20; i++) await tick();
      assert.equal(stopped, false, 'stop() is still waiting for the job');
      hold.open();
      await stopping;
      assert.equal((await storage.read.jobs.get('job-slow'))?.state, 'done');
      // Stopped means stopped: a new job stays ready.
      await storage.read.jobs.enqueue({ type: 'slow', key: 'slow-2', payload: null }, 'job-slow-2', clock.now());
      for (let i = 0; i < 20; i++) await tick();
      assert.equal((await storage.read.jobs.get('job-slow-2'))?.state, 'ready');
    });

    test('JOB_RETRY_BASE_MS: the backoff starts from retryBaseMs; each failed run is reported to onFailure', async (t) => {
      const { storage, clock } = await fresh(t, dialect);
      const failures: string[] = [];
      const worker = createWorker({
        storage,
        clock,
        workerId: 'w1',
        random: HALF,
        retryBaseMs: 200,
        onFailure: (job) => failures.push(job.type),
        handlers: { 'peer.send': async () => Promise.reject(new Error('connection refused')) },
      });
      await storage.read.jobs.enqueue({ type: 'peer.send', key: 'fast-1', payload: null }, 'job-1', clock.now());
      const t0 = clock.now();
      assert.equal(await worker.runOnce(), 'ran');
      assert.equal((await storage.read.jobs.get('job-1'))?.runAt, new Date(Date.parse(t0) + retryDelayMs(1, 0.5, 200)).toISOString());
      assert.equal(retryDelayMs(1, 0.5, 200), 150, 'half to all of the 200 ms first step');
      assert.deepEqual(failures, ['peer.send']);
    });

    test('the database not answering when an outcome is recorded: the worker, still holding the lease, records it once it answers', async (t) => {
      const { storage, clock } = await fresh(t, dialect);
      const log = recordingLog();
      let down = 2;
      const jobs = storage.read.jobs;
      // complete() fails twice as it does while PostgreSQL restarts, then works.
      const flaky: Storage = {
        ...storage,
        read: {
          ...storage.read,
          jobs: {
            ...jobs,
            complete: async (...args) => {
              if (down-- > 0) throw databaseUnavailable(new Error('Connection terminated unexpectedly'));
              return jobs.complete(...args);
            },
          },
        },
      };
      let runs = 0;
      const worker = createWorker({ storage: flaky, clock, workerId: 'w1', pollMs: 10, log, handlers: { 'peer.send': async () => void runs++ } });
      await jobs.enqueue({ type: 'peer.send', key: 'record-1', payload: null }, 'job-1', clock.now());
      assert.equal(await worker.runOnce(), 'ran');
      const job = await jobs.get('job-1');
      assert.deepEqual([job?.state, job?.attempts, runs], ['done', 1, 1], 'recorded as done, run once');
      assert.equal(log.lines.filter((l) => /did not answer while recording/.test(l.message)).length, 2);
    });

    test('two workers on two connections to one database never run the same job', { timeout: 120_000 }, async (t) => {
      const { database, storage, clock } = await fresh(t, dialect);
      const other = await openStorage(database.settings);
      t.after(() => other.close());
      const COUNT = 200;
      for (let i = 0; i < COUNT; i++) {
        await storage.read.jobs.enqueue({ type: 'count', key: `count-${i}`, payload: i }, `job-${String(i).padStart(3, '0')}`, clock.now());
      }
      const runs: { job: string; worker: string }[] = [];
      const handlerFor = (worker: string) => async (job: Job) => {
        runs.push({ job: job.id, worker });
        // A small await while holding the job, so the other worker claims in between.
        await new Promise((resolve) => setTimeout(resolve, 1));
      };
      const workers = [
        createWorker({ storage, clock, workerId: 'A', pollMs: 2, handlers: { count: handlerFor('A') } }),
        createWorker({ storage: other, clock, workerId: 'B', pollMs: 2, handlers: { count: handlerFor('B') } }),
      ];
      for (const worker of workers) worker.start();
      while ((await storage.read.jobs.countByState()).done < COUNT) await new Promise((resolve) => setTimeout(resolve, 10));
      await Promise.all(workers.map((w) => w.stop()));

      const ids = runs.map((r) => r.job);
      assert.equal(ids.length, COUNT, 'as many runs as jobs');
      assert.equal(new Set(ids).size, COUNT, 'no job ran twice');
      assert.deepEqual(await storage.read.jobs.countByState(), { ready: 0, running: 0, done: COUNT, failed: 0 });
      const all = await storage.read.jobs.list({ limit: COUNT, offset: 0 });
      assert.ok(all.items.every((j) => j.attempts === 1), 'every job was claimed once');
      assert.ok(runs.some((r) => r.worker === 'A') && runs.some((r) => r.worker === 'B'), 'both workers took part');
    });
  });
}
