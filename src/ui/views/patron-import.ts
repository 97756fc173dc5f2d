/**
 * The CSV import page: the uploaded or pasted file (multipart/form-data, read here: the staff pages have no
 * multipart plugin), and PatronImport's report in words, a row at a time with its problems next to it.
 */
import { createHash } from 'node:crypto';
import type { ImportReport, ImportRow } from '../../app/patron-import.ts';
import { InterlendError } from '../../domain/errors.ts';

/** The fields of a multipart/form-data body as text (a file's content as UTF-8), by name. */
export function parseMultipart(body: Buffer, contentType: string | undefined): Record<string, string> {
  const found = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  const boundary = found?.[1] ?? found?.[2];
  const malformed = () => new InterlendError('ILL_ERR_BAD_REQUEST', 'The form arrived malformed (multipart/form-data). Reload the page and try again.');
  if (!boundary) throw malformed();
  const delimiter = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  const fields: Record<string, string> = {};
  let at = body.indexOf(delimiter);
  if (at < 0) throw malformed();
  at += delimiter.length;
  for (;;) {
    if (body.subarray(at, at + 2).toString() === '--') return fields;
    if (body.subarray(at, at + 2).toString() !== '\r\n') throw malformed();
    const headersEnd = body.indexOf('\r\n\r\n', at + 2);
    if (headersEnd < 0) throw malformed();
    const headers = body.subarray(at + 2, headersEnd).toString('utf8');
    const end = body.indexOf(next, headersEnd + 4);
    if (end < 0) throw malformed();
    const name = /(?:^|;)\s*name="([^"]*)"/im.exec(headers)?.[1];
    if (name !== undefined) fields[name] = body.subarray(headersEnd + 4, end).toString('utf8');
    at = end + next.length;
  }
}

/** What the import step checks: that the text imported is the text previewed. */
export const digestOf = (text: string): string => createHash('sha256').update(text).digest('hex');

export interface ImportRowView {
  readonly line: number;
  readonly primaryId: string;
  readonly href?: string;
  readonly name: string;
  /** "Create", "Update: email, identifiers", "Unchanged", "Not imported", "Created", … */
  readonly what: string;
  readonly invalid: boolean;
  readonly problems: readonly string[];
}

const CHANGE_LABELS: Record<string, string> = {
  firstName: 'first name',
  lastName: 'last name',
  email: 'e-mail',
  userGroup: 'user group',
  status: 'status',
  isGuest: 'guest',
  pickupLibrary: 'pickup library',
  expiryDate: 'expiry date',
  identifiers: 'identifiers',
  blocks: 'blocks',
};

function whatOf(row: ImportRow): string {
  const changes = row.changes.map((c) => CHANGE_LABELS[c] ?? c).join(', ');
  switch (row.outcome) {
    case 'created':
      return 'Created';
    case 'updated':
      return `Updated: ${changes}`;
    case 'unchanged':
      return 'Unchanged';
    case 'skipped':
      return 'Not imported: it has problems';
    case 'failed':
      return 'Not imported: refused when written';
    default:
      return row.action === 'create' ? 'Create' : row.action === 'update' ? `Update: ${changes}` : row.action === 'unchanged' ? 'Unchanged' : 'Not imported: it has problems';
  }
}

export function importRowViews(report: ImportReport, hrefOf: (primaryId: string) => string): ImportRowView[] {
  return report.rows.map((row) => ({
    line: row.line,
    primaryId: row.primaryId,
    ...(row.primaryId && (row.outcome === 'created' || row.outcome === 'updated' || row.action === 'update' || row.action === 'unchanged') ? { href: hrefOf(row.primaryId) } : {}),
    name: row.name,
    what: whatOf(row),
    invalid: row.problems.length > 0,
    problems: row.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)),
  }));
}

export function importSummary(report: ImportReport): string {
  const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
  if (report.applied) {
    const a = report.applied;
    return `Done: ${n(a.created, 'patron')} created, ${a.updated} updated, ${a.unchanged} unchanged, ${n(a.skipped + a.failed, 'row')} not imported.`;
  }
  const c = report.counts;
  return `Preview of ${n(report.rows.length, 'row')}: ${c.create} to create, ${c.update} to update, ${c.unchanged} unchanged, ${n(c.invalid, 'row')} with problems (not imported). Nothing has been written yet.`;
}
