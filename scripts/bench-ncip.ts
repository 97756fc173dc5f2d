/**
 * `npm run bench:ncip`: NCIP messages per second and latency at 32 concurrent connections, over real HTTP, on SQLite
 * and on PostgreSQL, beside a bare Fastify route answering a fixed NCIP body in the same run (the floor). Each pair
 * is an ILLiad AcceptItem (a new temporary item, hold and request) and the CheckInItem that retires it. Prints
 * figures, asserts nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { openInstance } from '../src/main.ts';
import { buildServer } from '../src/http/server.ts';
import { createIso18626Responder } from '../src/protocols/iso18626/responder.ts';
import { createNcipResponder } from '../src/protocols/ncip/responder.ts';
import { randomIdSource, systemClock } from '../src/app/system.ts';
import { acceptItem, checkInItemBorrowing, encodeLatin1 } from '../src/sim/illiad/ncip-messages.ts';
import type { IlliadTransaction } from '../src/sim/illiad/index.ts';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** Which databases to measure, comma-separated (default both); the floor always runs. */
const DATABASES = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');
const PG_ADMIN = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = new URL('..', import.meta.url);
const settings = { fromAgencyId: 'CSU_DEMO', toAgencyId: 'CSU_DEMO', applicationProfileType: 'ILLiad', pseudopatron: 'pseudopatron', requestIdPrefix: '', checkOutItemRequestIdPrefix: '' };

function messages(n: number): [Buffer, Buffer] {
  const transaction = { TransactionNumber: 100_000 + n, Username: 'cwlee', LoanTitle: `Book ${n}`, LoanAuthor: 'Author', RequestType: 'Loan' } as IlliadTransaction;
  return [encodeLatin1(acceptItem(transaction, settings, { itemId: String(100_000 + n), dateForReturn: '2027-01-31' })), encodeLatin1(checkInItemBorrowing(transaction, settings, { itemId: String(100_000 + n) }))];
}

type Figures = { perSecond: number; p50: number; p99: number; problems: number };

/**
 * The load runs on a worker thread (its own event loop, the machine's other core), so the client's work is not
 * billed to the server under test.
 */
function drive(url: string, count: number, first = 0): Promise<Figures> {
  const pairs = Array.from({ length: count }, (_, n) => messages(first + n));
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./ncip-load.worker.mjs', import.meta.url), { workerData: { url, pairs, connections: CONNECTIONS }, execArgv: [] });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

async function bareFastify(): Promise<{ perSecond: number; p50: number; p99: number }> {
  const fixed = '<?xml version="1.0" encoding="UTF-8"?><ns1:NCIPMessage xmlns:ns1="http://www.niso.org/2008/ncip"><ns1:AcceptItemResponse><ns1:RequestId><ns1:RequestIdentifierValue>1</ns1:RequestIdentifierValue></ns1:RequestId></ns1:AcceptItemResponse></ns1:NCIPMessage>';
  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
  app.post('/ncip', async (_request, reply) => reply.type('application/xml; charset=utf-8').send(fixed));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    return await drive(`${address}/ncip`, PAIRS);
  } finally {
    await app.close();
  }
}

async function interlend(env: Record<string, string>): Promise<{ perSecond: number; p50: number; p99: number; problems: number }> {
  const instance = await openInstance({ ...env, INTERLEND_DEMO: '0' });
  try {
    await instance.transfer.importYaml(readFileSync(new URL('examples/lender-of-last-resort.yaml', ROOT), 'utf8'));
    await instance.transfer.importYaml(readFileSync(new URL('examples/demo-patrons.yaml', ROOT), 'utf8'));
    const app = await buildServer({
      ...instance,
      ping: () => instance.storage.ping(),
      about: { version: 'bench', database: instance.storage.dialect, demo: async () => false },
      ncip: createNcipResponder({ service: instance.ncip, storage: instance.storage, clock: systemClock, ids: randomIdSource() }),
      iso18626: createIso18626Responder({ peers: instance.peers }),
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      await drive(`${address}/ncip`, 200, 500_000); // warm-up, on numbers of its own
      return await drive(`${address}/ncip`, PAIRS);
    } finally {
      await app.close();
    }
  } finally {
    await instance.close();
  }
}

async function withPostgres<T>(work: (url: string) => Promise<T>): Promise<T | string> {
  const name = `interlend_bench_ncip_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    return `not reachable at ${PG_ADMIN} (${(error as Error).message})`;
  }
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

const row = (name: string, r: { perSecond: number; p50: number; p99: number; problems?: number }, floor?: number) =>
  console.log(
    `  ${name.padEnd(22)}${r.perSecond.toFixed(0).padStart(10)}${r.p50.toFixed(1).padStart(10)}${r.p99.toFixed(1).padStart(10)}${floor ? (r.perSecond / floor).toFixed(2).padStart(9) : '        -'}${r.problems ? `   (${r.problems} Problems!)` : ''}`,
  );

console.log(`NCIP over HTTP: ${PAIRS} AcceptItem + CheckInItem pairs, ${CONNECTIONS} concurrent connections`);
console.log('  server                   msgs/s   p50 ms    p99 ms   ratio');
const floor = await bareFastify();
row('bare Fastify, fixed body', floor);
if (DATABASES.includes('sqlite')) {
  const dir = mkdtempSync(join(tmpdir(), 'interlend-bench-ncip-'));
  try {
    row('Interlend on SQLite', await interlend({ DATA_DIR: dir }), floor.perSecond);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (DATABASES.includes('postgres')) {
  const onPostgres = await withPostgres((url) => interlend({ DATABASE_URL: url }));
  if (typeof onPostgres === 'string') console.log(`  PostgreSQL: ${onPostgres}; skipped`);
  else row('Interlend on PostgreSQL', onPostgres, floor.perSecond);
}
