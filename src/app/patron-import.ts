/**
 * Patrons from a CSV file (issue 8, item 6): a preview that writes nothing, then an import of the rows that are
 * valid. Each row says what would happen (create, update, unchanged) or its problems, by column: the domain
 * schema's, a primary id / e-mail / identifier given twice in the file, one that belongs to another patron, an
 * unknown pickup library, a row with the wrong number of fields. Rows with problems are skipped; the others are
 * written one by one through ConfigService (the same checks as `POST /api/v1/patrons`). docs/configuration.md.
 *
 * The file's columns decide what a row sets: a column absent from the file leaves that field of an existing patron
 * as it is (blocks are never touched); an empty cell clears an optional field (email, pickupLibrary, expiryDate, an
 * identifier column) and leaves status and isGuest as they are (new patrons: Active, not a guest).
 *
 * A `pin` column sets the patron's PIN for the patron pages (an empty cell leaves it as it is). Only the API takes
 * it (`acceptPins`): the staff page shows the pasted file back with its preview, and a PIN is never shown back.
 */
import { ACTIVE_STATUS, PATRON_IDENTIFIER_TYPE } from '../domain/config/enums.ts';
import { type Patron, patronSchema } from '../domain/config/patron.ts';
import { validate } from '../domain/config/validate.ts';
import { parseCsv } from '../domain/csv.ts';
import { NUL_MESSAGE } from '../domain/nul.ts';
import { InterlendError, invalid, type Problem } from '../domain/errors.ts';
import { pinProblem } from '../domain/patron/sign-in.ts';
import type { ConfigService } from './config-service.ts';
import type { PatronAuthService } from './patron-auth.ts';
import type { Storage, Stored } from './ports.ts';
import { plain } from './views.ts';

/** At most this many bytes (UTF-8) and rows in one file: split a larger one. */
export const MAX_IMPORT_BYTES = 1024 * 1024;
export const MAX_IMPORT_ROWS = 5000;

export const REQUIRED_COLUMNS = ['primaryId', 'firstName', 'lastName', 'userGroup'] as const;
export const OPTIONAL_COLUMNS = ['email', 'status', 'pickupLibrary', 'expiryDate', 'isGuest'] as const;
export const IDENTIFIER_PREFIX = 'identifier:';
/** The patron pages' PIN (write-only: hashed, never shown back). */
export const PIN_COLUMN = 'pin';

export type RowAction = 'create' | 'update' | 'unchanged' | 'invalid';
export type RowOutcome = 'created' | 'updated' | 'unchanged' | 'skipped' | 'failed';

export interface ImportRow {
  /** The line of the file the row starts on (the header is line 1). */
  readonly line: number;
  readonly primaryId: string;
  readonly name: string;
  readonly action: RowAction;
  /** For an update: the fields that change. */
  readonly changes: readonly string[];
  /** Each problem's path is the column it is about ('' for the whole row). */
  readonly problems: readonly Problem[];
  /** After an import: what was done. */
  readonly outcome?: RowOutcome;
}

export interface ImportReport {
  readonly dryRun: boolean;
  readonly columns: readonly string[];
  readonly rows: readonly ImportRow[];
  readonly counts: Readonly<Record<RowAction, number>>;
  /** After an import: how many rows had each outcome; null for a preview. */
  readonly applied: Readonly<Record<RowOutcome, number>> | null;
}

export interface PatronImportDeps {
  readonly config: ConfigService;
  readonly storage: Storage;
  /** Sets the PINs of a `pin` column; without it such a column is refused. */
  readonly patronAuth?: PatronAuthService;
}

export interface ImportOptions {
  /** Whether a `pin` column is taken (the API's import), or refused (the staff page, which shows the file back). */
  readonly acceptPins?: boolean;
}

interface Header {
  readonly columns: readonly string[];
  readonly identifierTypes: ReadonlySet<string>;
}

interface Planned {
  row: ImportRow;
  doc?: Patron;
  existing?: Stored<Patron>;
  /** The PIN to set, from the `pin` column. */
  pin?: string;
}

const KNOWN = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);
const IDENTIFIER_TYPES = PATRON_IDENTIFIER_TYPE.values as readonly string[];

function readHeader(fields: readonly string[], acceptPins: boolean): Header {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const identifierTypes = new Set<string>();
  const columns = fields.map((f) => f.trim());
  columns.forEach((column, index) => {
    const at = `header, column ${index + 1}`;
    if (seen.has(column)) problems.push({ path: at, message: `${JSON.stringify(column)} appears twice`, line: 1 });
    seen.add(column);
    if (column.startsWith(IDENTIFIER_PREFIX)) {
      const type = column.slice(IDENTIFIER_PREFIX.length);
      if (!IDENTIFIER_TYPES.includes(type)) {
        problems.push({ path: at, message: `${JSON.stringify(column)} names no identifier type: use ${IDENTIFIER_TYPES.map((t) => IDENTIFIER_PREFIX + t).join(', ')}`, line: 1 });
      }
      identifierTypes.add(type);
    } else if (column === PIN_COLUMN) {
      if (!acceptPins) problems.push({ path: at, message: 'PINs are imported through the API (POST /api/v1/patrons/import), not here: this page shows the file back, and a PIN is never shown' , line: 1 });
    } else if (!KNOWN.has(column)) {
      problems.push({
        path: at,
        message: `${JSON.stringify(column)} is not a column of the patron file: use ${[...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS].join(', ')} or ${IDENTIFIER_PREFIX}TYPE`,
        line: 1,
      });
    }
  });
  for (const required of REQUIRED_COLUMNS) {
    if (!seen.has(required)) problems.push({ path: 'header', message: `the column ${required} is missing (every file needs ${REQUIRED_COLUMNS.join(', ')})`, line: 1 });
  }
  if (problems.length) throw invalid(problems);
  return { columns, identifierTypes };
}

/** The patron a row describes, over the stored one when there is one, and the column of each identifier. */
function candidateOf(header: Header, cells: Record<string, string>, existing: Patron | undefined) {
  const base: Record<string, unknown> = existing
    ? (plain(existing) as Record<string, unknown>)
    : { status: 'ACTIVE', isGuest: false, email: null, pickupLibrary: null, expiryDate: null, identifiers: [], blocks: [] };
  const problems: Problem[] = [];
  const doc: Record<string, unknown> = { ...base };
  for (const column of REQUIRED_COLUMNS) doc[column] = cells[column];
  for (const column of ['email', 'pickupLibrary', 'expiryDate'] as const) {
    if (column in cells) doc[column] = cells[column] === '' ? null : cells[column];
  }
  if (cells.status) {
    const status = cells.status.toUpperCase();
    if ((ACTIVE_STATUS.values as readonly string[]).includes(status)) doc.status = status;
    else problems.push({ path: 'status', message: `${JSON.stringify(cells.status)} is not a status: use ACTIVE or INACTIVE` });
  }
  if (cells.isGuest) {
    const flag = cells.isGuest.toLowerCase();
    if (['true', 'yes', '1'].includes(flag)) doc.isGuest = true;
    else if (['false', 'no', '0'].includes(flag)) doc.isGuest = false;
    else problems.push({ path: 'isGuest', message: `${JSON.stringify(cells.isGuest)} is not true or false` });
  }
  // Identifiers of types the file has no column for are kept; the file's replace theirs in place or come last.
  const identifiers: { type: string; value: string; column?: string }[] = [];
  for (const identifier of (base.identifiers as { type: string; value: string }[]) ?? []) {
    if (!header.identifierTypes.has(identifier.type)) identifiers.push(identifier);
    else if (cells[IDENTIFIER_PREFIX + identifier.type]) identifiers.push({ type: identifier.type, value: cells[IDENTIFIER_PREFIX + identifier.type]!, column: IDENTIFIER_PREFIX + identifier.type });
  }
  for (const type of header.identifierTypes) {
    const value = cells[IDENTIFIER_PREFIX + type];
    if (value && !identifiers.some((i) => i.type === type)) identifiers.push({ type, value, column: IDENTIFIER_PREFIX + type });
  }
  doc.identifiers = identifiers.map(({ type, value }) => ({ type, value }));
  return { doc, problems, identifierColumns: identifiers.map((i) => i.column ?? 'identifiers') };
}

/** The column a schema problem is about: `identifiers[1].value` → `identifier:BARCODE`. */
function columnOf(path: string, identifierColumns: readonly string[]): string {
  const identifier = /^identifiers\[(\d+)\]/.exec(path);
  if (identifier) return identifierColumns[Number(identifier[1])] ?? 'identifiers';
  return path.split(/[.[]/)[0] ?? path;
}

/** Key order and defaults aside, whether two patrons are the same. */
function same(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b);
}
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const FIELDS: readonly (keyof Patron)[] = ['firstName', 'lastName', 'email', 'userGroup', 'status', 'isGuest', 'pickupLibrary', 'expiryDate', 'identifiers', 'blocks'];

export class PatronImport {
  constructor(private readonly deps: PatronImportDeps) {}

  /** Reads the file and says what each row would do; writes nothing. */
  async preview(csv: string, options: ImportOptions = {}): Promise<ImportReport> {
    const { header, planned } = await this.plan(csv, options);
    return report(true, header, planned.map((p) => p.row), null);
  }

  /** Writes the rows without problems (each in its own transaction) and says what was done with every row. */
  async apply(csv: string, options: ImportOptions = {}): Promise<ImportReport> {
    const { header, planned } = await this.plan(csv, options);
    const rows: ImportRow[] = [];
    for (const item of planned) {
      const { row, doc, existing, pin } = item;
      if (row.action === 'invalid' || !doc) {
        rows.push({ ...row, outcome: 'skipped' });
      } else if (row.action === 'unchanged') {
        rows.push({ ...row, outcome: 'unchanged' });
      } else {
        try {
          const patronChanged = row.changes.some((c) => c !== PIN_COLUMN) || !existing;
          if (existing && patronChanged) await this.deps.config.replace('patrons', existing.id, doc);
          else if (!existing) await this.deps.config.create('patrons', doc);
          if (pin !== undefined) await this.deps.patronAuth!.setPin(doc.primaryId, pin);
          rows.push({ ...row, outcome: row.action === 'create' ? 'created' : 'updated' });
        } catch (error) {
          // Someone else changed the patrons meanwhile (or a later row clashes with an earlier one): say so, go on.
          if (!(error instanceof InterlendError) || error.code === 'ILL_ERR_INTERNAL') throw error;
          const problems = error.problems.length ? error.problems.map((p) => ({ path: p.path.split(/[.[]/)[0] ?? '', message: p.message })) : [{ path: '', message: error.message }];
          rows.push({ ...row, problems, outcome: 'failed' });
        }
      }
    }
    return report(false, header, rows, rows);
  }

  private async plan(csv: string, options: ImportOptions): Promise<{ header: Header; planned: Planned[] }> {
    const bytes = Buffer.byteLength(csv, 'utf8');
    if (bytes > MAX_IMPORT_BYTES) {
      throw new InterlendError('ILL_ERR_PAYLOAD_TOO_LARGE', `The file has ${bytes} bytes; at most ${MAX_IMPORT_BYTES} (1 MiB) can be imported at once: split it into smaller files.`);
    }
    const nulAt = csv.indexOf('\u0000');
    if (nulAt !== -1) {
      const line = csv.slice(0, nulAt).split('\n').length;
      throw invalid([{ path: `line ${line}`, message: NUL_MESSAGE, line }]);
    }
    const parsed = parseCsv(csv);
    if (!parsed.ok) throw invalid([parsed.problem]);
    const [first, ...records] = parsed.records;
    if (!first) throw invalid([{ path: 'header', message: 'the file is empty: it needs a header row and a row per patron' }]);
    const header = readHeader(first.fields, !!options.acceptPins && !!this.deps.patronAuth);
    if (records.length > MAX_IMPORT_ROWS) {
      throw new InterlendError('ILL_ERR_PAYLOAD_TOO_LARGE', `The file has ${records.length} patrons; at most ${MAX_IMPORT_ROWS} can be imported at once: split it into smaller files.`);
    }
    if (records.length === 0) throw invalid([{ path: 'header', message: 'the file has a header row but no patron' }]);

    const read = this.deps.storage.read;
    const libraries = new Map<string, boolean>();
    const libraryExists = async (code: string) => {
      if (!libraries.has(code)) libraries.set(code, !!(await read.config('libraries').findByKey(code)));
      return libraries.get(code)!;
    };

    const planned: (Planned & { keys: { column: string; key: string; label: string }[]; ownId?: string })[] = [];
    for (const record of records) {
      const problems: Problem[] = [];
      if (record.fields.length !== header.columns.length) {
        problems.push({ path: '', message: `has ${record.fields.length} fields; the header has ${header.columns.length}` });
      }
      const cells: Record<string, string> = {};
      header.columns.forEach((column, index) => (cells[column] = (record.fields[index] ?? '').trim()));
      const primaryId = cells.primaryId ?? '';
      const existing = primaryId ? await read.config('patrons').findByKey(primaryId) : undefined;
      if (primaryId && !existing) {
        const holder = await read.patronLookup.findPatronIdByKey('PRIMARY_ID', primaryId.toLowerCase());
        const other = holder ? await read.config('patrons').findById(holder) : undefined;
        if (other) problems.push({ path: 'primaryId', message: `differs only in upper and lower case from patron ${other.doc.primaryId}: write it as that patron's` });
      }
      const candidate = candidateOf(header, cells, existing?.doc);
      problems.push(...candidate.problems);
      const validated = validate(patronSchema, candidate.doc);
      if (!validated.ok) problems.push(...validated.problems.map((p) => ({ path: columnOf(p.path, candidate.identifierColumns), message: p.message })));
      const doc = validated.ok ? validated.value : undefined;
      // Checked whatever else is wrong with the row, so that every problem shows at once.
      const pickup = candidate.doc.pickupLibrary;
      if (typeof pickup === 'string' && !problems.some((p) => p.path === 'pickupLibrary') && !(await libraryExists(pickup))) {
        problems.push({ path: 'pickupLibrary', message: `names library ${pickup}, which does not exist` });
      }
      // The keys by which patrons are found must stay unique: against other patrons here, against other rows below.
      const keys: { column: string; key: string; label: string }[] = [];
      if (doc) {
        keys.push({ column: 'primaryId', key: `PRIMARY_ID:${doc.primaryId.toLowerCase()}`, label: doc.primaryId });
        if (doc.email) keys.push({ column: 'email', key: `EMAIL:${doc.email.toLowerCase()}`, label: doc.email });
        doc.identifiers.forEach((identifier, index) => keys.push({ column: candidate.identifierColumns[index]!, key: `${identifier.type}:${identifier.value.toLowerCase()}`, label: identifier.value }));
        for (const key of keys.slice(1)) {
          const [type, ...value] = key.key.split(':');
          const holder = await read.patronLookup.findPatronIdByKey(type!, value.join(':'));
          if (!holder || holder === existing?.id) continue;
          const other = await read.config('patrons').findById(holder);
          problems.push({ path: key.column, message: `${key.label} already belongs to patron ${other?.doc.primaryId ?? holder}` });
        }
      }
      const name = [cells.firstName, cells.lastName].filter(Boolean).join(' ');
      const changes: string[] = doc && existing ? FIELDS.filter((f) => !same(existing.doc[f], doc[f])) : [];
      // A PIN cannot be compared with its hash cheaply: a PIN given is a change (and its value is not shown).
      const pin = cells[PIN_COLUMN] ? cells[PIN_COLUMN] : undefined;
      if (pin !== undefined) {
        const problem = pinProblem(pin);
        if (problem) problems.push({ path: PIN_COLUMN, message: problem });
        else if (existing) changes.push(PIN_COLUMN);
      }
      const action: RowAction = problems.length ? 'invalid' : !existing ? 'create' : changes.length ? 'update' : 'unchanged';
      planned.push({ row: { line: record.line, primaryId, name, action, changes, problems }, ...(doc ? { doc } : {}), ...(existing ? { existing } : {}), ...(pin !== undefined ? { pin } : {}), keys });
    }

    // A primary id, e-mail or identifier given by two rows: both rows are refused, each naming the other's line.
    const byKey = new Map<string, number[]>();
    planned.forEach((item, index) => item.keys.forEach((k) => byKey.set(k.key, [...(byKey.get(k.key) ?? []), index])));
    planned.forEach((item, index) => {
      const extra: Problem[] = [];
      for (const key of item.keys) {
        const others = byKey.get(key.key)!.filter((i) => i !== index).map((i) => planned[i]!.row.line);
        if (others.length) extra.push({ path: key.column, message: `${key.label} is also on line ${others.join(', ')} of the file` });
      }
      if (extra.length) item.row = { ...item.row, action: 'invalid', problems: [...item.row.problems, ...extra] };
    });
    return { header, planned };
  }
}

function report(dryRun: boolean, header: Header, rows: readonly ImportRow[], applied: readonly ImportRow[] | null): ImportReport {
  const counts = { create: 0, update: 0, unchanged: 0, invalid: 0 };
  for (const row of rows) counts[row.action]++;
  let outcomes: Record<RowOutcome, number> | null = null;
  if (applied) {
    outcomes = { created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
    for (const row of applied) if (row.outcome) outcomes[row.outcome]++;
  }
  return { dryRun, columns: header.columns, rows, counts, applied: outcomes };
}
