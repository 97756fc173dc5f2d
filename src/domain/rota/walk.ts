/**
 * Walking the rota (design.md, decision 5): the request goes to one partner at a time and moves on when the partner
 * rejects, does not answer within its days, or staff take it away; the end of the rota is Expired. Pure: it returns
 * the new request and the effects (jobs) the app must enqueue in the same transaction.
 */
import type { Partner } from '../config/partner.ts';
import { noticeForTransition } from '../notices/triggers.ts';
import type { NoticeType } from '../notices/templates.ts';
import type { BorrowingRequest } from '../request/borrowing-request.ts';
import { type Actor, BORROWING_MODEL, BORROWING_STATUS, type BorrowingStatus, findTransition } from '../request/state-model.ts';
import type { RotaEntry, RotaEntryState } from './rota-building.ts';

export type Effect =
  | { readonly type: 'send'; readonly requestId: string; readonly entry: number; readonly key: string }
  | { readonly type: 'answer-timer'; readonly requestId: string; readonly entry: number; readonly at: string; readonly key: string }
  /** Tell the partner of rota entry `entry` what staff did (`action`), through its protocol if it has one. */
  | { readonly type: 'tell-partner'; readonly requestId: string; readonly entry: number; readonly action: string; readonly note: string | null; readonly key: string }
  /** Tell the patron (a notice by e-mail, issue 9): `endedAs` is the status a request that cannot be filled ended in. */
  | { readonly type: 'notice'; readonly requestId: string; readonly notice: NoticeType; readonly endedAs: BorrowingStatus | null; readonly key: string };

export interface Step {
  readonly request: BorrowingRequest;
  readonly effects: readonly Effect[];
  readonly from: BorrowingStatus;
  readonly to: BorrowingStatus;
}

export type StepResult = ({ readonly ok: true } & Step) | { readonly ok: false; readonly reason: string; readonly allowed: readonly string[] };

export interface WalkContext {
  readonly now: string;
  readonly partners: ReadonlyMap<string, Partner>;
  readonly reason?: string;
}

const DAY_MS = 86_400_000;

/** What a rota entry becomes when the request leaves it through an action. */
const ENTRY_OUTCOME: Record<string, RotaEntryState> = {
  reject: 'REJECTED',
  'no-answer': 'EXPIRED',
  'cancel-partner': 'CANCELLED',
  'refuse-condition': 'REJECTED',
  'skip-partner': 'FAILED',
  'will-supply': 'WILL_SUPPLY',
  conditional: 'CONDITIONAL',
  'accept-condition': 'WILL_SUPPLY',
  exported: 'EXPORTED',
  'shipped-physically': 'FILLED',
  'shipped-digitally': 'FILLED',
  'partner-cancelled': 'CANCELLED',
  // The whole request cancelled while a partner had it: that partner's entry is over too, not still Sent.
  cancel: 'CANCELLED',
  'patron-cancel': 'CANCELLED',
};

function withEntry(request: BorrowingRequest, index: number, change: Partial<RotaEntry>): BorrowingRequest {
  return { ...request, rota: request.rota.map((entry, i) => (i === index ? { ...entry, ...change } : entry)) };
}

/** Partners that answer by themselves (the lender of last resort takes or refuses at once) get no answer timer. */
function answersAtOnce(partner: Partner | undefined): boolean {
  return partner?.profileType === 'NCIP' && partner.ncip.exportToThirdParty.exportToThirdParty === 'USING_API';
}

/** Gives the request to rota entry `index`: Request sent to partner, with a send job and an answer timer. */
export function sendTo(request: BorrowingRequest, index: number, ctx: WalkContext): { request: BorrowingRequest; effects: Effect[] } {
  const entry = request.rota[index]!;
  const partner = ctx.partners.get(entry.partner);
  const answerBy = answersAtOnce(partner) ? null : new Date(Date.parse(ctx.now) + (partner?.respondWithinDays ?? 5) * DAY_MS).toISOString();
  const sent = withEntry(request, index, { state: 'SENT', sentAt: ctx.now, answerBy, reason: null, answeredAt: null });
  // Keys start with the request id so a request's jobs sit side by side in the key index (one page written, not two).
  const effects: Effect[] = [{ type: 'send', requestId: request.id, entry: index, key: `${request.id}:send:${index}:${request.version}` }];
  if (answerBy) effects.push({ type: 'answer-timer', requestId: request.id, entry: index, at: answerBy, key: `${request.id}:answer-timer:${index}:${request.version}` });
  return { request: { ...sent, status: 'REQUEST_SENT_TO_PARTNER', current: index, statusReason: null }, effects };
}

/** The next waiting entry after the current one gets the request; with none left the request is Expired. */
export function moveOn(request: BorrowingRequest, ctx: WalkContext): { request: BorrowingRequest; effects: Effect[] } {
  const start = request.current === null ? 0 : request.current + 1;
  const next = request.rota.findIndex((entry, i) => i >= start && entry.state === 'WAITING');
  if (next >= 0) return sendTo(request, next, ctx);
  const last = request.current === null ? undefined : request.rota[request.current];
  const why = last ? `no partner is left in the rota (the last, ${last.partner}: ${last.reason ?? last.state.toLowerCase()})` : 'the rota is empty';
  return { request: { ...request, status: 'EXPIRED', statusReason: why }, effects: [] };
}

/**
 * Applies an action of the state model to the request. The model says whether it is allowed; this says what it
 * does to the rota.
 */
export function applyAction(request: BorrowingRequest, action: string, by: Actor, ctx: WalkContext): StepResult {
  const found = findTransition(BORROWING_MODEL, request.status, action, by, BORROWING_STATUS.labels);
  if (!found.ok) return found;
  const { transition } = found;
  if (transition.needsReason && !ctx.reason?.trim()) {
    return { ok: false, reason: `${action} needs a reason`, allowed: [] };
  }
  const reason = ctx.reason?.trim() || null;
  let current = { ...request, statusReason: null as string | null };
  const outcome = ENTRY_OUTCOME[action];
  if (outcome && request.current !== null) {
    current = withEntry(current, request.current, { state: outcome, reason, answeredAt: ctx.now });
  }
  let effects: Effect[] = [];
  if (transition.to === 'NEXT_PARTNER') {
    ({ request: current, effects } = moveOn(current, ctx));
  } else if (transition.to === 'SAME') {
    current = { ...current, statusReason: request.statusReason };
  } else if (action === 'resend' && request.current !== null) {
    ({ request: current, effects } = sendTo(current, request.current, ctx));
  } else {
    current = { ...current, status: transition.to, statusReason: action === 'export-failed' || action === 'send-failed' ? reason : null };
  }
  // Only a partner that has (or had) the request is told; the rota entry is the one before any move. What the
  // library's side does is told (staff, or the patron cancelling or asking for a renewal), not the partner's own moves.
  if (transition.tellsPartner && (by === 'staff' || by === 'patron') && request.current !== null && request.rota[request.current]?.state !== 'WAITING') {
    effects = [...effects, { type: 'tell-partner', requestId: request.id, entry: request.current, action, note: reason, key: `${request.id}:tell:${request.current}:${action}:${request.version}` }];
  }
  const notice = noticeForTransition({ action, by, from: request.status, to: current.status });
  if (notice) effects = [...effects, { type: 'notice', requestId: request.id, notice: notice.type, endedAs: notice.endedAs, key: noticeKey(request.id, notice.type, request.version) }];
  return { ok: true, request: { ...current, updatedAt: ctx.now }, effects, from: request.status, to: current.status };
}

/** One notice per request, type and save: the key of its job and of its record. */
export function noticeKey(requestId: string, type: NoticeType, version: number): string {
  return `${requestId}:notice:${type}:${version}`;
}
