/** A whole Interlend (storage, use cases, HTTP server without a socket) on a fresh test database. */
import type { FastifyInstance, FastifyServerOptions, InjectOptions, LightMyRequestResponse } from 'fastify';
import { borrowingJobs } from '../../src/app/borrowing-jobs.ts';
import { combineJobs, lendingJobs } from '../../src/app/lending-jobs.ts';
import { LendingService } from '../../src/app/lending-service.ts';
import { holdingsSet } from '../../src/domain/request/lending-request.ts';
import { BorrowingService } from '../../src/app/borrowing-service.ts';
import { exportsThroughApi, IlliadExporter } from '../../src/app/illiad-export.ts';
import { PatronImport } from '../../src/app/patron-import.ts';
import { ConfigService } from '../../src/app/config-service.ts';
import { JobService } from '../../src/app/job-service.ts';
import { QueueService } from '../../src/app/queues.ts';
import { OperationsService } from '../../src/app/operations.ts';
import { createWorker, type Worker } from '../../src/worker/worker.ts';
import { ConfigTransfer } from '../../src/app/config-transfer.ts';
import type { PartnerAdapter, PartnerAnswer, Storage } from '../../src/app/ports.ts';
import { TokenService } from '../../src/app/token-service.ts';
import { PasswordHasher } from '../../src/app/passwords.ts';
import { StaffUsers } from '../../src/app/staff-users.ts';
import { ROLES, type Role } from '../../src/domain/access/roles.ts';
import { AvailabilityService } from '../../src/app/availability.ts';
import { askAvailability } from '../../src/protocols/availability/client.ts';
import { DoctorService } from '../../src/app/doctor-service.ts';
import { buildServer } from '../../src/http/server.ts';
import { staffInterface } from '../../src/ui/plugin.ts';
import { connectIlliad } from '../../src/protocols/illiad/connection.ts';
import { createNcipResponder } from '../../src/protocols/ncip/responder.ts';
import { createIso18626Responder } from '../../src/protocols/iso18626/responder.ts';
import { resolveHost } from '../../src/protocols/iso18626/host-resolver.ts';
import { connectPeer } from '../../src/protocols/iso18626/peer-client.ts';
import { isIsoPartner, PeerRequester } from '../../src/app/peer-requester.ts';
import { CirculationService } from '../../src/app/circulation-service.ts';
import { NcipService } from '../../src/app/ncip-service.ts';
import { noticeJobs } from '../../src/app/notice-jobs.ts';
import { NoticeService } from '../../src/app/notice-service.ts';
import { smtpMailerFromEnv } from '../../src/protocols/smtp/mailer.ts';
import type { Dialect } from '../../src/storage/database.ts';
import { PatronAuthService } from '../../src/app/patron-auth.ts';
import { PatronRequests } from '../../src/app/patron-requests.ts';
import { RequestServices } from '../../src/app/request-services.ts';
import { scryptHasher } from '../../src/app/secret-hashing.ts';
import { patronPages } from '../../src/ui/patron/plugin.ts';
import { patronAuthSettings } from '../../src/ui/patron/settings.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { createTestDatabase } from './databases.ts';
import { FakeClock, SequentialIds } from './fakes.ts';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly storage: Storage;
  readonly config: ConfigService;
  readonly transfer: ConfigTransfer;
  readonly tokens: TokenService;
  /** Staff users (user name and password sign-in), with cheap scrypt parameters so tests stay quick. */
  readonly staffUsers: StaffUsers;
  readonly borrowing: BorrowingService;
  readonly queues: QueueService;
  readonly lending: LendingService;
  /** Notices to patrons: by SMTP when the env has SMTP_URL and NOTICE_FROM, else recorded as not sent. */
  readonly notices: NoticeService;
  readonly ncip: NcipService;
  readonly circulation: CirculationService;
  readonly patronAuth: PatronAuthService;
  readonly patronRequests: PatronRequests;
  readonly services: RequestServices;
  readonly clock: FakeClock;
  /** Scripted answers per partner code, taken in order (a missing answer: the partner stays silent). */
  readonly script: Map<string, (PartnerAnswer | undefined)[]>;
  /** Partner codes in the order requests were sent to them. */
  readonly sent: string[];
  /** A worker over the test database; `drain()` runs every due job. */
  readonly worker: Worker;
  drain(): Promise<number>;
  /** Faults of ours the NCIP responder met (each answered as a Problem); tests expect none. */
  readonly faults: unknown[];
  /** A token of each role. */
  readonly tokenFor: Record<Role, string>;
  /** inject() as the admin unless another token (or none: null) is given. */
  call(method: InjectOptions['method'], url: string, options?: { body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Partners that export to ILLiad Using API go through the real export (to ILLIAD_URL) instead of the script. */
  readonly illiad?: boolean;
  /** How long one ILLiad call may take (shortened to test timeouts). */
  readonly illiadCallTimeoutMs?: number;
  /** ISO 18626 partners get our real Request (to their configured address) instead of the script. */
  readonly peers?: boolean;
  /** Our holdings: with them, the lending auto-responder answers Requests for anything else Unfilled (NotHeld). */
  readonly lendingHoldings?: readonly string[];
  /** The instance says it runs the demo (the staff pages show the DEMO banner). */
  readonly demo?: boolean;
  /** The server's logger (none by default), e.g. to read what would be logged. */
  readonly logger?: FastifyServerOptions['logger'];
}

/** scrypt parameters for tests: the real format and code path, at a fraction of the cost. */
export const TEST_SCRYPT = { N: 1024, r: 8, p: 1 } as const;

export async function createTestApp(dialect: Dialect = 'sqlite', env: Record<string, string | undefined> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase(dialect);
  const storage = await openStorage(database.settings);
  const clock = new FakeClock();
  const deps = { storage, clock, ids: new SequentialIds(), env };
  const config = new ConfigService(deps);
  const transfer = new ConfigTransfer(deps);
  const tokens = new TokenService(deps);
  const staffUsers = new StaffUsers({ ...deps, hasher: new PasswordHasher(TEST_SCRYPT) });
  const faults: unknown[] = [];
  const script = new Map<string, (PartnerAnswer | undefined)[]>();
  const sent: string[] = [];
  const scripted: PartnerAdapter = {
    async send(_request, partner) {
      sent.push(partner.code);
      const answer = script.get(partner.code)?.shift();
      return answer ? { answer } : {};
    },
  };
  const illiad = new IlliadExporter({ storage, env, connect: connectIlliad, ...(options.illiadCallTimeoutMs ? { callTimeoutMs: options.illiadCallTimeoutMs } : {}) });
  let peers: PeerRequester | undefined;
  const borrowing = new BorrowingService({
    ...deps,
    adapterFor: (partner) => (options.illiad && exportsThroughApi(partner) ? illiad : options.peers && isIsoPartner(partner) && peers ? peers : scripted),
    askAvailability,
  });
  peers = new PeerRequester({ storage, env, connect: connectPeer, borrowing, resolveHost });
  const ncip = new NcipService({ ...deps, borrowing });
  const circulation = new CirculationService({ ...deps, borrowing, ncip });
  // Lending always goes through the real ISO 18626 client: a test that does not listen never has a lending request.
  const lending = new LendingService({ ...deps, connect: connectPeer, resolveHost, ...(options.lendingHoldings ? { autoResponder: { holdings: holdingsSet(options.lendingHoldings) } } : {}) });
  // A short timeout: tests point notices at a mail server that is down, and must not wait long for it.
  const notices = new NoticeService({ ...deps, mail: smtpMailerFromEnv(env, { timeoutMs: 3000 }) });
  const worker = createWorker({
    storage,
    clock,
    workerId: 'test-worker',
    random: () => 0.5,
    ...combineJobs(borrowingJobs(borrowing), lendingJobs(lending), noticeJobs(notices)),
  });
  const tokenFor = {} as Record<Role, string>;
  for (const role of ROLES) {
    tokenFor[role] = (await tokens.create({ name: `test ${role}`, role })).secret;
  }
  const queues = new QueueService(deps);
  const doctor = new DoctorService({ storage, env, illiad, connect: connectIlliad });
  const demo = async () => options.demo ?? false;
  // Real scrypt, with a cheaper cost than production's so that the many sign-ins of the tests stay quick.
  const patronAuth = new PatronAuthService({ storage, clock, hasher: scryptHasher({ N: 2 ** 12, r: 8, p: 1 }), idType: patronAuthSettings(env).idType });
  const availability = new AvailabilityService(options.lendingHoldings ? holdingsSet(options.lendingHoldings) : undefined);
  const services = new RequestServices({ storage, clock, availability });
  const patronRequests = new PatronRequests({ storage, clock, borrowing, services });
  const patronImport = new PatronImport({ config, storage, patronAuth });
  const app = await buildServer({
    config,
    transfer,
    tokens,
    staffUsers,
    borrowing,
    lending,
    queues,
    jobs: new JobService(deps),
    operations: new OperationsService(deps),
    illiad,
    patronImport,
    circulation,
    doctor,
    availability,
    notices,
    storage,
    iso18626: createIso18626Responder({ peers, lending, onFault: (error) => faults.push(error) }),
    ncip: createNcipResponder({ service: ncip, storage, clock, ids: deps.ids, onFault: (error) => faults.push(error) }),
    ping: () => storage.ping(),
    about: { version: 'test', database: dialect, demo },
    ...(options.logger ? { logger: options.logger } : {}),
    ui: staffInterface({ tokens, staffUsers, borrowing, lending, queues, config, doctor, illiad, patronImport, notices, clock, demo, patronAuth }),
    services,
    patronAuth,
    patronPages: patronPages({ auth: patronAuthSettings(env), patronAuth, requests: patronRequests, clock, demo }),
  });
  return {
    app,
    storage,
    config,
    transfer,
    tokens,
    staffUsers,
    borrowing,
    queues,
    lending,
    notices,
    ncip,
    circulation,
    patronAuth,
    patronRequests,
    services,
    clock,
    script,
    sent,
    worker,
    async drain() {
      let ran = 0;
      while ((await worker.runOnce()) === 'ran') ran++;
      return ran;
    },
    tokenFor,
    faults,
    call(method, url, options = {}) {
      const token = options.token === undefined ? tokenFor.admin : options.token;
      const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...options.headers };
      const body = options.body;
      return app.inject({ method, url, headers, ...(body === undefined ? {} : typeof body === 'string' ? { payload: body } : { payload: body as object }) });
    },
    async close() {
      await app.close();
      await storage.close();
      await database.drop();
    },
  };
}
