/** Every route group: 401 without a valid token, 403 for a role that may not, and through for one that may. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Role } from '../../src/domain/access/roles.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const ALL: Role[] = ['admin', 'partners-manager', 'operator', 'read-only', 'peer', 'discovery'];
/** Staff: every role but `peer` (another library's Interlend asking our availability) and `discovery` (the discovery system asking services). */
const STAFF: Role[] = ['admin', 'partners-manager', 'operator', 'read-only'];

/** The policy, written out by hand so that a change to the role table has to change this test too. */
const READ_CONFIG: Role[] = STAFF;
const WRITE_PLACES: Role[] = ['admin'];
const WRITE_PARTNERS: Role[] = ['admin', 'partners-manager'];
const READ_PATRONS: Role[] = ['admin', 'operator', 'read-only'];
const WRITE_PATRONS: Role[] = ['admin', 'operator'];
const ADMIN_ONLY: Role[] = ['admin'];
const READ_REQUESTS: Role[] = STAFF;
const WRITE_REQUESTS: Role[] = ['admin', 'operator'];

const groups: { name: string; read: Role[]; write: Role[] }[] = [
  { name: 'libraries', read: READ_CONFIG, write: WRITE_PLACES },
  { name: 'locations', read: READ_CONFIG, write: WRITE_PLACES },
  { name: 'desks', read: READ_CONFIG, write: WRITE_PLACES },
  { name: 'item-policies', read: READ_CONFIG, write: WRITE_PLACES },
  { name: 'patrons', read: READ_PATRONS, write: WRITE_PATRONS },
  { name: 'partners', read: READ_CONFIG, write: WRITE_PARTNERS },
  { name: 'rota-templates', read: READ_CONFIG, write: WRITE_PARTNERS },
  { name: 'rota-rules', read: READ_CONFIG, write: WRITE_PARTNERS },
];

const routes: { method: Method; url: string; allowed: Role[] }[] = [
  ...groups.flatMap((g) => [
    { method: 'GET' as const, url: `/api/v1/${g.name}`, allowed: g.read },
    { method: 'GET' as const, url: `/api/v1/${g.name}/X`, allowed: g.read },
    { method: 'POST' as const, url: `/api/v1/${g.name}`, allowed: g.write },
    { method: 'PUT' as const, url: `/api/v1/${g.name}/X`, allowed: g.write },
    { method: 'PATCH' as const, url: `/api/v1/${g.name}/X`, allowed: g.write },
    { method: 'DELETE' as const, url: `/api/v1/${g.name}/X`, allowed: g.write },
  ]),
  { method: 'POST', url: '/api/v1/patrons/import', allowed: WRITE_PATRONS },
  { method: 'POST', url: '/api/v1/rota-rules/X/move', allowed: WRITE_PARTNERS },
  { method: 'POST', url: '/api/v1/rota-rules/X/make-final', allowed: WRITE_PARTNERS },
  { method: 'GET', url: '/api/v1/institution', allowed: READ_CONFIG },
  { method: 'PUT', url: '/api/v1/institution', allowed: WRITE_PLACES },
  { method: 'GET', url: '/api/v1/config', allowed: ADMIN_ONLY },
  { method: 'POST', url: '/api/v1/config', allowed: ADMIN_ONLY },
  { method: 'GET', url: '/api/v1/tokens', allowed: ADMIN_ONLY },
  { method: 'POST', url: '/api/v1/tokens', allowed: ADMIN_ONLY },
  { method: 'DELETE', url: '/api/v1/tokens/X', allowed: ADMIN_ONLY },
  { method: 'GET', url: '/api/v1/me', allowed: STAFF },
  { method: 'GET', url: '/api/v1/availability?oclcNumber=1', allowed: ['admin', 'peer'] },
  { method: 'GET', url: '/api/v1/services?rft.btitle=X&guest=true', allowed: ['admin', 'operator', 'read-only', 'discovery'] },
  { method: 'GET', url: '/api/v1/patrons/X/pin', allowed: READ_PATRONS },
  { method: 'PUT', url: '/api/v1/patrons/X/pin', allowed: WRITE_PATRONS },
  { method: 'DELETE', url: '/api/v1/patrons/X/pin', allowed: WRITE_PATRONS },
  { method: 'GET', url: '/api/v1/doctor?offline=true', allowed: READ_CONFIG },
  { method: 'GET', url: '/api/v1/borrowing-requests', allowed: READ_REQUESTS },
  { method: 'GET', url: '/api/v1/borrowing-requests/X', allowed: READ_REQUESTS },
  { method: 'POST', url: '/api/v1/borrowing-requests', allowed: WRITE_REQUESTS },
  { method: 'POST', url: '/api/v1/borrowing-requests/X/actions/cancel', allowed: WRITE_REQUESTS },
  { method: 'POST', url: '/api/v1/borrowing-requests/X/partner-answer', allowed: WRITE_REQUESTS },
  { method: 'GET', url: '/api/v1/lending-requests', allowed: READ_REQUESTS },
  { method: 'GET', url: '/api/v1/lending-requests/X', allowed: READ_REQUESTS },
  { method: 'POST', url: '/api/v1/lending-requests/X/actions/will-supply', allowed: WRITE_REQUESTS },
  { method: 'GET', url: '/api/v1/queues', allowed: READ_REQUESTS },
  { method: 'GET', url: '/api/v1/queues/needs-attention', allowed: READ_REQUESTS },
  { method: 'GET', url: '/api/v1/jobs', allowed: READ_REQUESTS },
  { method: 'GET', url: '/api/v1/jobs/X', allowed: READ_REQUESTS },
  { method: 'POST', url: '/api/v1/jobs/X/retry', allowed: WRITE_REQUESTS },
];

describe('API access', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  for (const route of routes) {
    test(`${route.method} ${route.url}: 401 without a token, 403 for ${ALL.filter((r) => !route.allowed.includes(r)).join(', ') || 'no role'}`, async () => {
      const none = await t.call(route.method, route.url, { token: null });
      assert.equal(none.statusCode, 401);
      assert.equal(none.json().error.code, 'ILL_ERR_UNAUTHENTICATED');
      assert.equal(none.headers['www-authenticate'], 'Bearer');
      const wrong = await t.call(route.method, route.url, { token: 'il_not_a_real_token_000000000000' });
      assert.equal(wrong.statusCode, 401);
      for (const role of ALL) {
        const response = await t.call(route.method, route.url, { token: t.tokenFor[role] });
        if (route.allowed.includes(role)) {
          assert.ok(![401, 403].includes(response.statusCode), `${role} should get through, got ${response.statusCode}`);
        } else {
          assert.equal(response.statusCode, 403, `${role} should be refused`);
          assert.equal(response.json().error.code, 'ILL_ERR_FORBIDDEN');
        }
      }
    });
  }

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
