/**
 * Staff users for the pages: the list's rows, the forms' values as typed (never a password), the notices after a
 * change, and each refusal placed next to its field. StaffUsers decides what is valid.
 */
import { STAFF_ROLES, type StaffRole } from '../../domain/access/roles.ts';
import type { StaffUser } from '../../domain/access/staff-user.ts';
import type { Option } from './rota-templates.ts';

export const USERS_PATH = '/ui/users';
export const userHref = (username: string): string => `${USERS_PATH}/${encodeURIComponent(username)}`;

/** The roles in words: what each may do, so an admin picks knowingly. */
export const ROLE_LABELS: Readonly<Record<StaffRole, string>> = {
  admin: 'Admin: everything, including users and tokens',
  'partners-manager': 'Partners manager: partners, rota templates and rules',
  operator: 'Operator: requests and patrons',
  'read-only': 'Read-only: sees requests, patrons and the configuration',
};
export const ROLE_OPTIONS: readonly Option[] = STAFF_ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));

/** `2026-11-28 12:00 UTC`, or "Never". */
export const when = (iso: string | null): string => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : 'Never');

export interface UserRow {
  readonly username: string;
  readonly href: string;
  readonly name: string;
  readonly role: StaffRole;
  readonly lastSignIn: string;
  readonly status: string;
  readonly disabled: boolean;
}

export function userRowOf(user: StaffUser): UserRow {
  return {
    username: user.username,
    href: userHref(user.username),
    name: user.name,
    role: user.role,
    lastSignIn: when(user.lastSignInAt),
    status: user.disabledAt ? `Disabled since ${when(user.disabledAt)}` : 'Active',
    disabled: user.disabledAt !== null,
  };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The add-user form as typed: the passwords are not kept (a refused form asks for them again). */
export interface NewUserValues {
  readonly username: string;
  readonly name: string;
  readonly role: string;
}

export const newUserValuesOf = (body: Record<string, unknown>): NewUserValues => ({ username: text(body.username).trim(), name: text(body.name), role: text(body.role) || 'operator' });

export interface UserDetailsValues {
  readonly name: string;
  readonly role: string;
}

export const userDetailsOf = (body: Record<string, unknown>): UserDetailsValues => ({ name: text(body.name), role: text(body.role) });

/** The two password boxes must agree before the use case is asked: a typing slip is caught here. */
export function passwordsOf(body: Record<string, unknown>): { password: string; mismatch: boolean } {
  const password = text(body.password);
  return { password, mismatch: password !== text(body.passwordAgain) };
}

export const PASSWORD_MISMATCH = 'does not match the password';

/** What a change did, shown on the user's page after the redirect (`?saved=`). */
export const NOTICES: Readonly<Record<string, string>> = {
  details: 'Saved. A new role takes effect at once: the user’s open sessions have ended.',
  name: 'Saved.',
  password: 'New password set. The user’s open sessions have ended.',
  disabled: 'Disabled. The user’s open sessions have ended, and they cannot sign in until enabled again.',
  enabled: 'Enabled. The user can sign in again.',
};

export function noticeOf(query: Record<string, unknown>): string | undefined {
  const key = text(query.saved);
  return Object.hasOwn(NOTICES, key) ? NOTICES[key] : undefined;
}
