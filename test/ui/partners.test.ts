/**
 * The partner pages through inject(): the list, the ILLiad partner's page checked against the guide itself (its
 * sections, labels and values, read from seed/ILLiad-as-Lender-of-Last-Resort.txt), the write-only secrets, saving
 * through ConfigService and its refusals next to their fields, the doctor's findings, role limits, CSRF, escaping.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Secret } from '../../src/domain/config/secret.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { type Browser, EXAMPLE, EXAMPLE_ENV, signIn } from './helpers.ts';

const GUIDE = readFileSync(new URL('../../../shared/seed/ILLiad-as-Lender-of-Last-Resort.txt', import.meta.url), 'utf8');
const HOSTILE = '<script>alert(1)</script>';
const ESCAPED = '&lt;script>alert(1)&lt;/script>';
const ILLIAD = '/ui/partners/ILLiad';

interface GuideSection {
  readonly title: string;
  readonly items: readonly { label: string; value: string }[];
}

/** The partner profile of the guide: from "General Information" up to "Create ILLiad API Key", section by section. */
function guideSections(): GuideSection[] {
  const lines = GUIDE.split('\n').map((l) => l.trim());
  const start = lines.indexOf('General Information');
  const end = lines.indexOf('Create ILLiad API Key');
  assert.ok(start > 0 && end > start, 'the guide has the partner profile');
  const sections: { title: string; items: { label: string; value: string }[] }[] = [];
  for (const line of lines.slice(start, end)) {
    if (line.startsWith('•')) {
      const [label, ...rest] = line.slice(1).split(':');
      sections.at(-1)!.items.push({ label: label!.trim(), value: rest.join(':').trim() });
    } else if (line && line.length < 40) sections.push({ title: line, items: [] });
  }
  return sections.filter((s) => s.items.length > 0);
}

const decode = (text: string) =>
  text.replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const normal = (text: string) => text.replace(/[()]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();

function attributes(tag: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const m of tag.matchAll(/([a-zA-Z_:][\w:.-]*)(?:="([^"]*)")?/g)) found[m[1]!] = decode(m[2] ?? '');
  return found;
}

/** What a browser would post from the page's partner form: every named input, select and textarea. */
function formOf(html: string, action: string): Record<string, string> {
  const start = html.indexOf(`<form method="post" action="${action}"`);
  assert.ok(start >= 0, `the page has the form posting to ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const values: Record<string, string> = {};
  for (const m of form.matchAll(/<input\b([^>]*)>/g)) {
    const a = attributes(m[1]!);
    if (!a.name || a.name === '_csrf') continue;
    if (a.type === 'checkbox') {
      if ('checked' in a) values[a.name] = 'on';
    } else values[a.name] = a.value ?? '';
  }
  for (const m of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const a = attributes(m[1]!);
    const selected = [...m[2]!.matchAll(/<option\b([^>]*)>/g)].map((o) => attributes(o[1]!)).find((o) => 'selected' in o);
    values[a.name!] = selected?.value ?? '';
  }
  for (const m of form.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) values[attributes(m[1]!).name!] = decode(m[2]!);
  return values;
}

/** The label, help and problem of each field of a fieldset (a section of the form), in page order. */
function sectionFields(html: string, legendIndex: number) {
  const legends = [...html.matchAll(/<legend>([^<]*)<\/legend>/g)];
  const legend = legends[legendIndex];
  assert.ok(legend, `the page has a section ${legendIndex + 1}`);
  const body = html.slice(legend.index!, html.indexOf('</fieldset>', legend.index!));
  const fields = [...body.matchAll(/<label for="([^"]+)">([^<]*)<\/label>/g)].map((m) => {
    const id = m[1]!;
    const help = new RegExp(`<p class="help" id="${id}-help">([^<]*)</p>`).exec(body)?.[1];
    const error = new RegExp(`<p class="error" id="${id}-error">([^<]*)</p>`).exec(body)?.[1];
    return { id, label: decode(m[2]!), help: help === undefined ? undefined : decode(help), error: error === undefined ? undefined : decode(error) };
  });
  return { title: decode(legend[1]!), fields };
}

describe('staff partner pages', () => {
  let app: TestApp;
  let manager: Browser;
  let readOnly: Browser;

  before(async () => {
    app = await createTestApp('sqlite', { ...EXAMPLE_ENV });
    await app.transfer.importYaml(EXAMPLE);
    manager = await signIn(app, 'partners-manager');
    readOnly = await signIn(app, 'read-only');
  });
  after(() => app.close());

  const apiPartner = async (code: string) => {
    const response = await app.call('GET', `/api/v1/partners/${code}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json() as Record<string, any>;
  };
  const storedKey = async () => (await app.config.get('partners', 'ILLiad')).doc;
  const save = async (changes: Record<string, string | undefined>, who: Browser = manager, url = ILLIAD) => {
    const page = await who.get(url);
    assert.equal(page.statusCode, 200, page.body);
    const form = { ...formOf(page.body, url), ...changes };
    for (const [k, v] of Object.entries(form)) if (v === undefined) delete form[k];
    return who.post(url, form as Record<string, string>);
  };

  test('the list shows every partner, a link to each, and "New partner" only to roles that may write partners', async () => {
    const list = await manager.get('/ui/partners');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /<a href="\/ui\/partners" aria-current="page">Partners<\/a>/, 'in the navigation');
    assert.match(list.body, /<tr><td><a href="\/ui\/partners\/ILLiad">ILLiad<\/a><\/td><td>ILLiad<\/td><td>NCIP<\/td><td>ILLiad<\/td><td class="">Active<\/td><\/tr>/);
    assert.match(list.body, /<a href="\/ui\/partners\/NORTH">NORTH<\/a><\/td><td>North State University Library<\/td><td>ISO 18626<\/td><td>Interlend<\/td>/);
    assert.match(list.body, /<a href="\/ui\/partners\/SOUTH">SOUTH<\/a><\/td><td>South Coast College Library<\/td><td>ISO 18626<\/td><td>ReShare<\/td>/);
    assert.match(list.body, /<a class="button" href="\/ui\/partners\/new">New partner<\/a>/);
    const seen = await readOnly.get('/ui/partners');
    assert.equal(seen.statusCode, 200);
    assert.match(seen.body, /href="\/ui\/partners\/ILLiad"/);
    assert.ok(!seen.body.includes('New partner'), 'read-only sees no button');
    assert.match((await (await signIn(app, 'operator')).get('/ui')).body, /href="\/ui\/partners">Partners</, 'every role that reads the configuration has the link');
  });

  test("the ILLiad page has every section, label and value of the guide, in the guide's order, each with the guide's help", async () => {
    const page = await manager.get(ILLIAD);
    assert.equal(page.statusCode, 200);
    const guide = guideSections();
    assert.deepEqual(
      guide.map((s) => s.title),
      ['General Information', 'General Information', 'Request Item', 'Check-Out Item', 'Accept Item', 'Look Up User', 'Export To Third Party', 'Create User Fiscal Transaction'],
      'the guide read as expected',
    );
    assert.ok(page.body.indexOf('>General Information tab</h2>') < page.body.indexOf('>Parameters tab</h2>'), 'the two tabs, in order');
    for (const [index, section] of guide.entries()) {
      const shown = sectionFields(page.body, index);
      assert.equal(shown.title, section.title, `section ${index + 1}`);
      let from = 0;
      for (const item of section.items) {
        const at = shown.fields.findIndex((f, i) => i >= from && f.label === item.label);
        assert.ok(at >= 0, `${section.title} → ${item.label} is on the page, after the fields before it in the guide`);
        from = at + 1;
        const field = shown.fields[at]!;
        assert.ok(field.help, `${section.title} → ${item.label} has help text`);
        if (item.label === 'User Identifier Regex') {
          assert.equal(field.help, '^[^@]* when the ILLiad username is the part of the university e-mail before the @; otherwise leave blank.');
        } else if (item.label === 'API Key') {
          assert.ok(normal(field.help).includes('unique api key created by illiad'), field.help);
        } else if (item.value) {
          assert.ok(normal(field.help).includes(normal(item.value)), `${section.title} → ${item.label}: the help "${field.help}" says the guide's "${item.value}"`);
        }
      }
    }
    // The example's values are in the fields: text, number, select, checkbox, code of a location.
    const form = formOf(page.body, ILLIAD);
    assert.equal(form['ncip.generalInformation.userIdentifierRegex'], '^[^@]*');
    assert.equal(form['ncip.generalInformation.loanPeriod'], '90');
    assert.equal(form['ncip.generalInformation.userIdentifierType'], 'EMAIL');
    assert.equal(form['ncip.acceptItem.automaticReceive'], 'on');
    assert.equal(form['ncip.exportToThirdParty.closeRequestWhenExported'], undefined, 'an unchecked box');
    assert.equal(form['ncip.checkOutItem.defaultLocation'], 'RS_LONG_LOAN');
    assert.equal(form['ncip.exportToThirdParty.url'], '${ILLIAD_URL}');
    assert.match(page.body, /<option value="RS_LONG_LOAN" selected>Resource Sharing Long Loan \(RS_LONG_LOAN\)<\/option>/, 'codes offered by name');
    assert.match(page.body, /<option value="HOLD_FOR_PICKUP" selected>Hold for Pickup<\/option>/, "enums by their labels");
    assert.match(page.body, /<input id="p-code" type="text" value="ILLiad" readonly/, 'the code cannot be changed');
  });

  test('the API key is write-only: the page says it is set, never what it is', async () => {
    const page = await manager.get(ILLIAD);
    assert.ok(!page.body.includes(EXAMPLE_ENV.ILLIAD_API_KEY), "the env variable's value is not in the page");
    assert.match(page.body, /A key is set: the environment variable \$\{ILLIAD_API_KEY\}\. Leave this field empty to keep it\./);
    assert.match(page.body, /<input id="p-ncip-exportToThirdParty-apiKey" name="ncip.exportToThirdParty.apiKey" type="password" value=""/);
    // A literal key (set through the API) is not shown either, to anyone.
    const literal = 'literal-secret-key-8f3a';
    assert.equal((await app.call('PATCH', '/api/v1/partners/ILLiad', { body: { ncip: { exportToThirdParty: { apiKey: literal } } } })).statusCode, 200);
    for (const who of [manager, readOnly]) {
      const shown = await who.get(ILLIAD);
      assert.ok(!shown.body.includes(literal) && !shown.body.includes(EXAMPLE_ENV.ILLIAD_API_KEY), 'neither key is in the page');
      assert.match(shown.body, /A key is set \(it is never shown\)/);
    }
    assert.equal((await app.call('PATCH', '/api/v1/partners/ILLiad', { body: { ncip: { exportToThirdParty: { apiKey: '${ILLIAD_API_KEY}' } } } })).statusCode, 200);
  });

  test('saving with the key left empty keeps it; a typed key replaces it; "remove the key" clears it', async () => {
    const saved = await save({ 'ncip.generalInformation.loanPeriod': '60' });
    assert.equal(saved.statusCode, 303, saved.body);
    assert.equal(saved.headers.location, `${ILLIAD}?saved=1`);
    let partner = await apiPartner('ILLiad');
    assert.equal(partner.ncip.generalInformation.loanPeriod, 60, 'the change is saved');
    assert.equal(partner.ncip.exportToThirdParty.apiKey, '${ILLIAD_API_KEY}', 'the env reference is kept');
    assert.equal(partner.ncip.generalInformation.userIdentifierRegex, '^[^@]*', 'what was not changed stays');
    assert.match((await manager.get(`${ILLIAD}?saved=1`)).body, /<p class="notice" role="status">Saved\.<\/p>/);

    assert.equal((await save({ 'ncip.exportToThirdParty.apiKey': 'typed-key-1234' })).statusCode, 303);
    partner = await apiPartner('ILLiad');
    assert.deepEqual(partner.ncip.exportToThirdParty.apiKey, { set: true });
    const typed = (await storedKey()).profileType === 'NCIP' ? (await storedKey() as any).ncip.exportToThirdParty.apiKey : null;
    assert.ok(typed instanceof Secret && typed.reveal({}) === 'typed-key-1234', 'the typed key is stored');
    assert.ok(!(await manager.get(ILLIAD)).body.includes('typed-key-1234'));

    assert.equal((await save({ 'ncip.generalInformation.loanPeriod': '90' })).statusCode, 303);
    const kept = (await storedKey() as any).ncip.exportToThirdParty.apiKey;
    assert.ok(kept instanceof Secret && kept.reveal({}) === 'typed-key-1234', 'an empty field kept the literal key');

    // Removing the key while exporting Using API is refused, next to the key.
    const refused = await save({ 'remove:ncip.exportToThirdParty.apiKey': 'on' });
    assert.equal(refused.statusCode, 422);
    assert.equal(sectionFields(refused.body, 6).fields.find((f) => f.label === 'API Key')?.error, 'is required when Export to third party is Using API');
    assert.deepEqual((await apiPartner('ILLiad')).ncip.exportToThirdParty.apiKey, { set: true }, 'nothing saved');
    const removed = await save({ 'remove:ncip.exportToThirdParty.apiKey': 'on', 'ncip.exportToThirdParty.exportToThirdParty': 'NO' });
    assert.equal(removed.statusCode, 303, removed.body);
    assert.equal((await apiPartner('ILLiad')).ncip.exportToThirdParty.apiKey, null, 'cleared');
    assert.match((await manager.get(ILLIAD)).body, /No key is set\./);

    assert.equal((await save({ 'ncip.exportToThirdParty.apiKey': '${ILLIAD_API_KEY}', 'ncip.exportToThirdParty.exportToThirdParty': 'USING_API' })).statusCode, 303);
    assert.equal((await apiPartner('ILLiad')).ncip.exportToThirdParty.apiKey, '${ILLIAD_API_KEY}');
  });

  test('a bad value is shown next to its field, the form keeps what was typed, and nothing is saved', async () => {
    const before = await apiPartner('ILLiad');
    const response = await save({
      'ncip.generalInformation.userIdentifierRegex': '^[^@*',
      'ncip.exportToThirdParty.url': 'not a url',
      'ncip.generalInformation.loanPeriod': '45',
      'ncip.exportToThirdParty.nvtgc': 'ILL',
      'ncip.acceptItem.receiveDesk': 'NO_SUCH_DESK',
    });
    assert.equal(response.statusCode, 422);
    const general = sectionFields(response.body, 1).fields;
    assert.equal(general.find((f) => f.label === 'User Identifier Regex')?.error, '"^[^@*" is not a valid regular expression: missing ]');
    assert.match(response.body, /aria-describedby="p-ncip-generalInformation-userIdentifierRegex-help p-ncip-generalInformation-userIdentifierRegex-error"/);
    const exporting = sectionFields(response.body, 6).fields;
    assert.match(exporting.find((f) => f.label === 'URL')?.error ?? '', /^"not a url" is not a URL/);
    assert.equal(exporting.find((f) => f.label === 'NVTGC')?.error, undefined, 'only the bad fields are marked');
    assert.match(response.body, /<div class="error" role="alert"><p>Nothing was saved/);
    assert.match(response.body, /<input id="p-code" type="text" value="ILLiad" readonly/, 'the fixed fields still show the stored values');
    assert.match(response.body, /<input id="p-profileType" type="text" value="NCIP" readonly/);
    const kept = formOf(response.body, ILLIAD);
    assert.equal(kept['ncip.generalInformation.userIdentifierRegex'], '^[^@*', 'what was typed is kept');
    assert.equal(kept['ncip.exportToThirdParty.url'], 'not a url');
    assert.equal(kept['ncip.generalInformation.loanPeriod'], '45');
    assert.equal(kept['ncip.exportToThirdParty.nvtgc'], 'ILL');
    assert.deepEqual(await apiPartner('ILLiad'), before, 'nothing was saved');

    // A number that is not one, and a code of nothing (the use case's reference check), each at its field.
    const more = await save({ 'ncip.generalInformation.loanPeriod': 'ninety', 'ncip.acceptItem.receiveDesk': 'NO_SUCH_DESK' });
    assert.equal(more.statusCode, 422);
    assert.match(sectionFields(more.body, 1).fields.find((f) => f.label === 'Loan Period')?.error ?? '', /^must be a number/);
    assert.equal(formOf(more.body, ILLIAD)['ncip.generalInformation.loanPeriod'], 'ninety');
    const desk = await save({ 'ncip.acceptItem.receiveDesk': 'NO_SUCH_DESK' });
    assert.equal(desk.statusCode, 422);
    assert.equal(sectionFields(desk.body, 4).fields.find((f) => f.label === 'Receive Desk')?.error, 'names circulation desk NO_SUCH_DESK, which does not exist');
    assert.match(desk.body, /<option value="NO_SUCH_DESK" selected>NO_SUCH_DESK \(does not exist\)<\/option>/, 'the typed code is kept');
    assert.deepEqual(await apiPartner('ILLiad'), before);
  });

  test('a save from a page drawn before someone else saved the partner is refused, says when, and keeps what was typed', async () => {
    const original = (await apiPartner('ILLiad')).ncip.generalInformation.loanPeriod;
    const page = await manager.get(ILLIAD);
    const form = formOf(page.body, ILLIAD);
    assert.match(form._version ?? '', /^id\d+\.\d+$/, 'the form carries the version it was drawn from');
    // Meanwhile someone else saves the partner (here through the API, as another person's page would).
    app.clock.advance(5 * 60_000);
    const other = await app.call('PATCH', '/api/v1/partners/ILLiad', { body: { ncip: { generalInformation: { loanPeriod: 60 } } } });
    assert.equal(other.statusCode, 200, other.body);
    const theirs = await apiPartner('ILLiad');

    const typed = { ...form, 'ncip.generalInformation.loanPeriod': '21', 'ncip.exportToThirdParty.nvtgc': 'TYPED' };
    const response = await manager.post(ILLIAD, typed);
    assert.equal(response.statusCode, 409, response.body);
    const at = theirs.updatedAt as string;
    assert.match(
      response.body,
      new RegExp(`<div class="error stale" role="alert" id="stale" tabindex="-1" autofocus><p><span>Someone else saved this partner at </span><time datetime="${at}">${at.slice(0, 10)} ${at.slice(11, 19)} UTC</time><span> while you were editing; nothing was saved\\.</span></p>`),
    );
    assert.match(response.body, /<a href="\/ui\/partners\/ILLiad">See the current values \(reload the partner\)<\/a>/);
    const formStart = response.body.indexOf(`<form method="post" action="${ILLIAD}"`);
    assert.ok(formStart >= 0 && response.body.indexOf('id="stale"') > formStart, 'the notice is at the top of the form');
    const kept = formOf(response.body, ILLIAD);
    assert.equal(kept['ncip.generalInformation.loanPeriod'], '21', 'what was typed is kept');
    assert.equal(kept['ncip.exportToThirdParty.nvtgc'], 'TYPED');
    assert.equal(kept._version, form._version, 'and the version it was drawn from: saving it again is refused too');
    assert.deepEqual(await apiPartner('ILLiad'), theirs, 'nothing was saved');
    assert.equal((await manager.post(ILLIAD, kept)).statusCode, 409);
    assert.deepEqual(await apiPartner('ILLiad'), theirs);

    // Reloaded: their change is there, with the new version, and a save from it goes through.
    const reloaded = formOf((await manager.get(ILLIAD)).body, ILLIAD);
    assert.equal(reloaded['ncip.generalInformation.loanPeriod'], '60');
    assert.notEqual(reloaded._version, form._version);
    const saved = await manager.post(ILLIAD, { ...reloaded, 'ncip.generalInformation.loanPeriod': '21' });
    assert.equal(saved.statusCode, 303, saved.body);
    assert.equal((await apiPartner('ILLiad')).ncip.generalInformation.loanPeriod, 21);
    await app.call('PATCH', '/api/v1/partners/ILLiad', { body: { ncip: { generalInformation: { loanPeriod: original } } } });
  });

  test("the doctor's findings about the partner are at the top of its page, with a link to the doctor", async () => {
    let page = (await manager.get(ILLIAD)).body;
    const doctor = page.indexOf('<h2 id="doctor-findings">Doctor</h2>');
    assert.ok(doctor > 0 && doctor < page.indexOf('<form method="post" action="/ui/partners/ILLiad"'), 'above the form');
    assert.match(page, /<a href="\/ui\/doctor">Open the doctor<\/a>/);
    assert.match(page, /<span class="badge pass">Pass<\/span> <strong>Loan Period<\/strong>/);
    assert.ok(!page.includes('A rota template with just ILLiad'), 'checks about rotas and rules are not about the partner');
    assert.equal((await save({ 'ncip.generalInformation.enableServiceForGuestUser': 'on' })).statusCode, 303);
    page = (await manager.get(ILLIAD)).body;
    assert.match(page, /<li class="check fail"><span class="badge fail">Fail<\/span> <strong>Enable Service For Guest User: No<\/strong> <span>— Guests are offered ILLiad/);
    assert.ok(page.indexOf('badge fail') < page.indexOf('badge pass'), 'failures first');
    assert.equal((await save({ 'ncip.generalInformation.enableServiceForGuestUser': undefined })).statusCode, 303);
    const north = (await manager.get('/ui/partners/NORTH')).body;
    assert.match(north, /The doctor checks the lender of last resort, partner ILLiad; it has no findings about this partner\./);
  });

  test('an ISO 18626 partner: its parameters, a write-only shared secret, and an Interlend locate profile with a write-only token', async () => {
    const url = '/ui/partners/NORTH';
    const page = await manager.get(url);
    assert.equal(page.statusCode, 200);
    const iso = sectionFields(page.body, 1);
    assert.equal(iso.title, 'ISO 18626');
    assert.deepEqual(iso.fields.map((f) => f.label), ['URL', 'Agency ID Type', 'Agency ID Value', 'Shared Secret']);
    assert.match(page.body, /No secret is set\./);
    const saved = await save({ 'iso18626.sharedSecret': 'peer-secret-77', 'locateProfile.type': 'INTERLEND', 'locateProfile.url': 'https://interlend.north.example.edu', 'locateProfile.token': 'north-token-55' }, manager, url);
    assert.equal(saved.statusCode, 303, saved.body);
    const shown = await manager.get(url);
    assert.ok(!shown.body.includes('peer-secret-77') && !shown.body.includes('north-token-55'), 'neither secret is shown');
    assert.match(shown.body, /A secret is set \(it is never shown\)/);
    assert.match(shown.body, /A token is set \(it is never shown\)/);
    assert.equal((await save({ 'respondWithinDays': '7' }, manager, url)).statusCode, 303);
    const north = await apiPartner('NORTH');
    assert.deepEqual(north.iso18626.sharedSecret, { set: true });
    assert.deepEqual(north.locateProfile, { type: 'INTERLEND', url: 'https://interlend.north.example.edu', token: { set: true } });
    assert.equal(north.respondWithinDays, 7);
    const stored = (await app.config.get('partners', 'NORTH')).doc as any;
    assert.equal(stored.locateProfile.token.reveal({}), 'north-token-55', 'the empty field kept the token');
    assert.equal(stored.iso18626.sharedSecret.reveal({}), 'peer-secret-77');
    // Back to no locate profile, and a static list, one holding a line.
    assert.equal((await save({ 'locateProfile.type': 'STATIC', 'locateProfile.holdings': '12345\r\n\r\n 9780060652920 ' }, manager, url)).statusCode, 303);
    assert.deepEqual((await apiPartner('NORTH')).locateProfile, { type: 'STATIC', holdings: ['12345', '9780060652920'] });
    assert.equal((await save({ 'locateProfile.type': '', 'remove:iso18626.sharedSecret': 'on' }, manager, url)).statusCode, 303);
    assert.equal((await apiPartner('NORTH')).locateProfile, null);
    assert.equal((await apiPartner('NORTH')).iso18626.sharedSecret, null);
  });

  test('the new-partner form: code, name and profile type first; refusals next to their fields; then the partner page', async () => {
    const form = await manager.get('/ui/partners/new');
    assert.equal(form.statusCode, 200);
    const labels = [...form.body.matchAll(/<label for="[^"]+">([^<]*)<\/label>/g)].map((m) => m[1]);
    assert.deepEqual(labels.slice(0, 3), ['Code', 'Name', 'Profile Type']);
    const duplicate = await manager.post('/ui/partners/new', { code: 'ILLiad', name: 'Another', profileType: 'NCIP', systemType: 'ILLIAD' });
    assert.equal(duplicate.statusCode, 422);
    assert.match(duplicate.body, /<p class="error" id="p-code-error">a partner ILLiad already exists<\/p>/);
    assert.match(duplicate.body, /<input id="p-name" name="name" type="text" value="Another"/, 'what was typed is kept');
    const peer = await manager.post('/ui/partners/new', { code: 'WEST', name: 'West College', profileType: 'ISO18626', systemType: 'RESHARE', 'iso18626.url': 'nowhere', 'iso18626.agencyIdValue': '' });
    assert.equal(peer.statusCode, 422);
    assert.match(peer.body, /<p class="error" id="p-iso18626-url-error">&#34;nowhere&#34; is not a URL/);
    assert.match(peer.body, /<p class="error" id="p-iso18626-agencyIdValue-error">must not be empty/);
    const created = await manager.post('/ui/partners/new', { code: 'WEST', name: 'West College', profileType: 'ISO18626', systemType: 'RESHARE', 'iso18626.url': 'https://west.example.edu/iso18626', 'iso18626.agencyIdValue': 'US-WC' });
    assert.equal(created.statusCode, 303, created.body);
    assert.equal(created.headers.location, '/ui/partners/WEST?created=1');
    assert.equal((await apiPartner('WEST')).iso18626.agencyIdValue, 'US-WC');
    const ncip = await manager.post('/ui/partners/new', { code: 'ILLIAD2', name: 'Second ILLiad', profileType: 'NCIP', systemType: 'ILLIAD' });
    assert.equal(ncip.statusCode, 303, ncip.body);
    const page = await manager.get('/ui/partners/ILLIAD2');
    assert.equal(sectionFields(page.body, 7).title, 'Create User Fiscal Transaction', 'a new NCIP partner has every section of the guide');
    assert.equal((await apiPartner('ILLIAD2')).ncip.generalInformation.loanPeriod, 90, "the schema's defaults");
  });

  test('hostile text is escaped in the page, in the list and in a refused form', async () => {
    // Outside attribute values (where quotes are escaped), no tag may appear: a broken-out quote would leave one.
    const live = (html: string) => html.replace(/="[^"]*"/g, '=""');
    assert.equal((await save({ name: HOSTILE, borrowingWorkflow: `"><img src=x onerror=alert(2)>` }, manager, '/ui/partners/SOUTH')).statusCode, 303);
    const page = await manager.get('/ui/partners/SOUTH');
    assert.ok(!live(page.body).includes(HOSTILE) && !live(page.body).includes('<img'), 'nothing live');
    assert.ok(page.body.includes(`<h1>${ESCAPED} (SOUTH)</h1>`));
    assert.ok(page.body.includes('value="&#34;><img src=x onerror=alert(2)>"'), 'an attribute keeps its quotes');
    const list = await manager.get('/ui/partners');
    assert.ok(!live(list.body).includes(HOSTILE) && list.body.includes(`<td>${ESCAPED}</td>`));
    const refused = await save({ 'iso18626.url': `"${HOSTILE}` }, manager, '/ui/partners/SOUTH');
    assert.equal(refused.statusCode, 422);
    assert.ok(!live(refused.body).includes(HOSTILE), 'no attribute is broken out of, no script in the message');
    assert.ok(refused.body.includes(`value="&#34;${HOSTILE}"`), 'the typed value is kept, escaped');
    assert.ok(refused.body.includes(`<p class="error" id="p-iso18626-url-error">&#34;\\&#34;${ESCAPED}&#34; is not a URL`), 'the message is escaped');
    const read = await readOnly.get('/ui/partners/SOUTH');
    assert.ok(!live(read.body).includes(HOSTILE) && read.body.includes(ESCAPED), 'the read-only page too');
  });

  test('read-only sees the partner without a form and is refused on every post', async () => {
    const before = await apiPartner('ILLiad');
    const page = await readOnly.get(ILLIAD);
    assert.equal(page.statusCode, 200);
    assert.ok(!page.body.includes('<form method="post" action="/ui/partners/ILLiad"'), 'no form');
    assert.ok(!page.body.includes('name="ncip.'), 'no input');
    assert.ok(!page.body.includes('Save the partner'));
    assert.match(page.body, /<dt>Loan Period<\/dt><dd><span class="value">90<\/span><span class="help">The guide: 90/);
    assert.match(page.body, /<dt>API Key<\/dt><dd><span class="value">A key is set: the environment variable \$\{ILLIAD_API_KEY\}\.<\/span>/);
    assert.ok(!page.body.includes(EXAMPLE_ENV.ILLIAD_API_KEY));
    assert.ok(!page.body.includes('>Holdings<'), 'locate fields of no profile are left out');
    const post = await readOnly.post(ILLIAD, { ...formOf((await manager.get(ILLIAD)).body, ILLIAD), 'ncip.generalInformation.loanPeriod': '5' });
    assert.equal(post.statusCode, 403);
    assert.match(post.body, /may not do this/);
    assert.equal((await readOnly.get('/ui/partners/new')).statusCode, 403);
    assert.equal((await readOnly.post('/ui/partners/new', { code: 'X', name: 'X', profileType: 'NCIP' })).statusCode, 403);
    assert.deepEqual(await apiPartner('ILLiad'), before, 'nothing changed');
    assert.equal((await app.call('GET', '/api/v1/partners/X')).statusCode, 404);
  });

  test('a post without the CSRF token, or with another session\'s, is refused and saves nothing', async () => {
    const before = await apiPartner('ILLiad');
    const form = { ...formOf((await manager.get(ILLIAD)).body, ILLIAD), 'ncip.generalInformation.loanPeriod': '5' };
    assert.equal((await manager.post(ILLIAD, form, { csrf: false })).statusCode, 403);
    assert.equal((await manager.post(ILLIAD, form, { csrf: readOnly.csrf })).statusCode, 403);
    assert.equal((await manager.post('/ui/partners/new', { code: 'CSRF', name: 'x', profileType: 'NCIP' }, { csrf: false })).statusCode, 403);
    assert.deepEqual(await apiPartner('ILLiad'), before);
    assert.equal((await manager.post(ILLIAD, form)).statusCode, 303, 'with the token it goes through');
    assert.equal((await apiPartner('ILLiad')).ncip.generalInformation.loanPeriod, 5);
  });

  test('an unknown partner is a 404 page', async () => {
    const missing = await manager.get('/ui/partners/NOPE');
    assert.equal(missing.statusCode, 404);
    assert.match(missing.body, /partner NOPE does not exist/);
  });
});
