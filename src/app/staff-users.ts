/**
 * Staff users (issue 8): people who sign in to the staff pages with a user name and password, with the roles of
 * the API. Signing in makes a short-lived session token in the token table (it expires after
 * SESSION_LIFETIME_SECONDS), so TokenService.authenticate checks a session on every request exactly as it checks an
 * API token, and revoking it ends the session at once. Disabling a user, or changing its role or password, revokes
 * its open sessions in the same transaction.
 *
 * Passwords never leave this file except as scrypt hashes (app/passwords.ts), and no message quotes one.
 */
import { randomBytes } from 'node:crypto';
import type { StaffRole } from '../domain/access/roles.ts';
import { SignInThrottle } from '../domain/access/sign-in-throttle.ts';
import {
  hashIsOutdated,
  newStaffUserSchema,
  parsePasswordHash,
  passwordProblems,
  SESSION_LIFETIME_SECONDS,
  type StaffUser,
  staffUserChangeSchema,
  usernameKey,
} from '../domain/access/staff-user.ts';
import { validate } from '../domain/config/validate.ts';
import { invalid, InterlendError, notFound, type Problem, problemError } from '../domain/errors.ts';
import { PasswordHasher } from './passwords.ts';
import type { Clock, IdSource, Storage } from './ports.ts';
import { hashToken } from './token-service.ts';

/** The one answer to a wrong user name or a wrong password: it does not say which was wrong. */
export const WRONG_CREDENTIALS = 'The user name or password is not right.';

/** Who asks for a change, when it is a signed-in staff user: some changes one may not make to oneself. */
export interface Actor {
  readonly tokenId: string;
  readonly userId?: string | undefined;
}

export interface SignedIn {
  /** The session token: goes in the staff pages' cookie, never shown. */
  readonly secret: string;
  readonly tokenId: string;
  readonly user: StaffUser;
  readonly expiresAt: string;
}

export interface StaffUserChange {
  readonly name?: unknown;
  readonly role?: unknown;
  readonly password?: unknown;
  readonly disabled?: unknown;
}

function fieldsOf(input: unknown): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw invalid([{ path: '', message: 'must be a group of fields' }]);
  return input as Record<string, unknown>;
}

function lockedMessage(waitMs: number): string {
  const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
  return `Too many failed sign-ins for this user name. Wait ${minutes} minute${minutes === 1 ? '' : 's'}, then try again (or ask an administrator to set a new password).`;
}

export class StaffUsers {
  private readonly hasher: PasswordHasher;
  private readonly throttle: SignInThrottle;
  /** Checked instead when the user name is unknown, so an unknown name takes as long as a wrong password. */
  private dummy: Promise<string> | undefined;

  constructor(private readonly deps: { storage: Storage; clock: Clock; ids: IdSource; hasher?: PasswordHasher; throttle?: SignInThrottle }) {
    this.hasher = deps.hasher ?? new PasswordHasher();
    this.throttle = deps.throttle ?? new SignInThrottle();
  }

  async list(): Promise<StaffUser[]> {
    return this.deps.storage.read.staffUsers.list();
  }

  async get(username: string): Promise<StaffUser> {
    const user = await this.deps.storage.read.staffUsers.find(username);
    if (!user) throw notFound(`staff user ${username}`);
    return user;
  }

  async create(input: unknown): Promise<StaffUser> {
    const { password, ...rest } = fieldsOf(input);
    const checked = validate(newStaffUserSchema, rest);
    const problems: Problem[] = checked.ok ? [] : [...checked.problems];
    problems.push(...passwordProblems(password, checked.ok ? checked.value.username : typeof rest.username === 'string' ? rest.username : undefined));
    if (!checked.ok || problems.length) throw invalid(problems);
    const { username, name, role } = checked.value;
    const taken = () => problemError('ILL_ERR_DUPLICATE', [{ path: 'username', message: `${username} is taken (user names are compared without case)` }]);
    if (await this.deps.storage.read.staffUsers.find(username)) throw taken();
    const hash = await this.hasher.hash(password as string);
    const now = this.deps.clock.now();
    const user: StaffUser = { id: this.deps.ids.newId(), username, name, role, createdAt: now, updatedAt: now, disabledAt: null, lastSignInAt: null };
    // The unique key decides a race between two admins adding the same name.
    if (!(await this.deps.storage.transaction((repos) => repos.staffUsers.insert(user, hash)))) throw taken();
    return user;
  }

  /**
   * Changes what is given (name, role, password, disabled). A new role or password, or disabling, revokes the
   * user's open sessions at once; a user changing their own password keeps the session they do it from.
   */
  async update(username: string, input: unknown, actor?: Actor): Promise<StaffUser> {
    const { password, ...rest } = fieldsOf(input);
    const checked = validate(staffUserChangeSchema, rest);
    const problems: Problem[] = checked.ok ? [] : [...checked.problems];
    if (password !== undefined) problems.push(...passwordProblems(password, username));
    if (!checked.ok || problems.length) throw invalid(problems);
    const change = checked.value;
    // Hashing takes a moment: not inside the transaction.
    const hash = password === undefined ? undefined : await this.hasher.hash(password as string);
    const now = this.deps.clock.now();
    const updated = await this.deps.storage.transaction(async (repos) => {
      const current = await repos.staffUsers.find(username);
      if (!current) throw notFound(`staff user ${username}`);
      const self = actor?.userId === current.id;
      const role: StaffRole = change.role ?? current.role;
      const disabledAt = change.disabled === undefined ? current.disabledAt : change.disabled ? (current.disabledAt ?? now) : null;
      if (self && role !== current.role) throw problemError('ILL_ERR_NOT_ALLOWED', [{ path: 'role', message: 'you cannot change your own role: ask another administrator' }]);
      if (self && disabledAt && !current.disabledAt) throw problemError('ILL_ERR_NOT_ALLOWED', [{ path: 'disabled', message: 'you cannot disable the user you are signed in as' }]);
      const next: StaffUser = { ...current, name: change.name ?? current.name, role, disabledAt, updatedAt: now };
      const renamed = next.name !== current.name;
      const changed = renamed || role !== current.role || (disabledAt === null) !== (current.disabledAt === null);
      if (!changed && !hash) return current;
      if (changed) await repos.staffUsers.update(next);
      if (hash) await repos.staffUsers.setPasswordHash(current.id, hash, now);
      if (renamed) await repos.tokens.renameSessionsOf(current.id, next.name);
      if (role !== current.role || hash || (disabledAt && !current.disabledAt)) {
        await repos.tokens.revokeSessionsOf(current.id, now, self ? actor?.tokenId : undefined);
      }
      return next;
    });
    // A new password lets a locked-out user try again at once.
    if (hash) this.throttle.clear(usernameKey(updated.username));
    return updated;
  }

  setPassword(username: string, password: unknown, actor?: Actor): Promise<StaffUser> {
    return this.update(username, { password }, actor);
  }

  disable(username: string, actor?: Actor): Promise<StaffUser> {
    return this.update(username, { disabled: true }, actor);
  }

  enable(username: string, actor?: Actor): Promise<StaffUser> {
    return this.update(username, { disabled: false }, actor);
  }

  /** Removes the user and ends its sessions. */
  async delete(username: string, actor?: Actor): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.storage.transaction(async (repos) => {
      const current = await repos.staffUsers.find(username);
      if (!current) throw notFound(`staff user ${username}`);
      if (actor?.userId === current.id) throw problemError('ILL_ERR_NOT_ALLOWED', [{ path: '', message: 'you cannot delete the user you are signed in as' }]);
      await repos.tokens.revokeSessionsOf(current.id, now);
      await repos.staffUsers.delete(current.id);
    });
  }

  /**
   * A session for the user whose password this is. Every refusal of a name or password is the same
   * ILL_ERR_UNAUTHENTICATED with WRONG_CREDENTIALS, and costs the same hash whether the name exists or not.
   * ILL_ERR_TOO_MANY_ATTEMPTS: the name is locked for a while (the sign-in throttle); ILL_ERR_FORBIDDEN: the
   * password was right but the user is disabled.
   */
  async signIn(username: unknown, password: unknown): Promise<SignedIn> {
    if (typeof username !== 'string' || !username.trim() || typeof password !== 'string' || !password) {
      throw invalid([{ path: '', message: 'Enter your user name and password.' }]);
    }
    const dummy = await this.dummyHash();
    const key = usernameKey(username);
    const started = Date.parse(this.deps.clock.now());
    const gate = this.throttle.begin(key, started);
    if (gate.lockedUntil !== undefined) throw new InterlendError('ILL_ERR_TOO_MANY_ATTEMPTS', lockedMessage(gate.lockedUntil - started));

    const found = await this.deps.storage.read.staffUsers.credentialsOf(username);
    const right = await this.hasher.verify(password, found?.passwordHash ?? dummy);
    if (!found || !right) throw new InterlendError('ILL_ERR_UNAUTHENTICATED', WRONG_CREDENTIALS);
    if (found.user.disabledAt) throw new InterlendError('ILL_ERR_FORBIDDEN', 'This user is disabled. Ask an administrator to enable it.');
    this.throttle.succeeded(key);

    const stored = parsePasswordHash(found.passwordHash);
    const rehash = stored && hashIsOutdated(stored, this.hasher.params) ? await this.hasher.hash(password) : undefined;
    const secret = this.deps.ids.newToken();
    const now = this.deps.clock.now();
    const expiresAt = new Date(Date.parse(now) + SESSION_LIFETIME_SECONDS * 1000).toISOString();
    const tokenId = this.deps.ids.newId();
    const user = await this.deps.storage.transaction(async (repos) => {
      // An administrator may have disabled the user, or changed its role or password, while the hash was checked.
      const again = await repos.staffUsers.credentialsOf(username);
      if (!again || again.passwordHash !== found.passwordHash || again.user.disabledAt || again.user.role !== found.user.role) {
        throw new InterlendError('ILL_ERR_UNAUTHENTICATED', WRONG_CREDENTIALS);
      }
      // Sessions that ended can never be used again: clear them here rather than in a job of their own.
      await repos.tokens.deleteExpiredSessions(now);
      await repos.tokens.insert(
        { id: tokenId, name: again.user.name, role: again.user.role, createdAt: now, lastUsedAt: null, revokedAt: null, expiresAt, userId: again.user.id },
        hashToken(secret),
      );
      await repos.staffUsers.markSignedIn(again.user.id, now, rehash);
      return { ...again.user, lastSignInAt: now };
    });
    return { secret, tokenId, user, expiresAt };
  }

  /** Ends a password sign-in's session: its token is revoked. An API token is left alone (returns false). */
  async signOut(secret: string): Promise<boolean> {
    const tokens = this.deps.storage.read.tokens;
    const token = await tokens.findByHash(hashToken(secret));
    if (!token?.userId || token.revokedAt) return false;
    return tokens.revoke(token.id, this.deps.clock.now());
  }

  private dummyHash(): Promise<string> {
    this.dummy ??= this.hasher.hash(randomBytes(24).toString('base64url'));
    return this.dummy;
  }
}
