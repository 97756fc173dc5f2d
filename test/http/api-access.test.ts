/**
 * The authorization matrix of the JSON API (issue 10, item 5): every route Fastify has registered is in POLICY
 * below (a new route fails this test until it says what it needs), and every caller gets exactly what
 * src/domain/access/roles.ts implies for that permission: each role (admin, partners-manager, operator, read-only,
 * peer) through or 403, and no token, an unknown token, a revoked token and an expired sign-in session 401. The
 * staff pages have theirs in test/ui/access.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { can, type Permission, PERMISSIONS, ROLES, type Role } from '../../src/domain/access/roles.ts';
import { SESSION_LIFETIME_SECONDS } from '../../src/domain/access/staff-user.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { registeredRoutes, type RouteKey, urlOf } from '../support/routes.ts';

/** What each route needs: a permission of the role table, or `open` (no token asked). Written by hand, so a change of what a route needs changes this table too. */
const POLICY: Record<string, Permission | 'open'> = {
  'GET /healthz': 'open',
  'GET /metrics': 'open',
  'GET /openapi.json': 'open',
  'GET /api/v1/institution': 'read-config',
  'PUT /api/v1/institution': 'write-places',
  'GET /api/v1/me': 'read-config',
  'GET /api/v1/doctor': 'read-config',
  'GET /api/v1/config': 'transfer-config',
  'POST /api/v1/config': 'transfer-config',
  'GET /api/v1/tokens': 'manage-tokens',
  'POST /api/v1/tokens': 'manage-tokens',
  'DELETE /api/v1/tokens/:x': 'manage-tokens',
  'GET /api/v1/users': 'manage-users',
  'POST /api/v1/users': 'manage-users',
  'GET /api/v1/users/:x': 'manage-users',
  'PATCH /api/v1/users/:x': 'manage-users',
  'DELETE /api/v1/users/:x': 'manage-users',
  'GET /api/v1/availability': 'read-availability',
  'GET /api/v1/services': 'read-services',
  'GET /api/v1/patrons/:x/pin': 'read-patrons',
  'PUT /api/v1/patrons/:x/pin': 'write-patrons',
  'DELETE /api/v1/patrons/:x/pin': 'write-patrons',
  'POST /api/v1/patrons/import': 'write-patrons',
  'GET /api/v1/partners/:x/identity': 'read-patrons',
  'POST /api/v1/rota-rules/:x/move': 'write-partners',
  'POST /api/v1/rota-rules/:x/make-final': 'write-partners',
  'GET /api/v1/borrowing-requests': 'read-requests',
  'POST /api/v1/borrowing-requests': 'write-requests',
  'GET /api/v1/borrowing-requests/:x': 'read-requests',
  'POST /api/v1/borrowing-requests/:x/actions/:x': 'write-requests',
  'POST /api/v1/borrowing-requests/:x/partner-answer': 'write-requests',
  'GET /api/v1/borrowing-requests/:x/messages': 'read-requests',
  'GET /api/v1/lending-requests': 'read-requests',
  'GET /api/v1/lending-requests/:x': 'read-requests',
  'POST /api/v1/lending-requests/:x/actions/:x': 'write-requests',
  'GET /api/v1/queues': 'read-requests',
  'GET /api/v1/queues/needs-attention': 'read-requests',
  'GET /api/v1/jobs': 'read-requests',
  'GET /api/v1/jobs/:x': 'read-requests',
  'POST /api/v1/jobs/:x/retry': 'write-requests',
  'GET /api/v1/items': 'read-requests',
  'POST /api/v1/items': 'write-requests',
  'GET /api/v1/items/:x': 'read-requests',
  'POST /api/v1/items/:x/receive': 'write-requests',
  'GET /api/v1/hold-shelf': 'read-requests',
  'GET /api/v1/loans': 'read-requests',
  'POST /api/v1/loans': 'write-requests',
  'POST /api/v1/loans/:x/renew': 'write-requests',
  'POST /api/v1/returns': 'write-requests',
  'GET /api/v1/notice-templates': 'read-notices',
  'GET /api/v1/notice-templates/:x': 'read-notices',
  'GET /api/v1/notice-templates/:x/preview': 'read-notices',
  'POST /api/v1/notice-templates/:x/preview': 'read-notices',
  'PUT /api/v1/notice-templates/:x': 'write-notices',
  'DELETE /api/v1/notice-templates/:x': 'write-notices',
  'GET /api/v1/notices': 'read-notices',
  // The protocol endpoints answer peers, who have no token (NCIP and ISO 18626 know them by what they send).
  'GET /ncip': 'open',
  'POST /ncip': 'open',
  'GET /view/NCIPServlet': 'open',
  'POST /view/NCIPServlet': 'open',
  'POST /iso18626': 'open',
};
const KIND_PERMISSIONS: Record<string, { read: Permission; write: Permission }> = {
  libraries: { read: 'read-config', write: 'write-places' },
  locations: { read: 'read-config', write: 'write-places' },
  desks: { read: 'read-config', write: 'write-places' },
  'item-policies': { read: 'read-config', write: 'write-places' },
  patrons: { read: 'read-patrons', write: 'write-patrons' },
  partners: { read: 'read-config', write: 'write-partners' },
  'rota-templates': { read: 'read-config', write: 'write-partners' },
  'rota-rules': { read: 'read-config', write: 'write-partners' },
};
for (const [kind, { read, write }] of Object.entries(KIND_PERMISSIONS)) {
  Object.assign(POLICY, {
    [`GET /api/v1/${kind}`]: read,
    [`GET /api/v1/${kind}/:x`]: read,
    [`POST /api/v1/${kind}`]: write,
    [`PUT /api/v1/${kind}/:x`]: write,
    [`PATCH /api/v1/${kind}/:x`]: write,
    [`DELETE /api/v1/${kind}/:x`]: write,
  });
}

/** Query strings some routes need to get past their own checks (and the doctor kept off the network). */
const QUERY: Record<string, string> = { 'GET /api/v1/availability': '?oclcNumber=1', 'GET /api/v1/doctor': '?offline=true', 'GET /api/v1/services': '?rft.btitle=X&guest=true' };

/** The patron pages (and /openurl, their way in) take no token: a patron session; they have their own matrix below. */
const isPatronPage = (key: string) => / \/(patron|openurl)\b/.test(key);
const isApiRoute = (key: string) => !key.includes(' /ui') && !isPatronPage(key);
/** What a patron may open without signing in: the sign-in itself, the way in from discovery, the stylesheet and icon. */
const PATRON_OPEN = ['GET /openurl', 'POST /openurl', 'GET /patron/sign-in', 'POST /patron/sign-in', 'GET /patron/static/favicon.svg', 'GET /patron/static/patron.css'];
const requestOf = (key: RouteKey) => {
  const { method, url } = urlOf(key);
  return { method, url: url + (QUERY[key] ?? '') };
};

test('the role table grants what docs/api.md says, written out so a change to it is deliberate', () => {
  const granted = Object.fromEntries(ROLES.map((role) => [role, PERMISSIONS.filter((permission) => can(role, permission))]));
  assert.deepEqual(granted, {
    admin: [...PERMISSIONS],
    'partners-manager': ['read-config', 'write-partners', 'read-requests'],
    operator: ['read-config', 'read-patrons', 'write-patrons', 'read-requests', 'write-requests', 'read-notices', 'read-services'],
    'read-only': ['read-config', 'read-patrons', 'read-requests', 'read-services'],
    peer: ['read-availability'],
    discovery: ['read-services'],
  } satisfies Record<Role, Permission[]>);
});

describe('the authorization matrix of the API', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  test('every route the server registers outside /ui is in the policy table, and every entry is a route', () => {
    const registered = registeredRoutes(t.app).filter(isApiRoute);
    assert.deepEqual(registered.filter((key) => !(key in POLICY)), [], 'routes without a policy: add them to POLICY');
    assert.deepEqual(Object.keys(POLICY).filter((key) => !registered.includes(key as RouteKey)).sort(), [], 'policy lines for routes that do not exist');
    assert.ok(registered.length >= 80, `${registered.length} routes`);
  });

  test('the patron pages: every one but the way in is sent to sign in without a patron session, whatever staff token it carries', async () => {
    const patronPages = registeredRoutes(t.app).filter(isPatronPage);
    assert.ok(patronPages.length >= 10, `${patronPages.length} patron pages`);
    const wrong: string[] = [];
    for (const key of patronPages) {
      const { method, url } = requestOf(key);
      for (const token of [null, t.tokenFor.admin]) {
        const response = await t.call(method, url, { token });
        const location = String(response.headers.location ?? '');
        const sentToSignIn = response.statusCode === 303 && location.startsWith('/patron/sign-in');
        if (PATRON_OPEN.includes(key) ? response.statusCode >= 500 || sentToSignIn : !sentToSignIn) wrong.push(`${key} (${token ? 'staff token' : 'nothing'}): ${response.statusCode} ${location}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('each role gets exactly what the role table grants: through, or 403', async () => {
    const wrong: string[] = [];
    for (const key of Object.keys(POLICY) as RouteKey[]) {
      const need = POLICY[key]!;
      const { method, url } = requestOf(key);
      for (const role of ROLES) {
        const response = await t.call(method, url, { token: t.tokenFor[role] });
        const allowed = need === 'open' || can(role, need);
        const got = response.statusCode;
        if (allowed ? got === 401 || got === 403 || got >= 500 : got !== 403 || response.json().error.code !== 'ILL_ERR_FORBIDDEN') wrong.push(`${key} as ${role}: ${got} (${allowed ? 'allowed' : 'refused'} by ${need})`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('no token, an unknown token: 401 with WWW-Authenticate on every route that needs one', async () => {
    const wrong: string[] = [];
    for (const key of Object.keys(POLICY) as RouteKey[]) {
      if (POLICY[key] === 'open') continue;
      const { method, url } = requestOf(key);
      for (const token of [null, 'il_not_a_real_token_000000000000']) {
        const response = await t.call(method, url, { token });
        if (response.statusCode !== 401 || response.json().error.code !== 'ILL_ERR_UNAUTHENTICATED' || response.headers['www-authenticate'] !== 'Bearer') wrong.push(`${key} with ${token ?? 'no token'}: ${response.statusCode}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});

describe('revoked tokens and expired sessions', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  test('a revoked token and an expired sign-in session open no route; open routes stay open', async () => {
    const revoked = (await t.call('POST', '/api/v1/tokens', { body: { name: 'gone', role: 'admin' } })).json();
    assert.equal((await t.call('DELETE', `/api/v1/tokens/${revoked.id}`)).statusCode, 204);
    await t.staffUsers.create({ username: 'alice', name: 'Alice', role: 'admin', password: 'a long passphrase of hers' });
    const session = await t.staffUsers.signIn('alice', 'a long passphrase of hers');
    assert.equal((await t.call('GET', '/api/v1/me', { token: session.secret })).statusCode, 200, 'the session works before it expires');
    t.clock.advance(SESSION_LIFETIME_SECONDS * 1000);
    const wrong: string[] = [];
    for (const key of Object.keys(POLICY) as RouteKey[]) {
      const { method, url } = requestOf(key);
      for (const [what, token] of [['revoked token', revoked.token], ['expired session', session.secret]] as const) {
        const status = (await t.call(method, url, { token })).statusCode;
        if (POLICY[key] === 'open' ? status === 401 || status === 403 || status >= 500 : status !== 401) wrong.push(`${key} with a ${what}: ${status}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});

describe('API access', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  test('a revoked token no longer opens the API', async () => {
    const created = await t.call('POST', '/api/v1/tokens', { body: { name: 'short-lived', role: 'read-only' } });
    assert.equal(created.statusCode, 201);
    const { id, token } = created.json();
    assert.equal((await t.call('GET', '/api/v1/me', { token })).json().name, 'short-lived');
    assert.equal((await t.call('DELETE', `/api/v1/tokens/${id}`)).statusCode, 204);
    assert.equal((await t.call('GET', '/api/v1/me', { token })).statusCode, 401);
  });

  test('the token list shows names and roles, never a secret or its hash', async () => {
    const list = await t.call('GET', '/api/v1/tokens');
    const text = list.body;
    for (const secret of Object.values(t.tokenFor)) assert.ok(!text.includes(secret));
    assert.ok(!/hash/i.test(text));
    assert.deepEqual(Object.keys(list.json().items[0]).sort(), ['createdAt', 'id', 'lastUsedAt', 'name', 'revokedAt', 'role']);
  });

  test('health, metrics and OpenAPI need no token', async () => {
    const health = await t.call('GET', '/healthz', { token: null });
    assert.equal(health.statusCode, 200);
    assert.equal(health.json().status, 'ok');
    const metrics = await t.call('GET', '/metrics', { token: null });
    assert.equal(metrics.statusCode, 200);
    assert.match(metrics.body, /interlend_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/);
    const openapi = await t.call('GET', '/openapi.json', { token: null });
    assert.equal(openapi.statusCode, 200);
    const spec = openapi.json();
    assert.equal(spec.openapi.slice(0, 2), '3.');
    for (const path of ['/api/v1/partners', '/api/v1/partners/{ref}', '/api/v1/rota-rules/{ref}/make-final', '/api/v1/config', '/api/v1/patrons']) {
      assert.ok(spec.paths[path], `OpenAPI documents ${path}`);
    }
    const partnerBody = spec.paths['/api/v1/partners'].post.requestBody.content['application/json'].schema;
    assert.match(JSON.stringify(partnerBody), /userIdentifierRegex/);
  });
});
