/**
 * Issue 9's whole walk, in a real browser against real processes over real HTTP: `interlend serve` in demo mode
 * (the guide's configuration, the demo patrons with PIN 1234, the ILLiad simulator and two ISO 18626 mock peers that
 * turn every request down), mailing notices to a real SMTP server on loopback that this test reads.
 *
 * A patron follows an OpenURL link from the discovery system, signs in with their PIN, finds the citation filled in,
 * places the request; it walks both peers and reaches the ILLiad simulator; ILLiad checks the item in from its lender
 * (its NCIP add-on sends AcceptItem, Hold For Pickup And Notify); an e-mail "ready for pickup" arrives naming the
 * pickup library and the day it is kept until, and the patron's page says the same.
 *
 * Screenshots go to $UI_SCREENSHOTS (see browser-support.ts). Without /usr/bin/chromium the test is skipped, saying
 * so; with CI=true that is a failure.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { freePort, type Running, start, waitForOk, waitUntil } from '../support/processes.ts';
import { startTestSmtp, type TestSmtp } from '../support/smtp.ts';
import { CHROMIUM, FLAGS, shot, skip } from './browser-support.ts';

const ADMIN_TOKEN = 'patron-journey-admin-token-0123456789';
/** The demo patron Christopher Lee (cwlee@example.edu), and the demo's PIN (src/app/demo.ts). */
const PATRON = { id: '100200300', pin: '1234', email: 'cwlee@example.edu' };

let server: Running | undefined;
let smtp: TestSmtp | undefined;
let browser: Browser | undefined;
let page: Page | undefined;
let address = '';
let simulator = '';
let dataDir: string | undefined;

before(async () => {
  if (skip) return;
  smtp = await startTestSmtp();
  dataDir = mkdtempSync(join(tmpdir(), 'interlend-patron-'));
  const port = await freePort();
  address = `http://127.0.0.1:${port}`;
  server = start(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    INTERLEND_ADMIN_TOKEN: ADMIN_TOKEN,
    SMTP_URL: smtp.url,
    NOTICE_FROM: 'Interlibrary Loan <ill@example.edu>',
    LOG_LEVEL: 'warn',
  });
  await waitForOk(`${address}/healthz`, 20_000, server);
  await new Promise((r) => setTimeout(r, 200));
  // The demo banner names the simulator's transactions; its control API is beside them.
  const transactions = /its transactions:\s+(\S+)/.exec(server.output())?.[1];
  assert.ok(transactions, `the demo names its ILLiad simulator:\n${server.output()}`);
  simulator = new URL(transactions).origin;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
});

after(async () => {
  if (page && !page.isClosed()) await shot(page, '99-patron-last-page').catch(() => undefined);
  await browser?.close();
  await server?.stop();
  await smtp?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function api(path: string): Promise<any> {
  const response = await fetch(`${address}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(response.status, 200, `${path}: ${response.status}`);
  return response.json();
}

test('OpenURL → patron request → peers → ILLiad → AcceptItem → a "ready for pickup" e-mail, and the patron page says so', { skip, timeout: 180_000 }, async () => {
  const context = await browser!.newContext({ viewport: { width: 1366, height: 768 } });
  page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(`${message.text()} (${page!.url()})`));
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => response.status() >= 400 && problems.push(`${response.status()} ${response.url()}`));

  // The discovery system's link: an OpenURL 1.0 for a book, with its OCLC number.
  const openurl = new URLSearchParams({
    url_ver: 'Z39.88-2004',
    rft_val_fmt: 'info:ofi/fmt:kev:mtx:book',
    'rft.btitle': 'The Abolition of Man',
    'rft.au': 'Lewis, C. S.',
    'rft.date': '1943',
    rft_id: 'info:oclcnum/2575924',
  });
  await page.goto(`${address}/openurl?${openurl}`);
  assert.equal(new URL(page.url()).pathname, '/patron/sign-in', 'sent to sign in first');
  await shot(page, '91-patron-sign-in');
  await page.getByLabel(/library card|barcode|id/i).first().fill(PATRON.id);
  await page.getByLabel(/PIN/).fill(PATRON.pin);
  await page.getByRole('button', { name: /Sign in/ }).click();
  await page.waitForURL((url) => url.pathname === '/patron/request');
  assert.equal(await page.getByLabel(/^Title/).inputValue(), 'The Abolition of Man', 'the citation comes from the OpenURL');
  assert.equal(await page.getByLabel(/OCLC/).inputValue(), '2575924');
  await shot(page, '92-patron-request-form');
  await page.getByRole('button', { name: /Place the request|Request/ }).first().click();
  await page.waitForURL((url) => url.pathname.startsWith('/patron/requests'));
  await shot(page, '93-patron-placed');

  // It walks the demo's two mock peers (both turn it down) to the ILLiad simulator.
  const requests = await api(`/api/v1/borrowing-requests?patron=${PATRON.id}`);
  assert.equal(requests.items.length, 1);
  const id = requests.items[0].id as string;
  const exported = await waitUntil(async () => {
    const request = await api(`/api/v1/borrowing-requests/${id}`);
    return request.status === 'EXPORTED_TO_THIRD_PARTY' ? request : undefined;
  }, 'the request reaches ILLiad');
  const tn = exported.exportedTo.transactionNumber as number;
  await page.goto(`${address}/patron/requests/${id}`);
  assert.match((await page.locator('main').textContent()) ?? '', /Ordered through ILLiad/i);

  // ILLiad checks the item in from its lender: the add-on sends AcceptItem (Hold For Pickup And Notify).
  const event = await fetch(`${simulator}/sim/events/borrowing-checked-in-from-lender`, { method: 'POST', body: JSON.stringify({ transactionNumber: tn }) });
  assert.equal(event.status, 200, await event.text());
  const mail = await waitUntil(async () => smtp!.received.find((m) => m.to.includes(PATRON.email)), 'the ready-for-pickup e-mail', 60_000);
  assert.match(mail.subject + mail.text, /The Abolition of Man/);
  assert.match(mail.text, /Main Library/, 'the e-mail names the pickup library');
  const keptUntil = /until ([A-Z][a-z]+day \d{1,2} [A-Z][a-z]+ \d{4})/.exec(mail.text)?.[1];
  assert.ok(keptUntil, `the e-mail says until when it is kept:\n${mail.text}`);
  assert.equal(smtp!.received.length, 1, 'one e-mail, to the patron');

  await page.reload();
  const status = (await page.locator('main').textContent()) ?? '';
  const dayAndMonth = keptUntil.replace(/^[A-Z][a-z]+day /, '').replace(/ \d{4}$/, '');
  assert.match(status, new RegExp(`Ready for pickup at Main Library until ${dayAndMonth}`), 'the page and the e-mail say the same day');
  await shot(page, '94-patron-ready-for-pickup');
  assert.deepEqual(problems, [], 'no script errors, no CSP refusals, no failed loads');
  await context.close();
});
