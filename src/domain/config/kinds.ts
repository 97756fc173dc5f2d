/**
 * The configuration objects as data: how each is validated, what identifies it, and which other objects it names.
 * The API, storage, the configuration file and the reference checks all work from this one table.
 */
import type { z } from 'zod';
import { institutionSchema, type Institution } from './institution.ts';
import { partnerSchema, type Partner } from './partner.ts';
import { patronSchema, type Patron } from './patron.ts';
import { deskSchema, itemPolicySchema, librarySchema, locationSchema, type Desk, type ItemPolicy, type Library, type Location } from './places.ts';
import { LIBRARY_PARAMETERS, rotaRuleSchema, type RotaRule } from './rota-rule.ts';
import { rotaTemplateSchema, type RotaTemplate } from './rota-template.ts';

/** Resource names of the API (design.md), which are also the kinds of configuration object. */
export const CONFIG_KINDS = ['libraries', 'locations', 'desks', 'item-policies', 'patrons', 'partners', 'rota-templates', 'rota-rules'] as const;
export type ConfigKind = (typeof CONFIG_KINDS)[number];

export interface ConfigDocs {
  libraries: Library;
  locations: Location;
  desks: Desk;
  'item-policies': ItemPolicy;
  patrons: Patron;
  partners: Partner;
  'rota-templates': RotaTemplate;
  'rota-rules': RotaRule;
}

/** Another object named by a field of this one. */
export interface Reference {
  readonly kind: ConfigKind;
  readonly key: string;
  /** Field path inside the referring object. */
  readonly path: string;
}

export interface KindSpec<K extends ConfigKind> {
  readonly kind: K;
  /** Word for one object, in messages: "partner ILLiad". */
  readonly singular: string;
  /** Key of the section in the configuration file. */
  readonly section: string;
  /** The field that identifies the object (unique; immutable unless `renamable`). */
  readonly keyField: string;
  /**
   * Whether the key may change. Codes and primary ids may not: other objects and partners' messages name them. A
   * rota assignment rule's name may: nothing names a rule (requests keep the rules they were routed by).
   */
  readonly renamable: boolean;
  readonly schema: z.ZodType<ConfigDocs[K], unknown>;
  key(doc: ConfigDocs[K]): string;
  /** Human name used in messages such as "used by rota template ILLiad Partner". */
  title(doc: ConfigDocs[K]): string;
  references(doc: ConfigDocs[K]): Reference[];
  /** Rota rules form one ordered list; the others are sorted by key. */
  readonly ordered: boolean;
}

const ref = (kind: ConfigKind, key: string | null | undefined, path: string): Reference[] => (key ? [{ kind, key, path }] : []);

function partnerReferences(partner: Partner): Reference[] {
  if (partner.profileType !== 'NCIP') return [];
  const { generalInformation: gi, requestItem: ri, checkOutItem: co, acceptItem: ai } = partner.ncip;
  return [
    ...ref('libraries', gi.defaultLibraryOwner, 'ncip.generalInformation.defaultLibraryOwner'),
    ...ref('locations', ri.defaultLocation, 'ncip.requestItem.defaultLocation'),
    ...ref('libraries', ri.defaultPickupLibrary, 'ncip.requestItem.defaultPickupLibrary'),
    ...ref('locations', co.defaultLocation, 'ncip.checkOutItem.defaultLocation'),
    ...ref('item-policies', co.defaultItemPolicy, 'ncip.checkOutItem.defaultItemPolicy'),
    ...ref('locations', ai.defaultLocation, 'ncip.acceptItem.defaultLocation'),
    ...ref('libraries', ai.defaultPickupLibrary, 'ncip.acceptItem.defaultPickupLibrary'),
    ...ref('desks', ai.receiveDesk, 'ncip.acceptItem.receiveDesk'),
  ];
}

function ruleReferences(rule: RotaRule): Reference[] {
  const templates = rule.templates.map((code, i) => ({ kind: 'rota-templates' as const, key: code, path: `templates[${i}]` }));
  const libraries = rule.conditions.flatMap((condition, i) => {
    if (!LIBRARY_PARAMETERS.includes(condition.parameter) || condition.value === null) return [];
    const values = Array.isArray(condition.value) ? condition.value : [condition.value];
    return values.map((code, j) => ({
      kind: 'libraries' as const,
      key: code,
      path: Array.isArray(condition.value) ? `conditions[${i}].value[${j}]` : `conditions[${i}].value`,
    }));
  });
  return [...templates, ...libraries];
}

const byCode = { key: (doc: { code: string }) => doc.code, title: (doc: { name: string }) => doc.name, keyField: 'code', renamable: false, ordered: false };

export const KIND_SPECS: { readonly [K in ConfigKind]: KindSpec<K> } = {
  libraries: { ...byCode, kind: 'libraries', singular: 'library', section: 'libraries', schema: librarySchema, references: () => [] },
  locations: {
    ...byCode,
    kind: 'locations',
    singular: 'location',
    section: 'locations',
    schema: locationSchema,
    references: (l) => ref('libraries', l.library, 'library'),
  },
  desks: { ...byCode, kind: 'desks', singular: 'circulation desk', section: 'desks', schema: deskSchema, references: (d) => ref('libraries', d.library, 'library') },
  'item-policies': { ...byCode, kind: 'item-policies', singular: 'item policy', section: 'itemPolicies', schema: itemPolicySchema, references: () => [] },
  patrons: {
    kind: 'patrons',
    singular: 'patron',
    section: 'patrons',
    keyField: 'primaryId',
    renamable: false,
    ordered: false,
    schema: patronSchema,
    key: (p) => p.primaryId,
    title: (p) => `${p.firstName} ${p.lastName}`,
    references: (p) => ref('libraries', p.pickupLibrary, 'pickupLibrary'),
  },
  partners: { ...byCode, kind: 'partners', singular: 'partner', section: 'partners', schema: partnerSchema, references: partnerReferences },
  'rota-templates': {
    ...byCode,
    kind: 'rota-templates',
    singular: 'rota template',
    section: 'rotaTemplates',
    schema: rotaTemplateSchema,
    references: (t) => t.members.map((code, i) => ({ kind: 'partners' as const, key: code, path: `members[${i}]` })),
  },
  'rota-rules': {
    kind: 'rota-rules',
    singular: 'rota assignment rule',
    section: 'rotaRules',
    keyField: 'name',
    renamable: true,
    ordered: true,
    schema: rotaRuleSchema,
    key: (r) => r.name,
    title: (r) => r.name,
    references: ruleReferences,
  },
};

export function kindSpec<K extends ConfigKind>(kind: K): KindSpec<K> {
  return KIND_SPECS[kind] as KindSpec<K>;
}

export function isConfigKind(value: string): value is ConfigKind {
  return (CONFIG_KINDS as readonly string[]).includes(value);
}

export const INSTITUTION_SPEC = {
  schema: institutionSchema,
  references: (i: Institution): Reference[] => ref('libraries', i.defaultPickupLibrary, 'defaultPickupLibrary'),
};
