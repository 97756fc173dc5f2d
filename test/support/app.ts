/** A whole Interlend (storage, use cases, HTTP server without a socket) on a fresh test database. */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { ConfigService } from '../../src/app/config-service.ts';
import { ConfigTransfer } from '../../src/app/config-transfer.ts';
import type { Storage } from '../../src/app/ports.ts';
import { TokenService } from '../../src/app/token-service.ts';
import type { Role } from '../../src/domain/access/roles.ts';
import { buildServer } from '../../src/http/server.ts';
import type { Dialect } from '../../src/storage/database.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { createTestDatabase } from './databases.ts';
import { FakeClock, SequentialIds } from './fakes.ts';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly storage: Storage;
  readonly config: ConfigService;
  readonly transfer: ConfigTransfer;
  readonly tokens: TokenService;
  readonly clock: FakeClock;
  /** A token of each role. */
  readonly tokenFor: Record<Role, string>;
  /** inject() as the admin unless another token (or none: null) is given. */
  call(method: InjectOptions['method'], url: string, options?: { body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function createTestApp(dialect: Dialect = 'sqlite', env: Record<string, string | undefined> = {}): Promise<TestApp> {
  const database = await createTestDatabase(dialect);
  const storage = await openStorage(database.settings);
  const clock = new FakeClock();
  const deps = { storage, clock, ids: new SequentialIds(), env };
  const config = new ConfigService(deps);
  const transfer = new ConfigTransfer(deps);
  const tokens = new TokenService(deps);
  const tokenFor = {} as Record<Role, string>;
  for (const role of ['admin', 'partners-manager', 'operator', 'read-only'] as const) {
    tokenFor[role] = (await tokens.create({ name: `test ${role}`, role })).secret;
  }
  const app = await buildServer({
    config,
    transfer,
    tokens,
    ping: () => storage.ping(),
    about: { version: 'test', database: dialect, demo: async () => false },
  });
  return {
    app,
    storage,
    config,
    transfer,
    tokens,
    clock,
    tokenFor,
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
