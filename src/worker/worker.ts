/**
 * The worker: takes due jobs from the queue one at a time and runs their handlers. Jobs are delivered at least once
 * (a worker that dies mid-run loses its lease and another takes the job over), so handlers must be idempotent —
 * key their effects by job.key.
 *
 * It sees storage only through the Storage port and time only through the Clock, so tests can drive it; the one
 * real timer is the idle sleep between polls, which no outcome depends on.
 */
import type { Clock, IdSource, Job, Storage } from '../app/ports.ts';
import { retryDelayMs } from '../domain/jobs/backoff.ts';
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

  async function park(job: Job, reason: string): Promise<void> {
    log.error({ job: job.id, type: job.type, attempts: job.attempts }, `job parked as failed: ${reason}`);
    if (!(await jobs.fail(job.id, id!, clock.now(), reason, null))) return lostLease(job, 'was parked');
    const parked = options.onParked && Object.hasOwn(options.onParked, job.type) ? options.onParked[job.type] : undefined;
    try {
      await parked?.(job, reason);
    } catch (error) {
      log.error({ job: job.id, type: job.type, error: describeError(error) }, 'what follows a parked job failed; the job stays parked for staff');
    }
  }

  async function execute(job: Job): Promise<void> {
    // Only reachable through lease expiry: every run so far died without reporting (a job that crashes the worker).
    // Running it yet again would loop forever, so it stops here.
    if (job.attempts > job.maxAttempts) {
      return park(job, `started ${job.attempts - 1} times without finishing (each worker stopped before reporting); maxAttempts is ${job.maxAttempts}`);
    }
    // hasOwn, so a type like "toString" does not find Object.prototype's function.
    const handler = Object.hasOwn(handlers, job.type) ? handlers[job.type] : undefined;
    if (!handler) return park(job, `no handler for job type "${job.type}"`);

    let failure: { error: unknown } | undefined;
    try {
      await handler(job);
    } catch (error) {
      failure = { error };
    }
    const now = clock.now();
    if (!failure) {
      if (!(await jobs.complete(job.id, id!, now))) lostLease(job, 'finished');
      return;
    }
    const message = describeError(failure.error);
    if (isPermanent(failure.error)) return park(job, message);
    if (job.attempts >= job.maxAttempts) return park(job, message);
    const retryAt = plusMs(now, retryDelayMs(job.attempts, random()));
    log.warn({ job: job.id, type: job.type, attempts: job.attempts, retryAt, error: message }, 'job failed; will retry');
    if (!(await jobs.fail(job.id, id!, now, message, retryAt))) lostLease(job, 'failed');
  }

  // Runs in progress (from the loop or from callers of runOnce), so stop() can wait for them.
  const inFlight = new Set<Promise<unknown>>();

  function runOnce(): Promise<'ran' | 'idle'> {
    const run = (async () => {
      // If the claim succeeds but recording the outcome throws (database gone), the job stays running until its
      // lease passes, and then runs again: at least once, never lost.
      const job = await jobs.claim(clock.now(), leaseMs, id!);
      if (!job) return 'idle' as const;
      await execute(job);
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
      log.info({ worker: id, leaseMs, pollMs }, 'worker started');
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
