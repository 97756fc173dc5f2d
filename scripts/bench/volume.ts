/**
 * Volume (issue 10: "peak memory (RSS) and database size after 100,000 requests"): a real `interlend serve` process
 * (spawned, as `npm start` runs, its one job worker in the same process) on a fresh database, with the guide's
 * configuration (examples/lender-of-last-resort.yaml, the ILLiad rota gone live and the peers' rota inactive, as
 * the two-instance test has it) and the demo patrons, applied with POST /api/v1/config once it listens. `clients` loops
 * POST /api/v1/borrowing-requests over kept-alive HTTP until `requests` were answered 201; each request runs the
 * real rules and rota and ends with ILLiad, so the worker exports it to the ILLiad simulator (in this process)
 * while the load goes on, as it would in production.
 *
 * Measured: requests per second for the whole load (first POST to last answer); the server's RSS, sampled every
 * second from /proc/<pid>/status, and its own peak (VmHWM) at the end; the database's size at the end (SQLite: the
 * file plus its -wal; PostgreSQL: pg_database_size); how many requests ILLiad had by then. Baselines in the same run:
 * the same clients posting to a bare Fastify route (its own process) that parses the JSON and answers 201 with a
 * fixed body; the server's RSS once it has started and taken the configuration, before the load; the size of the
 * configured database before the load.
 *
 * The server logs at `warn` (at the default `info` it writes two lines per request, and this process would keep
 * them all).
 */
import { readFileSync, statSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { startIlliadSimulator } from '../../src/sim/illiad/index.ts';
import { freePort, ROOT, type Running, start, waitForOk } from '../../test/support/processes.ts';
import { type DatabaseKind, PG_ADMIN, type ThrowawayDatabase, withDatabase } from './common.ts';

const TOKEN = 'bench-volume-admin-token-0123456789abcdef';
const API_KEY = 'bench-volume-illiad-key';
/** The demo patrons who may borrow (100200303 is blocked for fines, guest-0001 is a guest). */
const PATRONS = ['100200300', '100200301', '100200302'];

export interface VolumeOptions {
  readonly requests: number;
  /** Concurrent HTTP clients. */
  readonly clients: number;
  /** Progress every this many requests. */
  readonly every?: number;
  readonly log?: (line: string) => void;
}

export interface VolumeFigures {
  readonly database: DatabaseKind;
  readonly requests: number;
  readonly clients: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  /** The same clients against a bare Fastify route answering 201, in requests per second. */
  readonly floorRequestsPerSecond: number;
  readonly floorRequests: number;
  /** The server's peak resident set (its VmHWM at the end, or the largest sample if that is higher), bytes. */
  readonly peakRssBytes: number;
  /** VmHWM at the end, bytes. */
  readonly vmHwmBytes: number;
  /** The largest VmRSS sampled each second, bytes (a check on VmHWM). */
  readonly sampledMaxRssBytes: number;
  /** VmRSS after start-up, before the load, bytes. */
  readonly startRssBytes: number;
  /** At the end of the load, bytes. */
  readonly databaseBytes: number;
  /** SQLite: the database file and its write-ahead log (-wal), which make databaseBytes. */
  readonly sqliteFileBytes?: number;
  readonly sqliteWalBytes?: number;
  /** The configured database before the load, bytes. */
  readonly emptyDatabaseBytes: number;
  /** ILLiad transactions made by the worker by the time the last request was answered. */
  readonly exportedDuringLoad: number;
  /** Answers other than 201 (retried). */
  readonly refused: number;
}

/** The guide's configuration with the ILLiad rota live (the guide's go-live step) and the peers' rota off. */
export function straightToIlliad(): string {
  const guide = readFileSync(join(ROOT, 'examples/lender-of-last-resort.yaml'), 'utf8');
  const changed = guide
    .replace('status: ACTIVE\n    members: [NORTH, SOUTH]', 'status: INACTIVE\n    members: [NORTH, SOUTH]')
    .replace('status: INACTIVE\n    members: [ILLiad]', 'status: ACTIVE\n    members: [ILLiad]');
  if (changed.match(/status: ACTIVE\n {4}members/g)?.length !== 1) throw new Error('examples/lender-of-last-resort.yaml changed: cannot make the ILLiad rota the only active one');
  return changed;
}

/** VmRSS and VmHWM of a process, in bytes (Linux). */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** The database's size; for SQLite also its two parts, the file and the write-ahead log. */
async function databaseBytes(database: ThrowawayDatabase): Promise<{ bytes: number; file?: number; wal?: number }> {
  if (database.where.kind === 'sqlite') {
    const size = (file: string) => {
      try {
        return statSync(file).size;
      } catch {
        return 0;
      }
    };
    const file = size(database.where.file);
    const wal = size(`${database.where.file}-wal`);
    return { bytes: file + wal, file, wal };
  }
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  try {
    return { bytes: Number((await admin.query('select pg_database_size($1) as bytes', [database.where.name])).rows[0].bytes) };
  } finally {
    await admin.end();
  }
}

/**
 * Posts `count` requests from `clients` loops over kept-alive connections; numbers from `first`. Calls `progress`
 * after each answer with how many were accepted. Answers other than 201 are counted and the request posted again.
 */
async function post(url: string, count: number, clients: number, body: (n: number) => string, progress: (accepted: number) => void, headers: Record<string, string> = {}): Promise<{ seconds: number; refused: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const target = new URL(url);
  let next = 0;
  let accepted = 0;
  let refused = 0;
  const once = (payload: string) =>
    new Promise<number>((resolve, reject) => {
      const outgoing = httpRequest(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
        (incoming) => {
          incoming.resume();
          incoming.on('end', () => resolve(incoming.statusCode ?? 0));
          incoming.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let n = next++; n < count; n = next++) {
          const payload = body(n);
          for (;;) {
            const status = await once(payload);
            if (status === 201) break;
            if (++refused > 100 + count / 100) throw new Error(`volume: ${refused} answers were not 201 (the last: HTTP ${status})`);
          }
          progress(++accepted);
        }
      }),
    );
    return { seconds: (performance.now() - started) / 1000, refused };
  } finally {
    agent.destroy();
  }
}

/** The floor: a bare Fastify in a process of its own that parses the JSON body and answers 201 with a fixed body. */
async function barePosts(count: number, clients: number): Promise<number> {
  const port = await freePort();
  const server = start(process.execPath, [join(ROOT, 'scripts/bench/bare-post-server.mjs')], { PORT: String(port) });
  try {
    await waitForOk(`http://127.0.0.1:${port}/healthz`, 30_000, server);
    const body = (n: number) => JSON.stringify({ patron: PATRONS[n % PATRONS.length], title: `Volume book ${n}`, oclcNumber: String(100_000 + n) });
    await post(`http://127.0.0.1:${port}/api/v1/borrowing-requests`, Math.min(2_000, count), clients, body, () => {}); // warm-up
    const { seconds } = await post(`http://127.0.0.1:${port}/api/v1/borrowing-requests`, count, clients, body, () => {});
    return count / seconds;
  } finally {
    await server.stop();
  }
}

async function volumeOn(kind: DatabaseKind, database: ThrowawayDatabase, options: VolumeOptions): Promise<VolumeFigures> {
  const log = options.log ?? ((line: string) => console.log(line));
  const every = options.every ?? 10_000;
  const simulator = await startIlliadSimulator({ apiKey: API_KEY, port: 0, externalUserIdMapping: 'EMailAddress' });
  let server: Running | undefined;
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      ...database.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      INTERLEND_DEMO: '0',
      INTERLEND_ADMIN_TOKEN: TOKEN,
      ILLIAD_URL: simulator.url,
      ILLIAD_API_KEY: API_KEY,
      // The peers' rota is inactive; their addresses are set only so the configuration has nothing unset.
      NORTH_PEER_URL: 'http://127.0.0.1:9/iso18626',
      SOUTH_PEER_URL: 'http://127.0.0.1:9/iso18626',
      LOG_LEVEL: 'warn',
    };
    server = start(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], env);
    await waitForOk(`${base}/healthz`, 60_000, server);
    // The configuration and the demo patrons, as an administrator would apply them: POST /api/v1/config.
    for (const yaml of [straightToIlliad(), readFileSync(join(ROOT, 'examples/demo-patrons.yaml'), 'utf8')]) {
      const applied = await fetch(`${base}/api/v1/config`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/yaml' }, body: yaml });
      if (!applied.ok) throw new Error(`volume: POST /api/v1/config: HTTP ${applied.status} ${await applied.text()}`);
    }
    const pid = server.child.pid!;
    // A moment to settle (the start-up's jobs, the worker's first poll), then the baseline figures.
    await new Promise((r) => setTimeout(r, 1_000));
    const startRssBytes = memoryOf(pid).rss;
    const emptyDatabaseBytes = (await databaseBytes(database)).bytes;

    let sampledMaxRssBytes = startRssBytes;
    const sampler = setInterval(() => {
      try {
        sampledMaxRssBytes = Math.max(sampledMaxRssBytes, memoryOf(pid).rss);
      } catch {
        /* the process is gone: the load will say so */
      }
    }, 1_000);
    const began = performance.now();
    let result: { seconds: number; refused: number };
    try {
      result = await post(
        `${base}/api/v1/borrowing-requests`,
        options.requests,
        options.clients,
        (n) => JSON.stringify({ patron: PATRONS[n % PATRONS.length], title: `Volume book ${n}`, oclcNumber: String(100_000 + n) }),
        (accepted) => {
          if (accepted % every !== 0 && accepted !== options.requests) return;
          const seconds = (performance.now() - began) / 1000;
          const { rss } = memoryOf(pid);
          sampledMaxRssBytes = Math.max(sampledMaxRssBytes, rss);
          log(`    ${accepted.toLocaleString('en-US').padStart(9)} / ${options.requests.toLocaleString('en-US')} requests, ${seconds.toFixed(0)} s, ${(accepted / seconds).toFixed(0)}/s, RSS ${(rss / 2 ** 20).toFixed(0)} MiB, in ILLiad ${simulator.store.transactions().length.toLocaleString('en-US')}`);
        },
        { authorization: `Bearer ${TOKEN}` },
      );
    } finally {
      clearInterval(sampler);
    }
    const exportedDuringLoad = simulator.store.transactions().length;
    const { rss, hwm } = memoryOf(pid);
    sampledMaxRssBytes = Math.max(sampledMaxRssBytes, rss);
    const after = await databaseBytes(database);
    await server.stop();
    server = undefined;
    const floorRequests = Math.min(options.requests, 20_000);
    const floorRequestsPerSecond = await barePosts(floorRequests, options.clients);
    return {
      database: kind,
      requests: options.requests,
      clients: options.clients,
      seconds: result.seconds,
      requestsPerSecond: options.requests / result.seconds,
      floorRequestsPerSecond,
      floorRequests,
      // The kernel's RSS counters are approximate (kept per thread and folded in now and then), so a sample can
      // exceed VmHWM by a little: the peak is the larger of the two.
      peakRssBytes: Math.max(hwm, sampledMaxRssBytes),
      vmHwmBytes: hwm,
      sampledMaxRssBytes,
      startRssBytes,
      databaseBytes: after.bytes,
      ...(after.file === undefined ? {} : { sqliteFileBytes: after.file, sqliteWalBytes: after.wal }),
      emptyDatabaseBytes,
      exportedDuringLoad,
      refused: result.refused,
    };
  } finally {
    if (server) await server.stop();
    await simulator.close();
  }
}

export const measureVolume = (database: DatabaseKind, options: VolumeOptions): Promise<VolumeFigures> => withDatabase(database, 'volume', (d) => volumeOn(database, d, options));
