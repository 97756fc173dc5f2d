/**
 * The jobs lending requests cause, as the worker runs them: sending the messages queued for the borrower. A job
 * that cannot reach the borrower is retried with backoff (the worker's), then parked for staff to retry; the
 * message stays queued meanwhile, and the request's next message job sends it first.
 */
import { JOB_LENDING_SEND, type LendingService } from './lending-service.ts';
import type { Job } from './ports.ts';

export function lendingJobs(lending: LendingService) {
  return {
    handlers: {
      [JOB_LENDING_SEND]: (job: Job) => lending.runSend(job.payload as { requestId: string }, { number: job.attempts, last: job.attempts >= job.maxAttempts }),
    },
    onParked: {},
  };
}

type JobSet = { handlers: Record<string, (job: Job) => Promise<void>>; onParked: Record<string, (job: Job, reason: string) => Promise<void>> };

/** Several sets of job handlers as one, for the worker; a job type claimed twice is a wiring mistake. */
export function combineJobs(...sets: JobSet[]): JobSet {
  const combined: JobSet = { handlers: {}, onParked: {} };
  for (const set of sets) {
    for (const type of Object.keys(set.handlers)) if (Object.hasOwn(combined.handlers, type)) throw new Error(`two handlers for job type ${type}`);
    Object.assign(combined.handlers, set.handlers);
    Object.assign(combined.onParked, set.onParked);
  }
  return combined;
}
