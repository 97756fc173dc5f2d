/**
 * The rota engine's figures (used by `npm run bench:rota` and `npm run bench`):
 *
 * 1. Rule evaluation per request with 10, 100 and 1000 rules (pure, in memory).
 * 2. Requests created and routed per second (rules → rota → locate → saved with history and jobs, one transaction
 *    each, `requests` of them one after the other, 100 rules), beside a baseline measured in the same run on the
 *    same kind of database: plain single-row inserts through the same driver. Each is the best of `rounds` rounds,
 *    the two alternating, so a noisy neighbour does not favour one of them.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { BorrowingService } from '../../src/app/borrowing-service.ts';
import { ConfigService } from '../../src/app/config-service.ts';
import { manualAdapter } from '../../src/app/partner-adapters.ts';
import { randomIdSource, systemClock } from '../../src/app/system.ts';
import { rotaRuleSchema } from '../../src/domain/config/rota-rule.ts';
import { evaluateRules } from '../../src/domain/rota/rule-evaluation.ts';
import { type DatabaseSettings, openDatabase } from '../../src/storage/database.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { type DatabaseKind, withDatabase } from './common.ts';

export const RULES_IN_ROUTING = 100;

function rules(count: number) {
  return Array.from({ length: count }, (_, i) =>
    rotaRuleSchema.parse({
      name: `rule ${i}`,
      conditions: [
        { parameter: 'USER_GROUP', operator: 'IN_LIST', value: [`GROUP_${i}`, `OTHER_${i}`] },
        { parameter: 'REQUESTED_FORMAT', operator: 'IS_NOT_EMPTY' },
      ],
      templates: [i === count - 1 ? 'LAST' : `T${i % 5}`],
    }),
  );
}

/** Microseconds to evaluate `count` rules for one request (the last rule matches). */
export function ruleEvaluation(counts: readonly number[] = [10, 100, 1000]): { rules: number; microseconds: number }[] {
  return counts.map((count) => {
    const list = rules(count);
    list[count - 1] = rotaRuleSchema.parse({ name: 'last', conditions: [{ parameter: 'REQUESTED_FORMAT', operator: 'IS_NOT_EMPTY' }], templates: ['LAST'] });
    const attributes = { REQUESTED_FORMAT: 'PHYSICAL', CITATION_TYPE: 'BOOK', USER_GROUP: 'FACULTY', PICKUP_LIBRARY: 'MAIN', RESOURCE_SHARING_LIBRARY: 'MAIN', LEVEL_OF_SERVICE: 'STANDARD' };
    const rounds = Math.max(200, Math.floor(200_000 / count));
    for (let i = 0; i < 50; i++) evaluateRules(list, attributes);
    const start = performance.now();
    for (let i = 0; i < rounds; i++) evaluateRules(list, attributes);
    return { rules: count, microseconds: ((performance.now() - start) / rounds) * 1000 };
  });
}

/** Plain single-row inserts, each its own statement, through the same driver: the floor to compare against. */
async function plainInserts(settings: DatabaseSettings, requests: number): Promise<number> {
  const handle = openDatabase(settings);
  await sql`create table bench_row (id text primary key, data text not null)`.execute(handle.db);
  const start = performance.now();
  for (let i = 0; i < requests; i++) {
    await sql`insert into bench_row (id, data) values (${`row-${i}`}, ${'{"title":"A book"}'})`.execute(handle.db);
  }
  const perSecond = requests / ((performance.now() - start) / 1000);
  await handle.close();
  return perSecond;
}

async function routing(settings: DatabaseSettings, requests: number, ruleCount: number): Promise<number> {
  const storage = await openStorage(settings);
  const deps = { storage, clock: systemClock, ids: randomIdSource(), env: {} };
  const config = new ConfigService(deps);
  await config.create('libraries', { code: 'MAIN', name: 'Main', isPickup: true, isResourceSharing: true });
  for (const code of ['P1', 'P2', 'P3', 'ILL']) {
    await config.create('partners', { code, name: code, profileType: 'ISO18626', iso18626: { url: 'http://127.0.0.1:1/iso', agencyIdValue: code } });
  }
  for (const code of ['T0', 'T1', 'T2', 'T3', 'T4']) await config.create('rota-templates', { code, name: code, members: ['P1', 'P2', 'P3'], type: 'NON_ORDERED' });
  await config.create('rota-templates', { code: 'LAST', name: 'Last resort', members: ['ILL'] });
  for (const rule of rules(ruleCount)) await config.create('rota-rules', rule);
  await config.create('patrons', { primaryId: 'P-1', firstName: 'A', lastName: 'B', userGroup: 'GROUP_7', pickupLibrary: 'MAIN' });
  const borrowing = new BorrowingService({ ...deps, adapterFor: () => manualAdapter });
  for (let i = 0; i < 20; i++) await borrowing.create({ patron: 'P-1', title: `Warm-up ${i}` }, 'bench');
  const start = performance.now();
  for (let i = 0; i < requests; i++) await borrowing.create({ patron: 'P-1', title: `Book ${i}`, oclcNumber: String(1000 + i) }, 'bench');
  const perSecond = requests / ((performance.now() - start) / 1000);
  await storage.close();
  return perSecond;
}

export interface RoutingFigures {
  readonly database: DatabaseKind;
  readonly requests: number;
  readonly rounds: number;
  /** Requests created and routed per second (best round). */
  readonly routedPerSecond: number;
  /** Plain single-row inserts per second (best round). */
  readonly plainInsertsPerSecond: number;
}

export async function measureRouting(database: DatabaseKind, options: { requests: number; rounds: number }): Promise<RoutingFigures> {
  let plain = 0;
  let routed = 0;
  for (let round = 0; round < options.rounds; round++) {
    plain = Math.max(plain, await withDatabase(database, 'rota', (d) => plainInserts(d.settings, options.requests)));
    routed = Math.max(routed, await withDatabase(database, 'rota', (d) => routing(d.settings, options.requests, RULES_IN_ROUTING)));
  }
  return { database, requests: options.requests, rounds: options.rounds, routedPerSecond: routed, plainInsertsPerSecond: plain };
}
