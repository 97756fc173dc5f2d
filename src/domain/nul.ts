/**
 * No text Interlend keeps may hold U+0000 (NUL): PostgreSQL's text cannot store it (the statement fails, so the
 * answer was a 500), SQLite's LIKE stops at it (a search for a NUL matched every row), and nobody types one. The
 * edges refuse it before anything is looked up or stored, so both databases answer alike: HTTP input (400,
 * ILL_ERR_BAD_REQUEST), configuration files and CSV imports (a problem at the field). XML bodies read it as U+FFFD
 * instead (protocols/xml/safe-parse.ts), since XML itself does not allow it.
 */
import { formatPath } from './errors.ts';

export const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

/** The path of the first string holding a NUL in a parsed body, query or file (`""` for the value itself); bytes are not text. */
export function pathOfNul(value: unknown, path: (string | number)[] = []): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? formatPath(path) : undefined;
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = pathOfNul(value[i], [...path, i]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, each] of Object.entries(value)) {
    if (key.includes('\u0000')) return formatPath([...path, key]);
    const found = pathOfNul(each, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}
