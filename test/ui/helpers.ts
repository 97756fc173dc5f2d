/** Signing in to the staff pages through inject(), as a browser would: the cookie, then the CSRF token from a page. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import type { Role } from '../../src/domain/access/roles.ts';
import type { TestApp } from '../support/app.ts';

export const EXAMPLE = readFileSync(new URL('../../examples/lender-of-last-resort.yaml', import.meta.url), 'utf8');
export const PATRONS = readFileSync(new URL('../../examples/demo-patrons.yaml', import.meta.url), 'utf8');
/** The example names these; no test here calls them (partners get the scripted adapter). */
export const EXAMPLE_ENV = {
  ILLIAD_URL: 'http://127.0.0.1:9/ILLiadWebPlatform',
  ILLIAD_API_KEY: 'test-key-not-used',
  NORTH_PEER_URL: 'http://127.0.0.1:9/north',
  SOUTH_PEER_URL: 'http://127.0.0.1:9/south',
};

export interface Browser {
  readonly cookie: string;
  readonly csrf: string;
  get(url: string): Promise<LightMyRequestResponse>;
  /** A form post; `csrf: false` leaves the token out, `htmx` sends it as htmx does (header). */
  post(url: string, form: Record<string, string>, options?: { csrf?: boolean | string; htmx?: boolean }): Promise<LightMyRequestResponse>;
}

export function cookieOf(response: LightMyRequestResponse): string {
  const header = response.headers['set-cookie'];
  const line = Array.isArray(header) ? header[0] : header;
  assert.ok(line, 'a cookie is set');
  return line.split(';')[0]!;
}

export function csrfOf(html: string): string {
  const found = /name="_csrf" value="([^"]+)"/.exec(html);
  assert.ok(found, 'the page carries a CSRF token');
  return found[1]!;
}

export async function signIn(app: TestApp, role: Role): Promise<Browser> {
  const response = await app.app.inject({ method: 'POST', url: '/ui/sign-in', payload: new URLSearchParams({ token: app.tokenFor[role] }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(response.statusCode, 303, response.body);
  const cookie = cookieOf(response);
  const home = await app.app.inject({ method: 'GET', url: response.headers.location as string, headers: { cookie } });
  const csrf = csrfOf(home.body);
  return {
    cookie,
    csrf,
    get: (url) => app.app.inject({ method: 'GET', url, headers: { cookie } }),
    post: (url, form, options = {}) => {
      const token = options.csrf === false ? undefined : typeof options.csrf === 'string' ? options.csrf : csrf;
      const headers: Record<string, string> = { cookie, 'content-type': 'application/x-www-form-urlencoded' };
      const body: Record<string, string> = { ...form };
      if (options.htmx) {
        headers['hx-request'] = 'true';
        if (token) headers['x-csrf-token'] = token;
      } else if (token) body._csrf = token;
      return app.app.inject({ method: 'POST', url, headers, payload: new URLSearchParams(body).toString() });
    },
  };
}
