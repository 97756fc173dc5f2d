/** Where each kind of configuration object is stored, and the columns its filters and search read. */
import type { ConfigDocs, ConfigKind } from '../domain/config/kinds.ts';
import type { Database } from './schema.ts';

export interface TableSpec<K extends ConfigKind> {
  readonly table: keyof Database & string;
  /** Values of the kind's own columns (beyond those every config table has). */
  columns(doc: ConfigDocs[K]): Record<string, string | number>;
  /** API filter name → column. Boolean filters are stored as 0/1. */
  readonly filterColumns: Readonly<Record<string, string>>;
  /** Text that `q=` finds the object by. */
  search(doc: ConfigDocs[K]): string;
}

const bit = (b: boolean) => (b ? 1 : 0);
const codeAndName = (doc: { code: string; name: string }) => `${doc.code} ${doc.name}`;

export const CONFIG_TABLES: { readonly [K in ConfigKind]: TableSpec<K> } = {
  libraries: {
    table: 'library',
    columns: (l) => ({ is_pickup: bit(l.isPickup), is_resource_sharing: bit(l.isResourceSharing) }),
    filterColumns: { isPickup: 'is_pickup', isResourceSharing: 'is_resource_sharing' },
    search: codeAndName,
  },
  locations: { table: 'location', columns: (l) => ({ library: l.library }), filterColumns: { library: 'library' }, search: codeAndName },
  desks: { table: 'desk', columns: (d) => ({ library: d.library }), filterColumns: { library: 'library' }, search: codeAndName },
  'item-policies': { table: 'item_policy', columns: () => ({}), filterColumns: {}, search: codeAndName },
  patrons: {
    table: 'patron',
    columns: (p) => ({ user_group: p.userGroup, status: p.status }),
    filterColumns: { userGroup: 'user_group', status: 'status' },
    search: (p) => [p.primaryId, p.firstName, p.lastName, p.email ?? '', ...p.identifiers.map((i) => i.value)].join(' '),
  },
  partners: {
    table: 'partner',
    columns: (p) => ({ status: p.status, profile_type: p.profileType }),
    filterColumns: { status: 'status', profileType: 'profile_type' },
    search: codeAndName,
  },
  'rota-templates': { table: 'rota_template', columns: (t) => ({ status: t.status }), filterColumns: { status: 'status' }, search: codeAndName },
  'rota-rules': { table: 'rota_rule', columns: (r) => ({ enabled: bit(r.enabled) }), filterColumns: { enabled: 'enabled' }, search: (r) => r.name },
};
