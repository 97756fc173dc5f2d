/**
 * The institution and places pages in a real browser (Debian's Chromium driven by playwright-core), from an EMPTY
 * database: an admin opens Libraries & places from the navigation, sets up the institution, then adds a library, a
 * location, a circulation desk (first refused without its library, the problem announced with the field) and an
 * item policy by their labels, with the keyboard and clicks, and finally chooses the institution's default pickup
 * library from the libraries. Screenshots go to $UI_SCREENSHOTS (default: a temporary folder). Without
 * /usr/bin/chromium the test is skipped, saying so; with CI=true that is a failure.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp } from '../support/app.ts';
import { openPage, shot, signIn, skip, useBrowser } from './browser-support.ts';

const suite = useBrowser(() => createTestApp('sqlite'));

test('an admin sets up the institution, a library, a location, a desk and an item policy through the pages', { skip, timeout: 60_000 }, async () => {
  const { page, address, problems, done } = await openPage(suite);
  const app = suite.app();
  const label = (text: string) => page.getByLabel(text, { exact: true });
  const status = (text: string) => page.getByRole('status').filter({ hasText: text }).waitFor();

  await signIn(page, address, app.tokenFor.admin);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Libraries & places' }).click();
  await page.getByRole('heading', { level: 1, name: 'Libraries and places' }).waitFor();
  await page.getByText('There is no institution yet.').waitFor();
  await shot(page, '41-places-empty');

  // The institution, typed field after field with Tab; Enter sends the form.
  await page.getByRole('link', { name: 'Set up the institution' }).click();
  await page.getByRole('heading', { level: 1, name: 'Set up the institution' }).waitFor();
  await label('Code').focus();
  await page.keyboard.type('CSU_DEMO');
  await page.keyboard.press('Tab');
  await page.keyboard.type('California State University Demo Library');
  await page.keyboard.press('Tab');
  await page.keyboard.type('CSU_DEMO');
  assert.equal(await label('NCIP Agency ID').inputValue(), 'CSU_DEMO', 'Tab goes from field to field in order');
  await label('ISIL').fill('US-CSUD');
  await label('Time Zone').fill('America/Los_Angeles');
  await shot(page, '42-place-institution');
  await label('Time Zone').press('Enter');
  await status('The institution CSU_DEMO was created.');

  await page.getByRole('link', { name: 'New library' }).click();
  await label('Code').fill('MAIN');
  await label('Name').fill('Main Library');
  await label('Resource Sharing Library').focus();
  await page.keyboard.press('Space');
  await label('Pickup Library').click();
  assert.ok((await label('Resource Sharing Library').isChecked()) && (await label('Pickup Library').isChecked()));
  await page.getByRole('button', { name: 'Create the library' }).click();
  await status('Library MAIN was created.');

  await page.getByRole('link', { name: 'New location' }).click();
  await label('Code').fill('RS_LONG_LOAN');
  await label('Name').fill('Resource Sharing Long Loan');
  await label('Library').selectOption({ label: 'Main Library (MAIN)' });
  await label('Name').press('Enter');
  await status('Location RS_LONG_LOAN was created.');

  // A desk without its library is refused; the problem is next to the select and part of its description.
  await page.getByRole('link', { name: 'New circulation desk' }).click();
  await label('Code').fill('RS_DESK');
  await label('Name').fill('Resource Sharing Desk');
  await page.getByRole('button', { name: 'Create the circulation desk' }).click();
  await page.getByRole('alert').filter({ hasText: 'Nothing was saved' }).waitFor();
  const library = label('Library');
  assert.match((await library.getAttribute('aria-describedby')) ?? '', /\bp-library-error\b/);
  assert.equal(await page.locator('#p-library-error').textContent(), 'is required');
  assert.equal(await label('Name').inputValue(), 'Resource Sharing Desk', 'what was typed is kept');
  await shot(page, '43-place-desk-refused');
  await library.selectOption('MAIN');
  await page.getByRole('button', { name: 'Create the circulation desk' }).click();
  await status('Circulation desk RS_DESK was created.');

  await page.getByRole('link', { name: 'New item policy' }).click();
  await label('Code').fill('GENERAL');
  await label('Name').fill('General loan');
  await label('Loan Period (days)').fill('28');
  await page.getByRole('button', { name: 'Create the item policy' }).click();
  await status('Item policy GENERAL was created.');

  // Now there is a library to be the institution's default pickup library.
  await page.getByRole('link', { name: 'Edit the institution' }).click();
  await label('Default Pickup Library').selectOption({ label: 'Main Library (MAIN)' });
  await page.getByRole('button', { name: 'Save the institution' }).click();
  await status('The institution CSU_DEMO was saved.');
  const desks = page.getByRole('table', { name: 'Circulation desks' });
  assert.ok(await desks.getByRole('row').filter({ hasText: 'Resource Sharing Desk' }).isVisible());
  await shot(page, '44-places');

  // The use cases have it all: the same objects the configuration file would hold.
  const get = async (path: string) => (await app.call('GET', path)).json() as Record<string, unknown>;
  assert.equal((await get('/api/v1/institution')).defaultPickupLibrary, 'MAIN');
  assert.equal((await get('/api/v1/institution')).timeZone, 'America/Los_Angeles');
  const main = await get('/api/v1/libraries/MAIN');
  assert.deepEqual([main.name, main.isResourceSharing, main.isPickup], ['Main Library', true, true]);
  assert.equal((await get('/api/v1/locations/RS_LONG_LOAN')).library, 'MAIN');
  assert.equal((await get('/api/v1/desks/RS_DESK')).library, 'MAIN');
  assert.equal((await get('/api/v1/item-policies/GENERAL')).loanPeriodDays, 28);

  // The refused form is answered 422, which the browser logs; nothing else may go wrong.
  assert.deepEqual(problems.filter((p) => !/\b422\b/.test(p)), [], 'no script errors, no CSP refusals, no failed loads');
  await done();
});
