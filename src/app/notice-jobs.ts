/**
 * The jobs notices cause, as the worker runs them: send one notice (retried with the worker's backoff while the
 * mail server is down; recorded as failed when given up), and the hourly scan for loans due soon.
 */
import { JOB_NOTICE_DUE_SCAN, JOB_NOTICE_SEND, type NoticePayload } from './notice-queue.ts';
import type { NoticeService } from './notice-service.ts';
import type { Job } from './ports.ts';

export function noticeJobs(notices: NoticeService) {
  return {
    handlers: {
      [JOB_NOTICE_SEND]: (job: Job) => notices.runSend(job.payload as NoticePayload, { number: job.attempts, last: job.attempts >= job.maxAttempts }),
      [JOB_NOTICE_DUE_SCAN]: async () => {
        await notices.runDueScan();
      },
    },
    onParked: {
      [JOB_NOTICE_SEND]: (job: Job, reason: string) => notices.sendParked(job.payload as NoticePayload, reason),
      [JOB_NOTICE_DUE_SCAN]: () => notices.scanParked(),
    },
  };
}
