/**
 * The institution and places pages through inject(), from an EMPTY database (no demo, no example): the institution
 * set up from its form, a library, location, desk and item policy each created from theirs with the references
 * chosen from the libraries, edited, refused values next to their fields with nothing saved, a delete refused while
 * others name the object (saying who), role limits, CSRF, escaping. Every change is checked through the JSON API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { type Browser, signIn } from './helpers.ts';

const HOSTILE = '<script>alert(1)</script>';
const ESCAPED = '&lt;script>alert(1)&lt;/script>';

const INSTITUTION = { code: 'CSU_DEMO', name: 'California State University Demo Library', ncipAgencyId: 'CSU_DEMO', isil: 'US-CSUD', timeZone: 'America/Los_Angeles' };

/** The label, input and help of a field by its path, and its problem when there is one. */
function field(html: string, path: string) {
  const id = `p-${path.replace(/[^A-Za-z0-9]/g, '-')}`;
  const label = new RegExp(`<label for="${id}">([^<]*)</label>`).exec(html)?.[1];
  const control = new RegExp(`<(input|select)\\b[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0];
  const help = new RegExp(`<p class="help" id="${id}-help">([^<]*)</p>`).exec(html)?.[1];
  const error = new RegExp(`<p class="error" id="${id}-error">([^<]*)</p>`).exec(html)?.[1];
  return { id, label, control, help, error };
}

/** The options of a select, as "value=label". */
function optionsOf(html: string, path: string): string[] {
  const id = `p-${path.replace(/[^A-Za-z0-9]/g, '-')}`;
  const select = new RegExp(`<select\\b[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  assert.ok(select, `the page has a select for ${path}`);
  return [...select[1]!.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((m) => `${m[1]}=${m[2]}`);
}

/** The places page's section of one kind ("libraries", "institution"). */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}"`);
  assert.ok(start >= 0, `the page has the section ${id}`);
  return html.slice(start, html.indexOf('</section>', start));
}

describe('staff pages for the institution and its places', () => {
  let app: TestApp;
  let admin: Browser;
  let operator: Browser;
  let readOnly: Browser;

  before(async () => {
    app = await createTestApp('sqlite');
    admin = await signIn(app, 'admin');
    operator = await signIn(app, 'operator');
    readOnly = await signIn(app, 'read-only');
  });
  after(() => app.close());

  const api = async (path: string) => {
    const response = await app.call('GET', path);
    return { status: response.statusCode, body: response.json() as Record<string, any> };
  };
  const follow = async (who: Browser, response: { statusCode: number; headers: Record<string, unknown>; body: string }) => {
    assert.equal(response.statusCode, 303, response.body);
    return who.get(String(response.headers.location).split('#')[0]!);
  };

  test('on an empty database the page says there is no institution and offers to set it up', async () => {
    assert.equal((await api('/api/v1/institution')).status, 404, 'the database is empty');
    const page = await admin.get('/ui/places');
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.body, /<a href="\/ui\/places" aria-current="page">Libraries &amp; places<\/a>/, 'in the navigation');
    assert.match(section(page.body, 'institution'), /There is no institution yet/);
    assert.match(section(page.body, 'institution'), /<a class="button" href="\/ui\/places\/institution">Set up the institution<\/a>/);
    assert.match(section(page.body, 'libraries'), /No library yet\./);
    assert.match(section(page.body, 'libraries'), /<a class="button" href="\/ui\/places\/libraries\/new">New library<\/a>/);
    assert.match(section(page.body, 'locations'), /No location yet\./);
    assert.match(section(page.body, 'desks'), /No circulation desk yet\./);
    assert.match(section(page.body, 'item-policies'), /<a class="button" href="\/ui\/places\/item-policies\/new">New item policy<\/a>/);

    const form = await admin.get('/ui/places/institution');
    assert.equal(form.statusCode, 200, form.body);
    assert.match(form.body, /<h1>Set up the institution<\/h1>/);
    for (const [path, label] of [['code', 'Code'], ['name', 'Name'], ['ncipAgencyId', 'NCIP Agency ID'], ['isil', 'ISIL'], ['timeZone', 'Time Zone'], ['defaultPickupLibrary', 'Default Pickup Library']]) {
      const shown = field(form.body, path!);
      assert.equal(shown.label, label, `${path} has its label`);
      assert.ok(shown.help, `${path} has help text`);
      assert.match(shown.control!, new RegExp(`aria-describedby="${shown.id}-help"`), `${path}'s help is its description`);
    }
    assert.match(field(form.body, 'timeZone').control!, /value="UTC"/, 'the schema default to start with');
    assert.deepEqual(optionsOf(form.body, 'defaultPickupLibrary'), ['=(blank)'], 'no library to choose yet');
  });

  test('the institution is created from its form, then each kind of place from theirs', async () => {
    const created = await follow(admin, await admin.post('/ui/places/institution', { ...INSTITUTION, defaultPickupLibrary: '' }));
    assert.match(created.body, /<p class="notice" role="status">The institution CSU_DEMO was created\.<\/p>/);
    assert.match(section(created.body, 'institution'), /<dt>NCIP Agency ID<\/dt><dd>CSU_DEMO<\/dd>/);
    assert.match(section(created.body, 'institution'), /<a class="button" href="\/ui\/places\/institution">Edit the institution<\/a>/);
    const { id, createdAt, updatedAt, ...stored } = (await api('/api/v1/institution')).body;
    assert.deepEqual(stored, { ...INSTITUTION, defaultPickupLibrary: null }, 'the API has what was typed');
    assert.ok(id && createdAt && updatedAt);

    const newLibrary = await admin.get('/ui/places/libraries/new');
    assert.equal(newLibrary.statusCode, 200);
    assert.equal(field(newLibrary.body, 'isResourceSharing').label, 'Resource Sharing Library');
    assert.match(field(newLibrary.body, 'isPickup').control!, /type="checkbox"/);
    const libraries: Record<string, string>[] = [
      { code: 'MAIN', name: 'Main Library', isResourceSharing: 'on', isPickup: 'on' },
      { code: 'SCIENCE', name: 'Science Library', isPickup: 'on' },
    ];
    for (const library of libraries) {
      const list = await follow(admin, await admin.post('/ui/places/libraries/new', library));
      assert.match(list.body, new RegExp(`Library ${library.code} was created\\.`));
    }
    const science = (await api('/api/v1/libraries/SCIENCE')).body;
    assert.deepEqual([science.name, science.isResourceSharing, science.isPickup], ['Science Library', false, true], 'an unchecked box is false');
    assert.deepEqual([(await api('/api/v1/libraries/MAIN')).body.isResourceSharing, (await api('/api/v1/libraries/MAIN')).body.isPickup], [true, true]);

    // A location's and a desk's library is a select of the libraries there are.
    const newLocation = await admin.get('/ui/places/locations/new');
    assert.deepEqual(optionsOf(newLocation.body, 'library'), ['=(choose one)', 'MAIN=Main Library (MAIN)', 'SCIENCE=Science Library (SCIENCE)']);
    await follow(admin, await admin.post('/ui/places/locations/new', { code: 'RS_LONG_LOAN', name: 'Resource Sharing Long Loan', library: 'MAIN' }));
    assert.equal(optionsOf((await admin.get('/ui/places/desks/new')).body, 'library').length, 3);
    await follow(admin, await admin.post('/ui/places/desks/new', { code: 'RS_DESK', name: 'Resource Sharing Desk', library: 'MAIN' }));
    const list = await follow(admin, await admin.post('/ui/places/item-policies/new', { code: 'GENERAL', name: 'General loan', loanPeriodDays: '28' }));
    assert.match(list.body, /Item policy GENERAL was created\./);

    assert.equal((await api('/api/v1/locations/RS_LONG_LOAN')).body.library, 'MAIN');
    assert.equal((await api('/api/v1/desks/RS_DESK')).body.name, 'Resource Sharing Desk');
    assert.equal((await api('/api/v1/item-policies/GENERAL')).body.loanPeriodDays, 28);

    // The lists show every field in words, each code a link to its form.
    assert.match(section(list.body, 'libraries'), /<th scope="row"><a href="\/ui\/places\/libraries\/MAIN">MAIN<\/a><\/th><td>Main Library<\/td><td>Yes<\/td><td>Yes<\/td>/);
    assert.match(section(list.body, 'libraries'), /<a href="\/ui\/places\/libraries\/SCIENCE">SCIENCE<\/a><\/th><td>Science Library<\/td><td>No<\/td><td>Yes<\/td>/);
    assert.match(section(list.body, 'locations'), /RS_LONG_LOAN<\/a><\/th><td>Resource Sharing Long Loan<\/td><td>Main Library \(MAIN\)<\/td>/);
    assert.match(section(list.body, 'desks'), /RS_DESK<\/a><\/th><td>Resource Sharing Desk<\/td><td>Main Library \(MAIN\)<\/td>/);
    assert.match(section(list.body, 'item-policies'), /GENERAL<\/a><\/th><td>General loan<\/td><td>28<\/td>/);

    // Now the institution's default pickup library can be chosen from them.
    const institution = await admin.get('/ui/places/institution');
    assert.match(institution.body, /<h1>Institution<\/h1>/);
    assert.match(field(institution.body, 'ncipAgencyId').control!, /value="CSU_DEMO"/, 'the stored values');
    assert.deepEqual(optionsOf(institution.body, 'defaultPickupLibrary'), ['=(blank)', 'MAIN=Main Library (MAIN)', 'SCIENCE=Science Library (SCIENCE)']);
    const saved = await follow(admin, await admin.post('/ui/places/institution', { ...INSTITUTION, defaultPickupLibrary: 'MAIN' }));
    assert.match(saved.body, /The institution CSU_DEMO was saved\./);
    assert.match(section(saved.body, 'institution'), /<dt>Default Pickup Library<\/dt><dd>Main Library \(MAIN\)<\/dd>/);
    assert.equal((await api('/api/v1/institution')).body.defaultPickupLibrary, 'MAIN');
  });

  test('a place is edited on its form; its code is shown but cannot change', async () => {
    const form = await admin.get('/ui/places/libraries/SCIENCE');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /<h1>Library SCIENCE<\/h1>/);
    assert.match(field(form.body, 'code').control!, /readonly/);
    assert.doesNotMatch(field(form.body, 'code').control!, /name=/, 'the code is not posted');
    assert.match(field(form.body, 'name').control!, /value="Science Library"/);
    assert.doesNotMatch(field(form.body, 'isResourceSharing').control!, /checked/);
    assert.match(field(form.body, 'isPickup').control!, /checked/);

    const list = await follow(admin, await admin.post('/ui/places/libraries/SCIENCE', { code: 'OTHER', name: 'Science and Engineering Library', isResourceSharing: 'on' }));
    assert.match(list.body, /Library SCIENCE was saved\./);
    const stored = (await api('/api/v1/libraries/SCIENCE')).body;
    assert.deepEqual([stored.code, stored.name, stored.isResourceSharing, stored.isPickup], ['SCIENCE', 'Science and Engineering Library', true, false]);
    assert.equal((await api('/api/v1/libraries/OTHER')).status, 404, 'a code typed into the post changes nothing');

    await follow(admin, await admin.post('/ui/places/locations/RS_LONG_LOAN', { name: 'Resource Sharing Long Loan', library: 'SCIENCE' }));
    assert.equal((await api('/api/v1/locations/RS_LONG_LOAN')).body.library, 'SCIENCE');
    await follow(admin, await admin.post('/ui/places/locations/RS_LONG_LOAN', { name: 'Resource Sharing Long Loan', library: 'MAIN' }));
    await follow(admin, await admin.post('/ui/places/item-policies/GENERAL', { name: 'General loan', loanPeriodDays: '21' }));
    assert.equal((await api('/api/v1/item-policies/GENERAL')).body.loanPeriodDays, 21);
  });

  test('refused values are shown next to their fields, what was typed is kept, and nothing is saved', async () => {
    const location = await admin.post('/ui/places/locations/new', { code: 'bad code', name: 'Kept name', library: '' });
    assert.equal(location.statusCode, 422);
    assert.match(location.body, /Nothing was saved: correct the fields marked below\./);
    const code = field(location.body, 'code');
    assert.match(code.error!, /must be 1 to 64 letters, digits/);
    assert.match(code.control!, /aria-describedby="p-code-help p-code-error"/, 'the problem is announced with the field');
    assert.match(code.control!, /aria-invalid="true"/);
    assert.equal(field(location.body, 'library').error, 'is required');
    assert.match(field(location.body, 'name').control!, /value="Kept name"/);
    assert.equal(field(location.body, 'name').error, undefined);
    assert.equal((await api('/api/v1/locations')).body.total, 1, 'nothing created');

    const policy = await admin.post('/ui/places/item-policies/GENERAL', { name: 'General loan', loanPeriodDays: '0' });
    assert.equal(policy.statusCode, 422);
    assert.equal(field(policy.body, 'loanPeriodDays').error, 'must be a positive number of days');
    assert.match(field(policy.body, 'loanPeriodDays').control!, /value="0"/);
    assert.equal((await api('/api/v1/item-policies/GENERAL')).body.loanPeriodDays, 21);

    const duplicate = await admin.post('/ui/places/libraries/new', { code: 'MAIN', name: 'Another main' });
    assert.equal(duplicate.statusCode, 422);
    assert.equal(field(duplicate.body, 'code').error, 'a library MAIN already exists');
    assert.equal((await api('/api/v1/libraries/MAIN')).body.name, 'Main Library');

    const institution = await admin.post('/ui/places/institution', { ...INSTITUTION, isil: 'not an isil', timeZone: 'Mars/Olympus', defaultPickupLibrary: 'MAIN' });
    assert.equal(institution.statusCode, 422);
    assert.equal(field(institution.body, 'isil').error, 'is not an ISIL such as US-CStL');
    assert.match(field(institution.body, 'timeZone').error!, /^&#34;Mars\/Olympus&#34; is not a time zone: use an IANA name/);
    assert.match(field(institution.body, 'timeZone').control!, /value="Mars\/Olympus"/);
    assert.match(institution.body, /<option value="MAIN" selected>Main Library \(MAIN\)<\/option>/, 'the chosen library is kept');
    assert.equal((await api('/api/v1/institution')).body.timeZone, 'America/Los_Angeles');
  });

  test('deleting a place others name is refused in words, saying who names it; an unused one is deleted', async () => {
    // A partner names the item policy too (its Check-Out Item Default Item Policy).
    await app.config.create('partners', { code: 'ILLiad', name: 'ILLiad', profileType: 'NCIP' });
    await app.config.patch('partners', 'ILLiad', { ncip: { checkOutItem: { defaultItemPolicy: 'GENERAL' } } });

    const library = await admin.post('/ui/places/libraries/MAIN/delete', {});
    assert.equal(library.statusCode, 409);
    const refusal = /<p class="error" role="alert">([^<]*)<\/p>/.exec(section(library.body, 'libraries'))?.[1];
    assert.ok(refusal, 'the refusal is at the libraries list');
    assert.match(refusal, /^Not deleted: library MAIN is still used by /);
    assert.match(refusal, /location RS_LONG_LOAN \(Resource Sharing Long Loan\)/);
    assert.match(refusal, /circulation desk RS_DESK \(Resource Sharing Desk\)/);
    assert.match(refusal, /the institution \(defaultPickupLibrary\)/);
    assert.match(refusal, /change those first\.$/);
    assert.equal((await api('/api/v1/libraries/MAIN')).status, 200, 'still there');

    const policy = await admin.post('/ui/places/item-policies/GENERAL/delete', {});
    assert.equal(policy.statusCode, 409);
    assert.match(section(policy.body, 'item-policies'), /item policy GENERAL is still used by partner ILLiad/);

    await follow(admin, await admin.post('/ui/places/desks/new', { code: 'SPARE', name: 'Spare desk', library: 'SCIENCE' }));
    const deleted = await follow(admin, await admin.post('/ui/places/desks/SPARE/delete', {}));
    assert.match(deleted.body, /Circulation desk SPARE was deleted\./);
    assert.doesNotMatch(section(deleted.body, 'desks'), /SPARE/);
    assert.equal((await api('/api/v1/desks/SPARE')).status, 404);
  });

  test('a save or a delete from a page drawn before someone else saved is refused, says when, and keeps what was typed', async () => {
    const versionIn = (html: string) => /name="_version" value="([^"]+)"/.exec(html)?.[1];
    // A place's form.
    const form = await admin.get('/ui/places/item-policies/GENERAL');
    const version = versionIn(form.body);
    assert.ok(version, 'the form carries the version it was drawn from');
    app.clock.advance(3 * 60_000);
    await app.config.patch('item-policies', 'GENERAL', { name: 'Renamed by someone else' });
    const changedAt = (await api('/api/v1/item-policies/GENERAL')).body.updatedAt as string;
    const stale = await admin.post('/ui/places/item-policies/GENERAL', { _version: version!, name: 'Typed name', loanPeriodDays: '14' });
    assert.equal(stale.statusCode, 409, stale.body);
    assert.match(stale.body, new RegExp(`Someone else saved this item policy at </span><time datetime="${changedAt}">${changedAt.slice(0, 10)} ${changedAt.slice(11, 19)} UTC</time><span> while you were editing; nothing was saved\\.`));
    assert.match(stale.body, /<a href="\/ui\/places\/item-policies\/GENERAL">See the current values \(reload the item policy\)<\/a>/);
    assert.match(field(stale.body, 'name').control!, /value="Typed name"/, 'what was typed is kept');
    assert.match(field(stale.body, 'loanPeriodDays').control!, /value="14"/);
    assert.equal(versionIn(stale.body), version, 'with the version it was drawn from');
    const stored = (await api('/api/v1/item-policies/GENERAL')).body;
    assert.deepEqual([stored.name, stored.loanPeriodDays], ['Renamed by someone else', 21], 'nothing was saved');
    const fresh = versionIn((await admin.get('/ui/places/item-policies/GENERAL')).body)!;
    await follow(admin, await admin.post('/ui/places/item-policies/GENERAL', { _version: fresh, name: 'General loan', loanPeriodDays: '21' }));
    assert.equal((await api('/api/v1/item-policies/GENERAL')).body.name, 'General loan', 'from the reloaded form it is saved');

    // The institution's form.
    const institutionVersion = versionIn((await admin.get('/ui/places/institution')).body)!;
    await app.config.putInstitution({ ...INSTITUTION, name: 'Renamed institution', defaultPickupLibrary: 'MAIN' });
    const institution = await admin.post('/ui/places/institution', { ...INSTITUTION, _version: institutionVersion, isil: 'US-TYPED', defaultPickupLibrary: 'MAIN' });
    assert.equal(institution.statusCode, 409, institution.body);
    assert.match(institution.body, /Someone else saved this institution at /);
    assert.match(field(institution.body, 'isil').control!, /value="US-TYPED"/);
    assert.equal((await api('/api/v1/institution')).body.name, 'Renamed institution');
    await app.config.putInstitution({ ...INSTITUTION, defaultPickupLibrary: 'MAIN' });

    // A Delete button of a list row: its version is the row's.
    await follow(admin, await admin.post('/ui/places/desks/new', { code: 'SPARE2', name: 'Spare desk', library: 'SCIENCE' }));
    const list = await admin.get('/ui/places');
    const rowVersion = /action="\/ui\/places\/desks\/SPARE2\/delete"><input type="hidden" name="_csrf" value="[^"]*"\/><input type="hidden" name="_version" value="([^"]+)"/.exec(list.body)?.[1];
    assert.ok(rowVersion, "the row's Delete carries its version");
    await app.config.patch('desks', 'SPARE2', { name: 'Not so spare' });
    const refused = await admin.post('/ui/places/desks/SPARE2/delete', { _version: rowVersion });
    assert.equal(refused.statusCode, 409);
    assert.match(section(refused.body, 'desks'), /<p class="error" role="alert">Not deleted: someone else saved circulation desk SPARE2 at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC while you were looking; the list shows it as it is now\.<\/p>/);
    assert.match(section(refused.body, 'desks'), /<td>Not so spare<\/td>/);
    assert.equal((await api('/api/v1/desks/SPARE2')).status, 200, 'not deleted');
    const current = /action="\/ui\/places\/desks\/SPARE2\/delete"><input type="hidden" name="_csrf" value="[^"]*"\/><input type="hidden" name="_version" value="([^"]+)"/.exec(refused.body)?.[1];
    await follow(admin, await admin.post('/ui/places/desks/SPARE2/delete', { _version: current! }));
    assert.equal((await api('/api/v1/desks/SPARE2')).status, 404);
  });

  test('the operator and read-only see the lists without forms or buttons, and are refused (403) on every post', async () => {
    for (const who of [operator, readOnly]) {
      const page = await who.get('/ui/places');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /href="\/ui\/places"[^>]*>Libraries &amp; places<\/a>/, 'in the navigation');
      assert.match(section(page.body, 'libraries'), /<th scope="row"><span>MAIN<\/span><\/th><td>Main Library<\/td>/);
      assert.match(section(page.body, 'institution'), /<dt>Code<\/dt><dd>CSU_DEMO<\/dd>/);
      assert.doesNotMatch(page.body, /<form class="inline"|New library|Edit the institution|\/ui\/places\/libraries\/MAIN"/, 'no form, button or link to a form');
      for (const url of ['/ui/places/institution', '/ui/places/libraries/new', '/ui/places/libraries/MAIN']) assert.equal((await who.get(url)).statusCode, 403, url);
      const posts: [string, Record<string, string>][] = [
        ['/ui/places/institution', { ...INSTITUTION, name: 'Changed' }],
        ['/ui/places/libraries/new', { code: 'NEW_ONE', name: 'New one' }],
        ['/ui/places/libraries/MAIN', { name: 'Changed' }],
        ['/ui/places/item-policies/GENERAL/delete', {}],
      ];
      for (const [url, form] of posts) {
        const refused = await who.post(url, form);
        assert.equal(refused.statusCode, 403, url);
        assert.match(refused.body, /may not do this \(it needs write-places\)/);
      }
    }
    assert.equal((await api('/api/v1/institution')).body.name, INSTITUTION.name, 'nothing changed');
    assert.equal((await api('/api/v1/libraries/MAIN')).body.name, 'Main Library');
    assert.equal((await api('/api/v1/libraries/NEW_ONE')).status, 404);
    assert.equal((await api('/api/v1/item-policies/GENERAL')).status, 200);
    // The partners manager reads the configuration but may not change places either.
    const manager = await signIn(app, 'partners-manager');
    assert.match((await manager.get('/ui/places')).body, /<span>MAIN<\/span>/);
    assert.equal((await manager.post('/ui/places/libraries/new', { code: 'NEW_ONE', name: 'New one' })).statusCode, 403);
  });

  test('a post without the CSRF token is refused and changes nothing', async () => {
    assert.equal((await admin.post('/ui/places/libraries/new', { code: 'CSRF', name: 'x' }, { csrf: false })).statusCode, 403);
    assert.equal((await admin.post('/ui/places/desks/RS_DESK/delete', {}, { csrf: readOnly.csrf })).statusCode, 403);
    assert.equal((await api('/api/v1/libraries/CSRF')).status, 404);
    assert.equal((await api('/api/v1/desks/RS_DESK')).status, 200);
  });

  test('hostile names are escaped in the lists, the selects and a refused form', async () => {
    const live = (html: string) => html.replace(/="[^"]*"/g, '=""');
    await follow(admin, await admin.post('/ui/places/libraries/new', { code: 'EVIL', name: HOSTILE }));
    const list = await admin.get('/ui/places');
    assert.ok(!live(list.body).includes(HOSTILE) && section(list.body, 'libraries').includes(`<td>${ESCAPED}</td>`));
    const form = await admin.get('/ui/places/desks/new');
    assert.ok(optionsOf(form.body, 'library').includes(`EVIL=${ESCAPED} (EVIL)`));
    const bad = await admin.post('/ui/places/desks/new', { code: `"${HOSTILE}`, name: 'x', library: 'EVIL' });
    assert.equal(bad.statusCode, 422);
    assert.ok(!live(bad.body).includes(HOSTILE), 'nothing live');
    assert.ok(bad.body.includes(`value="&#34;${HOSTILE}"`), 'the typed value is kept, escaped');
  });

  test('an unknown kind or place is a 404 page', async () => {
    assert.equal((await admin.get('/ui/places/shelves/new')).statusCode, 404);
    assert.equal((await admin.get('/ui/places/libraries/NOPE')).statusCode, 404);
    assert.equal((await admin.post('/ui/places/libraries/NOPE/delete', {})).statusCode, 404);
  });
});
