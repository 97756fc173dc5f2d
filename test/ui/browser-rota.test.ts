/**
 * The rota pages in a real browser (Debian's Chromium driven by playwright-core): a partners manager signs in, sets
 * the ILLiad rota template Active (the guide's go-live step), moves the ILLiad rule up with the keyboard, sees it is
 * no longer the final rule and the doctor objecting, clicks "Make final rule", and sees it final again — in place
 * (htmx), with the focus kept on the rule; then renames the peers rule and deletes it, by the keyboard alone. Screenshots go to $UI_SCREENSHOTS, as in browser.test.ts; the same skip
 * and CI rules: without /usr/bin/chromium the test is skipped, saying so; with CI=true that is a failure.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp } from '../support/app.ts';
import { openPage, shot, signIn, skip, useBrowser } from './browser-support.ts';
import { EXAMPLE, EXAMPLE_ENV } from './helpers.ts';

const ILLIAD_RULE = 'ILLiad lender of last resort';
const PEERS_RULE = 'Network peers first';
const RENAMED = 'Peers before ILLiad';

const suite = useBrowser(async () => {
  const app = await createTestApp('sqlite', { ...EXAMPLE_ENV });
  await app.transfer.importYaml(EXAMPLE);
  return app;
});

test('a partners manager sets the ILLiad rota Active, moves the ILLiad rule up by keyboard and makes it final again, renames a rule and deletes it', { skip, timeout: 60_000 }, async () => {
  const { page, address, problems, done } = await openPage(suite);
  const app = suite.app();

  await signIn(page, address, app.tokenFor['partners-manager']);

  // The guide's go-live step: the ILLiad rota template Active.
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Rota templates' }).click();
  await page.getByRole('heading', { level: 1, name: 'Rota templates' }).waitFor();
  await shot(page, '21-rota-templates');
  await page.getByRole('link', { name: 'ILLiad', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Rota template ILLiad' }).waitFor();
  await page.getByLabel('Status').selectOption({ label: 'Active' });
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved.').waitFor();
  assert.equal(await page.getByLabel('Status').inputValue(), 'ACTIVE');
  assert.equal((await app.config.get('rota-templates', 'ILLiad')).doc.status, 'ACTIVE');
  await shot(page, '22-rota-template-illiad');

  await nav.getByRole('link', { name: 'Rota rules' }).click();
  await page.getByRole('heading', { level: 1, name: 'Rota assignment rules' }).waitFor();
  const illiadRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: ILLIAD_RULE }) });
  const finalMark = illiadRow.locator('.badge.final');
  assert.equal(await finalMark.textContent(), 'final rule');
  assert.ok(await page.locator('[data-check="illiad-rota-active"].pass').isVisible(), 'the doctor sees the ILLiad rota Active');
  await shot(page, '23-rota-rules');

  // Moved up by the keyboard alone: focus the button, press Enter. A mark on the window proves no reload happened.
  await page.evaluate('window.notReloaded = true');
  await page.getByRole('button', { name: `Move up (${ILLIAD_RULE})` }).focus();
  await page.keyboard.press('Enter');
  await page.locator('[data-check="illiad-rule-final"].fail').waitFor({ timeout: 10_000 });
  assert.equal(await finalMark.count(), 0, 'the ILLiad rule is no longer marked final');
  assert.ok(await page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Network peers first' }) }).locator('.badge.final').isVisible());
  assert.match((await page.getByRole('status').filter({ hasText: 'position 1' }).textContent()) ?? '', /The doctor finds 1 problem/);
  assert.equal(await page.evaluate('window.notReloaded === true'), true, 'updated in place');
  assert.equal(await page.evaluate('document.activeElement?.textContent'), `Move down (${ILLIAD_RULE})`, 'the keyboard stays on the moved rule');
  assert.deepEqual((await app.config.list('rota-rules', { limit: 10, offset: 0, filters: {} })).items.map((r) => r.doc.name), [ILLIAD_RULE, 'Network peers first']);
  await shot(page, '24-rota-rules-moved');

  // Back with a click on "Make final rule".
  await page.getByRole('button', { name: `Make final rule (${ILLIAD_RULE})` }).click();
  await finalMark.waitFor({ timeout: 10_000 });
  assert.ok(await page.locator('[data-check="illiad-rule-final"].pass').isVisible(), 'the doctor is content again');
  assert.equal(await page.evaluate('window.notReloaded === true'), true);
  assert.deepEqual((await app.config.list('rota-rules', { limit: 10, offset: 0, filters: {} })).items.map((r) => r.doc.name), ['Network peers first', ILLIAD_RULE]);
  await shot(page, '25-rota-rules-final');

  // The rule's page with its conditions editor: a row added by keyboard takes the focus.
  await illiadRow.getByRole('link', { name: ILLIAD_RULE }).click();
  await page.getByRole('heading', { level: 1, name: `Rule: ${ILLIAD_RULE}` }).waitFor();
  await page.getByRole('button', { name: 'Add a condition' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('group', { name: 'Condition 2' }).waitFor({ timeout: 10_000 });
  // htmx focuses an autofocus element once the swap settles (a few milliseconds after it).
  await page.waitForFunction("document.activeElement?.id === 'c1-parameter'", undefined, { timeout: 5_000 }).catch(() => undefined);
  assert.equal(await page.evaluate('document.activeElement?.id'), 'c1-parameter', 'the new row has the focus');
  await page.locator('#c1-operator').focus();
  await page.locator('#c1-operator').selectOption({ label: 'In List' });
  await page.locator('#c1-value[multiple]').waitFor({ timeout: 10_000 });
  assert.equal(await page.evaluate('document.activeElement?.id'), 'c1-operator', 'the focus stays on the operator after the redraw');
  await shot(page, '26-rota-rule-editor');
  assert.deepEqual((await app.config.get('rota-rules', ILLIAD_RULE)).doc.conditions.length, 1, 'nothing saved by the editor');

  // Renamed by the keyboard: the name field, a new name, Enter (the form's default button saves, not the editor's).
  await nav.getByRole('link', { name: 'Rota rules' }).click();
  await page.getByRole('link', { name: PEERS_RULE }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: `Rule: ${PEERS_RULE}` }).waitFor();
  const name = page.getByRole('textbox', { name: 'Name (required)' });
  await name.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(RENAMED);
  await page.keyboard.press('Enter');
  await page.getByText('Saved.').waitFor({ timeout: 10_000 });
  await page.getByRole('heading', { level: 1, name: `Rule: ${RENAMED}` }).waitFor();
  assert.equal(await name.inputValue(), RENAMED);
  assert.equal(await page.getByRole('group', { name: 'Condition 1' }).count(), 1, 'the conditions are as they were');
  assert.match((await name.getAttribute('aria-describedby')) ?? '', /r-name-help/, 'the field says what renaming keeps');
  const peers = (await app.config.list('rota-rules', { limit: 10, offset: 0, filters: {} })).items[0]!;
  assert.deepEqual([peers.doc.name, peers.doc.conditions.length], [RENAMED, 1], 'saved under its new name, its conditions kept');
  await shot(page, '27-rota-rule-renamed');

  // Deleted by the keyboard: the rule's Delete button, Enter; the list says so and no longer has it.
  await page.getByRole('button', { name: `Delete the rule “${RENAMED}”` }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Rota assignment rules' }).waitFor();
  assert.equal(await page.getByRole('status').filter({ hasText: 'Deleted' }).textContent(), `Deleted the rule “${RENAMED}”.`);
  assert.equal(await page.getByRole('link', { name: RENAMED }).count(), 0, 'gone from the list');
  assert.ok(await illiadRow.locator('.badge.final').isVisible(), 'the ILLiad rule, now alone, is the final rule');
  assert.deepEqual((await app.config.list('rota-rules', { limit: 10, offset: 0, filters: {} })).items.map((r) => r.doc.name), [ILLIAD_RULE]);
  await shot(page, '28-rota-rule-deleted');

  assert.deepEqual(problems, [], 'no script errors and no CSP refusals in the console');
  await done();
});
