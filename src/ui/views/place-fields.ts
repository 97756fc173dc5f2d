/**
 * The institution and its places as data: for each kind (libraries, locations, circulation desks, item policies)
 * its words and its fields, each with a label, help in the guide's terms, the path in the document
 * (src/domain/config/institution.ts, places.ts) and how it is edited. One list page and one form page render these
 * for every kind; the partner pages' field kinds (partner-fields.ts) serve here too.
 */
import type { FieldKind, FieldSpec, RefKind } from './partner-fields.ts';

/** The kinds of place, which are also what a partner's parameters may name. */
export type PlaceKind = RefKind;

export interface PlaceKindSpec {
  readonly kind: PlaceKind;
  /** The list's heading, also the section's anchor text: "Libraries". */
  readonly heading: string;
  /** One of them, in sentences: "library", "circulation desk". */
  readonly singular: string;
  /** What they are for, above the list. */
  readonly about: string;
  /** The fields in the order of the form and of the list's columns; the first is the code. */
  readonly fields: readonly FieldSpec[];
}

const text: FieldKind = { type: 'text' };
const optionalText: FieldKind = { type: 'text', nullable: true };
const checkbox: FieldKind = { type: 'checkbox' };
const inLibrary: FieldKind = { type: 'ref', kind: 'libraries', required: true };

const code = (example: string, usedBy: string): FieldSpec => ({
  path: 'code',
  label: 'Code',
  help: `Such as ${example}. Unique, and it cannot be changed later: ${usedBy}.`,
  kind: text,
});
const name = (help: string): FieldSpec => ({ path: 'name', label: 'Name', help, kind: text });

/** The library running Interlend; there is one. */
export const INSTITUTION_FIELDS: readonly FieldSpec[] = [
  { path: 'code', label: 'Code', help: 'Your institution’s code, such as CSU_DEMO. ISO 18626 peers know you by it when there is no ISIL.', kind: text },
  name('Such as California State University Demo Library.'),
  {
    path: 'ncipAgencyId',
    label: 'NCIP Agency ID',
    help: 'The agency id ILLiad’s NCIP add-on sends as ToAgencyId (usually your institution code): NCIP messages to another agency are refused.',
    kind: text,
  },
  { path: 'isil', label: 'ISIL', help: 'Your library’s ISIL, such as US-CStL: what ISO 18626 peers know you by. Leave blank if you have none.', kind: optionalText },
  {
    path: 'timeZone',
    label: 'Time Zone',
    help: 'An IANA time zone, such as America/Los_Angeles: a due date ILLiad sends without a time ends the day here.',
    kind: text,
  },
  {
    path: 'defaultPickupLibrary',
    label: 'Default Pickup Library',
    help: 'Where a request is picked up when neither the patron nor the partner names a pickup library. Add the libraries first, then choose one here.',
    kind: { type: 'ref', kind: 'libraries' },
  },
];

export const PLACE_KINDS: readonly PlaceKindSpec[] = [
  {
    kind: 'libraries',
    heading: 'Libraries',
    singular: 'library',
    about: 'Your branches. A partner’s Default Library Owner and Default Pickup Library name one (the guide’s “Your Library”).',
    fields: [
      code('MAIN', 'partners, locations and desks name it'),
      name('Such as Main Library.'),
      {
        path: 'isResourceSharing',
        label: 'Resource Sharing Library',
        help: 'Checked for a library that handles resource sharing requests. The ILLiad partner’s Default Library Owner should be one (the doctor warns otherwise).',
        kind: checkbox,
      },
      { path: 'isPickup', label: 'Pickup Library', help: 'Checked when patrons may pick up requested items here: the new-request form offers only pickup libraries.', kind: checkbox },
    ],
  },
  {
    kind: 'locations',
    heading: 'Locations',
    singular: 'location',
    about: 'Shelf locations inside a library. The guide’s Default Location, in every section of the ILLiad partner, is Resource Sharing Long Loan.',
    fields: [
      code('RS_LONG_LOAN', 'partners name a location by its code alone, so it is unique across every library'),
      name('The guide: Resource Sharing Long Loan.'),
      { path: 'library', label: 'Library', help: 'The library the location is in.', kind: inLibrary },
    ],
  },
  {
    kind: 'desks',
    heading: 'Circulation desks',
    singular: 'circulation desk',
    about: 'Where receiving and loans are recorded. The ILLiad partner’s Receive Desk names one (the guide’s “Your Circulation Desk”).',
    fields: [
      code('RS_DESK', 'the ILLiad partner’s Receive Desk names it'),
      name('Such as Resource Sharing Desk.'),
      { path: 'library', label: 'Library', help: 'The library the desk is in.', kind: inLibrary },
    ],
  },
  {
    kind: 'item-policies',
    heading: 'Item policies',
    singular: 'item policy',
    about: 'Loan rules of items. The ILLiad partner’s Default Item Policy names one (the guide’s “Your general checkout policy”).',
    fields: [
      code('GENERAL', 'the ILLiad partner’s Default Item Policy names it'),
      name('Such as General loan.'),
      { path: 'loanPeriodDays', label: 'Loan Period (days)', help: 'How many days an item with this policy is lent, such as 28.', kind: { type: 'number' } },
    ],
  },
];

export function placeKind(kind: string): PlaceKindSpec | undefined {
  return PLACE_KINDS.find((k) => k.kind === kind);
}
