/**
 * Who a patron is (issue 9, item 2): signing in with an id and a PIN, or being named by the campus single sign-on
 * proxy (the edge decides whether to trust the header; this finds the patron it names). PINs are set by staff (the
 * patron's staff page, `PUT /api/v1/patrons/{id}/pin`, the CSV import's `pin` column), kept only as hashes, never
 * shown back; wrong PINs are counted per typed id and per client address (domain/patron/sign-in.ts).
 */
import { randomBytes } from 'node:crypto';
import type { USER_IDENTIFIER_TYPE } from '../domain/config/enums.ts';
import type { Patron } from '../domain/config/patron.ts';
import { invalid, notFound } from '../domain/errors.ts';
import { afterFailure, lockedUntil, pinProblem, SIGN_IN_LIMITS } from '../domain/patron/sign-in.ts';
import type { Clock, Repositories, Storage, Stored } from './ports.ts';
import type { SecretHasher } from './secret-hashing.ts';

export type PatronIdType = (typeof USER_IDENTIFIER_TYPE.values)[number];

/** A patron who is signed in: their stored id (what a session names) and their record. */
export interface SignedInPatron {
  readonly storedId: string;
  readonly patron: Patron;
  /** When their PIN was last set (null without one): a session made before a PIN change is no longer good. */
  readonly pinSetAt: string | null;
}

export type PinSignIn = { readonly ok: true; readonly patron: SignedInPatron } | { readonly ok: false; readonly locked?: string };

const SESSION_KEY_SETTING = 'patron-session-key';
const MINUTE = 60_000;

export interface PatronAuthDeps {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly hasher: SecretHasher;
  /** Which identifier patrons sign in with, and which one the single sign-on header carries (PATRON_AUTH_ID_TYPE). */
  readonly idType: PatronIdType;
}

export class PatronAuthService {
  /** A hash to compare against when the id is unknown, so that a wrong id takes as long as a wrong PIN. */
  private decoy: Promise<string> | undefined;

  constructor(private readonly deps: PatronAuthDeps) {}

  get idType(): PatronIdType {
    return this.deps.idType;
  }

  /** Sets (or replaces) a patron's PIN. */
  async setPin(primaryId: string, pin: unknown): Promise<{ updatedAt: string }> {
    const problem = pinProblem(pin);
    if (problem) throw invalid([{ path: 'pin', message: problem }]);
    const stored = await this.byPrimaryId(primaryId);
    const updatedAt = this.deps.clock.now();
    const hash = await this.deps.hasher.hash(pin as string);
    await this.deps.storage.transaction((repos) => repos.patronPins.put({ patronId: stored.id, hash, updatedAt }));
    return { updatedAt };
  }

  async removePin(primaryId: string): Promise<void> {
    const stored = await this.byPrimaryId(primaryId);
    await this.deps.storage.transaction((repos) => repos.patronPins.delete(stored.id));
  }

  /** Whether a PIN is set and since when: all anyone is ever told about it. */
  async pinStatus(primaryId: string): Promise<{ set: boolean; updatedAt: string | null }> {
    const stored = await this.byPrimaryId(primaryId);
    const pin = await this.deps.storage.read.patronPins.get(stored.id);
    return { set: !!pin, updatedAt: pin?.updatedAt ?? null };
  }

  /**
   * An id and a PIN, from a client address. Refused alike whether the id is unknown, has no PIN or the PIN is
   * wrong; locked (with until when) after too many wrong PINs for the id or from the address.
   */
  async signInWithPin(identifier: string, pin: string, address: string): Promise<PinSignIn> {
    const now = this.deps.clock.now();
    const keys = [`id:${identifier.trim().toLowerCase().slice(0, 255)}`, `address:${address}`];
    const states = await Promise.all(keys.map((key) => this.deps.storage.read.signInThrottle.get(key)));
    const locked = states.map((state) => lockedUntil(state, now)).find((until) => until !== undefined);
    if (locked) return { ok: false, locked };

    const found = identifier.trim() ? await this.findByIdentifier(this.deps.storage.read, identifier) : undefined;
    const record = found ? await this.deps.storage.read.patronPins.get(found.id) : undefined;
    const right = record ? await this.deps.hasher.verify(pin, record.hash) : (await this.deps.hasher.verify(pin, await this.decoyHash()), false);
    if (found && record && right) {
      await this.deps.storage.transaction((repos) => repos.signInThrottle.delete(keys[0]!));
      return { ok: true, patron: { storedId: found.id, patron: found.doc, pinSetAt: record.updatedAt } };
    }
    const after = await this.deps.storage.transaction(async (repos) => {
      const limits = [SIGN_IN_LIMITS.perIdentifier, SIGN_IN_LIMITS.perAddress];
      const next = await Promise.all(keys.map(async (key, i) => afterFailure(await repos.signInThrottle.get(key), now, limits[i]!)));
      for (const [i, key] of keys.entries()) await repos.signInThrottle.put(key, next[i]!);
      await repos.signInThrottle.prune(new Date(Date.parse(now) - SIGN_IN_LIMITS.windowMinutes * MINUTE).toISOString(), now);
      return next;
    });
    const nowLocked = after.map((state) => lockedUntil(state, now)).find((until) => until !== undefined);
    return nowLocked ? { ok: false, locked: nowLocked } : { ok: false };
  }

  /** The patron an identifier of the configured type names (the single sign-on header's value). */
  async byIdentifier(value: string): Promise<SignedInPatron | undefined> {
    const found = value.trim() ? await this.findByIdentifier(this.deps.storage.read, value) : undefined;
    if (!found) return undefined;
    const pin = await this.deps.storage.read.patronPins.get(found.id);
    return { storedId: found.id, patron: found.doc, pinSetAt: pin?.updatedAt ?? null };
  }

  /** The patron a session names, as they are now (undefined when they no longer exist). */
  async bySession(storedId: string): Promise<SignedInPatron | undefined> {
    const found = await this.deps.storage.read.config('patrons').findById(storedId);
    if (!found) return undefined;
    const pin = await this.deps.storage.read.patronPins.get(found.id);
    return { storedId: found.id, patron: found.doc, pinSetAt: pin?.updatedAt ?? null };
  }

  /**
   * The key patron sessions are signed with: made once, kept in the settings table, so that sessions survive a
   * restart and every instance sharing the database accepts them.
   */
  async sessionKey(): Promise<string> {
    const stored = await this.deps.storage.read.settings.get(SESSION_KEY_SETTING);
    if (stored) return stored;
    return this.deps.storage.transaction(async (repos) => {
      const again = await repos.settings.get(SESSION_KEY_SETTING);
      if (again) return again;
      const key = randomBytes(32).toString('base64url');
      await repos.settings.put(SESSION_KEY_SETTING, key);
      return key;
    });
  }

  private async findByIdentifier(repos: Repositories, value: string): Promise<Stored<Patron> | undefined> {
    const id = await repos.patronLookup.findPatronIdByKey(this.deps.idType, value.trim().toLowerCase());
    return id ? repos.config('patrons').findById(id) : undefined;
  }

  private async byPrimaryId(primaryId: string): Promise<Stored<Patron>> {
    const stored = await this.deps.storage.read.config('patrons').findByKey(primaryId);
    if (!stored) throw notFound(`patron ${primaryId}`);
    return stored;
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= this.deps.hasher.hash(randomBytes(16).toString('hex'));
    return this.decoy;
  }
}
