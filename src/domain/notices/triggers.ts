/**
 * Which changes of a borrowing request tell the patron (issue 9, item 5). The state model (state-model.ts) names
 * the transitions; this says which of them a patron hears about. Pure: the app writes the notice's job in the
 * same transaction as the change.
 *
 * "Cannot be filled" is the end of a request with no partner left to supply it:
 * - Expired: the rota walked to its end (the last partner rejected, did not answer in time, or staff took the
 *   request from it or skipped it) — design.md decision 5;
 * - Cancelled by partner: the partner that had the request cancelled it (ISO 18626 Cancelled, NCIP
 *   CancelRequestItem) and the rota does not go on.
 * Not: Locate failed (not an end: staff relocate or cancel, and it is a setup matter for staff), Cancelled by
 * patron (the patron asked) or by staff (staff decide what to tell the patron).
 *
 * "Ready for pickup" is the item on the hold shelf: received by staff (the request page, or the desk), or by an NCIP
 * AcceptItem whose RequestedActionType asks for it (see `asksToNotify`). An AcceptItem without "And Notify" sends
 * nothing: the lender of last resort tells the patron itself (illiad.md §8, double notices).
 */
import type { Actor, BorrowingStatus } from '../request/state-model.ts';
import type { NoticeType } from './templates.ts';

/** The statuses a request ends in when nobody could supply it. */
export const CANNOT_BE_FILLED_STATUSES: readonly BorrowingStatus[] = ['EXPIRED', 'CANCELLED_BY_PARTNER'];

export interface NoticeCause {
  readonly type: NoticeType;
  /** For Cannot be filled: the status the request ended in, which says why. */
  readonly endedAs: BorrowingStatus | null;
}

/** The notice a transition of the state model causes, if any. */
export function noticeForTransition(transition: { action: string; by: Actor; from: BorrowingStatus; to: BorrowingStatus }): NoticeCause | undefined {
  const { action, by, from, to } = transition;
  if (from !== to && CANNOT_BE_FILLED_STATUSES.includes(to)) return { type: 'CANNOT_BE_FILLED', endedAs: to };
  // A partner's "receive" is an NCIP AcceptItem: it tells the patron only when asked to (asksToNotify).
  if (action === 'receive' && by === 'staff') return { type: 'READY_FOR_PICKUP', endedAs: null };
  return undefined;
}

/**
 * Whether an NCIP AcceptItem asks us to tell the patron: RequestedActionType "Hold For Pickup And Notify" (what
 * ILLiad's add-on sends, protocols.md §5.2) or the scheme's other "… And Notify" value ("Circulate And Notify").
 */
export function asksToNotify(requestedActionType: string | null): boolean {
  return requestedActionType !== null && /\band\s+notify\s*$/i.test(requestedActionType.trim());
}

/** Why the request could not be filled, in a sentence for the patron ({{reason}}). */
export function reasonForPatron(endedAs: BorrowingStatus | null): string {
  return endedAs === 'CANCELLED_BY_PARTNER'
    ? 'The library that was going to supply it cancelled the request.'
    : 'None of the libraries we asked was able to lend it to us.';
}
