/**
 * A borrowing request's status in the patron's words (issue 9, item 4): where it is ("with a partner library",
 * "ordered through ILLiad"), what to do ("ready for pickup at Main Library until 12 December", "due 3 March"), how
 * it ended ("cancelled", "could not be supplied"). Staff statuses (Locate failed, Ready to be sent, Conditional) are
 * the library's business: the patron reads that the library is working on it.
 */
import type { BorrowingRequest } from '../request/borrowing-request.ts';
import type { BorrowingStatus } from '../request/state-model.ts';

export type PatronStatusTone = 'in-progress' | 'action' | 'done' | 'ended';

export interface PatronStatus {
  readonly text: string;
  /** in-progress: nothing for the patron to do; action: come and get it, or bring it back; done / ended. */
  readonly tone: PatronStatusTone;
}

export interface PatronStatusFacts {
  /** The partner's name by code (the lender of last resort's name in "ordered through …"). */
  readonly partnerName: (code: string) => string;
  /** The item is on the hold shelf: where, and until when (pickup.ts). */
  readonly hold?: { readonly library: string; readonly until: string } | undefined;
  /** The patron has the item: its due date. */
  readonly loan?: { readonly dueDate: string } | undefined;
  readonly timeZone: string;
  readonly now: string;
}

/** "12 December", or "12 December 2027" when not this year (in the library's time zone). */
export function patronDate(instant: string, timeZone: string, now: string): string {
  const year = (at: string) => new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric' }).format(new Date(at));
  const sameYear = year(instant) === year(now);
  return new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'long', ...(sameYear ? {} : { year: 'numeric' }) }).format(new Date(instant));
}

const IN_PROGRESS: Partial<Record<BorrowingStatus, string>> = {
  CREATED: 'received: we are finding a library to lend it',
  LOCATE_IN_PROCESS: 'received: we are finding a library to lend it',
  LOCATE_FAILED: 'being looked at by library staff',
  READY_TO_BE_SENT: 'being looked at by library staff',
  CONDITIONAL: 'with a partner library',
  REQUEST_SENT_TO_PARTNER: 'with a partner library',
  WILL_SUPPLY: 'with a partner library, which will supply it',
  SHIPPED_PHYSICALLY: 'on its way to the library',
  PHYSICALLY_RECEIVED_BY_LIBRARY: 'arrived at the library, being made ready for you',
};

const ENDED: Partial<Record<BorrowingStatus, [string, PatronStatusTone]>> = {
  SHIPPED_DIGITALLY: ['sent to you electronically', 'done'],
  RETURNED_BY_PATRON: ['returned: thank you', 'done'],
  RETURNED_TO_PARTNER: ['returned: thank you', 'done'],
  REQUEST_COMPLETED: ['completed', 'done'],
  EXPIRED: ['could not be supplied', 'ended'],
  CANCELLED_BY_PARTNER: ['could not be supplied', 'ended'],
  CANCELLED_BY_PATRON: ['cancelled', 'ended'],
  CANCELLED_BY_STAFF: ['cancelled by the library', 'ended'],
  REJECTED_BY_PARTNER: ['with a partner library', 'in-progress'],
};

export function patronStatus(request: Pick<BorrowingRequest, 'status' | 'exportedTo'>, facts: PatronStatusFacts): PatronStatus {
  const day = (instant: string) => patronDate(instant, facts.timeZone, facts.now);
  if (request.status === 'LOANED_TO_PATRON') return { text: facts.loan ? `due ${day(facts.loan.dueDate)}` : 'on loan to you', tone: 'action' };
  if (request.status === 'PHYSICALLY_RECEIVED_BY_LIBRARY' && facts.hold) {
    return { text: `ready for pickup at ${facts.hold.library} until ${day(facts.hold.until)}`, tone: 'action' };
  }
  if (request.status === 'EXPORTED_TO_THIRD_PARTY') {
    return { text: `ordered through ${request.exportedTo ? facts.partnerName(request.exportedTo.partner) : 'another service'}`, tone: 'in-progress' };
  }
  const ended = ENDED[request.status];
  if (ended) return { text: ended[0], tone: ended[1] };
  return { text: IN_PROGRESS[request.status] ?? 'in progress', tone: 'in-progress' };
}
