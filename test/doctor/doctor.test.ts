/**
 * The setup doctor against the ILLiad simulator over real HTTP (issue 7, item 3): the example configuration at go
 * live passes every check, ILLiad's key and version included; a refused key, an old ILLiad, a version ILLiad does not
 * say and an ILLiad that cannot be reached are each one finding. Through `GET /api/v1/doctor`, as staff see it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { atLeast } from '../../src/app/doctor-service.ts';
import { type IlliadSimulator, startIlliadSimulator } from '../../src/sim/illiad/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const EXAMPLE = readFileSync(new URL('../../examples/lender-of-last-resort.yaml', import.meta.url), 'utf8');
const KEY = 'sim-key-0123456789';

type Check = { id: string; status: string; message: string; guideStep: string };
type Report = { checks: Check[]; summary: Record<string, number>; exitCode: number };

describe('the doctor with ILLiad', () => {
  const opened: { close(): Promise<void> }[] = [];
  after(async () => {
    for (const thing of opened.reverse()) await thing.close();
  });

  async function setUp(options: { platformVersion?: string; key?: string; url?: (sim: IlliadSimulator) => string; live?: boolean } = {}): Promise<TestApp> {
    const sim = await startIlliadSimulator({ apiKey: KEY, externalUserIdMapping: 'EMailAddress', ...(options.platformVersion ? { platformVersion: options.platformVersion } : {}) });
    opened.push(sim);
    const env = { ILLIAD_URL: options.url ? options.url(sim) : sim.url, ILLIAD_API_KEY: options.key ?? KEY, NORTH_PEER_URL: 'http://127.0.0.1:1/iso18626', SOUTH_PEER_URL: 'http://127.0.0.1:2/iso18626' };
    const app = await createTestApp('sqlite', env);
    opened.push(app);
    await app.transfer.importYaml(EXAMPLE);
    if (options.live !== false) assert.equal((await app.call('PATCH', '/api/v1/rota-templates/ILLiad', { body: { status: 'ACTIVE' } })).statusCode, 200);
    return app;
  }
  const doctor = async (app: TestApp, query = ''): Promise<Report> => {
    const response = await app.call('GET', `/api/v1/doctor${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  };
  const findings = (report: Report) => report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}:${c.status}`);

  test('the example at go live: every check passes, ILLiad 9.2.3.0 accepts the key, and the NCIP address is shown', async () => {
    const app = await setUp();
    const report = await doctor(app);
    assert.deepEqual(findings(report), []);
    assert.equal(report.exitCode, 0);
    const byId = new Map(report.checks.map((c) => [c.id, c]));
    assert.match(byId.get('illiad-key-accepted')!.message, /accepts the key/);
    assert.match(byId.get('illiad-version')!.message, /9\.2\.3\.0/);
    assert.match(byId.get('ncip-address')!.message, /http:\/\/localhost(:\d+)?\/ncip.*AgencyId CSU_DEMO.*ApplicationProfileType ILLiad/);
    assert.ok(report.checks.length >= 20, `${report.checks.length} checks`);
    // The key itself is never shown.
    assert.ok(!JSON.stringify(report).includes(KEY));
  });

  test('as shipped (the ILLiad rota Inactive): one warning, exit code 1', async () => {
    const app = await setUp({ live: false });
    const report = await doctor(app);
    assert.deepEqual(findings(report), ['illiad-rota-active:warn']);
    assert.equal(report.exitCode, 1);
  });

  test('a key ILLiad refuses is one failure, exit code 2', async () => {
    const report = await doctor(await setUp({ key: 'not-the-key' }));
    assert.deepEqual(findings(report), ['illiad-key-accepted:fail']);
    assert.match(report.checks.find((c) => c.id === 'illiad-key-accepted')!.message, /refused the API key.*Customization Manager/);
    assert.equal(report.exitCode, 2);
  });

  test('ILLiad older than 9.2 fails; a version ILLiad does not give is a warning', async () => {
    assert.deepEqual(findings(await doctor(await setUp({ platformVersion: '9.1.8.0' }))), ['illiad-version:fail']);
    assert.deepEqual(findings(await doctor(await setUp({ platformVersion: 'unknown' }))), ['illiad-version:warn']);
  });

  test('an ILLiad that cannot be reached is one failure that says so; offline, ILLiad is not asked', async () => {
    const app = await setUp({ url: () => 'http://127.0.0.1:1/ILLiadWebPlatform' });
    const report = await doctor(app);
    assert.deepEqual(findings(report), ['illiad-key-accepted:fail']);
    assert.match(report.checks.find((c) => c.id === 'illiad-key-accepted')!.message, /could not be asked.*127\.0\.0\.1:1/);
    const offline = await doctor(app, '?offline=true');
    assert.deepEqual(findings(offline), []);
    assert.ok(!offline.checks.some((c) => c.id === 'illiad-key-accepted'));
  });

  test('the doctor needs a token that may read the configuration', async () => {
    const app = await setUp();
    assert.equal((await app.call('GET', '/api/v1/doctor', { token: null })).statusCode, 401);
    assert.equal((await app.call('GET', '/api/v1/doctor', { token: app.tokenFor['read-only'] })).statusCode, 200);
  });

  test('versions compare part by part', () => {
    assert.ok(atLeast('9.2', [9, 2]));
    assert.ok(atLeast('9.2.0.1', [9, 2]));
    assert.ok(atLeast('10.0', [9, 2]));
    assert.ok(!atLeast('9.1.99', [9, 2]));
    assert.ok(!atLeast('8.7', [9, 2]));
  });
});
