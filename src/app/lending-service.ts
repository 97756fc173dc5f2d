/**
 * Lending to peers over ISO 18626 (issue 6, the supplier side). A configured ISO 18626 partner's Request becomes a
 * lending request; staff answer it (will supply, conditional, reject, ship, check in, cancel), and the borrower's
 * RequestingAgencyMessages (Received, ShippedReturn, Cancel, Renew, StatusRequest, Notification) move it. Whatever
 * we have to tell the borrower is a SupplyingAgencyMessage queued in the request's outbox and sent by a job
 * written in the same transaction as the change, so it is neither lost nor sent before the change is stored, and
 * messages go out in the order they were made (see `runSend`).
 *
 * Peers are authenticated as on the borrowing side (peer-auth.ts): the requesting agency id must be a configured
 * ISO 18626 partner's and the shared secret must match when the partner has one. A borrower reaches only its own
 * requests: a request is looked up by the sender's symbol and its own request id, never by an id alone.
 */
import { resolveEnv, type Env } from '../domain/config/env-refs.ts';
import { InterlendError, notFound, problemError } from '../domain/errors.ts';
import {
  applyLendingAction,
  dueDateAfter,
  matchHoldings,
  type LenderMessage,
  type LendingCitation,
  type LendingRequest,
  parseDueDate,
  queueMessage,
  renewedDueDate,
} from '../domain/request/lending-request.ts';
import { allowedActions, LENDING_MODEL, LENDING_STATUS, type LendingStatus } from '../domain/request/state-model.ts';
import { ConfigCache } from './config-snapshot.ts';
import { notePartnerCall } from './partner-health.ts';
import { carriesSecret, comesFromItsAddress, type HostResolver, isIsoPartner, type IsoPartner, isoPartnerBySymbol, ourAgencyId, secretOf } from './peer-auth.ts';
import type { PeerConnector } from './peer-connection.ts';
import type { Clock, IdSource, LendingHistoryEntry, LendingListQuery, Page, Repositories, SendAttempt, Storage } from './ports.ts';

export const JOB_LENDING_SEND = 'lending.send-message';
/** The loan period when staff give no due date and none is configured (LENDING_LOAN_PERIOD_DAYS). */
export const DEFAULT_LOAN_PERIOD_DAYS = 28;
/** What a reject says when staff give only a reason (ISO 18626 reasonUnfilled is an open list in v1.2). */
export const DEFAULT_REASON_UNFILLED = 'NotAvailableForILL';

const MAX_SAVE_TRIES = 3;
/** At most this many messages per run of the send job (a backlog is rare; the next job takes the rest). */
const MAX_MESSAGES_PER_RUN = 20;

/** An agency id as a peer's message carried it. */
export interface IncomingAgency {
  readonly type: string | null;
  readonly value: string;
}

/** An ISO 18626 Request, as the protocol edge read it. */
export interface IncomingLendingRequest {
  /** The shared-secret header as received, if any. */
  readonly sharedSecret?: string | null;
  /** The IP address the message came from, when it came over HTTP. */
  readonly sourceAddress?: string | null;
  readonly requester: IncomingAgency | null;
  readonly supplier: IncomingAgency | null;
  readonly requesterRequestId: string | null;
  /** New, Retry or Reminder (ISO 18626 requestType); null when not sent. */
  readonly requestType: string | null;
  readonly citation: LendingCitation;
  readonly serviceType: string | null;
  readonly serviceLevel: string | null;
  readonly needBefore: string | null;
  readonly note: string | null;
  readonly patronReference: string | null;
  /** A digest of the whole message without its timestamp, made by the protocol edge: equal for an exact repeat. */
  readonly fingerprint: string;
}

/** An ISO 18626 RequestingAgencyMessage, as the protocol edge read it. */
export interface IncomingRequesterMessage {
  readonly sharedSecret?: string | null;
  readonly sourceAddress?: string | null;
  readonly requester: IncomingAgency | null;
  readonly supplier: IncomingAgency | null;
  readonly requesterRequestId: string | null;
  readonly supplierRequestId: string | null;
  readonly action: string | null;
  readonly note: string | null;
}

/** What staff may add to an action. */
export interface LendingActionInput {
  /** Why (a reject, a cancel) or the conditions (conditional); the note the borrower reads. */
  readonly reason?: string | undefined;
  /** ship-physically: `YYYY-MM-DD` or a date-time; default today plus the loan period. */
  readonly dueDate?: string | undefined;
  /** reject: the ISO 18626 reasonUnfilled code (NotHeld, NotOnShelf, PolicyProblem, …). */
  readonly reasonUnfilled?: string | undefined;
  /** ship-physically / ship-digitally: the item's barcode, or the copy's address. */
  readonly itemId?: string | undefined;
}

/**
 * The auto-responder (issue 6, item 3): a Request for something our holdings do not have is answered Unfilled
 * (reasonUnfilled NotHeld) at once, by the system; the others wait for staff as usual. `holdings` says what we
 * have; a static list (holdingsSet in the domain) is what main.ts wires from LENDING_HOLDINGS_FILE.
 */
export interface LendingAutoResponder {
  readonly holdings: ReadonlySet<string>;
}

export interface LendingServiceDeps {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly env: Env;
  readonly connect: PeerConnector;
  /** The loan period for due dates and renewals (default DEFAULT_LOAN_PERIOD_DAYS). */
  readonly loanPeriodDays?: number;
  /** When set, Requests for what we do not hold are answered Unfilled at once. */
  readonly autoResponder?: LendingAutoResponder;
  /** DNS, for checking that a peer without a shared secret writes from its configured address. */
  readonly resolveHost?: HostResolver;
}

type HistoryLine = Omit<LendingHistoryEntry, 'id' | 'requestId' | 'at'>;

interface Change {
  readonly request: LendingRequest;
  readonly history: readonly HistoryLine[];
}

/** The ISO 18626 status (type_status) a lending status is, for StatusRequestResponse and a refused Cancel or Renew. */
function isoStatusOf(request: LendingRequest): string {
  const statuses: Record<LendingStatus, string> = {
    CREATED: 'RequestReceived',
    BEING_PROCESSED: 'ExpectToSupply',
    WILL_SUPPLY: 'WillSupply',
    // Our conditional offer went out as ExpectToSupply with the conditions in its note (see `staffMessage`).
    CONDITIONAL: 'ExpectToSupply',
    SHIPPED_PHYSICALLY: 'Loaned',
    RECEIVED_BY_PARTNER: 'Loaned',
    // Still on loan to the borrower until we check it in (ISO 18626: LoanCompleted follows the ShippedReturn).
    RETURNED_BY_PARTNER: 'Loaned',
    SHIPPED_DIGITALLY: 'CopyCompleted',
    REQUEST_COMPLETED: request.dueDate === null ? 'CopyCompleted' : 'LoanCompleted',
    REJECTED: 'Unfilled',
    CANCELLED: 'Cancelled',
    EXPIRED: 'Unfilled',
  };
  return statuses[request.status];
}

/**
 * The note of a conditional offer. The wording is Alma's and crosslink's (protocols.md §3.2: "Conditions pending
 * approval, please respond ACCEPT or REJECT"), which Alma shows to its staff and Interlend borrowers read as a
 * conditional offer (shims.ts).
 */
export const CONDITIONS_NOTE = 'Conditions pending approval, please respond ACCEPT or REJECT';

const DUPLICATE = (id: string) => problemError('ILL_ERR_DUPLICATE', [{ path: 'requestingAgencyRequestId', message: `duplicate request id ${id}: a different request with this id was received before` }]);

export class LendingService {
  private readonly configCache = new ConfigCache();

  constructor(private readonly deps: LendingServiceDeps) {}

  /** What ship-physically uses when staff give no due date: today plus the loan period (shown on the staff page). */
  defaultDueDate(): { readonly dueDate: string; readonly loanPeriodDays: number } {
    return { dueDate: dueDateAfter(this.deps.clock.now(), this.loanPeriodDays), loanPeriodDays: this.loanPeriodDays };
  }

  private get loanPeriodDays(): number {
    return this.deps.loanPeriodDays ?? DEFAULT_LOAN_PERIOD_DAYS;
  }

  // ---- the borrower's messages ---------------------------------------------------------------------------------

  /**
   * A peer's Request: a new lending request (Created), or, for an exact repeat (or a Reminder) of one we have,
   * nothing new. Refused (InterlendError) when the sender is not a partner we lend to, the shared secret is
   * wrong, the request is addressed to another library, or the id was used before for a different request.
   */
  async receiveRequest(incoming: IncomingLendingRequest): Promise<{ readonly request: LendingRequest; readonly repeat: boolean }> {
    const partner = await this.authenticate(this.deps.storage.read, incoming, { newRequest: true });
    const theirId = incoming.requesterRequestId?.trim();
    if (!theirId) throw problemError('ILL_ERR_VALIDATION', [{ path: 'header.requestingAgencyRequestId', message: 'is missing' }]);
    if (incoming.serviceType !== null && !['Loan', 'Copy', 'CopyOrLoan'].includes(incoming.serviceType)) {
      throw problemError('ILL_ERR_VALIDATION', [{ path: 'serviceInfo.serviceType', message: `${incoming.serviceType} is not Loan, Copy or CopyOrLoan` }]);
    }
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.deps.storage.transaction(async (repos) => {
        const existing = await repos.lending.byRequester(partner.iso18626.agencyIdValue, theirId);
        if (existing) return { existing };
        const now = this.deps.clock.now();
        const request: LendingRequest = {
          id: this.deps.ids.newId(),
          status: 'CREATED',
          requester: { partner: partner.code, agencyIdType: partner.iso18626.agencyIdType, agencyIdValue: partner.iso18626.agencyIdValue },
          requesterRequestId: theirId,
          citation: incoming.citation,
          serviceType: incoming.serviceType,
          serviceLevel: incoming.serviceLevel,
          needBefore: incoming.needBefore,
          requesterNote: incoming.note,
          patronReference: incoming.patronReference,
          dueDate: null,
          conditions: null,
          renewals: 0,
          itemId: null,
          statusReason: null,
          fingerprint: incoming.fingerprint,
          answered: false,
          outbox: [],
          messageSeq: 0,
          createdAt: now,
          updatedAt: now,
          version: 1,
        };
        // Two copies of one Request at the same moment: the unique key lets one in; the other reads it next round.
        if (!(await repos.lending.insert(request))) return { raced: true as const };
        const why = `${partner.code} asks to borrow (its request ${theirId})${incoming.requestType && incoming.requestType !== 'New' ? `, requestType ${incoming.requestType}` : ''}`;
        await this.record(repos, request, [{ actor: `partner:${partner.code}`, action: 'create', fromStatus: null, toStatus: 'CREATED', reason: why, partner: partner.code }], []);
        const answered = await this.autoRespond(repos, request, now);
        return { created: answered ?? request };
      });
      if ('created' in outcome && outcome.created) return { request: outcome.created, repeat: false };
      if ('existing' in outcome && outcome.existing) {
        // An exact repeat (a peer that did not get our confirmation sends again) or a Reminder is answered OK.
        if (outcome.existing.fingerprint === incoming.fingerprint || incoming.requestType === 'Reminder') {
          return { request: outcome.existing, repeat: true };
        }
        throw DUPLICATE(theirId);
      }
      if (attempt >= MAX_SAVE_TRIES) throw new InterlendError('ILL_ERR_CONFLICT', `request ${theirId} of ${partner.code} arrived twice at once; send it again`);
    }
  }

  /**
   * A peer's RequestingAgencyMessage about one of its lending requests with us. What it does to the request, and
   * what we answer with a SupplyingAgencyMessage (protocols.md §8.2):
   * - Received → Received by partner; ShippedReturn → Returned by partner (our LoanCompleted follows check-in);
   * - Cancel → Cancelled and CancelResponse Y while we have not shipped, else CancelResponse N;
   * - Renew → a new due date (the loan period again) and RenewResponse Y while the item is out, else N;
   * - StatusRequest → StatusRequestResponse with where the request stands;
   * - Notification → kept in the history; `ACCEPT…` while our offer is conditional accepts the conditions.
   * An action that does not fit the request's status is refused (ILL_ERR_INVALID_TRANSITION), an action we do not
   * handle (ShippedForward, the 2021 HoldReturn and Lost, anything else) is ILL_ERR_UNSUPPORTED_SERVICE. Repeats
   * of Received and ShippedReturn are accepted and change nothing (a peer that missed our confirmation resends).
   */
  async receiveRequesterMessage(incoming: IncomingRequesterMessage): Promise<LendingRequest> {
    const partner = await this.authenticate(this.deps.storage.read, incoming, { newRequest: false });
    const theirId = incoming.requesterRequestId?.trim();
    if (!theirId) throw problemError('ILL_ERR_UNKNOWN_REQUEST', [{ path: 'header.requestingAgencyRequestId', message: 'is missing' }]);
    const found = await this.deps.storage.read.lending.byRequester(partner.iso18626.agencyIdValue, theirId);
    // Only the sender's own requests: another requester's request with the same id is not found under this symbol.
    if (!found) throw problemError('ILL_ERR_UNKNOWN_REQUEST', [{ path: 'header.requestingAgencyRequestId', message: `${partner.code} has no request ${theirId} with us` }]);
    const ours = incoming.supplierRequestId?.trim();
    if (ours && ours !== found.id) {
      throw problemError('ILL_ERR_UNKNOWN_REQUEST', [{ path: 'header.supplyingAgencyRequestId', message: `${ours} is not our id for ${partner.code}'s request ${theirId} (that is ${found.id})` }]);
    }
    const action = incoming.action?.trim() ?? '';
    const note = incoming.note?.trim() || null;
    const actor = `partner:${partner.code}`;
    return this.change(found.id, async (request) => {
      const now = this.deps.clock.now();
      const line = (what: string, to: LendingStatus, reason: string | null): HistoryLine => ({ actor, action: what, fromStatus: request.status, toStatus: to, reason, partner: partner.code });
      const heard = `${action}${note ? `: ${note}` : ''}`;
      switch (action) {
        case 'Received':
        case 'ShippedReturn': {
          const modelAction = action === 'Received' ? 'received' : 'returned';
          const already: LendingStatus[] = action === 'Received' ? ['RECEIVED_BY_PARTNER', 'RETURNED_BY_PARTNER', 'REQUEST_COMPLETED'] : ['RETURNED_BY_PARTNER', 'REQUEST_COMPLETED'];
          if (already.includes(request.status)) return { request, history: [line('message', request.status, `${heard} (again; nothing changes)`)] };
          const step = this.partnerStep(request, action, modelAction, now, note);
          return { request: step.request, history: [line(modelAction, step.to, note)] };
        }
        case 'Cancel': {
          const allowed = allowedActions(LENDING_MODEL, request.status, 'partner').includes('cancel');
          if (!allowed) {
            const queued = this.queue(request, { reasonForMessage: 'CancelResponse', status: isoStatusOf(request), answerYesNo: 'N', note: `cannot cancel: the request is ${LENDING_STATUS.labels[request.status]}`, at: now, cause: 'Cancel refused' });
            return { request: queued, history: [line('cancel-refused', request.status, heard)] };
          }
          const step = this.step(request, 'cancel', 'partner', now, note ?? 'the borrower cancelled');
          const queued = this.queue(step.request, { reasonForMessage: 'CancelResponse', status: 'Cancelled', answerYesNo: 'Y', at: now, cause: 'cancel' });
          return { request: queued, history: [line('cancel', step.to, note)] };
        }
        case 'Renew': {
          if (!allowedActions(LENDING_MODEL, request.status, 'partner').includes('renew')) {
            const queued = this.queue(request, { reasonForMessage: 'RenewResponse', status: isoStatusOf(request), answerYesNo: 'N', note: `cannot renew: the request is ${LENDING_STATUS.labels[request.status]}`, dueDate: this.outDueDate(request), at: now, cause: 'Renew refused' });
            return { request: queued, history: [line('renew-refused', request.status, heard)] };
          }
          const dueDate = renewedDueDate(request.dueDate, now, this.loanPeriodDays);
          const step = this.step(request, 'renew', 'partner', now, note);
          const renewed = { ...step.request, dueDate, renewals: request.renewals + 1 };
          const queued = this.queue(renewed, { reasonForMessage: 'RenewResponse', status: 'Loaned', answerYesNo: 'Y', dueDate, at: now, cause: 'renew' });
          return { request: queued, history: [line('renew', step.to, `${note ? `${note}; ` : ''}due ${request.dueDate ?? '(none)'} → ${dueDate}`)] };
        }
        case 'StatusRequest': {
          const queued = this.queue(request, { reasonForMessage: 'StatusRequestResponse', status: isoStatusOf(request), dueDate: this.outDueDate(request), at: now, cause: 'StatusRequest' });
          return { request: queued, history: [line('message', request.status, heard)] };
        }
        case 'Notification': {
          // The answer to our conditional offer (protocols.md §8.2: the requester accepts with a Notification).
          if (request.status === 'CONDITIONAL' && /^\s*ACCEPT\b/i.test(note ?? '')) {
            const step = this.step(request, 'condition-accepted', 'partner', now, note);
            const queued = this.queue(step.request, { reasonForMessage: 'StatusChange', status: 'WillSupply', note: 'conditions accepted', at: now, cause: 'condition-accepted' });
            return { request: queued, history: [line('condition-accepted', step.to, note)] };
          }
          if (request.status === 'CONDITIONAL' && /^\s*REJECT\b/i.test(note ?? '')) {
            const step = this.step(request, 'cancel', 'partner', now, `the borrower rejected the conditions${note ? ` (${note})` : ''}`);
            return { request: step.request, history: [line('cancel', step.to, heard)] };
          }
          return { request, history: [line('message', request.status, heard)] };
        }
        default:
          throw problemError('ILL_ERR_UNSUPPORTED_SERVICE', [{ path: 'action', message: action ? `${action} is not handled by this library` : 'is missing' }]);
      }
    });
  }

  /**
   * The auto-responder, inside the creating transaction: not held → Rejected by the system, and an Unfilled
   * (NotHeld) queued for the borrower, saved as the request's second version. Held (or no auto-responder): nothing.
   */
  private async autoRespond(repos: Repositories, request: LendingRequest, now: string): Promise<LendingRequest | undefined> {
    const auto = this.deps.autoResponder;
    if (!auto) return undefined;
    const match = matchHoldings(request.citation, auto.holdings);
    if (match.holds) return undefined;
    const reason = `not held: ${match.reason}`;
    const step = this.step(request, 'reject', 'system', now, reason);
    const queued = this.queue(step.request, { reasonForMessage: 'RequestResponse', status: 'Unfilled', reasonUnfilled: 'NotHeld', note: 'not held by this library', at: now, cause: 'auto-responder' });
    const next: LendingRequest = { ...queued, version: request.version + 1, updatedAt: now };
    if (!(await repos.lending.update(next))) throw new InterlendError('ILL_ERR_CONFLICT', `lending request ${request.id} changed while it was being made; send the Request again`);
    await this.record(repos, next, [{ actor: 'system', action: 'reject', fromStatus: step.from, toStatus: step.to, reason: `auto-responder: ${reason}`, partner: request.requester.partner }], next.outbox.map((m) => m.seq));
    return next;
  }

  // ---- staff ---------------------------------------------------------------------------------------------------

  async get(id: string): Promise<{ request: LendingRequest; history: LendingHistoryEntry[]; allowedActions: string[] }> {
    const request = await this.deps.storage.read.lending.get(id);
    if (!request) throw notFound(`lending request ${id}`);
    return { request, history: await this.deps.storage.read.lending.history(id), allowedActions: allowedActions(LENDING_MODEL, request.status, 'staff') };
  }

  list(query: LendingListQuery): Promise<Page<LendingRequest>> {
    return this.deps.storage.read.lending.list(query);
  }

  /** A staff action of the lending state model; what changes the borrower's view is sent to it (`staffMessage`). */
  async act(id: string, action: string, actor: string, input: LendingActionInput = {}): Promise<LendingRequest> {
    return this.change(id, async (request) => {
      const now = this.deps.clock.now();
      const reason = input.reason?.trim() || undefined;
      const step = this.step(request, action, 'staff', now, reason);
      let next = step.request;
      if (action === 'ship-physically') {
        next = { ...next, dueDate: this.dueDateFrom(input.dueDate, now), itemId: input.itemId?.trim() || null };
      } else if (action === 'ship-digitally') {
        next = { ...next, itemId: input.itemId?.trim() || null };
      } else if (action === 'conditional') {
        next = { ...next, conditions: reason ?? null };
      }
      const message = this.staffMessage(request, next, action, input, now);
      const queued = message ? this.queue(next, message) : next;
      const said = action === 'ship-physically' ? [reason, `due ${next.dueDate}`].filter(Boolean).join('; ') : (reason ?? null);
      return { request: queued, history: [{ actor, action, fromStatus: step.from, toStatus: step.to, reason: said, partner: request.requester.partner }] };
    });
  }

  /**
   * What a staff action tells the borrower (protocols.md §8.2 reason/status pairs). Our first answer is a
   * RequestResponse, later ones StatusChange. A conditional offer is a Notification with status ExpectToSupply and
   * the conditions in the note (Alma's and crosslink's convention, protocols.md §3.2: a WillSupply with a
   * loanCondition is read as unconditional by peers that ignore loanCondition).
   */
  private staffMessage(before: LendingRequest, after: LendingRequest, action: string, input: LendingActionInput, now: string): Omit<LenderMessage, 'seq'> | null {
    const reasonForMessage = before.answered ? 'StatusChange' : 'RequestResponse';
    const note = input.reason?.trim() || null;
    const base = { answerYesNo: null, reasonUnfilled: null, dueDate: null, shipped: null, at: now, cause: action } as const;
    switch (action) {
      case 'process':
        return { ...base, reasonForMessage, status: 'ExpectToSupply', note };
      case 'will-supply':
        return { ...base, reasonForMessage, status: 'WillSupply', note };
      case 'conditional':
        return { ...base, reasonForMessage: 'Notification', status: 'ExpectToSupply', note: `${CONDITIONS_NOTE}. Conditions: ${after.conditions ?? ''}` };
      case 'reject':
        return { ...base, reasonForMessage, status: 'Unfilled', note, reasonUnfilled: this.reasonUnfilled(input.reasonUnfilled) };
      case 'ship-physically':
        return { ...base, reasonForMessage, status: 'Loaned', note, dueDate: after.dueDate, shipped: { at: now, itemId: after.itemId, sentVia: 'Mail', conditions: after.conditions } };
      case 'ship-digitally':
        return { ...base, reasonForMessage, status: 'CopyCompleted', note, shipped: { at: now, itemId: after.itemId, sentVia: 'URL', conditions: null } };
      case 'check-in':
        return { ...base, reasonForMessage: 'StatusChange', status: 'LoanCompleted', note };
      case 'cancel':
        return { ...base, reasonForMessage, status: 'Cancelled', note };
      default:
        return null; // complete (after a copy): the borrower has heard CopyCompleted already
    }
  }

  private reasonUnfilled(code: string | undefined): string {
    const given = code?.trim();
    if (!given) return DEFAULT_REASON_UNFILLED;
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(given)) throw problemError('ILL_ERR_VALIDATION', [{ path: 'reasonUnfilled', message: `${JSON.stringify(given)} is not a code such as NotHeld, NotOnShelf or PolicyProblem` }]);
    return given;
  }

  private dueDateFrom(given: string | undefined, now: string): string {
    if (given === undefined || given.trim() === '') return dueDateAfter(now, this.loanPeriodDays);
    const due = parseDueDate(given);
    if (due === undefined) throw problemError('ILL_ERR_VALIDATION', [{ path: 'dueDate', message: `${JSON.stringify(given)} is not a date: use YYYY-MM-DD or a date-time with its zone` }]);
    if (due.slice(0, 10) < now.slice(0, 10)) throw problemError('ILL_ERR_VALIDATION', [{ path: 'dueDate', message: `${given} is in the past` }]);
    return due;
  }

  /** The due date to tell while the item is out, else nothing. */
  private outDueDate(request: LendingRequest): string | null {
    return ['SHIPPED_PHYSICALLY', 'RECEIVED_BY_PARTNER', 'RETURNED_BY_PARTNER'].includes(request.status) ? request.dueDate : null;
  }

  // ---- sending to the borrower ---------------------------------------------------------------------------------

  /**
   * Runs a send job: the request's outbox, oldest first, to the borrower's configured address (never to an
   * address a message named). A confirmed message leaves the outbox, with a history line; a refused one (ERROR
   * confirmation) leaves it too, with the refusal in the history (sending it again would be refused again). A
   * borrower that cannot be reached keeps the message and everything after it queued, and the job runs again with
   * backoff (ILL_ERR_PARTNER_UNAVAILABLE), until the worker parks it for staff to retry. Whichever job of the
   * request runs first sends everything queued, so jobs of one request can run in any order and still deliver in
   * order; each message is sent at least once (twice only if we fail between the borrower's confirmation and our
   * save).
   */
  async runSend(payload: { requestId: string }, attempt: SendAttempt = { number: 1, last: true }): Promise<void> {
    // After a delivery the saved request is the one to go on with: no second read to find the outbox empty.
    let request = await this.deps.storage.read.lending.get(payload.requestId);
    for (let sent = 0; sent < MAX_MESSAGES_PER_RUN; sent++) {
      const message = request?.outbox[0];
      if (!request || !message) return;
      const config = await this.configCache.get(this.deps.storage.read);
      const partner = config.partners.get(request.requester.partner);
      if (!partner || !isIsoPartner(partner)) {
        request = await this.delivered(request.id, message.seq, [`${message.reasonForMessage} ${message.status} not sent: partner ${request.requester.partner} no longer exists or no longer speaks ISO 18626`]);
        continue;
      }
      const calls: string[] = [];
      try {
        const url = resolveEnv(partner.iso18626.url, this.deps.env);
        if (url.value === undefined) throw new InterlendError('ILL_ERR_PARTNER_UNAVAILABLE', `its ISO 18626 address names ${url.unset.join(', ')}, which is not set in the server's environment`);
        const confirmation = await this.deps.connect(url.value, { onCall: (line) => calls.push(line), sharedSecret: secretOf(partner, this.deps.env) }).sendSupplierMessage({
          requester: { type: request.requester.agencyIdType, value: request.requester.agencyIdValue },
          supplier: ourAgencyId(config.institution),
          requesterRequestId: request.requesterRequestId,
          supplierRequestId: request.id,
          reasonForMessage: message.reasonForMessage,
          status: message.status,
          answerYesNo: message.answerYesNo,
          note: message.note,
          reasonUnfilled: message.reasonUnfilled,
          dueDate: message.dueDate,
          lastChange: message.at,
          delivery: message.shipped && { dateSent: message.shipped.at, itemId: message.shipped.itemId, sentVia: message.shipped.sentVia, loanCondition: message.shipped.conditions },
        });
        if (!confirmation.ok) calls.push(`${partner.code} refused ${message.reasonForMessage} ${message.status} (${message.cause}): ${confirmation.errorType}${confirmation.errorValue ? ` (${confirmation.errorValue})` : ''}`);
        request = await this.delivered(request.id, message.seq, calls, partner.code);
      } catch (error) {
        if (!(error instanceof InterlendError && error.code === 'ILL_ERR_PARTNER_UNAVAILABLE')) throw error;
        const lines = [...calls, `${partner.code} could not be told ${message.reasonForMessage} ${message.status} (try ${attempt.number}${attempt.last ? ', the last: the job waits for staff to retry it' : ''}): ${error.message}`];
        await this.change(request!.id, async (current, repos) => {
          await notePartnerCall(repos, partner.code, { unavailable: error.message }, this.deps.clock.now());
          return { request: current, history: lines.map((reason) => this.systemLine(current, reason)) };
        });
        throw error;
      }
    }
  }

  /** Takes a message out of the outbox, with the history lines of its sending (`answeredBy`: the partner confirmed). */
  private delivered(id: string, seq: number, lines: readonly string[], answeredBy?: string): Promise<LendingRequest> {
    return this.change(id, async (request, repos) => {
      if (answeredBy) await notePartnerCall(repos, answeredBy, { answered: true }, this.deps.clock.now());
      return {
        request: { ...request, outbox: request.outbox.filter((m) => m.seq !== seq) },
        history: lines.map((reason) => this.systemLine(request, reason)),
      };
    });
  }

  private systemLine(request: LendingRequest, reason: string): HistoryLine {
    return { actor: 'system', action: 'partner-call', fromStatus: request.status, toStatus: request.status, reason, partner: request.requester.partner };
  }

  // ---- plumbing ------------------------------------------------------------------------------------------------

  /**
   * The partner the message is from: its requesting agency id must be a configured ISO 18626 partner's, and carry
   * its shared secret when it has one. A new Request also needs the partner to be Active and to have lending on
   * (Supports Lending), and to be addressed to us when it names a supplier.
   */
  private async authenticate(
    repos: Repositories,
    incoming: { readonly requester: IncomingAgency | null; readonly supplier: IncomingAgency | null; readonly sharedSecret?: string | null | undefined; readonly sourceAddress?: string | null | undefined },
    options: { readonly newRequest: boolean },
  ): Promise<IsoPartner> {
    const config = await this.configCache.get(repos);
    const symbol = incoming.requester?.value;
    const partner = isoPartnerBySymbol(config.partners.values(), symbol);
    if (!partner) throw problemError('ILL_ERR_UNKNOWN_AGENCY', [{ path: 'header.requestingAgencyId', message: `${symbol ?? '(none)'} is not an ISO 18626 partner of this library` }]);
    if (!carriesSecret(partner, this.deps.env, incoming.sharedSecret)) {
      throw problemError('ILL_ERR_UNKNOWN_AGENCY', [{ path: 'x-iso18626-shared-secret', message: `the message does not carry ${partner.code}'s shared secret` }]);
    }
    if (!(await comesFromItsAddress(partner, this.deps.env, incoming.sourceAddress, this.deps.resolveHost))) {
      throw problemError('ILL_ERR_UNKNOWN_AGENCY', [{ path: 'header.requestingAgencyId', message: `the message comes from ${incoming.sourceAddress}, not from ${partner.code}'s configured address` }]);
    }
    const us = ourAgencyId(config.institution);
    if (incoming.supplier && incoming.supplier.value.toLowerCase() !== us.value.toLowerCase()) {
      throw problemError('ILL_ERR_UNKNOWN_AGENCY', [{ path: 'header.supplyingAgencyId', message: `${incoming.supplier.value} is not this library (${us.value})` }]);
    }
    if (options.newRequest && (partner.status !== 'ACTIVE' || !partner.supportsLending)) {
      const why = partner.status !== 'ACTIVE' ? 'is inactive' : 'does not have Supports Lending on';
      throw problemError('ILL_ERR_NOT_ALLOWED', [{ path: 'header.requestingAgencyId', message: `this library does not lend to ${symbol}: partner ${partner.code} ${why}` }]);
    }
    return partner;
  }

  /**
   * A transition the borrower's message asks for, or ILL_ERR_INVALID_TRANSITION in the message's own words (the
   * ISO 18626 action and our status), which the endpoint answers as UnrecognisedDataValue on `action`.
   */
  private partnerStep(request: LendingRequest, isoAction: string, action: string, now: string, reason: string | null) {
    const step = applyLendingAction(request, action, 'partner', { now, reason: reason ?? undefined });
    if (!step.ok) throw problemError('ILL_ERR_INVALID_TRANSITION', [{ path: 'action', message: `${isoAction} does not fit: the request is ${LENDING_STATUS.labels[request.status]}` }]);
    return step;
  }

  /** A transition of the model, or ILL_ERR_INVALID_TRANSITION naming the status and what is allowed. */
  private step(request: LendingRequest, action: string, by: 'staff' | 'partner' | 'system', now: string, reason: string | null | undefined) {
    const step = applyLendingAction(request, action, by, { now, reason: reason ?? undefined });
    if (!step.ok) throw new InterlendError('ILL_ERR_INVALID_TRANSITION', step.reason, [{ path: 'action', message: step.reason }]);
    return step;
  }

  private queue(request: LendingRequest, message: Partial<Omit<LenderMessage, 'seq'>> & Pick<LenderMessage, 'reasonForMessage' | 'status' | 'at' | 'cause'>): LendingRequest {
    return queueMessage(request, { answerYesNo: null, note: null, reasonUnfilled: null, dueDate: null, shipped: null, ...message }).request;
  }

  /**
   * Loads, changes and saves a request in one transaction with its history and the send jobs of the messages it
   * queued. A concurrent save (the version moved on) is retried from a fresh read.
   */
  private async change(id: string, work: (request: LendingRequest, repos: Repositories) => Promise<Change>): Promise<LendingRequest> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.deps.storage.transaction(async (repos) => {
        const request = await repos.lending.get(id);
        if (!request) throw notFound(`lending request ${id}`);
        const change = await work(request, repos);
        const next: LendingRequest = { ...change.request, version: request.version + 1, updatedAt: this.deps.clock.now() };
        if (!(await repos.lending.update(next))) return undefined;
        const queued = next.outbox.filter((m) => m.seq > request.messageSeq).map((m) => m.seq);
        await this.record(repos, next, change.history, queued);
        return next;
      });
      if (outcome) return outcome;
      if (attempt >= MAX_SAVE_TRIES) throw new InterlendError('ILL_ERR_CONFLICT', `lending request ${id} was changed by someone else meanwhile; try again`);
    }
  }

  private async record(repos: Repositories, request: LendingRequest, history: readonly HistoryLine[], queued: readonly number[]): Promise<void> {
    const now = request.updatedAt;
    await repos.lending.addHistory(
      history.map((line) => ({ ...line, id: this.deps.ids.newId(), requestId: request.id, at: now })),
      request.version,
    );
    // One job per message, keyed by request and message: enqueued once however often the save is retried.
    if (queued.length) {
      await repos.jobs.enqueueAll(
        queued.map((seq) => ({ job: { type: JOB_LENDING_SEND, key: `${request.id}:sam:${seq}`, payload: { requestId: request.id } }, id: this.deps.ids.newId() })),
        now,
      );
    }
  }
}
