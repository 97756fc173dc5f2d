/**
 * Model binding as the Web Platform (ASP.NET Web API) does it (illiad.md §1.1 "Request bodies", §1.3, §5 (c) 2):
 * JSON and `application/x-www-form-urlencoded` bodies both bind, property names match case-insensitively
 * (`EmailAddress` ≡ `EMailAddress`, `Username` ≡ `UserName`), unknown properties are ignored, and a value that does
 * not convert to the property's type is a ModelState entry under `model.<Property>` (the key ASP.NET gives errors on
 * the action's `model` parameter, as in `model.UserName`, §1.6).
 */
import { parseIlliadDate } from './dates.ts';

export type FieldType = 'string' | 'bool' | 'int' | 'decimal' | 'date';
export type Body = Record<string, unknown>;
/** ASP.NET's ModelState dictionary: key → messages. */
export type ModelState = Record<string, string[]>;

export type ParsedBody =
  | { readonly kind: 'empty' }
  | { readonly kind: 'model'; readonly value: Body }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'unsupported'; readonly mediaType: string };

/**
 * Reads a request body by its Content-Type. No Content-Type with a body is `application/octet-stream` to ASP.NET,
 * which has no formatter for it (415); so are XML bodies here, as the simulator speaks JSON only.
 */
export function parseBody(contentType: string | undefined, raw: Buffer): ParsedBody {
  const text = raw.toString('utf8');
  if (text.trim() === '') return { kind: 'empty' };
  const mediaType = (contentType ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/json' || mediaType === 'text/json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { kind: 'invalid' };
    }
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? { kind: 'model', value: value as Body } : { kind: 'invalid' };
  }
  if (mediaType === 'application/x-www-form-urlencoded') {
    const value: Body = {};
    // The first of repeated keys binds, as ASP.NET's value providers do for simple properties.
    for (const [key, item] of new URLSearchParams(text)) if (!(key in value)) value[key] = item;
    return { kind: 'model', value };
  }
  return { kind: 'unsupported', mediaType };
}

/** Looks properties up by name, ignoring case; with duplicates differing only in case, the last one wins. */
export function caseInsensitive(body: Body): (name: string) => unknown {
  const byLower = new Map<string, unknown>();
  for (const [key, value] of Object.entries(body)) byLower.set(key.toLowerCase(), value);
  return (name) => byLower.get(name.toLowerCase());
}

export function addError(modelState: ModelState, key: string, message: string): void {
  (modelState[key] ??= []).push(message);
}

const invalid = (value: unknown, field: string) => `The value '${typeof value === 'string' ? value : JSON.stringify(value)}' is not valid for ${field}.`;

/** Converts one posted value; form values arrive as strings, so strings convert to every type. */
function convert(value: unknown, type: FieldType, field: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (value === null) return { ok: true, value: null };
  if (type === 'string') {
    if (typeof value === 'string') return { ok: true, value };
    if (typeof value === 'number') return { ok: true, value: String(value) };
    // Json.NET writes booleans into string properties as .NET prints them.
    if (typeof value === 'boolean') return { ok: true, value: value ? 'True' : 'False' };
    return { ok: false, message: invalid(value, field) };
  }
  // An empty form field binds a nullable property to null.
  if (value === '') return { ok: true, value: null };
  if (type === 'bool') {
    if (typeof value === 'boolean') return { ok: true, value };
    if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return { ok: true, value: value.trim().toLowerCase() === 'true' };
    return { ok: false, message: invalid(value, field) };
  }
  if (type === 'int' || type === 'decimal') {
    const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
    if (!Number.isFinite(number) || (type === 'int' && !Number.isInteger(number))) return { ok: false, message: invalid(value, field) };
    return { ok: true, value: number };
  }
  const date = typeof value === 'string' ? parseIlliadDate(value) : undefined;
  return date === undefined ? { ok: false, message: invalid(value, field) } : { ok: true, value: date };
}

/**
 * Binds the properties present in the body to the model's fields. Absent properties stay absent (undefined), so
 * the caller can tell "not posted" from "posted as null".
 */
export function bindFields<F extends string>(body: Body, fields: Readonly<Record<F, FieldType>>): { values: Partial<Record<F, unknown>>; modelState: ModelState } {
  const get = caseInsensitive(body);
  const values: Partial<Record<F, unknown>> = {};
  const modelState: ModelState = {};
  for (const field of Object.keys(fields) as F[]) {
    const raw = get(field);
    if (raw === undefined) continue;
    const converted = convert(raw, fields[field], field);
    if (converted.ok) values[field] = converted.value;
    else addError(modelState, `model.${field}`, converted.message);
  }
  return { values, modelState };
}
