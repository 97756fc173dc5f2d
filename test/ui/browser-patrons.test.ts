/**
 * The patron import in a real browser (Debian's Chromium driven by playwright-core): an operator opens Patrons from
 * the navigation, goes to the CSV import, pastes a file with one bad row, sees that row's problem next to it in the
 * preview, imports, and finds the new patron in the list. Screenshots go to $UI_SCREENSHOTS (default: a temporary
 * folder). Without /usr/bin/chromium the test is skipped, saying so; with CI=true that is a failure.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app.ts';
import { EXAMPLE, EXAMPLE_ENV, PATRONS } from './helpers.ts';

/** As test/ui/browser.test.ts: Debian's Chromium, flags that keep it off Google's hosts. */
const CHROMIUM = process.env.UI_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const missing = !existsSync(CHROMIUM);
const skip = missing && process.env.CI !== 'true' ? `${CHROMIUM} is missing: install it with apt-get install -y chromium to run the browser test` : false;
const SHOTS = process.env.UI_SCREENSHOTS ?? join(tmpdir(), 'interlend-ui-screenshots');

let app: TestApp | undefined;
let browser: Browser | undefined;
before(async () => {
  if (skip) return;
  assert.ok(!missing, `${CHROMIUM} is missing, and CI=true: .ci/run installs it (apt-get install -y chromium)`);
  app = await createTestApp('sqlite', { ...EXAMPLE_ENV });
  await app.transfer.importYaml(EXAMPLE);
  await app.transfer.importYaml(PATRONS);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await app?.close();
});

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

const CSV = [
  'primaryId,firstName,lastName,email,userGroup,pickupLibrary,identifier:UNIVERSITY_ID',
  '400000001,Noor,"Haddad, MD",nhaddad@example.edu,FACULTY,MAIN,U-4001',
  '400000002,Otto,Olsen,not-an-email,STAFF,,',
].join('\n');

test('an operator pastes a CSV with one bad row, sees its problem in the preview, imports, and finds the new patron', { skip, timeout: 60_000 }, async () => {
  const address = await app!.app.listen({ port: 0, host: '127.0.0.1' });
  const context = await browser!.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => response.status() >= 400 && problems.push(`${response.status()} ${response.url()}`));

  await page.goto(`${address}/ui/sign-in`);
  await page.getByLabel('API token').fill(app!.tokenFor.operator);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${address}/ui`);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Patrons' }).click();
  await page.getByRole('heading', { level: 1, name: 'Patrons' }).waitFor();
  await shot(page, '31-patrons');
  await page.getByRole('link', { name: 'Import patrons from CSV' }).click();
  await page.getByRole('heading', { level: 1, name: 'Import patrons from CSV' }).waitFor();

  await page.getByLabel('Or paste the CSV here').fill(CSV);
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Preview of 2 rows: 1 to create' }).waitFor();
  const bad = page.getByRole('row').filter({ hasText: '400000002' });
  assert.match((await bad.textContent()) ?? '', /email: is not an e-mail address/);
  assert.match((await bad.textContent()) ?? '', /Not imported/);
  assert.match((await page.getByRole('row').filter({ hasText: '400000001' }).textContent()) ?? '', /Create/);
  assert.equal((await app!.call('GET', '/api/v1/patrons/400000001')).statusCode, 404, 'the preview wrote nothing');
  await shot(page, '32-patron-import-preview');

  await page.getByRole('button', { name: 'Import 1 row' }).click();
  await page.getByRole('status').filter({ hasText: 'Done: 1 patron created' }).waitFor();
  await shot(page, '33-patron-import-done');

  await page.getByRole('link', { name: 'Back to the patrons' }).click();
  await page.getByLabel('Primary id, name, e-mail or identifier').fill('haddad');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: '400000001' }).click();
  await page.getByRole('heading', { level: 1, name: 'Noor Haddad, MD (400000001)' }).waitFor();
  await shot(page, '34-patron');
  assert.equal((await app!.call('GET', '/api/v1/patrons/400000002')).statusCode, 404, 'the bad row was not imported');

  assert.deepEqual(problems, [], 'no script errors, no CSP refusals, no failed loads');
  await context.close();
  process.stdout.write(`# screenshots: ${SHOTS}\n`);
});
