/** A patron in the patron pages through inject(), as a browser would: the cookie, then the CSRF token from a page. */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../support/app.ts';
import { EXAMPLE, EXAMPLE_ENV, PATRONS } from './helpers.ts';

export const PIN = '2468';

export interface PatronBrowser {
  cookie: string;
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** A form post with the CSRF token of the session (taken from a page first), unless `csrf: false`. */
  post(url: string, form: Record<string, string>, options?: { csrf?: boolean; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  csrf(): Promise<string>;
}

export const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

export function cookieFrom(response: LightMyRequestResponse): string | undefined {
  const header = response.headers['set-cookie'];
  const line = Array.isArray(header) ? header.find((l) => l.startsWith('interlend_patron=')) : header;
  return line?.split(';')[0];
}

/** A browser with a cookie jar of one cookie (the patron session), following nothing by itself. */
export function patronBrowser(t: TestApp, base: Record<string, string> = {}): PatronBrowser {
  const browser: PatronBrowser = {
    cookie: '',
    async get(url, headers = {}) {
      const response = await t.app.inject({ method: 'GET', url, headers: { ...base, ...(browser.cookie ? { cookie: browser.cookie } : {}), ...headers } });
      browser.cookie = cookieFrom(response) ?? browser.cookie;
      return response;
    },
    async post(url, fields, options = {}) {
      const body = options.csrf === false ? fields : { _csrf: await browser.csrf(), ...fields };
      const response = await t.app.inject({ method: 'POST', url, headers: { ...base, ...FORM, ...(browser.cookie ? { cookie: browser.cookie } : {}), ...options.headers }, payload: form(body) });
      browser.cookie = cookieFrom(response) ?? browser.cookie;
      return response;
    },
    async csrf() {
      const page = await browser.get('/patron/request');
      const found = /name="_csrf" value="([^"]+)"/.exec(page.body);
      assert.ok(found, `a page with a CSRF token: ${page.statusCode} ${page.body.slice(0, 300)}`);
      return found[1]!;
    },
  };
  return browser;
}

/** Signs a patron in with their id and PIN; the browser then holds the session cookie. */
export async function patronSignIn(t: TestApp, identifier: string, pin = PIN, base: Record<string, string> = {}): Promise<PatronBrowser> {
  const browser = patronBrowser(t, base);
  const response = await browser.post('/patron/sign-in', { identifier, pin, next: '/patron/requests' }, { csrf: false });
  assert.equal(response.statusCode, 303, response.body);
  assert.ok(browser.cookie, 'a session cookie');
  return browser;
}

/** The guide's configuration and the demo patrons, each with PIN 2468 but the one without. */
export async function guidePatrons(t: TestApp, without: readonly string[] = []): Promise<void> {
  await t.transfer.importYaml(EXAMPLE);
  await t.transfer.importYaml(PATRONS);
  for (const patron of ['100200300', '100200301', '100200302', '100200303', 'guest-0001']) {
    if (!without.includes(patron)) await t.patronAuth.setPin(patron, PIN);
  }
}

export { EXAMPLE_ENV };

/** Text of a page without tags, spaces collapsed, for reading sentences across elements. */
export const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
