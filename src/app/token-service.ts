/**
 * Staff bearer tokens. Only a SHA-256 of each token is stored: a token is 256 random bits, so a fast hash is
 * enough, and a copy of the database does not give anyone access.
 */
import { createHash } from 'node:crypto';
import { isRole, ROLES, type Role } from '../domain/access/roles.ts';
import { nameSchema } from '../domain/config/fields.ts';
import { validate } from '../domain/config/validate.ts';
import { invalid, notFound } from '../domain/errors.ts';
import type { ApiToken, Clock, IdSource, Storage } from './ports.ts';

export interface Caller {
  readonly tokenId: string;
  readonly name: string;
  readonly role: Role;
  /** Set when the token is a staff user's session (a password sign-in, app/staff-users.ts). */
  readonly userId?: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** How often a token's "last used" time is written: once a minute is enough to see which tokens are alive. */
const LAST_USED_RESOLUTION_MS = 60_000;

export class TokenService {
  constructor(private readonly deps: { storage: Storage; clock: Clock; ids: IdSource }) {}

  async create(input: { name?: unknown; role?: unknown }): Promise<{ token: ApiToken; secret: string }> {
    const name = validate(nameSchema, input.name, ['name']);
    const problems = name.ok ? [] : name.problems;
    if (typeof input.role !== 'string' || !isRole(input.role)) {
      problems.push({ path: 'role', message: `must be one of ${ROLES.join(', ')}` });
    }
    if (!name.ok || problems.length) throw invalid(problems);
    return this.issue(name.value, input.role as Role);
  }

  /** API tokens; with `sessions`, staff users' session tokens too (they come and go with every sign-in). */
  async list(options: { sessions?: boolean } = {}): Promise<ApiToken[]> {
    return this.deps.storage.read.tokens.list(options);
  }

  async revoke(id: string): Promise<void> {
    if (!(await this.deps.storage.read.tokens.revoke(id, this.deps.clock.now()))) throw notFound(`active token ${id}`);
  }

  /** The caller a bearer token belongs to, or undefined for an unknown, revoked or expired token. */
  async authenticate(secret: string): Promise<Caller | undefined> {
    const token = await this.deps.storage.read.tokens.findByHash(hashToken(secret));
    if (!token || token.revokedAt) return undefined;
    const now = this.deps.clock.now();
    if (token.expiresAt && Date.parse(token.expiresAt) <= Date.parse(now)) return undefined;
    if (!token.lastUsedAt || Date.parse(now) - Date.parse(token.lastUsedAt) > LAST_USED_RESOLUTION_MS) {
      await this.deps.storage.read.tokens.markUsed(token.id, now);
    }
    return { tokenId: token.id, name: token.name, role: token.role, ...(token.userId ? { userId: token.userId } : {}) };
  }

  /**
   * The first admin token: `INTERLEND_ADMIN_TOKEN` when given (stored if it is not yet), otherwise a new one when
   * no token exists, returned so the caller can print it once.
   */
  async ensureAdminToken(fromEnv: string | undefined): Promise<{ generated?: string }> {
    const tokens = this.deps.storage.read.tokens;
    if (fromEnv) {
      if (fromEnv.length < 16) throw new Error('INTERLEND_ADMIN_TOKEN must be at least 16 characters long');
      const found = await tokens.findByHash(hashToken(fromEnv));
      if (!found) await this.store('INTERLEND_ADMIN_TOKEN', 'admin', fromEnv);
      return {};
    }
    if ((await tokens.count()) > 0) return {};
    const { secret } = await this.issue('first admin token', 'admin');
    return { generated: secret };
  }

  private async issue(name: string, role: Role): Promise<{ token: ApiToken; secret: string }> {
    return this.store(name, role, this.deps.ids.newToken());
  }

  private async store(name: string, role: Role, secret: string): Promise<{ token: ApiToken; secret: string }> {
    const token: ApiToken = { id: this.deps.ids.newId(), name, role, createdAt: this.deps.clock.now(), lastUsedAt: null, revokedAt: null };
    await this.deps.storage.read.tokens.insert(token, hashToken(secret));
    return { token, secret };
  }
}
