/**
 * CSV as RFC 4180 writes it: fields separated by commas, records by CRLF or LF, a field in double quotes may hold
 * commas, line breaks and doubled quotes (""). A UTF-8 byte order mark at the start is dropped; blank lines are
 * skipped. Pure: text in, records (each with the line it starts on) or the first syntax problem out; and the writer
 * (csvRecord) for what we export, CRLF-terminated.
 */
import type { Problem } from './errors.ts';

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  readonly line: number;
  readonly fields: readonly string[];
}

export type CsvParsed = { ok: true; records: CsvRecord[] } | { ok: false; problem: Problem };

const BOM = '\uFEFF';

export function parseCsv(input: string): CsvParsed {
  const text = input.startsWith(BOM) ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let line = 1;
  let start = 1;
  let fields: string[] = [];
  let field = '';
  let i = 0;
  const fail = (at: number, message: string): CsvParsed => ({ ok: false, problem: { path: `line ${at}`, message, line: at } });
  const endRecord = () => {
    fields.push(field);
    // A blank line (one empty field) is no record.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      if (field !== '') return fail(line, 'a double quote inside a field that does not start with one: put the whole field in double quotes and double the quote ("")');
      const quoteLine = line;
      i++;
      for (;;) {
        if (i >= text.length) return fail(quoteLine, 'a field opened with a double quote is never closed');
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && !(next === '\r' && text[i + 1] === '\n')) {
        return fail(line, 'text after a closing double quote: a quoted field must end at its closing quote');
      }
      if (next === ',') {
        fields.push(field);
        field = '';
        i++;
      }
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
      i++;
      continue;
    }
    if (c === '\r' && text[i + 1] === '\n') {
      i++;
      continue;
    }
    if (c === '\n') {
      endRecord();
      i++;
      line++;
      start = line;
      continue;
    }
    field += c;
    i++;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return { ok: true, records };
}

/** RFC 4180: a field with a comma, a double quote or a line break is quoted, its quotes doubled. */
export function csvField(value: string | null): string {
  const text = value ?? '';
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record, CRLF-terminated (RFC 4180). */
export function csvRecord(values: readonly (string | null)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
