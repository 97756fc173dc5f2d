/** Signing in and out of the staff pages, the redirects, and what the session cookie is. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { cookieOf, signIn } from './helpers.ts';

const PAGES = ['/ui', '/ui/requests', '/ui/requests/new', '/ui/requests/anything', '/ui/doctor'];
const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('staff sign-in', () => {
  let app: TestApp;
  before(async () => {
    app = await createTestApp();
  });
  after(() => app.close());

  const postSignIn = (token: string, headers: Record<string, string> = {}) =>
    app.app.inject({ method: 'POST', url: '/ui/sign-in', headers: { ...form, ...headers }, payload: new URLSearchParams({ token }).toString() });

  test('every page but sign-in sends a visitor without a session to sign in', async () => {
    for (const url of PAGES) {
      const response = await app.app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 303, url);
      assert.equal(response.headers.location, '/ui/sign-in', url);
    }
    const page = await app.app.inject({ method: 'GET', url: '/ui/sign-in' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<label for="token">API token<\/label>/);
  });

  test('an htmx request without a session is told to go to sign in, not handed the sign-in page as a fragment', async () => {
    const response = await app.app.inject({ method: 'POST', url: '/ui/requests/x/actions/cancel', headers: { 'hx-request': 'true' } });
    assert.equal(response.headers['hx-redirect'], '/ui/sign-in');
    assert.equal(response.body, '');
  });

  test('a staff token signs in: an httpOnly SameSite=Strict cookie for /ui, and the token is never in the page', async () => {
    const response = await postSignIn(app.tokenFor.operator);
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/ui');
    const line = String(response.headers['set-cookie']);
    assert.match(line, /^interlend_session=[0-9a-f]{32}\./);
    assert.match(line, /; HttpOnly/);
    assert.match(line, /; SameSite=Strict/);
    assert.match(line, /; Path=\/ui/);
    assert.doesNotMatch(line, /; Secure/, 'plain http: a Secure cookie would never come back');
    const dashboard = await app.app.inject({ method: 'GET', url: '/ui', headers: { cookie: cookieOf(response) } });
    assert.equal(dashboard.statusCode, 200);
    assert.match(dashboard.body, /test operator \(operator\)/);
    assert.ok(!dashboard.body.includes(app.tokenFor.operator), 'the token is not rendered');
  });

  test('an unknown token is refused without echoing it', async () => {
    const response = await postSignIn('il_not_a_real_token_but_long_enough');
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['set-cookie'], undefined);
    assert.match(response.body, /not known or has been revoked/);
    assert.ok(!response.body.includes('il_not_a_real_token'));
  });

  test('a peer token may not sign in', async () => {
    const response = await postSignIn(app.tokenFor.peer);
    assert.equal(response.statusCode, 403);
    assert.equal(response.headers['set-cookie'], undefined);
    assert.match(response.body, /peer token/);
  });

  test('a sign-in form posted from another site is refused', async () => {
    const response = await postSignIn(app.tokenFor.operator, { origin: 'https://evil.example' });
    assert.equal(response.statusCode, 403);
    assert.equal(response.headers['set-cookie'], undefined);
  });

  test('a forged or damaged cookie is no session', async () => {
    for (const cookie of ['interlend_session=abc', `interlend_session=${'0'.repeat(32)}.il_made_up`, 'interlend_session=%E0%A4%A']) {
      const response = await app.app.inject({ method: 'GET', url: '/ui', headers: { cookie } });
      assert.equal(response.statusCode, 303, cookie);
    }
  });

  test('revoking the token ends the session at the next page', async () => {
    const { token, secret } = await app.tokens.create({ name: 'soon revoked', role: 'operator' });
    const signedIn = await postSignIn(secret);
    const cookie = cookieOf(signedIn);
    assert.equal((await app.app.inject({ method: 'GET', url: '/ui', headers: { cookie } })).statusCode, 200);
    await app.tokens.revoke(token.id);
    const response = await app.app.inject({ method: 'GET', url: '/ui', headers: { cookie } });
    assert.equal(response.statusCode, 303);
    assert.match(String(response.headers['set-cookie']), /Max-Age=0/);
  });

  test('sign out clears the cookie, and needs the CSRF token', async () => {
    const browser = await signIn(app, 'read-only');
    const refused = await browser.post('/ui/sign-out', {}, { csrf: false });
    assert.equal(refused.statusCode, 403);
    const response = await browser.post('/ui/sign-out', {});
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/ui/sign-in');
    assert.match(String(response.headers['set-cookie']), /^interlend_session=; Path=\/ui; Max-Age=0/);
  });

  test('pages carry a content security policy that allows no inline script, and are not cached', async () => {
    const browser = await signIn(app, 'operator');
    const response = await browser.get('/ui');
    assert.match(String(response.headers['content-security-policy']), /script-src 'self'/);
    assert.equal(response.headers['cache-control'], 'no-store');
    const htmx = await app.app.inject({ method: 'GET', url: '/ui/static/htmx.min.js' });
    assert.equal(htmx.statusCode, 200);
    assert.match(htmx.body, /htmx/);
    assert.equal((await app.app.inject({ method: 'GET', url: '/ui/static/ui.css' })).statusCode, 200);
  });
});
