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
    const noTemplate = await postFields(`/ui/rota-rules/${peersRule}`, [['enabled', 'on']]);
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

  test('an unknown template or rule is a page saying so', async () => {
    assert.equal((await manager.get('/ui/rota-templates/NOPE')).statusCode, 404);
    assert.equal((await manager.get('/ui/rota-rules/no-such-rule')).statusCode, 404);
  });
});
