/**
 * The authorization matrix of the staff pages (issue 10, item 5): every route Fastify has registered under /ui is
 * in POLICY below, and each caller gets what src/domain/access/roles.ts implies: a staff role signed in (cookie and
 * CSRF token) gets the page or a 403 page; no cookie, a peer's token in the cookie, a revoked token and an expired
 * password session are sent to sign in (the cookie cleared where there was one). The API has its matrix in
 * test/http/api-access.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { can, type Permission, STAFF_ROLES } from '../../src/domain/access/roles.ts';
import { SESSION_LIFETIME_SECONDS } from '../../src/domain/access/staff-user.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { registeredRoutes, type RouteKey, urlOf } from '../support/routes.ts';
import { type Browser, cookieOf, signIn } from './helpers.ts';

/** `open`: no session asked; `signed-in`: any staff session; else the permission the page checks. */
const POLICY: Record<string, Permission | 'open' | 'signed-in'> = {
  'GET /ui/static/htmx.min.js': 'open',
  'GET /ui/static/ui.css': 'open',
  'GET /ui/static/favicon.svg': 'open',
  'GET /ui/sign-in': 'open',
  'POST /ui/sign-in': 'open',
  'POST /ui/sign-out': 'signed-in',
  'GET /ui': 'read-requests',
  'GET /ui/': 'signed-in',
  'GET /ui/requests': 'read-requests',
  'GET /ui/requests/new': 'write-requests',
  'POST /ui/requests/new': 'write-requests',
  'GET /ui/requests/:x': 'read-requests',
  'POST /ui/requests/:x/actions/:x': 'write-requests',
  'GET /ui/lending': 'read-requests',
  'GET /ui/lending/:x': 'read-requests',
  'POST /ui/lending/:x/actions/:x': 'write-requests',
  'GET /ui/doctor': 'read-config',
  'GET /ui/rota-templates': 'read-config',
  'POST /ui/rota-templates': 'write-partners',
  'GET /ui/rota-templates/:x': 'read-config',
  'POST /ui/rota-templates/:x': 'write-partners',
  'POST /ui/rota-templates/:x/members': 'write-partners',
  'POST /ui/rota-templates/:x/delete': 'write-partners',
  'GET /ui/rota-rules': 'read-config',
  'GET /ui/rota-rules/new': 'write-partners',
  'POST /ui/rota-rules/new': 'write-partners',
  'POST /ui/rota-rules/conditions-editor': 'write-partners',
  'GET /ui/rota-rules/:x': 'read-config',
  'POST /ui/rota-rules/:x': 'write-partners',
  'POST /ui/rota-rules/:x/actions/:x': 'write-partners',
  'POST /ui/rota-rules/:x/delete': 'write-partners',
  'GET /ui/places': 'read-config',
  'GET /ui/places/institution': 'write-places',
  'POST /ui/places/institution': 'write-places',
  'GET /ui/places/:x/new': 'write-places',
  'POST /ui/places/:x/new': 'write-places',
  'GET /ui/places/:x/:x': 'write-places',
  'POST /ui/places/:x/:x': 'write-places',
  'POST /ui/places/:x/:x/delete': 'write-places',
  'GET /ui/partners': 'read-config',
  'GET /ui/partners/new': 'write-partners',
  'POST /ui/partners/new': 'write-partners',
  'GET /ui/partners/:x': 'read-config',
  'POST /ui/partners/:x': 'write-partners',
  'GET /ui/patrons': 'read-patrons',
  'GET /ui/patrons/import': 'write-patrons',
  'POST /ui/patrons/import': 'write-patrons',
  'GET /ui/patrons/:x': 'read-patrons',
  'POST /ui/patrons/:x': 'write-patrons',
  'GET /ui/patrons/:x/identity': 'read-patrons',
  'POST /ui/patrons/:x/pin': 'write-patrons',
  'POST /ui/patrons/:x/pin/remove': 'write-patrons',
  'GET /ui/users': 'manage-users',
  'POST /ui/users': 'manage-users',
  'GET /ui/users/:x': 'manage-users',
  'POST /ui/users/:x': 'manage-users',
  'POST /ui/users/:x/password': 'manage-users',
  'POST /ui/users/:x/disable': 'manage-users',
  'POST /ui/users/:x/enable': 'manage-users',
  'GET /ui/notices': 'read-notices',
  'GET /ui/notices/:x': 'write-notices',
  'POST /ui/notices/:x': 'write-notices',
  'POST /ui/notices/:x/reset': 'write-notices',
};

const sentToSignIn = (response: LightMyRequestResponse) => response.statusCode === 303 && response.headers.location === '/ui/sign-in';

describe('the authorization matrix of the staff pages', () => {
  let t: TestApp;
  const browsers = new Map<string, Browser>();
  before(async () => {
    t = await createTestApp();
    for (const role of STAFF_ROLES) browsers.set(role, await signIn(t, role));
  });
  after(() => t.close());

  const send = (browser: Browser, key: RouteKey) => {
    const { method, url } = urlOf(key);
    return method === 'GET' ? browser.get(url) : browser.post(url, {});
  };

  test('every route the server registers under /ui is in the policy table, and every entry is a route', () => {
    const registered = registeredRoutes(t.app).filter((key) => key.includes(' /ui'));
    assert.deepEqual(registered.filter((key) => !(key in POLICY)), [], 'pages without a policy: add them to POLICY');
    assert.deepEqual(Object.keys(POLICY).filter((key) => !registered.includes(key as RouteKey)), [], 'policy lines for pages that do not exist');
  });

  test('each staff role gets the page, or a 403 page, exactly as the role table says', async () => {
    const wrong: string[] = [];
    for (const key of Object.keys(POLICY) as RouteKey[]) {
      const need = POLICY[key]!;
      if (key === 'POST /ui/sign-out' || key === 'POST /ui/sign-in') continue;
      for (const role of STAFF_ROLES) {
        const response = await send(browsers.get(role)!, key);
        const allowed = need === 'open' || need === 'signed-in' || can(role, need);
        const got = response.statusCode;
        const refused = got === 403 && /text\/html/.test(String(response.headers['content-type']));
        if (allowed ? got === 401 || got === 403 || got >= 500 || sentToSignIn(response) : !refused) wrong.push(`${key} as ${role}: ${got} (${allowed ? 'allowed' : 'refused'} by ${need})`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('no cookie, or a peer token in the cookie: every page but the open ones sends to sign in', async () => {
    const peerCookie = `interlend_session=${'0'.repeat(32)}.${t.tokenFor.peer}`;
    const wrong: string[] = [];
    for (const key of Object.keys(POLICY) as RouteKey[]) {
      const { method, url } = urlOf(key);
      for (const cookie of [undefined, peerCookie]) {
        const response = await t.app.inject({ method, url, headers: { ...(cookie ? { cookie } : {}), 'content-type': 'application/x-www-form-urlencoded' }, payload: method === 'POST' ? '' : undefined });
        const open = POLICY[key] === 'open';
        if (open ? sentToSignIn(response) || response.statusCode >= 500 : !sentToSignIn(response)) wrong.push(`${key} with ${cookie ? 'a peer token' : 'no cookie'}: ${response.statusCode}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('a POST without the session’s CSRF token is refused for every role, allowed or not', async () => {
    const wrong: string[] = [];
    for (const key of Object.keys(POLICY) as RouteKey[]) {
      if (!key.startsWith('POST') || POLICY[key] === 'open') continue;
      for (const role of STAFF_ROLES) {
        for (const csrf of [false, 'forged'] as const) {
          const response = await browsers.get(role)!.post(urlOf(key).url, {}, { csrf });
          if (response.statusCode !== 403) wrong.push(`${key} as ${role} with ${csrf === false ? 'no' : 'a forged'} token: ${response.statusCode}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });
});

describe('staff pages: revoked tokens and expired sessions', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  test('a revoked token’s cookie and an expired password session send every page to sign in and clear the cookie', async () => {
    const created = (await t.call('POST', '/api/v1/tokens', { body: { name: 'soon gone', role: 'admin' } })).json();
    const revoked = await t.app.inject({ method: 'POST', url: '/ui/sign-in', payload: new URLSearchParams({ token: created.token }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const revokedCookie = cookieOf(revoked);
    assert.equal((await t.call('DELETE', `/api/v1/tokens/${created.id}`)).statusCode, 204);
    await t.staffUsers.create({ username: 'bob', name: 'Bob', role: 'admin', password: 'a long passphrase of his' });
    const signedIn = await t.app.inject({ method: 'POST', url: '/ui/sign-in', payload: new URLSearchParams({ username: 'bob', password: 'a long passphrase of his' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const sessionCookie = cookieOf(signedIn);
    assert.equal((await t.app.inject({ method: 'GET', url: '/ui/requests', headers: { cookie: sessionCookie } })).statusCode, 200, 'the session works before it expires');
    t.clock.advance(SESSION_LIFETIME_SECONDS * 1000);
    const wrong: string[] = [];
    for (const key of Object.keys(POLICY) as RouteKey[]) {
      if (POLICY[key] === 'open') continue;
      const { method, url } = urlOf(key);
      for (const [what, cookie] of [['revoked token', revokedCookie], ['expired session', sessionCookie]] as const) {
        const response = await t.app.inject({ method, url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: method === 'POST' ? '' : undefined });
        const cleared = String(response.headers['set-cookie'] ?? '').includes('Max-Age=0');
        if (!sentToSignIn(response) || (key !== 'POST /ui/sign-out' && !cleared)) wrong.push(`${key} with a ${what}: ${response.statusCode}${cleared ? '' : ', cookie kept'}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});
