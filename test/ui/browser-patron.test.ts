/**
 * The patron's side in a real browser (Debian's Chromium driven by playwright-core; issue 9): a patron follows an
 * OpenURL link from the discovery system, signs in with their library id and PIN, finds the citation filled in,
 * chooses where to pick it up and places the request; "My requests" shows it in plain words. The same link again is
 * flagged as a duplicate. Screenshots go to $UI_SCREENSHOTS (51-… to 54-…). Without /usr/bin/chromium the test is
 * skipped, saying so; with CI=true that is a failure.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp } from '../support/app.ts';
import { openPage, shot, skip, useBrowser } from './browser-support.ts';
import { EXAMPLE_ENV, guidePatrons, PIN } from './patron-helpers.ts';

const suite = useBrowser(async () => {
  const app = await createTestApp('sqlite', { ...EXAMPLE_ENV });
  await guidePatrons(app);
  return app;
});

/** What Primo's "Request from another library" link carries for a journal article (OpenURL 1.0, percent-encoded). */
const LINK =
  'url_ver=Z39.88-2004&ctx_ver=Z39.88-2004&ctx_enc=info%3Aofi%2Fenc%3AUTF-8&rfr_id=info%3Asid%2Fprimo.exlibrisgroup.com&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Ajournal&rft.genre=article&rft.atitle=Molecular+structure+of+nucleic+acids%3A+a+structure+for+deoxyribose+nucleic+acid&rft.jtitle=Nature&rft.au=Watson%2C+J.+D.&rft.date=1953-04-25&rft.volume=171&rft.issue=4356&rft.spage=737&rft.epage=738&rft.issn=0028-0836&rft_id=info%3Adoi%2F10.1038%2F171737a0&rft_id=info%3Apmid%2F13054692';

test('an OpenURL link → sign in → the request, filled in, placed → my requests shows it; the same link again is flagged', { skip, timeout: 60_000 }, async () => {
  const { page, address, problems, done } = await openPage(suite);
  const app = suite.app();

  await page.goto(`${address}/openurl?${LINK}`);
  await page.getByRole('heading', { level: 1, name: 'Sign in to request items from other libraries' }).waitFor();
  await shot(page, '56-patron-sign-in');
  await page.getByLabel('Library id').fill('100200300');
  await page.getByLabel('PIN').fill(PIN);
  await page.keyboard.press('Enter');

  await page.getByRole('heading', { level: 1, name: 'Request from another library' }).waitFor();
  assert.match(page.url(), /\/patron\/request\?url_ver=Z39\.88-2004/, 'back to the request page, with the link');
  assert.equal(await page.getByLabel('Title of the book or journal').inputValue(), 'Nature');
  assert.equal(await page.getByLabel('Article or chapter title').inputValue(), 'Molecular structure of nucleic acids: a structure for deoxyribose nucleic acid');
  assert.equal(await page.getByLabel('Author of the article or chapter').inputValue(), 'Watson, J. D.');
  assert.equal(await page.getByLabel('Pages').inputValue(), '737-738');
  assert.equal(await page.getByLabel('DOI').inputValue(), '10.1038/171737a0');
  assert.equal(await page.getByLabel('PubMed id (PMID)').inputValue(), '13054692');
  assert.equal(await page.getByLabel('What is it?').inputValue(), 'ARTICLE');
  assert.equal(await page.getByLabel('Pick it up at').inputValue(), 'MAIN', "the patron's own pickup library");
  await page.getByLabel('Pick it up at').selectOption({ label: 'Science Library' });
  await page.getByLabel('Needed by (optional)').fill('2027-01-15');
  await page.getByLabel('Note for the library (optional)').fill('Any copy will do.');
  await shot(page, '57-patron-request');
  await page.getByRole('button', { name: 'Place the request' }).click();

  await page.getByRole('heading', { level: 1, name: 'My requests' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Your request was placed.' }).waitFor();
  const card = page.getByRole('article').filter({ hasText: 'Molecular structure of nucleic acids' });
  assert.match((await card.textContent()) ?? '', /In Nature.*Watson, J\. D\..*With a partner library.*Article, requested 28 November, to pick up at Science Library/s);
  await shot(page, '58-patron-my-requests');
  const placed = (await app.borrowing.list({ patron: '100200300', limit: 5, offset: 0 })).items[0]!;
  assert.deepEqual([placed.citation.doi, placed.pickupLibrary, placed.neededBy, placed.patronNote], ['10.1038/171737a0', 'SCIENCE', '2027-01-15', 'Any copy will do.\nPMID: 13054692']);

  await page.goto(`${address}/openurl?${LINK}`);
  await page.getByRole('alert').filter({ hasText: 'You already have an open request for this.' }).waitFor();
  await page.getByRole('button', { name: 'Place the request anyway' }).waitFor();
  await shot(page, '59-patron-duplicate');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My requests' }).click();
  await page.getByRole('heading', { level: 1, name: 'My requests' }).waitFor();
  assert.equal(await page.getByRole('article').count(), 1, 'nothing placed twice');

  assert.deepEqual(problems, [], 'no script errors, no CSP refusals, no failed loads');
  await done();
});
