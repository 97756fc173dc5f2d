/**
 * The HTTP server, built but not listening (fastify's pattern): main.ts listens, tests use `inject()`.
 */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { AvailabilityService } from '../app/availability.ts';
import type { DoctorService } from '../app/doctor-service.ts';
import type { Registry } from 'prom-client';
import type { ConfigService } from '../app/config-service.ts';
import type { BorrowingService } from '../app/borrowing-service.ts';
import type { ConfigTransfer } from '../app/config-transfer.ts';
import type { CirculationService } from '../app/circulation-service.ts';
import type { IlliadExporter } from '../app/illiad-export.ts';
import type { LendingService } from '../app/lending-service.ts';
import type { NoticeService } from '../app/notice-service.ts';
import type { PatronImport } from '../app/patron-import.ts';
import type { PatronAuthService } from '../app/patron-auth.ts';
import type { RequestServices } from '../app/request-services.ts';
import type { Storage } from '../app/ports.ts';
import type { JobService } from '../app/job-service.ts';
import type { OperationsService } from '../app/operations.ts';
import type { QueueService } from '../app/queues.ts';
import type { TokenService } from '../app/token-service.ts';
import type { StaffUsers } from '../app/staff-users.ts';
import { InterlendError } from '../domain/errors.ts';
import { NUL_MESSAGE, pathOfNul } from '../domain/nul.ts';
import { requireTokens } from './auth.ts';
import { installErrorHandling } from './errors.ts';
import { createMetrics, instrument, operationsMetrics } from './metrics.ts';
import { adminRoutes } from './routes/admin.ts';
import { configObjectRoutes } from './routes/config-objects.ts';
import { circulationRoutes } from './routes/circulation.ts';
import { type Iso18626Endpoint, iso18626Routes } from './routes/iso18626.ts';
import { availabilityRoutes } from './routes/availability.ts';
import { doctorRoutes } from './routes/doctor.ts';
import { lendingRoutes } from './routes/lending.ts';
import { type NcipEndpoint, ncipRoutes } from './routes/ncip.ts';
import { noticeRoutes } from './routes/notices.ts';
import { partnerRoutes } from './routes/partners.ts';
import { patronImportRoutes } from './routes/patron-import.ts';
import { requestRoutes } from './routes/requests.ts';
import { userRoutes } from './routes/users.ts';
import { patronPinRoutes } from './routes/patron-pins.ts';
import { servicesRoutes } from './routes/services.ts';

export interface ServerDeps {
  readonly config: ConfigService;
  readonly transfer: ConfigTransfer;
  readonly tokens: TokenService;
  /** Staff users (issue 8); without it there is no `/api/v1/users`. */
  readonly staffUsers?: StaffUsers;
  readonly borrowing: BorrowingService;
  /** Lending to peers over ISO 18626 (issue 6). */
  readonly lending: LendingService;
  readonly queues: QueueService;
  readonly jobs: JobService;
  /** The queue and partners as /metrics reports them, read at each scrape. */
  readonly operations: OperationsService;
  /** The ILLiad export, for the identity dry run. */
  readonly illiad: IlliadExporter;
  /** Patrons from CSV (issue 8, item 6); without it there is no `POST /api/v1/patrons/import`. */
  readonly patronImport?: PatronImport;
  readonly circulation: CirculationService;
  /** The setup doctor (issue 7). */
  readonly doctor: DoctorService;
  /** Our holdings, published to peers' locate (issue 6, item 6). */
  readonly availability: AvailabilityService;
  /** Notices to patrons: templates and what was sent (issue 9, item 5). */
  readonly notices: NoticeService;
  /** This server's address as ILLiad reaches it (PUBLIC_URL), for the doctor's NCIP address; else the request's. */
  readonly publicUrl?: string | undefined;
  /** The NCIP responder (protocols/ncip), wired in main.ts. */
  readonly ncip: NcipEndpoint;
  /** The ISO 18626 responder (protocols/iso18626), wired in main.ts. */
  readonly iso18626: Iso18626Endpoint;
  readonly storage: Storage;
  /** Resolves when the database answers. */
  readonly ping: () => Promise<void>;
  readonly about: { readonly version: string; readonly database: string; readonly demo: () => Promise<boolean> };
  readonly logger?: FastifyServerOptions['logger'];
  readonly metrics?: Registry;
  /** The staff web interface (src/ui), handed in by main.ts: the HTTP edge may not import another edge. */
  readonly ui?: FastifyPluginAsync;
  /** The patron pages and the OpenURL intake (src/ui/patron), handed in by main.ts like the staff pages. */
  readonly patronPages?: FastifyPluginAsync;
  /** Which request services a user is offered (issue 9); without it there is no `GET /api/v1/services`. */
  readonly services?: RequestServices;
  /** Patrons' PINs; without it there is no `/api/v1/patrons/{id}/pin`. */
  readonly patronAuth?: PatronAuthService;
}

/** JSON bodies of the API: configuration objects are small. */
export const API_BODY_LIMIT = 1024 * 1024;

/**
 * What no log line may hold, whoever configures the logger: bearer tokens, the staff pages' session cookie, request
 * bodies (a sign-in or a user's form carries a password), and a password or its hash wherever an object carrying one
 * is logged. Fastify does not log bodies; this keeps it so if someone logs one.
 */
export const REDACTED_LOG_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'password', 'passwordHash', '*.password', '*.passwordHash', 'req.body', 'body'];

function withRedaction(logger: ServerDeps['logger']): ServerDeps['logger'] {
  if (!logger) return false;
  const options = logger === true ? {} : logger;
  const redact = options.redact;
  const given = Array.isArray(redact) ? redact : (redact?.paths ?? []);
  const paths = [...new Set([...given, ...REDACTED_LOG_PATHS])];
  return { ...options, redact: Array.isArray(redact) || !redact ? paths : { ...redact, paths } };
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: withRedaction(deps.logger),
    bodyLimit: API_BODY_LIMIT,
  });
  // Bodies are validated by the domain (the same checks as a configuration import), not by fastify; the zod
  // schemas on routes feed OpenAPI only.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandling(app);
  // Before any route, the staff pages included: a NUL anywhere in the address, the query or a parsed body is refused
  // (domain/nul.ts says why), so a lookup or search holding one never reaches a database.
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [['address', request.params], ['query', request.query], ['body', request.body]] as const) {
      const path = pathOfNul(value);
      if (path !== undefined) throw new InterlendError('ILL_ERR_BAD_REQUEST', `the ${part}${path ? ` (${path})` : ''} ${NUL_MESSAGE}`);
    }
  });

  const metrics = deps.metrics ?? createMetrics();
  instrument(app, metrics);
  const scrape = operationsMetrics(metrics, deps.operations);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Interlend API', version: deps.about.version, description: 'Resource sharing: partners, rotas, ILLiad as lender of last resort.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await deps.ping();
      return { status: 'ok', database: deps.about.database, demo: await deps.about.demo(), version: deps.about.version };
    } catch {
      return reply.status(503).send({ status: 'unavailable', database: deps.about.database });
    }
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => reply.type(metrics.contentType).send(await scrape()));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(async (api) => {
    requireTokens(api, deps.tokens);
    configObjectRoutes(api, deps.config);
    adminRoutes(api, deps);
    requestRoutes(api, deps);
    lendingRoutes(api, deps);
    partnerRoutes(api, deps);
    if (deps.patronImport) patronImportRoutes(api, { patronImport: deps.patronImport });
    if (deps.staffUsers) userRoutes(api, { staffUsers: deps.staffUsers });
    doctorRoutes(api, deps);
    availabilityRoutes(api, deps);
    circulationRoutes(api, deps);
    noticeRoutes(api, deps);
    if (deps.services) servicesRoutes(api, { services: deps.services, publicUrl: deps.publicUrl });
    if (deps.patronAuth) patronPinRoutes(api, { patronAuth: deps.patronAuth });
  });
  await ncipRoutes(app, deps);
  await iso18626Routes(app, deps);
  if (deps.ui) await app.register(deps.ui);
  if (deps.patronPages) await app.register(deps.patronPages);
  return app;
}
