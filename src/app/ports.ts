/** What the use cases need from the outside world. storage/ implements the repositories; main.ts wires them. */
import type { Role } from '../domain/access/roles.ts';
import type { ConfigDocs, ConfigKind } from '../domain/config/kinds.ts';
import type { Institution } from '../domain/config/institution.ts';

export interface Clock {
  /** Now, as ISO-8601 UTC text. */
  now(): string;
}

export interface IdSource {
  /** A new sortable unique id. */
  newId(): string;
  /** A new bearer token: long, random, printable. */
  newToken(): string;
}

/** A configuration object as stored. */
export interface Stored<T> {
  readonly id: string;
  readonly doc: T;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** 1-based place in an ordered list (rota rules); undefined elsewhere. */
  readonly position?: number;
}

export interface ListQuery {
  readonly limit: number;
  readonly offset: number;
  /** Case-insensitive text searched in codes, names and (for patrons) identifiers. */
  readonly q?: string;
  /** Filter name (API query parameter) → value; each kind says which it has. */
  readonly filters: Readonly<Record<string, string>>;
}

export interface Page<T> {
  readonly items: T[];
  readonly total: number;
}

/** Someone naming an object: kept by storage on every write. */
export interface Referrer {
  readonly kind: ConfigKind;
  readonly key: string;
  readonly path: string;
}

export interface ConfigRepository<K extends ConfigKind> {
  list(query: ListQuery): Promise<Page<Stored<ConfigDocs[K]>>>;
  /** Every object, in list order (rules by position, others by key). */
  all(): Promise<Stored<ConfigDocs[K]>[]>;
  findById(id: string): Promise<Stored<ConfigDocs[K]> | undefined>;
  findByKey(key: string): Promise<Stored<ConfigDocs[K]> | undefined>;
  insert(object: Stored<ConfigDocs[K]>): Promise<void>;
  update(object: Stored<ConfigDocs[K]>): Promise<void>;
  delete(id: string): Promise<void>;
  /** Sets the positions of an ordered kind: the ids in their new order, 1-based. */
  reorder(idsInOrder: readonly string[]): Promise<void>;
}

export interface PatronLookup {
  /** The patron that has this identifier (type PRIMARY_ID, EMAIL, BARCODE, …), case-insensitively. */
  findPatronIdByKey(type: string, value: string): Promise<string | undefined>;
}

export interface ReferenceIndex {
  /** Objects that name the given one. */
  referrersOf(kind: ConfigKind, key: string): Promise<Referrer[]>;
}

export interface InstitutionRepository {
  get(): Promise<Stored<Institution> | undefined>;
  put(object: Stored<Institution>): Promise<void>;
}

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

export interface TokenRepository {
  insert(token: ApiToken, hash: string): Promise<void>;
  findByHash(hash: string): Promise<ApiToken | undefined>;
  list(): Promise<ApiToken[]>;
  count(): Promise<number>;
  markUsed(id: string, at: string): Promise<void>;
  revoke(id: string, at: string): Promise<boolean>;
}

export interface SettingRepository {
  get(key: string): Promise<string | undefined>;
  put(key: string, value: string): Promise<void>;
}

/** Repositories bound to one transaction (or to none, for reads). */
export interface Repositories {
  config<K extends ConfigKind>(kind: K): ConfigRepository<K>;
  readonly references: ReferenceIndex;
  readonly patronLookup: PatronLookup;
  readonly institution: InstitutionRepository;
  readonly tokens: TokenRepository;
  readonly settings: SettingRepository;
}

export interface Storage {
  readonly dialect: 'sqlite' | 'postgres';
  /** Repositories outside a transaction, for reads. */
  readonly read: Repositories;
  /** Runs the work in one transaction: all of it is written, or none. */
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
