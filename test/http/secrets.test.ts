/**
 * Secrets are write-only: after storing an ILLiad API key and a peer's shared secret, no response of any list,
 * object, export, token or documentation route contains them, and neither does the server log.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { BorrowingService } from '../../src/app/borrowing-service.ts';
import { ConfigService } from '../../src/app/config-service.ts';
import { JobService } from '../../src/app/job-service.ts';
import { LendingService } from '../../src/app/lending-service.ts';
import { manualAdapter } from '../../src/app/partner-adapters.ts';
import { QueueService } from '../../src/app/queues.ts';
import { OperationsService } from '../../src/app/operations.ts';
import { ConfigTransfer } from '../../src/app/config-transfer.ts';
import { AvailabilityService } from '../../src/app/availability.ts';
import { DoctorService } from '../../src/app/doctor-service.ts';
import { IlliadExporter } from '../../src/app/illiad-export.ts';
import { connectIlliad } from '../../src/protocols/illiad/connection.ts';
import { createNcipResponder } from '../../src/protocols/ncip/responder.ts';
import { createIso18626Responder } from '../../src/protocols/iso18626/responder.ts';
import { connectPeer } from '../../src/protocols/iso18626/peer-client.ts';
import { PeerRequester } from '../../src/app/peer-requester.ts';
import { CirculationService } from '../../src/app/circulation-service.ts';
import { NcipService } from '../../src/app/ncip-service.ts';
import { NoticeService } from '../../src/app/notice-service.ts';
import { smtpMailerFromEnv } from '../../src/protocols/smtp/mailer.ts';
import { TokenService } from '../../src/app/token-service.ts';
import { CONFIG_KINDS } from '../../src/domain/config/kinds.ts';
import { buildServer } from '../../src/http/server.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { FakeClock, SequentialIds } from '../support/fakes.ts';
import { isoPartner, ncipPartner, seedPlaces } from '../support/fixtures.ts';

const API_KEY = 'ILLIAD-KEY-7f3e9a1c55d04b2e';
const SHARED_SECRET = 'PEER-SECRET-0c8b6d2a41f9';
const SMTP_PASSWORD = 'SMTP-PASS-4d1e77b0c2a9';

describe('secrets never leave the server', () => {
  let database: TestDatabase;
  let close: () => Promise<void>;
  let call: (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) => Promise<{ statusCode: number; body: string }>;
  const logLines: string[] = [];

  before(async () => {
    database = await createTestDatabase('sqlite');
    const storage = await openStorage(database.settings);
    const deps = { storage, clock: new FakeClock(), ids: new SequentialIds(), env: {} };
    const tokens = new TokenService(deps);
    const admin = (await tokens.create({ name: 'admin', role: 'admin' })).secret;
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    const borrowing = new BorrowingService({ ...deps, adapterFor: () => manualAdapter });
    const ncip = new NcipService({ ...deps, borrowing });
    const app = await buildServer({
      config: new ConfigService(deps),
      transfer: new ConfigTransfer(deps),
      tokens,
      borrowing,
      lending: new LendingService({ ...deps, connect: connectPeer }),
      queues: new QueueService(deps),
      jobs: new JobService(deps),
      operations: new OperationsService(deps),
      illiad: new IlliadExporter({ ...deps, connect: connectIlliad }),
      circulation: new CirculationService({ ...deps, borrowing, ncip }),
      availability: new AvailabilityService(undefined),
      notices: new NoticeService({ ...deps, mail: smtpMailerFromEnv({ SMTP_URL: `smtp://library:${SMTP_PASSWORD}@127.0.0.1:1`, NOTICE_FROM: 'ill@example.edu' }) }),
      doctor: new DoctorService({ storage, env: {}, illiad: new IlliadExporter({ ...deps, connect: connectIlliad }), connect: connectIlliad }),
      storage,
      ncip: createNcipResponder({ service: ncip, storage, clock: deps.clock, ids: deps.ids }),
      iso18626: createIso18626Responder({ peers: new PeerRequester({ storage, env: {}, connect: connectPeer, borrowing }) }),
      ping: () => storage.ping(),
      about: { version: 'test', database: 'sqlite', demo: async () => false },
      // The most talkative level, so that anything a route could log is logged.
      logger: { level: 'trace', stream: sink },
    });
    call = async (method, url, body) => {
      const response = await app.inject({ method, url, headers: { authorization: `Bearer ${admin}` }, ...(body === undefined ? {} : { payload: body as object }) });
      return { statusCode: response.statusCode, body: response.body };
    };
    close = async () => {
      await app.close();
      await storage.close();
      await database.drop();
    };
    await seedPlaces((method, url, options) => call(method, url, options.body));
    const illiad = ncipPartner('ILLiad');
    (illiad.ncip.exportToThirdParty as Record<string, unknown>).apiKey = API_KEY;
    assert.equal((await call('POST', '/api/v1/partners', illiad)).statusCode, 201);
    const peer = isoPartner('NORTH');
    (peer.iso18626 as Record<string, unknown>).sharedSecret = SHARED_SECRET;
    assert.equal((await call('POST', '/api/v1/partners', peer)).statusCode, 201);
    // A failing write that carries the key must not echo it either.
    const failing = ncipPartner('BAD', { status: 'SOMETIMES' });
    (failing.ncip.exportToThirdParty as Record<string, unknown>).apiKey = API_KEY;
    const refused = await call('POST', '/api/v1/partners', failing);
    assert.equal(refused.statusCode, 422);
    assert.ok(!refused.body.includes(API_KEY), 'a refused body does not echo the key');
    await call('PATCH', '/api/v1/partners/ILLiad', { name: 'ILLiad (edited)' });
  });
  after(() => close());

  test('no list, object, export, token or documentation route returns a secret', async () => {
    const urls = [
      ...CONFIG_KINDS.map((kind) => `/api/v1/${kind}?limit=500`),
      '/api/v1/partners/ILLiad',
      '/api/v1/partners/NORTH',
      '/api/v1/partners?q=illiad',
      '/api/v1/config',
      '/api/v1/tokens',
      '/api/v1/me',
      '/api/v1/notice-templates',
      '/api/v1/notices',
      '/openapi.json',
      '/metrics',
      '/healthz',
    ];
    const checked: string[] = [];
    for (const url of urls) {
      const response = await call('GET', url);
      assert.ok(response.statusCode < 400 || url === '/api/v1/institution', `${url} answered ${response.statusCode}`);
      assert.ok(!response.body.includes(API_KEY), `${url} leaks the ILLiad API key`);
      assert.ok(!response.body.includes(SHARED_SECRET), `${url} leaks the peer's shared secret`);
      assert.ok(!response.body.includes(SMTP_PASSWORD), `${url} leaks the SMTP password`);
      checked.push(url);
    }
    const json = await call('GET', '/api/v1/config');
    assert.match(json.body, /apiKey:\n?\s*set: true/, 'the export says the key is set');
    assert.equal(checked.length, urls.length);
  });

  test('the export and the partner say that the key is set, and nothing more', async () => {
    const response = await call('GET', '/api/v1/config');
    assert.ok(!response.body.includes(API_KEY));
    const exported = await (async () => {
      const r = await call('GET', '/api/v1/partners/ILLiad');
      return JSON.parse(r.body);
    })();
    assert.deepEqual(exported.ncip.exportToThirdParty.apiKey, { set: true });
  });

  test('the log has the requests but not the secrets', () => {
    const log = logLines.join('');
    assert.ok(log.includes('/api/v1/partners'), 'requests were logged');
    assert.ok(!log.includes(API_KEY), 'the log holds the API key');
    assert.ok(!log.includes(SHARED_SECRET), 'the log holds the shared secret');
    assert.ok(!log.includes(SMTP_PASSWORD), 'the log holds the SMTP password');
    assert.ok(!/Bearer il_/.test(log), 'the log holds a bearer token');
  });
});
