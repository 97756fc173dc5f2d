/**
 * Dates the way ILLiad's Web Platform writes them: the server's local time, no zone, fractional seconds without
 * trailing zeros (`2020-06-15T18:34:44.98`, `2020-12-24T12:12:12`), as in the captured bodies of illiad.md §1.3–1.4.
 * Posted dates are accepted as ISO (`2024-05-01`, `2024-05-01T10:00:00`) or US (`05/01/2024`, Princeton's
 * NotWantedAfter format, §1.4).
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DDTHH:mm:ss[.fff]` in local time, trailing zeros of the fraction dropped. */
export function illiadDateTime(date: Date): string {
  const base = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  const fraction = pad(date.getMilliseconds(), 3).replace(/0+$/, '');
  return fraction ? `${base}.${fraction}` : base;
}

/** Local midnight of the day `days` after `date`: a due date as staff set it. */
export function daysAfter(date: Date, days: number): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AP]M))?)?$/i;

/** A posted date in ILLiad's output form, or undefined when it is not a date. A zone, if any, is dropped. */
export function parseIlliadDate(text: string): string | undefined {
  const value = text.trim();
  let parts: [number, number, number, number, number, number, number] | undefined;
  const iso = ISO.exec(value);
  if (iso) {
    const ms = iso[7] ? Math.round(Number(`0.${iso[7]}`) * 1000) : 0;
    parts = [Number(iso[1]), Number(iso[2]), Number(iso[3]), Number(iso[4] ?? 0), Number(iso[5] ?? 0), Number(iso[6] ?? 0), ms];
  } else {
    const us = US.exec(value);
    if (!us) return undefined;
    let hours = Number(us[4] ?? 0);
    const meridiem = us[7]?.toUpperCase();
    if (meridiem === 'PM' && hours < 12) hours += 12;
    if (meridiem === 'AM' && hours === 12) hours = 0;
    parts = [Number(us[3]), Number(us[1]), Number(us[2]), hours, Number(us[5] ?? 0), Number(us[6] ?? 0), 0];
  }
  const [year, month, day, hours, minutes, seconds, ms] = parts;
  const date = new Date(year, month - 1, day, hours, minutes, seconds, ms);
  // Reject 2024-02-31 and 25:00 rather than letting Date roll them over.
  if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day || date.getHours() !== hours || date.getMinutes() !== minutes) {
    return undefined;
  }
  return illiadDateTime(date);
}

/** The `YYYY-MM-DD` of an ILLiad date-time string (what the NCIP add-on cuts out of DueDate, illiad.md §2.3). */
export function datePart(illiadDate: string): string | undefined {
  return /^(\d{4}-\d{2}-\d{2})/.exec(illiadDate)?.[1];
}
