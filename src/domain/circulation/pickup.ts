/**
 * How long an item waits on the hold shelf for its patron. AcceptItem (Hold For Pickup And Notify) puts a borrowed
 * item on the hold shelf of the pickup library (ncip-service.ts writes the hold); the patron may collect it until
 * the end of the day `holdShelfDays` after it arrived, in the library's time zone — and never later than the day
 * the lender wants it back (the item's due-back date): after that it goes home unread. The patron's page and the
 * "ready for pickup" notice both say this date, through `heldUntil`.
 */
import { zonedToUtc } from './circulation.ts';

/** Alma's hold shelf default is a week; HOLD_SHELF_DAYS changes it. */
export const DEFAULT_HOLD_SHELF_DAYS = 7;

const DAY_MS = 86_400_000;

/** The wall-clock date (YYYY-MM-DD) of an instant in a time zone. */
export function localDay(instant: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(instant));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The last moment of a local day (23:59:59 there), as an instant. */
function endOfLocalDay(day: string, timeZone: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(zonedToUtc(Date.UTC(y, m - 1, d, 23, 59, 59), timeZone)).toISOString();
}

/**
 * Until when the item is held for the patron: the end of the local day `days` after it was put on the hold shelf,
 * or the end of the local day before the lender wants it back, whichever is earlier.
 */
export function pickupDeadline(heldSince: string, dueBack: string | null, days: number, timeZone: string): string {
  const arrived = localDay(heldSince, timeZone);
  const [y, m, d] = arrived.split('-').map(Number) as [number, number, number];
  const shelfDay = new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
  const byShelf = endOfLocalDay(shelfDay, timeZone);
  if (!dueBack) return byShelf;
  const lastDay = new Date(Date.parse(`${localDay(dueBack, timeZone)}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
  const byLender = endOfLocalDay(lastDay < arrived ? arrived : lastDay, timeZone);
  return byLender < byShelf ? byLender : byShelf;
}

/**
 * The last day the patron is told the item waits for them: the lender's own date when it sent one (NCIP AcceptItem
 * PickupExpiryDate, kept on the hold), else our hold-shelf period from when it arrived. The patron's page and the
 * "ready for pickup" notice both call this, so they always agree.
 */
export function heldUntil(hold: { readonly createdAt: string; readonly holdUntil: string | null }, dueBack: string | null, days: number, timeZone: string): string {
  return hold.holdUntil ?? pickupDeadline(hold.createdAt, dueBack, days, timeZone);
}
