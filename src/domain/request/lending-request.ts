/**
 * A peer's request to borrow from us (issue 6, the supplier side of ISO 18626): what the borrowing library asked
 * for, where our answer stands, and the messages to the borrower that are waiting to go out. Pure: the transitions
 * come from LENDING_MODEL (state-model.ts), times from the caller.
 */
import { type Actor, findTransition, LENDING_MODEL, LENDING_STATUS, type LendingStatus } from './state-model.ts';

/**
 * The citation as the borrower sent it. Unlike a patron's borrowing request nothing is checked or normalised
 * (a peer's ISBN with a wrong check digit is still the number its catalogue has): identifiers are kept exactly as
 * sent, leading zeros included.
 */
export interface LendingCitation {
  readonly title: string | null;
  readonly author: string | null;
  readonly subtitle: string | null;
  readonly edition: string | null;
  readonly publisher: string | null;
  readonly placeOfPublication: string | null;
  readonly year: string | null;
  readonly volume: string | null;
  readonly issue: string | null;
  readonly pages: string | null;
  readonly articleTitle: string | null;
  readonly articleAuthor: string | null;
  readonly isbn: string | null;
  readonly issn: string | null;
  readonly oclcNumber: string | null;
  /** The borrower's pick of our record (ISO 18626 supplierUniqueRecordId). */
  readonly supplierUniqueRecordId: string | null;
}

/** Who asked: the partner whose agency id the Request carried. */
export interface LendingRequester {
  readonly partner: string;
  readonly agencyIdType: string;
  readonly agencyIdValue: string;
}

/**
 * A message to the borrower (an ISO 18626 SupplyingAgencyMessage, in the standard's words), waiting in the
 * request's outbox. Messages are sent in `seq` order and leave the outbox once the borrower confirmed them, so a
 * later message never overtakes an earlier one that could not be delivered yet.
 */
export interface LenderMessage {
  readonly seq: number;
  readonly reasonForMessage: 'RequestResponse' | 'StatusChange' | 'Notification' | 'CancelResponse' | 'RenewResponse' | 'StatusRequestResponse';
  /** An ISO 18626 status (type_status): WillSupply, Loaned, Unfilled, … */
  readonly status: string;
  readonly answerYesNo: 'Y' | 'N' | null;
  readonly note: string | null;
  readonly reasonUnfilled: string | null;
  readonly dueDate: string | null;
  /** For Loaned and CopyCompleted: what was sent, when and how. */
  readonly shipped: { readonly at: string; readonly itemId: string | null; readonly sentVia: string | null; readonly conditions: string | null } | null;
  /** When the status it reports changed (ISO 18626 statusInfo/lastChange). */
  readonly at: string;
  /** The action that made it, for the history line of its sending. */
  readonly cause: string;
}

export interface LendingRequest {
  readonly id: string;
  readonly status: LendingStatus;
  readonly requester: LendingRequester;
  /** The borrower's id for the request (requestingAgencyRequestId): unique per requester, not across requesters. */
  readonly requesterRequestId: string;
  readonly citation: LendingCitation;
  /** ISO 18626 serviceType as sent: Loan, Copy, CopyOrLoan (null when not sent). */
  readonly serviceType: string | null;
  readonly serviceLevel: string | null;
  /** The borrower's need-before date, as sent. */
  readonly needBefore: string | null;
  readonly requesterNote: string | null;
  /** The borrower's reference for its patron (patronInfo/patronId), as sent; nothing else about the patron is kept. */
  readonly patronReference: string | null;
  /** While the item is out: when it is due back (xs:dateTime, 23:59:59Z as protocols.md §5.3 asks). */
  readonly dueDate: string | null;
  /** The conditions we supply on (Conditional). */
  readonly conditions: string | null;
  readonly renewals: number;
  /** What we shipped: the item's barcode, or the copy's address. */
  readonly itemId: string | null;
  /** Why the request is where it is, in words for staff (the reason of a reject, a cancel, a condition). */
  readonly statusReason: string | null;
  /** Digest of the Request as received without its timestamp: an exact repeat of it is recognised as one. */
  readonly fingerprint: string;
  /** Our first answer (RequestResponse) was given: later answers are StatusChange. */
  readonly answered: boolean;
  readonly outbox: readonly LenderMessage[];
  /** The last `seq` given to a message (0 before the first). */
  readonly messageSeq: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Optimistic lock: each save increments it. */
  readonly version: number;
}

export type LendingStep =
  | { readonly ok: true; readonly request: LendingRequest; readonly from: LendingStatus; readonly to: LendingStatus }
  | { readonly ok: false; readonly reason: string; readonly allowed: readonly string[] };

/** Actions that leave their reason as the request's status reason. */
const KEEPS_REASON = new Set(['reject', 'conditional', 'cancel', 'expire']);

/** Applies an action of LENDING_MODEL: allowed or not is the model's to say; this moves the status. */
export function applyLendingAction(request: LendingRequest, action: string, by: Actor, ctx: { readonly now: string; readonly reason?: string | undefined }): LendingStep {
  const found = findTransition(LENDING_MODEL, request.status, action, by, LENDING_STATUS.labels);
  if (!found.ok) return found;
  const reason = ctx.reason?.trim() || null;
  if (found.transition.needsReason && !reason) return { ok: false, reason: `${action} needs a reason`, allowed: [] };
  const to = found.transition.to as LendingStatus;
  return {
    ok: true,
    request: { ...request, status: to, statusReason: KEEPS_REASON.has(action) ? reason : null, updatedAt: ctx.now },
    from: request.status,
    to,
  };
}

/** Appends a message to the borrower to the request's outbox, numbered after the last. */
export function queueMessage(request: LendingRequest, message: Omit<LenderMessage, 'seq'>): { request: LendingRequest; seq: number } {
  const seq = request.messageSeq + 1;
  const answered = request.answered || message.reasonForMessage === 'RequestResponse';
  return { request: { ...request, outbox: [...request.outbox, { ...message, seq }], messageSeq: seq, answered }, seq };
}

const DAY_MS = 86_400_000;

/**
 * The due date `days` days after `from`, at 23:59:59Z: ISO 18626 wants that time when the time of day does not
 * matter (protocols.md §5.3).
 */
export function dueDateAfter(from: string, days: number): string {
  return `${new Date(Date.parse(from) + days * DAY_MS).toISOString().slice(0, 10)}T23:59:59Z`;
}

/**
 * A due date staff typed: `YYYY-MM-DD` (taken as 23:59:59Z that day) or a full date-time with a zone. Undefined
 * when it is neither, or not a real date.
 */
export function parseDueDate(text: string): string | undefined {
  const trimmed = text.trim();
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  if (day) {
    const at = `${trimmed}T23:59:59Z`;
    const time = Date.parse(at);
    return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === trimmed ? at : undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(trimmed) || Number.isNaN(Date.parse(trimmed))) return undefined;
  return new Date(trimmed).toISOString().replace(/\.000Z$/, 'Z');
}

/** A renewal: the loan period again, from the current due date or from now when that has passed. */
export function renewedDueDate(current: string | null, now: string, days: number): string {
  const from = current === null ? now : new Date(Math.max(Date.parse(current), Date.parse(now))).toISOString();
  return dueDateAfter(from, days);
}

/**
 * Whether our holdings (a list of identifiers: OCLC numbers, ISBNs, ISSNs) have what a lending request asks for,
 * and why, for the auto-responder. Hyphens, spaces and case do not matter; OCLC numbers match with or without
 * leading zeros (0012345678 and 12345678 are one record), other identifiers only as written (an ISBN-10 may start
 * with 0).
 */
export function matchHoldings(citation: LendingCitation, holdings: ReadonlySet<string>): { readonly holds: boolean; readonly reason: string } {
  const norm = (value: string) => value.replace(/[\s-]/g, '').toUpperCase();
  const oclc = citation.oclcNumber ? norm(citation.oclcNumber).replace(/^\(OCOLC\)|^OC[MN]|^ON/, '').replace(/^0+(?=\d)/, '') : null;
  const wanted = [oclc, citation.isbn && norm(citation.isbn), citation.issn && norm(citation.issn), citation.supplierUniqueRecordId && norm(citation.supplierUniqueRecordId)].filter(
    (v): v is string => !!v,
  );
  if (wanted.length === 0) return { holds: false, reason: 'the request names no OCLC number, ISBN, ISSN or record of ours to look up' };
  const found = wanted.find((id) => holdings.has(id));
  return found ? { holds: true, reason: `we hold ${found}` } : { holds: false, reason: `we hold none of ${wanted.join(', ')}` };
}

/** Our holdings as `matchHoldings` reads them: each identifier normalised, OCLC-like numbers also without leading zeros. */
export function holdingsSet(identifiers: Iterable<string>): Set<string> {
  const set = new Set<string>();
  for (const raw of identifiers) {
    const value = raw.replace(/[\s-]/g, '').toUpperCase();
    if (!value) continue;
    set.add(value);
    const oclc = value.replace(/^\(OCOLC\)|^OC[MN]|^ON/, '');
    if (/^\d+$/.test(oclc)) set.add(oclc.replace(/^0+(?=\d)/, ''));
  }
  return set;
}
