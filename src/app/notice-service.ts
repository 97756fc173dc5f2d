/**
 * Notices to patrons by e-mail (issue 9, item 5): the templates staff edit, the notices sent, and the jobs that
 * send them and scan for loans due soon.
 *
 * A notice's job is written in the transaction of the change that causes it (notice-queue.ts); this sends it. Each
 * notice is recorded once, by its key, before anything is sent, and then:
 * - skipped when its type is switched off or the request has moved on (the patron has the item already, staff took
 *   the request up again, the loan was renewed or returned);
 * - not sent when it cannot be (no SMTP configured, no e-mail address), with the reason;
 * - otherwise marked SENDING, handed to the mail server with a Message-ID that is the same on every try, and
 *   marked SENT as soon as the server accepts it, before the job is reported done. A run of the job that finds it
 *   SENT sends nothing. The one window left is between the server's acceptance and our write of SENT (a crash, or
 *   the connection lost just as the server answered): the next try sends it again, with the same Message-ID
 *   (at least once, not exactly once; docs/notices.md).
 */
import { DEFAULT_HOLD_SHELF_DAYS, heldUntil } from '../domain/circulation/pickup.ts';
import { InterlendError, invalid, notFound, problemError } from '../domain/errors.ts';
import { validate } from '../domain/config/validate.ts';
import { NOTICE_SETTLED, NOTICE_STATUSES, type Notice, type NoticeStatus } from '../domain/notices/notice.ts';
import { patronDate, remindLoansDueBefore } from '../domain/notices/dates.ts';
import {
  DEFAULT_DAYS_BEFORE,
  DEFAULT_TEMPLATES,
  fillTemplate,
  isNoticeType,
  NOTICE_LABELS,
  NOTICE_PLACEHOLDERS,
  NOTICE_TYPES,
  type NoticeTemplate,
  noticeTemplateInputSchema,
  type NoticeType,
  type NoticeValues,
  PLACEHOLDERS,
  templateProblems,
} from '../domain/notices/templates.ts';
import { reasonForPatron } from '../domain/notices/triggers.ts';
import { BORROWING_STATUS } from '../domain/request/state-model.ts';
import type { MailerSetting } from './notice-mailer.ts';
import { dueSoonKey, JOB_NOTICE_DUE_SCAN, noticeJob, type NoticePayload } from './notice-queue.ts';
import type { Clock, IdSource, NewJob, NoticeQuery, Page, Repositories, SendAttempt, Storage } from './ports.ts';

export interface NoticeServiceDeps {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** The mail server, or why there is none (main.ts reads SMTP_URL, NOTICE_FROM, NOTICE_REPLY_TO). */
  readonly mail: MailerSetting;
  /** Days an item waits on the hold shelf (HOLD_SHELF_DAYS), for "kept until" when the lender sent no date. */
  readonly holdShelfDays?: number;
}

/** A template as staff see it: the stored text or the shipped one, with its placeholders explained. */
export interface NoticeTemplateView extends NoticeTemplate {
  readonly label: string;
  readonly placeholders: readonly { readonly name: string; readonly meaning: string }[];
  /** True while staff have not changed the shipped text. */
  readonly isDefault: boolean;
  readonly updatedAt: string | null;
  readonly updatedBy: string | null;
}

/** What a notice says, or why there is nothing to send. */
type Composed =
  | { readonly settle: 'SKIPPED' | 'NOT_SENT'; readonly reason: string; readonly patron?: string | null }
  | { readonly to: string; readonly subject: string; readonly body: string; readonly patron: string; readonly requestId: string | null; readonly loanId: string | null };

const HOUR_MS = 3_600_000;
const SCAN_BATCH = 500;

/** The hour a reminder scan belongs to: one scan an hour, whatever restarts happen in between. */
const hourOf = (instant: number) => new Date(Math.floor(instant / HOUR_MS) * HOUR_MS).toISOString();
const scanJob = (hour: string): NewJob => ({ type: JOB_NOTICE_DUE_SCAN, key: `notices:due-scan:${hour}`, payload: { hour }, runAt: hour });

export class NoticeService {
  constructor(private readonly deps: NoticeServiceDeps) {}

  /** Whether notices go out, and where (never the password), or why not. */
  sending(): { readonly sending: true; readonly server: string } | { readonly sending: false; readonly reason: string } {
    const mail = this.deps.mail;
    return 'mailer' in mail ? { sending: true, server: mail.mailer.description } : { sending: false, reason: mail.unavailable };
  }

  // --- templates ---------------------------------------------------------------------------------------------

  async templates(): Promise<NoticeTemplateView[]> {
    const stored = new Map((await this.deps.storage.read.noticeTemplates.all()).map((t) => [t.type, t]));
    return NOTICE_TYPES.map((type) => this.view(type, stored.get(type)));
  }

  async template(type: string): Promise<NoticeTemplateView> {
    const known = this.typeOf(type);
    return this.view(known, await this.deps.storage.read.noticeTemplates.get(known));
  }

  /** Saves a template: refused, with each problem at its field, when it names a placeholder the notice does not fill. */
  async saveTemplate(type: string, input: unknown, actor: string): Promise<NoticeTemplateView> {
    const known = this.typeOf(type);
    const parsed = validate(noticeTemplateInputSchema, input);
    if (!parsed.ok) throw invalid(parsed.problems);
    const problems = templateProblems(known, parsed.value);
    if (problems.length) throw invalid(problems);
    const daysBefore = known === 'DUE_SOON' ? (parsed.value.daysBefore ?? DEFAULT_DAYS_BEFORE) : null;
    await this.deps.storage.transaction((repos) =>
      repos.noticeTemplates.put({ type: known, enabled: parsed.value.enabled, subject: parsed.value.subject, body: parsed.value.body, daysBefore, updatedAt: this.deps.clock.now(), updatedBy: actor }),
    );
    return this.template(known);
  }

  /** Back to the text shipped with Interlend (switched on). */
  async resetTemplate(type: string): Promise<NoticeTemplateView> {
    const known = this.typeOf(type);
    await this.deps.storage.transaction((repos) => repos.noticeTemplates.delete(known));
    return this.template(known);
  }

  /**
   * The template filled with a sample request (no patron's data): the given text when staff are trying one out,
   * else the saved one. Unknown placeholders are refused here too, so a preview never hides a mistake.
   */
  async preview(type: string, input?: unknown): Promise<{ subject: string; body: string }> {
    const known = this.typeOf(type);
    let template: Pick<NoticeTemplate, 'subject' | 'body'> = await this.template(known);
    if (input !== undefined) {
      const parsed = validate(noticeTemplateInputSchema, input);
      if (!parsed.ok) throw invalid(parsed.problems);
      const problems = templateProblems(known, parsed.value);
      if (problems.length) throw invalid(problems);
      template = parsed.value;
    }
    return fillTemplate(template, await this.sampleValues());
  }

  recent(query: NoticeQuery): Promise<Page<Notice>> {
    return this.deps.storage.read.notices.recent(query);
  }

  // --- sending -----------------------------------------------------------------------------------------------

  /** Runs a `notice.send` job. A refusal for good parks the job (ILL_ERR_MAIL_REFUSED); anything else is tried again. */
  async runSend(payload: NoticePayload, attempt: SendAttempt = { number: 1, last: true }): Promise<void> {
    const now = this.deps.clock.now();
    const fresh: Notice = {
      id: this.deps.ids.newId(),
      key: payload.key,
      type: payload.type,
      status: 'PENDING',
      patron: null,
      recipient: null,
      subject: null,
      body: null,
      messageId: null,
      borrowingRequest: payload.requestId,
      loan: payload.loanId,
      reason: null,
      attempts: 0,
      createdAt: now,
      updatedAt: now,
      sentAt: null,
    };
    const notice = await this.deps.storage.transaction((repos) => repos.notices.insertOrGet(fresh));
    if (NOTICE_SETTLED.includes(notice.status)) return; // sent (or settled) by an earlier run: never twice

    const composed = await this.compose(payload);
    if ('settle' in composed) {
      await this.save({ ...notice, status: composed.settle, reason: composed.reason, patron: composed.patron ?? notice.patron, updatedAt: now });
      return;
    }
    const mail = this.deps.mail;
    if (!('mailer' in mail)) {
      await this.save({ ...notice, status: 'NOT_SENT', reason: mail.unavailable, patron: composed.patron, recipient: composed.to, subject: composed.subject, body: composed.body, updatedAt: now });
      return;
    }
    const messageId = notice.messageId ?? `<notice.${notice.id}@${mail.mailer.domain}>`;
    // An earlier try was handed to the server and its answer never recorded: it may have arrived. Said so.
    const again = notice.status === 'SENDING' ? 'an earlier try was handed to the mail server but its answer was not recorded; sent again with the same Message-ID' : null;
    const sending: Notice = {
      ...notice,
      status: 'SENDING',
      patron: composed.patron,
      recipient: composed.to,
      subject: composed.subject,
      body: composed.body,
      messageId,
      borrowingRequest: composed.requestId,
      loan: composed.loanId,
      reason: again,
      attempts: notice.attempts + 1,
      updatedAt: now,
    };
    await this.save(sending);
    const result = await mail.mailer.send({ to: composed.to, subject: composed.subject, text: composed.body, messageId });
    const after = this.deps.clock.now();
    if (result.ok) {
      await this.save({ ...sending, status: 'SENT', sentAt: after, updatedAt: after });
      return;
    }
    if (result.permanent) {
      await this.save({ ...sending, status: 'FAILED', reason: result.reason, updatedAt: after });
      throw new InterlendError('ILL_ERR_MAIL_REFUSED', result.reason);
    }
    await this.save({ ...sending, status: 'PENDING', reason: `try ${attempt.number} failed${attempt.last ? ' (the last)' : ', trying again later'}: ${result.reason}`, updatedAt: after });
    throw new InterlendError('ILL_ERR_MAIL_UNAVAILABLE', result.reason);
  }

  /** A send job the worker gave up on: the notice is recorded as failed with the reason (unless it went after all). */
  async sendParked(payload: NoticePayload, reason: string): Promise<void> {
    await this.deps.storage.transaction(async (repos) => {
      const notice = await repos.notices.byKey(payload.key);
      if (!notice || NOTICE_SETTLED.includes(notice.status)) return;
      await repos.notices.update({ ...notice, status: 'FAILED', reason: notice.status === 'FAILED' ? notice.reason : `given up after ${notice.attempts} tries: ${reason}`, updatedAt: this.deps.clock.now() });
    });
  }

  // --- the reminder scan -------------------------------------------------------------------------------------

  /** Makes sure a reminder scan is queued for this hour (at start: the scans then queue each other). */
  async scheduleDueScan(): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.storage.transaction((repos) => repos.jobs.enqueue({ ...scanJob(hourOf(Date.parse(now))), runAt: now }, this.deps.ids.newId(), now));
  }

  /**
   * Runs a `notice.due-scan` job: a reminder for each open loan to a patron due within the template's days (in the
   * institution's calendar), one per loan and due date — its key makes a second scan, or a scan after a restart,
   * queue nothing new, and a renewal's new due date a new reminder. The next scan is queued in the same
   * transaction. Returns how many reminders were queued.
   */
  async runDueScan(): Promise<number> {
    return this.deps.storage.transaction(async (repos) => {
      const now = this.deps.clock.now();
      await repos.jobs.enqueue(scanJob(hourOf(Date.parse(now) + HOUR_MS)), this.deps.ids.newId(), now);
      const template = await this.effective(repos, 'DUE_SOON');
      const timeZone = (await repos.institution.get())?.doc.timeZone ?? 'UTC';
      const dueBefore = remindLoansDueBefore(now, template.daysBefore ?? DEFAULT_DAYS_BEFORE, timeZone);
      let queued = 0;
      for (let offset = 0; ; offset += SCAN_BATCH) {
        const page = await repos.circulation.loans({ status: 'OPEN', dueFrom: now, dueBefore, limit: SCAN_BATCH, offset });
        // Loans to a partner's pseudopatron (`partner:CODE`, lending through ILLiad) have no patron to tell.
        const jobs = page.items
          .filter((loan) => !loan.borrower.startsWith('partner:'))
          .map((loan) => ({
            job: noticeJob({ type: 'DUE_SOON', key: dueSoonKey(loan.id, loan.dueDate), requestId: null, loanId: loan.id, dueDate: loan.dueDate, endedAs: null }),
            id: this.deps.ids.newId(),
          }));
        queued += await repos.jobs.enqueueAll(jobs, now);
        if (page.items.length < SCAN_BATCH) return queued;
      }
    });
  }

  /** A scan job the worker gave up on: the next hour's is queued all the same, so reminders do not stop. */
  async scanParked(): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.storage.transaction((repos) => repos.jobs.enqueue(scanJob(hourOf(Date.parse(now) + HOUR_MS)), this.deps.ids.newId(), now));
  }

  // --- helpers -----------------------------------------------------------------------------------------------

  private typeOf(type: string): NoticeType {
    if (!isNoticeType(type)) throw notFound(`notice type ${type} (there are ${NOTICE_TYPES.join(', ')})`);
    return type;
  }

  private view(type: NoticeType, stored: (NoticeTemplate & { updatedAt: string; updatedBy: string }) | undefined): NoticeTemplateView {
    const template = stored ?? DEFAULT_TEMPLATES[type];
    return {
      type,
      label: NOTICE_LABELS[type],
      enabled: template.enabled,
      subject: template.subject,
      body: template.body,
      daysBefore: type === 'DUE_SOON' ? (template.daysBefore ?? DEFAULT_DAYS_BEFORE) : null,
      placeholders: NOTICE_PLACEHOLDERS[type].map((name) => ({ name, meaning: PLACEHOLDERS[name] })),
      isDefault: !stored,
      updatedAt: stored?.updatedAt ?? null,
      updatedBy: stored?.updatedBy ?? null,
    };
  }

  private async effective(repos: Repositories, type: NoticeType): Promise<NoticeTemplate> {
    return (await repos.noticeTemplates.get(type)) ?? DEFAULT_TEMPLATES[type];
  }

  private save(notice: Notice): Promise<void> {
    return this.deps.storage.transaction((repos) => repos.notices.update(notice));
  }

  private async libraryName(repos: Repositories, code: string): Promise<string> {
    return (await repos.config('libraries').findByKey(code))?.doc.name ?? code;
  }

  /** What the notice says to whom, read now (the template, the request or loan, the patron), or why nothing goes. */
  private async compose(payload: NoticePayload): Promise<Composed> {
    const repos = this.deps.storage.read;
    const label = NOTICE_LABELS[payload.type];
    const template = await this.effective(repos, payload.type);
    if (!template.enabled) return { settle: 'SKIPPED', reason: `the “${label}” notice is switched off` };
    const institution = (await repos.institution.get())?.doc;
    const timeZone = institution?.timeZone ?? 'UTC';
    const values: NoticeValues = { institutionName: institution?.name ?? null };
    let patronId: string;
    let requestId: string | null = payload.requestId;
    const loanId = payload.loanId;

    if (payload.type === 'DUE_SOON') {
      const loan = loanId ? await repos.circulation.getLoan(loanId) : undefined;
      if (!loan || loan.status !== 'OPEN') return { settle: 'SKIPPED', reason: 'the loan ended before the reminder went out' };
      if (payload.dueDate && loan.dueDate !== payload.dueDate) return { settle: 'SKIPPED', reason: `the due date changed (now ${loan.dueDate}); the new one gets its own reminder` };
      const item = await repos.circulation.getItem(loan.item);
      requestId = item?.borrowingRequest ?? null;
      patronId = loan.borrower;
      Object.assign(values, { title: item?.title ?? null, author: item?.author ?? null, dueDate: patronDate(loan.dueDate, timeZone) });
    } else {
      const request = requestId ? await repos.borrowing.get(requestId) : undefined;
      if (!request) return { settle: 'SKIPPED', reason: `request ${requestId ?? '(none)'} does not exist` };
      patronId = request.patron;
      Object.assign(values, { title: request.citation.title, author: request.citation.author });
      if (payload.type === 'READY_FOR_PICKUP') {
        if (request.status !== 'PHYSICALLY_RECEIVED_BY_LIBRARY') {
          return { settle: 'SKIPPED', reason: `the request is now ${BORROWING_STATUS.labels[request.status]}: the item no longer waits on the hold shelf`, patron: patronId };
        }
        const hold = await this.holdOf(repos, request.id);
        Object.assign(values, {
          pickupLibrary: await this.libraryName(repos, hold?.pickupLibrary ?? request.pickupLibrary),
          holdUntil: hold ? patronDate(heldUntil(hold, hold.dueBack, this.deps.holdShelfDays ?? DEFAULT_HOLD_SHELF_DAYS, timeZone), timeZone) : null,
          title: hold?.title ?? request.citation.title,
          author: hold?.author ?? request.citation.author,
        });
      } else {
        if (payload.endedAs && request.status !== payload.endedAs) {
          return { settle: 'SKIPPED', reason: `the request is now ${BORROWING_STATUS.labels[request.status]}: staff took it up again`, patron: patronId };
        }
        values.reason = reasonForPatron(payload.endedAs);
      }
    }
    values.requestId = requestId;
    const patron = (await repos.config('patrons').findByKey(patronId))?.doc;
    if (!patron) return { settle: 'NOT_SENT', reason: `patron ${patronId} does not exist`, patron: patronId };
    if (!patron.email) return { settle: 'NOT_SENT', reason: `patron ${patronId} has no e-mail address`, patron: patronId };
    values.patronName = `${patron.firstName} ${patron.lastName}`;
    const filled = fillTemplate(template, values);
    return { to: patron.email, subject: filled.subject, body: filled.body, patron: patronId, requestId, loanId };
  }

  /** The request's item on the hold shelf: where it waits and until when, and its title as the lender gave it. */
  private async holdOf(repos: Repositories, requestId: string) {
    const items = (await repos.circulation.items({ borrowingRequest: requestId, limit: 20, offset: 0 })).items;
    for (const item of items) {
      const hold = (await repos.circulation.holdsOfItem(item.id)).find((h) => h.status === 'ON_SHELF');
      if (hold) return { ...hold, title: item.title, author: item.author, dueBack: item.dueBack };
    }
    return undefined;
  }

  /** The preview's request: made up (no patron's data), in the institution's zone and with a real pickup library. */
  private async sampleValues(): Promise<NoticeValues> {
    const repos = this.deps.storage.read;
    const institution = (await repos.institution.get())?.doc;
    const timeZone = institution?.timeZone ?? 'UTC';
    const pickup = (await repos.config('libraries').all()).find((l) => l.doc.isPickup)?.doc.name ?? 'Main Library';
    const now = Date.parse(this.deps.clock.now());
    return {
      patronName: 'Alex Sample',
      title: 'The Problem of Pain',
      author: 'C. S. Lewis',
      requestId: 'SAMPLE-0001',
      institutionName: institution?.name ?? 'Your Library',
      pickupLibrary: pickup,
      holdUntil: patronDate(new Date(now + 7 * 24 * HOUR_MS).toISOString(), timeZone),
      dueDate: patronDate(new Date(now + 3 * 24 * HOUR_MS).toISOString(), timeZone),
      reason: reasonForPatron('EXPIRED'),
    };
  }
}

/** Statuses a list of notices may be filtered by. */
export function noticeStatusOf(value: string | undefined): NoticeStatus | undefined {
  if (value === undefined) return undefined;
  const statuses: readonly string[] = NOTICE_STATUSES;
  if (!statuses.includes(value)) throw problemError('ILL_ERR_BAD_REQUEST', [{ path: 'status', message: `${JSON.stringify(value)} is not a notice status: use ${statuses.join(', ')}` }]);
  return value as NoticeStatus;
}
