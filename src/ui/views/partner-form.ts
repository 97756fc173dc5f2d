/**
 * The partner form between the page and ConfigService: the stored partner as the form's values, the posted form as
 * the partner document the use case validates (the domain's schema decides what is valid), and each problem the use
 * case returns placed next to its field. Secrets are write-only: the form never holds one; an empty secret field
 * keeps the stored secret (`{ set: true }`, see src/domain/config/fields.ts KEEP_SECRET), "remove" clears it.
 */
import type { Problem } from '../../domain/errors.ts';
import { type FieldSpec, partnerSections, type ProfileType, type RefKind, type SectionSpec } from './partner-fields.ts';

export type Option = { readonly value: string; readonly label: string };
export type RefOptions = Readonly<Record<RefKind, readonly Option[]>>;

/** What the page says about a stored secret. */
export interface SecretState {
  readonly set: boolean;
  /** The environment variable it names, when it is a `${VAR}` reference. */
  readonly env?: string | undefined;
}

export interface FieldView {
  readonly spec: FieldSpec;
  /** The input's id; the help is `${id}-help`, the problem `${id}-error`. */
  readonly id: string;
  /** The value to show: the stored one, or what was typed. Empty for secrets, always. */
  readonly value: string;
  readonly checked: boolean;
  readonly options: readonly Option[];
  /** The option's label for the read-only page. */
  readonly display: string;
  readonly error?: string | undefined;
  readonly secret?: SecretState | undefined;
  /** Checked "remove" box of a secret, kept after a refusal. */
  readonly remove?: boolean;
  /** Its `when` does not hold (a locate field of another locate profile): the read-only page leaves it out. */
  readonly hidden: boolean;
}

export interface SectionView {
  readonly spec: SectionSpec;
  readonly fields: readonly FieldView[];
}

export const REMOVE_PREFIX = 'remove:';
/** The value of a checked box in a posted form. */
const ON = 'on';

export const fieldId = (path: string): string => `p-${path.replace(/[^A-Za-z0-9]/g, '-')}`;

function at(doc: unknown, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function setAt(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = doc;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    if (next === null || typeof next !== 'object') target[part] = {};
    target = target[part] as Record<string, unknown>;
  }
  target[parts.at(-1)!] = value;
}

/** A secret as the API shows it (its toJSON): `${VAR}`, `{ set: true }`, or null. */
function secretStateOf(shown: unknown): SecretState {
  if (typeof shown === 'string') {
    const env = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(shown)?.[1];
    return { set: true, env };
  }
  return { set: shown !== null && shown !== undefined };
}

/** The form's values of a stored partner (as the API shows it: secrets already hidden). */
export function formValuesOf(partner: Record<string, unknown>, sections: readonly SectionSpec[]): Record<string, string> {
  return fieldValuesOf(partner, sections.flatMap((s) => s.fields));
}

/** The form's values of a stored object (as the API shows it), for these fields. */
export function fieldValuesOf(doc: Record<string, unknown>, fields: readonly FieldSpec[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of fields) {
    const value = at(doc, field.path);
    if (field.kind.type === 'secret') continue;
    if (field.kind.type === 'checkbox') values[field.path] = value === true ? ON : '';
    else if (field.kind.type === 'lines') values[field.path] = Array.isArray(value) ? value.join('\n') : '';
    else values[field.path] = value === null || value === undefined ? '' : String(value);
  }
  return values;
}

/** The posted form's own fields, as strings (unchecked boxes are absent in a post: empty here); not the fixed ones. */
export function postedValues(body: Record<string, unknown>, fields: readonly FieldSpec[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of fields) {
    if (field.fixed) continue; // not posted: the stored value stands
    const value = body[field.path];
    values[field.path] = typeof value === 'string' ? value : '';
    if (field.kind.type === 'secret' && body[REMOVE_PREFIX + field.path] === ON) values[REMOVE_PREFIX + field.path] = ON;
  }
  return values;
}

function inputValue(field: FieldSpec, raw: string, stored: unknown, remove: boolean): unknown {
  const kind = field.kind;
  switch (kind.type) {
    case 'checkbox':
      return raw === ON;
    case 'number': {
      const trimmed = raw.trim();
      if (trimmed === '' && kind.nullable) return null;
      // Anything but a number goes to the schema as typed, which says "must be a number of days".
      return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
    }
    case 'select':
      return raw === '' ? null : raw;
    case 'ref':
      // A required reference left blank is missing (the schema says "is required"), not null.
      return raw === '' ? (kind.required ? undefined : null) : raw;
    case 'lines':
      return raw
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean);
    case 'secret':
      if (remove) return null;
      if (raw !== '') return raw;
      // Empty: keep what is stored (the API's { set: true }); nothing stored stays nothing.
      return stored === null || stored === undefined ? null : { set: true };
    case 'text':
      if (kind.raw) return raw === '' ? null : raw;
      return kind.nullable && raw.trim() === '' ? null : raw;
  }
}

/**
 * The partner document for ConfigService.replace, from the posted values. `stored` is the partner as the API
 * shows it (for the secrets to keep); the code and profile type are the stored ones, not the form's.
 */
export function partnerInput(values: Record<string, string>, sections: readonly SectionSpec[], stored: Record<string, unknown>): Record<string, unknown> {
  const ownFields = sections.flatMap((s) => s.fields).filter((f) => !f.path.startsWith('locateProfile.'));
  const doc = documentOf(values, ownFields, stored);
  const locate = values['locateProfile.type'] ?? '';
  const storedLocate = at(stored, 'locateProfile') as Record<string, unknown> | null | undefined;
  const sameType = storedLocate?.type === locate ? storedLocate : undefined;
  const fieldOf = (path: string) => sections.flatMap((s) => s.fields).find((f) => f.path === path)!;
  if (locate === 'STATIC') doc.locateProfile = { type: 'STATIC', holdings: inputValue(fieldOf('locateProfile.holdings'), values['locateProfile.holdings'] ?? '', undefined, false) };
  else if (locate === 'INTERLEND') {
    doc.locateProfile = {
      type: 'INTERLEND',
      url: values['locateProfile.url'] ?? '',
      token: inputValue(fieldOf('locateProfile.token'), values['locateProfile.token'] ?? '', sameType?.token, values[`${REMOVE_PREFIX}locateProfile.token`] === ON),
    };
  } else doc.locateProfile = locate === '' ? null : { type: locate };
  return doc;
}

/**
 * The document these fields make from the posted values, each by its kind; a fixed field keeps its stored value
 * (`stored` as the API shows it; empty for a new object).
 */
export function documentOf(values: Record<string, string>, fields: readonly FieldSpec[], stored: Record<string, unknown>): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const field of fields) {
    const value = field.fixed ? at(stored, field.path) : inputValue(field, values[field.path] ?? '', at(stored, field.path), values[REMOVE_PREFIX + field.path] === ON);
    setAt(doc, field.path, value);
  }
  return doc;
}

/** The new-partner form's document: code, name, profile type (and a peer's address), the rest from the schema's defaults. */
export function newPartnerInput(values: Record<string, string>, fields: readonly FieldSpec[]): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  const profileType = values.profileType ?? '';
  for (const field of fields) {
    if (field.when && values[field.when.path] !== field.when.value) continue;
    const raw = values[field.path] ?? '';
    setAt(doc, field.path, field.when ? raw.trim() : raw === '' && field.kind.type === 'select' ? undefined : raw);
  }
  if (profileType === 'ISO18626' && !doc.iso18626) doc.iso18626 = {};
  if (profileType === 'EMAIL' && !doc.email) doc.email = {};
  return doc;
}

/** Problems whose path is this field's, or inside it (`locateProfile.holdings[2]`). */
function errorOf(path: string, problems: readonly Problem[]): string | undefined {
  const found = problems.filter((p) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`));
  return found.length ? found.map((p) => p.message).join('; ') : undefined;
}

function optionsOf(field: FieldSpec, refs: RefOptions, value: string): readonly Option[] {
  const kind = field.kind;
  if (kind.type === 'select') {
    const listed = Object.entries(kind.labels).map(([v, label]) => ({ value: v, label }));
    return kind.nullable ? [{ value: '', label: field.path === 'locateProfile.type' ? 'None' : '(blank)' }, ...listed] : listed;
  }
  if (kind.type !== 'ref') return [];
  const listed = refs[kind.kind];
  // A code that is not (or no longer) there is still shown, so saving does not change it silently.
  const missing = value && !listed.some((o) => o.value === value) ? [{ value, label: `${value} (does not exist)` }] : [];
  return [{ value: '', label: kind.required ? '(choose one)' : '(blank)' }, ...listed, ...missing];
}

export function fieldViews(
  fields: readonly FieldSpec[],
  values: Record<string, string>,
  problems: readonly Problem[],
  refs: RefOptions,
  secrets: Readonly<Record<string, SecretState>> = {},
): FieldView[] {
  return fields.map((spec) => {
    const value = spec.kind.type === 'secret' ? '' : (values[spec.path] ?? '');
    const options = optionsOf(spec, refs, value);
    const display = spec.kind.type === 'checkbox' ? (value === ON ? 'Yes' : 'No') : (options.find((o) => o.value === value)?.label ?? value);
    return {
      spec,
      id: fieldId(spec.path),
      value,
      checked: value === ON,
      options,
      display: display === '' || display === '(blank)' ? '(blank)' : display,
      error: errorOf(spec.path, problems),
      secret: spec.kind.type === 'secret' ? (secrets[spec.path] ?? { set: false }) : undefined,
      remove: values[REMOVE_PREFIX + spec.path] === ON,
      hidden: spec.when !== undefined && values[spec.when.path] !== spec.when.value,
    };
  });
}

/** The partner's sections, each field with its value, options and problem. */
export function partnerFormView(
  profileType: ProfileType,
  stored: Record<string, unknown>,
  values: Record<string, string>,
  problems: readonly Problem[],
  refs: RefOptions,
): SectionView[] {
  const sections = partnerSections(profileType);
  const secrets: Record<string, SecretState> = {};
  for (const field of sections.flatMap((s) => s.fields)) if (field.kind.type === 'secret') secrets[field.path] = secretStateOf(at(stored, field.path));
  return sections.map((spec) => ({ spec, fields: fieldViews(spec.fields, values, problems, refs, secrets) }));
}

/** Problems that belong to no field shown (the partner as a whole, a field of another profile type). */
export function formLevelProblems(problems: readonly Problem[], fields: readonly FieldSpec[]): string[] {
  return problems
    .filter((p) => !fields.some((f) => p.path === f.path || p.path.startsWith(`${f.path}.`) || p.path.startsWith(`${f.path}[`)))
    .map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
}
