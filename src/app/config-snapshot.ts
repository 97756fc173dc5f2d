/**
 * The configuration the rota engine reads for every request (rules, templates, partners, libraries, the
 * institution), kept in memory and reloaded only when the stored configuration version has moved: one small read
 * per request instead of five tables. The version moves in the same transaction as any configuration write, so
 * several processes on one PostgreSQL see each other's changes.
 */
import { createHash } from 'node:crypto';
import type { Institution } from '../domain/config/institution.ts';
import type { Partner } from '../domain/config/partner.ts';
import type { Library } from '../domain/config/places.ts';
import type { RotaRule } from '../domain/config/rota-rule.ts';
import type { RotaTemplate } from '../domain/config/rota-template.ts';
import type { Repositories } from './ports.ts';

export interface ConfigSnapshot {
  readonly version: string;
  /** In list order. */
  readonly rules: readonly RotaRule[];
  /** The rules' content hash: the id under which a request records the rule set it was routed by. */
  readonly ruleSetId: string;
  readonly templates: ReadonlyMap<string, RotaTemplate>;
  readonly partners: ReadonlyMap<string, Partner>;
  readonly libraries: ReadonlyMap<string, Library>;
  readonly institution: Institution | undefined;
}

export class ConfigCache {
  private cached: ConfigSnapshot | undefined;

  async get(repos: Repositories): Promise<ConfigSnapshot> {
    const version = await repos.configVersion();
    if (this.cached?.version === version) return this.cached;
    const rules = (await repos.config('rota-rules').all()).map((r) => r.doc);
    const snapshot: ConfigSnapshot = {
      version,
      rules,
      ruleSetId: createHash('sha256').update(JSON.stringify(rules)).digest('hex'),
      templates: new Map((await repos.config('rota-templates').all()).map((t) => [t.doc.code, t.doc])),
      partners: new Map((await repos.config('partners').all()).map((p) => [p.doc.code, p.doc])),
      libraries: new Map((await repos.config('libraries').all()).map((l) => [l.doc.code, l.doc])),
      institution: (await repos.institution.get())?.doc,
    };
    this.cached = snapshot;
    return snapshot;
  }
}
