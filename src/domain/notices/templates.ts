/**
 * Notices to patrons (issue 9, item 5): the three kinds, their placeholders, the texts shipped with Interlend, and
 * how staff's texts are checked and filled. Plain text only: a notice is a sentence or two a patron reads in any
 * mail program, and plain text cannot carry markup from a title into the message.
 */
import { z } from 'zod';
import type { Problem } from '../errors.ts';

export const NOTICE_TYPES = ['READY_FOR_PICKUP', 'CANNOT_BE_FILLED', 'DUE_SOON'] as const;
export type NoticeType = (typeof NOTICE_TYPES)[number];

export const NOTICE_LABELS: Record<NoticeType, string> = {
  READY_FOR_PICKUP: 'Ready for pickup',
  CANNOT_BE_FILLED: 'Request cannot be filled',
  DUE_SOON: 'Due date reminder',
};

export const isNoticeType = (value: string): value is NoticeType => (NOTICE_TYPES as readonly string[]).includes(value);

/** What each placeholder is filled with; dates are in the institution's time zone, in words. */
export const PLACEHOLDERS = {
  patronName: 'the patron’s first and last name',
  title: 'the title of the item',
  author: 'its author (empty when not known)',
  requestId: 'the request number (empty for a loan of one of your own items)',
  institutionName: 'your institution’s name',
  pickupLibrary: 'the name of the library where the item waits on the hold shelf',
  holdUntil: 'the last day it is kept there: the lender’s date (NCIP PickupExpiryDate), else HOLD_SHELF_DAYS after it arrived',
  reason: 'why the request could not be filled, in a sentence for the patron',
  dueDate: 'the day the item is due back',
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;

const COMMON: readonly Placeholder[] = ['patronName', 'title', 'author', 'requestId', 'institutionName'];

/** The placeholders each notice fills; any other is refused when a template is saved. */
export const NOTICE_PLACEHOLDERS: Record<NoticeType, readonly Placeholder[]> = {
  READY_FOR_PICKUP: [...COMMON, 'pickupLibrary', 'holdUntil'],
  CANNOT_BE_FILLED: [...COMMON, 'reason'],
  DUE_SOON: [...COMMON, 'dueDate'],
};

export type NoticeValues = Partial<Record<Placeholder, string | null>>;

/** What staff edit: a notice can be switched off; the reminder also says how many days before the due date. */
export interface NoticeTemplate {
  readonly type: NoticeType;
  readonly enabled: boolean;
  readonly subject: string;
  readonly body: string;
  /** DUE_SOON only: the reminder goes this many days (in the institution's calendar) before the due date. */
  readonly daysBefore: number | null;
}

export const DEFAULT_DAYS_BEFORE = 3;

export const DEFAULT_TEMPLATES: Record<NoticeType, NoticeTemplate> = {
  READY_FOR_PICKUP: {
    type: 'READY_FOR_PICKUP',
    enabled: true,
    subject: 'Ready for pickup: {{title}}',
    body: [
      'Dear {{patronName}},',
      '',
      'The item you requested is ready for you to pick up at {{pickupLibrary}}:',
      '',
      '  {{title}}',
      '  {{author}}',
      '',
      'It is kept for you until {{holdUntil}}.',
      'Please bring your library card.',
      '',
      'Your request number: {{requestId}}',
      '',
      '{{institutionName}}',
    ].join('\n'),
    daysBefore: null,
  },
  CANNOT_BE_FILLED: {
    type: 'CANNOT_BE_FILLED',
    enabled: true,
    subject: 'We could not get {{title}} for you',
    body: [
      'Dear {{patronName}},',
      '',
      'We are sorry: your request could not be filled.',
      '',
      '  {{title}}',
      '  {{author}}',
      '',
      '{{reason}}',
      '',
      'If you still need it, please ask at the library: we may know another way to get it.',
      '',
      'Your request number: {{requestId}}',
      '',
      '{{institutionName}}',
    ].join('\n'),
    daysBefore: null,
  },
  DUE_SOON: {
    type: 'DUE_SOON',
    enabled: true,
    subject: 'Due {{dueDate}}: {{title}}',
    body: [
      'Dear {{patronName}},',
      '',
      'A reminder: the item you borrowed is due back on {{dueDate}}.',
      '',
      '  {{title}}',
      '  {{author}}',
      '',
      'Please return it by then, or ask us before then whether it can be renewed.',
      '',
      'Your request number: {{requestId}}',
      '',
      '{{institutionName}}',
    ].join('\n'),
    daysBefore: DEFAULT_DAYS_BEFORE,
  },
};

/** `{{ name }}`: two braces, the name, two braces; spaces inside are allowed. */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders a text names, in order, and whether a `{{` or `}}` is left over (a typing mistake). */
function placeholdersIn(text: string): { names: string[]; unbalanced: boolean } {
  const names = [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  const rest = text.replace(PLACEHOLDER, '');
  return { names, unbalanced: rest.includes('{{') || rest.includes('}}') };
}

export const noticeTemplateInputSchema = z.strictObject({
  enabled: z.boolean({ error: 'must be true or false' }),
  subject: z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    .refine((s) => !/[\r\n]/.test(s), 'must be one line'),
  body: z.string({ error: 'is required' }).trim().min(1, 'must not be empty').max(10_000, 'must be at most 10,000 characters'),
  daysBefore: z.number({ error: 'must be a number of days' }).int('must be a whole number of days').min(1, 'must be at least 1').max(60, 'must be at most 60').nullable().optional(),
});
export type NoticeTemplateInput = z.output<typeof noticeTemplateInputSchema>;

/**
 * What is wrong with a template of this type: placeholders the notice does not fill (named, with the ones it
 * does), a `{{` without its `}}`, a number of days on a notice that has none.
 */
export function templateProblems(type: NoticeType, input: NoticeTemplateInput): Problem[] {
  const problems: Problem[] = [];
  const allowed = NOTICE_PLACEHOLDERS[type];
  const list = allowed.map((p) => `{{${p}}}`).join(', ');
  for (const field of ['subject', 'body'] as const) {
    const { names, unbalanced } = placeholdersIn(input[field]);
    const unknown = [...new Set(names.filter((name) => !(allowed as readonly string[]).includes(name)))];
    for (const name of unknown) {
      problems.push({ path: field, message: `{{${name}}} is not a placeholder of the ${NOTICE_LABELS[type].toLowerCase()} notice; it has ${list}` });
    }
    if (unbalanced) problems.push({ path: field, message: 'has a {{ or }} that does not belong to a placeholder: write placeholders as {{name}}' });
  }
  if (type !== 'DUE_SOON' && input.daysBefore !== undefined && input.daysBefore !== null) {
    problems.push({ path: 'daysBefore', message: 'only the due date reminder is sent a number of days before something' });
  }
  return problems;
}

const oneLine = (value: string) => value.replace(/[\r\n]+/g, ' ').trim();

/**
 * The notice's subject and body with the placeholders filled. A line of the body with a placeholder that has no
 * value is left out whole ("It is kept for you until {{holdUntil}}." when the lender gave no date), so templates
 * need no conditions; in the subject an empty placeholder is just empty.
 */
export function fillTemplate(template: Pick<NoticeTemplate, 'subject' | 'body'>, values: NoticeValues): { subject: string; body: string } {
  const value = (name: string) => {
    const v = values[name as Placeholder];
    return v === undefined || v === null ? '' : oneLine(v);
  };
  const subject = oneLine(template.subject.replace(PLACEHOLDER, (_m, name: string) => value(name))).replace(/\s{2,}/g, ' ');
  const lines = template.body.split(/\r?\n/).flatMap((line) => {
    const { names } = placeholdersIn(line);
    if (names.some((name) => value(name) === '')) return [];
    return [line.replace(PLACEHOLDER, (_m, name: string) => value(name)).trimEnd()];
  });
  const body = lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
  return { subject, body: `${body}\n` };
}
