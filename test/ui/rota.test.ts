/**
 * The rota template and rota assignment rule pages through inject(), on the guide's configuration: the final rule
 * marked, moves and "make final rule" (the API's order and the doctor's findings follow), enable / disable, the
 * conditions editor and its refusals next to the field, template members, hostile names, roles and CSRF.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from '../support/app.ts';
import { type Browser, EXAMPLE, EXAMPLE_ENV, signIn } from './helpers.ts';

const HOSTILE = '<script>alert(1)</script>';
const ESCAPED = '&lt;script>alert(1)&lt;/script>';
const ILLIAD_RULE = 'ILLiad lender of last resort';
const PEERS_RULE = 'Network peers first';
/** The mark of the final rule (not the "Make final rule" button). */
const FINAL = /<span class="badge final">final rule<\/span>/;

/** The table row of the rule (or member) whose link or cell says `name`. */
function rowOf(html: string, name: string): string {
  const rows = html.split('<tr').slice(1);
  const row = rows.find((r) => r.includes(`>${name}</a>`) || r.includes(`<td>${name}</td>`));
  assert.ok(row, `a row for ${name}`);
  return row.split('</tr>')[0]!;
}

/** The doctor's finding `id` on the page, as `status`. */
function findingOf(html: string, id: string): string | undefined {
  return new RegExp(`<li class="check (pass|warn|fail)" data-check="${id}">`).exec(html)?.[1];
}

describe('staff rota template and rule pages', () => {
  let app: TestApp;
  let manager: Browser;
  let readOnly: Browser;
  let illiadRule: string;
  let peersRule: string;

  before(async () => {
    app = await createTestApp('sqlite', { ...EXAMPLE_ENV });
    await app.transfer.importYaml(EXAMPLE);
    manager = await signIn(app, 'partners-manager');
    readOnly = await signIn(app, 'read-only');
    illiadRule = (await app.config.get('rota-rules', ILLIAD_RULE)).id;
    peersRule = (await app.config.get('rota-rules', PEERS_RULE)).id;
  });
  after(() => app.close());

  const apiOrder = async () => ((await app.call('GET', '/api/v1/rota-rules')).json() as { items: { name: string }[] }).items.map((r) => r.name);
  /** A form with repeated fields (a multiple select), as a browser sends it. */
  const postFields = (url: string, fields: readonly [string, string][], who: Browser = manager): Promise<LightMyRequestResponse> => {
    const body = new URLSearchParams([...fields, ['_csrf', who.csrf]]);
    return app.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
  };

  test('the navigation offers both pages; the rules page marks the ILLiad rule as the final rule, in words', async () => {
    const page = await manager.get('/ui/rota-rules');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<a href="\/ui\/rota-templates"[^>]*>Rota templates<\/a>/);
    assert.match(page.body, /<a href="\/ui\/rota-rules" aria-current="page">Rota rules<\/a>/);
    const illiad = rowOf(page.body, ILLIAD_RULE);
    assert.match(illiad, FINAL);
    assert.match(illiad, /<td>Requested Format is not empty<\/td>/, 'the condition in words');
    assert.match(illiad, /<td>ILLiad \(ILLiad Partner, Inactive\)<\/td>/, 'the template it outputs');
    assert.doesNotMatch(rowOf(page.body, PEERS_RULE), FINAL);
    assert.match(rowOf(page.body, PEERS_RULE), /<td>Requested Format is in list Physical, Digital<\/td>/);
    assert.equal(findingOf(page.body, 'illiad-rule-final'), 'pass');
    assert.equal(findingOf(page.body, 'illiad-rota-active'), 'warn', 'the guide keeps the ILLiad rota Inactive until go live');
  });

  test('moving the ILLiad rule up changes the list, the API order and the doctor; "make final rule" puts it back', async () => {
    const moved = await manager.post(`/ui/rota-rules/${illiadRule}/actions/up`, {}, { htmx: true });
    assert.equal(moved.statusCode, 200);
    assert.ok(moved.body.startsWith('<div id="rules">'), 'a fragment, not a page');
    assert.doesNotMatch(rowOf(moved.body, ILLIAD_RULE), FINAL);
    assert.match(rowOf(moved.body, PEERS_RULE), FINAL);
    assert.match(rowOf(moved.body, ILLIAD_RULE), /<td>1<\/td>/);
    assert.equal(findingOf(moved.body, 'illiad-rule-final'), 'fail');
    assert.match(moved.body, /is not the final rule/);
    assert.match(moved.body, /<p id="rules-status" class="live" role="status" hx-swap-oob="innerHTML">“ILLiad lender of last resort” is now at position 1\. The doctor finds 1 problem: It is the final rule\.<\/p>/);
    assert.match(rowOf(moved.body, ILLIAD_RULE), /<button type="submit" class="small" autofocus><span>Move down<\/span>/, 'the keyboard stays on the rule');
    assert.deepEqual(await apiOrder(), [ILLIAD_RULE, PEERS_RULE]);
    const page = await manager.get('/ui/rota-rules');
    assert.doesNotMatch(rowOf(page.body, ILLIAD_RULE), FINAL);
    assert.equal(findingOf(page.body, 'illiad-rule-final'), 'fail');

    const back = await manager.post(`/ui/rota-rules/${illiadRule}/actions/make-final`, {}, { htmx: true });
    assert.equal(back.statusCode, 200);
    assert.match(rowOf(back.body, ILLIAD_RULE), FINAL);
    assert.equal(findingOf(back.body, 'illiad-rule-final'), 'pass');
    assert.deepEqual(await apiOrder(), [PEERS_RULE, ILLIAD_RULE]);

    // Without JavaScript the same buttons are plain forms answered with a redirect.
    const plain = await manager.post(`/ui/rota-rules/${peersRule}/actions/down`, {});
    assert.equal(plain.statusCode, 303);
    assert.deepEqual(await apiOrder(), [ILLIAD_RULE, PEERS_RULE]);
    await manager.post(`/ui/rota-rules/${illiadRule}/actions/make-final`, {});
    assert.deepEqual(await apiOrder(), [PEERS_RULE, ILLIAD_RULE]);
    // A stale "move up" on the first rule changes nothing and says why.
    const stale = await manager.post(`/ui/rota-rules/${peersRule}/actions/up`, {}, { htmx: true });
    assert.match(stale.body, /<p class="error" role="alert">“Network peers first” is already first\.<\/p>/);
    assert.deepEqual(await apiOrder(), [PEERS_RULE, ILLIAD_RULE]);
  });

  test('disabling and enabling a rule; the final mark goes to the final enabled rule', async () => {
    const disabled = await manager.post(`/ui/rota-rules/${illiadRule}/actions/disable`, {}, { htmx: true });
    assert.equal(disabled.statusCode, 200);
    assert.equal((await app.config.get('rota-rules', illiadRule)).doc.enabled, false);
    assert.match(rowOf(disabled.body, ILLIAD_RULE), /<td>No<\/td>/);
    assert.doesNotMatch(rowOf(disabled.body, ILLIAD_RULE), FINAL);
    assert.match(rowOf(disabled.body, PEERS_RULE), FINAL);
    assert.match(rowOf(disabled.body, ILLIAD_RULE), /autofocus><span>Enable<\/span>/);
    assert.equal(findingOf(disabled.body, 'illiad-rule'), 'fail');
    assert.match(disabled.body, /would send requests to ILLiad but is disabled/);
    const enabled = await manager.post(`/ui/rota-rules/${illiadRule}/actions/enable`, {}, { htmx: true });
    assert.equal((await app.config.get('rota-rules', illiadRule)).doc.enabled, true);
    assert.match(rowOf(enabled.body, ILLIAD_RULE), FINAL);
    assert.equal(findingOf(enabled.body, 'illiad-rule'), 'pass');
  });

  test('the conditions editor saves a rule with an In List condition, where it was placed', async () => {
    const form = await manager.get('/ui/rota-rules/new');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /<option value="2" selected>2: before “ILLiad lender of last resort”<\/option>/, 'new rules go before the final rule by default');
    const response = await postFields('/ui/rota-rules/new', [
      ['name', 'Faculty articles to peers'],
      ['enabled', 'on'],
      ['position', '2'],
      ['templates', 'PEERS'],
      ['templates', 'ILLiad'],
      ['conditions[0].parameter', 'USER_GROUP'],
      ['conditions[0].operator', 'IN_LIST'],
      ['conditions[0].value', 'FACULTY\nSTAFF'],
      ['conditions[1].parameter', 'CITATION_TYPE'],
      ['conditions[1].operator', 'NOT_IN_LIST'],
      ['conditions[1].value', 'BOOK'],
      ['conditions[1].value', 'THESIS'],
      ['conditions[2].parameter', 'LEVEL_OF_SERVICE'],
      ['conditions[2].operator', 'IS_EMPTY'],
    ]);
    assert.equal(response.statusCode, 303, response.body);
    const rule = await app.config.get('rota-rules', 'Faculty articles to peers');
    assert.deepEqual(rule.doc.conditions, [
      { parameter: 'USER_GROUP', operator: 'IN_LIST', value: ['FACULTY', 'STAFF'] },
      { parameter: 'CITATION_TYPE', operator: 'NOT_IN_LIST', value: ['BOOK', 'THESIS'] },
      { parameter: 'LEVEL_OF_SERVICE', operator: 'IS_EMPTY', value: null },
    ]);
    assert.deepEqual(rule.doc.templates, ['PEERS', 'ILLiad']);
    assert.deepEqual(await apiOrder(), [PEERS_RULE, 'Faculty articles to peers', ILLIAD_RULE]);
    const list = await manager.get(response.headers.location as string);
    assert.match(list.body, /Created “Faculty articles to peers” at position 2\./);
    assert.match(rowOf(list.body, 'Faculty articles to peers'), /<td>User Group is in list FACULTY, STAFF and Citation Type is not in list Book, Thesis and Level of Service is empty<\/td>/);

    // Its page shows each condition with the value field its operator wants.
    const page = await manager.get(`/ui/rota-rules/${rule.id}`);
    assert.match(page.body, /<textarea id="c0-value" name="conditions\[0\].value" rows="3">FACULTY\nSTAFF<\/textarea>/);
    assert.match(page.body, /<select id="c1-value" name="conditions\[1\].value" multiple="multiple" size="5"><option value="BOOK" selected>Book<\/option>/);
    assert.match(page.body, /<span class="muted">none: this operator takes no value<\/span>/);
    assert.doesNotMatch(page.body, /id="c2-value"/);
    // Edited: a row removed, stop here on, one template; the rest as it was.
    const saved = await postFields(`/ui/rota-rules/${rule.id}`, [
      ['name', 'Faculty articles to peers'],
      ['enabled', 'on'],
      ['stopHere', 'on'],
      ['templates', 'PEERS'],
      ['conditions[0].parameter', 'USER_GROUP'],
      ['conditions[0].operator', 'EQUALS'],
      ['conditions[0].value', 'FACULTY'],
    ]);
    assert.equal(saved.statusCode, 303, saved.body);
    const edited = await app.config.get('rota-rules', rule.id);
    assert.deepEqual(edited.doc, { name: 'Faculty articles to peers', enabled: true, stopHere: true, templates: ['PEERS'], conditions: [{ parameter: 'USER_GROUP', operator: 'EQUALS', value: 'FACULTY' }] });
    await app.config.remove('rota-rules', rule.id);
  });

  test('a bad condition (In List with no value) is shown next to its field, keeps what was typed, and is not saved', async () => {
    const before = await apiOrder();
    const response = await postFields('/ui/rota-rules/new', [
      ['name', 'Kept rule name'],
      ['enabled', 'on'],
      ['templates', 'PEERS'],
      ['conditions[0].parameter', 'REQUESTED_FORMAT'],
      ['conditions[0].operator', 'EQUALS'],
      ['conditions[0].value', 'DIGITAL'],
      ['conditions[1].parameter', 'USER_GROUP'],
      ['conditions[1].operator', 'IN_LIST'],
      ['conditions[1].value', ''],
    ]);
    assert.equal(response.statusCode, 422);
    assert.match(response.body, /<textarea id="c1-value" name="conditions\[1\].value" rows="3" aria-describedby="c1-value-error" aria-invalid="true"><\/textarea><p class="error" id="c1-value-error">must be a list of one or more values for In List<\/p>/);
    assert.doesNotMatch(response.body, /c0-value-error/, 'the good row has no error');
    assert.match(response.body, /value="Kept rule name"/);
    assert.match(response.body, /<option value="DIGITAL" selected>Digital<\/option>/);
    assert.match(response.body, /The rule was not saved/);
    assert.deepEqual(await apiOrder(), before);
    // An edit with a missing template, likewise.
    const noTemplate = await postFields(`/ui/rota-rules/${peersRule}`, [['name', PEERS_RULE], ['enabled', 'on']]);
    assert.equal(noTemplate.statusCode, 422);
    assert.match(noTemplate.body, /<p class="error" id="r-templates-error">must name at least one rota template<\/p>/);
    assert.deepEqual((await app.config.get('rota-rules', peersRule)).doc.templates, ['PEERS']);
  });

  test('the editor adds and removes rows and redraws the value field for the operator, saving nothing', async () => {
    const fields: [string, string][] = [
      ['conditions[0].parameter', 'USER_GROUP'],
      ['conditions[0].operator', 'IS_NOT_EMPTY'],
    ];
    const added = await postFields('/ui/rota-rules/conditions-editor', [...fields, ['_editor', 'add']]);
    assert.equal(added.statusCode, 200);
    assert.ok(added.body.startsWith('<fieldset id="conditions"'), 'the editor alone');
    assert.match(added.body, /<legend>Condition 2<\/legend>/);
    assert.match(added.body, /<select id="c1-parameter" name="conditions\[1\].parameter"[^>]* autofocus>/, 'the new row takes the focus');
    assert.doesNotMatch(added.body, /id="c0-value"/, 'Is Not Empty takes no value');
    const list = await postFields('/ui/rota-rules/conditions-editor', [['conditions[0].parameter', 'REQUESTED_FORMAT'], ['conditions[0].operator', 'IN_LIST'], ['_editor', 'refresh']]);
    assert.match(list.body, /<select id="c0-value" name="conditions\[0\].value" multiple="multiple"/);
    const removed = await postFields('/ui/rota-rules/conditions-editor', [...fields, ['_editor', 'remove:0']]);
    assert.doesNotMatch(removed.body, /Condition 1/);
    assert.match(removed.body, /id="add-condition"[^>]* autofocus>/);
    // Without JavaScript the editor's buttons submit the whole form, which is redrawn and not saved.
    const plain = await postFields(`/ui/rota-rules/${peersRule}`, [['templates', 'ILLiad'], ['_editor', 'add'], ['conditions[0].parameter', 'REQUESTED_FORMAT'], ['conditions[0].operator', 'IN_LIST'], ['conditions[0].value', 'PHYSICAL']]);
    assert.equal(plain.statusCode, 200);
    assert.match(plain.body, /<legend>Condition 2<\/legend>/);
    assert.deepEqual((await app.config.get('rota-rules', peersRule)).doc.templates, ['PEERS']);
  });

  test('template members: add, move up and down, remove, each answering the members fragment', async () => {
    const url = '/ui/rota-templates/PEERS/members';
    const members = async () => (await app.config.get('rota-templates', 'PEERS')).doc.members;
    const add = await manager.post(url, { op: 'add', partner: 'ILLiad' }, { htmx: true });
    assert.equal(add.statusCode, 200);
    assert.ok(add.body.startsWith('<section id="members"'), 'a fragment');
    assert.match(add.body, /hx-swap-oob="innerHTML">Added ILLiad as member 3\.<\/p>/);
    assert.deepEqual(await members(), ['NORTH', 'SOUTH', 'ILLiad']);
    assert.doesNotMatch(add.body, /<option value="ILLiad"/, 'a member is not offered again');
    const up = await manager.post(url, { op: 'up', partner: 'ILLiad' }, { htmx: true });
    assert.deepEqual(await members(), ['NORTH', 'ILLiad', 'SOUTH']);
    assert.match(up.body, /autofocus><span>Move up<\/span><span class="visually-hidden"> \(ILLiad\)<\/span>/, 'the keyboard stays on the member');
    await manager.post(url, { op: 'down', partner: 'NORTH' }, { htmx: true });
    assert.deepEqual(await members(), ['ILLiad', 'NORTH', 'SOUTH']);
    const rows = (await manager.get('/ui/rota-templates/PEERS')).body;
    assert.match(rowOf(rows, 'ILLiad'), /<td>1<\/td>/);
    assert.doesNotMatch(rowOf(rows, 'ILLiad'), /Move up/, 'the first member cannot go up');
    const removed = await manager.post(url, { op: 'remove', partner: 'ILLiad' }, { htmx: true });
    assert.match(removed.body, /Removed ILLiad\./);
    assert.deepEqual(await members(), ['NORTH', 'SOUTH']);
    const unknown = await manager.post(url, { op: 'add', partner: 'NOWHERE' }, { htmx: true });
    assert.match(unknown.body, /<p class="error" role="alert">names partner NOWHERE, which does not exist<\/p>/);
    assert.deepEqual(await members(), ['NORTH', 'SOUTH']);
    // Without JavaScript: a redirect back to the page.
    assert.equal((await manager.post(url, { op: 'down', partner: 'NORTH' })).statusCode, 303);
    assert.deepEqual(await members(), ['SOUTH', 'NORTH']);
    await manager.post(url, { op: 'down', partner: 'SOUTH' });
    assert.deepEqual(await members(), ['NORTH', 'SOUTH']);
  });

  test('a template is created and edited through its forms; refusals are shown next to the field', async () => {
    const list = await manager.get('/ui/rota-templates');
    assert.match(rowOf(list.body, 'PEERS'), /<td>Network peers<\/td><td>Ordered<\/td><td>Active<\/td><td>NORTH, SOUTH<\/td>/);
    const created = await manager.post('/ui/rota-templates', { code: 'RUSH', name: 'Rush lenders', type: 'NON_ORDERED', status: 'INACTIVE' });
    assert.equal(created.statusCode, 303, created.body);
    assert.equal(created.headers.location, '/ui/rota-templates/RUSH');
    assert.deepEqual((await app.config.get('rota-templates', 'RUSH')).doc, { code: 'RUSH', name: 'Rush lenders', type: 'NON_ORDERED', status: 'INACTIVE', members: [] });
    const duplicate = await manager.post('/ui/rota-templates', { code: 'RUSH', name: 'Again' });
    assert.equal(duplicate.statusCode, 422);
    assert.match(duplicate.body, /<p class="error" id="t-code-error">a rota template RUSH already exists<\/p>/);
    assert.match(duplicate.body, /value="Again"/);
    const active = await manager.post('/ui/rota-templates/ILLiad', { name: 'ILLiad Partner', type: 'ORDERED', status: 'ACTIVE' });
    assert.equal(active.statusCode, 303);
    assert.equal((await app.config.get('rota-templates', 'ILLiad')).doc.status, 'ACTIVE');
    assert.deepEqual((await app.config.get('rota-templates', 'ILLiad')).doc.members, ['ILLiad'], 'the members are kept');
    assert.match((await manager.get(active.headers.location as string)).body, /<p class="saved" role="status">Saved\.<\/p>/);
    assert.equal(findingOf((await manager.get('/ui/rota-rules')).body, 'illiad-rota-active'), 'pass');
    const empty = await manager.post('/ui/rota-templates/ILLiad', { name: ' ', type: 'ORDERED', status: 'INACTIVE' });
    assert.equal(empty.statusCode, 422);
    assert.match(empty.body, /<p class="error" id="t-name-error">must not be empty<\/p>/);
    assert.match(empty.body, /<option value="INACTIVE" selected>Inactive<\/option>/, 'what was chosen is kept');
    assert.equal((await app.config.get('rota-templates', 'ILLiad')).doc.status, 'ACTIVE', 'nothing saved');
    await manager.post('/ui/rota-templates/ILLiad', { name: 'ILLiad Partner', type: 'ORDERED', status: 'INACTIVE' });
    await app.config.remove('rota-templates', 'RUSH');
  });

  test('hostile names are escaped on every page and in refused forms', async () => {
    await manager.post('/ui/rota-templates', { code: 'EVIL', name: HOSTILE });
    const rule = await postFields('/ui/rota-rules/new', [['name', HOSTILE], ['templates', 'EVIL'], ['conditions[0].parameter', 'USER_GROUP'], ['conditions[0].operator', 'EQUALS'], ['conditions[0].value', HOSTILE]]);
    assert.equal(rule.statusCode, 303, rule.body);
    for (const url of ['/ui/rota-templates', '/ui/rota-templates/EVIL', '/ui/rota-rules', `/ui/rota-rules/${(await app.config.get('rota-rules', HOSTILE)).id}`]) {
      const page = await manager.get(url);
      assert.equal(page.statusCode, 200, url);
      // Inside a quoted attribute (a form field's value) "<" is plain text; everywhere else it must be escaped.
      assert.ok(!page.body.replace(/ value="[^"]*"/g, '').includes(HOSTILE), `no live script tag on ${url}`);
      assert.ok(page.body.includes(ESCAPED) || page.body.includes(`value="${HOSTILE}"`), `the name is shown on ${url}`);
    }
    const refused = await manager.post('/ui/rota-templates', { code: `"${HOSTILE}`, name: `"${HOSTILE}` });
    assert.equal(refused.statusCode, 422);
    assert.ok(!refused.body.includes(`"${HOSTILE}`), 'no attribute is broken out of');
    assert.ok(refused.body.includes(`value="&#34;${HOSTILE}"`), 'the value is kept, its quote escaped');
    await app.config.remove('rota-rules', HOSTILE);
    await app.config.remove('rota-templates', 'EVIL');
  });

  test('a read-only role sees the pages without forms or buttons, and its posts are refused', async () => {
    for (const url of ['/ui/rota-templates', '/ui/rota-templates/ILLiad', '/ui/rota-rules', `/ui/rota-rules/${illiadRule}`]) {
      const page = await readOnly.get(url);
      assert.equal(page.statusCode, 200, url);
      assert.doesNotMatch(page.body, /hx-post|<button type="submit"(?! *>Sign out)|<select/, `no buttons or fields on ${url}`);
      assert.equal([...page.body.matchAll(/<form /g)].length, 1, `only the sign-out form on ${url}`);
    }
    assert.match(rowOf((await readOnly.get('/ui/rota-rules')).body, ILLIAD_RULE), FINAL, 'the final rule is marked for them too');
    assert.equal((await readOnly.get('/ui/rota-rules/new')).statusCode, 403);
    for (const [url, form] of [
      [`/ui/rota-rules/${illiadRule}/actions/up`, {}],
      [`/ui/rota-rules/${illiadRule}`, { templates: 'PEERS' }],
      ['/ui/rota-rules/new', { name: 'x', templates: 'PEERS' }],
      ['/ui/rota-rules/conditions-editor', { _editor: 'add' }],
      ['/ui/rota-templates', { code: 'RO', name: 'x' }],
      ['/ui/rota-templates/ILLiad', { name: 'x', status: 'ACTIVE' }],
      ['/ui/rota-templates/ILLiad/members', { op: 'remove', partner: 'ILLiad' }],
    ] as const) {
      const response = await readOnly.post(url, form, { htmx: true });
      assert.equal(response.statusCode, 403, url);
      assert.match(response.body, /The role read-only may not do this/);
    }
    assert.deepEqual(await apiOrder(), [PEERS_RULE, ILLIAD_RULE]);
    const illiad = await app.config.get('rota-templates', 'ILLiad');
    assert.deepEqual([illiad.doc.name, illiad.doc.status, illiad.doc.members], ['ILLiad Partner', 'INACTIVE', ['ILLiad']]);
  });

  test('a change without the CSRF token, or with another session\'s, is refused', async () => {
    const other = await signIn(app, 'partners-manager');
    for (const csrf of [false, 'made-up', other.csrf] as const) {
      const move = await manager.post(`/ui/rota-rules/${illiadRule}/actions/up`, {}, { csrf, htmx: true });
      assert.equal(move.statusCode, 403, String(csrf));
      assert.match(move.body, /did not come from this site/);
      const member = await manager.post('/ui/rota-templates/ILLiad/members', { op: 'remove', partner: 'ILLiad' }, { csrf });
      assert.equal(member.statusCode, 403);
    }
    const plain = await app.app.inject({ method: 'POST', url: `/ui/rota-rules/${illiadRule}`, headers: { cookie: manager.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'templates=PEERS' });
    assert.equal(plain.statusCode, 403);
    assert.deepEqual(await apiOrder(), [PEERS_RULE, ILLIAD_RULE]);
    assert.deepEqual((await app.config.get('rota-templates', 'ILLiad')).doc.members, ['ILLiad']);
    assert.deepEqual((await app.config.get('rota-rules', illiadRule)).doc.templates, ['ILLiad']);
  });

  /** The hidden version of the form posting to `action` (the first such form of the page). */
  const versionOf = (html: string, action: string): string => {
    const start = html.indexOf(`action="${action}"`);
    assert.ok(start >= 0, `a form posting to ${action}`);
    const form = html.slice(start, html.indexOf('</form>', start));
    const found = /name="_version" value="([^"]+)"/.exec(form)?.[1];
    assert.ok(found, `the form posting to ${action} carries a version`);
    return found;
  };
  const readable = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

  test("a template's forms carry its version: a member change moves all of them on; a stale save or member button is refused", async () => {
    const url = '/ui/rota-templates/PEERS';
    const page = await manager.get(url);
    const first = versionOf(page.body, url);
    assert.equal(versionOf(page.body, `${url}/members`), first, 'the member buttons carry the same version');
    assert.equal(versionOf(page.body, `${url}/delete`), first);

    // The page's own member change: every version on the page is moved on, so its next save is not refused.
    const moved = await manager.post(`${url}/members`, { _version: first, op: 'down', partner: 'NORTH' }, { htmx: true });
    assert.equal(moved.statusCode, 200, moved.body);
    const second = versionOf(moved.body, `${url}/members`);
    assert.notEqual(second, first);
    assert.ok(moved.body.includes(`<input type="hidden" name="_version" value="${second}" id="template-version" hx-swap-oob="true"/>`), moved.body);
    assert.ok(moved.body.includes(`<input type="hidden" name="_version" value="${second}" id="template-delete-version" hx-swap-oob="true"/>`));
    const back = await manager.post(`${url}/members`, { _version: second, op: 'up', partner: 'NORTH' }, { htmx: true });
    const third = versionOf(back.body, `${url}/members`);
    assert.deepEqual((await app.config.get('rota-templates', 'PEERS')).doc.members, ['NORTH', 'SOUTH']);
    const saved = await manager.post(url, { _version: third, name: 'Network peers', type: 'ORDERED', status: 'ACTIVE' });
    assert.equal(saved.statusCode, 303, saved.body);

    // Someone else saves the template; this page's general information and member buttons are now stale.
    const drawn = versionOf((await manager.get(url)).body, url);
    app.clock.advance(2 * 60_000);
    const theirs = await app.config.patch('rota-templates', 'PEERS', { name: 'Peers, renamed elsewhere' });
    const stale = await manager.post(url, { _version: drawn, name: 'Typed peers', type: 'NON_ORDERED', status: 'ACTIVE' });
    assert.equal(stale.statusCode, 409, stale.body);
    assert.ok(
      stale.body.includes(`Someone else saved this rota template at </span><time datetime="${theirs.updatedAt}">${readable(theirs.updatedAt)}</time><span> while you were editing; nothing was saved.`),
    );
    const general = stale.body.slice(stale.body.indexOf(`<form class="card grid rota-form" method="post" action="${url}">`));
    assert.ok(general.indexOf('id="stale"') > 0 && general.indexOf('id="stale"') < general.indexOf('id="t-name"'), 'at the top of the form');
    assert.match(general, /<input id="t-name" name="name" type="text" value="Typed peers"/, 'what was typed is kept');
    assert.match(general, /<option value="NON_ORDERED" selected>/);
    assert.equal(versionOf(stale.body, url), drawn, 'with the version it was drawn from');
    assert.match(stale.body, /<a href="\/ui\/rota-templates\/PEERS">See the current values \(reload the rota template\)<\/a>/);
    assert.equal((await app.config.get('rota-templates', 'PEERS')).doc.name, 'Peers, renamed elsewhere', 'nothing was saved');

    const member = await manager.post(`${url}/members`, { _version: drawn, op: 'down', partner: 'NORTH' }, { htmx: true });
    assert.equal(member.statusCode, 200);
    assert.ok(member.body.startsWith('<section id="members"'));
    assert.match(member.body, /Someone else saved this rota template at .*nothing was saved\./);
    assert.doesNotMatch(member.body, /hx-swap-oob="true"/, 'the other forms keep their old version');
    assert.equal(versionOf(member.body, `${url}/members`), drawn, 'and so do the member buttons, until the page is reloaded');
    assert.deepEqual((await app.config.get('rota-templates', 'PEERS')).doc.members, ['NORTH', 'SOUTH'], 'not moved');
    const plain = await manager.post(`${url}/members`, { _version: drawn, op: 'down', partner: 'NORTH' });
    assert.equal(plain.statusCode, 409, 'without JavaScript: the page, drawn again as stored');
    assert.match(plain.body, /The page now shows the rota template as it is\./);
    assert.match(plain.body, /<input id="t-name" name="name" type="text" value="Peers, renamed elsewhere"/);
    await app.config.patch('rota-templates', 'PEERS', { name: 'Network peers' });
  });

  test("a rule's form carries its version through the editor; a stale save keeps what was typed; a stale Disable is refused", async () => {
    const url = `/ui/rota-rules/${peersRule}`;
    const drawn = versionOf((await manager.get(url)).body, url);
    app.clock.advance(2 * 60_000);
    const theirs = await app.config.patch('rota-rules', peersRule, { stopHere: true });
    const typed: [string, string][] = [
      ['_version', drawn],
      ['name', 'Typed rule name'],
      ['enabled', 'on'],
      ['templates', 'PEERS'],
      ['conditions[0].parameter', 'USER_GROUP'],
      ['conditions[0].operator', 'EQUALS'],
      ['conditions[0].value', 'TYPED_GROUP'],
    ];
    // The editor without JavaScript: redrawn, not saved, still with the version the form was drawn from.
    const redrawn = await postFields(url, [...typed, ['_editor', 'add']]);
    assert.equal(redrawn.statusCode, 200);
    assert.equal(versionOf(redrawn.body, url), drawn);
    const stale = await postFields(url, typed);
    assert.equal(stale.statusCode, 409, stale.body);
    assert.ok(stale.body.includes(`Someone else saved this rule at </span><time datetime="${theirs.updatedAt}">${readable(theirs.updatedAt)}</time><span> while you were editing; nothing was saved.`));
    const form = stale.body.slice(stale.body.indexOf(`<form class="card rule-form" method="post" action="${url}">`));
    assert.ok(form.indexOf('id="stale"') > 0 && form.indexOf('id="stale"') < form.indexOf('id="r-name"'), 'at the top of the form');
    assert.match(form, /<input id="r-name" name="name" type="text" value="Typed rule name"/);
    assert.match(form, /<input id="c0-value" name="conditions\[0\].value" type="text" value="TYPED_GROUP"\/>/, 'the typed condition is kept');
    assert.doesNotMatch(form, /id="r-stop"[^>]*checked/, 'and the box left unchecked');
    assert.equal(versionOf(stale.body, url), drawn);
    assert.match(stale.body, /<h1>Rule: Network peers first<\/h1>/, 'the heading names the rule as stored');
    const stored = (await app.config.get('rota-rules', peersRule)).doc;
    assert.deepEqual([stored.name, stored.stopHere, stored.conditions[0]?.parameter], [PEERS_RULE, true, 'REQUESTED_FORMAT'], 'nothing was saved');
    await app.config.patch('rota-rules', peersRule, { stopHere: false });

    // The list's Enable / Disable carry the row's version; a rule changed since is not switched.
    const list = await manager.get('/ui/rota-rules');
    const rowVersion = versionOf(list.body, `/ui/rota-rules/${illiadRule}/actions/disable`);
    const other = await app.config.patch('rota-rules', illiadRule, { stopHere: true });
    const refused = await manager.post(`/ui/rota-rules/${illiadRule}/actions/disable`, { _version: rowVersion }, { htmx: true });
    assert.equal(refused.statusCode, 200);
    assert.ok(
      refused.body.includes(`Someone else saved the rule “${ILLIAD_RULE}” at ${readable(other.updatedAt)} while you were looking; nothing was changed. The list now shows the rules as they are.`),
      refused.body,
    );
    assert.equal((await app.config.get('rota-rules', illiadRule)).doc.enabled, true, 'not disabled');
    const fresh = versionOf(refused.body, `/ui/rota-rules/${illiadRule}/actions/disable`);
    assert.notEqual(fresh, rowVersion, 'the list is drawn again with the versions as they are');
    const disabled = await manager.post(`/ui/rota-rules/${illiadRule}/actions/disable`, { _version: fresh }, { htmx: true });
    assert.match(disabled.body, /Disabled “ILLiad lender of last resort”\./);
    await app.config.patch('rota-rules', illiadRule, { enabled: true, stopHere: false });
  });

  test('a rule is renamed on its page: the list and the trace of new requests use the new name; a name taken is refused at the field', async () => {
    const url = `/ui/rota-rules/${peersRule}`;
    const page = await manager.get(url);
    assert.match(page.body, /<label for="r-name">Name \(required\)<\/label><input id="r-name" name="name" type="text" value="Network peers first" required aria-describedby="r-name-help"\/>/);
    const fields = (name: string, version: string): [string, string][] => [
      ['_version', version],
      ['name', name],
      ['enabled', 'on'],
      ['templates', 'PEERS'],
      ['conditions[0].parameter', 'REQUESTED_FORMAT'],
      ['conditions[0].operator', 'IN_LIST'],
      ['conditions[0].value', 'PHYSICAL'],
      ['conditions[0].value', 'DIGITAL'],
    ];
    const taken = await postFields(url, fields(ILLIAD_RULE, versionOf(page.body, url)));
    assert.equal(taken.statusCode, 422, taken.body);
    assert.match(taken.body, /<input id="r-name" name="name" type="text" value="ILLiad lender of last resort" required aria-describedby="r-name-help r-name-error" aria-invalid="true"\/>/);
    assert.match(taken.body, /<p class="error" id="r-name-error">another rota assignment rule is called ILLiad lender of last resort: choose another name<\/p>/);
    assert.equal((await app.config.get('rota-rules', peersRule)).doc.name, PEERS_RULE, 'nothing saved');

    const renamed = await postFields(url, fields('Peers before ILLiad', versionOf(page.body, url)));
    assert.equal(renamed.statusCode, 303, renamed.body);
    assert.equal(renamed.headers.location, `${url}?saved=1`, 'the same rule, by its id');
    assert.match((await manager.get(`${url}?saved=1`)).body, /<h1>Rule: Peers before ILLiad<\/h1>/);
    const list = await manager.get('/ui/rota-rules');
    assert.match(rowOf(list.body, 'Peers before ILLiad'), /<td>1<\/td>/, 'in its place');
    assert.ok(!list.body.includes(`>${PEERS_RULE}</a>`), 'the old name is gone from the list');
    assert.deepEqual(await apiOrder(), ['Peers before ILLiad', ILLIAD_RULE]);

    await app.config.create('patrons', { primaryId: 'RENAME-1', firstName: 'Rena', lastName: 'Me', email: 'rename@example.edu', userGroup: 'FACULTY' });
    const request = await app.call('POST', '/api/v1/borrowing-requests', { body: { patron: 'RENAME-1', title: 'A renamed rule', requestedFormat: 'PHYSICAL', citationType: 'BOOK' } });
    assert.equal(request.statusCode, 201, request.body);
    const trace = request.json().ruleTrace.map((r: { rule: string; matched: boolean }) => `${r.rule}: ${r.matched}`);
    assert.deepEqual(trace, ['Peers before ILLiad: true', `${ILLIAD_RULE}: true`], 'a new request is routed by the rule under its new name');
    const detail = await manager.get(`/ui/requests/${request.json().id}`);
    assert.match(detail.body, /Peers before ILLiad/, "the request's page shows it too");
    await app.config.patch('rota-rules', peersRule, { name: PEERS_RULE });
  });

  test("a template's page offers Delete: refused in words while a rule uses it; an unused one is deleted, and a stale one is not", async () => {
    const page = await manager.get('/ui/rota-templates/PEERS');
    assert.match(page.body, /<h2 id="delete-heading" tabindex="-1">Delete this rota template<\/h2>/);
    assert.match(page.body, /<button type="submit" class="secondary">Delete rota template PEERS<\/button>/);
    const used = await manager.post('/ui/rota-templates/PEERS/delete', { _version: versionOf(page.body, '/ui/rota-templates/PEERS/delete') });
    assert.equal(used.statusCode, 409);
    assert.match(
      used.body,
      /<p class="error" role="alert" id="delete-refusal">Not deleted: rota template PEERS is still used by rota assignment rule Network peers first: change those first\.<\/p>/,
    );
    assert.match(used.body, /<h2 id="delete-heading" tabindex="-1" autofocus>/, 'the keyboard is taken to the refusal');
    assert.match(used.body, /<button type="submit" class="secondary" aria-describedby="delete-refusal">/);
    assert.ok(await app.config.get('rota-templates', 'PEERS'), 'still there');

    await manager.post('/ui/rota-templates', { code: 'SPARE', name: 'Spare lenders' });
    const spare = await manager.get('/ui/rota-templates/SPARE');
    const deleted = await manager.post('/ui/rota-templates/SPARE/delete', { _version: versionOf(spare.body, '/ui/rota-templates/SPARE/delete') });
    assert.equal(deleted.statusCode, 303, deleted.body);
    assert.equal(deleted.headers.location, '/ui/rota-templates?deleted=SPARE');
    const list = await manager.get(deleted.headers.location as string);
    assert.match(list.body, /<p class="notice" role="status">Rota template SPARE was deleted\.<\/p>/);
    assert.ok(!list.body.includes('>SPARE</a>'), 'gone from the list');
    assert.equal((await app.call('GET', '/api/v1/rota-templates/SPARE')).statusCode, 404);

    await manager.post('/ui/rota-templates', { code: 'SPARE2', name: 'Spare lenders' });
    const drawn = versionOf((await manager.get('/ui/rota-templates/SPARE2')).body, '/ui/rota-templates/SPARE2/delete');
    await app.config.patch('rota-templates', 'SPARE2', { members: ['NORTH'] });
    const stale = await manager.post('/ui/rota-templates/SPARE2/delete', { _version: drawn });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /Someone else saved this rota template at .* while you were editing; nothing was deleted\./);
    assert.deepEqual((await app.config.get('rota-templates', 'SPARE2')).doc.members, ['NORTH'], 'not deleted');
    await app.config.remove('rota-templates', 'SPARE2');
  });

  test("a rule's page offers Delete: the list no longer has it and says so; a stale one is not deleted", async () => {
    const rule = await app.config.create('rota-rules', { name: 'Temporary rule', templates: ['PEERS'] }, { position: 1 });
    const page = await manager.get(`/ui/rota-rules/${rule.id}`);
    assert.match(page.body, /<h2 id="delete-heading">Delete this rule<\/h2>/);
    assert.match(page.body, /<button type="submit" class="secondary">Delete the rule<span class="visually-hidden"> “Temporary rule”<\/span><\/button>/);
    const drawn = versionOf(page.body, `/ui/rota-rules/${rule.id}/delete`);
    await app.config.patch('rota-rules', rule.id, { enabled: false });
    const stale = await manager.post(`/ui/rota-rules/${rule.id}/delete`, { _version: drawn });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /Someone else saved this rule at .* while you were editing; nothing was deleted\./);
    assert.doesNotMatch(stale.body, /id="r-enabled"[^>]*checked/, 'the page shows the rule as it is now');
    assert.deepEqual(await apiOrder(), ['Temporary rule', PEERS_RULE, ILLIAD_RULE], 'not deleted');

    const deleted = await manager.post(`/ui/rota-rules/${rule.id}/delete`, { _version: versionOf(stale.body, `/ui/rota-rules/${rule.id}/delete`) });
    assert.equal(deleted.statusCode, 303, deleted.body);
    const list = await manager.get(deleted.headers.location as string);
    assert.match(list.body, /<p id="rules-status" class="live" role="status">Deleted the rule “Temporary rule”\.<\/p>/);
    assert.ok(!list.body.includes('Temporary rule</a>'), 'gone from the list');
    assert.match(rowOf(list.body, PEERS_RULE), /<td>1<\/td>/, 'the others move up');
    assert.deepEqual(await apiOrder(), [PEERS_RULE, ILLIAD_RULE]);
  });

  test('an unknown template or rule is a page saying so', async () => {
    assert.equal((await manager.get('/ui/rota-templates/NOPE')).statusCode, 404);
    assert.equal((await manager.get('/ui/rota-rules/no-such-rule')).statusCode, 404);
  });
});
