/**
 * `npm run bench:rota`: how fast the rota engine is. Prints figures, asserts nothing (timings on a shared machine
 * are noisy; compare the ratios within one run).
 *
 * 1. Rule evaluation per request with 10, 100 and 1000 rules (pure, in memory).
 * 2. Requests created and routed per second (best of BENCH_ROUNDS rounds) (rules → rota → locate → saved with history and jobs, one transaction
 *    each) on SQLite and on PostgreSQL, beside a raw baseline measured in the same run: plain single-row inserts
 *    through the same driver.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { BorrowingService } from '../src/app/borrowing-service.ts';
import { ConfigService } from '../src/app/config-service.ts';
import { manualAdapter } from '../src/app/partner-adapters.ts';
import { randomIdSource, systemClock } from '../src/app/system.ts';
import { rotaRuleSchema } from '../src/domain/config/rota-rule.ts';
import { evaluateRules } from '../src/domain/rota/rule-evaluation.ts';
import { type DatabaseSettings, openDatabase } from '../src/storage/database.ts';
import { openStorage } from '../src/storage/storage.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
/** Shared machines are noisy: each figure is the best of a few rounds. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PG_ADMIN = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

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

function benchRules(): void {
  console.log('Rule evaluation (one request, all rules; the last rule matches)');
  for (const count of [10, 100, 1000]) {
    const list = rules(count);
    list[count - 1] = rotaRuleSchema.parse({ name: 'last', conditions: [{ parameter: 'REQUESTED_FORMAT', operator: 'IS_NOT_EMPTY' }], templates: ['LAST'] });
    const attributes = { REQUESTED_FORMAT: 'PHYSICAL', CITATION_TYPE: 'BOOK', USER_GROUP: 'FACULTY', PICKUP_LIBRARY: 'MAIN', RESOURCE_SHARING_LIBRARY: 'MAIN', LEVEL_OF_SERVICE: 'STANDARD' };
    const rounds = Math.max(200, Math.floor(200_000 / count));
    for (let i = 0; i < 50; i++) evaluateRules(list, attributes);
    const start = performance.now();
    for (let i = 0; i < rounds; i++) evaluateRules(list, attributes);
    const perRequest = (performance.now() - start) / rounds;
    console.log(`  ${String(count).padStart(5)} rules: ${(perRequest * 1000).toFixed(1).padStart(8)} µs per request`);
  }
}

async function withDatabase<T>(kind: 'sqlite' | 'postgres', work: (settings: DatabaseSettings) => Promise<T>): Promise<T | undefined> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'interlend-bench-'));
    try {
      return await work({ kind: 'sqlite', file: join(dir, 'bench.sqlite') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const name = `interlend_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    console.log(`  PostgreSQL: not reachable at ${PG_ADMIN} (${(error as Error).message}); skipped`);
    return undefined;
  }
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  try {
    return await work({ kind: 'postgres', url: url.toString() });
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/** Plain single-row inserts, each its own statement, through the same driver: the floor to compare against. */
async function baseline(settings: DatabaseSettings): Promise<number> {
  const handle = openDatabase(settings);
  await sql`create table bench_row (id text primary key, data text not null)`.execute(handle.db);
  const start = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    await sql`insert into bench_row (id, data) values (${`row-${i}`}, ${'{"title":"A book"}'})`.execute(handle.db);
  }
  const perSecond = REQUESTS / ((performance.now() - start) / 1000);
  await handle.close();
  return perSecond;
}

async function routing(settings: DatabaseSettings, ruleCount: number): Promise<number> {
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
  for (let i = 0; i < REQUESTS; i++) await borrowing.create({ patron: 'P-1', title: `Book ${i}`, oclcNumber: String(1000 + i) }, 'bench');
  const perSecond = REQUESTS / ((performance.now() - start) / 1000);
  await storage.close();
  return perSecond;
}

benchRules();
console.log(`\nRequests created and routed (${REQUESTS} sequential requests, 100 rules), beside plain inserts; best of ${ROUNDS} rounds`);
console.log('  database     routed/s   plain inserts/s   ratio');
for (const kind of ['sqlite', 'postgres'] as const) {
  let raw = 0;
  let routed = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // Alternating the two keeps a noisy neighbour from favouring one of them.
    const plain = await withDatabase(kind, baseline);
    if (plain === undefined) break;
    raw = Math.max(raw, plain);
    routed = Math.max(routed, (await withDatabase(kind, (s) => routing(s, 100)))!);
  }
  if (raw === 0) continue;
  console.log(`  ${kind.padEnd(10)} ${routed.toFixed(0).padStart(10)} ${raw.toFixed(0).padStart(17)}   ${(routed / raw).toFixed(3)}`);
}
