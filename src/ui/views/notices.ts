/**
 * Notices for the pages (issue 9): each template with its preview, the form's values and its problems next to
 * the fields, the list of notices in words. NoticeService decides what is valid; nothing here checks a template.
 */
import type { NoticeTemplateView } from '../../app/notice-service.ts';
import type { Notice, NoticeStatus } from '../../domain/notices/notice.ts';
import { NOTICE_LABELS, type NoticeType } from '../../domain/notices/templates.ts';
import type { Problem } from '../../domain/errors.ts';

export const NOTICES_PATH = '/ui/notices';
export const noticeTemplateHref = (type: NoticeType): string => `${NOTICES_PATH}/${type}`;

export const STATUS_WORDS: Record<NoticeStatus, string> = {
  PENDING: 'waiting to be tried again',
  SENDING: 'handed to the mail server',
  SENT: 'sent',
  SKIPPED: 'skipped',
  NOT_SENT: 'not sent',
  FAILED: 'failed',
};

/** Which badge colour a status gets: the ones staff must look at stand out. */
export const STATUS_CLASS: Record<NoticeStatus, string> = { PENDING: 'warn', SENDING: 'warn', SENT: 'pass', SKIPPED: '', NOT_SENT: 'fail', FAILED: 'fail' };

export interface NoticeRow {
  readonly when: string;
  readonly type: string;
  readonly status: NoticeStatus;
  readonly statusWords: string;
  readonly to: string;
  readonly subject: string;
  readonly reason: string;
  readonly requestHref: string | null;
  readonly requestId: string | null;
}

export function noticeRowOf(notice: Notice): NoticeRow {
  const when = notice.sentAt ?? notice.updatedAt;
  return {
    when: `${when.slice(0, 10)} ${when.slice(11, 16)} UTC`,
    type: NOTICE_LABELS[notice.type],
    status: notice.status,
    statusWords: STATUS_WORDS[notice.status],
    to: notice.recipient ? `${notice.recipient}${notice.patron ? ` (${notice.patron})` : ''}` : (notice.patron ?? ''),
    subject: notice.subject ?? '',
    reason: notice.reason ?? '',
    requestHref: notice.borrowingRequest ? `/ui/requests/${encodeURIComponent(notice.borrowingRequest)}` : null,
    requestId: notice.borrowingRequest,
  };
}

/** What the form holds: as typed after a refusal or a preview, else as saved. */
export interface NoticeFormValues {
  readonly enabled: boolean;
  readonly subject: string;
  readonly body: string;
  readonly daysBefore: string;
}

export const formValuesOf = (template: NoticeTemplateView): NoticeFormValues => ({
  enabled: template.enabled,
  subject: template.subject,
  body: template.body,
  daysBefore: template.daysBefore === null ? '' : String(template.daysBefore),
});

/** The posted form as typed (a checkbox is present only when checked). */
export function postedFormValues(body: Record<string, unknown>): NoticeFormValues {
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
  return { enabled: body.enabled === 'on', subject: text('subject'), body: text('body').replace(/\r\n/g, '\n'), daysBefore: text('daysBefore') };
}

/** The document for NoticeService: a number of days only for the reminder; text that is not a number is left for it to refuse. */
export function templateInput(type: NoticeType, values: NoticeFormValues): Record<string, unknown> {
  const days = values.daysBefore.trim();
  return {
    enabled: values.enabled,
    subject: values.subject,
    body: values.body,
    ...(type === 'DUE_SOON' ? { daysBefore: days === '' ? null : /^\d+$/.test(days) ? Number(days) : days } : {}),
  };
}

/** Each field's problems (subject, body, daysBefore), and those of no field. */
export function problemsByField(problems: readonly Problem[]): { fields: Record<string, string>; other: string[] } {
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const problem of problems) {
    const field = problem.path.split('.')[0] ?? '';
    if (['subject', 'body', 'daysBefore', 'enabled'].includes(field)) fields[field] = fields[field] ? `${fields[field]} ${capitalised(problem.message)}` : capitalised(problem.message);
    else other.push(problem.path ? `${problem.path}: ${problem.message}` : problem.message);
  }
  return { fields, other };
}

const capitalised = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;

/** "The ready for pickup template was saved.", from the page's query; nothing for anything else. */
export function doneMessage(query: Record<string, unknown>): string | undefined {
  const { done, type } = query;
  if (typeof type !== 'string' || !(type in NOTICE_LABELS)) return undefined;
  const label = NOTICE_LABELS[type as NoticeType];
  if (done === 'saved') return `The “${label}” template was saved.`;
  if (done === 'reset') return `The “${label}” template is back to the text shipped with Interlend.`;
  return undefined;
}
