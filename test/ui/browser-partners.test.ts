/**
 * The partner pages in a real browser (Debian's Chromium driven by playwright-core): a partners manager signs in,
 * opens the ILLiad partner from the navigation, changes Loan Period and User Identifier Regex by their labels (the
 * regex's help text from the guide is its accessible description), saves, and sees the saved values after a reload;
 * the API key field stays empty and the key is nowhere in the page. Screenshots go to $UI_SCREENSHOTS (default: a
 * temporary folder). Without /usr/bin/chromium the test is skipped, saying so; with CI=true that is a failure.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp } from '../support/app.ts';
import { openPage, shot, signIn, skip, useBrowser } from './browser-support.ts';
import { EXAMPLE, EXAMPLE_ENV } from './helpers.ts';

const suite = useBrowser(async () => {
  const app = await createTestApp('sqlite', { ...EXAMPLE_ENV });
  await app.transfer.importYaml(EXAMPLE);
  return app;
});

test('a partners manager edits the ILLiad partner by its labels, saves, and sees the values after a reload', { skip, timeout: 60_000 }, async () => {
  const { page, address, problems, done } = await openPage(suite);
  const app = suite.app();

  await signIn(page, address, app.tokenFor['partners-manager']);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Partners' }).click();
  await page.getByRole('heading', { level: 1, name: 'Partners' }).waitFor();
  await shot(page, '11-partners');
  await page.getByRole('link', { name: 'ILLiad', exact: true }).click();
  await page.waitForURL(`${address}/ui/partners/ILLiad`);
  await page.getByRole('heading', { level: 1, name: 'ILLiad (ILLiad)' }).waitFor();
  await shot(page, '12-partner-illiad');

  const loanPeriod = page.getByLabel('Loan Period', { exact: true });
  assert.equal(await loanPeriod.inputValue(), '90');
  const regex = page.getByLabel('User Identifier Regex', { exact: true });
  // The guide's help is what a screen reader announces with the field.
  const described = (await regex.getAttribute('aria-describedby'))!.split(' ')[0]!;
  assert.match((await page.locator(`[id="${described}"]`).textContent()) ?? '', /\^\[\^@\]\* when the ILLiad username is the part of the university e-mail before the @/);
  const apiKey = page.getByLabel('API Key', { exact: true });
  assert.equal(await apiKey.inputValue(), '', 'the key is never in the form');

  await loanPeriod.fill('120');
  await regex.fill('^[^@]+');
  await page.getByLabel('Automatic Receive', { exact: true }).uncheck();
  await page.getByRole('button', { name: 'Save the partner' }).click();
  await page.waitForURL(`${address}/ui/partners/ILLiad?saved=1`);
  await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

  await page.goto(`${address}/ui/partners/ILLiad`);
  assert.equal(await page.getByLabel('Loan Period', { exact: true }).inputValue(), '120');
  assert.equal(await page.getByLabel('User Identifier Regex', { exact: true }).inputValue(), '^[^@]+');
  assert.equal(await page.getByLabel('Automatic Receive', { exact: true }).isChecked(), false);
  assert.equal(await page.getByLabel('API Key', { exact: true }).inputValue(), '');
  assert.ok(!(await page.content()).includes(EXAMPLE_ENV.ILLIAD_API_KEY), 'the key is nowhere in the page');
  // And the use case has it: the API shows the same values, the key still the env reference.
  const saved = (await app.call('GET', '/api/v1/partners/ILLiad')).json() as { ncip: Record<string, Record<string, unknown>> };
  assert.equal(saved.ncip.generalInformation!.loanPeriod, 120);
  assert.equal(saved.ncip.generalInformation!.userIdentifierRegex, '^[^@]+');
  assert.equal(saved.ncip.exportToThirdParty!.apiKey, '${ILLIAD_API_KEY}');

  assert.deepEqual(problems, [], 'no script errors, no CSP refusals, no failed loads');

  // A bad value by keyboard: the problem is next to the field and announced with it.
  await page.getByLabel('User Identifier Regex', { exact: true }).fill('^[^@*');
  await page.getByLabel('User Identifier Regex', { exact: true }).press('Enter');
  await page.locator('#p-ncip-generalInformation-userIdentifierRegex-error').waitFor();
  assert.match((await page.locator('#p-ncip-generalInformation-userIdentifierRegex-error').textContent()) ?? '', /missing \]/);
  assert.equal(await page.getByLabel('User Identifier Regex', { exact: true }).inputValue(), '^[^@*');
  await shot(page, '13-partner-refused');
  // The refused form is answered 422, which the browser logs; nothing else may go wrong.
  assert.deepEqual(problems.filter((p) => !/\b422\b/.test(p)), [], 'no script errors and no CSP refusals on the refused form');
  await done();
});
