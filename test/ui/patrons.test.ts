/**
 * The patron pages through inject(): the list and its search, a patron's page and its edit form (errors next to
 * their fields), the ILLiad identity dry run against the ILLiad simulator (the derived username, nothing created),
 * the CSV import's preview with per-row problems and the import, the API's import, escaping, roles, CSRF.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type IlliadSimulator, startIlliadSimulator } from '../../src/sim/illiad/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { type Browser, EXAMPLE, PATRONS, signIn } from './helpers.ts';

const KEY = 'sim-key-0123456789';
const HOSTILE = '<script>alert(1)</script>';
const ESCAPED = '&lt;script>alert(1)&lt;/script>';

/** A multipart/form-data post, as the import form sends it. */
function multipart(browser: Browser, app: TestApp, url: string, fields: Record<string, string>, file?: { name: string; content: string }) {
  const boundary = '----interlendtest7d1';
  const parts = Object.entries({ _csrf: browser.csrf, ...fields }).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  if (file) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n${file.content}\r\n`);
  const payload = `${parts.join('')}--${boundary}--\r\n`;
  return app.app.inject({ method: 'POST', url, headers: { cookie: browser.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
}

const withoutAttributes = (html: string) => html.replace(/="[^"]*"/g, '=""');
const previewedOf = (html: string) => /name="previewed" value="([0-9a-f]{64})"/.exec(html)?.[1];
const rowOf = (html: string, primaryId: string) => {
  const rows = [...html.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => m[0]);
  return rows.find((r) => r.includes(`>${primaryId}<`)) ?? '';
};

describe('patron pages', () => {
  let sim: IlliadSimulator;
  let app: TestApp;
  let operator: Browser;
  let readOnly: Browser;

  before(async () => {
    sim = await startIlliadSimulator({ apiKey: KEY, externalUserIdMapping: 'EMailAddress' });
    app = await createTestApp('sqlite', { ILLIAD_URL: sim.url, ILLIAD_API_KEY: KEY, NORTH_PEER_URL: 'http://127.0.0.1:9/north', SOUTH_PEER_URL: 'http://127.0.0.1:9/south' });
    await app.transfer.importYaml(EXAMPLE);
    await app.transfer.importYaml(PATRONS);
    operator = await signIn(app, 'operator');
    readOnly = await signIn(app, 'read-only');
  });
  after(async () => {
    await app?.close();
    await sim?.close();
  });

  test('Patrons is in the navigation of the roles that may read patrons', async () => {
    for (const role of ['admin', 'operator', 'read-only'] as const) {
      const home = await (await signIn(app, role)).get('/ui');
      assert.match(home.body, /<a href="\/ui\/patrons"[^>]*>Patrons<\/a>/, role);
    }
    const manager = await signIn(app, 'partners-manager');
    assert.doesNotMatch((await manager.get('/ui/partners')).body, /href="\/ui\/patrons"/);
    assert.equal((await manager.get('/ui/patrons')).statusCode, 403);
  });

  test('the list, its search by name, e-mail and identifier, the status filter and pages', async () => {
    const list = await operator.get('/ui/patrons');
    assert.equal(list.statusCode, 200);
    for (const id of ['100200300', '100200301', 'guest-0001']) assert.match(list.body, new RegExp(`<a href="/ui/patrons/${id}">${id}</a>`));
    assert.match(list.body, /Import patrons from CSV/);
    for (const [q, found] of [
      ['garcia', '100200301'],
      ['sokafor@example', '100200302'],
      ['21234000000017', '100200300'],
    ]) {
      const page = await operator.get(`/ui/patrons?q=${encodeURIComponent(q!)}`);
      assert.match(page.body, new RegExp(`>${found}</a>`), q);
      assert.equal([...page.body.matchAll(/<a href="\/ui\/patrons\/[^"]+">/g)].length, 1, `${q} finds one patron`);
    }
    assert.match((await operator.get('/ui/patrons?q=nobody-here')).body, /No patron matches\./);
    assert.match((await operator.get('/ui/patrons?status=INACTIVE')).body, /No patron matches\./);
    assert.match((await operator.get('/ui/patrons?status=ACTIVE&q=garcia')).body, />100200301<\/a>/);
    // Paging: 60 more patrons make two pages.
    const csv = ['primaryId,firstName,lastName,userGroup', ...Array.from({ length: 60 }, (_, i) => `bulk-${String(i).padStart(2, '0')},Bulk,Patron${i},UNDERGRADUATE`)].join('\n');
    assert.equal((await app.call('POST', '/api/v1/patrons/import?dryRun=false', { body: csv, headers: { 'content-type': 'text/csv' } })).statusCode, 200);
    const first = await operator.get('/ui/patrons?q=bulk');
    assert.match(first.body, /Patrons 1–50 of 60 found/);
    assert.match(first.body, /<a href="\/ui\/patrons\?q=bulk&(amp;)?offset=50">Next page<\/a>/);
    const second = await operator.get('/ui/patrons?q=bulk&offset=50');
    assert.match(second.body, /Patrons 51–60 of 60 found/);
    assert.match(second.body, /Previous page/);
    assert.doesNotMatch(second.body, /Next page/);
  });

  test("a patron's page shows every field, the identifiers and the blocks; read-only sees text and no form", async () => {
    const page = await readOnly.get('/ui/patrons/100200303');
    assert.equal(page.statusCode, 200);
    for (const text of ['Priya Natarajan (100200303)', 'pnatarajan@example.edu', 'UNDERGRADUATE', 'Active', 'OVERDUE_FINES', 'Fines over the limit', 'Does not expire']) assert.ok(page.body.includes(text), text);
    assert.doesNotMatch(page.body, /<form class="card grid" method="post"/);
    const lee = await readOnly.get('/ui/patrons/100200300');
    assert.match(lee.body, /<dt>Barcode<\/dt><dd>21234000000017<\/dd>/);
    assert.match(lee.body, /<dt>University ID<\/dt><dd>100200300<\/dd>/);
    assert.match(lee.body, /Main Library \(MAIN\)|\(MAIN\)/);
    assert.equal((await readOnly.get('/ui/patrons/nobody')).statusCode, 404);
  });

  test('editing: saved through ConfigService; a bad value is shown next to its field and nothing is saved', async () => {
    const page = await operator.get('/ui/patrons/100200302');
    assert.match(page.body, /<form class="card grid" method="post" action="\/ui\/patrons\/100200302">/);
    const form = { firstName: 'Sam', lastName: 'Okafor', email: 'sokafor@example.edu', userGroup: 'GRADUATE', status: 'ACTIVE', pickupLibrary: 'MAIN', expiryDate: '2031-01-31', identifier_BARCODE: '21234000000033', identifier_UNIVERSITY_ID: 'U-302', blocks: 'LOST_BOOK: lost a book' };
    const saved = await operator.post('/ui/patrons/100200302', form);
    assert.equal(saved.statusCode, 303, saved.body);
    assert.equal(saved.headers.location, '/ui/patrons/100200302?saved=1');
    const stored = (await app.call('GET', '/api/v1/patrons/100200302')).json();
    assert.equal(stored.userGroup, 'GRADUATE');
    assert.equal(stored.pickupLibrary, 'MAIN');
    assert.deepEqual(stored.identifiers, [
      { type: 'BARCODE', value: '21234000000033' },
      { type: 'UNIVERSITY_ID', value: 'U-302' },
    ]);
    assert.deepEqual(stored.blocks, [{ code: 'LOST_BOOK', note: 'lost a book' }]);
    assert.match((await operator.get('/ui/patrons/100200302?saved=1')).body, /Saved\./);

    const refused = await operator.post('/ui/patrons/100200302', { ...form, email: 'not-an-email', identifier_BARCODE: '21234000000017', lastName: HOSTILE });
    assert.equal(refused.statusCode, 422);
    assert.match(refused.body, /<p class="error" id="f-email-error">is not an e-mail address<\/p>/);
    assert.match(refused.body, /id="f-email"[^>]*aria-describedby="f-email-help f-email-error"/);
    assert.match(refused.body, /value="not-an-email"/, 'the form keeps what was typed');
    // The typed name comes back only inside its quoted value attribute (where < is harmless and " is escaped).
    assert.ok(refused.body.includes(`name="lastName" type="text" value="${HOSTILE}"`));
    assert.ok(!withoutAttributes(refused.body).includes('<script>alert'), 'no script element');
    assert.equal((await app.call('GET', '/api/v1/patrons/100200302')).json().email, 'sokafor@example.edu', 'nothing saved');
    // An identifier of another patron: next to that identifier's field.
    const clash = await operator.post('/ui/patrons/100200302', { ...form, identifier_BARCODE: '21234000000017' });
    assert.equal(clash.statusCode, 422);
    assert.match(clash.body, /<p class="error" id="f-identifier_BARCODE-error">21234000000017 already belongs to patron 100200300<\/p>/);
  });

  test('a save from a page drawn before someone else saved the patron is refused, says when, and keeps what was typed', async () => {
    const page = await operator.get('/ui/patrons/100200301');
    const version = /<input type="hidden" name="_version" value="([^"]+)"\/>/.exec(page.body)?.[1];
    assert.ok(version, 'the edit form carries the version it was drawn from');
    const original = (await app.call('GET', '/api/v1/patrons/100200301')).json().userGroup;
    app.clock.advance(7 * 60_000);
    const other = await app.call('PATCH', '/api/v1/patrons/100200301', { body: { userGroup: 'STAFF' } });
    assert.equal(other.statusCode, 200, other.body);
    const at = other.json().updatedAt as string;
    const typed = { _version: version, firstName: 'Typed', lastName: 'Name', email: 'typed@example.edu', userGroup: 'FACULTY', status: 'ACTIVE' };
    const refused = await operator.post('/ui/patrons/100200301', typed);
    assert.equal(refused.statusCode, 409, refused.body);
    assert.match(refused.body, new RegExp(`Someone else saved this patron at </span><time datetime="${at}">${at.slice(0, 10)} ${at.slice(11, 19)} UTC</time><span> while you were editing; nothing was saved\\.`));
    assert.match(refused.body, /<a href="\/ui\/patrons\/100200301">See the current values \(reload the patron\)<\/a>/);
    const form = refused.body.slice(refused.body.indexOf('<form class="card grid" method="post" action="/ui/patrons/100200301">'));
    assert.ok(form.indexOf('id="stale"') > 0 && form.indexOf('id="stale"') < form.indexOf('name="firstName"'), 'at the top of the form');
    assert.match(form, /name="firstName" type="text" value="Typed"/, 'what was typed is kept');
    assert.match(form, /name="email" type="text" value="typed@example.edu"/);
    assert.match(refused.body, /<dt>User group<\/dt><dd>STAFF<\/dd>/, "the page's facts show the patron as saved now");
    assert.match(form, new RegExp(`name="_version" value="${version}"`));
    const stored = (await app.call('GET', '/api/v1/patrons/100200301')).json();
    assert.deepEqual([stored.firstName, stored.userGroup], [other.json().firstName, 'STAFF'], 'nothing was saved');
    await app.call('PATCH', '/api/v1/patrons/100200301', { body: { userGroup: original } });
  });

  test('read-only is refused every post; a post without the CSRF token is refused', async () => {
    const form = { firstName: 'X', lastName: 'Y', userGroup: 'FACULTY', status: 'ACTIVE' };
    assert.equal((await readOnly.post('/ui/patrons/100200301', form)).statusCode, 403);
    assert.equal((await readOnly.get('/ui/patrons/import')).statusCode, 403);
    assert.equal((await multipart(readOnly, app, '/ui/patrons/import', { step: 'preview', csv: 'primaryId,firstName,lastName,userGroup\nz,Z,Z,FACULTY' })).statusCode, 403);
    assert.equal((await operator.post('/ui/patrons/100200301', form, { csrf: false })).statusCode, 403);
    assert.equal((await operator.post('/ui/patrons/100200301', form, { csrf: 'forged' })).statusCode, 403);
    const noToken = await app.app.inject({
      method: 'POST',
      url: '/ui/patrons/import',
      headers: { cookie: operator.cookie, 'content-type': 'multipart/form-data; boundary=b' },
      payload: '--b\r\nContent-Disposition: form-data; name="csv"\r\n\r\nprimaryId,firstName,lastName,userGroup\nz,Z,Z,FACULTY\r\n--b--\r\n',
    });
    assert.equal(noToken.statusCode, 403);
    assert.equal((await app.call('GET', '/api/v1/patrons/100200301')).json().firstName, 'Maria');
    await assert.rejects(app.config.get('patrons', 'z'));
  });

  test('the ILLiad identity dry run: the derived username, what ILLiad says, the calls, and nothing created', async () => {
    const page = await readOnly.get('/ui/patrons/100200300');
    assert.match(page.body, /hx-get="\/ui\/patrons\/100200300\/identity"/);
    assert.match(page.body, /Check the identity with [^<]*\(ILLiad\)/);
    // htmx: the result alone; the guide's rule turns cwlee@example.edu into cwlee, and ILLiad has no such user yet.
    const fragment = await app.app.inject({ method: 'GET', url: '/ui/patrons/100200300/identity?partner=ILLiad', headers: { cookie: readOnly.cookie, 'hx-request': 'true' } });
    assert.equal(fragment.statusCode, 200, fragment.body);
    assert.doesNotMatch(fragment.body, /<html/);
    assert.match(fragment.body, /<dt>ILLiad username<\/dt><dd><strong>cwlee<\/strong><\/dd>/);
    assert.match(fragment.body, /User Identifier Type Email \(cwlee@example\.edu\), User Identifier Regex \^\[\^@\]\*/);
    assert.match(fragment.body, /ILLiad has no user cwlee: the first export creates it/);
    assert.match(fragment.body, /ILLiad GET Users\/cwlee → HTTP 404/);
    assert.match(fragment.body, /nothing was created/);
    assert.equal(sim.store.users().length, 0, 'no ILLiad user created');
    assert.equal(sim.store.transactions().length, 0);

    sim.store.addUser({ UserName: 'cwlee', EMailAddress: 'cwlee@example.edu', FirstName: 'Christopher', LastName: 'Lee', Cleared: 'B' });
    // Without JavaScript: the whole page, with the result in it.
    const full = await readOnly.get('/ui/patrons/100200300/identity?partner=ILLiad');
    assert.match(full.body, /<html/);
    assert.match(full.body, /ILLiad user cwlee is [^<]*\(Cleared = B\): exports would fail/);
    assert.match(full.body, /<dt>Cleared<\/dt><dd>B<\/dd>/);
    assert.equal(sim.store.users().length, 1);
    assert.equal(sim.store.transactions().length, 0);
  });

  test('the CSV import: a preview with each row and its problems, nothing written; then the valid rows imported', async () => {
    const form = await operator.get('/ui/patrons/import');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /enctype="multipart\/form-data"/);
    assert.match(form.body, /<label for="f-csv">Or paste the CSV here<\/label>/);
    const csv = [
      'primaryId,firstName,lastName,email,userGroup,pickupLibrary,identifier:UNIVERSITY_ID',
      `300000001,Hana,"Ito, PhD",hito@example.edu,FACULTY,MAIN,U-3001`,
      `300000002,Ivo,${HOSTILE},bad-email,FACULTY,NOWHERE,`,
      `100200301,Maria,Garcia,mgarcia@example.edu,GRADUATE,SCIENCE,`,
      `300000003,Jo,Jones,hito@example.edu,STAFF,,`,
    ].join('\r\n');
    const preview = await multipart(operator, app, '/ui/patrons/import', { step: 'preview' }, { name: 'patrons.csv', content: `\uFEFF${csv}` });
    assert.equal(preview.statusCode, 200, preview.body);
    assert.match(preview.body, /Preview of 4 rows: 0 to create, 0 to update, 1 unchanged, 3 rows with problems \(not imported\)\. Nothing has been written yet\./);
    assert.match(rowOf(preview.body, '300000001'), /Hana Ito, PhD/);
    const bad = rowOf(preview.body, '300000002');
    assert.match(bad, /class="invalid"/);
    assert.match(bad, /email: is not an e-mail address/);
    assert.match(bad, /pickupLibrary: names library NOWHERE, which does not exist/);
    assert.ok(bad.includes(ESCAPED) && !preview.body.includes(HOSTILE), 'the hostile name is escaped, in the row and in the box');
    assert.match(rowOf(preview.body, '100200301'), /Unchanged/);
    assert.match(rowOf(preview.body, '300000003'), /email: hito@example\.edu is also on line 2 of the file/);
    assert.match(rowOf(preview.body, '300000001'), /email: hito@example\.edu is also on line 5 of the file/);
    assert.match(preview.body, /Not imported: it has problems/);
    await assert.rejects(app.config.get('patrons', '300000001'), 'the preview wrote nothing');

    // The file's duplicate e-mail fixed in the box, previewed again, then imported.
    const fixed = csv.replace('300000003,Jo,Jones,hito@example.edu', '300000003,Jo,Jones,jjones@example.edu');
    const again = await multipart(operator, app, '/ui/patrons/import', { step: 'preview', csv: fixed });
    assert.match(again.body, /2 to create/);
    const digest = previewedOf(again.body);
    assert.ok(digest);
    assert.match(again.body, /<button type="submit" name="step" value="import">Import 2 rows<\/button>/);
    // The box changed after the preview: nothing imported, a new preview instead.
    const changed = await multipart(operator, app, '/ui/patrons/import', { step: 'import', previewed: digest, csv: `${fixed}\r\n300000009,New,Row,,STAFF,,` });
    assert.match(changed.body, /The text changed since the preview, so nothing was imported/);
    await assert.rejects(app.config.get('patrons', '300000001'));

    const done = await multipart(operator, app, '/ui/patrons/import', { step: 'import', previewed: digest, csv: fixed });
    assert.equal(done.statusCode, 200, done.body);
    assert.match(done.body, /Done: 2 patrons created, 0 updated, 1 unchanged, 1 row not imported\./);
    assert.match(rowOf(done.body, '300000001'), /<td>Created<\/td>/);
    assert.match(rowOf(done.body, '300000002'), /Not imported: it has problems/);
    const hana = (await app.call('GET', '/api/v1/patrons/300000001')).json();
    assert.equal(hana.lastName, 'Ito, PhD');
    assert.deepEqual(hana.identifiers, [{ type: 'UNIVERSITY_ID', value: 'U-3001' }]);
    await assert.rejects(app.config.get('patrons', '300000002'));
    assert.match((await operator.get('/ui/patrons?q=hito')).body, />300000001<\/a>/);
  });

  test('a file that cannot be read: the problem at the box, with its line', async () => {
    const broken = await multipart(operator, app, '/ui/patrons/import', { step: 'preview', csv: 'primaryId,firstName,lastName,userGroup\r\nx,"open,b,c\r\n' });
    assert.equal(broken.statusCode, 422);
    assert.match(broken.body, /<div class="error" id="csv-error" role="alert">/);
    assert.match(broken.body, /line 2: a field opened with a double quote is never closed/);
    assert.match(broken.body, /aria-describedby="csv-help csv-error"/);
    const header = await multipart(operator, app, '/ui/patrons/import', { step: 'preview', csv: 'id,name\n1,a\n' });
    assert.equal(header.statusCode, 422);
    assert.match(header.body, /&#34;id&#34; is not a column of the patron file|"id" is not a column of the patron file/);
  });

  test('the API: POST /api/v1/patrons/import, a dry run by default, dryRun=false writes', async () => {
    const csv = 'primaryId,firstName,lastName,userGroup\napi-1,Api,One,STAFF\napi-2,Api,,STAFF\n';
    const dry = await app.call('POST', '/api/v1/patrons/import', { body: csv, headers: { 'content-type': 'text/csv' } });
    assert.equal(dry.statusCode, 200, dry.body);
    assert.equal(dry.json().dryRun, true);
    assert.deepEqual(dry.json().counts, { create: 1, update: 0, unchanged: 0, invalid: 1 });
    assert.deepEqual(dry.json().rows[1].problems, [{ path: 'lastName', message: 'must not be empty' }]);
    await assert.rejects(app.config.get('patrons', 'api-1'));
    const wet = await app.call('POST', '/api/v1/patrons/import?dryRun=false', { body: csv, headers: { 'content-type': 'text/csv' } });
    assert.deepEqual(wet.json().applied, { created: 1, updated: 0, unchanged: 0, skipped: 1, failed: 0 });
    assert.equal((await app.call('GET', '/api/v1/patrons/api-1')).statusCode, 200);
    const bad = await app.call('POST', '/api/v1/patrons/import', { body: 'nope\n', headers: { 'content-type': 'text/csv' } });
    assert.equal(bad.statusCode, 422);
    assert.equal((await app.call('POST', '/api/v1/patrons/import', { body: csv, headers: { 'content-type': 'text/csv' }, token: app.tokenFor['read-only'] })).statusCode, 403);
  });
});
