/** A notice as recorded: one row per notice to a patron, kept whatever became of it (issue 9, item 5). */
import type { NoticeType } from './templates.ts';

/**
 * PENDING: made, not handed to the mail server yet (or the last try failed and the job tries again; `reason`
 * says why). SENDING: handed to the mail server, its answer not recorded yet. SENT: the mail server accepted it.
 * SKIPPED: nothing to send (the notice type is switched off, or the request moved on meanwhile). NOT_SENT: it
 * cannot be sent (no SMTP configured, no e-mail address). FAILED: the mail server refused it, or every try failed.
 */
export const NOTICE_STATUSES = ['PENDING', 'SENDING', 'SENT', 'SKIPPED', 'NOT_SENT', 'FAILED'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/** Statuses after which the notice is never sent again (a job run again leaves it alone). */
export const NOTICE_SETTLED: readonly NoticeStatus[] = ['SENT', 'SKIPPED', 'NOT_SENT'];

export interface Notice {
  readonly id: string;
  /** What the notice is for, unique: a request's change (`{request}:notice:{type}:{version}`) or a loan's due date. */
  readonly key: string;
  readonly type: NoticeType;
  readonly status: NoticeStatus;
  /** The patron's primary id. */
  readonly patron: string | null;
  readonly recipient: string | null;
  readonly subject: string | null;
  readonly body: string | null;
  /** The same on every try, so a mail program can tell a repeat from a new notice. */
  readonly messageId: string | null;
  readonly borrowingRequest: string | null;
  readonly loan: string | null;
  /** Why it was skipped, not sent or failed; the last error while it is tried again. */
  readonly reason: string | null;
  /** Times it was handed to the mail server. */
  readonly attempts: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly sentAt: string | null;
}
