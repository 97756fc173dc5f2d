/**
 * Use cases over the configuration objects: list, read, create, replace, patch, delete, and the rota rule list's
 * moves. Each write validates in the domain, checks keys and references, and commits in one transaction.
 */
import type { Env } from '../domain/config/env-refs.ts';
import { INSTITUTION_SPEC, type ConfigDocs, type ConfigKind, KIND_SPECS, kindSpec, type Reference } from '../domain/config/kinds.ts';
import type { Institution } from '../domain/config/institution.ts';
import { LIST_FILTERS } from '../domain/config/list-filters.ts';
import type { Partner } from '../domain/config/partner.ts';
import { type Patron, patronLookupKeys } from '../domain/config/patron.ts';
import { checkAddressReferences, keepStoredSecrets, partnerAddresses } from '../domain/config/secret-fields.ts';
import { validate } from '../domain/config/validate.ts';
import { InterlendError, invalid, notFound, type Problem, problemError } from '../domain/errors.ts';
import type { Clock, IdSource, ListQuery, Page, Repositories, Storage, Stored } from './ports.ts';
import { mergePatch, plain } from './views.ts';

export interface ConfigServiceDeps {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly env: Env;
}

export const MAX_PAGE_SIZE = 500;

/** What a write may say about the version its caller started from: the API's If-Match, a page's hidden field. */
export interface WriteOptions {
  /**
   * The versions (`versionOf`) the caller's copy may be. Given, and the stored object is at none of them: nothing is
   * written and the write fails with ILL_ERR_STALE. Absent: no check; the write applies to what is stored now.
   */
  readonly ifMatch?: readonly string[] | undefined;
}

/**
 * An object's version, for ETag / If-Match and the pages' hidden field: its id and revision, so that the version of
 * an object that was deleted never matches one made again with the same key.
 */
export function versionOf(object: Pick<Stored<unknown>, 'id' | 'revision'>): string {
  return `${object.id}.${object.revision}`;
}

/** Tries of a write whose object another writer changed between its read and its compare-and-set. */
const MAX_WRITE_TRIES = 3;

/** A compare-and-set found another revision: the transaction is rolled back and the write tried again. */
class ChangedMeanwhile extends Error {}

function staleError(what: string, current: Pick<Stored<unknown>, 'id' | 'revision' | 'updatedAt'>, nothing: 'saved' | 'deleted'): InterlendError {
  return new InterlendError(
    'ILL_ERR_STALE',
    `${what} was changed by someone else at ${current.updatedAt}, after the version you started from: nothing was ${nothing}. It is now version "${versionOf(current)}": read it again and make your change on what is there now`,
  );
}

/** Checks that named objects exist; `exists` answers for one kind and key. */
export async function missingReferences(
  references: readonly Reference[],
  exists: (kind: ConfigKind, key: string) => Promise<boolean> | boolean,
  pathPrefix = '',
): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const reference of references) {
    if (await exists(reference.kind, reference.key)) continue;
    const path = pathPrefix ? `${pathPrefix}.${reference.path}` : reference.path;
    problems.push({ path, message: `names ${KIND_SPECS[reference.kind].singular} ${reference.key}, which does not exist` });
  }
  return problems;
}

/** Secrets to keep and `${ENV}` addresses to check, for the kinds that have them. */
export function prepareSecrets<K extends ConfigKind>(kind: K, doc: ConfigDocs[K], stored: ConfigDocs[K] | undefined, env: Env, pathPrefix = '') {
  const kept = keepStoredSecrets(doc, stored, pathPrefix);
  const addresses = kind === 'partners' ? checkAddressReferences(partnerAddresses(kept.doc as Partner), env, pathPrefix) : { problems: [], warnings: [] };
  return { doc: kept.doc, problems: [...kept.problems, ...addresses.problems], warnings: addresses.warnings };
}

export class ConfigService {
  constructor(private readonly deps: ConfigServiceDeps) {}

  async list<K extends ConfigKind>(kind: K, query: ListQuery): Promise<Page<Stored<ConfigDocs[K]>>> {
    const allowed = LIST_FILTERS[kind];
    const problems: Problem[] = [];
    for (const [name, value] of Object.entries(query.filters)) {
      const values = allowed[name];
      if (!values) {
        const names = Object.keys(allowed);
        problems.push({ path: name, message: `is not a filter of ${kind}${names.length ? `: use ${names.join(', ')}, q, limit or offset` : ''}` });
      } else if (values === 'boolean' ? value !== 'true' && value !== 'false' : values !== 'text' && !values.includes(value)) {
        problems.push({ path: name, message: `${JSON.stringify(value)} is not allowed here: use ${values === 'boolean' ? 'true or false' : (values as readonly string[]).join(', ')}` });
      }
    }
    if (problems.length) throw problemError('ILL_ERR_BAD_REQUEST', problems);
    return this.deps.storage.read.config(kind).list(query);
  }

  async get<K extends ConfigKind>(kind: K, ref: string): Promise<Stored<ConfigDocs[K]>> {
    return this.find(this.deps.storage.read, kind, ref);
  }

  async create<K extends ConfigKind>(kind: K, input: unknown, options: { position?: number } = {}): Promise<Stored<ConfigDocs[K]>> {
    const doc = this.parse(kind, input);
    return this.deps.storage.transaction(async (repos) => {
      const repository = repos.config(kind);
      const spec = kindSpec(kind);
      const key = spec.key(doc);
      if (await repository.findByKey(key)) {
        throw problemError('ILL_ERR_DUPLICATE', [{ path: spec.keyField, message: `a ${spec.singular} ${key} already exists` }]);
      }
      const prepared = await this.check(repos, kind, doc, undefined);
      const now = this.deps.clock.now();
      const object: Stored<ConfigDocs[K]> = { id: this.deps.ids.newId(), doc: prepared, createdAt: now, updatedAt: now, revision: 1 };
      if (!spec.ordered) {
        await repository.insert(object);
        return object;
      }
      const existing = await repository.all();
      const position = this.checkPosition(options.position ?? existing.length + 1, existing.length + 1);
      await repository.insert({ ...object, position: existing.length + 1 });
      const ids = existing.map((o) => o.id);
      ids.splice(position - 1, 0, object.id);
      await repository.reorder(ids);
      return { ...object, position };
    });
  }

  async replace<K extends ConfigKind>(kind: K, ref: string, input: unknown, options: WriteOptions = {}): Promise<Stored<ConfigDocs[K]>> {
    return this.update(kind, ref, () => input, options);
  }

  /** JSON Merge Patch (RFC 7396) over the object as the API shows it, then the same checks as a replace. */
  async patch<K extends ConfigKind>(kind: K, ref: string, patch: unknown, options: WriteOptions = {}): Promise<Stored<ConfigDocs[K]>> {
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw invalid([{ path: '', message: 'a patch must be a JSON object of the fields to change' }]);
    return this.update(kind, ref, (current) => mergePatch(plain(current), patch), options);
  }

  async remove(kind: ConfigKind, ref: string, options: WriteOptions = {}): Promise<void> {
    await this.writing(async (repos) => {
      const object = await this.find(repos, kind, ref);
      const spec = kindSpec(kind);
      const key = spec.key(object.doc);
      this.checkVersion(`${spec.singular} ${key}`, object, options, 'deleted');
      const users = await this.describeReferrers(repos, kind, key);
      if (users.length) {
        throw new InterlendError('ILL_ERR_IN_USE', `${spec.singular} ${key} is still used by ${users.join('; ')}: change those first`, [
          { path: spec.keyField, message: `is used by ${users.join('; ')}` },
        ]);
      }
      if (!(await repos.config(kind).delete(object.id, object.revision))) throw new ChangedMeanwhile(`${spec.singular} ${key}`);
      if (spec.ordered) await repos.config(kind).reorder((await repos.config(kind).all()).map((o) => o.id));
    });
  }

  /** Moves a rota assignment rule to a 1-based position in the institution's list; the others keep their order. */
  async moveRule(ref: string, position: number): Promise<Stored<ConfigDocs['rota-rules']>> {
    return this.deps.storage.transaction(async (repos) => {
      const repository = repos.config('rota-rules');
      const rule = await this.find(repos, 'rota-rules', ref);
      const ids = (await repository.all()).map((o) => o.id).filter((id) => id !== rule.id);
      const target = this.checkPosition(position, ids.length + 1);
      ids.splice(target - 1, 0, rule.id);
      await repository.reorder(ids);
      return { ...rule, position: target };
    });
  }

  /** Guide: "make sure it is the final rule on your Institution Rules List". */
  async makeFinalRule(ref: string): Promise<Stored<ConfigDocs['rota-rules']>> {
    const count = (await this.deps.storage.read.config('rota-rules').all()).length;
    return this.moveRule(ref, Math.max(count, 1));
  }

  async getInstitution(): Promise<Stored<Institution>> {
    const institution = await this.deps.storage.read.institution.get();
    if (!institution) throw notFound('the institution (set it with PUT /api/v1/institution or a configuration import)');
    return institution;
  }

  async putInstitution(input: unknown, options: WriteOptions = {}): Promise<Stored<Institution>> {
    const result = validate(INSTITUTION_SPEC.schema, input);
    if (!result.ok) throw invalid(result.problems);
    return this.writing(async (repos) => {
      const before = await repos.institution.get();
      if (options.ifMatch !== undefined && !before) {
        throw new InterlendError('ILL_ERR_STALE', 'there is no institution, so it is at none of the versions you sent: nothing was saved. Send it without a version to set it up');
      }
      if (before) this.checkVersion('the institution', before, options, 'saved');
      const problems = await missingReferences(INSTITUTION_SPEC.references(result.value), async (kind, key) => !!(await repos.config(kind).findByKey(key)));
      if (problems.length) throw problemError('ILL_ERR_REFERENCE_NOT_FOUND', problems);
      const now = this.deps.clock.now();
      const object = { id: 'institution', doc: result.value, createdAt: before?.createdAt ?? now, updatedAt: now };
      const revision = await repos.institution.put(object, before ? before.revision : null);
      if (revision === undefined) throw new ChangedMeanwhile('the institution');
      return { ...object, revision };
    });
  }

  private parse<K extends ConfigKind>(kind: K, input: unknown): ConfigDocs[K] {
    const result = validate(kindSpec(kind).schema, input);
    if (!result.ok) throw invalid(result.problems);
    return result.value;
  }

  /**
   * Runs a write in a transaction whose last step is a compare-and-set against the revision it read. When another
   * writer got in between (the compare-and-set finds another revision), the transaction is rolled back and the write
   * is made again on what is stored now: a write with a version is then refused as stale by its check, one without
   * applies to the new state (the last write wins, and a patch merges into what the other wrote).
   */
  private async writing<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.storage.transaction(work);
      } catch (error) {
        if (!(error instanceof ChangedMeanwhile)) throw error;
        if (attempt >= MAX_WRITE_TRIES) throw new InterlendError('ILL_ERR_CONFLICT', `${error.message} was changed by others while this write was being made, ${attempt} times: nothing was saved; try again`);
      }
    }
  }

  /** Refuses a write whose caller started from another version than the stored one. */
  private checkVersion(what: string, current: Stored<unknown>, options: WriteOptions, nothing: 'saved' | 'deleted'): void {
    if (options.ifMatch === undefined || options.ifMatch.includes(versionOf(current))) return;
    throw staleError(what, current, nothing);
  }

  private async update<K extends ConfigKind>(kind: K, ref: string, build: (current: ConfigDocs[K]) => unknown, options: WriteOptions): Promise<Stored<ConfigDocs[K]>> {
    return this.writing(async (repos) => {
      const current = await this.find(repos, kind, ref);
      const spec = kindSpec(kind);
      const before = spec.key(current.doc);
      this.checkVersion(`${spec.singular} ${before}`, current, options, 'saved');
      const doc = this.parse(kind, build(current.doc));
      const after = spec.key(doc);
      if (before !== after) {
        if (!spec.renamable) {
          throw problemError('ILL_ERR_IMMUTABLE', [
            { path: spec.keyField, message: `cannot change (it is ${JSON.stringify(before)}): other objects and partners' messages use it; create a new ${spec.singular} instead` },
          ]);
        }
        const holder = await repos.config(kind).findByKey(after);
        if (holder && holder.id !== current.id) throw problemError('ILL_ERR_DUPLICATE', [{ path: spec.keyField, message: `another ${spec.singular} is called ${after}: choose another ${spec.keyField}` }]);
      }
      const prepared = await this.check(repos, kind, doc, current);
      const object = { ...current, doc: prepared, updatedAt: this.deps.clock.now() };
      const revision = await repos.config(kind).update(object, current.revision);
      if (revision === undefined) throw new ChangedMeanwhile(`${spec.singular} ${before}`);
      return { ...object, revision };
    });
  }

  /** Secrets, addresses, references and (for patrons) identifier clashes; returns the document to store. */
  private async check<K extends ConfigKind>(repos: Repositories, kind: K, doc: ConfigDocs[K], current: Stored<ConfigDocs[K]> | undefined): Promise<ConfigDocs[K]> {
    const prepared = prepareSecrets(kind, doc, current?.doc, this.deps.env);
    if (prepared.problems.length) throw invalid(prepared.problems);
    const missing = await missingReferences(kindSpec(kind).references(prepared.doc), async (k, key) => !!(await repos.config(k).findByKey(key)));
    if (missing.length) throw problemError('ILL_ERR_REFERENCE_NOT_FOUND', missing);
    if (kind === 'patrons') await this.checkPatronKeys(repos, prepared.doc as Patron, current?.id);
    return prepared.doc;
  }

  private async checkPatronKeys(repos: Repositories, patron: Patron, ownId: string | undefined): Promise<void> {
    const problems: Problem[] = [];
    for (const key of patronLookupKeys(patron)) {
      if (key.type === 'PRIMARY_ID') continue; // the primary id is the object's key, checked as such
      const holder = await repos.patronLookup.findPatronIdByKey(key.type, key.value);
      if (!holder || holder === ownId) continue;
      const other = await repos.config('patrons').findById(holder);
      const index = patron.identifiers.findIndex((i) => i.type === key.type);
      problems.push({
        path: key.type === 'EMAIL' ? 'email' : `identifiers[${index}].value`,
        message: `${key.value} already belongs to patron ${other?.doc.primaryId ?? holder}`,
      });
    }
    if (problems.length) throw problemError('ILL_ERR_DUPLICATE', problems);
  }

  private async describeReferrers(repos: Repositories, kind: ConfigKind, key: string): Promise<string[]> {
    const referrers = await repos.references.referrersOf(kind, key);
    const described = new Map<string, string>();
    for (const referrer of referrers) {
      const id = `${referrer.kind}:${referrer.key}`;
      if (described.has(id)) continue;
      const spec = KIND_SPECS[referrer.kind];
      const object = await repos.config(referrer.kind).findByKey(referrer.key);
      const title = object ? (spec.title as (doc: unknown) => string)(object.doc) : referrer.key;
      described.set(id, title === referrer.key ? `${spec.singular} ${referrer.key}` : `${spec.singular} ${referrer.key} (${title})`);
    }
    if (kind === 'libraries') {
      const institution = await repos.institution.get();
      if (institution?.doc.defaultPickupLibrary === key) described.set('institution', 'the institution (defaultPickupLibrary)');
    }
    return [...described.values()];
  }

  private checkPosition(position: number, max: number): number {
    if (!Number.isInteger(position) || position < 1 || position > max) {
      throw invalid([{ path: 'position', message: `must be a whole number from 1 to ${max}` }]);
    }
    return position;
  }

  private async find<K extends ConfigKind>(repos: Repositories, kind: K, ref: string): Promise<Stored<ConfigDocs[K]>> {
    const repository = repos.config(kind);
    const found = (await repository.findById(ref)) ?? (await repository.findByKey(ref));
    if (!found) throw notFound(`${kindSpec(kind).singular} ${ref}`);
    return found;
  }
}
