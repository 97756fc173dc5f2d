/**
 * `npm run bench` without the printing: runs the chosen benches on the chosen databases, one after the other, and
 * returns every figure with its baseline (scripts/bench/table.ts) and the run's circumstances. A bench that fails
 * is recorded and the others still run.
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { type DatabaseKind, DATABASE_NAME, PG_ADMIN, postgresProblem } from './common.ts';
import { type ExportFigures, measureExports } from './export.ts';
import { bareExchange, figures as isoFigures, type IsoFigures, measureIso } from './iso.ts';
import { bareFastify, measureNcip, type NcipFigures } from './ncip.ts';
import { measureRouting, RULES_IN_ROUTING, type RoutingFigures, ruleEvaluation } from './rota.ts';
import { type BenchName, type Failure, row, type Row } from './table.ts';
import { measureVolume, type VolumeFigures } from './volume.ts';
import { ROOT } from '../../test/support/processes.ts';

export interface BenchPlan {
  readonly quick: boolean;
  readonly databases: readonly DatabaseKind[];
  readonly benches: readonly BenchName[];
  readonly rota: { readonly requests: number; readonly rounds: number };
  readonly export: { readonly requests: number; readonly settings: readonly { readonly concurrency: number; readonly latencyMs: number }[] };
  readonly ncip: { readonly pairs: number; readonly connections: number };
  readonly iso: { readonly loans: number; readonly concurrency: number };
  readonly volume: { readonly requests: number; readonly clients: number; readonly every: number };
  /** Staff pages with this many requests (`npm run bench:ui`); only when `benches` has 'ui'. */
  readonly ui: { readonly requests: number };
}

/** The full sizes, and BENCH_QUICK's (about two minutes in all on the project machine). */
export function plan(env: Record<string, string | undefined> = process.env): BenchPlan {
  const quick = env.BENCH_QUICK === '1';
  const number = (name: string, full: number, small: number) => (env[name] ? Number(env[name]) : quick ? small : full);
  const benches = (env.BENCH_RUN ?? 'rota,export,ncip,iso18626,volume').split(',').map((b) => b.trim()) as BenchName[];
  if (env.BENCH_UI === '1' && !benches.includes('ui')) benches.push('ui');
  return {
    quick,
    databases: (env.BENCH_DATABASES ?? 'sqlite,postgres').split(',').map((d) => d.trim()) as DatabaseKind[],
    benches,
    rota: { requests: number('BENCH_ROTA_REQUESTS', 2_000, 200), rounds: number('BENCH_ROUNDS', 3, 1) },
    export: {
      requests: number('BENCH_EXPORTS', 300, 60),
      settings: [
        { concurrency: 1, latencyMs: 0 },
        { concurrency: 8, latencyMs: 0 },
        { concurrency: 8, latencyMs: 20 },
      ],
    },
    ncip: { pairs: number('BENCH_PAIRS', 2_000, 200), connections: number('BENCH_CONNECTIONS', 32, 32) },
    iso: { loans: number('BENCH_LOANS', 200, 20), concurrency: number('BENCH_CONCURRENCY', 16, 16) },
    volume: { requests: number('BENCH_VOLUME', 100_000, 2_000), clients: number('BENCH_VOLUME_CLIENTS', 4, 4), every: number('BENCH_VOLUME_EVERY', 10_000, 500) },
    ui: { requests: number('BENCH_UI_REQUESTS', 50_000, 2_000) },
  };
}

export interface BenchResults {
  /** When the run began. */
  readonly date: string;
  readonly node: string;
  readonly cpus: number;
  readonly cpuModel: string;
  /** 1, 5 and 15 minutes, at the start and at the end. */
  readonly loadAverageAtStart: readonly number[];
  readonly loadAverageAtEnd: readonly number[];
  readonly postgres: string | null;
  readonly wallSeconds: number;
  readonly plan: BenchPlan;
  readonly rows: Row[];
  readonly failures: Failure[];
  /** Databases left out, and why. */
  readonly skipped: string[];
  /** Every figure each bench returned, as it returned it. */
  readonly details: {
    ruleEvaluation?: { rules: number; microseconds: number }[];
    rota: RoutingFigures[];
    export: ExportFigures[];
    ncip: { floor?: NcipFigures; interlend: (NcipFigures & { database: DatabaseKind })[] };
    iso18626: { floor?: IsoFigures; interlend: (IsoFigures & { database: DatabaseKind })[] };
    volume: VolumeFigures[];
    ui: { database: DatabaseKind; exitCode: number | null; pages: { page: string; p50: number; p95: number; max: number; network: boolean }[] }[];
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** Per request (over the configured empty database), and SQLite's two parts. */
function sizeDetail(f: VolumeFigures): string {
  const perRequest = `${((f.databaseBytes - f.emptyDatabaseBytes) / f.requests / 1024).toFixed(1)} KiB a request`;
  return f.sqliteFileBytes === undefined ? perRequest : `${perRequest}; file ${mib(f.sqliteFileBytes)}, WAL ${mib(f.sqliteWalBytes ?? 0)}`;
}

async function postgresVersion(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return String((await client.query('show server_version')).rows[0].server_version);
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

/** `npm run bench:ui` in a process of its own; its page lines read back. */
function uiBench(database: DatabaseKind, requests: number, log: (line: string) => void): Promise<BenchResults['details']['ui'][number]> {
  return new Promise((resolve, reject) => {
    // Its own defaults for everything but the number of requests: none of this run's BENCH_* settings.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BENCH_')));
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-ui.ts', ...(database === 'postgres' ? ['--pg'] : [])], { cwd: ROOT, env: { ...env, BENCH_REQUESTS: String(requests) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (exitCode) => {
      const pages = [...out.matchAll(/^ {2}(.{44})\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)(.*)$/gm)].map((m) => ({ page: m[1]!.trim(), p50: Number(m[2]), p95: Number(m[3]), max: Number(m[4]), network: m[5]!.includes('asks ILLiad') }));
      if (pages.length === 0) return reject(new Error(`bench:ui printed no page figures (exit ${exitCode}):\n${out.slice(-2000)}`));
      log(out.split('\n').filter((l) => /slowest|Every page|over \d+ ms/.test(l)).map((l) => `    ${l.trim()}`).join('\n'));
      resolve({ database, exitCode, pages });
    });
  });
}

export async function runBench(p: BenchPlan, log: (line: string) => void = console.log): Promise<BenchResults> {
  const began = performance.now();
  const loadAverageAtStart = loadavg().map(round);
  const rows: Row[] = [];
  const failures: Failure[] = [];
  const skipped: string[] = [];
  const date = new Date().toISOString();
  const details: BenchResults['details'] = { rota: [], export: [], ncip: { interlend: [] }, iso18626: { interlend: [] }, volume: [], ui: [] };
  const elapsed = () => `${((performance.now() - began) / 1000).toFixed(0)} s`;

  const databases: DatabaseKind[] = [];
  for (const database of p.databases) {
    const problem = database === 'postgres' ? await postgresProblem() : undefined;
    if (problem) {
      log(`PostgreSQL: ${problem}; its rows are left out`);
      skipped.push(`PostgreSQL: ${problem}`);
    } else databases.push(database);
  }
  const postgres = databases.includes('postgres') ? await postgresVersion() : null;

  /** Runs one measurement; a failure is recorded and the run goes on. */
  const attempt = async (bench: BenchName, database: DatabaseKind | null, what: string, work: () => Promise<void>) => {
    log(`[${elapsed()}] ${what}${database ? ` on ${DATABASE_NAME[database]}` : ''}…`);
    try {
      await work();
    } catch (error) {
      const message = (error as Error).stack ?? String(error);
      log(`  FAILED: ${message}`);
      failures.push({ bench, database, error: (error as Error).message });
    }
  };
  const perSecond = (value: number, unit: string, detail?: string) => ({ value, unit, ...(detail ? { detail } : {}) });

  if (p.benches.includes('rota')) {
    await attempt('rota', null, 'rule evaluation', async () => {
      details.ruleEvaluation = ruleEvaluation();
    });
    for (const database of databases) {
      await attempt('rota', database, `rota: ${p.rota.requests} requests routed, best of ${p.rota.rounds}`, async () => {
        const f = await measureRouting(database, p.rota);
        details.rota.push(f);
        rows.push(
          row('rota', `rota: requests created and routed (${RULES_IN_ROUTING} rules, ${p.rota.requests.toLocaleString('en-US')} one after another, in-process)`, database, perSecond(f.routedPerSecond, 'requests/s'), {
            what: 'plain single-row inserts, same driver',
            ...perSecond(f.plainInsertsPerSecond, 'inserts/s'),
          }),
        );
      });
    }
  }

  if (p.benches.includes('export')) {
    for (const database of databases) {
      for (const setting of p.export.settings) {
        await attempt('export', database, `export: ${p.export.requests} exports, ${setting.concurrency} at once, ${setting.latencyMs} ms per ILLiad call`, async () => {
          const f = await measureExports(database, { requests: p.export.requests, ...setting });
          details.export.push(f);
          rows.push(
            row('export', `export to the ILLiad simulator: ${setting.concurrency} job${setting.concurrency > 1 ? 's' : ''} at once, ${setting.latencyMs} ms per ILLiad call`, database, perSecond(f.exportsPerSecond, 'exports/s'), {
              what: 'the same 4 ILLiad calls from a plain client, no database',
              ...perSecond(f.floorPerSecond, 'exports/s'),
            }),
          );
        });
      }
    }
  }

  if (p.benches.includes('ncip')) {
    let floor: NcipFigures | undefined;
    await attempt('ncip', null, `NCIP floor: bare Fastify, ${p.ncip.pairs} pairs`, async () => {
      floor = details.ncip.floor = await bareFastify(p.ncip);
    });
    for (const database of databases) {
      await attempt('ncip', database, `NCIP: ${p.ncip.pairs} AcceptItem + CheckInItem pairs, ${p.ncip.connections} connections`, async () => {
        const f = await measureNcip(database, p.ncip);
        if (f.problems) throw new Error(`${f.problems} NCIP Problems in the answers`);
        details.ncip.interlend.push({ ...f, database });
        rows.push(
          row('ncip', `NCIP AcceptItem + CheckInItem over HTTP, ${p.ncip.connections} connections`, database, perSecond(f.perSecond, 'messages/s', `p50 ${f.p50.toFixed(0)} ms, p99 ${f.p99.toFixed(0)} ms`), floor ? { what: 'bare Fastify route, fixed NCIP body', ...perSecond(floor.perSecond, 'messages/s', `p50 ${floor.p50.toFixed(0)} ms, p99 ${floor.p99.toFixed(0)} ms`) } : null),
        );
      });
    }
  }

  if (p.benches.includes('iso18626')) {
    let floor: IsoFigures | undefined;
    await attempt('iso18626', null, `ISO 18626 floor: the six messages to a bare route, ${p.iso.loans} loans`, async () => {
      floor = details.iso18626.floor = isoFigures(await bareExchange(p.iso));
    });
    for (const database of databases) {
      await attempt('iso18626', database, `ISO 18626: ${p.iso.loans} loans between two instances, ${p.iso.concurrency} at once`, async () => {
        const f = isoFigures(await measureIso(database, p.iso));
        details.iso18626.interlend.push({ ...f, database });
        const detail = (x: IsoFigures) => `${x.messagesPerSecond.toFixed(0)} messages/s, p99 of a loan ${x.p99.toFixed(0)} ms`;
        rows.push(
          row('iso18626', `ISO 18626 loans between two instances (6 messages and 9 staff actions each), ${p.iso.concurrency} at once`, database, perSecond(f.loansPerSecond, 'loans/s', detail(f)), floor ? { what: 'the same 6 messages, same client code, to a bare route', ...perSecond(floor.loansPerSecond, 'loans/s', detail(floor)) } : null),
        );
      });
    }
  }

  if (p.benches.includes('volume')) {
    for (const database of databases) {
      await attempt('volume', database, `volume: ${p.volume.requests.toLocaleString('en-US')} requests through \`interlend serve\`, ${p.volume.clients} clients`, async () => {
        const f = await measureVolume(database, { ...p.volume, log });
        details.volume.push(f);
        const n = f.requests.toLocaleString('en-US');
        rows.push(
          row('volume', `volume: ${n} requests posted to \`interlend serve\` (ILLiad rota), ${f.clients} clients`, database, perSecond(f.requestsPerSecond, 'requests/s', `${f.seconds.toFixed(0)} s; ${f.exportedDuringLoad.toLocaleString('en-US')} exported meanwhile`), {
            what: `bare Fastify route answering 201, same clients (${f.floorRequests.toLocaleString('en-US')} posts)`,
            ...perSecond(f.floorRequestsPerSecond, 'requests/s'),
          }),
          row('volume', `volume: peak RSS of the server (VmHWM) after ${n} requests`, database, { value: f.peakRssBytes, unit: 'bytes' }, { what: 'its RSS once started, before the load', value: f.startRssBytes, unit: 'bytes' }),
          row('volume', `volume: database size after ${n} requests${database === 'sqlite' ? ' (file + WAL)' : ''}`, database, { value: f.databaseBytes, unit: 'bytes', detail: sizeDetail(f) }, null),
        );
      });
    }
  }

  if (p.benches.includes('ui')) {
    for (const database of databases) {
      await attempt('ui', database, `staff pages with ${p.ui.requests.toLocaleString('en-US')} requests (npm run bench:ui)`, async () => {
        const f = await uiBench(database, p.ui.requests, log);
        details.ui.push(f);
        const held = f.pages.filter((page) => !page.network);
        const slowest = held.reduce((a, b) => (b.p95 > a.p95 ? b : a));
        rows.push(row('ui', `staff pages, ${p.ui.requests.toLocaleString('en-US')} requests: the slowest p95 of ${held.length} pages`, database, { value: slowest.p95, unit: 'ms', detail: slowest.page }, { what: "issue 8's budget", value: 200, unit: 'ms' }));
      });
    }
  }

  return {
    date,
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverageAtStart,
    loadAverageAtEnd: loadavg().map(round),
    postgres,
    wallSeconds: Math.round((performance.now() - began) / 1000),
    plan: p,
    rows,
    failures,
    skipped,
    details,
  };
}
