/**
 * `npm run bench:ui`: how long every staff page takes to answer with 50,000 borrowing requests in the database
 * (issue 8: "every page answers in under 200 ms"). SQLite by default; `--pg` (or BENCH_DB=pg) runs on a PostgreSQL
 * database made and dropped here (TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 *
 * The instance is the one `npm start` runs (openInstance, buildServer with the staff pages, NCIP and ISO 18626
 * endpoints) listening on loopback, with the example configuration, the demo patrons and BENCH_PATRONS more, an
 * ILLiad simulator as the lender of last resort and two ISO 18626 mock peers for NORTH and SOUTH.
 *
 * The data: a few dozen requests are walked through the real flows (peers answering over HTTP, the export to the
 * simulator, NCIP AcceptItem and CheckInItem from it, staff actions, the worker running the jobs), and each is
 * copied at every status it rests in, with its history, as it stood then: these are the exemplars. The rest of the
 * BENCH_REQUESTS requests are copies of them (new id, patron, citation, OCLC number, ISBN, TN, times spread over
 * three years), written in bulk with the repository's own row mapping (borrowingRequestRow) and the history rows as
 * saves write them, so the tables hold what the application would have written. Lending requests likewise, from
 * ISO 18626 Requests posted by the peers and answered by staff.
 *
 * Then the bench signs in over HTTP as an admin staff user (user name and password on the sign-in form, then the
 * session cookie, as a browser does) and asks each page with fetch over a kept-alive connection, one request at a
 * time: BENCH_WARMUP times unmeasured, then BENCH_RUNS times measured, from sending the request to having read the
 * whole body. It prints p50, p95 and max per page, marks those whose p95 is over BENCH_BUDGET_MS (200), and exits
 * 1 when one is. Pages that ask ILLiad (the live doctor, the identity dry run) are timed against the simulator on
 * loopback and are not held to the budget: their time is ILLiad's. The worker is stopped while pages are timed, so
 * only the pages use the database. Prints figures only: no test holds timings.
 *
 * BENCH_REQUESTS (50000), BENCH_PATRONS (3000), BENCH_LENDING (3000), BENCH_RUNS (20), BENCH_WARMUP (3),
 * BENCH_BUDGET_MS (200); BENCH_ONLY=word times only the pages whose name has it; BENCH_KEEP_DB=1 keeps the database
 * and prints where it is (for EXPLAIN).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { PatronImport } from '../src/app/patron-import.ts';
import type { HistoryEntry } from '../src/app/ports.ts';
import { randomIdSource, systemClock } from '../src/app/system.ts';
import type { BorrowingRequest } from '../src/domain/request/borrowing-request.ts';
import type { LendingRequest } from '../src/domain/request/lending-request.ts';
import { BORROWING_STATUS, type BorrowingStatus, LENDING_MODEL } from '../src/domain/request/state-model.ts';
import { buildServer } from '../src/http/server.ts';
import { instanceJobs, openInstance } from '../src/main.ts';
import { buildIso18626 } from '../src/protocols/iso18626/build.ts';
import type { Iso18626Request, Iso18626RequestingAgencyMessage } from '../src/protocols/iso18626/messages.ts';
import { createIso18626Responder } from '../src/protocols/iso18626/responder.ts';
import { createNcipResponder } from '../src/protocols/ncip/responder.ts';
import { type IlliadSimulator, startIlliadSimulator } from '../src/sim/illiad/index.ts';
import { type PeerMock, startPeerMock } from '../src/sim/peer/index.ts';
import { borrowingRequestRow } from '../src/storage/borrowing-repository.ts';
import { type DatabaseSettings, openDatabase } from '../src/storage/database.ts';
import { lendingRequestRow } from '../src/storage/lending-repository.ts';
import type { Database, RequestHistoryRow } from '../src/storage/schema.ts';
import { staffInterface } from '../src/ui/plugin.ts';
import { createWorker } from '../src/worker/worker.ts';

const ON_POSTGRES = process.argv.includes('--pg') || ['pg', 'postgres'].includes(process.env.BENCH_DB ?? '');
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50_000);
const PATRONS = Number(process.env.BENCH_PATRONS ?? 3_000);
const LENDING = Number(process.env.BENCH_LENDING ?? 3_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 200);
/** Only the pages whose name contains this (for profiling one page). */
const ONLY = process.env.BENCH_ONLY;
/** Keep the database afterwards (to look at query plans), and say where it is. */
const KEEP = process.env.BENCH_KEEP_DB === '1';
const PG_ADMIN = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = new URL('..', import.meta.url);
const DAY_MS = 86_400_000;
const YEARS_OF_REQUESTS = 3;

const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A seeded PRNG (mulberry32), so two runs build the same database. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(18626);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
/** Zipf-like: low indexes far more often, as a few words and a few patrons account for much of a library's requests. */
const skewed = <T>(items: readonly T[], power = 2): T => items[Math.min(items.length - 1, Math.floor(items.length * random() ** power))]!;

// ---------------------------------------------------------------------------------------------------------------
// Citations: titles from common title words and a long tail of rarer ones, authors, OCLC numbers and valid ISBNs.

const COMMON = ['history', 'introduction', 'theory', 'american', 'science', 'world', 'life', 'new', 'study', 'art', 'social', 'language', 'war', 'politics', 'education', 'women', 'culture', 'development', 'modern', 'handbook', 'economic', 'health', 'global', 'research', 'practice', 'public', 'law', 'music', 'religion', 'media'];
const TAIL_ROOTS = ['quant', 'morph', 'glyph', 'lumin', 'verd', 'cryst', 'borea', 'tectar', 'pelag', 'sylv', 'ferro', 'chron', 'helio', 'lith', 'myco', 'necro', 'ornith', 'paleo', 'rhizo', 'strat', 'thalass', 'volc', 'xeno', 'zoo', 'aqu', 'carto', 'dendro', 'ethno', 'geo', 'hydro'];
const TAIL_ENDS = ['ology', 'ics', 'ism', 'ography', 'ation', 'ity', 'ance', 'ure', 'ist', 'ence', 'ine', 'oid', 'ial', 'ous', 'ary'];
const TAIL = TAIL_ROOTS.flatMap((root) => TAIL_ENDS.map((end) => root + end)); // 450 rarer words
const SMALL = ['of', 'the', 'and', 'in', 'a', 'to', 'for', 'on'];
const SURNAMES = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Okafor', 'Natarajan', 'Kowalski', 'Haddad', 'Tanaka', 'Müller', 'Dubois', 'Rossi', 'Novak', 'Søren'];
const GIVEN = ['Ada', 'Ben', 'Chen', 'Dana', 'Eli', 'Fatima', 'Gus', 'Hana', 'Ivan', 'Jo', 'Kai', 'Lena', 'Mo', 'Nia', 'Omar', 'Pia', 'Raj', 'Sara', 'Tom', 'Uma', 'Vic', 'Wen', 'Yara', 'Zoe'];
const PUBLISHERS = ['Oxford University Press', 'Cambridge University Press', 'Routledge', 'Springer', 'Wiley', 'University of California Press', 'MIT Press', 'Penguin'];

const title = (): string => {
  const words: string[] = [];
  const length = 3 + Math.floor(random() * 6);
  for (let i = 0; i < length; i++) {
    const r = random();
    words.push(r < 0.35 ? skewed(COMMON) : r < 0.55 ? pick(SMALL) : skewed(TAIL));
  }
  const text = words.join(' ');
  return text[0]!.toUpperCase() + text.slice(1);
};

function isbn13(): string {
  const twelve = `978${String(Math.floor(random() * 1e9)).padStart(9, '0')}`;
  const sum = [...twelve].reduce((total, c, i) => total + Number(c) * (i % 2 === 0 ? 1 : 3), 0);
  return `${twelve}${(10 - (sum % 10)) % 10}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The database: a temporary SQLite file, or a PostgreSQL database of its own.

async function withDatabase<T>(work: (settings: DatabaseSettings, env: Record<string, string>) => Promise<T>): Promise<T> {
  if (!ON_POSTGRES) {
    const dir = mkdtempSync(join(tmpdir(), 'interlend-bench-ui-'));
    try {
      return await work({ kind: 'sqlite', file: join(dir, 'interlend.sqlite') }, { DATA_DIR: dir });
    } finally {
      if (KEEP) log(`(kept: ${join(dir, 'interlend.sqlite')})`);
      else rmSync(dir, { recursive: true, force: true });
    }
  }
  const name = `interlend_bench_ui_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  try {
    return await work({ kind: 'postgres', url: url.toString() }, { DATABASE_URL: url.toString() });
  } finally {
    if (KEEP) log(`(kept: ${url.toString()})`);
    else await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The instance, as `npm start` wires it, with the simulator and the mock peers.

async function startSite(dbEnv: Record<string, string>) {
  const env: Record<string, string | undefined> = { ...dbEnv, INTERLEND_DEMO: '0' };
  const instance = await openInstance(env);
  const patronImport = new PatronImport({ config: instance.config, storage: instance.storage });
  const app = await buildServer({
    ...instance,
    patronImport,
    ping: () => instance.storage.ping(),
    about: { version: 'bench', database: instance.storage.dialect, demo: async () => false },
    ncip: createNcipResponder({ service: instance.ncip, storage: instance.storage, clock: systemClock, ids: randomIdSource() }),
    iso18626: createIso18626Responder({ peers: instance.peers, lending: instance.lending }),
    ui: staffInterface({ ...instance, patronImport, clock: systemClock, demo: async () => false }),
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  // openInstance keeps this env object: the addresses, known only now, are read from it when a partner is called.
  const sim: IlliadSimulator = await startIlliadSimulator({
    apiKey: 'bench-key',
    port: 0,
    externalUserIdMapping: 'EMailAddress',
    ncipUrl: `${address}/ncip`,
    ncip: { fromAgencyId: 'CSU_DEMO', toAgencyId: 'CSU_DEMO', applicationProfileType: 'ILLiad' },
  });
  const mocks: PeerMock[] = [];
  for (const [variable, symbol] of [['NORTH_PEER_URL', 'US-NSU'], ['SOUTH_PEER_URL', 'US-SCC']] as const) {
    const mock = await startPeerMock({ symbol, port: 0, peerUrl: `${address}/iso18626`, defaultScenario: 'UNFILLED', messageDelayMs: 150 });
    env[variable] = mock.url;
    mocks.push(mock);
  }
  Object.assign(env, { ILLIAD_URL: sim.url, ILLIAD_API_KEY: 'bench-key' });
  const worker = createWorker({ storage: instance.storage, clock: systemClock, ids: randomIdSource(), pollMs: 10, ...instanceJobs(instance) });
  return {
    instance,
    address,
    sim,
    mocks,
    worker,
    async close() {
      await worker.stop();
      await app.close();
      for (const mock of mocks) await mock.close();
      await sim.close();
      await instance.close();
    },
  };
}
type Site = Awaited<ReturnType<typeof startSite>>;

// ---------------------------------------------------------------------------------------------------------------
// Exemplars: requests walked through the real flows, copied (row and history) at each status they rest in.

interface Exemplar<R> {
  readonly request: R;
  readonly history: RequestHistoryRow[];
}

class Exemplars {
  readonly borrowing = new Map<BorrowingStatus, Exemplar<BorrowingRequest>[]>();
  readonly lending = new Map<string, Exemplar<LendingRequest>[]>();
  constructor(
    private readonly site: Site,
    private readonly db: Kysely<Database>,
  ) {}

  async keep(id: string): Promise<BorrowingRequest> {
    const request = (await this.site.instance.storage.read.borrowing.get(id))!;
    const history = await this.db.selectFrom('request_history').selectAll().where('request_id', '=', id).orderBy('seq').execute();
    const list = this.borrowing.get(request.status) ?? [];
    list.push({ request, history });
    this.borrowing.set(request.status, list);
    return request;
  }

  async keepLending(id: string): Promise<LendingRequest> {
    const request = (await this.site.instance.storage.read.lending.get(id))!;
    const history = await this.db.selectFrom('lending_history').selectAll().where('request_id', '=', id).orderBy('seq').execute();
    const list = this.lending.get(request.status) ?? [];
    list.push({ request, history });
    this.lending.set(request.status, list);
    return request;
  }
}

/** Waits until the request is in one of the statuses (the worker and the peers move it meanwhile). */
async function until(site: Site, id: string, statuses: readonly BorrowingStatus[], what = statuses.join(' or ')): Promise<BorrowingRequest> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const request = await site.instance.storage.read.borrowing.get(id);
    if (request && statuses.includes(request.status)) return request;
    if (Date.now() > deadline) throw new Error(`request ${id} did not reach ${what} (it is ${request?.status})`);
    await sleep(15);
  }
}

/** Waits until the request's history has a line like this. */
async function untilLine(site: Site, id: string, wanted: (line: HistoryEntry) => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await site.instance.storage.read.borrowing.history(id)).some(wanted)) {
    if (Date.now() > deadline) throw new Error(`request ${id} never had the history line waited for`);
    await sleep(5);
  }
}

/** Waits until the worker has nothing left to do and the history of the request stops growing. */
async function settled(site: Site, id: string): Promise<void> {
  let last = -1;
  for (let i = 0; i < 200; i++) {
    for (const mock of site.mocks) await mock.waitForIdle();
    const lines = (await site.instance.storage.read.borrowing.history(id)).length;
    if (lines === last) return;
    last = lines;
    await sleep(60);
  }
}

/** Walks the exemplars; returns the ids of the request with a long history and of one ILLiad handled over NCIP. */
async function borrowingExemplars(site: Site, keep: Exemplars): Promise<{ longHistory: string; throughIlliad: string }> {
  const { borrowing, circulation, config } = site.instance;
  const create = (patron: string, extra: Record<string, unknown> = {}) => borrowing.create({ patron, title: 'Exemplar', author: 'Walked, Through', ...extra }, 'bench-staff');
  const staff = (id: string, action: string, reason?: string) => borrowing.act(id, action, 'staff', 'bench-staff', reason);

  // Before go-live (the guide keeps the ILLiad rota Inactive): what no peer has expires; what no rule routes fails.
  {
    const { id } = await create('100200301');
    await until(site, id, ['EXPIRED']);
    await settled(site, id);
    await keep.keep(id);
    const failed = await create('100200302', { requestedFormat: 'PHYSICAL_NON_RETURNABLE' });
    await keep.keep(failed.id);
  }
  await config.patch('rota-templates', 'ILLiad', { status: 'ACTIVE' });

  // Both peers Unfilled, then ILLiad: exported; ILLiad's NCIP add-on then receives, checks out, takes back.
  let throughIlliad = '';
  for (const patron of ['100200300', '100200301']) {
    const { id } = await create(patron, { oclcNumber: '12345678', isbn: '9780306406157' });
    throughIlliad ||= id;
    // Snapshot while the first peer has confirmed the Request and not yet answered (the mocks answer 150 ms later).
    await untilLine(site, id, (line) => line.action === 'partner-call' && line.partner === 'NORTH');
    if ((await keep.keep(id)).status !== 'REQUEST_SENT_TO_PARTNER') throw new Error('expected the first peer to have it');
    const exported = await until(site, id, ['EXPORTED_TO_THIRD_PARTY', 'READY_TO_BE_SENT']);
    if (exported.status !== 'EXPORTED_TO_THIRD_PARTY') throw new Error(`export failed: ${exported.statusReason}`);
    await settled(site, id);
    await keep.keep(id);
    const tn = exported.exportedTo!.transactionNumber;
    await site.sim.event('borrowing-checked-in-from-lender', tn);
    await until(site, id, ['PHYSICALLY_RECEIVED_BY_LIBRARY']);
    await keep.keep(id);
    await circulation.checkOut({ barcode: String(tn), desk: 'RS_DESK' }, 'bench-staff');
    await until(site, id, ['LOANED_TO_PATRON']);
    await keep.keep(id);
    await site.sim.event('borrowing-returned-by-patron', tn);
    await until(site, id, ['REQUEST_COMPLETED']);
    await keep.keep(id);
  }

  // A peer lends (North first, or South after North's Unfilled): shipped, received, loaned, returned, completed.
  for (const symbol of ['US-NSU', 'US-SCC']) {
    const { id } = await create('100200300', { patronNote: `MOCK:${symbol}:LOANED` });
    await until(site, id, ['SHIPPED_PHYSICALLY']);
    await settled(site, id);
    await keep.keep(id);
    await staff(id, 'receive');
    await settled(site, id);
    await keep.keep(id);
    await staff(id, 'loan');
    await keep.keep(id);
    await staff(id, 'patron-return');
    await keep.keep(id);
    // Kept before the peer's answer: the mock completes the loan when the item is shipped back.
    await staff(id, 'return-to-partner');
    await keep.keep(id);
    await settled(site, id);
    const returned = await keep.keep(id);
    if (returned.status === 'RETURNED_TO_PARTNER') {
      await staff(id, 'complete');
      await keep.keep(id);
    }
  }

  // The request with a long history (the one whose page is timed; not copied): a loan renewed, asked about and
  // written about many times.
  const { id: longHistory } = await create('100200300', { patronNote: 'MOCK:US-NSU:LOANED' });
  await until(site, longHistory, ['SHIPPED_PHYSICALLY']);
  await staff(longHistory, 'receive');
  await staff(longHistory, 'loan');
  for (let i = 0; i < 12; i++) {
    await staff(longHistory, 'ask-status');
    await staff(longHistory, 'note-to-partner', `Note ${i + 1}: the patron asks whether the loan can be extended to the end of term.`);
    if (i % 4 === 0) await staff(longHistory, 'renew');
    await settled(site, longHistory);
  }

  // Will supply, and a condition, from each peer.
  for (const symbol of ['US-NSU', 'US-SCC']) {
    const will = await create('100200301', { patronNote: `MOCK:${symbol}:WILLSUPPLY` });
    await until(site, will.id, ['WILL_SUPPLY']);
    await settled(site, will.id);
    await keep.keep(will.id);
    const conditional = await create('100200300', { patronNote: `MOCK:${symbol}:RETRY:COND_LibraryUseOnly` });
    await until(site, conditional.id, ['CONDITIONAL']);
    await settled(site, conditional.id);
    await keep.keep(conditional.id);
  }

  // A copy sent digitally.
  {
    const { id } = await create('100200301', { requestedFormat: 'DIGITAL', citationType: 'ARTICLE', articleTitle: 'An article', issn: '0028-0836', patronNote: 'MOCK:US-NSU:COMPLETED' });
    await until(site, id, ['SHIPPED_DIGITALLY']);
    await settled(site, id);
    await keep.keep(id);
    await staff(id, 'complete');
    await keep.keep(id);
  }

  // ILLiad refuses a blocked user: Ready to be sent, with the reason.
  {
    site.sim.store.addUser({ UserName: 'sokafor', EMailAddress: 'sokafor@example.edu', Cleared: 'B' });
    const { id } = await create('100200302');
    await until(site, id, ['READY_TO_BE_SENT']);
    await settled(site, id);
    await keep.keep(id);
  }

  // Cancelled: by staff, for the patron, and by the partner.
  {
    const byStaff = await create('100200300', { patronNote: 'MOCK:US-NSU:WILLSUPPLY' });
    await until(site, byStaff.id, ['WILL_SUPPLY']);
    await staff(byStaff.id, 'cancel', 'The patron found a copy in the stacks.');
    await settled(site, byStaff.id);
    await keep.keep(byStaff.id);
    const byPatron = await create('100200301', { patronNote: 'MOCK:US-NSU:WILLSUPPLY' });
    await until(site, byPatron.id, ['WILL_SUPPLY']);
    await borrowing.act(byPatron.id, 'patron-cancel', 'patron', '100200301');
    await settled(site, byPatron.id);
    await keep.keep(byPatron.id);
    const byPartner = await create('100200301', { patronNote: 'MOCK:US-SCC:WILLSUPPLY' });
    await until(site, byPartner.id, ['WILL_SUPPLY']);
    await borrowing.act(byPartner.id, 'partner-cancelled', 'partner', 'partner:SOUTH', 'Withdrawn from the collection');
    await settled(site, byPartner.id);
    await keep.keep(byPartner.id);
  }
  return { longHistory, throughIlliad };
}

let theirIds = 0;
function isoHeader(from: string, theirId: string) {
  return {
    supplyingAgencyId: { type: 'ISIL', value: 'US-CSUD' },
    requestingAgencyId: { type: 'ISIL', value: from },
    multipleItemRequestId: null,
    timestamp: new Date().toISOString(),
    requestingAgencyRequestId: theirId,
    supplyingAgencyRequestId: null,
  };
}

function isoRequest(from: string, theirId: string): Iso18626Request {
  return {
    kind: 'request',
    header: isoHeader(from, theirId),
    bibliographicInfo: {
      supplierUniqueRecordId: null, title: 'Exemplar lent', author: 'Lent, To', subtitle: null, seriesTitle: null, edition: null, titleOfComponent: null,
      authorOfComponent: null, volume: null, issue: null, pagesRequested: null, estimatedNoPages: null, bibliographicItemIds: [{ code: 'ISBN', value: '0306406152' }],
      sponsor: null, informationSource: null, bibliographicRecordIds: [{ code: 'OCLC', value: '0012345678' }],
    },
    publicationInfo: null,
    serviceInfo: { requestType: 'New', requestSubTypes: [], requestingAgencyPreviousRequestId: null, serviceType: 'Loan', serviceLevel: null, preferredFormat: null, needBeforeDate: null, copyrightCompliance: null, anyEdition: null, startDate: null, endDate: null, note: null },
    supplierInfo: [],
    requestedDeliveryInfo: [],
    requestingAgencyInfo: null,
    patronInfo: { patronId: 'P-1', surname: null, givenName: null, patronType: null, sendToPatron: null, addresses: [] },
    billingInfo: null,
  } as Iso18626Request;
}

async function postIso(site: Site, message: Iso18626Request | Iso18626RequestingAgencyMessage): Promise<void> {
  const response = await fetch(`${site.address}/iso18626`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: buildIso18626(message) });
  const text = await response.text();
  if (!/messageStatus>OK</.test(text)) throw new Error(`ISO 18626 message refused: ${text}`);
}

async function lendingExemplars(site: Site, keep: Exemplars): Promise<void> {
  const { lending } = site.instance;
  const settle = async () => {
    for (let i = 0; i < 100 && (await site.worker.runOnce()) === 'ran'; i++);
    await sleep(50);
  };
  for (const from of ['US-NSU', 'US-SCC']) {
    const tell = async (theirId: string, action: string) => {
      await postIso(site, { kind: 'requestingAgencyMessage', header: isoHeader(from, theirId), action, note: null } as Iso18626RequestingAgencyMessage);
    };
    const received = async () => {
      const theirId = `${from}-EX-${++theirIds}`;
      await postIso(site, isoRequest(from, theirId));
      const found = (await site.instance.storage.read.lending.byRequester(from, theirId))!;
      await keep.keepLending(found.id);
      return { id: found.id, theirId };
    };
    // Shipped, received, returned, checked in.
    {
      const { id, theirId } = await received();
      await lending.act(id, 'will-supply', 'bench-staff');
      await settle();
      await keep.keepLending(id);
      await lending.act(id, 'ship-physically', 'bench-staff', { itemId: `3900${theirIds}` });
      await settle();
      await keep.keepLending(id);
      await tell(theirId, 'Received');
      await settle();
      await keep.keepLending(id);
      await tell(theirId, 'ShippedReturn');
      await settle();
      await keep.keepLending(id);
      await lending.act(id, 'check-in', 'bench-staff');
      await settle();
      await keep.keepLending(id);
    }
    // Being processed, then rejected; conditional; a copy.
    {
      const { id } = await received();
      await lending.act(id, 'process', 'bench-staff');
      await keep.keepLending(id);
      await lending.act(id, 'reject', 'bench-staff', { reason: 'Missing from the shelf', reasonUnfilled: 'NotOnShelf' });
      await settle();
      await keep.keepLending(id);
    }
    {
      const { id } = await received();
      await lending.act(id, 'conditional', 'bench-staff', { reason: 'Library use only' });
      await settle();
      await keep.keepLending(id);
    }
    {
      const { id } = await received();
      await lending.act(id, 'ship-digitally', 'bench-staff', { itemId: 'https://example.edu/copies/1' });
      await settle();
      await keep.keepLending(id);
      await lending.act(id, 'complete', 'bench-staff');
      await settle();
      await keep.keepLending(id);
    }
    {
      const { id, theirId } = await received();
      await tell(theirId, 'Cancel');
      await settle();
      await keep.keepLending(id);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Copies: each a new request shaped as its exemplar, with its own id, patron, citation, numbers and times.

/**
 * How the requests are spread over the statuses they rest in (weights, per cent): a library's mix after three years
 * of some 1,400 requests a month, where what is open is the last weeks' requests (a sixth, loans the most of them).
 */
const BORROWING_MIX: Partial<Record<BorrowingStatus, number>> = {
  REQUEST_COMPLETED: 70,
  EXPIRED: 5,
  CANCELLED_BY_STAFF: 4,
  CANCELLED_BY_PATRON: 3,
  CANCELLED_BY_PARTNER: 1,
  EXPORTED_TO_THIRD_PARTY: 3,
  REQUEST_SENT_TO_PARTNER: 1.5,
  WILL_SUPPLY: 0.5,
  CONDITIONAL: 0.3,
  READY_TO_BE_SENT: 0.3,
  LOCATE_FAILED: 0.3,
  SHIPPED_PHYSICALLY: 0.7,
  SHIPPED_DIGITALLY: 0.3,
  PHYSICALLY_RECEIVED_BY_LIBRARY: 1,
  LOANED_TO_PATRON: 7,
  RETURNED_BY_PATRON: 0.8,
  RETURNED_TO_PARTNER: 1,
};
const LENDING_MIX: Record<string, number> = {
  REQUEST_COMPLETED: 60,
  REJECTED: 15,
  CANCELLED: 3,
  CREATED: 3,
  BEING_PROCESSED: 2,
  WILL_SUPPLY: 2,
  CONDITIONAL: 1,
  SHIPPED_PHYSICALLY: 3,
  SHIPPED_DIGITALLY: 1,
  RECEIVED_BY_PARTNER: 8,
  RETURNED_BY_PARTNER: 2,
};
const FINISHED = new Set(['REQUEST_COMPLETED', 'EXPIRED', 'CANCELLED_BY_STAFF', 'CANCELLED_BY_PATRON', 'CANCELLED_BY_PARTNER', 'REJECTED', 'CANCELLED']);

function chooser<S extends string>(mix: Record<string, number>, available: Map<S, unknown[]>): () => S {
  const entries = Object.entries(mix).filter(([status]) => available.has(status as S));
  const missing = Object.keys(mix).filter((status) => !available.has(status as S));
  if (missing.length) log(`  (no exemplar reached ${missing.join(', ')}: their share goes to the others)`);
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  return () => {
    let r = random() * total;
    for (const [status, weight] of entries) if ((r -= weight) < 0) return status as S;
    return entries[0]![0] as S;
  };
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/**
 * Maps the exemplar's times onto the copy's: its life (created → last change) is stretched over `span` ms from
 * `created`; times after its last change (due dates, answer-by) keep their distance from it.
 */
function timeMap(from: { createdAt: string; updatedAt: string }, created: number, span: number) {
  const c0 = Date.parse(from.createdAt);
  const u0 = Date.parse(from.updatedAt);
  const factor = u0 > c0 ? span / (u0 - c0) : 0;
  return (value: string): string => {
    const t = Date.parse(value);
    const mapped = t <= u0 ? created + (t - c0) * factor : created + span + (t - u0);
    const text = new Date(Math.round(mapped)).toISOString();
    return value.length === 20 ? `${text.slice(0, 19)}Z` : text;
  };
}

/** The exemplar's times mapped by `map`, and its other texts by `retell` (its id and TN become the copy's). */
function remapTexts<T>(value: T, map: (time: string) => string, retell: (text: string) => string): T {
  if (typeof value === 'string') return (ISO_TIME.test(value) ? map(value) : retell(value)) as T;
  if (Array.isArray(value)) return value.map((v) => remapTexts(v, map, retell)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, remapTexts(v, map, retell)])) as T;
  return value;
}

/** Replaces the exemplar's id, and its ILLiad TN where it stands as a number ("TransactionNumber 1001", "item 1001"). */
function reteller(fromId: string, toId: string, fromTn?: number, toTn?: number): (text: string) => string {
  const tn = fromTn === undefined ? undefined : new RegExp(`(?<![\\d.])${fromTn}(?![\\d.]| ms)`, 'g');
  return (text) => {
    const withId = text.replaceAll(fromId, toId);
    return tn ? withId.replace(tn, String(toTn)) : withId;
  };
}

/** When a copy was made and how long its life took: finished ones over the years, open ones in the last weeks. */
function lifeOf(status: string, now: number): { created: number; span: number } {
  if (FINISHED.has(status)) {
    const span = DAY_MS * (1 + random() * 40);
    return { created: now - span - random() * YEARS_OF_REQUESTS * 365 * DAY_MS, span };
  }
  const span = DAY_MS * random() * 20;
  // Most open requests moved in the last week or so; some have sat still for weeks (the Stale queue).
  return { created: now - span - DAY_MS * (random() < 0.85 ? random() * 7 : 7 + random() * 60), span };
}

/** Ids as the application makes them (randomIdSource: time then randomness), for a moment of the copy's life. */
let idTime = 0;
const ids = randomIdSource(() => idTime);
const idAt = (ms: number): string => {
  idTime = Math.floor(ms);
  return ids.newId();
};

interface PatronRef {
  readonly primaryId: string;
  readonly userGroup: string;
  readonly pickupLibrary: string;
}

async function insertBatches<T>(db: Kysely<Database>, table: 'borrowing_request' | 'request_history' | 'lending_request' | 'lending_history', rows: T[]): Promise<void> {
  const size = table.endsWith('history') ? 500 : 200;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += size) await trx.insertInto(table).values(rows.slice(i, i + size) as never).execute();
  });
}

async function copyBorrowing(db: Kysely<Database>, keep: Exemplars, patrons: readonly PatronRef[], count: number): Promise<{ tns: number[]; sample: BorrowingRequest[] }> {
  const next = chooser(BORROWING_MIX, keep.borrowing as Map<BorrowingStatus, unknown[]>);
  const now = Date.now();
  let tn = 5_000_000;
  const tns: number[] = [];
  const sample: BorrowingRequest[] = [];
  let requests: ReturnType<typeof borrowingRequestRow>[] = [];
  let history: RequestHistoryRow[] = [];
  const flush = async () => {
    await insertBatches(db, 'borrowing_request', requests);
    await insertBatches(db, 'request_history', history);
    requests = [];
    history = [];
  };
  for (let n = 0; n < count; n++) {
    const status = next();
    const exemplar = pick(keep.borrowing.get(status)!);
    const life = lifeOf(status, now);
    const map = timeMap(exemplar.request, life.created, life.span);
    const id = idAt(life.created);
    const patron = skewed(patrons, 1.5);
    const exported = exemplar.request.exportedTo && ++tn;
    const retell = reteller(exemplar.request.id, id, exemplar.request.exportedTo?.transactionNumber, exported);
    const base = remapTexts(exemplar.request, map, retell);
    const copy: BorrowingRequest = {
      ...base,
      id,
      patron: patron.primaryId,
      userGroup: patron.userGroup,
      pickupLibrary: patron.pickupLibrary,
      citation: {
        ...base.citation,
        title: title(),
        author: `${pick(SURNAMES)}, ${pick(GIVEN)}`,
        publisher: pick(PUBLISHERS),
        year: String(1950 + Math.floor(random() * 76)),
        oclcNumber: random() < 0.8 ? String(10_000_000 + Math.floor(random() * 1_500_000_000)) : null,
        isbn: base.citationType === 'BOOK' && random() < 0.7 ? isbn13() : null,
      },
      routing: base.routing && { ...base.routing, attributes: { ...base.routing.attributes, USER_GROUP: patron.userGroup, PICKUP_LIBRARY: patron.pickupLibrary } },
      ...(base.exportedTo && exported ? { exportedTo: { ...base.exportedTo, transactionNumber: exported } } : {}),
    };
    if (copy.exportedTo) tns.push(copy.exportedTo.transactionNumber);
    // A few copies with both numbers, from over the whole load, for the searches by them.
    if (copy.citation.isbn && copy.citation.oclcNumber && n % 97 === 0) sample.push(copy);
    requests.push(borrowingRequestRow(copy));
    for (const line of exemplar.history) {
      history.push({ ...line, request_id: id, id: idAt(Date.parse(map(line.at))), at: map(line.at), reason: line.reason === null ? null : retell(line.reason) });
    }
    if (requests.length >= 5000) await flush();
  }
  await flush();
  return { tns, sample };
}

async function copyLending(db: Kysely<Database>, keep: Exemplars, count: number): Promise<void> {
  const next = chooser(LENDING_MIX, keep.lending as Map<string, unknown[]>);
  const now = Date.now();
  const requests: ReturnType<typeof lendingRequestRow>[] = [];
  const history: RequestHistoryRow[] = [];
  for (let n = 0; n < count; n++) {
    const status = next();
    const exemplar = pick(keep.lending.get(status)!);
    const life = lifeOf(status, now);
    const map = timeMap(exemplar.request, life.created, life.span);
    const id = idAt(life.created);
    const retell = reteller(exemplar.request.id, id);
    const base = remapTexts(exemplar.request, map, retell);
    const copy: LendingRequest = { ...base, id, requesterRequestId: `${base.requester.agencyIdValue}-${100_000 + n}`, citation: { ...base.citation, title: title(), author: `${pick(SURNAMES)}, ${pick(GIVEN)}` } };
    requests.push(lendingRequestRow(copy));
    for (const line of exemplar.history) {
      history.push({ ...line, request_id: id, id: idAt(Date.parse(map(line.at))), at: map(line.at), reason: line.reason === null ? null : retell(line.reason) });
    }
  }
  await insertBatches(db, 'lending_request', requests);
  await insertBatches(db, 'lending_history', history);
}

function patronsYaml(count: number): { yaml: string; patrons: PatronRef[] } {
  const groups = ['UNDERGRADUATE', 'UNDERGRADUATE', 'UNDERGRADUATE', 'GRADUATE', 'GRADUATE', 'FACULTY', 'STAFF'];
  const patrons: PatronRef[] = [];
  const lines = ['version: 1', 'patrons:'];
  for (let i = 0; i < count; i++) {
    const primaryId = String(300_000_000 + i);
    const last = pick(SURNAMES);
    const first = pick(GIVEN);
    const userGroup = pick(groups);
    const pickupLibrary = random() < 0.7 ? 'MAIN' : 'SCIENCE';
    const email = `${first.toLowerCase()}.${last.toLowerCase().replace(/[^a-z]/g, '')}${i}@example.edu`;
    lines.push(`  - primaryId: "${primaryId}"`, `    firstName: ${first}`, `    lastName: ${last}`, `    email: ${email}`, `    userGroup: ${userGroup}`, `    pickupLibrary: ${pickupLibrary}`);
    lines.push('    identifiers:', `      - { type: BARCODE, value: "2999000${String(i).padStart(7, '0')}" }`);
    patrons.push({ primaryId, userGroup, pickupLibrary });
  }
  return { yaml: lines.join('\n'), patrons };
}

// ---------------------------------------------------------------------------------------------------------------
// Timing the pages.

/** Signs in as staff do, with a user name and password on the sign-in form; the session cookie it sets. */
async function signIn(address: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${address}/ui/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: address },
    body: new URLSearchParams({ username, password }).toString(),
  });
  await response.text();
  const cookie = response.headers.get('set-cookie');
  if (response.status !== 303 || !cookie) throw new Error(`sign-in failed: ${response.status}`);
  return cookie.split(';')[0]!;
}

interface Page {
  readonly name: string;
  readonly path: string;
  /** Text the page must contain, so that a page that quietly shows nothing is not timed as fast. */
  readonly expect?: RegExp;
  /** Asks ILLiad: timed, not held to the budget. */
  readonly network?: boolean;
  /** A page another part of issue 8 adds: left out, saying so, where this build has none (404). */
  readonly optional?: boolean;
}

interface Timing {
  readonly page: Page;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

async function time(address: string, cookie: string, page: Page): Promise<Timing | undefined> {
  if (page.optional && (await fetch(`${address}${page.path}`, { headers: { cookie }, redirect: 'manual' })).status === 404) return undefined;
  const get = async () => {
    const started = performance.now();
    const response = await fetch(`${address}${page.path}`, { headers: { cookie }, redirect: 'manual' });
    const body = await response.text();
    const took = performance.now() - started;
    if (response.status !== 200) throw new Error(`${page.path} answered ${response.status}: ${body.slice(0, 300)}`);
    if (page.expect && !page.expect.test(body)) throw new Error(`${page.path} does not show ${page.expect}`);
    return took;
  };
  for (let i = 0; i < WARMUP; i++) await get();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await get());
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
  return { page, p50: at(0.5), p95: at(0.95), max: times[times.length - 1]! };
}

function pagesToTime(facts: {
  longHistory: string;
  throughIlliad: string;
  typical: BorrowingRequest;
  heavyPatron: string;
  tn: number;
  lendingId: string;
  patronId: string;
  ruleId: string;
  lastPage: number;
  lendingLastPage: number;
  patronLastPage: number;
}): Page[] {
  const { typical } = facts;
  const enc = encodeURIComponent;
  const monthAgo = new Date(Date.now() - 30 * DAY_MS).toISOString().slice(0, 10);
  const lastYear = new Date(Date.now() - 365 * DAY_MS).toISOString().slice(0, 7);
  return [
    { name: 'dashboard', path: '/ui', expect: /Ready to be sent/ },
    { name: 'requests, no filter', path: '/ui/requests', expect: /of \d+/ },
    ...BORROWING_STATUS.values.map((status) => ({ name: `requests, status ${status}`, path: `/ui/requests?status=${status}` })),
    { name: 'requests, stale (7 days)', path: '/ui/requests?staleDays=7' },
    { name: 'requests, partner NORTH', path: '/ui/requests?partner=NORTH', expect: /of \d+/ },
    { name: 'requests, partner ILLiad', path: '/ui/requests?partner=ILLiad', expect: /of \d+/ },
    { name: 'requests, patron', path: `/ui/requests?patron=${facts.heavyPatron}`, expect: /of \d+/ },
    { name: 'requests, created last 30 days', path: `/ui/requests?createdFrom=${monthAgo}&createdTo=${new Date().toISOString().slice(0, 10)}`, expect: /of \d+/ },
    { name: 'requests, created one month last year', path: `/ui/requests?createdFrom=${lastYear}-01&createdTo=${lastYear}-28`, expect: /of \d+/ },
    { name: 'search, common word', path: '/ui/requests?q=history', expect: /of \d+/ },
    { name: 'search, rare word', path: `/ui/requests?q=${TAIL[TAIL.length - 1]}`, expect: /of \d+/ },
    { name: 'search, two words', path: '/ui/requests?q=history+introduction', expect: /of \d+/ },
    { name: 'search, word prefix', path: '/ui/requests?q=hist', expect: /of \d+/ },
    { name: 'search, word + status', path: '/ui/requests?q=history&status=LOANED_TO_PATRON', expect: /of \d+/ },
    // The costliest: a rare word within the largest status (its every row is read to test the words).
    { name: 'search, rare word + Request completed', path: `/ui/requests?q=${TAIL[TAIL.length - 1]}&status=REQUEST_COMPLETED`, expect: /of \d+|No request matches/ },
    { name: 'search, no match', path: '/ui/requests?q=zzzzqqq', expect: /No request matches/ },
    { name: 'search, OCLC number', path: `/ui/requests?q=${enc(`(OCoLC)${typical.citation.oclcNumber}`)}`, expect: /of \d+/ },
    { name: 'search, ISBN', path: `/ui/requests?q=${typical.citation.isbn}`, expect: /of \d+/ },
    { name: 'search, request id', path: `/ui/requests?q=${typical.id}`, expect: /of 1\b/ },
    { name: 'search, ILLiad TN', path: `/ui/requests?q=${facts.tn}`, expect: /of \d+/ },
    { name: 'requests, last page', path: `/ui/requests?page=${facts.lastPage}`, expect: /of \d+/ },
    { name: 'request, long history', path: `/ui/requests/${facts.longHistory}`, expect: /note-to-partner|Note 12/ },
    { name: 'request, typical', path: `/ui/requests/${typical.id}` },
    { name: 'request, through ILLiad and NCIP', path: `/ui/requests/${facts.throughIlliad}` },
    { name: 'new request form', path: '/ui/requests/new' },
    { name: 'lending, no filter', path: '/ui/lending' },
    { name: 'lending, needing attention', path: `/ui/lending?status=${LENDING_MODEL.needsAttention.join(',')}` },
    { name: 'lending, requester NORTH', path: '/ui/lending?requester=NORTH' },
    { name: 'lending, last page', path: `/ui/lending?page=${facts.lendingLastPage}` },
    { name: 'lending request', path: `/ui/lending/${facts.lendingId}` },
    { name: 'patrons', path: '/ui/patrons' },
    { name: 'patrons, search', path: '/ui/patrons?q=garcia' },
    { name: 'patrons, last page', path: `/ui/patrons?page=${facts.patronLastPage}` },
    { name: 'patron', path: `/ui/patrons/${facts.patronId}` },
    { name: 'partners', path: '/ui/partners' },
    { name: 'partner ILLiad (edit)', path: '/ui/partners/ILLiad' },
    { name: 'partner NORTH (edit)', path: '/ui/partners/NORTH' },
    { name: 'rota templates', path: '/ui/rota-templates' },
    { name: 'rota template PEERS', path: '/ui/rota-templates/PEERS' },
    { name: 'rota rules', path: '/ui/rota-rules' },
    { name: 'rota rule', path: `/ui/rota-rules/${facts.ruleId}` },
    { name: 'places', path: '/ui/places', optional: true },
    { name: 'institution', path: '/ui/places/institution', optional: true },
    { name: 'library MAIN', path: '/ui/places/libraries/MAIN', optional: true },
    { name: 'staff users', path: '/ui/users', optional: true },
    { name: 'doctor (configuration)', path: '/ui/doctor' },
    { name: 'doctor, live (asks ILLiad)', path: '/ui/doctor?live=1', network: true },
    { name: 'patron identity dry run (asks ILLiad)', path: `/ui/patrons/${facts.patronId}/identity?partner=ILLiad`, network: true },
  ];
}

// ---------------------------------------------------------------------------------------------------------------

async function run(settings: DatabaseSettings, dbEnv: Record<string, string>): Promise<boolean> {
  const began = performance.now();
  const site = await startSite(dbEnv);
  const raw = openDatabase(settings);
  try {
    const { instance } = site;
    await instance.transfer.importYaml(readFileSync(new URL('examples/lender-of-last-resort.yaml', ROOT), 'utf8'));
    await instance.transfer.importYaml(readFileSync(new URL('examples/demo-patrons.yaml', ROOT), 'utf8'));
    const generated = patronsYaml(PATRONS);
    await instance.transfer.importYaml(generated.yaml);
    log(`configuration and ${PATRONS + 5} patrons: ${((performance.now() - began) / 1000).toFixed(1)} s`);

    site.worker.start();
    const keep = new Exemplars(site, raw.db);
    const { longHistory, throughIlliad } = await borrowingExemplars(site, keep);
    await lendingExemplars(site, keep);
    await site.worker.stop();
    const walked = [...keep.borrowing.values()].flat().length;
    for (const [status, list] of keep.borrowing) log(`  ${status}: ${list.map((e) => e.history.length).join(', ')} history lines`);
    log(`exemplars walked through the flows: ${walked} borrowing snapshots (${[...keep.borrowing.keys()].join(', ')}), ${[...keep.lending.values()].flat().length} lending: ${((performance.now() - began) / 1000).toFixed(1)} s`);

    const seeding = performance.now();
    const existing = Number((await raw.db.selectFrom('borrowing_request').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const { tns, sample } = await copyBorrowing(raw.db, keep, generated.patrons, REQUESTS - existing);
    await copyLending(raw.db, keep, LENDING);
    // After a load this size PostgreSQL's autovacuum vacuums and analyses the tables within a minute or so (the
    // statistics the planner needs, the visibility map index-only scans need); done here so every run is alike.
    // SQLite has no such thing and Interlend runs no ANALYZE: its planner works without statistics, as here.
    if (settings.kind === 'postgres') await sql`vacuum analyze`.execute(raw.db);
    const counts = await raw.db
      .selectFrom('borrowing_request')
      .select((eb) => [eb.fn.countAll().as('requests')])
      .executeTakeFirstOrThrow();
    const lines = await raw.db.selectFrom('request_history').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    log(`seeded ${counts.requests} borrowing requests (${lines.n} history lines), ${LENDING} lending requests: ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

    const password = 'a bench password, long enough';
    await instance.staffUsers.create({ username: 'bench.admin', name: 'Bench Admin', role: 'admin', password });
    const cookie = await signIn(site.address, 'bench.admin', password);
    const byPatron = await raw.db.selectFrom('borrowing_request').select(['patron', (eb) => eb.fn.countAll().as('n')]).groupBy('patron').orderBy('n', 'desc').limit(1).executeTakeFirstOrThrow();
    const lendingPage = await instance.lending.list({ limit: 1, offset: 0 });
    const rules = await instance.config.list('rota-rules', { limit: 10, offset: 0, filters: {} });
    const typical = sample[Math.floor(sample.length / 2)];
    if (!typical) throw new Error('no copied request with both an OCLC number and an ISBN: give BENCH_REQUESTS a few hundred at least');
    const pages = pagesToTime({
      longHistory,
      throughIlliad,
      typical,
      heavyPatron: byPatron.patron,
      tn: tns[Math.floor(tns.length / 2)]!,
      lendingId: lendingPage.items[0]!.id,
      patronId: '100200300',
      ruleId: rules.items[0]!.id,
      lastPage: Math.ceil(Number(counts.requests) / 50),
      lendingLastPage: Math.ceil(lendingPage.total / 50),
      patronLastPage: Math.ceil((PATRONS + 5) / 50),
    }).filter((page) => !ONLY || page.name.includes(ONLY));
    const open = await raw.db.selectFrom('borrowing_request').select((eb) => eb.fn.countAll().as('n')).where('status', 'not in', ['REQUEST_COMPLETED', 'EXPIRED', 'CANCELLED_BY_PATRON', 'CANCELLED_BY_STAFF', 'CANCELLED_BY_PARTNER']).executeTakeFirstOrThrow();
    const recent = await raw.db.selectFrom('borrowing_request').select((eb) => eb.fn.countAll().as('n')).where('created_at', '>=', new Date(Date.now() - 30 * DAY_MS).toISOString()).executeTakeFirstOrThrow();
    log(`(${open.n} requests are open, ${recent.n} were created in the last 30 days; the patron with the most has ${byPatron.n})`);

    log(`\nStaff pages on ${settings.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${counts.requests} borrowing requests: real HTTP on loopback, one request at a time, ${WARMUP} warm-up + ${RUNS} timed each (ms)`);
    log(`  ${'page'.padEnd(44)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'max'.padStart(8)}`);
    const slow: Timing[] = [];
    for (const page of pages) {
      const timing = await time(site.address, cookie, page);
      if (!timing) {
        log(`  ${page.name.padEnd(44)}   (not in this build)`);
        continue;
      }
      const over = !page.network && timing.p95 > BUDGET_MS;
      if (over) slow.push(timing);
      const mark = page.network ? '  (asks ILLiad; not held to the budget)' : over ? `  OVER ${BUDGET_MS} ms` : timing.p95 > BUDGET_MS * 0.5 ? '  (over half the budget)' : '';
      log(`  ${page.name.padEnd(44)}${timing.p50.toFixed(1).padStart(8)}${timing.p95.toFixed(1).padStart(8)}${timing.max.toFixed(1).padStart(8)}${mark}`);
    }
    log(slow.length ? `\n${slow.length} page(s) over ${BUDGET_MS} ms at p95: ${slow.map((t) => t.page.name).join('; ')}` : `\nEvery page under ${BUDGET_MS} ms at p95.`);
    return slow.length === 0;
  } finally {
    await raw.close();
    await site.close();
  }
}

const ok = await withDatabase(run);
process.exit(ok ? 0 : 1);
