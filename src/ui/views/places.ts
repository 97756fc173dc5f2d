/**
 * The institution and its places for the pages: each kind's list with its values in words, the form's fields (the
 * partner form's helpers: values, the posted document, problems next to their fields) and the sentence after a
 * change. ConfigService decides what is valid; nothing here checks a value.
 */
import { versionOf } from '../../app/config-service.ts';
import type { Stored } from '../../app/ports.ts';
import type { Institution } from '../../domain/config/institution.ts';
import type { Problem } from '../../domain/errors.ts';
import type { FieldSpec } from './partner-fields.ts';
import { documentOf, type FieldView, fieldValuesOf, fieldViews, formLevelProblems, type RefOptions } from './partner-form.ts';
import { INSTITUTION_FIELDS, type PlaceKind, type PlaceKindSpec, placeKind } from './place-fields.ts';

export const PLACES_PATH = '/ui/places';
export const INSTITUTION_PATH = `${PLACES_PATH}/institution`;

export const placeHref = (kind: PlaceKind, code: string): string => `${PLACES_PATH}/${kind}/${encodeURIComponent(code)}`;
export const newPlaceHref = (kind: PlaceKind): string => `${PLACES_PATH}/${kind}/new`;

/** What every place has; the rest is read through the kind's fields. */
export interface PlaceDoc {
  readonly code: string;
  readonly name: string;
}

const asRecord = (doc: object) => doc as Record<string, unknown>;

/** The options of the reference selects ("Main Library (MAIN)"), from the configured places. */
export function refOptionsOf(places: Readonly<Record<PlaceKind, readonly Stored<PlaceDoc>[]>>): RefOptions {
  const options = (items: readonly Stored<PlaceDoc>[]) => items.map(({ doc }) => ({ value: doc.code, label: `${doc.name} (${doc.code})` }));
  return { libraries: options(places.libraries), locations: options(places.locations), desks: options(places.desks), 'item-policies': options(places['item-policies']) };
}

export interface PlaceRow {
  readonly code: string;
  readonly href: string;
  /** The version the row shows, sent with its Delete button. */
  readonly version: string;
  /** The kind's fields with their values in words (`display`), in the columns' order. */
  readonly cells: readonly FieldView[];
}

export interface PlaceListView {
  readonly spec: PlaceKindSpec;
  readonly rows: readonly PlaceRow[];
  /** Why the last delete was refused (who still uses it), shown at the list. */
  readonly refusal?: string | undefined;
}

export function placeListView(spec: PlaceKindSpec, items: readonly Stored<PlaceDoc>[], refs: RefOptions, refusal?: string): PlaceListView {
  const rows = items.map((item) => ({
    code: item.doc.code,
    href: placeHref(spec.kind, item.doc.code),
    version: versionOf(item),
    cells: fieldViews(spec.fields, fieldValuesOf(asRecord(item.doc), spec.fields), [], refs),
  }));
  return { spec, rows, refusal };
}

/** The institution's fields in words, or undefined when it is not set up yet. */
export function institutionView(institution: Stored<Institution> | undefined, refs: RefOptions): readonly FieldView[] | undefined {
  return institution && fieldViews(INSTITUTION_FIELDS, fieldValuesOf(asRecord(institution.doc), INSTITUTION_FIELDS), [], refs);
}

/** A new institution starts with the schema's default time zone; everything else is typed. */
export const NEW_INSTITUTION_VALUES: Readonly<Record<string, string>> = { timeZone: 'UTC' };

/** The fields of a kind's form: the code is fixed once the object exists (it is the object's key). */
export function placeFormFields(spec: PlaceKindSpec, existing: boolean): readonly FieldSpec[] {
  return existing ? spec.fields.map((f) => (f.path === 'code' ? { ...f, fixed: true } : f)) : spec.fields;
}

export interface PlaceFormView {
  readonly fields: readonly FieldView[];
  /** Problems that belong to no field shown. */
  readonly problems: readonly string[];
}

/** The form's fields with what was typed (else what is stored), the options, and each problem next to its field. */
export function placeFormView(fields: readonly FieldSpec[], stored: object | undefined, typed: Record<string, string> | undefined, problems: readonly Problem[], refs: RefOptions): PlaceFormView {
  const values = { ...(stored ? fieldValuesOf(asRecord(stored), fields) : {}), ...typed };
  return { fields: fieldViews(fields, values, problems, refs), problems: formLevelProblems(problems, fields) };
}

/** The document for ConfigService from the posted values; the code of an existing object is its stored one. */
export const placeInput = (values: Record<string, string>, fields: readonly FieldSpec[], stored: object | undefined): Record<string, unknown> =>
  documentOf(values, fields, stored ? asRecord(stored) : {});

const DONE = { created: 'created', saved: 'saved', deleted: 'deleted' } as const;
export type Done = keyof typeof DONE;

/** The list's address after a change, saying what was done (the sentence is made here, not taken from the address). */
export function doneHref(done: Done, what: PlaceKind | 'institution', code: string): string {
  const anchor = what === 'institution' ? 'institution' : what;
  return `${PLACES_PATH}?${new URLSearchParams({ done, what, code })}#${anchor}`;
}

/** "Library MAIN was created.", from the list's query; nothing for anything else. */
export function doneMessage(query: Record<string, unknown>): string | undefined {
  const { done, what, code } = query;
  if (typeof done !== 'string' || !(done in DONE) || typeof what !== 'string' || typeof code !== 'string') return undefined;
  const noun = what === 'institution' ? 'the institution' : placeKind(what)?.singular;
  if (!noun) return undefined;
  const sentence = `${noun} ${code} was ${DONE[done as Done]}.`;
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/** The use case's refusal ("library MAIN is still used by partner ILLiad …") as a sentence. */
export const refusalSentence = (message: string): string => `Not deleted: ${message}.`;
