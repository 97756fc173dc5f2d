/**
 * A time as staff read it on a page, in the institution's time zone: "10:42" today, "27 Nov 22:10" another day (the
 * dashboard's "unreachable since …, next try …"). 24-hour, so it reads the same everywhere.
 */
import { localDay } from './notices/dates.ts';

const formats = new Map<string, { time: Intl.DateTimeFormat; day: Intl.DateTimeFormat }>();
function formatsFor(timeZone: string) {
  let found = formats.get(timeZone);
  if (!found) {
    found = {
      time: new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
      day: new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short' }),
    };
    formats.set(timeZone, found);
  }
  return found;
}

export function staffTime(instant: string, timeZone: string, now: string): string {
  const { time, day } = formatsFor(timeZone);
  const at = Date.parse(instant);
  const a = localDay(instant, timeZone);
  const b = localDay(now, timeZone);
  const sameDay = a.year === b.year && a.month === b.month && a.day === b.day;
  return sameDay ? time.format(at) : `${day.format(at)} ${time.format(at)}`;
}
