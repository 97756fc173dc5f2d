/**
 * What every browser test shares: Debian's Chromium driven by playwright-core, the skip rule (skipped without
 * /usr/bin/chromium, saying so; a failure with CI=true, where .ci/run installs it), a test server on loopback, a page
 * that records console errors and failed loads, signing in, and screenshots in $UI_SCREENSHOTS.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';

/** Debian's Chromium; UI_CHROMIUM points elsewhere (also a way to see the skip and the CI failure happen). */
export const CHROMIUM = process.env.UI_CHROMIUM ?? '/usr/bin/chromium';
/** stack.md and the machine notes: without these Chromium calls Google's hosts, which this network refuses. */
export const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const missing = !existsSync(CHROMIUM);
/** The `skip` option of every browser test. */
export const skip: string | false = missing && process.env.CI !== 'true' ? `${CHROMIUM} is missing: install it with apt-get install -y chromium to run the browser test` : false;
const SHOTS = process.env.UI_SCREENSHOTS ?? join(tmpdir(), 'interlend-ui-screenshots');

export interface BrowserSuite {
  /** The test server (set up in before()). */
  app(): TestApp;
  browser(): Browser;
}

/** Registers before/after hooks: the app from `setUp`, then Chromium; both closed afterwards. */
export function useBrowser(setUp: () => Promise<TestApp>): BrowserSuite {
  let app: TestApp | undefined;
  let browser: Browser | undefined;
  before(async () => {
    if (skip) return;
    assert.ok(!missing, `${CHROMIUM} is missing, and CI=true: .ci/run installs it (apt-get install -y chromium)`);
    app = await setUp();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });
  return { app: () => app!, browser: () => browser! };
}

/** The server listening on loopback and a laptop-sized page that records console errors and failed loads. */
export async function openPage(suite: BrowserSuite): Promise<{ page: Page; address: string; problems: string[]; done(): Promise<void> }> {
  const address = await suite.app().app.listen({ port: 0, host: '127.0.0.1' });
  const context = await suite.browser().newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => response.status() >= 400 && problems.push(`${response.status()} ${response.url()}`));
  const done = async () => {
    await context.close();
    process.stdout.write(`# screenshots: ${SHOTS}\n`);
  };
  return { page, address, problems, done };
}

/** Signs in with a token on the sign-in page and waits for the dashboard. */
export async function signIn(page: Page, address: string, token: string): Promise<void> {
  await page.goto(`${address}/ui/sign-in`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in with the token' }).click();
  await page.waitForURL(`${address}/ui`);
}

export const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
