/**
 * Configuration as code: the whole configuration exported as one YAML file, and a file imported as one change.
 * An import is checked as a whole (shape, keys, references, secrets) before anything is written; a bad file
 * changes nothing and every problem is reported with its path and line.
 */
import { z } from 'zod';
import type { Env } from '../domain/config/env-refs.ts';
import { INSTITUTION_SPEC, type ConfigDocs, type ConfigKind, CONFIG_KINDS, KIND_SPECS, kindSpec } from '../domain/config/kinds.ts';
import type { Institution } from '../domain/config/institution.ts';
import { type Patron, patronLookupKeys } from '../domain/config/patron.ts';
import { validate } from '../domain/config/validate.ts';
import { InterlendError, type Problem, problemError } from '../domain/errors.ts';
import { NUL_MESSAGE, pathOfNul } from '../domain/nul.ts';
import { formatConfigFile, parseConfigFile } from './config-file.ts';
import { missingReferences, prepareSecrets } from './config-service.ts';
import type { Clock, IdSource, Repositories, Storage, Stored } from './ports.ts';
import { plain } from './views.ts';

export const CONFIG_FILE_VERSION = 1;

/** Sections in file order; objects are written in this order so that what is named exists first. */
const SECTION_ORDER: readonly ConfigKind[] = CONFIG_KINDS;

const fileShape = z.strictObject({
  version: z.literal(CONFIG_FILE_VERSION, { error: `must be ${CONFIG_FILE_VERSION}` }).optional(),
  institution: z.unknown().optional(),
  ...Object.fromEntries(SECTION_ORDER.map((kind) => [KIND_SPECS[kind].section, z.array(z.unknown(), { error: 'must be a list' }).optional()])),
});

export interface ImportOptions {
  /** In each section the file has, remove the objects it does not list. */
  readonly prune?: boolean;
  /** Check and report, write nothing. */
  readonly dryRun?: boolean;
}

export interface SectionCounts {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

export interface ImportReport {
  readonly applied: boolean;
  readonly sections: Record<string, SectionCounts>;
  readonly warnings: Problem[];
}

interface FileObject<K extends ConfigKind> {
  readonly doc: ConfigDocs[K];
  readonly path: string;
}

type Current = { [K in ConfigKind]: Stored<ConfigDocs[K]>[] };

const same = (a: unknown, b: unknown) => JSON.stringify(storageView(a)) === JSON.stringify(storageView(b));
/** Compares secrets by what is stored, not by their public form. */
function storageView(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, function (this: Record<string, unknown>, key, replaced) {
      const original = this[key] as { toStorage?: () => unknown } | undefined;
      return original && typeof original === 'object' && typeof original.toStorage === 'function' ? original.toStorage() : replaced;
    }),
  );
}

export class ConfigTransfer {
  constructor(private readonly deps: { storage: Storage; clock: Clock; ids: IdSource; env: Env }) {}

  /** The whole configuration as canonical YAML: fixed section order, objects by key (rules by position). */
  async exportYaml(): Promise<string> {
    return formatConfigFile(await this.exportObject());
  }

  async exportObject(): Promise<Record<string, unknown>> {
    const repos = this.deps.storage.read;
    const out: Record<string, unknown> = { version: CONFIG_FILE_VERSION };
    const institution = await repos.institution.get();
    if (institution) out.institution = plain(institution.doc);
    for (const kind of SECTION_ORDER) {
      const spec = kindSpec(kind);
      const objects = await repos.config(kind).all();
      const sorted = spec.ordered ? objects : [...objects].sort((a, b) => compareKeys(spec.key(a.doc as never), spec.key(b.doc as never)));
      out[spec.section] = sorted.map((o) => plain(o.doc));
    }
    return out;
  }

  async importYaml(text: string, options: ImportOptions = {}): Promise<ImportReport> {
    const file = parseConfigFile(text);
    try {
      return await this.importObject(file.data, options);
    } catch (error) {
      const problems = (error as { problems?: Problem[] }).problems;
      if (problems && 'code' in (error as object)) {
        throw problemError((error as { code: Parameters<typeof problemError>[0] }).code, file.locate(problems));
      }
      throw error;
    }
  }

  async importObject(data: unknown, options: ImportOptions = {}): Promise<ImportReport> {
    const shape = validate(fileShape, data ?? {});
    if (!shape.ok) throw problemError('ILL_ERR_VALIDATION', shape.problems);
    // A YAML "\0" escape or a JSON "\u0000" makes a NUL no HTTP check sees (domain/nul.ts).
    const nul = pathOfNul(data);
    if (nul !== undefined) throw problemError('ILL_ERR_VALIDATION', [{ path: nul, message: NUL_MESSAGE }]);
    const content = shape.value as Record<string, unknown>;

    const problems: Problem[] = [];
    const warnings: Problem[] = [];
    let institution: Institution | undefined;
    if (content.institution !== undefined) {
      const result = validate(INSTITUTION_SPEC.schema, content.institution, ['institution']);
      if (result.ok) institution = result.value;
      else problems.push(...result.problems);
    }
    const fromFile = new Map<ConfigKind, FileObject<ConfigKind>[]>();
    for (const kind of SECTION_ORDER) {
      const spec = kindSpec(kind);
      const items = content[spec.section] as unknown[] | undefined;
      if (items === undefined) continue;
      const seen = new Map<string, number>();
      const objects: FileObject<ConfigKind>[] = [];
      items.forEach((item, index) => {
        const result = validate(spec.schema, item, [spec.section, index]);
        if (!result.ok) return void problems.push(...result.problems);
        const key = spec.key(result.value as never);
        const first = seen.get(key);
        if (first !== undefined) {
          problems.push({ path: `${spec.section}[${index}].${spec.keyField}`, message: `${key} is already used by ${spec.section}[${first}]` });
          return;
        }
        seen.set(key, index);
        objects.push({ doc: result.value, path: `${spec.section}[${index}]` });
      });
      fromFile.set(kind, objects);
    }
    if (problems.length) throw problemError('ILL_ERR_VALIDATION', problems);

    return this.deps.storage.transaction(async (repos) => {
      const current = await loadCurrent(repos);
      const plan = this.plan(current, fromFile, options, warnings, problems);
      const currentInstitution = await repos.institution.get();
      const nextInstitution = institution ?? currentInstitution?.doc;
      await this.checkReferences(plan, nextInstitution, institution !== undefined, problems);
      checkPatronKeys(plan.next.patrons, problems);
      if (problems.length) {
        const code = problems.every((p) => p.message.includes('which does not exist')) ? 'ILL_ERR_REFERENCE_NOT_FOUND' : 'ILL_ERR_VALIDATION';
        throw problemError(code, problems);
      }
      const sections = plan.counts;
      if (institution) sections.institution = { created: currentInstitution ? 0 : 1, updated: currentInstitution && !same(currentInstitution.doc, institution) ? 1 : 0, unchanged: currentInstitution && same(currentInstitution.doc, institution) ? 1 : 0, deleted: 0 };
      if (options.dryRun) return { applied: false, sections, warnings };
      await this.apply(repos, current, plan);
      if (institution && !(currentInstitution && same(currentInstitution.doc, institution))) {
        const now = this.deps.clock.now();
        const written = await repos.institution.put({ id: 'institution', doc: institution, createdAt: currentInstitution?.createdAt ?? now, updatedAt: now }, currentInstitution?.revision ?? null);
        if (written === undefined) throw changedMeanwhile('the institution');
      }
      return { applied: true, sections, warnings };
    });
  }

  /** What the configuration becomes: per kind, the objects in order, each with where it came from. */
  private plan(current: Current, fromFile: Map<ConfigKind, FileObject<ConfigKind>[]>, options: ImportOptions, warnings: Problem[], problems: Problem[]) {
    const next = {} as { [K in ConfigKind]: { doc: ConfigDocs[K]; path?: string; existing?: Stored<ConfigDocs[K]> }[] };
    const counts: Record<string, SectionCounts> = {};
    for (const kind of SECTION_ORDER) {
      const spec = kindSpec(kind);
      const existing = current[kind] as Stored<ConfigDocs[ConfigKind]>[];
      const byKey = new Map(existing.map((o) => [spec.key(o.doc as never), o]));
      const file = fromFile.get(kind);
      if (!file) {
        next[kind] = existing.map((o) => ({ doc: o.doc, existing: o })) as never;
        continue;
      }
      const count: SectionCounts = { created: 0, updated: 0, unchanged: 0, deleted: 0 };
      const listed = new Set<string>();
      const entries = file.map((object) => {
        const key = spec.key(object.doc as never);
        listed.add(key);
        const before = byKey.get(key);
        const prepared = prepareSecrets(kind, object.doc, before?.doc, this.deps.env, object.path);
        problems.push(...prepared.problems);
        warnings.push(...prepared.warnings);
        if (!before) count.created++;
        else if (same(before.doc, prepared.doc) && (!spec.ordered || before.position === file.indexOf(object) + 1)) count.unchanged++;
        else count.updated++;
        return { doc: prepared.doc, path: object.path, existing: before };
      });
      // A rule list is one ordered thing: the file's list is the list. Other sections merge unless pruned.
      const kept = spec.ordered || options.prune ? [] : existing.filter((o) => !listed.has(spec.key(o.doc as never))).map((o) => ({ doc: o.doc, existing: o }));
      count.deleted = existing.length - entries.filter((e) => e.existing).length - kept.length;
      next[kind] = [...entries, ...kept] as never;
      counts[spec.section] = count;
    }
    return { next, counts };
  }

  private async checkReferences(plan: ReturnType<ConfigTransfer['plan']>, institution: Institution | undefined, institutionFromFile: boolean, problems: Problem[]) {
    const keys = new Map<ConfigKind, Set<string>>(
      SECTION_ORDER.map((kind) => [kind, new Set(plan.next[kind].map((o) => kindSpec(kind).key(o.doc as never)))]),
    );
    const exists = (kind: ConfigKind, key: string) => keys.get(kind)!.has(key);
    for (const kind of SECTION_ORDER) {
      const spec = kindSpec(kind);
      for (const object of plan.next[kind]) {
        const prefix = object.path ?? `${spec.section} ${spec.key(object.doc as never)} (kept from the database)`;
        problems.push(...(await missingReferences(spec.references(object.doc as never), exists, prefix)));
      }
    }
    if (institution) {
      problems.push(...(await missingReferences(INSTITUTION_SPEC.references(institution), exists, institutionFromFile ? 'institution' : 'institution (kept from the database)')));
    }
  }

  private async apply(repos: Repositories, current: Current, plan: ReturnType<ConfigTransfer['plan']>): Promise<void> {
    const now = this.deps.clock.now();
    // Deletions first, in reverse order, so nothing is removed while something still names it.
    for (const kind of [...SECTION_ORDER].reverse()) {
      const spec = kindSpec(kind);
      const keep = new Set(plan.next[kind].map((o) => spec.key(o.doc as never)));
      for (const object of current[kind]) {
        if (keep.has(spec.key(object.doc as never))) continue;
        if (!(await repos.config(kind).delete(object.id, object.revision))) throw changedMeanwhile(`${spec.singular} ${spec.key(object.doc as never)}`);
      }
    }
    for (const kind of SECTION_ORDER) {
      const spec = kindSpec(kind);
      const repository = repos.config(kind);
      for (const [index, entry] of plan.next[kind].entries()) {
        const position = spec.ordered ? index + 1 : undefined;
        const before = entry.existing;
        if (!before) {
          await repository.insert({ id: this.deps.ids.newId(), doc: entry.doc as never, createdAt: now, updatedAt: now, ...(position ? { position } : {}) });
        } else if (!same(before.doc, entry.doc) || before.position !== position) {
          const written = await repository.update({ ...before, doc: entry.doc as never, updatedAt: same(before.doc, entry.doc) ? before.updatedAt : now, ...(position ? { position } : {}) }, before.revision);
          if (written === undefined) throw changedMeanwhile(`${spec.singular} ${spec.key(before.doc as never)}`);
        }
      }
    }
  }
}

/**
 * An object of the file was saved by someone else while the file was applied (each write is a compare-and-set with
 * the revision read at the start): the whole import is rolled back rather than overwrite that save unseen.
 */
function changedMeanwhile(what: string): InterlendError {
  return new InterlendError('ILL_ERR_CONFLICT', `${what} was changed by someone else while the file was being applied: nothing was applied; apply the file again`);
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function loadCurrent(repos: Repositories): Promise<Current> {
  const current = {} as Record<ConfigKind, unknown>;
  for (const kind of SECTION_ORDER) current[kind] = await repos.config(kind).all();
  return current as Current;
}

function checkPatronKeys(patrons: { doc: Patron; path?: string }[], problems: Problem[]): void {
  const owners = new Map<string, string>();
  for (const patron of patrons) {
    for (const key of patronLookupKeys(patron.doc)) {
      if (key.type === 'PRIMARY_ID') continue;
      const id = `${key.type}:${key.value}`;
      const owner = owners.get(id);
      if (owner !== undefined && owner !== patron.doc.primaryId) {
        const field = key.type === 'EMAIL' ? 'email' : `identifiers[${patron.doc.identifiers.findIndex((i) => i.type === key.type)}].value`;
        problems.push({ path: `${patron.path ?? `patrons ${patron.doc.primaryId}`}.${field}`, message: `${key.value} already belongs to patron ${owner}` });
      }
      owners.set(id, patron.doc.primaryId);
    }
  }
}
