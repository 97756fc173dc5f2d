/**
 * Staff users on the staff pages (issue 8), through inject(): signing in with a user name and password (one
 * message for any wrong part, the throttle, a disabled user), signing out ends the session, and the admin's users
 * page (list, add, role, password, disable / enable) with errors next to their fields and CSRF on every post.
 */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, describe, test } from 'node:test';
import { WRONG_CREDENTIALS } from '../../src/app/staff-users.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { type Browser, cookieOf, csrfOf, signIn } from './helpers.ts';

const PASSWORD = 'staple battery horse correct';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
/** The message as the page writes it (kitajs escapes the apostrophe-free text as is). */
const WRONG = WRONG_CREDENTIALS;

describe('staff users on the staff pages', () => {
  let app: TestApp;
  let admin: Browser;

  before(async () => {
    app = await createTestApp();
    admin = await signIn(app, 'admin');
  });
  after(() => app.close());

  const postSignIn = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    app.app.inject({ method: 'POST', url: '/ui/sign-in', headers: { ...FORM, ...headers }, payload: new URLSearchParams(form).toString() });

  /** Signs in with a user name and password, as a browser would, and reads the CSRF token from the first page. */
  async function signInWithPassword(username: string, password: string): Promise<Browser & { home: string }> {
    const response = await postSignIn({ username, password });
    assert.equal(response.statusCode, 303, response.body);
    const cookie = cookieOf(response);
    const home = response.headers.location as string;
    const page = await app.app.inject({ method: 'GET', url: home, headers: { cookie } });
    assert.equal(page.statusCode, 200);
    const csrf = csrfOf(page.body);
    return {
      cookie,
      csrf,
      home,
      get: (url) => app.app.inject({ method: 'GET', url, headers: { cookie } }),
      post: (url, form, options = {}) =>
        app.app.inject({ method: 'POST', url, headers: { cookie, ...FORM }, payload: new URLSearchParams({ ...form, ...(options.csrf === false ? {} : { _csrf: csrf }) }).toString() }),
    };
  }

  const refusedAt = (response: LightMyRequestResponse, id: string, message: RegExp) => {
    assert.match(response.body, new RegExp(`<p class="error" id="${id}-error">[^<]*${message.source}`), `${id}: ${message}`);
    assert.match(response.body, new RegExp(`id="${id}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="${id}"`), `${id} is marked invalid`);
  };

  test('the sign-in page offers the user name and password first, and the token second', async () => {
    const page = await app.app.inject({ method: 'GET', url: '/ui/sign-in' });
    assert.equal(page.statusCode, 200);
    const user = page.body.indexOf('<label for="username">User name</label>');
    const password = page.body.indexOf('<label for="password">Password</label>');
    const token = page.body.indexOf('<label for="token">API token</label>');
    assert.ok(user > 0 && password > user && token > password, 'user name, password, then token');
    assert.match(page.body, /autocomplete="current-password"/);
    assert.match(page.body, /<button type="submit">Sign in<\/button>/);
    assert.match(page.body, /<button type="submit">Sign in with the token<\/button>/);
  });

  test('a user signs in with name and password (any case of the name): the header shows their display name', async () => {
    await app.staffUsers.create({ username: 'Olga', name: 'Olga Operator', role: 'operator', password: PASSWORD });
    const olga = await signInWithPassword('OLGA', PASSWORD);
    assert.equal(olga.home, '/ui');
    const dashboard = await olga.get('/ui');
    assert.match(dashboard.body, /<span>Olga Operator \(operator\)<\/span>/);
    assert.ok(!dashboard.body.includes(PASSWORD));
    assert.doesNotMatch(dashboard.body, /href="\/ui\/users"/, 'an operator has no users page');
    assert.equal((await olga.get('/ui/users')).statusCode, 403);
    assert.equal((await olga.post('/ui/users', { username: 'x', name: 'x', role: 'admin', password: PASSWORD, passwordAgain: PASSWORD })).statusCode, 403);
    const session = await app.staffUsers.get('olga');
    assert.equal(session.lastSignInAt, app.clock.now());
  });

  test('a wrong password and an unknown name get one message, keep the name, never echo the password', async () => {
    await app.staffUsers.create({ username: 'wanda', name: 'Wanda', role: 'read-only', password: PASSWORD });
    for (const [username, password] of [['wanda', 'not-the-password-1'], ['nobody-here', 'not-the-password-2']] as const) {
      const response = await postSignIn({ username, password });
      assert.equal(response.statusCode, 401);
      assert.equal(response.headers['set-cookie'], undefined);
      assert.ok(response.body.includes(`<p id="password-sign-in-error" class="error" role="alert">${WRONG}</p>`), response.body);
      assert.match(response.body, new RegExp(`id="username"[^>]*value="${username}"`), 'the name is kept');
      assert.ok(!response.body.includes(password), 'the password is not');
    }
  });

  test('after five failures the name waits, with a message that says so and for how long', async () => {
    await app.staffUsers.create({ username: 'tess', name: 'Tess', role: 'read-only', password: PASSWORD });
    for (let i = 0; i < 5; i++) assert.equal((await postSignIn({ username: 'tess', password: `wrong guess ${i}` })).statusCode, 401);
    const locked = await postSignIn({ username: 'tess', password: PASSWORD });
    assert.equal(locked.statusCode, 429);
    assert.match(locked.body, /Too many failed sign-ins for this user name\. Wait 15 minutes, then try again/);
    app.clock.advance(15 * 60_000);
    assert.equal((await postSignIn({ username: 'tess', password: PASSWORD })).statusCode, 303);
  });

  test('a disabled user is told so, only with the right password', async () => {
    await app.staffUsers.create({ username: 'dora', name: 'Dora', role: 'operator', password: PASSWORD });
    await app.staffUsers.disable('dora');
    const right = await postSignIn({ username: 'dora', password: PASSWORD });
    assert.equal(right.statusCode, 403);
    assert.match(right.body, /This user is disabled\. Ask an administrator to enable it\./);
    const wrong = await postSignIn({ username: 'dora', password: 'wrong password!' });
    assert.equal(wrong.statusCode, 401);
    assert.ok(wrong.body.includes(WRONG));
  });

  test('a password sign-in from another site is refused', async () => {
    const response = await postSignIn({ username: 'olga', password: PASSWORD }, { origin: 'https://evil.example' });
    assert.equal(response.statusCode, 403);
    assert.equal(response.headers['set-cookie'], undefined);
  });

  test('signing out revokes a password session: the old cookie opens nothing; a token sign-out leaves the token', async () => {
    await app.staffUsers.create({ username: 'sam', name: 'Sam', role: 'read-only', password: PASSWORD });
    const sam = await signInWithPassword('sam', PASSWORD);
    const out = await sam.post('/ui/sign-out', {});
    assert.equal(out.statusCode, 303);
    assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
    const replayed = await sam.get('/ui');
    assert.equal(replayed.statusCode, 303, 'a copy of the cookie is worth nothing after sign-out');

    const viaToken = await signIn(app, 'read-only');
    assert.equal((await viaToken.post('/ui/sign-out', {})).statusCode, 303);
    assert.ok(await app.tokens.authenticate(app.tokenFor['read-only']), 'the API token still works');
  });

  test('the admin sees Users in the navigation and every user with role, last sign-in and status', async () => {
    const page = await admin.get('/ui/users');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<a href="\/ui\/users" aria-current="page">Users<\/a>/);
    assert.match(page.body, /<h1>Staff users<\/h1>/);
    const olgaRow = /<tr>\s*<td><a href="\/ui\/users\/Olga">Olga Operator<\/a><\/td><td>Olga<\/td><td>operator<\/td><td>(2026-[^<]+ UTC)<\/td><td>Active<\/td><\/tr>/.exec(page.body);
    assert.ok(olgaRow, 'Olga’s row');
    assert.match(page.body, /<tr class="disabled">\s*<td><a href="\/ui\/users\/dora">Dora<\/a><\/td><td>dora<\/td><td>operator<\/td><td>Never<\/td><td>Disabled since 2026-11-28 \d\d:\d\d UTC<\/td><\/tr>/);
  });

  test('adding a user: errors next to their fields, what was typed kept but never a password; then the new user in the list', async () => {
    const hostile = '<script>alert(1)</script>';
    const short = await admin.post('/ui/users', { username: 'bad name', name: hostile, role: 'operator', password: 'short pw', passwordAgain: 'short pw' });
    assert.equal(short.statusCode, 422);
    refusedAt(short, 'u-username', /must be 1 to 64 letters/);
    refusedAt(short, 'u-password', /must be at least 12 characters long/);
    assert.ok(short.body.includes(`id="u-name" name="name" type="text" value="${hostile}"`), 'the typed name is kept, inside its quoted attribute');
    assert.ok(!short.body.replace(/ value="[^"]*"/g, '').includes(hostile), 'and nowhere as a live script tag');
    assert.ok(!short.body.includes('short pw'), 'passwords are never put back in the page');

    const mismatch = await admin.post('/ui/users', { username: 'nina', name: 'Nina', role: 'partners-manager', password: PASSWORD, passwordAgain: `${PASSWORD}x` });
    assert.equal(mismatch.statusCode, 422);
    refusedAt(mismatch, 'u-password-again', /does not match the password/);
    assert.match(mismatch.body, /<option value="partners-manager" selected>/, 'the chosen role is kept');

    const taken = await admin.post('/ui/users', { username: 'OLGA', name: 'Other Olga', role: 'operator', password: PASSWORD, passwordAgain: PASSWORD });
    assert.equal(taken.statusCode, 422);
    refusedAt(taken, 'u-username', /OLGA is taken/);

    const added = await admin.post('/ui/users', { username: 'nina', name: 'Nina Novak', role: 'partners-manager', password: PASSWORD, passwordAgain: PASSWORD });
    assert.equal(added.statusCode, 303, added.body);
    assert.equal(added.headers.location, '/ui/users?added=nina');
    const list = await admin.get(added.headers.location as string);
    assert.match(list.body, /<p class="notice" role="status">Added nina: they can sign in now\.<\/p>/);
    assert.match(list.body, /<td><a href="\/ui\/users\/nina">Nina Novak<\/a><\/td><td>nina<\/td><td>partners-manager<\/td><td>Never<\/td><td>Active<\/td>/);
    const nina = await signInWithPassword('nina', PASSWORD);
    assert.equal(nina.home, '/ui', 'a partners manager lands on the dashboard');

    await app.staffUsers.create({ username: 'hostile', name: hostile, role: 'read-only', password: PASSWORD });
    const escaped = await admin.get('/ui/users');
    assert.ok(escaped.body.includes('<a href="/ui/users/hostile">&lt;script>alert(1)&lt;/script></a>'), 'a display name is text');
    assert.ok(!escaped.body.includes(hostile));
  });

  test('the user’s page: a new role ends their session; a new password needs both boxes to agree', async () => {
    await app.staffUsers.create({ username: 'rita', name: 'Rita', role: 'read-only', password: PASSWORD });
    const rita = await signInWithPassword('rita', PASSWORD);
    const page = await admin.get('/ui/users/rita');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1>Rita \(rita\)<\/h1>/);
    assert.match(page.body, /<button type="submit">Disable<\/button>/);

    const role = await admin.post('/ui/users/rita', { name: 'Rita R.', role: 'operator' });
    assert.equal(role.statusCode, 303);
    const saved = await admin.get(role.headers.location as string);
    assert.match(saved.body, /Saved\. A new role takes effect at once/);
    assert.match(saved.body, /<dd>Operator: requests and patrons<\/dd>/);
    assert.equal((await rita.get('/ui')).statusCode, 303, 'her session ended');

    const emptyName = await admin.post('/ui/users/rita', { name: '  ', role: 'operator' });
    assert.equal(emptyName.statusCode, 422);
    refusedAt(emptyName, 'd-name', /must not be empty/);

    const mismatch = await admin.post('/ui/users/rita/password', { password: 'first new passphrase', passwordAgain: 'second new passphrase' });
    assert.equal(mismatch.statusCode, 422);
    refusedAt(mismatch, 'p-password-again', /does not match the password/);
    const short = await admin.post('/ui/users/rita/password', { password: 'tiny', passwordAgain: 'tiny' });
    assert.equal(short.statusCode, 422);
    refusedAt(short, 'p-password', /at least 12 characters/);
    const set = await admin.post('/ui/users/rita/password', { password: 'first new passphrase', passwordAgain: 'first new passphrase' });
    assert.equal(set.statusCode, 303);
    assert.match((await admin.get(set.headers.location as string)).body, /New password set\. The user’s open sessions have ended\./);
    assert.equal((await postSignIn({ username: 'rita', password: PASSWORD })).statusCode, 401);
    assert.equal((await postSignIn({ username: 'rita', password: 'first new passphrase' })).statusCode, 303);
  });

  test('disable and enable from the user’s page', async () => {
    await app.staffUsers.create({ username: 'eve', name: 'Eve', role: 'operator', password: PASSWORD });
    const eve = await signInWithPassword('eve', PASSWORD);
    const disabled = await admin.post('/ui/users/eve/disable', {});
    assert.equal(disabled.statusCode, 303);
    const page = await admin.get(disabled.headers.location as string);
    assert.match(page.body, /Disabled\. The user’s open sessions have ended/);
    assert.match(page.body, /<button type="submit">Enable<\/button>/);
    assert.equal((await eve.get('/ui')).statusCode, 303);
    assert.equal((await postSignIn({ username: 'eve', password: PASSWORD })).statusCode, 403);
    assert.equal((await admin.post('/ui/users/eve/enable', {})).statusCode, 303);
    assert.equal((await postSignIn({ username: 'eve', password: PASSWORD })).statusCode, 303);
  });

  test('an admin on their own page may rename themselves but not change their role or disable themselves', async () => {
    await app.staffUsers.create({ username: 'ada', name: 'Ada Admin', role: 'admin', password: PASSWORD });
    const ada = await signInWithPassword('ada', PASSWORD);
    const own = await ada.get('/ui/users/ada');
    assert.doesNotMatch(own.body, /id="d-role"/);
    assert.doesNotMatch(own.body, /<button type="submit">Disable<\/button>/);
    const refused = await ada.post('/ui/users/ada/disable', {});
    assert.equal(refused.statusCode, 422);
    assert.match(refused.body, /You cannot disable the user you are signed in as\./);
    assert.equal((await ada.post('/ui/users/ada', { name: 'Ada Lovelace' })).statusCode, 303);
    assert.match((await ada.get('/ui')).body, /<span>Ada Lovelace \(admin\)<\/span>/, 'the header shows the new name at once');
    const password = await ada.post('/ui/users/ada/password', { password: 'ada new passphrase', passwordAgain: 'ada new passphrase' });
    assert.equal(password.statusCode, 303);
    assert.equal((await ada.get('/ui')).statusCode, 200, 'changing one’s own password keeps this session');
  });

  test('every post needs the CSRF token; an unknown user is a 404 page', async () => {
    for (const url of ['/ui/users', '/ui/users/olga', '/ui/users/olga/password', '/ui/users/olga/disable', '/ui/users/olga/enable']) {
      const response = await admin.post(url, { name: 'X', role: 'admin', password: PASSWORD, passwordAgain: PASSWORD }, { csrf: false });
      assert.equal(response.statusCode, 403, url);
    }
    assert.equal((await app.staffUsers.get('olga')).role, 'operator', 'nothing changed');
    const missing = await admin.get('/ui/users/nobody');
    assert.equal(missing.statusCode, 404);
    assert.match(missing.body, /staff user nobody does not exist/);
  });
});
