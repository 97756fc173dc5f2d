/**
 * `npm run crash-test`: kill -9 the server (its worker runs in the same process) at random moments under load, restart
 * it, let it drain, then check that nothing was lost or done twice (issue 10, item 2).
 *
 * The ILLiad simulator runs here, in this process, so it outlives every kill and is the witness of what was exported:
 * each ILLiad transaction it holds was made by one of our exports, and each AcceptItem its NCIP add-on sent, with the
 * answer it got back, is recorded here. The load is a stream of POST /api/v1/borrowing-requests; every request the
 * rota sends to ILLiad is then "checked in from the lender" in the simulator, which makes the add-on send AcceptItem to
 * our /ncip (illiad.md §2.1) — again after a failure, as ILLiad staff re-process a failed receive (§2.4).
 *
 * Checked after the drain:
 *   - every request answered 201 exists;
 *   - every request has exactly one ILLiad transaction (by ReferenceNumber), and no transaction names no request;
 *   - every AcceptItem that got a success answer had its effect once: one `receive` line in the history, one item,
 *     one hold;
 *   - no job is left running, ready to run, or failed.
 *
 * Environment: CRASH_KILLS (default 3), CRASH_REQUESTS (200), CRASH_SEED (random; printed), CRASH_CLIENTS (8),
 * CRASH_RATE (requests offered per second, 50), CRASH_DRAIN_MS (how long the drain may take), CRASH_DATABASE_URL (postgres://… of a PostgreSQL server: a fresh
 * database is made there and dropped after).
 * Exits 1 on any violation.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { startIlliadSimulator } from '../src/sim/illiad/index.ts';
import { openDatabase } from '../src/storage/database.ts';
import { freePort, ROOT, type Running, start, waitForOk } from '../test/support/processes.ts';

export interface CrashTestOptions {
  readonly kills: number;
  readonly requests: number;
  readonly seed: number;
  readonly clients?: number;
  /** Requests offered per second (default 50), so kills land among exports and NCIP messages. */
  readonly rate?: number;
  /** postgres://… of a server where a fresh database may be made; SQLite in a temp dir when unset. */
  readonly postgresUrl?: string;
  /** How long the drain may take after the last restart (default: 120 s plus 40 ms per request). */
  readonly drainMs?: number;
  readonly log?: (line: string) => void;
}

export interface CrashTestResult {
  readonly violations: string[];
  readonly summary: Record<string, number | string>;
}

const ADMIN_TOKEN = 'crash-test-admin-token-0123456789abcdef';
const API_KEY = 'crash-test-illiad-key';
const PATRONS = ['100200300', '100200301', '100200302', '100200303', '100200304'];

/** A small seeded generator (mulberry32), so a failing run can be repeated with its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The guide's configuration with ILLiad as the only lender, gone live: every request goes to ILLiad. */
function illiadOnlyConfiguration(): string {
  const example = readFileSync(join(ROOT, 'examples/lender-of-last-resort.yaml'), 'utf8');
  const cut = example.indexOf('  # Two peer libraries');
  if (cut < 0) throw new Error('examples/lender-of-last-resort.yaml changed: no peer section to cut');
  return `${example.slice(0, cut)}
rotaTemplates:
  - code: ILLiad
    name: ILLiad Partner
    type: ORDERED
    status: ACTIVE
    members: [ILLiad]

rotaRules:
  - name: ILLiad lender of last resort
    enabled: true
    stopHere: false
    conditions:
      - parameter: REQUESTED_FORMAT
        operator: IS_NOT_EMPTY
    templates: [ILLiad]
`;
}

function patronsCsv(): string {
  const rows = PATRONS.map((id, i) => `${id},Patron,Number${i},FACULTY,p${id}@example.edu`);
  return ['primaryId,firstName,lastName,userGroup,email', ...rows].join('\n') + '\n';
}

export async function runCrashTest(options: CrashTestOptions): Promise<CrashTestResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const random = seeded(options.seed);
  const clients = options.clients ?? 8;
  const dir = mkdtempSync(join(tmpdir(), 'interlend-crash-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const violations: string[] = [];

  let databaseUrl: string | undefined;
  let postgresName: string | undefined;
  if (options.postgresUrl) {
    postgresName = `crash_${options.seed}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: options.postgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${postgresName}`);
    await admin.end();
    const url = new URL(options.postgresUrl);
    url.pathname = `/${postgresName}`;
    databaseUrl = url.toString();
  }

  const simulator = await startIlliadSimulator({
    apiKey: API_KEY,
    port: 0,
    externalUserIdMapping: 'EMailAddress',
    ncipUrl: `${base}/ncip`,
    ncip: { fromAgencyId: 'CSU_DEMO', toAgencyId: 'CSU_DEMO', applicationProfileType: 'ILLiad', timeoutMs: 10_000 },
  });
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    INTERLEND_DEMO: '0',
    INTERLEND_ADMIN_TOKEN: ADMIN_TOKEN,
    ILLIAD_URL: simulator.url,
    ILLIAD_API_KEY: API_KEY,
    LOG_LEVEL: 'error',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  const serverArgs = ['--import', 'tsx', 'src/main.ts', 'serve'];
  const api = (method: string, path: string, body?: string, type = 'application/json') =>
    fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { 'content-type': type } : {}) }, ...(body ? { body } : {}) });

  // What the checks compare the database with.
  const accepted = new Set<string>();
  let refused = 0;
  let unanswered = 0;
  const acceptItemSuccess = new Map<number, number>(); // TransactionNumber -> success answers
  let acceptItemFailures = 0;
  const startedAt = Date.now();
  let server: Running | undefined;
  let handle: ReturnType<typeof openDatabase> | undefined;

  try {
    const configFile = join(dir, 'crash-config.yaml');
    writeFileSync(configFile, illiadOnlyConfiguration());
    const imported = start(process.execPath, ['--import', 'tsx', 'src/main.ts', 'config', 'import', configFile], env);
    if ((await imported.exited) !== 0) throw new Error(`config import failed:\n${imported.output()}`);

    const boot = async () => {
      server = start(process.execPath, serverArgs, env);
      await waitForOk(`${base}/healthz`, 30_000, server);
    };
    await boot();
    const patrons = await api('POST', '/api/v1/patrons/import?dryRun=false', patronsCsv(), 'text/csv');
    if (!patrons.ok) throw new Error(`patron import: HTTP ${patrons.status} ${await patrons.text()}`);

    // Read beside the server, to see what it recorded (SQLite in WAL mode lets a reader in at any time).
    handle = openDatabase(databaseUrl ? { kind: 'postgres', url: databaseUrl } : { kind: 'sqlite', file: join(dir, 'interlend.sqlite') });
    const db = handle.db;

    // The load: clients posting requests until `requests` were accepted.
    let sent = 0;
    const rate = options.rate ?? 50;
    const loadStart = Date.now();
    let loadDone = false;
    const client = async () => {
      while (accepted.size < options.requests) {
        const n = sent++;
        const due = loadStart + (n * 1000) / rate;
        if (due > Date.now()) await sleep(due - Date.now());
        if (accepted.size >= options.requests) break;
        try {
          const response = await api('POST', '/api/v1/borrowing-requests', JSON.stringify({ patron: PATRONS[n % PATRONS.length], title: `Crash test ${n}`, oclcNumber: String(100000 + n) }));
          if (response.status === 201) accepted.add(((await response.json()) as { id: string }).id);
          else {
            refused++;
            await response.text();
            await sleep(20);
          }
        } catch {
          unanswered++; // the server was killed under it, or is down: the client gives up on this one
          await sleep(50);
        }
      }
    };
    const load = Promise.all(Array.from({ length: clients }, client)).then(() => (loadDone = true));

    // ILLiad staff checking in what arrived: AcceptItem for each exported transaction until one is answered success.
    let draining = false;
    let stopFiring = false;
    const inFlight = new Set<number>();
    const firer = (async () => {
      while (!stopFiring) {
        await sleep(draining ? 100 : 50);
        // Numbers, not copies of every transaction: at 10,000 transactions, copying them all each turn took the
        // simulator's process (this one) most of a core, and the exports waited on it, not on Interlend.
        const candidates = simulator.store
          .transactionNumbers()
          .filter((number) => !acceptItemSuccess.has(number) && !inFlight.has(number))
          .slice(0, 4 - inFlight.size)
          .map((number) => simulator.store.transaction(number)!)
          .filter((t) => t.ProcessType === 'Borrowing');
        // Every transaction ILLiad holds may come back from its lender, also one whose number Interlend has not
        // recorded yet (killed between ILLiad making it and our saving its number): such an AcceptItem is refused as
        // a temporary failure while the patron's export is under way, and sent again, as ILLiad staff would.
        const waiting = candidates;
        for (const transaction of waiting.slice(0, 4 - inFlight.size)) {
          const number = transaction.TransactionNumber;
          inFlight.add(number);
          void simulator
            .event('borrowing-checked-in-from-lender', number)
            .then((result) => {
              if (result.filedAs === 'success note') acceptItemSuccess.set(number, (acceptItemSuccess.get(number) ?? 0) + 1);
              else acceptItemFailures++;
            })
            .catch(() => acceptItemFailures++)
            .finally(() => inFlight.delete(number));
        }
      }
      while (inFlight.size) await sleep(20);
    })();

    // The kills: the i-th at a random point of the i-th slice of the load.
    const slice = options.requests / (options.kills + 1);
    for (let i = 0; i < options.kills; i++) {
      const at = Math.floor((i + 0.2 + 0.8 * random()) * slice);
      while (accepted.size < at && !loadDone) await sleep(5);
      await sleep(Math.floor(random() * 200));
      process.kill(-server!.child.pid!, 'SIGKILL');
      await server!.exited;
      log(`  kill ${i + 1}/${options.kills} after ${accepted.size} accepted requests, ${simulator.store.transactionNumbers().length} ILLiad transactions, ${acceptItemSuccess.size} received`);
      await sleep(Math.floor(random() * 500));
      await boot();
    }
    await load;
    log(`  load done: ${accepted.size} accepted; draining…`);

    // The drain: until every request is in ILLiad, every transaction checked in, and no job is due or running.
    draining = true;
    try {
      const deadline = Date.now() + (options.drainMs ?? 120_000 + 40 * options.requests);
      let pending = '';
      for (;;) {
        const now = new Date().toISOString();
        const due = await db.selectFrom('job').select((eb) => eb.fn.countAll().as('n')).where((w) => w.or([w('state', '=', 'running'), w.and([w('state', '=', 'ready'), w('run_at', '<=', now)])])).executeTakeFirstOrThrow();
        const notExported = await db.selectFrom('borrowing_request').select((eb) => eb.fn.countAll().as('n')).where('third_party_number', 'is', null).executeTakeFirstOrThrow();
        const notReceived = simulator.store
          .transactionNumbers()
          .filter((number) => !acceptItemSuccess.has(number) && simulator.store.transaction(number)?.ProcessType === 'Borrowing').length;
        pending = `${Number(due.n)} jobs due or running, ${Number(notExported.n)} requests not exported, ${notReceived} transactions not checked in`;
        if (Number(due.n) === 0 && Number(notExported.n) === 0 && notReceived === 0 && inFlight.size === 0) break;
        if (Date.now() > deadline) {
          violations.push(`not drained in time: ${pending}`);
          break;
        }
        await sleep(500);
      }
      stopFiring = true;
      await firer;
      await server!.stop();
      server = undefined;

      // The checks.
      const requests = await db.selectFrom('borrowing_request').select(['id', 'status', 'third_party_number']).execute();
      const byId = new Map(requests.map((r) => [r.id, r]));
      for (const id of accepted) if (!byId.has(id)) violations.push(`accepted request ${id} does not exist`);

      const transactions = simulator.store.transactions().filter((t) => t.ProcessType === 'Borrowing');
      const byReference = new Map<string, number[]>();
      for (const t of transactions) byReference.set(t.ReferenceNumber ?? '', [...(byReference.get(t.ReferenceNumber ?? '') ?? []), t.TransactionNumber]);
      for (const [reference, numbers] of byReference) {
        if (!byId.has(reference)) violations.push(`ILLiad transaction(s) ${numbers.join(', ')} name no request of ours (${reference || 'no ReferenceNumber'})`);
        if (numbers.length > 1) violations.push(`request ${reference} has ${numbers.length} ILLiad transactions: ${numbers.join(', ')}`);
      }
      for (const request of requests) {
        const numbers = byReference.get(request.id) ?? [];
        if (numbers.length === 0) violations.push(`request ${request.id} (${request.status}) has no ILLiad transaction`);
        else if (request.third_party_number !== String(numbers[0])) violations.push(`request ${request.id} says transaction ${request.third_party_number}, ILLiad has ${numbers.join(', ')}`);
      }

      const receives = await db.selectFrom('request_history').select(['request_id', (eb) => eb.fn.countAll().as('n')]).where('action', '=', 'receive').groupBy('request_id').execute();
      const holds = await db.selectFrom('hold').select(['borrowing_request', (eb) => eb.fn.countAll().as('n')]).groupBy('borrowing_request').execute();
      const items = await db.selectFrom('item').select(['borrowing_request', (eb) => eb.fn.countAll().as('n')]).groupBy('borrowing_request').execute();
      const count = (rows: { n: unknown }[], key: (r: any) => string | null) => new Map(rows.map((r) => [key(r) ?? '', Number(r.n)]));
      const receiveCount = count(receives, (r) => r.request_id);
      const holdCount = count(holds, (r) => r.borrowing_request);
      const itemCount = count(items, (r) => r.borrowing_request);
      const referenceOf = new Map(transactions.map((t) => [t.TransactionNumber, t.ReferenceNumber ?? '']));
      for (const number of acceptItemSuccess.keys()) {
        const id = referenceOf.get(number)!;
        const got = [receiveCount.get(id) ?? 0, itemCount.get(id) ?? 0, holdCount.get(id) ?? 0];
        if (got.some((n) => n !== 1)) violations.push(`AcceptItem for transaction ${number} (request ${id}) answered success, but: ${got[0]} receive lines, ${got[1]} items, ${got[2]} holds`);
      }
      for (const [id, n] of receiveCount) if (n > 1) violations.push(`request ${id} was received ${n} times`);
      const statuses: Record<string, number> = {};
      for (const r of requests) statuses[r.status] = (statuses[r.status] ?? 0) + 1;

      const jobs = await db.selectFrom('job').select(['state', (eb) => eb.fn.countAll().as('n')]).groupBy('state').execute();
      const jobStates = Object.fromEntries(jobs.map((j) => [j.state, Number(j.n)]));
      const now = new Date().toISOString();
      const stuck = await db.selectFrom('job').select(['id', 'type', 'state', 'last_error']).where((w) => w.or([w('state', 'in', ['running', 'failed']), w.and([w('state', '=', 'ready'), w('run_at', '<=', now)])])).execute();
      for (const job of stuck) violations.push(`job ${job.id} (${job.type}) is ${job.state}${job.last_error ? `: ${job.last_error}` : ''}`);

      const summary = {
        seed: options.seed,
        database: databaseUrl ? 'postgresql' : 'sqlite',
        kills: options.kills,
        'requests accepted (201)': accepted.size,
        'requests refused (non-201)': refused,
        'requests unanswered (killed/down)': unanswered,
        'requests in the database': requests.length,
        'request statuses': JSON.stringify(statuses),
        'ILLiad transactions': transactions.length,
        'distinct ReferenceNumbers': byReference.size,
        'AcceptItem success answers': [...acceptItemSuccess.values()].reduce((a, b) => a + b, 0),
        'AcceptItem failed sends (retried)': acceptItemFailures,
        'requests received (receive lines)': [...receiveCount.values()].reduce((a, b) => a + b, 0),
        holds: [...holdCount.values()].reduce((a, b) => a + b, 0),
        'jobs by state': JSON.stringify(jobStates),
        seconds: ((Date.now() - startedAt) / 1000).toFixed(1),
        violations: violations.length,
      };
      return { violations, summary };
    } finally {
      stopFiring = true;
      await firer;
    }
  } finally {
    if (server) await server.stop();
    await handle?.close();
    await simulator.close();
    rmSync(dir, { recursive: true, force: true });
    if (postgresName) {
      const admin = new pg.Client({ connectionString: options.postgresUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${postgresName} WITH (FORCE)`);
      await admin.end();
    }
  }
}

export function printResult(result: CrashTestResult, out: (line: string) => void = console.log): void {
  const width = Math.max(...Object.keys(result.summary).map((k) => k.length));
  out('');
  for (const [key, value] of Object.entries(result.summary)) out(`  ${key.padEnd(width)}  ${value}`);
  out('');
  for (const violation of result.violations.slice(0, 50)) out(`  VIOLATION: ${violation}`);
  if (result.violations.length > 50) out(`  … and ${result.violations.length - 50} more`);
  out(result.violations.length ? `  NOT OK: ${result.violations.length} violations` : '  OK: nothing lost, nothing done twice, no job stuck');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const kills = Number(process.env.CRASH_KILLS ?? 3);
  const requests = Number(process.env.CRASH_REQUESTS ?? 200);
  const postgresUrl = process.env.CRASH_DATABASE_URL;
  console.log(`crash test: ${kills} kills, ${requests} requests, ${postgresUrl ? 'PostgreSQL' : 'SQLite'}, seed ${seed} (CRASH_SEED=${seed} repeats it)`);
  const result = await runCrashTest({ kills, requests, seed, ...(postgresUrl ? { postgresUrl } : {}), ...(process.env.CRASH_CLIENTS ? { clients: Number(process.env.CRASH_CLIENTS) } : {}), ...(process.env.CRASH_RATE ? { rate: Number(process.env.CRASH_RATE) } : {}), ...(process.env.CRASH_DRAIN_MS ? { drainMs: Number(process.env.CRASH_DRAIN_MS) } : {}) });
  printResult(result);
  process.exit(result.violations.length ? 1 : 0);
}
