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
  /** The last day it is kept on the shelf, when the lender said (NCIP AcceptItem PickupExpiryDate); else null. */
  readonly holdUntil: string | null;
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
 * protocols.md §8.1); one without is read in the library's time zone, so 23:59 is 23:59 at the library. A bare
 * date is the end of that day.
 */
export function dueDateFrom(text: string | null, fallbackDays: number, now: string, timeZone = 'UTC'): { dueDate: string; from: 'message' | 'loan period' } {
  if (text) {
    const trimmed = text.trim();
    if (/[zZ]|[+-]\d{2}:?\d{2}$/.test(trimmed)) {
      const parsed = Date.parse(trimmed);
      if (!Number.isNaN(parsed)) return { dueDate: new Date(parsed).toISOString(), from: 'message' };
    }
    const local = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(trimmed);
    if (local) {
      const [, y, mo, d, h, mi, se] = local;
      const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), h === undefined ? 23 : Number(h), h === undefined ? 59 : Number(mi), h === undefined ? 59 : Number(se ?? 0));
      if (!Number.isNaN(wall)) return { dueDate: new Date(zonedToUtc(wall, timeZone)).toISOString(), from: 'message' };
    }
  }
  return { dueDate: new Date(Date.parse(now) + fallbackDays * DAY_MS).toISOString(), from: 'loan period' };
}

/**
 * One formatter per time zone: building an Intl.DateTimeFormat costs far more than using one (it was a tenth of an
 * NCIP AcceptItem's time), and an institution has one zone.
 */
const wallClocks = new Map<string, Intl.DateTimeFormat>();
function wallClock(timeZone: string): Intl.DateTimeFormat {
  let format = wallClocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    wallClocks.set(timeZone, format);
  }
  return format;
}

/**
 * How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. Offsets change only on quarter
 * hours (every zone's transitions fall on them), so one answer per zone and quarter hour is kept.
 */
const QUARTER_HOUR = 15 * 60 * 1000;
const offsets = new Map<string, number>();
function zoneOffset(instant: number, timeZone: string): number {
  const key = `${timeZone} ${Math.floor(instant / QUARTER_HOUR)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const parts = wallClock(timeZone).formatToParts(instant);
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    offset = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(instant / 1000) * 1000;
    if (offsets.size >= 10_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** The instant at which the zone's wall clock shows `wall` (given as if it were UTC); DST edges settle on the later offset. */
export function zonedToUtc(wall: number, timeZone: string): number {
  const first = wall - zoneOffset(wall, timeZone);
  const second = wall - zoneOffset(first, timeZone);
  return second;
}
