/**
 * The patron import in a real browser (Debian's Chromium driven by playwright-core): an operator opens Patrons from
 * the navigation, goes to the CSV import, pastes a file with one bad row, sees that row's problem next to it in the
 * preview, imports, and finds the new patron in the list. Screenshots go to $UI_SCREENSHOTS (default: a temporary
 * folder). Without /usr/bin/chromium the test is skipped, saying so; with CI=true that is a failure.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp } from '../support/app.ts';
import { openPage, shot, signIn, skip, useBrowser } from './browser-support.ts';
import { EXAMPLE, EXAMPLE_ENV, PATRONS } from './helpers.ts';

const suite = useBrowser(async () => {
  const app = await createTestApp('sqlite', { ...EXAMPLE_ENV });
  await app.transfer.importYaml(EXAMPLE);
  await app.transfer.importYaml(PATRONS);
  return app;
});

const CSV = [
  'primaryId,firstName,lastName,email,userGroup,pickupLibrary,identifier:UNIVERSITY_ID',
  '400000001,Noor,"Haddad, MD",nhaddad@example.edu,FACULTY,MAIN,U-4001',
  '400000002,Otto,Olsen,not-an-email,STAFF,,',
].join('\n');

test('an operator pastes a CSV with one bad row, sees its problem in the preview, imports, and finds the new patron', { skip, timeout: 60_000 }, async () => {
  const { page, address, problems, done } = await openPage(suite);
  const app = suite.app();

  await signIn(page, address, app.tokenFor.operator);

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
  assert.equal((await app.call('GET', '/api/v1/patrons/400000001')).statusCode, 404, 'the preview wrote nothing');
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
  assert.equal((await app.call('GET', '/api/v1/patrons/400000002')).statusCode, 404, 'the bad row was not imported');

  assert.deepEqual(problems, [], 'no script errors, no CSP refusals, no failed loads');
  await done();
});
