/**
 * The patron request form: its fields in the patron's words, filled from the OpenURL or from what was typed, each
 * problem placed next to its field. What is posted goes to PatronRequests.place as it is.
 */
import type { OpenUrlCitation, OpenUrlField } from '../../../domain/bib/openurl.ts';
import { CITATION_TYPE } from '../../../domain/config/enums.ts';
import type { Problem } from '../../../domain/errors.ts';
import type { HiddenBecause, RequestFormDecision } from '../../../domain/patron/request-services.ts';
import type { PatronRequestInput } from '../../../app/patron-requests.ts';

export interface PatronFormField {
  readonly name: string;
  readonly label: string;
  readonly kind: 'text' | 'select' | 'textarea' | 'date';
  readonly value: string;
  readonly required?: boolean;
  readonly help?: string;
  readonly options?: readonly { value: string; label: string }[];
  readonly error?: string | undefined;
  /** Browser autofill and input hints. */
  readonly inputmode?: 'numeric';
}

/** The citation's fields on the form, in the order a patron reads a reference, with help where it is not obvious. */
const CITATION_FIELDS: readonly { name: OpenUrlField; label: string; help?: string; required?: boolean }[] = [
  { name: 'title', label: 'Title of the book or journal', required: true },
  { name: 'author', label: 'Author or editor' },
  { name: 'articleTitle', label: 'Article or chapter title', help: 'For an article or a chapter: we will get you a copy.' },
  { name: 'articleAuthor', label: 'Author of the article or chapter' },
  { name: 'year', label: 'Year' },
  { name: 'volume', label: 'Volume' },
  { name: 'issue', label: 'Issue' },
  { name: 'pages', label: 'Pages', help: 'For example 45-67.' },
  { name: 'publisher', label: 'Publisher' },
  { name: 'placeOfPublication', label: 'Place of publication' },
  { name: 'edition', label: 'Edition' },
  { name: 'isbn', label: 'ISBN' },
  { name: 'issn', label: 'ISSN' },
  { name: 'oclcNumber', label: 'OCLC number' },
  { name: 'doi', label: 'DOI', help: 'For example 10.1038/171737a0.' },
];

/** The form's values as text, by field name. */
export type FormValues = Readonly<Record<string, string>>;

/** The form's values from an OpenURL. */
export function valuesFromOpenUrl(citation: OpenUrlCitation, defaultPickup: string | null): FormValues {
  const values: Record<string, string> = {};
  for (const { name } of CITATION_FIELDS) values[name] = citation.fields[name] ?? '';
  values.citationType = citation.citationType;
  values.pmid = citation.pmid ?? '';
  values.pickupLibrary = defaultPickup ?? '';
  values.neededBy = '';
  values.note = '';
  return values;
}

/** The form's values as posted (only the known names, as text). */
export function postedValues(body: Readonly<Record<string, unknown>>): FormValues {
  const names = [...CITATION_FIELDS.map((f) => f.name), 'citationType', 'pmid', 'pickupLibrary', 'neededBy', 'note'];
  return Object.fromEntries(names.map((name) => [name, typeof body[name] === 'string' ? (body[name] as string).slice(0, 4000) : '']));
}

export function inputOf(values: FormValues): PatronRequestInput {
  return {
    fields: Object.fromEntries(CITATION_FIELDS.map((f) => [f.name, values[f.name] ?? ''])),
    citationType: values.citationType ?? 'BOOK',
    pmid: values.pmid ?? '',
    pickupLibrary: values.pickupLibrary ?? '',
    neededBy: values.neededBy ?? '',
    note: values.note ?? '',
  };
}

/** The citation the form's values make, for the request-form decision and the duplicate check. */
export function citationOfValues(values: FormValues): Pick<OpenUrlCitation, 'fields' | 'citationType' | 'pmid'> {
  const fields = Object.fromEntries(CITATION_FIELDS.map((f) => [f.name, values[f.name]?.trim() || null])) as Record<OpenUrlField, string | null>;
  const type = (CITATION_TYPE.values as readonly string[]).includes(values.citationType ?? '') ? (values.citationType as OpenUrlCitation['citationType']) : 'BOOK';
  return { fields, citationType: type, pmid: values.pmid?.trim() || null };
}

/** A problem's field on this form (the use case names the request's fields: patronNote is the note). */
const fieldOf = (path: string) => (path === 'patronNote' ? 'note' : path.split(/[.[]/)[0] ?? '');

export function formFields(values: FormValues, problems: readonly Problem[], pickupLibraries: readonly { code: string; name: string }[]): { citation: PatronFormField[]; request: PatronFormField[] } {
  const errorOf = (name: string) => {
    const found = problems.filter((p) => fieldOf(p.path) === name);
    // The schema's sentence is written for staff ("what is the patron asking for?"): the patron reads their own.
    return found.length ? found.map((p) => (name === 'title' && p.message.startsWith('is required') ? 'is required: say what you are asking for' : p.message)).join('; ') : undefined;
  };
  const citation: PatronFormField[] = [
    {
      name: 'citationType',
      label: 'What is it?',
      kind: 'select',
      value: values.citationType ?? 'BOOK',
      options: CITATION_TYPE.values.map((value) => ({ value, label: CITATION_TYPE.labels[value] })),
      error: errorOf('citationType'),
    },
    ...CITATION_FIELDS.map((f) => ({ name: f.name, label: f.label, kind: 'text' as const, value: values[f.name] ?? '', ...(f.required ? { required: true } : {}), ...(f.help ? { help: f.help } : {}), error: errorOf(f.name) })),
    { name: 'pmid', label: 'PubMed id (PMID)', kind: 'text', value: values.pmid ?? '', inputmode: 'numeric', help: 'Sent to the lending library with your note.', error: errorOf('pmid') },
  ];
  const request: PatronFormField[] = [
    {
      name: 'pickupLibrary',
      label: 'Pick it up at',
      kind: 'select',
      value: values.pickupLibrary ?? '',
      options: [...(values.pickupLibrary ? [] : [{ value: '', label: 'Choose a library' }]), ...pickupLibraries.map((l) => ({ value: l.code, label: l.name }))],
      required: true,
      error: errorOf('pickupLibrary'),
    },
    { name: 'neededBy', label: 'Needed by (optional)', kind: 'date', value: values.neededBy ?? '', help: 'After this date you no longer need it.', error: errorOf('neededBy') },
    { name: 'note', label: 'Note for the library (optional)', kind: 'textarea', value: values.note ?? '', error: errorOf('note') },
  ];
  return { citation, request };
}

/** Problems that belong to no field of the form (the patron's account, the request as a whole). */
export function formLevelProblems(problems: readonly Problem[]): string[] {
  const names = new Set(['citationType', 'pmid', 'pickupLibrary', 'neededBy', 'note', ...CITATION_FIELDS.map((f) => f.name)]);
  return problems.filter((p) => !names.has(fieldOf(p.path))).map((p) => p.message);
}

/** Why the form is not offered, in the patron's words, from what hid it. */
export function refusalText(decision: RequestFormDecision): string {
  const partner = decision.partner?.name ?? 'the lending service';
  const because = decision.hiddenBecause;
  const sentence = (code: HiddenBecause) => {
    switch (code) {
      case 'guest':
        return `Requests from guest users are not offered here: the library's lender of last resort, ${partner}, does not serve guests (its Enable Service For Guest User setting is No).`;
      case 'may-not-borrow': {
        const reason = decision.reasons.find((r) => r.startsWith('Not offered: the library account'))?.replace(/^Not offered: /, '') ?? 'your library account does not allow it.';
        return `You cannot place requests at the moment: ${reason}`;
      }
      case 'held-locally':
        return 'The library holds this item itself, so it is not requested from another library: look for it in the catalogue.';
      case 'available-locally':
        return 'The library has a copy of this item available, so it is not requested from another library: look for it in the catalogue.';
    }
  };
  return [...because.map(sentence), 'If you need help, ask at the library.'].join(' ');
}
