/**
 * Issue 8's whole flow in a real browser, against real processes talking real HTTP: `interlend serve` on an empty
 * database (INTERLEND_DEMO=0), the ILLiad simulator (`interlend illiad-sim`, Web Platform API and NCIP add-on) and
 * two ISO 18626 mock peers (`interlend peer-mock`) that turn every request down.
 *
 * 1. The first admin, made with `interlend users add`, signs in with a password, adds a partners manager and an
 *    operator on the Users page, and sets up the institution and its places.
 * 2. A partners manager sets up the guide "ILLiad as Lender of Last Resort" through the pages alone: the ILLiad
 *    partner with every value of the guide, the two peers, the peers' rota template and the ILLiad rota template,
 *    the peers' rule and the ILLiad rule, made final. What the pages saved must equal the shipped example.
 * 3. An operator imports a patron and enters a request; it walks both peers and reaches the ILLiad simulator; the
 *    request page shows it Exported to third party with ILLiad's transaction number.
 * 4. ILLiad checks the item in from its lender (the simulator's NCIP add-on sends AcceptItem to our /ncip); the
 *    dashboard shows it received; the operator checks it out to the patron and takes it back, from the request page.
 *
 * Screenshots of each step go to $UI_SCREENSHOTS (see browser-support.ts). Without /usr/bin/chromium the test is
 * skipped, saying so; with CI=true that is a failure.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { parse } from 'yaml';
import { freePort, type Running, start, waitForOk, waitUntil } from '../support/processes.ts';
import { CHROMIUM, FLAGS, shot, skip } from './browser-support.ts';
import { EXAMPLE } from './helpers.ts';

const ADMIN_TOKEN = 'guide-setup-admin-token-0123456789abcdef';
const API_KEY = 'guide-setup-illiad-key';
const AGENCY = 'CSU_DEMO';
/** Staff users of each role the walk needs; the admin adds the other two on the Users page. */
const PASSWORDS = { ada: 'ada-admin-passphrase-1', pat: 'pat-partners-passphrase-2', oscar: 'oscar-operator-passphrase-3' };

interface Site {
  readonly address: string;
  readonly illiad: string;
  readonly north: string;
  readonly south: string;
}

const running: Running[] = [];
let site: Site | undefined;
let browser: Browser | undefined;
let dataDir: string | undefined;

const node = (args: string[], env: Record<string, string> = {}) => start(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], env);

before(async () => {
  if (skip) return;
  dataDir = mkdtempSync(join(tmpdir(), 'interlend-guide-'));
  const [port, illiadPort, northPort, southPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const address = `http://127.0.0.1:${port}`;
  const server = node(['serve'], { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, INTERLEND_DEMO: '0', INTERLEND_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'warn' });
  const illiad = node(['illiad-sim', '--port', String(illiadPort), '--api-key', API_KEY, '--ncip-url', `${address}/ncip`, '--agency-id', AGENCY]);
  const north = node(['peer-mock', '--port', String(northPort), '--symbol', 'US-NSU', '--scenario', 'UNFILLED', '--peer-url', `${address}/iso18626`]);
  const south = node(['peer-mock', '--port', String(southPort), '--symbol', 'US-SCC', '--scenario', 'UNFILLED', '--peer-url', `${address}/iso18626`]);
  running.push(server, illiad, north, south);
  await Promise.all([
    waitForOk(`${address}/healthz`, 20_000, server),
    waitForOk(`http://127.0.0.1:${illiadPort}/sim/users`, 20_000, illiad),
    waitForOk(`http://127.0.0.1:${northPort}/healthz`, 20_000, north),
    waitForOk(`http://127.0.0.1:${southPort}/healthz`, 20_000, south),
  ]);
  // The first admin, as a fresh install makes one: the CLI, the password from the environment.
  const addAdmin = node(['users', 'add', 'ada', '--role', 'admin', '--name', 'Ada Admin'], { DATA_DIR: dataDir, INTERLEND_PASSWORD: PASSWORDS.ada, LOG_LEVEL: 'warn' });
  assert.equal(await addAdmin.exited, 0, addAdmin.output());
  site = { address, illiad: `http://127.0.0.1:${illiadPort}`, north: `http://127.0.0.1:${northPort}/iso18626`, south: `http://127.0.0.1:${southPort}/iso18626` };
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
});

after(async () => {
  // What the page showed when a step failed: the first thing to look at.
  if (lastPage && !lastPage.isClosed()) await shot(lastPage, '89-guide-last-page').catch(() => undefined);
  await browser?.close();
  for (const process of running) await process.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function api(path: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<any> {
  const response = await fetch(`${site!.address}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.token ?? ADMIN_TOKEN}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  assert.ok(response.ok, `${init.method ?? 'GET'} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

let lastPage: Page | undefined;

async function newPage(): Promise<{ page: Page; problems: string[]; close(): Promise<void> }> {
  const context = await browser!.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  lastPage = page;
  const problems: string[] = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(`${message.text()} (${page.url()})`));
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => response.status() >= 400 && problems.push(`${response.status()} ${response.url()}`));
  return { page, problems, close: () => context.close() };
}

async function signIn(page: Page, username: keyof typeof PASSWORDS): Promise<void> {
  await page.goto(`${site!.address}/ui/sign-in`);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORDS[username]);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.pathname !== '/ui/sign-in');
}

async function addUser(page: Page, username: keyof typeof PASSWORDS, name: string, role: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('Role').selectOption(role);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORDS[username]);
  await page.getByLabel('Password again').fill(PASSWORDS[username]);
  await page.getByRole('button', { name: 'Add the user' }).click();
  await page.getByRole('status').filter({ hasText: `Added ${username}` }).waitFor();
}

/** The example's ILLiad partner and peers as the pages must have saved them (addresses are this test's). */
function expectedConfiguration() {
  const example = parse(EXAMPLE) as { partners: Record<string, any>[]; rotaTemplates: Record<string, any>[]; rotaRules: Record<string, any>[] };
  const partners = example.partners.map((partner): Record<string, any> => {
    if (partner.code === 'ILLiad') return { ...partner, ncip: { ...partner.ncip, exportToThirdParty: { ...partner.ncip.exportToThirdParty, url: `${site!.illiad}/ILLiadWebPlatform`, apiKey: { set: true } } } };
    return { ...partner, iso18626: { ...partner.iso18626, url: partner.code === 'NORTH' ? site!.north : site!.south } };
  });
  // The guide keeps the ILLiad rota Inactive until go-live; this walk goes live, so it is Active.
  const rotaTemplates = example.rotaTemplates.map((t) => (t.code === 'ILLiad' ? { ...t, status: 'ACTIVE' } : t));
  // A condition without a value (Is Not Empty) is stored with value null.
  const rotaRules = example.rotaRules.map((r) => ({ ...r, conditions: r.conditions.map((c: object) => ({ value: null, ...c })) }));
  return { partners, rotaTemplates, rotaRules };
}

test('from an empty database: the guide set up through the pages, a request walks the peers to ILLiad, arrives, is checked out and returned', { skip, timeout: 180_000 }, async () => {
  const { address } = site!;
  // 1. The admin adds the staff, then sets up the institution and places.
  {
    const { page, problems, close } = await newPage();
    await signIn(page, 'ada');
    await addUser(page, 'pat', 'Pat Partners', 'partners-manager');
    await addUser(page, 'oscar', 'Oscar Operator', 'operator');
    await placesByAdmin(page);
    assert.deepEqual(problems, [], 'no script errors, no failed loads');
    await close();
    const example = parse(EXAMPLE) as Record<string, any>;
    assert.deepEqual(strip(await api('/api/v1/institution')), example.institution, 'the institution as the example has it');
    for (const [path, section] of [['libraries', 'libraries'], ['locations', 'locations'], ['desks', 'desks'], ['item-policies', 'itemPolicies']] as const) {
      const wanted = (example[section] as { code: string }[]).filter((o) => ['MAIN', 'RS_LONG_LOAN', 'RS_DESK', 'GENERAL'].includes(o.code));
      assert.deepEqual((await api(`/api/v1/${path}`)).items.map(strip), wanted, `${path} as the example has them`);
    }
  }

  // 2. The guide, by a partners manager.
  {
    const { page, problems, close } = await newPage();
    await signIn(page, 'pat');
    await createIlliadPartner(page);
    await createPeer(page, { code: 'NORTH', name: 'North State University Library', system: 'Interlend', url: site!.north, symbol: 'US-NSU' });
    await createPeer(page, { code: 'SOUTH', name: 'South Coast College Library', system: 'ReShare', url: site!.south, symbol: 'US-SCC' });
    await createTemplate(page, { code: 'PEERS', name: 'Network peers', members: ['NORTH', 'SOUTH'] });
    await createTemplate(page, { code: 'ILLiad', name: 'ILLiad Partner', members: ['ILLiad'] });
    await createRules(page);
    assert.deepEqual(problems, [], 'no script errors, no failed loads');
    await close();

    const expected = expectedConfiguration();
    for (const partner of expected.partners) {
      const got = strip(await api(`/api/v1/partners/${partner.code}`));
      assert.deepEqual(got, { ...partner, respondWithinDays: got.respondWithinDays }, `partner ${partner.code} as the guide has it`);
    }
    for (const template of expected.rotaTemplates) assert.deepEqual(strip(await api(`/api/v1/rota-templates/${template.code}`)), template);
    const rules = (await api('/api/v1/rota-rules')).items.map(strip);
    assert.deepEqual(rules, expected.rotaRules, 'the rules in order, the ILLiad rule final');
    const doctor = await api('/api/v1/doctor?offline=false');
    assert.deepEqual(
      doctor.checks.filter((c: { status: string }) => c.status !== 'pass').map((c: { id: string; message: string }) => `${c.id}: ${c.message}`),
      [],
      'the doctor finds nothing wrong',
    );
    assert.ok(['illiad-key-accepted', 'illiad-version'].every((id) => doctor.checks.some((c: { id: string }) => c.id === id)), 'the live checks ran, against the simulator');
  }

  // 3. A request, by an operator.
  const { page, problems, close } = await newPage();
  await signIn(page, 'oscar');
  await importPatron(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New request' }).click();
  await page.getByLabel('Patron (primary id) (required)').fill('100200300');
  await page.getByLabel('Title (required)').fill('The Problem of Pain');
  await page.getByLabel('Author').fill('C. S. Lewis');
  await page.getByLabel('OCLC number').fill('12345');
  await shot(page, '81-guide-new-request');
  await page.getByRole('button', { name: 'Create the request' }).click();
  await page.waitForURL(/\/ui\/requests\/(?!new$)[^/]+$/);
  const requestId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
  const exported = await waitUntil(async () => {
    const request = await api(`/api/v1/borrowing-requests/${requestId}`);
    return request.status === 'EXPORTED_TO_THIRD_PARTY' ? request : undefined;
  }, 'the request reaches ILLiad');
  const transactionNumber = String(exported.exportedTo.transactionNumber);
  await page.reload();
  assert.equal(await page.locator('#request-status').textContent(), 'Exported to third party');
  assert.ok(await page.getByText(transactionNumber, { exact: true }).first().isVisible(), 'the ILLiad TN is on the page');
  const rota = page.getByRole('region', { name: 'Rota' });
  for (const peer of ['NORTH', 'SOUTH']) assert.ok(await rota.getByRole('row').filter({ hasText: peer }).isVisible(), `${peer} is in the rota`);
  await shot(page, '82-guide-exported');
  const transactions = (await (await fetch(`${site!.illiad}/sim/transactions`)).json()) as { ReferenceNumber: string; TransactionNumber: number; Username: string }[];
  assert.deepEqual(
    transactions.map((t) => [t.ReferenceNumber, t.Username, String(t.TransactionNumber)]),
    [[requestId, 'cwlee', transactionNumber]],
    'exactly one ILLiad transaction, for this request, for the derived username',
  );

  // 4. ILLiad checks the item in from its lender: the add-on sends AcceptItem.
  const event = await fetch(`${site!.illiad}/sim/events/borrowing-checked-in-from-lender`, { method: 'POST', body: JSON.stringify({ transactionNumber: Number(transactionNumber) }) });
  assert.equal(event.status, 200, await event.text());
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  const received = page.getByRole('link', { name: /Physically received/ });
  assert.match((await received.textContent()) ?? '', /1/);
  await shot(page, '83-guide-dashboard-received');
  await received.click();
  await page.getByRole('link', { name: 'The Problem of Pain' }).click();
  await page.locator('#request-status', { hasText: 'Physically received by library' }).waitFor();
  // The AcceptItem as ILLiad sent it, and our answer.
  const messages = page.getByRole('region', { name: 'Messages' });
  const acceptItem = messages.getByRole('row').filter({ hasText: 'AcceptItem' });
  assert.match((await acceptItem.textContent()) ?? '', /AcceptItem\s*Answered/);
  await acceptItem.getByText('AcceptItem and our answer (XML)').click();
  assert.match((await acceptItem.locator('pre.xml').first().textContent()) ?? '', new RegExp(`<(ns1:)?RequestIdentifierValue>${transactionNumber}<`));
  await shot(page, '84-guide-received-message');
  await page.getByRole('button', { name: 'Check out to the patron' }).click();
  await page.locator('#request-status', { hasText: 'Loaned to patron' }).waitFor({ timeout: 10_000 });
  await shot(page, '85-guide-loaned');
  await page.getByRole('button', { name: 'Returned by the patron' }).click();
  await page.locator('#request-status', { hasText: 'Returned by patron' }).waitFor({ timeout: 10_000 });
  await shot(page, '86-guide-returned');
  assert.deepEqual(problems, [], 'no script errors, no failed loads');
  await close();
});

const strip = (doc: Record<string, unknown>) => {
  const copy = { ...doc };
  for (const field of ['id', 'createdAt', 'updatedAt', 'position']) delete copy[field];
  return copy;
};

/** The admin's part: the institution and the places the guide's partner names (the guide's "Your Library" and so on). */
async function placesByAdmin(page: Page): Promise<void> {
  const label = (text: string) => page.getByLabel(text, { exact: true });
  const created = (text: string) => page.getByRole('status').filter({ hasText: text }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Libraries & places' }).click();
  await page.getByRole('link', { name: 'Set up the institution' }).click();
  await label('Code').fill(AGENCY);
  await label('Name').fill('California State University Demo Library');
  await label('NCIP Agency ID').fill(AGENCY);
  await label('ISIL').fill('US-CSUD');
  await label('Time Zone').fill('America/Los_Angeles');
  await page.getByRole('button', { name: 'Set up the institution' }).or(page.getByRole('button', { name: /^Create the institution|^Save the institution/ })).first().click();
  await created(`The institution ${AGENCY} was created.`);

  await page.getByRole('link', { name: 'New library' }).click();
  await label('Code').fill('MAIN');
  await label('Name').fill('Main Library');
  await label('Resource Sharing Library').check();
  await label('Pickup Library').check();
  await page.getByRole('button', { name: 'Create the library' }).click();
  await created('Library MAIN was created.');
  for (const [kind, code, name] of [
    ['location', 'RS_LONG_LOAN', 'Resource Sharing Long Loan'],
    ['circulation desk', 'RS_DESK', 'Resource Sharing Desk'],
  ] as const) {
    await page.getByRole('link', { name: `New ${kind}` }).click();
    await label('Code').fill(code);
    await label('Name').fill(name);
    await label('Library').selectOption('MAIN');
    await page.getByRole('button', { name: `Create the ${kind}` }).click();
    await created(`${kind[0]!.toUpperCase()}${kind.slice(1)} ${code} was created.`);
  }
  await page.getByRole('link', { name: 'New item policy' }).click();
  await label('Code').fill('GENERAL');
  await label('Name').fill('General loan');
  await label('Loan Period (days)').fill('28');
  await page.getByRole('button', { name: 'Create the item policy' }).click();
  await created('Item policy GENERAL was created.');
  await page.getByRole('link', { name: 'Edit the institution' }).click();
  await label('Default Pickup Library').selectOption('MAIN');
  await page.getByRole('button', { name: 'Save the institution' }).click();
  await created(`The institution ${AGENCY} was saved.`);
  await shot(page, '70-guide-places');
}

async function createIlliadPartner(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Partners' }).click();
  await page.getByRole('link', { name: 'New partner' }).click();
  await page.getByLabel('Code', { exact: true }).fill('ILLiad');
  await page.getByLabel('Name', { exact: true }).fill('ILLiad');
  await page.getByLabel('Profile Type', { exact: true }).selectOption({ label: 'NCIP' });
  await page.getByLabel('System Type', { exact: true }).selectOption({ label: 'ILLiad' });
  await page.getByRole('button', { name: 'Create the partner' }).click();
  await page.waitForURL(/\/ui\/partners\/ILLiad/);

  // The General Information tab.
  await page.getByLabel('Status', { exact: true }).first().selectOption({ label: 'Active' });
  await page.getByLabel('Supports Borrowing', { exact: true }).check();
  await page.getByLabel('Supports Lending', { exact: true }).check();
  await page.getByLabel('Borrowing Workflow', { exact: true }).fill('Borrowing NZ workflow');
  await page.getByLabel('Lending Workflow', { exact: true }).fill('Lending NZ Workflow');
  // The Parameters tab, section by section, in the guide's words.
  const section = (name: string) => page.getByRole('group', { name });
  const gi = section('General Information');
  await gi.getByLabel('User Identifier Type', { exact: true }).selectOption({ label: 'Email' });
  await gi.getByLabel('User Identifier Regex', { exact: true }).fill('^[^@]*');
  await gi.getByLabel('Broker System NCIP URL', { exact: true }).fill('');
  await gi.getByLabel('Disable Service When', { exact: true }).selectOption({ label: 'Never' });
  await gi.getByLabel('Loan Period', { exact: true }).fill('90');
  await gi.getByLabel('Request Pushing Method', { exact: true }).selectOption({ label: 'Link' });
  await gi.getByLabel('URL Template', { exact: true }).fill('');
  await gi.getByLabel('Enable Service For Guest User', { exact: true }).uncheck();
  await gi.getByLabel('Default Library Owner', { exact: true }).selectOption('MAIN');
  const ri = section('Request Item');
  await ri.getByLabel('Bibliographic Record ID Type', { exact: true }).selectOption({ label: 'OCLC Number' });
  await ri.getByLabel('Default Location', { exact: true }).selectOption('RS_LONG_LOAN');
  await ri.getByLabel('Support Borrowing', { exact: true }).check();
  await ri.getByLabel('Default Pickup Library', { exact: true }).selectOption('MAIN');
  const co = section('Check-Out Item');
  await co.getByLabel('Default Location', { exact: true }).selectOption('RS_LONG_LOAN');
  await co.getByLabel('Default Item Policy', { exact: true }).selectOption('GENERAL');
  const ai = section('Accept Item');
  await ai.getByLabel('Default Location', { exact: true }).selectOption('RS_LONG_LOAN');
  await ai.getByLabel('Automatic Receive', { exact: true }).check();
  await ai.getByLabel('Default Pickup Library', { exact: true }).selectOption('MAIN');
  await ai.getByLabel('Receive Desk', { exact: true }).selectOption('RS_DESK');
  await section('Look Up User').getByLabel('Require Authentication', { exact: true }).uncheck();
  const ex = section('Export To Third Party');
  await ex.getByLabel('Export to third party', { exact: true }).selectOption({ label: 'Using API' });
  await ex.getByLabel('URL', { exact: true }).fill(`${site!.illiad}/ILLiadWebPlatform`);
  await ex.getByLabel('Export Request ID Name Tag', { exact: true }).fill('ReferenceNumber');
  await ex.getByLabel('Close Request When Exported', { exact: true }).uncheck();
  await ex.getByLabel('Create User In ILLiad', { exact: true }).check();
  await ex.getByLabel('Search User In ILLiad Using', { exact: true }).selectOption({ label: 'Email Address' });
  await ex.getByLabel('NVTGC', { exact: true }).fill('');
  await ex.getByLabel('Status', { exact: true }).fill('');
  await ex.getByLabel('Notification Preference', { exact: true }).fill('');
  await ex.getByLabel('Notification Method', { exact: true }).selectOption({ label: 'Electronic' });
  await ex.getByLabel('Delivery Method', { exact: true }).selectOption({ label: 'Hold for Pickup' });
  await ex.getByLabel('Loan Delivery Method', { exact: true }).selectOption({ label: 'Hold for Pickup' });
  await ex.getByLabel('Electronic Delivery', { exact: true }).uncheck();
  await ex.getByLabel('Auth type', { exact: true }).selectOption({ label: 'Default' });
  await ex.getByLabel('API Key', { exact: true }).fill(API_KEY);
  await section('Create User Fiscal Transaction').getByLabel('Create Fee Using', { exact: true }).selectOption({ label: 'Ignore Message' });
  await shot(page, '71-guide-illiad-partner');
  await page.getByRole('button', { name: 'Save the partner' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
}

async function createPeer(page: Page, peer: { code: string; name: string; system: string; url: string; symbol: string }): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Partners' }).click();
  await page.getByRole('link', { name: 'New partner' }).click();
  await page.getByLabel('Code', { exact: true }).fill(peer.code);
  await page.getByLabel('Name', { exact: true }).fill(peer.name);
  await page.getByLabel('Profile Type', { exact: true }).selectOption({ label: 'ISO 18626' });
  await page.getByLabel('System Type', { exact: true }).selectOption({ label: peer.system });
  await page.getByLabel('URL (ISO 18626 only)', { exact: true }).fill(peer.url);
  await page.getByLabel('Agency ID Value (ISO 18626 only)', { exact: true }).fill(peer.symbol);
  await page.getByRole('button', { name: 'Create the partner' }).click();
  await page.waitForURL(new RegExp(`/ui/partners/${peer.code}`));
  await page.getByLabel('Status', { exact: true }).first().selectOption({ label: 'Active' });
  await page.getByLabel('Supports Borrowing', { exact: true }).check();
  await page.getByLabel('Supports Lending', { exact: true }).check();
  await page.getByRole('button', { name: 'Save the partner' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
}

async function createTemplate(page: Page, template: { code: string; name: string; members: string[] }): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rota templates' }).click();
  await page.getByLabel('Code (required)').fill(template.code);
  await page.getByLabel('Name (required)').fill(template.name);
  await page.getByLabel('Type').selectOption({ label: 'Ordered' });
  await page.getByLabel('Status').selectOption({ label: 'Active' });
  await page.getByRole('button', { name: 'Create the rota template' }).click();
  await page.getByRole('heading', { level: 1, name: `Rota template ${template.code}` }).waitFor();
  for (const member of template.members) {
    await page.getByLabel('Partner to add (at the end)').selectOption(member);
    await page.getByRole('button', { name: 'Add to the template' }).click();
    await page.getByRole('region', { name: 'Template members' }).getByRole('cell', { name: member, exact: true }).first().waitFor();
  }
  await shot(page, `72-guide-template-${template.code}`);
}

async function createRules(page: Page): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  const rule = async (name: string, condition: { operator: string; values?: string[] }, template: string) => {
    await nav.getByRole('link', { name: 'Rota rules' }).click();
    await page.getByRole('link', { name: 'New rule' }).click();
    await page.getByLabel('Name (required)').fill(name);
    await page.getByRole('button', { name: 'Add a condition' }).click();
    const row = page.getByRole('group', { name: 'Condition 1' });
    await row.waitFor();
    // Each choice redraws the condition (htmx): the next one waits for the redraw, as a person would.
    await chooseAndRedraw(page, row.getByLabel('Parameter'), 'Requested Format');
    await chooseAndRedraw(page, row.getByLabel('Operator'), condition.operator);
    if (condition.values) await row.getByLabel('Values (choose one or more)').selectOption(condition.values.map((label) => ({ label })));
    await page.getByLabel(/Rota templates/).selectOption(template);
    await page.getByRole('button', { name: 'Create the rule' }).click();
    await page.getByText(`Created “${name}”`).waitFor();
  };
  await rule('Network peers first', { operator: 'In List', values: ['Physical', 'Digital'] }, 'PEERS');
  // A new rule goes before the final one by default, so the guide's rule, added second, is made final by hand.
  await rule('ILLiad lender of last resort', { operator: 'Is Not Empty' }, 'ILLiad');
  await nav.getByRole('link', { name: 'Rota rules' }).click();
  await page.getByRole('button', { name: 'Make final rule (ILLiad lender of last resort)' }).click();
  await page.getByRole('row').filter({ has: page.getByRole('link', { name: 'ILLiad lender of last resort' }) }).locator('.badge.final').waitFor({ timeout: 10_000 });
  await shot(page, '73-guide-rules');
}

/** Chooses an option that makes htmx redraw the conditions editor (if it is not chosen already), and waits for it. */
async function chooseAndRedraw(page: Page, select: Locator, label: string): Promise<void> {
  if ((await select.evaluate((element: any) => element.selectedOptions[0]?.label)) === label) return;
  await Promise.all([page.waitForResponse((response) => response.url().endsWith('/ui/rota-rules/conditions-editor')), select.selectOption({ label })]);
  await page.locator('.htmx-request, .htmx-swapping, .htmx-settling').first().waitFor({ state: 'detached' });
}

async function importPatron(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Patrons' }).click();
  await page.getByRole('link', { name: /Import/ }).first().click();
  await page.getByLabel('Or paste the CSV here').fill('primaryId,firstName,lastName,email,userGroup\n100200300,Christopher,Lee,cwlee@example.edu,FACULTY\n');
  await page.getByRole('button', { name: /Preview/ }).click();
  await page.getByRole('button', { name: /Import/ }).last().click();
  await page.getByText(/imported|created/i).first().waitFor();
}
