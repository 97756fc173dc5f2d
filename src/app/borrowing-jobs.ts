/**
 * The jobs borrowing requests cause, as the worker runs them: send to the current partner, time a partner out, and
 * what follows a send job the worker gave up on (the request goes to Ready to be sent, never waits for ever).
 */
import { type BorrowingService, JOB_ANSWER_TIMER, JOB_SEND, JOB_TELL_PARTNER } from './borrowing-service.ts';
import type { Job } from './ports.ts';

type EntryPayload = { requestId: string; entry: number };

export function borrowingJobs(borrowing: BorrowingService) {
  return {
    handlers: {
      [JOB_SEND]: (job: Job) => borrowing.runSend(job.payload as EntryPayload, { number: job.attempts, last: job.attempts >= job.maxAttempts }),
      [JOB_ANSWER_TIMER]: (job: Job) => borrowing.runAnswerTimer(job.payload as EntryPayload),
      [JOB_TELL_PARTNER]: (job: Job) =>
        borrowing.runTell(job.payload as EntryPayload & { action: string; note: string | null }, { number: job.attempts, last: job.attempts >= job.maxAttempts }),
    },
    onParked: {
      [JOB_SEND]: (job: Job, reason: string) => borrowing.sendAbandoned(job.payload as EntryPayload, reason),
    },
  };
}
