/**
 * `npm run bench:iso`: full ISO 18626 loan cycles per second between two Interlend instances on loopback (issue
 * 6), on SQLite and, when it answers at TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres), on
 * PostgreSQL, each instance with a database of its own (made and dropped here). Prints figures, asserts nothing.
 *
 * The two sites are examples/two-sites/ (A borrows, B lends). A cycle is the loan of two-instances.test.ts: A's
 * request → Request → B will supply (WillSupply) → B ships (Loaned) → A receives (Received) → A lends to its patron
 * and takes it back → A returns it (ShippedReturn) → B checks it in (LoanCompleted) → A's request is completed.
 * That is six ISO 18626 messages over HTTP, each sent by a worker job and confirmed, and nine staff actions, which
 * the bench calls in-process (the use cases, not the JSON API) so that the figure is the protocol's and the jobs'.
 * Each site runs one worker (as `npm start` does), polling every WORKER_POLL_MS when idle. A cycle waits for each
 * step of the other site by reading its database when a message about the request has been applied there (the
 * sites' message handlers are wrapped to say so), or every FALLBACK_MS at the latest: reading on a timer instead
 * costs the databases more than the protocol does at this rate.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Instance } from '../src/app/instance.ts';
import { randomIdSource, systemClock } from '../src/app/system.ts';
import { buildServer } from '../src/http/server.ts';
import { instanceJobs, openInstance } from '../src/main.ts';
import { createIso18626Responder } from '../src/protocols/iso18626/responder.ts';
import { createNcipResponder } from '../src/protocols/ncip/responder.ts';
import { createWorker } from '../src/worker/worker.ts';

const LOANS = Number(process.env.BENCH_LOANS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DATABASES = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');
const PG_ADMIN = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WORKER_POLL_MS = 5;
const FALLBACK_MS = 250;
const ROOT = new URL('..', import.meta.url);
const MESSAGES_PER_CYCLE = 6;

interface Site {
  readonly instance: Instance;
  readonly env: Record<string, string | undefined>;
  close(): Promise<void>;
}

/** One Interlend: storage and use cases (openInstance), its HTTP server on loopback, its worker. */
async function site(env: Record<string, string | undefined>): Promise<Site & { url: string; start(): void }> {
  const instance = await openInstance(env);
  const app = await buildServer({
    ...instance,
    ping: () => instance.storage.ping(),
    about: { version: 'bench', database: instance.storage.dialect, demo: async () => false },
    ncip: createNcipResponder({ service: instance.ncip, storage: instance.storage, clock: systemClock, ids: randomIdSource() }),
    iso18626: createIso18626Responder({ peers: instance.peers, lending: instance.lending }),
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const worker = createWorker({ storage: instance.storage, clock: systemClock, ids: randomIdSource(), pollMs: WORKER_POLL_MS, ...instanceJobs(instance) });
  return {
    instance,
    env,
    url: `${address}/iso18626`,
    start: () => worker.start(),
    async close() {
      await worker.stop();
      await app.close();
      await instance.close();
    },
  };
}

/** "A message about request X was applied here", from the wrapped message handlers of both sites. */
const applied = new EventEmitter().setMaxListeners(0);

/** Wraps a site's ISO 18626 handlers so that each applied message announces the request it was about. */
function announce(instance: Instance): void {
  const peers = instance.peers;
  const supplierMessage = peers.supplierMessage.bind(peers);
  peers.supplierMessage = async (message) => {
    const id = await supplierMessage(message);
    applied.emit(id);
    return id;
  };
  const lending = instance.lending;
  const receiveRequest = lending.receiveRequest.bind(lending);
  lending.receiveRequest = async (incoming) => {
    const outcome = await receiveRequest(incoming);
    applied.emit(outcome.request.requesterRequestId);
    return outcome;
  };
  const receiveRequesterMessage = lending.receiveRequesterMessage.bind(lending);
  lending.receiveRequesterMessage = async (incoming) => {
    const request = await receiveRequesterMessage(incoming);
    applied.emit(request.requesterRequestId);
    return request;
  };
}

/** Reads until `done`, again each time a message about `key` is applied (or after FALLBACK_MS). */
async function until<T>(key: string, read: () => Promise<T | undefined>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    let wake: () => void = () => {};
    const next = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FALLBACK_MS);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
      applied.once(key, wake);
    });
    const value = await read();
    if (value !== undefined && done(value)) {
      applied.off(key, wake);
      wake();
      return value;
    }
    if (Date.now() > deadline) throw new Error(`waited 60 s for ${what}`);
    await next;
    applied.off(key, wake);
  }
}

/** One full loan cycle; resolves with its duration in ms. */
async function cycle(a: Instance, b: Instance, n: number): Promise<number> {
  const started = performance.now();
  const { id } = await a.borrowing.create({ patron: 'A-0001', title: `Bench book ${n}` }, 'bench');
  const borrowed = (status: string) => until(id, () => a.storage.read.borrowing.get(id), (r) => r.status === status, `A's ${id} ${status}`);
  const lent = (status: string) => until(id, () => b.storage.read.lending.byRequester('US-ALD', id), (r) => r.status === status, `B's loan of ${id} ${status}`);
  const { id: lendingId } = await lent('CREATED');
  await b.lending.act(lendingId, 'will-supply', 'bench');
  await borrowed('WILL_SUPPLY');
  await b.lending.act(lendingId, 'ship-physically', 'bench');
  await borrowed('SHIPPED_PHYSICALLY');
  await a.borrowing.act(id, 'receive', 'staff', 'bench');
  await lent('RECEIVED_BY_PARTNER');
  await a.borrowing.act(id, 'loan', 'staff', 'bench');
  await a.borrowing.act(id, 'patron-return', 'staff', 'bench');
  await a.borrowing.act(id, 'return-to-partner', 'staff', 'bench');
  await lent('RETURNED_BY_PARTNER');
  await b.lending.act(lendingId, 'check-in', 'bench');
  await borrowed('REQUEST_COMPLETED');
  return performance.now() - started;
}

async function run(a: Instance, b: Instance, count: number, first: number): Promise<{ seconds: number; durations: number[] }> {
  const durations: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
      while (next < count) durations.push(await cycle(a, b, first + next++));
    }),
  );
  return { seconds: (performance.now() - started) / 1000, durations: durations.sort((x, y) => x - y) };
}

/** Two sites on the given environments, each the other's partner; the figures of LOANS cycles after a warm-up. */
async function measure(envA: Record<string, string | undefined>, envB: Record<string, string | undefined>) {
  const a = await site({ ...envA, INTERLEND_DEMO: '0' });
  const b = await site({ ...envB, INTERLEND_DEMO: '0' });
  try {
    // openInstance keeps the environment object it was given, and a partner's ${VAR} address is read from it when
    // a message is sent: the addresses, known only now that both listen, go in here.
    Object.assign(a.env, { SITE_B_URL: b.url });
    Object.assign(b.env, { SITE_A_URL: a.url });
    announce(a.instance);
    announce(b.instance);
    await a.instance.transfer.importYaml(readFileSync(new URL('examples/two-sites/site-a.yaml', ROOT), 'utf8'));
    await b.instance.transfer.importYaml(readFileSync(new URL('examples/two-sites/site-b.yaml', ROOT), 'utf8'));
    a.start();
    b.start();
    await run(a.instance, b.instance, Math.min(20, LOANS), 1_000_000); // warm-up
    return await run(a.instance, b.instance, LOANS, 0);
  } finally {
    await a.close();
    await b.close();
  }
}

async function withPostgres<T>(work: (urls: [string, string]) => Promise<T>): Promise<T | string> {
  const names = [`interlend_bench_iso_a_${process.pid}`, `interlend_bench_iso_b_${process.pid}`];
  const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    return `not reachable at ${PG_ADMIN} (${(error as Error).message})`;
  }
  for (const name of names) {
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
  }
  const urls = names.map((name) => {
    const url = new URL(PG_ADMIN);
    url.pathname = `/${name}`;
    return url.toString();
  }) as [string, string];
  try {
    return await work(urls);
  } finally {
    for (const name of names) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

const row = (name: string, r: { seconds: number; durations: number[] }) => {
  const perSecond = r.durations.length / r.seconds;
  const at = (q: number) => r.durations[Math.min(r.durations.length - 1, Math.floor(q * r.durations.length))]!;
  console.log(
    `  ${name.padEnd(12)}${perSecond.toFixed(1).padStart(10)}${(perSecond * MESSAGES_PER_CYCLE).toFixed(0).padStart(12)}${at(0.5).toFixed(0).padStart(10)}${at(0.99).toFixed(0).padStart(10)}`,
  );
};

console.log(`ISO 18626 loan cycles between two Interlend instances on loopback: ${LOANS} loans, ${CONCURRENCY} at a time`);
console.log(`(a cycle: ${MESSAGES_PER_CYCLE} ISO 18626 messages over HTTP and 9 staff actions; one worker per site, polling every ${WORKER_POLL_MS} ms when idle)`);
console.log('  database     cycles/s  messages/s  p50 ms    p99 ms');
if (DATABASES.includes('sqlite')) {
  const dirs = [mkdtempSync(join(tmpdir(), 'interlend-bench-iso-a-')), mkdtempSync(join(tmpdir(), 'interlend-bench-iso-b-'))] as const;
  try {
    row('SQLite', await measure({ DATA_DIR: dirs[0] }, { DATA_DIR: dirs[1] }));
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
if (DATABASES.includes('postgres')) {
  const onPostgres = await withPostgres(([urlA, urlB]) => measure({ DATABASE_URL: urlA }, { DATABASE_URL: urlB }));
  if (typeof onPostgres === 'string') console.log(`  PostgreSQL: ${onPostgres}; skipped`);
  else row('PostgreSQL', onPostgres);
}
