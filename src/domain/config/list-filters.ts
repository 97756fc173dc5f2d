/** The filters each list of configuration objects takes (`GET /api/v1/partners?status=ACTIVE`), with their values. */
import { ACTIVE_STATUS, PROFILE_TYPE } from './enums.ts';
import type { ConfigKind } from './kinds.ts';

/** A closed list of values, `boolean` (true/false), or `text` (any value, matched exactly). */
export type FilterValues = readonly string[] | 'boolean' | 'text';

export const LIST_FILTERS: { readonly [K in ConfigKind]: Readonly<Record<string, FilterValues>> } = {
  libraries: { isPickup: 'boolean', isResourceSharing: 'boolean' },
  locations: { library: 'text' },
  desks: { library: 'text' },
  'item-policies': {},
  patrons: { userGroup: 'text', status: ACTIVE_STATUS.values },
  partners: { status: ACTIVE_STATUS.values, profileType: PROFILE_TYPE.values },
  'rota-templates': { status: ACTIVE_STATUS.values },
  'rota-rules': { enabled: 'boolean' },
};
