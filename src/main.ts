/**
 * The composition root: settings from the environment, then storage, use cases, the HTTP server and the CLI.
 * Nothing else wires parts together.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { borrowingJobs } from './app/borrowing-jobs.ts';
import { BorrowingService } from './app/borrowing-service.ts';
import { ConfigService } from './app/config-service.ts';
import { DoctorService } from './app/doctor-service.ts';
import { AvailabilityService } from './app/availability.ts';
import { askAvailability } from './protocols/availability/client.ts';
import { EXPORT_DEADLINE_MS, exportsThroughApi, IlliadExporter } from './app/illiad-export.ts';
import { PatronImport } from './app/patron-import.ts';
import { CirculationService } from './app/circulation-service.ts';
import { JobService } from './app/job-service.ts';
import { combineJobs, lendingJobs } from './app/lending-jobs.ts';
import { DEFAULT_LOAN_PERIOD_DAYS, type LendingAutoResponder, LendingService } from './app/lending-service.ts';
import { NcipService } from './app/ncip-service.ts';
import { noticeJobs } from './app/notice-jobs.ts';
import { NoticeService } from './app/notice-service.ts';
import { isIsoPartner, PeerRequester } from './app/peer-requester.ts';
import { manualAdapter } from './app/partner-adapters.ts';
import { QueueService } from './app/queues.ts';
import { OperationsService } from './app/operations.ts';
import { ConfigTransfer } from './app/config-transfer.ts';
import { isDemo, isEmpty, loadDemo, setDemoPins } from './app/demo.ts';
import { PatronAuthService } from './app/patron-auth.ts';
import { PatronRequests } from './app/patron-requests.ts';
import { RequestServices } from './app/request-services.ts';
import { scryptHasher } from './app/secret-hashing.ts';
import { DEFAULT_HOLD_SHELF_DAYS } from './domain/circulation/pickup.ts';
import { patronPages } from './ui/patron/plugin.ts';
import { patronAuthSettings } from './ui/patron/settings.ts';
import type { Instance } from './app/instance.ts';
import { randomIdSource, systemClock } from './app/system.ts';
import { TokenService } from './app/token-service.ts';
import { StaffUsers } from './app/staff-users.ts';
import { type IlliadSimCommandOptions, runCli } from './cli/program.ts';
import { describeProblem, InterlendError } from './domain/errors.ts';
import { holdingsSet } from './domain/request/lending-request.ts';
import { BORROWING_MODEL, checkStateModel, LENDING_MODEL } from './domain/request/state-model.ts';
import { buildServer } from './http/server.ts';
import { createMetrics, jobFailureCounter } from './http/metrics.ts';
import { staffInterface } from './ui/plugin.ts';
import { connectIlliad } from './protocols/illiad/connection.ts';
import { CALL_TIMEOUT_MS } from './protocols/illiad/http.ts';
import { RETRY_BASE_MS } from './domain/jobs/backoff.ts';
import { resolveHost } from './protocols/iso18626/host-resolver.ts';
import { connectPeer } from './protocols/iso18626/peer-client.ts';
import { createIso18626Responder } from './protocols/iso18626/responder.ts';
import { createNcipResponder } from './protocols/ncip/responder.ts';
import { smtpMailerFromEnv } from './protocols/smtp/mailer.ts';
import { type IlliadSimulator, startIlliadSimulator } from './sim/illiad/index.ts';
import { type PeerMock, startPeerMock } from './sim/peer/index.ts';
import { databaseSettingsFromEnv } from './storage/database.ts';
import { openStorage } from './storage/storage.ts';
import { createWorker } from './worker/worker.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const VERSION: string = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version;

type Env = Readonly<Record<string, string | undefined>>;

export async function openInstance(env: Env = process.env): Promise<Instance> {
  const storage = await openStorage(databaseSettingsFromEnv(env));
  const deps = { storage, clock: systemClock, ids: randomIdSource(), env };
  const illiad = new IlliadExporter({ storage, env, connect: connectIlliad, callTimeoutMs: illiadCallTimeoutMs(env) });
  // ILLiad partners exporting Using API get the export, ISO 18626 peers the Request; others wait for staff.
  let peers: PeerRequester | undefined;
  const borrowing = new BorrowingService({
    ...deps,
    adapterFor: (partner) => (exportsThroughApi(partner) ? illiad : isIsoPartner(partner) && peers ? peers : manualAdapter),
    askAvailability,
  });
  peers = new PeerRequester({ storage, env, connect: connectPeer, borrowing, resolveHost });
  const ncip = new NcipService({ ...deps, borrowing });
  const autoResponder = await lendingAutoResponder(env);
  const lending = new LendingService({ ...deps, connect: connectPeer, resolveHost, loanPeriodDays: loanPeriodDays(env), ...(autoResponder ? { autoResponder } : {}) });
  // Published from the same holdings the lending auto-responder reads.
  const availability = new AvailabilityService(autoResponder?.holdings);
  const services = new RequestServices({ storage, clock: systemClock, availability });
  return {
    storage,
    config: new ConfigService(deps),
    transfer: new ConfigTransfer(deps),
    tokens: new TokenService(deps),
    // One per process: its sign-in throttle lives in memory (docs/ui.md).
    staffUsers: new StaffUsers(deps),
    borrowing,
    illiad,
    ncip,
    circulation: new CirculationService({ ...deps, borrowing, ncip }),
    peers,
    lending,
    doctor: new DoctorService({ storage, env, illiad, connect: connectIlliad }),
    availability,
    patronAuth: new PatronAuthService({ storage, clock: systemClock, hasher: scryptHasher(), idType: patronAuthSettings(env).idType }),
    services,
    patronRequests: new PatronRequests({ storage, clock: systemClock, borrowing, services, holdShelfDays: holdShelfDays(env) }),
    queues: new QueueService(deps),
    jobs: new JobService(deps),
    operations: new OperationsService(deps),
    // SMTP_URL, NOTICE_FROM, NOTICE_REPLY_TO: without them notices are recorded as not sent, with the reason.
    notices: new NoticeService({ ...deps, mail: smtpMailerFromEnv(env), holdShelfDays: holdShelfDays(env) }),
    close: () => storage.close(),
  };
}

/** The loan period of what we lend to peers (due dates, renewals): LENDING_LOAN_PERIOD_DAYS, default 28. */
function loanPeriodDays(env: Env): number {
  const text = env.LENDING_LOAN_PERIOD_DAYS?.trim();
  if (!text) return DEFAULT_LOAN_PERIOD_DAYS;
  const days = Number(text);
  if (!Number.isInteger(days) || days < 1 || days > 365) throw new Error(`LENDING_LOAN_PERIOD_DAYS must be a number of days from 1 to 365, not ${JSON.stringify(text)}`);
  return days;
}

/**
 * A whole number of milliseconds from the environment, within bounds, or the default when unset: a setting that is
 * set wrong stops the start with a sentence, rather than being ignored.
 */
function milliseconds(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < min || ms > max) throw new Error(`${name} must be a whole number of milliseconds from ${min} to ${max}, not ${JSON.stringify(text)}`);
  return ms;
}

/**
 * The first wait of the job retry backoff (JOB_RETRY_BASE_MS, default 5 s): it doubles per try (with jitter) up to
 * an hour. Smaller makes a failed send come back sooner and a job give up sooner (8 tries).
 */
function retryBaseMs(env: Env): number {
  return milliseconds(env, 'JOB_RETRY_BASE_MS', RETRY_BASE_MS, 10, 600_000);
}

/** How long one ILLiad Web Platform call may take (ILLIAD_CALL_TIMEOUT_MS, default 15 s), within the export's 45 s. */
function illiadCallTimeoutMs(env: Env): number {
  return milliseconds(env, 'ILLIAD_CALL_TIMEOUT_MS', CALL_TIMEOUT_MS, 100, EXPORT_DEADLINE_MS);
}

/** How many days a borrowed item waits on the hold shelf for its patron: HOLD_SHELF_DAYS, default 7. */
function holdShelfDays(env: Env): number {
  const text = env.HOLD_SHELF_DAYS?.trim();
  if (!text) return DEFAULT_HOLD_SHELF_DAYS;
  const days = Number(text);
  if (!Number.isInteger(days) || days < 1 || days > 90) throw new Error(`HOLD_SHELF_DAYS must be a number of days from 1 to 90, not ${JSON.stringify(text)}`);
  return days;
}

/**
 * The lending auto-responder, on when LENDING_HOLDINGS_FILE names a file of our holdings: one identifier (OCLC
 * number, ISBN, ISSN) per line, `#` starting a comment. Requests for anything not in it are answered Unfilled
 * (NotHeld) at once.
 */
async function lendingAutoResponder(env: Env): Promise<LendingAutoResponder | undefined> {
  const file = env.LENDING_HOLDINGS_FILE?.trim();
  if (!file) return undefined;
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new Error(`LENDING_HOLDINGS_FILE ${file} cannot be read: ${error.message}`);
  });
  return { holdings: holdingsSet(text.split('\n').map((line) => line.replace(/#.*/, '').trim())) };
}

/**
 * Every job the worker runs for an instance: borrowing (sends, timers, telling partners), lending (messages to
 * borrowers) and notices to patrons (sending, the reminder scan).
 */
export function instanceJobs(instance: Instance) {
  return combineJobs(borrowingJobs(instance.borrowing), lendingJobs(instance.lending), noticeJobs(instance.notices));
}

function port(env: Env): number {
  const value = Number(env.PORT ?? 8080);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`PORT must be a port number, not ${JSON.stringify(env.PORT)}`);
  return value;
}

/** `npm start`: migrate, load the demo on an empty database, make sure an admin token exists, listen. */
export async function serve(given: Env = process.env): Promise<void> {
  // A copy the demo can add to: its ILLiad simulator's address is known only once it listens, and the export reads
  // ILLIAD_URL / ILLIAD_API_KEY from here when it runs.
  const env: Record<string, string | undefined> = { ...given };
  const log = pino({ level: env.LOG_LEVEL ?? 'info', redact: ['req.headers.authorization', 'headers.authorization'] });
  const modelProblems = [...checkStateModel('borrowing', BORROWING_MODEL), ...checkStateModel('lending', LENDING_MODEL)];
  if (modelProblems.length) throw new Error(`the request state model is not sound:\n${modelProblems.join('\n')}`);
  const instance = await openInstance(env);
  log.info({ database: instance.storage.description, dialect: instance.storage.dialect }, 'database ready');

  if (env.INTERLEND_DEMO !== '0' && (await isEmpty(instance.storage))) {
    const reports = await loadDemo(instance.storage, instance.transfer, {
      configuration: await readFile(join(ROOT, 'examples/lender-of-last-resort.yaml'), 'utf8'),
      patrons: await readFile(join(ROOT, 'examples/demo-patrons.yaml'), 'utf8'),
    });
    for (const warning of reports.flatMap((r) => r.warnings)) log.warn(`demo configuration: ${describeProblem(warning)}`);
    await setDemoPins(instance.storage, instance.patronAuth);
  }
  const demo = await isDemo(instance.storage);

  const { generated } = await instance.tokens.ensureAdminToken(env.INTERLEND_ADMIN_TOKEN);
  if (generated) {
    // Printed once, on standard output and not through the logger, so it does not end up in log files.
    process.stdout.write(`\nFirst admin token (shown once; keep it safe):\n  ${generated}\nUse it as: Authorization: Bearer <token>\n\n`);
  }

  const patronImport = new PatronImport({ config: instance.config, storage: instance.storage, patronAuth: instance.patronAuth });
  // One registry for the server's metrics and the worker's failure counter (docs/operations.md).
  const metrics = createMetrics();
  const app = await buildServer({
    config: instance.config,
    transfer: instance.transfer,
    tokens: instance.tokens,
    staffUsers: instance.staffUsers,
    borrowing: instance.borrowing,
    lending: instance.lending,
    queues: instance.queues,
    jobs: instance.jobs,
    operations: instance.operations,
    metrics,
    illiad: instance.illiad,
    patronImport,
    circulation: instance.circulation,
    doctor: instance.doctor,
    availability: instance.availability,
    notices: instance.notices,
    publicUrl: env.PUBLIC_URL,
    storage: instance.storage,
    iso18626: createIso18626Responder({ peers: instance.peers, lending: instance.lending, onFault: (error) => logFault(log, error, 'ISO 18626 message failed') }),
    ncip: createNcipResponder({ service: instance.ncip, storage: instance.storage, clock: systemClock, ids: randomIdSource(), onFault: (error) => logFault(log, error, 'NCIP message failed') }),
    ping: () => instance.storage.ping(),
    about: { version: VERSION, database: instance.storage.dialect, demo: () => isDemo(instance.storage) },
    logger: { level: env.LOG_LEVEL ?? 'info', redact: ['req.headers.authorization', 'req.headers.cookie'] },
    ui: staffInterface({ ...instance, patronImport, clock: systemClock, demo: () => isDemo(instance.storage), publicUrl: env.PUBLIC_URL }),
    services: instance.services,
    patronAuth: instance.patronAuth,
    patronPages: patronPages({ auth: patronAuthSettings(env), patronAuth: instance.patronAuth, requests: instance.patronRequests, clock: systemClock, demo: () => isDemo(instance.storage) }),
  });
  const countJobFailure = jobFailureCounter(metrics);
  const worker = createWorker({
    storage: instance.storage,
    clock: systemClock,
    ids: randomIdSource(),
    log: log.child({ component: 'worker' }),
    retryBaseMs: retryBaseMs(env),
    onFailure: (job) => countJobFailure(job.type),
    ...instanceJobs(instance),
  });
  const sending = instance.notices.sending();
  if (sending.sending) log.info({ server: sending.server }, 'notices to patrons are sent by e-mail');
  else log.warn(`notices to patrons are not sent: ${sending.reason} (they are recorded as not sent; see docs/notices.md)`);
  await instance.notices.scheduleDueScan();
  const address = await app.listen({ port: port(env), host: env.HOST ?? '0.0.0.0' });
  const simulator = demo && !env.ILLIAD_URL ? await startDemoIlliad(env, address) : undefined;
  const peers = demo ? await startDemoPeers(env, address) : [];
  worker.start();
  if (demo) {
    process.stdout.write(
      [
        '',
        '==================================================================',
        '  DEMO MODE: the guide\'s configuration and demo patrons are loaded.',
        '  Start on an empty database with INTERLEND_DEMO=0 for real use.',
        ...(simulator ? [`  ILLiad (simulator): ${simulator.url}`, `  its transactions:   ${simulator.origin}/sim/transactions`] : []),
        ...peers.map((peer) => `  peer ${peer.symbol} (mock): ${peer.mock.url} (answers Unfilled unless the note says MOCK:${peer.symbol}:LOANED …)`),
        '==================================================================',
        '',
      ].join('\n'),
    );
  }
  log.info(`Interlend ${VERSION} listening on ${address}${demo ? ' (DEMO)' : ''}`);

  const stop = async (signal: string) => {
    log.info(`${signal}: stopping`);
    await app.close();
    await worker.stop();
    await simulator?.close();
    for (const peer of peers) await peer.mock.close();
    await instance.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

/** A fault met while answering a partner's message: the database being down is a warning (it passes), anything else an error. */
function logFault(log: { warn(details: object, message: string): void; error(details: object, message: string): void }, error: unknown, message: string): void {
  if (error instanceof InterlendError && error.code === 'ILL_ERR_DATABASE_UNAVAILABLE') log.warn({ error: error.cause ?? error }, `${message}: the database did not answer`);
  else log.error({ error }, message);
}

/**
 * The demo's lender of last resort: the ILLiad simulator on loopback, with a key made for this run, its NCIP
 * add-on pointed at this server, and the example configuration's ${ILLIAD_URL} / ${ILLIAD_API_KEY} set to it.
 */
async function startDemoIlliad(env: Record<string, string | undefined>, serverAddress: string): Promise<IlliadSimulator> {
  const apiKey = `demo-${randomBytes(12).toString('hex')}`;
  const local = new URL(serverAddress);
  if (local.hostname === '0.0.0.0' || local.hostname === '[::]') local.hostname = '127.0.0.1';
  const simulator = await startIlliadSimulator({
    apiKey,
    port: 0,
    externalUserIdMapping: 'EMailAddress',
    ncipUrl: new URL('/ncip', local).toString(),
    ncip: { fromAgencyId: 'CSU_DEMO', toAgencyId: 'CSU_DEMO', applicationProfileType: 'ILLiad' },
  });
  env.ILLIAD_URL = simulator.url;
  env.ILLIAD_API_KEY = apiKey;
  return simulator;
}

/**
 * The demo's two peers (the guide's Rapido network): ISO 18626 mock peers on loopback for the example's
 * ${NORTH_PEER_URL} and ${SOUTH_PEER_URL}, answering Unfilled by default so requests reach ILLiad, as in the guide;
 * a patron note `MOCK:US-NSU:LOANED` makes North lend instead.
 */
async function startDemoPeers(env: Record<string, string | undefined>, serverAddress: string): Promise<{ symbol: string; mock: PeerMock }[]> {
  const local = new URL(serverAddress);
  if (local.hostname === '0.0.0.0' || local.hostname === '[::]') local.hostname = '127.0.0.1';
  const started: { symbol: string; mock: PeerMock }[] = [];
  for (const [variable, symbol] of [['NORTH_PEER_URL', 'US-NSU'], ['SOUTH_PEER_URL', 'US-SCC']] as const) {
    if (env[variable]) continue;
    const mock = await startPeerMock({ symbol, port: 0, peerUrl: new URL('/iso18626', local).toString(), defaultScenario: 'UNFILLED', messageDelayMs: 500 });
    env[variable] = mock.url;
    started.push({ symbol, mock });
  }
  return started;
}

async function peerMock(options: { port: number; host: string; symbol: string; peerUrl?: string; scenario: string }, out: (line: string) => void): Promise<void> {
  const mock = await startPeerMock({ port: options.port, host: options.host, symbol: options.symbol, defaultScenario: options.scenario, ...(options.peerUrl ? { peerUrl: options.peerUrl } : {}), log: out });
  out(`ISO 18626 mock peer ${options.symbol}: ${mock.url} (flows at ${mock.origin}/api/flows)`);
  await new Promise<void>((resolve) => {
    const stop = () => void mock.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

async function illiadSim(options: IlliadSimCommandOptions, out: (line: string) => void): Promise<void> {
  const simulator = await startIlliadSimulator({
    apiKey: options.apiKey,
    port: options.port,
    host: options.host,
    externalUserIdMapping: options.externalUserIdMapping,
    ...(options.ncipUrl ? { ncipUrl: options.ncipUrl } : {}),
    ncip: { fromAgencyId: options.agencyId, toAgencyId: options.agencyId, applicationProfileType: options.applicationProfileType },
    log: out,
  });
  out(`ILLiad simulator: ${simulator.url} (ApiKey as given; control API at ${simulator.origin}/sim/)`);
  await new Promise<void>((resolve) => {
    const stop = () => void simulator.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** The `interlend` command (also `npm start`, which runs `interlend serve`). */
export async function main(argv: readonly string[]): Promise<void> {
  await runCli(argv, { version: VERSION, openInstance: () => openInstance(process.env), serve: () => serve(process.env), illiadSim, peerMock });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv);
