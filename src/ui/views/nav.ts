/** What the header offers a role: a link only where the role may use what is behind it. */
import { can, type Role } from '../../domain/access/roles.ts';

export interface NavLink {
  readonly href: string;
  readonly label: string;
}

export function navFor(role: Role): NavLink[] {
  const links: NavLink[] = [];
  if (can(role, 'read-requests')) links.push({ href: '/ui', label: 'Dashboard' }, { href: '/ui/requests', label: 'Requests' });
  if (can(role, 'write-requests')) links.push({ href: '/ui/requests/new', label: 'New request' });
  if (can(role, 'read-requests')) links.push({ href: '/ui/lending', label: 'Lending' });
  if (can(role, 'read-patrons')) links.push({ href: '/ui/patrons', label: 'Patrons' });
  if (can(role, 'read-config')) links.push({ href: '/ui/places', label: 'Libraries & places' });
  if (can(role, 'read-config')) links.push({ href: '/ui/partners', label: 'Partners' });
  if (can(role, 'read-config')) links.push({ href: '/ui/rota-templates', label: 'Rota templates' }, { href: '/ui/rota-rules', label: 'Rota rules' });
  if (can(role, 'read-notices')) links.push({ href: '/ui/notices', label: 'Notices' });
  if (can(role, 'read-config')) links.push({ href: '/ui/doctor', label: 'Doctor' });
  if (can(role, 'manage-users')) links.push({ href: '/ui/users', label: 'Users' });
  return links;
}

/** The page a role lands on after signing in: the dashboard, or the doctor for a role that cannot read requests. */
export function homeFor(role: Role): string {
  return navFor(role)[0]?.href ?? '/ui/sign-in';
}
