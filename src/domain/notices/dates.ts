/**
 * Dates as a patron reads them, in the institution's time zone: "Thursday 10 December 2026". The month is spelled
 * out, so the date reads the same in the United States and elsewhere; the day is the library's day (a due date of
 * 23:59 in Los Angeles is that day, whatever UTC says).
 */
import { zonedToUtc } from '../circulation/circulation.ts';

const formats = new Map<string, Intl.DateTimeFormat>();
function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
    formats.set(timeZone, f);
  }
  return f;
}

const days = new Map<string, Intl.DateTimeFormat>();
function dayFormat(timeZone: string): Intl.DateTimeFormat {
  let f = days.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    days.set(timeZone, f);
  }
  return f;
}

/** "Thursday 10 December 2026": the instant's day in the zone, in words. */
export function patronDate(instant: string, timeZone: string): string {
  const parts = format(timeZone).formatToParts(Date.parse(instant));
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('weekday')} ${get('day')} ${get('month')} ${get('year')}`;
}

/** The instant's calendar day in the zone: year, month (1-12), day. */
export function localDay(instant: string, timeZone: string): { year: number; month: number; day: number } {
  const parts = dayFormat(timeZone).formatToParts(Date.parse(instant));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/**
 * The end of the window of loans to remind: midnight at the start of the day after "today + days" in the zone.
 * A loan due before it is due within `days` calendar days of the library (3: today, and the next three days).
 */
export function remindLoansDueBefore(now: string, daysBefore: number, timeZone: string): string {
  const { year, month, day } = localDay(now, timeZone);
  return new Date(zonedToUtc(Date.UTC(year, month - 1, day + daysBefore + 1), timeZone)).toISOString();
}
