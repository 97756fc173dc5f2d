/**
 * A patron's edit form: its fields, the values to show (the stored patron, or what was typed after a refusal), and
 * each problem next to its field. Saving builds the whole patron and goes through ConfigService.replace, the same
 * use case as `PUT /api/v1/patrons/{primaryId}`: the domain's schema and the identifier checks decide.
 */
import { ACTIVE_STATUS, PATRON_IDENTIFIER_TYPE } from '../../domain/config/enums.ts';
import type { Patron } from '../../domain/config/patron.ts';
import type { Problem } from '../../domain/errors.ts';

export interface PatronField {
  readonly name: string;
  readonly label: string;
  readonly kind: 'text' | 'select' | 'checkbox' | 'textarea';
  readonly help?: string;
  readonly options?: readonly { value: string; label: string }[];
  readonly value: string;
  readonly error?: string | undefined;
}

const IDENTIFIER_TYPES = PATRON_IDENTIFIER_TYPE.values as readonly (keyof typeof PATRON_IDENTIFIER_TYPE.labels)[];
export const identifierField = (type: string) => `identifier_${type}`;

/** The form's names: every field of the patron but the primary id (its key, which cannot change). */
const TEXT: readonly [string, string, string?][] = [
  ['firstName', 'First name'],
  ['lastName', 'Last name'],
  ['email', 'E-mail', 'Also an identifier: the ILLiad username is often derived from it'],
  ['userGroup', 'User group', 'As your rota rules name it (FACULTY, GRADUATE, …)'],
  ['expiryDate', 'Expiry date', 'YYYY-MM-DD; empty: does not expire'],
];
const FORM_NAMES = [...TEXT.map(([n]) => n), 'status', 'isGuest', 'pickupLibrary', 'blocks', ...IDENTIFIER_TYPES.map(identifierField)];

export function postedPatronValues(body: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of FORM_NAMES) {
    const value = body[name];
    if (typeof value === 'string') values[name] = value;
  }
  return values;
}

/** Blocks as the form shows them: a line each, `CODE: note`. */
const blockLine = (b: { code: string; note: string | null }) => (b.note ? `${b.code}: ${b.note}` : b.code);

export function patronFormValues(patron: Patron): Record<string, string> {
  const values: Record<string, string> = {
    firstName: patron.firstName,
    lastName: patron.lastName,
    email: patron.email ?? '',
    userGroup: patron.userGroup,
    expiryDate: patron.expiryDate ?? '',
    status: patron.status,
    isGuest: patron.isGuest ? 'on' : '',
    pickupLibrary: patron.pickupLibrary ?? '',
    blocks: patron.blocks.map(blockLine).join('\n'),
  };
  for (const identifier of patron.identifiers) values[identifierField(identifier.type)] = identifier.value;
  return values;
}

/** The patron the form describes, and the form field of each identifier (for placing its problems). */
export function patronInput(primaryId: string, values: Record<string, string>) {
  const blank = (name: string) => (values[name]?.trim() ? values[name]!.trim() : null);
  const identifiers = IDENTIFIER_TYPES.filter((type) => values[identifierField(type)]?.trim()).map((type) => ({ type, value: values[identifierField(type)]!.trim() }));
  const blocks = (values.blocks ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.indexOf(':');
      return at < 0 ? { code: line, note: null } : { code: line.slice(0, at).trim(), note: line.slice(at + 1).trim() || null };
    });
  return {
    input: {
      primaryId,
      firstName: values.firstName ?? '',
      lastName: values.lastName ?? '',
      email: blank('email'),
      userGroup: values.userGroup ?? '',
      status: values.status ?? 'ACTIVE',
      isGuest: values.isGuest === 'on',
      pickupLibrary: blank('pickupLibrary'),
      expiryDate: blank('expiryDate'),
      identifiers,
      blocks,
    },
    identifierFields: identifiers.map((i) => identifierField(i.type)),
  };
}

/** The form field a problem is about: `identifiers[0].value` → that identifier's box, `blocks[1].code` → blocks. */
export function fieldOfProblem(path: string, identifierFields: readonly string[]): string {
  const identifier = /^identifiers\[(\d+)\]/.exec(path);
  if (identifier) return identifierFields[Number(identifier[1])] ?? 'identifiers';
  return path.split(/[.[]/)[0] ?? path;
}

export function patronFormFields(
  values: Record<string, string>,
  problems: readonly Problem[],
  identifierFields: readonly string[],
  libraries: readonly { code: string; name: string }[],
): PatronField[] {
  const errorOf = (name: string) => {
    const found = problems.filter((p) => fieldOfProblem(p.path, identifierFields) === name);
    return found.length ? found.map((p) => p.message).join('; ') : undefined;
  };
  const text = ([name, label, help]: readonly [string, string, string?]): PatronField => ({ name, label, kind: 'text', value: values[name] ?? '', error: errorOf(name), ...(help ? { help } : {}) });
  return [
    ...TEXT.slice(0, 4).map(text),
    { name: 'status', label: 'Status', kind: 'select', options: Object.entries(ACTIVE_STATUS.labels).map(([value, label]) => ({ value, label })), value: values.status ?? 'ACTIVE', error: errorOf('status') },
    {
      name: 'pickupLibrary',
      label: 'Pickup library',
      kind: 'select',
      options: [{ value: '', label: "None (the institution's default)" }, ...libraries.map((l) => ({ value: l.code, label: `${l.name} (${l.code})` }))],
      value: values.pickupLibrary ?? '',
      error: errorOf('pickupLibrary'),
    },
    text(TEXT[4]!),
    { name: 'isGuest', label: 'Guest', kind: 'checkbox', value: values.isGuest ?? '', error: errorOf('isGuest') },
    ...IDENTIFIER_TYPES.map((type): PatronField => ({ name: identifierField(type), label: PATRON_IDENTIFIER_TYPE.labels[type], kind: 'text', value: values[identifierField(type)] ?? '', error: errorOf(identifierField(type)) })),
    { name: 'blocks', label: 'Blocks', kind: 'textarea', help: 'One a line: CODE or CODE: note. A blocked patron cannot borrow.', value: values.blocks ?? '', error: errorOf('blocks') },
  ];
}

/** Problems that belong to no field of the form. */
export function patronFormLevelProblems(problems: readonly Problem[], identifierFields: readonly string[]): string[] {
  const names = new Set(FORM_NAMES);
  return problems.filter((p) => !names.has(fieldOfProblem(p.path, identifierFields))).map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
}
