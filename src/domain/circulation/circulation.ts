/**
 * Circulation, as far as resource sharing needs it (issue 5; design.md decision 8): items (temporary ones made for
 * a borrowed item, and the library's own), holds on the hold shelf of a pickup library, and loans with due dates.
 * Interlend plays the library's circulation system for ILLiad's NCIP add-on, as Alma does.
 */

export const ITEM_KINDS = ['TEMPORARY', 'OWN'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/**
 * AVAILABLE: on its shelf (own items). ON_HOLD_SHELF: waiting for the patron at the pickup library. ON_LOAN.
 * IN_TRANSIT: on its way home (an own item back from a lending). RETIRED: a temporary item whose loan is over.
 */
export const ITEM_STATUSES = ['AVAILABLE', 'ON_HOLD_SHELF', 'ON_LOAN', 'IN_TRANSIT', 'RETIRED'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export interface Item {
  readonly id: string;
  /** Unique among items that are not retired: for a temporary item, the id ILLiad sends (its TransactionNumber). */
  readonly barcode: string;
  readonly kind: ItemKind;
  readonly status: ItemStatus;
  readonly title: string | null;
  readonly author: string | null;
  readonly library: string | null;
  readonly location: string | null;
  readonly itemPolicy: string | null;
  /** The borrowing request a temporary item belongs to. */
  readonly borrowingRequest: string | null;
  /** The partner that lent it (temporary) or that it is lent through (own). */
  readonly partner: string | null;
  /** When the lender wants it back (temporary items). */
  readonly dueBack: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const HOLD_STATUSES = ['ON_SHELF', 'PICKED_UP', 'CANCELLED'] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];

export interface Hold {
  readonly id: string;
  readonly item: string;
  /** Patron primary id. */
  readonly patron: string;
  readonly pickupLibrary: string;
  readonly status: HoldStatus;
  readonly borrowingRequest: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const LOAN_STATUSES = ['OPEN', 'RETURNED'] as const;
export type LoanStatus = (typeof LOAN_STATUSES)[number];

export interface Loan {
  readonly id: string;
  readonly item: string;
  /** A patron's primary id, or `partner:CODE` for a loan to a partner's pseudopatron (lending through ILLiad). */
  readonly borrower: string;
  readonly status: LoanStatus;
  readonly dueDate: string;
  readonly renewals: number;
  readonly desk: string | null;
  /** The partner's request id that caused it (NCIP RequestId), if any. */
  readonly externalRequest: string | null;
  readonly checkedOutAt: string;
  readonly returnedAt: string | null;
  readonly updatedAt: string;
}

export function partnerBorrower(partner: string): string {
  return `partner:${partner}`;
}

const DAY_MS = 86_400_000;

/**
 * A due date as an instant. NCIP dates come with or without a zone (ILLiad sends `2026-12-26T23:59:00`, no zone:
 * protocols.md §8.1); one without is read as UTC, so the stored instant is the date written. A bare date is the
 * end of that day.
 */
export function dueDateFrom(text: string | null, fallbackDays: number, now: string): { dueDate: string; from: 'message' | 'loan period' } {
  if (text) {
    const trimmed = text.trim();
    const withZone = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T23:59:59Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(trimmed) ? trimmed : `${trimmed}Z`;
    const parsed = Date.parse(withZone);
    if (!Number.isNaN(parsed)) return { dueDate: new Date(parsed).toISOString(), from: 'message' };
  }
  return { dueDate: new Date(Date.parse(now) + fallbackDays * DAY_MS).toISOString(), from: 'loan period' };
}
