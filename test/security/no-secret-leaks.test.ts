/**
 * No secret leaves the server (issue 10, item 5): a realistic day with the log captured at its most talkative
 * level: tokens made, a staff user signing in with a password (and once with a wrong one), the ILLiad partner given
 * a literal API key and a peer a shared secret through the API, a request exported to the ILLiad simulator over
 * real HTTP, ILLiad's AcceptItem received over NCIP, a peer's Request carrying its secret, and staff browsing every
 * page that shows any of it. Afterwards no log line, no API response (but the one that hands a new token out, once)
 * and no staff page holds any API key, token, password, shared secret, or the session cookie's value.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildIso18626 } from '../../src/protocols/iso18626/build.ts';
import { type IlliadSimulator, startIlliadSimulator } from '../../src/sim/illiad/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { peerRequest } from '../support/iso18626-request.ts';
import { cookieOf, csrfOf, EXAMPLE, PATRONS } from '../ui/helpers.ts';

const API_KEY = 'ILLIAD-KEY-3d9f1b7c2e8a4f60';
const SHARED_SECRET = 'PEER-SECRET-5a1e7c9d3b2f';
const PASSWORD = 'correct horse battery staple';
const WRONG_PASSWORD = 'incorrect horse battery staple';

describe('no secret in any log line, API response or staff page', () => {
  let t: TestApp;
  let sim: IlliadSimulator;
  const log: string[] = [];
  /** Every response body and header the flow saw, but the one that hands a new token out. */
  const seen: { what: string; text: string }[] = [];
  const secrets = new Map<string, string>();

  async function inject(what: string, options: InjectOptions, { record = true } = {}): Promise<LightMyRequestResponse> {
    const response = await t.app.inject(options);
    assert.ok(response.statusCode < 500, `${what}: HTTP ${response.statusCode} ${response.body.slice(0, 200)}`);
    if (record) seen.push({ what, text: `${JSON.stringify(response.headers)}\n${response.body}` });
    return response;
  }
  const api = (method: InjectOptions['method'], url: string, body?: unknown, headers: Record<string, string> = {}) =>
    inject(`${method} ${url}`, { method, url, headers: { authorization: `Bearer ${t.tokenFor.admin}`, ...headers }, ...(body === undefined ? {} : { payload: body as object }) });

  before(async () => {
    const env: Record<string, string> = {};
    const sink = new Writable({
      write(chunk, _encoding, done) {
        log.push(String(chunk));
        done();
      },
    });
    t = await createTestApp('sqlite', env, { illiad: true, logger: { level: 'trace', stream: sink } });
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    sim = await startIlliadSimulator({
      apiKey: API_KEY,
      externalUserIdMapping: 'EMailAddress',
      ncipUrl: `${address}/view/NCIPServlet`,
      ncip: { fromAgencyId: 'CSU_DEMO', toAgencyId: 'CSU_DEMO', applicationProfileType: 'ILLiad' },
    });
    // The example names ${ILLIAD_API_KEY}; it is replaced below by a literal key stored in the database.
    Object.assign(env, { ILLIAD_URL: sim.url, ILLIAD_API_KEY: 'not-the-key', NORTH_PEER_URL: 'http://127.0.0.1:1/iso18626', SOUTH_PEER_URL: 'http://127.0.0.1:2/iso18626' });
    await t.transfer.importYaml(EXAMPLE);
    await t.transfer.importYaml(PATRONS);
    for (const [role, token] of Object.entries(t.tokenFor)) secrets.set(`the ${role} token`, token);
    secrets.set('the API key', API_KEY);
    secrets.set('the shared secret', SHARED_SECRET);
    secrets.set('the password', PASSWORD);
    secrets.set('the wrong password', WRONG_PASSWORD);
  });
  after(async () => {
    await sim?.close();
    await t?.close();
  });

  test('a day of work, then every log line, response and page is searched for every secret', async () => {
    // Tokens: the creation answer shows the secret once (by design), and is the one response not searched.
    const created = await inject('POST /api/v1/tokens', { method: 'POST', url: '/api/v1/tokens', headers: { authorization: `Bearer ${t.tokenFor.admin}` }, payload: { name: 'automation', role: 'operator' } }, { record: false });
    secrets.set('a new token', created.json().token);
    await api('GET', '/api/v1/tokens');
    await api('GET', '/api/v1/tokens?sessions=true');
    await api('GET', '/api/v1/me', undefined, { authorization: `Bearer ${created.json().token}` });
    await api('GET', '/api/v1/me', undefined, { authorization: `Bearer ${created.json().token}x` });

    // The secrets go in through the API, as literals.
    const ill = (await api('GET', '/api/v1/partners/ILLiad')).json();
    const ncip = { ...ill.ncip, exportToThirdParty: { ...ill.ncip.exportToThirdParty, apiKey: API_KEY } };
    assert.equal((await api('PATCH', '/api/v1/partners/ILLiad', { ncip })).statusCode, 200);
    const north = (await api('GET', '/api/v1/partners/NORTH')).json();
    assert.equal((await api('PATCH', '/api/v1/partners/NORTH', { iso18626: { ...north.iso18626, sharedSecret: SHARED_SECRET } })).statusCode, 200);
    assert.equal((await api('PATCH', '/api/v1/rota-templates/ILLiad', { status: 'ACTIVE' })).statusCode, 200);

    // A staff user, and a sign-in with a wrong password, then the right one.
    assert.equal((await api('POST', '/api/v1/users', { username: 'carol', name: 'Carol', role: 'admin', password: PASSWORD })).statusCode, 201);
    const form = (username: string, password: string) => ({ method: 'POST' as const, url: '/ui/sign-in', payload: new URLSearchParams({ username, password }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal((await inject('wrong sign-in', form('carol', WRONG_PASSWORD))).statusCode, 401);
    const signedIn = await inject('sign-in', form('carol', PASSWORD), { record: false });
    assert.equal(signedIn.statusCode, 303);
    const cookie = cookieOf(signedIn);
    const value = cookie.slice(cookie.indexOf('=') + 1);
    secrets.set('the session cookie', value);
    secrets.set('the session token', decodeURIComponent(value).slice(33));
    seen.push({ what: 'sign-in (without its Set-Cookie)', text: signedIn.body + JSON.stringify({ ...signedIn.headers, 'set-cookie': undefined }) });
    const page = (url: string) => inject(`page ${url}`, { method: 'GET', url, headers: { cookie } });
    const csrf = csrfOf((await page('/ui/requests')).body);

    // A request the peers refuse goes to ILLiad over HTTP, with the key; ILLiad receives it and says so over NCIP.
    t.script.set('NORTH', [{ action: 'reject', reason: 'not owned' }]);
    t.script.set('SOUTH', [{ action: 'reject', reason: 'not owned' }]);
    const request = (await api('POST', '/api/v1/borrowing-requests', { patron: '100200300', title: 'A secret-free book', oclcNumber: '12345' })).json();
    await t.drain();
    const exported = (await api('GET', `/api/v1/borrowing-requests/${request.id}`)).json();
    assert.equal(exported.status, 'EXPORTED_TO_THIRD_PARTY', JSON.stringify(exported.history.at(-1)));
    await sim.event('borrowing-checked-in-from-lender', exported.exportedTo.transactionNumber);
    assert.equal((await api('GET', `/api/v1/borrowing-requests/${request.id}`)).json().status, 'PHYSICALLY_RECEIVED_BY_LIBRARY');

    // A peer's Request with its secret, and one with a wrong secret.
    for (const [id, secret] of [['SECRET-1', SHARED_SECRET], ['SECRET-2', `${SHARED_SECRET}x`]] as const) {
      await inject(`iso18626 ${id}`, { method: 'POST', url: '/iso18626', payload: buildIso18626(peerRequest('US-NSU', { id })), headers: { 'content-type': 'application/xml', 'x-iso18626-shared-secret': secret } });
    }

    // Everything a librarian or a script would look at afterwards.
    for (const url of [
      `/api/v1/borrowing-requests/${request.id}`,
      `/api/v1/borrowing-requests/${request.id}/messages`,
      '/api/v1/borrowing-requests',
      '/api/v1/lending-requests',
      '/api/v1/partners',
      '/api/v1/partners/ILLiad',
      '/api/v1/partners/NORTH',
      '/api/v1/partners/ILLiad/identity?patron=100200300',
      '/api/v1/config',
      '/api/v1/users',
      '/api/v1/users/carol',
      '/api/v1/jobs',
      '/api/v1/doctor',
      '/api/v1/doctor?offline=true',
      '/openapi.json',
      '/metrics',
      '/api/v1/nothing-here',
    ]) {
      await api('GET', url);
    }
    for (const url of ['/ui', '/ui/requests', `/ui/requests/${request.id}`, '/ui/lending', '/ui/partners', '/ui/partners/ILLiad', '/ui/partners/NORTH', '/ui/users', '/ui/users/carol', '/ui/doctor', '/ui/doctor?live=1', '/ui/patrons/100200300/identity?partner=ILLiad', '/ui/nothing-here']) {
      await page(url);
    }
    // A staff form posted back, as a browser would: the partner's page keeps its write-only secret.
    await inject('partner form', { method: 'POST', url: '/ui/partners/NORTH', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: csrf, name: 'North' }).toString() });
    await inject('sign-out', { method: 'POST', url: '/ui/sign-out', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: csrf }).toString() });

    assert.ok(log.length > 50, `${log.length} log lines`);
    assert.ok(seen.length > 40);
    const leaks: string[] = [];
    for (const [name, secret] of secrets) {
      for (const [index, line] of log.entries()) if (line.includes(secret)) leaks.push(`log line ${index} holds ${name}: ${line.slice(0, 300)}`);
      for (const { what, text } of seen) if (text.includes(secret)) leaks.push(`${what} holds ${name}`);
    }
    assert.deepEqual(leaks, []);
  });
});
