/**
 * The staff pages in a real browser (Debian's Chromium driven by playwright-core): an operator signs in, opens the
 * dashboard, enters a request through the form, sees its page, cancels it with a reason by clicking, and sees the
 * status change in place (htmx, no reload). Screenshots of each page go to $UI_SCREENSHOTS (default: a temporary
 * folder, printed). Without /usr/bin/chromium the test is skipped, saying so; with CI=true that is a failure.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp } from '../support/app.ts';
import { openPage, shot, signIn, skip, useBrowser } from './browser-support.ts';
import { EXAMPLE, EXAMPLE_ENV, PATRONS } from './helpers.ts';

const suite = useBrowser(async () => {
  const app = await createTestApp('sqlite', { ...EXAMPLE_ENV }, { demo: true });
  await app.transfer.importYaml(EXAMPLE);
  await app.transfer.importYaml(PATRONS);
  return app;
});

test('an operator signs in, enters a request, and cancels it by clicking', { skip, timeout: 60_000 }, async () => {
  const { page, address, problems, done } = await openPage(suite);
  const app = suite.app();

  await page.goto(`${address}/ui`);
  assert.equal(new URL(page.url()).pathname, '/ui/sign-in', 'sent to sign in first');
  await shot(page, '01-sign-in');
  await page.getByLabel('API token').fill(app.tokenFor.operator);
  await page.getByRole('button', { name: 'Sign in with the token' }).click();
  await page.waitForURL(`${address}/ui`);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  assert.ok(await page.getByText('DEMO MODE').isVisible());
  await shot(page, '02-dashboard');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New request' }).click();
  await page.getByLabel('Patron (primary id) (required)').fill('100200300');
  await page.getByLabel('Title (required)').fill('The Four Loves');
  await page.getByLabel('Author').fill('C. S. Lewis');
  await shot(page, '03-new-request');
  await page.getByRole('button', { name: 'Create the request' }).click();
  await page.waitForURL(/\/ui\/requests\/[^/]+$/);
  await page.getByRole('heading', { level: 1, name: 'The Four Loves' }).waitFor();
  assert.equal(await page.locator('#request-status').textContent(), 'Request sent to partner');
  await shot(page, '04-request');

  // A mark on the window survives only if the page is not reloaded: the change must come from htmx's swap.
  // (Expressions as strings: this project type-checks without the DOM library.)
  await page.evaluate('window.notReloaded = true');
  await page.getByLabel('Reason (Cancel the request)').fill('the patron bought a copy');
  await page.getByRole('button', { name: 'Cancel the request' }).click();
  await page.locator('#request-status', { hasText: 'Cancelled by staff' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.evaluate('window.notReloaded === true'), true, 'updated in place');
  // The reason is shown twice: on the partner's rota entry (now Cancelled) and in the history.
  const history = page.getByRole('region', { name: 'History' });
  assert.ok(await history.getByRole('cell', { name: 'the patron bought a copy' }).isVisible(), 'the history shows the reason');
  const rota = page.getByRole('region', { name: 'Rota' });
  assert.ok(await rota.getByRole('cell', { name: 'the patron bought a copy' }).isVisible(), "the partner's entry shows it too");
  assert.equal(await page.getByRole('button', { name: 'Cancel the request' }).count(), 0, 'the action is gone');
  await shot(page, '05-cancelled');

  // The keyboard reaches the skip link first, and focus is visible (an outline is drawn).
  await page.keyboard.press('Tab');
  const focused = (await page.evaluate('({ text: document.activeElement?.textContent, outline: getComputedStyle(document.activeElement).outlineStyle })')) as { text: string; outline: string };
  assert.ok(focused.outline !== 'none', `focus is visible (${JSON.stringify(focused)})`);

  await page.goto(`${address}/ui/doctor`);
  await page.getByRole('heading', { name: 'Doctor' }).waitFor();
  await shot(page, '06-doctor');
  assert.deepEqual(problems, [], 'no script errors and no CSP refusals in the console');
  await done();
});
