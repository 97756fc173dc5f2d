/**
 * Notices are jobs (issue 9, item 5): the change that causes one writes its job in its own transaction (the
 * outbox), and the worker sends it later with retries. This is the part the causes need; notice-service.ts sends.
 */
import type { NoticeType } from '../domain/notices/templates.ts';
import type { BorrowingStatus } from '../domain/request/state-model.ts';
import type { NewJob } from './ports.ts';

export const JOB_NOTICE_SEND = 'notice.send';
/** The reminder scan: looks for loans due soon, then puts itself in the queue again for the next hour. */
export const JOB_NOTICE_DUE_SCAN = 'notice.due-scan';

/**
 * 15 to 20 hours of tries with the worker's backoff (5 s doubling up to an hour, then about hourly): a mail server
 * down overnight loses nothing; after that the notice is recorded as failed and its job parked for staff to retry.
 */
export const NOTICE_MAX_ATTEMPTS = 30;

export interface NoticePayload {
  readonly type: NoticeType;
  /** What the notice is for, unique: also the job's key, so the same cause queues one notice. */
  readonly key: string;
  readonly requestId: string | null;
  readonly loanId: string | null;
  /** Due date reminder: the due date it reminds of (a renewal since makes it stale). */
  readonly dueDate?: string | null;
  /** Cannot be filled: the status the request ended in. */
  readonly endedAs: BorrowingStatus | null;
}

export function noticeJob(payload: NoticePayload): NewJob {
  return { type: JOB_NOTICE_SEND, key: payload.key, payload, maxAttempts: NOTICE_MAX_ATTEMPTS };
}

/** A reminder per loan and due date: a renewal (a new due date) gets its own. */
export function dueSoonKey(loanId: string, dueDate: string): string {
  return `loan:${loanId}:notice:DUE_SOON:${dueDate}`;
}
