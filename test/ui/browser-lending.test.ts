/**
 * The lending pages in a real browser (Debian's Chromium driven by playwright-core): a peer's ISO 18626 Request
 * arrives over HTTP; an operator finds it from the dashboard's count, opens it, answers Will supply and ships it with
 * a due date and barcode by clicking and typing (htmx, no reload); a due date in the past is refused next to its
 * button with what was typed kept. The worker then delivers what we told the borrower to a recording ISO 18626
 * borrower, and the page shows the outbox empty. Screenshots go to $UI_SCREENSHOTS; without /usr/bin/chromium the
 * test is skipped, saying so; with CI=true that is a failure.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { buildIso18626 } from '../../src/protocols/iso18626/build.ts';
import { createTestApp } from '../support/app.ts';
import { startRecordingBorrower, type RecordingBorrower } from '../support/iso18626-borrower.ts';
import { peerRequest } from '../support/iso18626-request.ts';
import { openPage, shot, signIn, skip, useBrowser } from './browser-support.ts';
import { EXAMPLE, EXAMPLE_ENV } from './helpers.ts';

let borrower: RecordingBorrower | undefined;
after(() => borrower?.close());

const suite = useBrowser(async () => {
  borrower = await startRecordingBorrower();
  // NORTH's address is the recording borrower: what we tell NORTH arrives there.
  const app = await createTestApp('sqlite', { ...EXAMPLE_ENV, NORTH_PEER_URL: borrower!.url });
  await app.transfer.importYaml(EXAMPLE);
  return app;
});

test('an operator answers a peer’s request: will supply, then shipped with a due date; the borrower is told', { skip, timeout: 60_000 }, async () => {
  const { page, address, problems, done } = await openPage(suite);
  const app = suite.app();
  const posted = await fetch(`${address}/iso18626`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml' },
    body: buildIso18626(peerRequest('US-NSU', { id: 'NSU-77', title: 'Mere Christianity', author: 'C. S. Lewis' })),
  });
  assert.match(await posted.text(), /<(ill:)?messageStatus>OK</);

  await signIn(page, address, app.tokenFor.operator);
  await page.getByRole('link', { name: /Lending requests needing attention.*: 1/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Lending requests' }).waitFor();
  await shot(page, '61-lending-list');
  await page.getByRole('link', { name: 'Mere Christianity' }).click();
  await page.getByRole('heading', { level: 1, name: 'Mere Christianity' }).waitFor();
  const status = page.locator('#lending-status');
  assert.equal(await status.textContent(), 'Created lending request');
  await shot(page, '62-lending-request');

  // Updated in place: a mark on the window survives only without a reload.
  await page.evaluate('window.notReloaded = true');
  await page.getByRole('button', { name: 'Will supply' }).click();
  await page.locator('#lending-status', { hasText: 'Will supply' }).waitFor({ timeout: 10_000 });
  const outbox = page.getByRole('region', { name: 'Waiting to be sent to the borrower' });
  assert.match((await outbox.textContent()) ?? '', /RequestResponse WillSupply/);

  // A due date in the past: refused next to the button, what was typed is kept.
  await page.getByLabel('Due date', { exact: true }).fill('2001-01-01');
  await page.getByLabel('Item id (barcode)').fill('39001001234567');
  await page.getByRole('button', { name: 'Ship physically' }).click();
  await page.locator('#error-ship-physically').waitFor({ timeout: 10_000 });
  assert.match((await page.locator('#error-ship-physically').textContent()) ?? '', /2001-01-01 is in the past/);
  assert.equal(await page.getByLabel('Item id (barcode)').inputValue(), '39001001234567');
  await shot(page, '63-lending-refused');

  const due = new Date(Date.parse(app.clock.now()) + 21 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('Due date', { exact: true }).fill(due);
  await page.getByRole('button', { name: 'Ship physically' }).click();
  await page.locator('#lending-status', { hasText: 'Shipped physically' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.evaluate('window.notReloaded === true'), true, 'updated in place');
  assert.match((await outbox.textContent()) ?? '', new RegExp(`StatusChange Loaned\\): due ${due}T23:59:59Z; item 39001001234567`));
  await shot(page, '64-lending-shipped');

  // The worker delivers both messages to the borrower, in order; the page then has nothing waiting.
  await app.drain();
  assert.deepEqual(
    borrower!.received.map((r) => `${r.message.messageInfo.reasonForMessage} ${r.message.statusInfo.status}`),
    ['RequestResponse WillSupply', 'StatusChange Loaned'],
  );
  assert.equal(borrower!.received[1]!.message.statusInfo.dueDate?.slice(0, 10), due);
  await page.reload();
  assert.match((await outbox.textContent()) ?? '', /Nothing: the borrower has been told everything/);
  await shot(page, '65-lending-told');
  // The refused ship answered 422 on purpose; nothing else may have gone wrong.
  assert.deepEqual(problems.filter((p) => !/\b422\b/.test(p)), [], 'no script errors, no CSP refusals, no failed loads');
  await done();
});
