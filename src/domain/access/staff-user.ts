/**
 * Staff users (issue 8): people who sign in to the staff pages with a user name and password, each with one of the
 * API's roles (never `peer`). The rules here are pure: what a user name, a display name and a password must be,
 * and how a password hash is written down. Hashing itself (scrypt) is in app/passwords.ts.
 */
import { z } from 'zod';
import { nameSchema } from '../config/fields.ts';
import type { Problem } from '../errors.ts';
import { STAFF_ROLES, type StaffRole } from './roles.ts';

export interface StaffUser {
  readonly id: string;
  /** As it was typed when the user was made; compared without case (see `usernameKey`). */
  readonly username: string;
  /** What the header and the history show. */
  readonly name: string;
  readonly role: StaffRole;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Set while the user may not sign in. */
  readonly disabledAt: string | null;
  readonly lastSignInAt: string | null;
}

/**
 * A session from a password sign-in lasts a working day and a half, like the staff pages' cookie (ui/session.ts):
 * staff sign in again each morning.
 */
export const SESSION_LIFETIME_SECONDS = 12 * 60 * 60;

export const PASSWORD_MIN_LENGTH = 12;
/** Long enough for any passphrase or generated password, short enough that nobody sends a megabyte to hash. */
export const PASSWORD_MAX_LENGTH = 1024;

/**
 * ASCII letters, digits and `. _ - @` (an e-mail address works): no spaces, and no letters whose lower case differs
 * between JavaScript and the databases, so "Alice" and "alice" are the same user everywhere.
 */
export const usernameSchema = z
  .string({ error: 'must be text' })
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'must be 1 to 64 letters, digits, ".", "_", "-" or "@", starting with a letter or digit');

/** The form a user name is looked up and kept unique by. */
export const usernameKey = (username: string): string => username.trim().toLowerCase();

/** What creating a user takes, without the password (checked by `passwordProblems`, which never quotes it). */
export const newStaffUserSchema = z.strictObject({
  username: usernameSchema,
  name: nameSchema,
  role: z.enum(STAFF_ROLES),
});

/** What may change; every field is optional. */
export const staffUserChangeSchema = z.strictObject({
  name: nameSchema.optional(),
  role: z.enum(STAFF_ROLES).optional(),
  disabled: z.boolean({ error: 'must be true or false' }).optional(),
});

/**
 * Passwords are compared after Unicode NFKC normalization (NIST SP 800-63B), so the same password typed on another
 * keyboard or system still matches.
 */
export const normalizePassword = (password: string): string => password.normalize('NFKC');

/**
 * What is wrong with a new password, in words; the messages never contain the password. Length is counted in
 * characters (code points), after normalization.
 */
export function passwordProblems(password: unknown, username: string | undefined, path = 'password'): Problem[] {
  if (password === undefined || password === null || password === '') return [{ path, message: 'is required' }];
  if (typeof password !== 'string') return [{ path, message: 'must be text' }];
  const length = [...normalizePassword(password)].length;
  if (length < PASSWORD_MIN_LENGTH) return [{ path, message: `must be at least ${PASSWORD_MIN_LENGTH} characters long` }];
  if (length > PASSWORD_MAX_LENGTH) return [{ path, message: `must be at most ${PASSWORD_MAX_LENGTH} characters long` }];
  if (username !== undefined && normalizePassword(password).trim().toLowerCase() === usernameKey(username)) {
    return [{ path, message: 'must not be the user name' }];
  }
  return [];
}

/** scrypt's cost parameters: N (CPU and memory, a power of two), r (block size), p (parallelism). */
export interface ScryptParameters {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** A stored password: the parameters it was hashed with, its salt and the derived key (both base64url). */
export interface PasswordHash extends ScryptParameters {
  readonly salt: string;
  readonly key: string;
}

/**
 * Limits on parameters read back from storage: a damaged or planted hash must not make one sign-in take minutes or
 * gigabytes. 2^20 with r 8 is 1 GiB, far above what we write.
 */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

/** `scrypt$N$r$p$salt$key` (salt and key in base64url): the parameters travel with the hash, so they can be raised later. */
export function formatPasswordHash(hash: PasswordHash): string {
  return `scrypt$${hash.N}$${hash.r}$${hash.p}$${hash.salt}$${hash.key}`;
}

/** The stored form read back; undefined when it is not one we write (then no password matches it). */
export function parsePasswordHash(text: string): PasswordHash | undefined {
  const parts = text.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((n) => (/^[1-9][0-9]{0,8}$/.test(n!) ? Number(n) : NaN)) as [number, number, number];
  if (!(N > 1 && N <= MAX_N && (N & (N - 1)) === 0) || !(r >= 1 && r <= MAX_R) || !(p >= 1 && p <= MAX_P)) return undefined;
  if (!/^[A-Za-z0-9_-]{16,}$/.test(parts[4]!) || !/^[A-Za-z0-9_-]{16,}$/.test(parts[5]!)) return undefined;
  return { N, r, p, salt: parts[4]!, key: parts[5]! };
}

/** Whether a hash was made with other parameters than today's (it is hashed again at the next sign-in). */
export const hashIsOutdated = (hash: ScryptParameters, current: ScryptParameters): boolean => hash.N !== current.N || hash.r !== current.r || hash.p !== current.p;
