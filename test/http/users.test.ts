/**
 * `/api/v1/users` (issue 8): admin only, every field checked with its problem at its path, and no password or hash
 * in any answer or any log line, even at the most talkative level.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { ROLES } from '../../src/domain/access/roles.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const PASSWORD = 'a long and secret passphrase';
const NEW_PASSWORD = 'another secret passphrase';
const USER_FIELDS = ['createdAt', 'disabled', 'disabledAt', 'id', 'lastSignInAt', 'name', 'role', 'updatedAt', 'username'];

describe('the users API', () => {
  let t: TestApp;
  const logLines: string[] = [];
  const bodies: string[] = [];

  before(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    t = await createTestApp('sqlite', {}, { logger: { level: 'trace', stream: sink } });
  });
  after(() => t.close());

  /** Every answer is kept, to be searched for the passwords at the end. */
  const call = async (...args: Parameters<TestApp['call']>) => {
    const response = await t.call(...args);
    bodies.push(response.body);
    return response;
  };

  test('only admin may manage users; every other role is refused, and no token is unauthenticated', async () => {
    await t.staffUsers.create({ username: 'matrix', name: 'Matrix', role: 'read-only', password: PASSWORD });
    const endpoints: [string, string, unknown?][] = [
      ['GET', '/api/v1/users'],
      ['POST', '/api/v1/users', { username: 'x-user', name: 'X', role: 'operator', password: PASSWORD }],
      ['GET', '/api/v1/users/matrix'],
      ['PATCH', '/api/v1/users/matrix', { name: 'Matrix 2' }],
      ['DELETE', '/api/v1/users/matrix'],
    ];
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      for (const [method, url, body] of endpoints) {
        const response = await call(method as 'GET', url, { body, token: t.tokenFor[role] });
        assert.equal(response.statusCode, 403, `${role} ${method} ${url}`);
        assert.equal(response.json().error.code, 'ILL_ERR_FORBIDDEN');
        assert.match(response.json().error.message, /manage-users/);
      }
    }
    for (const [method, url, body] of endpoints) assert.equal((await call(method as 'GET', url, { body, token: null })).statusCode, 401, `${method} ${url}`);
    assert.equal((await call('GET', '/api/v1/users/matrix')).json().name, 'Matrix', 'nothing was changed by the refused calls');
    assert.equal((await call('GET', '/api/v1/users/x-user')).statusCode, 404);
    assert.equal((await call('DELETE', '/api/v1/users/matrix')).statusCode, 204);
  });

  test('create, read, change and delete a user: the answers hold exactly the user’s fields', async () => {
    const created = await call('POST', '/api/v1/users', { body: { username: 'Alice', name: 'Alice Smith', role: 'operator', password: PASSWORD } });
    assert.equal(created.statusCode, 201, created.body);
    assert.deepEqual(Object.keys(created.json()).sort(), USER_FIELDS);
    const { id: _id, createdAt: _created, updatedAt: _updated, ...fields } = created.json() as Record<string, unknown>;
    assert.deepEqual(fields, { username: 'Alice', name: 'Alice Smith', role: 'operator', disabled: false, disabledAt: null, lastSignInAt: null });
    const list = await call('GET', '/api/v1/users');
    assert.deepEqual(list.json().items.map((u: { username: string }) => u.username), ['Alice']);
    assert.equal((await call('GET', '/api/v1/users/ALICE')).json().username, 'Alice', 'the path takes any case');

    const session = await t.staffUsers.signIn('alice', PASSWORD);
    assert.equal((await call('GET', '/api/v1/users/alice')).json().lastSignInAt, t.clock.now());
    const changed = await call('PATCH', '/api/v1/users/alice', { body: { role: 'read-only', name: 'Alice S.' } });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.deepEqual([changed.json().role, changed.json().name], ['read-only', 'Alice S.']);
    assert.equal(await t.tokens.authenticate(session.secret), undefined, 'the new role ended the session');

    const disabled = await call('PATCH', '/api/v1/users/alice', { body: { disabled: true } });
    assert.deepEqual([disabled.json().disabled, disabled.json().disabledAt], [true, t.clock.now()]);
    assert.equal((await call('PATCH', '/api/v1/users/alice', { body: { disabled: false } })).json().disabled, false);
    assert.equal((await call('PATCH', '/api/v1/users/alice', { body: { password: NEW_PASSWORD } })).statusCode, 200);
    assert.ok(await t.staffUsers.signIn('alice', NEW_PASSWORD));
    assert.equal((await call('PATCH', '/api/v1/users/alice', { body: {} })).json().name, 'Alice S.', 'an empty change changes nothing');

    assert.equal((await call('DELETE', '/api/v1/users/alice')).statusCode, 204);
    assert.equal((await call('GET', '/api/v1/users/alice')).statusCode, 404);
    assert.equal((await call('DELETE', '/api/v1/users/alice')).statusCode, 404);
  });

  test('validation: every problem at its field, a taken name, unknown fields, never the password in a message', async () => {
    const bad = await call('POST', '/api/v1/users', { body: { username: 'has space', name: '', role: 'peer', password: 'tooshort123' } });
    assert.equal(bad.statusCode, 422);
    assert.equal(bad.json().error.code, 'ILL_ERR_VALIDATION');
    const problems = bad.json().error.problems as { path: string; message: string }[];
    assert.deepEqual(problems.map((p) => p.path).sort(), ['name', 'password', 'role', 'username']);
    assert.ok(!bad.body.includes('tooshort123'));

    const numeric = await call('POST', '/api/v1/users', { body: { username: 'numeric', name: 'N', role: 'admin', password: 987654321098765 } });
    assert.equal(numeric.statusCode, 422);
    assert.ok(!numeric.body.includes('987654321098765'), 'a password of the wrong type is not quoted either');

    const missing = await call('POST', '/api/v1/users', { body: { username: 'bob' } });
    assert.deepEqual((missing.json().error.problems as { path: string }[]).map((p) => p.path).sort(), ['name', 'password', 'role']);

    assert.equal((await call('POST', '/api/v1/users', { body: { username: 'bob', name: 'Bob', role: 'operator', password: PASSWORD } })).statusCode, 201);
    const taken = await call('POST', '/api/v1/users', { body: { username: 'BOB', name: 'Bob 2', role: 'operator', password: PASSWORD } });
    assert.equal(taken.statusCode, 409);
    assert.equal(taken.json().error.code, 'ILL_ERR_DUPLICATE');

    const unknownField = await call('PATCH', '/api/v1/users/bob', { body: { passwordHash: 'scrypt$1$1$1$x$y', role: 'wizard' } });
    assert.equal(unknownField.statusCode, 422);
    assert.deepEqual((unknownField.json().error.problems as { path: string }[]).map((p) => p.path).sort(), ['passwordHash', 'role']);
    const shortPassword = await call('PATCH', '/api/v1/users/bob', { body: { password: 'short' } });
    assert.equal(shortPassword.statusCode, 422);
    assert.match(shortPassword.body, /at least 12 characters/);
    assert.equal((await call('PATCH', '/api/v1/users/bob', { body: { disabled: 'yes' } })).statusCode, 422);
    assert.equal((await call('PATCH', '/api/v1/users/nobody', { body: { name: 'X' } })).statusCode, 404);
    assert.equal((await call('POST', '/api/v1/users', { body: '[1,2]', headers: { 'content-type': 'application/json' } })).statusCode, 422);
  });

  test('a user signed in with a password may not take away their own role, disable or delete themselves', async () => {
    await t.staffUsers.create({ username: 'root', name: 'Root', role: 'admin', password: PASSWORD });
    const session = await t.staffUsers.signIn('root', PASSWORD);
    const asRoot = { token: session.secret };
    assert.equal((await call('GET', '/api/v1/users', asRoot)).statusCode, 200, 'a session token is a bearer token for its role');
    const demote = await call('PATCH', '/api/v1/users/root', { ...asRoot, body: { role: 'operator' } });
    assert.equal(demote.statusCode, 422);
    assert.equal(demote.json().error.code, 'ILL_ERR_NOT_ALLOWED');
    assert.equal((await call('PATCH', '/api/v1/users/root', { ...asRoot, body: { disabled: true } })).statusCode, 422);
    assert.equal((await call('DELETE', '/api/v1/users/root', asRoot)).statusCode, 422);
    assert.equal((await call('PATCH', '/api/v1/users/root', { body: { disabled: true } })).json().disabled, true, 'another admin may');
    assert.equal((await call('GET', '/api/v1/users', asRoot)).statusCode, 401, 'and that ended the session');
  });

  test('the token list leaves sessions out unless asked, and marks them', async () => {
    await t.staffUsers.create({ username: 'listed', name: 'Listed', role: 'operator', password: PASSWORD });
    const session = await t.staffUsers.signIn('listed', PASSWORD);
    const plain = await call('GET', '/api/v1/tokens');
    assert.ok(!plain.json().items.some((i: { id: string }) => i.id === session.tokenId));
    for (const item of plain.json().items) assert.equal(item.session, undefined);
    const all = await call('GET', '/api/v1/tokens?sessions=true');
    const marked = all.json().items.find((i: { id: string }) => i.id === session.tokenId);
    assert.deepEqual(marked.session, { userId: session.user.id, expiresAt: session.expiresAt });
    assert.equal(marked.name, 'Listed');
  });

  test('no answer and no log line holds a password or a hash; the server’s logger hides them wherever they are logged', async () => {
    t.app.log.info({ password: 'logged by mistake', user: { passwordHash: 'scrypt$planted' }, body: { password: 'in a body' } }, 'redaction check');
    const everything = [...bodies, ...logLines].join('\n');
    assert.ok(logLines.length > 10, 'the logger did log');
    for (const secret of [PASSWORD, NEW_PASSWORD, 'logged by mistake', 'scrypt$planted', 'in a body']) assert.ok(!everything.includes(secret), secret);
    assert.ok(!/scrypt\$/.test(everything), 'no hash');
    assert.match(logLines.find((l) => l.includes('redaction check'))!, /\[Redacted\]/);
  });

  test('OpenAPI documents the users endpoints', async () => {
    const spec = (await t.call('GET', '/openapi.json', { token: null })).json();
    for (const path of ['/api/v1/users', '/api/v1/users/{username}']) assert.ok(spec.paths[path], path);
  });
});
