/**
 * The worker: takes due jobs from the queue one at a time and runs their handlers. Jobs are delivered at least once
 * (a worker that dies mid-run loses its lease and another takes the job over), so handlers must be idempotent —
 * key their effects by job.key.
 *
 * It sees storage only through the Storage port and time only through the Clock, so tests can drive it; the real
 * timers are the idle sleep between polls and the pause between tries to record an outcome while the database is
 * down, which no outcome depends on.
 */
import type { Clock, IdSource, Job, Storage } from '../app/ports.ts';
import { RETRY_BASE_MS, retryDelayMs } from '../domain/jobs/backoff.ts';
import { InterlendError } from '../domain/errors.ts';
import { describeError, isPermanent } from './errors.ts';

export { PermanentJobError } from './errors.ts';

export type JobHandler = (job: Job) => Promise<void>;

/** What the worker logs through; a pino logger fits. */
export interface WorkerLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface WorkerOptions {
  readonly storage: Storage;
  readonly clock: Clock;
  /** Names this worker in job.lockedBy; give it, or ids to make one. */
  readonly workerId?: string;
  readonly ids?: IdSource;
  /** Job type → handler. A job of a type not here is parked as failed. */
  readonly handlers: Readonly<Record<string, JobHandler>>;
  /**
   * Job type → what to do when a job of that type is parked as failed (out of tries, or a permanent error), so
   * the thing waiting on the job does not wait for ever: a request goes to Ready to be sent. Best effort; it runs
   * once per parking.
   */
  readonly onParked?: Readonly<Record<string, (job: Job, reason: string) => Promise<void>>>;
  /** How long a claimed job stays ours; past it another worker may take it over. Default 60 s. */
  readonly leaseMs?: number;
  /** The pause between polls while the queue is empty (or the database fails). Default 1 s. */
  readonly pollMs?: number;
  /** Jitter for the retry backoff, in [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** The backoff's first step (JOB_RETRY_BASE_MS); it doubles per try up to an hour. Default 5 s. */
  readonly retryBaseMs?: number;
  /** Each run of a job that failed (to be retried or parked), e.g. for a metric. */
  readonly onFailure?: (job: Job) => void;
  readonly log?: WorkerLog;
}

export interface Worker {
  readonly id: string;
  /** Claims one due job and runs it: 'ran', or 'idle' when none was due. */
  runOnce(): Promise<'ran' | 'idle'>;
  /** Runs jobs until stop(), sleeping pollMs whenever the queue is idle. */
  start(): void;
  /** Stops polling and resolves once the job being run (if any) is finished and recorded. */
  stop(): Promise<void>;
}

const SILENT: WorkerLog = { info() {}, warn() {}, error() {} };

function plusMs(time: string, ms: number): string {
  return new Date(Date.parse(time) + ms).toISOString();
}

export function createWorker(options: WorkerOptions): Worker {
  const { storage, clock, handlers } = options;
  const id = options.workerId ?? options.ids?.newId();
  if (!id) throw new Error('createWorker needs a workerId or an IdSource');
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 1_000;
  const random = options.random ?? Math.random;
  const log = options.log ?? SILENT;
  const jobs = storage.read.jobs;

  /** Records an outcome; false from the queue means the lease passed to another worker, which now owns the job. */
  function lostLease(job: Job, outcome: string): void {
    log.warn({ job: job.id, type: job.type, worker: id }, `job ${outcome} but its lease had been taken over by another worker; that worker's result counts`);
  }

  /**
   * Writes a job's outcome (done, retry at, parked). When the database does not answer (a PostgreSQL restart), the
   * worker still holds the job's lease, so it keeps trying to write, every pollMs, until the write goes through or
   * the lease is about to pass (then whoever claims the job next runs it again: at least once, never lost). Without
   * this a job whose run ended during a restart would stay "running" until its lease ran out, a minute later.
   * Measured on the process's own clock from the claim: the injected Clock may stand still in tests.
   */
  async function record<T>(job: Job, claimedAt: number, write: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await write();
      } catch (error) {
        const databaseDown = error instanceof InterlendError && error.code === 'ILL_ERR_DATABASE_UNAVAILABLE';
        if (!databaseDown || stopping || performance.now() + pollMs >= claimedAt + leaseMs) throw error;
        log.warn({ job: job.id, type: job.type, worker: id }, 'the database did not answer while recording a job outcome; trying again');
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    }
  }

  async function park(job: Job, reason: string, claimedAt: number): Promise<void> {
    log.error({ job: job.id, type: job.type, attempts: job.attempts }, `job parked as failed: ${reason}`);
    if (!(await record(job, claimedAt, () => jobs.fail(job.id, id!, clock.now(), reason, null)))) return lostLease(job, 'was parked');
    const parked = options.onParked && Object.hasOwn(options.onParked, job.type) ? options.onParked[job.type] : undefined;
    try {
      await parked?.(job, reason);
    } catch (error) {
      log.error({ job: job.id, type: job.type, error: describeError(error) }, 'what follows a parked job failed; the job stays parked for staff');
    }
  }

  async function execute(job: Job, claimedAt: number): Promise<void> {
    // Only reachable through lease expiry: every run so far died without reporting (a job that crashes the worker).
    // Running it yet again would loop forever, so it stops here.
    if (job.attempts > job.maxAttempts) {
      return park(job, `started ${job.attempts - 1} times without finishing (each worker stopped before reporting); maxAttempts is ${job.maxAttempts}`, claimedAt);
    }
    // hasOwn, so a type like "toString" does not find Object.prototype's function.
    const handler = Object.hasOwn(handlers, job.type) ? handlers[job.type] : undefined;
    if (!handler) return park(job, `no handler for job type "${job.type}"`, claimedAt);

    let failure: { error: unknown } | undefined;
    try {
      await handler(job);
    } catch (error) {
      failure = { error };
    }
    const now = clock.now();
    if (!failure) {
      if (!(await record(job, claimedAt, () => jobs.complete(job.id, id!, clock.now())))) lostLease(job, 'finished');
      return;
    }
    const message = describeError(failure.error);
    options.onFailure?.(job);
    if (isPermanent(failure.error)) return park(job, message, claimedAt);
    if (job.attempts >= job.maxAttempts) return park(job, message, claimedAt);
    const retryAt = plusMs(now, retryDelayMs(job.attempts, random(), options.retryBaseMs));
    log.warn({ job: job.id, type: job.type, attempts: job.attempts, retryAt, error: message }, 'job failed; will retry');
    if (!(await record(job, claimedAt, () => jobs.fail(job.id, id!, clock.now(), message, retryAt)))) lostLease(job, 'failed');
  }

  // Runs in progress (from the loop or from callers of runOnce), so stop() can wait for them.
  const inFlight = new Set<Promise<unknown>>();

  function runOnce(): Promise<'ran' | 'idle'> {
    const run = (async () => {
      // If the claim succeeds but recording the outcome throws (database gone), the job stays running until its
      // lease passes, and then runs again: at least once, never lost.
      const claimedAt = performance.now();
      const job = await jobs.claim(clock.now(), leaseMs, id!);
      if (!job) return 'idle' as const;
      await execute(job, claimedAt);
      return 'ran' as const;
    })();
    inFlight.add(run);
    const forget = () => inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }

  let loop: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  async function poll(): Promise<void> {
    while (!stopping) {
      let result: 'ran' | 'idle' | 'error';
      try {
        result = await runOnce();
      } catch (error) {
        log.error({ worker: id, error: describeError(error) }, 'job queue unavailable; retrying after the poll interval');
        result = 'error';
      }
      // After a run, look again at once: a backlog drains without waiting pollMs per job.
      if (result !== 'ran' && !stopping) await sleep(pollMs);
    }
  }

  return {
    id,
    runOnce,
    start() {
      if (loop) return;
      stopping = false;
      loop = poll();
      log.info({ worker: id, leaseMs, pollMs, retryBaseMs: options.retryBaseMs ?? RETRY_BASE_MS }, 'worker started');
    },
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      loop = undefined;
      await Promise.allSettled([...inFlight]);
    },
  };
}
