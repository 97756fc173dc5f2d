/**
 * The new-request form: its fields, the values to show again after a refusal, and each problem placed next to its
 * field. The form's body goes to BorrowingService.create as it is; the domain's schema decides what is valid.
 */
import { CITATION_TYPE, LEVEL_OF_SERVICE, REQUESTED_FORMAT } from '../../domain/config/enums.ts';
import type { Problem } from '../../domain/errors.ts';

export interface FormField {
  readonly name: string;
  readonly label: string;
  readonly kind: 'text' | 'select' | 'textarea';
  readonly required?: boolean;
  readonly options?: readonly { value: string; label: string }[];
  readonly value: string;
  readonly error?: string | undefined;
}

const TEXT_FIELDS: readonly [string, string, boolean?][] = [
  ['patron', 'Patron (primary id)', true],
  ['title', 'Title', true],
  ['author', 'Author'],
  ['publisher', 'Publisher'],
  ['year', 'Year'],
  ['oclcNumber', 'OCLC number'],
  ['isbn', 'ISBN'],
  ['issn', 'ISSN'],
  ['articleTitle', 'Article or chapter title'],
  ['volume', 'Volume'],
  ['pages', 'Pages'],
];

const options = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));

/** What the form sends, without empty fields (absent fields take the schema's defaults: Physical, Book, …). */
export function requestInput(body: Record<string, unknown>): Record<string, string> {
  const names = [...TEXT_FIELDS.map(([name]) => name), 'citationType', 'requestedFormat', 'levelOfService', 'pickupLibrary', 'patronNote'];
  const input: Record<string, string> = {};
  for (const name of names) {
    const value = body[name];
    if (typeof value === 'string' && value.trim() !== '') input[name] = value;
  }
  return input;
}

export function requestFormFields(values: Record<string, string>, problems: readonly Problem[], pickupLibraries: readonly { code: string; name: string }[]): FormField[] {
  const errorOf = (name: string) => {
    const found = problems.filter((p) => p.path === name || p.path.startsWith(`${name}.`) || p.path.startsWith(`${name}[`));
    return found.length ? found.map((p) => p.message).join('; ') : undefined;
  };
  const select = (name: string, label: string, opts: readonly { value: string; label: string }[], fallback: string): FormField => ({
    name,
    label,
    kind: 'select',
    options: opts,
    value: values[name] ?? fallback,
    error: errorOf(name),
  });
  return [
    ...TEXT_FIELDS.slice(0, 2).map(([name, label, required]) => ({ name, label, kind: 'text' as const, required: required ?? false, value: values[name] ?? '', error: errorOf(name) })),
    select('citationType', 'Citation type', options(CITATION_TYPE.labels), 'BOOK'),
    select('requestedFormat', 'Requested format', options(REQUESTED_FORMAT.labels), 'PHYSICAL'),
    ...TEXT_FIELDS.slice(2).map(([name, label]) => ({ name, label, kind: 'text' as const, value: values[name] ?? '', error: errorOf(name) })),
    select('pickupLibrary', 'Pickup library', [{ value: '', label: "The patron's own" }, ...pickupLibraries.map((l) => ({ value: l.code, label: `${l.name} (${l.code})` }))], ''),
    select('levelOfService', 'Level of service', options(LEVEL_OF_SERVICE.labels), 'STANDARD'),
    { name: 'patronNote', label: 'Patron note', kind: 'textarea', value: values.patronNote ?? '', error: errorOf('patronNote') },
  ];
}

/** Problems that belong to no field of the form (a blocked patron, a missing institution). */
export function formLevelProblems(problems: readonly Problem[], fields: readonly FormField[]): string[] {
  const names = new Set(fields.map((f) => f.name));
  return problems.filter((p) => !names.has(p.path.split(/[.[]/)[0] ?? '')).map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
}
