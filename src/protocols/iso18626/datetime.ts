/**
 * ISO 18626 date-times are xs:dateTime (ISO-18626-v1_2.xsd: timestamp, timestampReceived, needBeforeDate, dueDate,
 * lastChange, dateSent, retryAfter…). We send UTC as `new Date().toISOString()` does (protocols.md §5.3:
 * `YYYY-MM-DDThh:mm:ssZ`; 23:59:59Z when the time of day does not matter). Peers send other shapes (ReShare's
 * `+0000` offset without a colon, protocols.md §6), which the parser keeps as sent; `normaliseDateTime` repairs
 * what can be repaired, e.g. to echo an incoming timestamp as `timestampReceived`.
 */

/** xs:dateTime (XML Schema Part 2 §3.2.7): `CCYY-MM-DDThh:mm:ss(.s+)?(Z|±hh:mm)?`. */
const XS_DATE_TIME = /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

export const isXsDateTime = (value: string): boolean => XS_DATE_TIME.test(value);

/** A Date as we send it: `2026-12-01T10:15:00.000Z`. */
export const iso18626DateTime = (date: Date): string => date.toISOString();

/**
 * The value as a valid xs:dateTime, or `null` when it cannot be one: valid values are returned unchanged, a
 * `±hhmm` offset gets its colon (`+0000` → `+00:00`), a space between date and time becomes `T`.
 */
export function normaliseDateTime(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (isXsDateTime(trimmed)) return trimmed;
  const repaired = trimmed.replace(/^(\d{4}-\d{2}-\d{2}) (\d)/, '$1T$2').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  return isXsDateTime(repaired) ? repaired : null;
}
