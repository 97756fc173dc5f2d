/**
 * Roles of tokens and what each may do (design.md: admin, partners-manager, operator, read-only; `peer`, the
 * token another library's Interlend uses to ask our availability; `discovery`, the token of the library's discovery
 * system asking which request services to show a patron). The table is the whole policy; routes ask `can(role, permission)` and nothing else decides.
 */
export const ROLES = ['admin', 'partners-manager', 'operator', 'read-only', 'peer', 'discovery'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'read-config', // libraries, locations, desks, item policies, partners, rotas, rules, institution
  'write-places', // institution, libraries, locations, desks, item policies
  'write-partners', // partners, rota templates, rota assignment rules
  'read-patrons',
  'write-patrons',
  'read-requests',
  'write-requests',
  'transfer-config', // whole-configuration import and export (it holds patrons' personal data)
  'manage-tokens',
  'manage-users', // staff users who sign in with a user name and password (issue 8)
  'read-availability', // whether we hold an item: what a peer library's locate asks (issue 6, item 6)
  'read-notices', // notice templates and the notices sent to patrons (issue 9): they hold patrons' names and addresses
  'write-notices', // change notice templates, switch a notice type on or off
  'read-services', // which request services a patron is offered for a citation (issue 9, item 3)
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  'partners-manager': ['read-config', 'write-partners', 'read-requests'],
  operator: ['read-config', 'read-patrons', 'write-patrons', 'read-requests', 'write-requests', 'read-notices', 'read-services'],
  'read-only': ['read-config', 'read-patrons', 'read-requests', 'read-services'],
  // Another library's Interlend, asking before it routes a request to us: that and nothing else.
  peer: ['read-availability'],
  // The discovery system (Primo, VuFind, …), asking what to show a patron: that and nothing else.
  discovery: ['read-services'],
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** The roles of people at the library (staff users, the staff pages): not `peer` or `discovery`, which are other systems. */
export const STAFF_ROLES = ['admin', 'partners-manager', 'operator', 'read-only'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

export function isStaffRole(value: string): value is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(value);
}

/** Who may read and who may change each kind of configuration object. */
export const KIND_PERMISSIONS = {
  libraries: { read: 'read-config', write: 'write-places' },
  locations: { read: 'read-config', write: 'write-places' },
  desks: { read: 'read-config', write: 'write-places' },
  'item-policies': { read: 'read-config', write: 'write-places' },
  patrons: { read: 'read-patrons', write: 'write-patrons' },
  partners: { read: 'read-config', write: 'write-partners' },
  'rota-templates': { read: 'read-config', write: 'write-partners' },
  'rota-rules': { read: 'read-config', write: 'write-partners' },
} as const satisfies Record<string, { read: Permission; write: Permission }>;
