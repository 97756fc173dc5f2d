/**
 * The staff interface's session: the token the staff member signed in with (an API token, or the session token a
 * user name and password sign-in made, app/staff-users.ts), kept in an httpOnly,
 * SameSite=Strict cookie and checked against the token table on every request (a revoked token ends the session at
 * once), plus a per-session CSRF token for forms and htmx. No session table: the cookie holds a random nonce and
 * the token, and the CSRF token is an HMAC of the nonce keyed by the token, so only someone holding the cookie's
 * token can make it, and each sign-in gets a new one.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SESSION_LIFETIME_SECONDS } from '../domain/access/staff-user.ts';

export const SESSION_COOKIE = 'interlend_session';
/** The cookie belongs to the staff pages only: the API takes bearer tokens, never this cookie. */
export const COOKIE_PATH = '/ui';
/**
 * A working day and a half: staff sign in again each morning rather than keep a token in a browser for weeks. The
 * same as a password sign-in's session token, which stops working then too (app/staff-users.ts).
 */
const MAX_AGE_SECONDS = SESSION_LIFETIME_SECONDS;

export interface SessionCookie {
  readonly nonce: string;
  readonly token: string;
}

/** The cookies of a Cookie header (the first of duplicate names wins, as browsers send the most specific first). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const name = part.slice(0, at).trim();
    if (!name || cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(part.slice(at + 1).trim()));
    } catch {
      // A value that is not valid percent-encoding is not ours; ignore it.
    }
  }
  return cookies;
}

export function newSession(token: string): SessionCookie {
  return { nonce: randomBytes(16).toString('hex'), token };
}

/** `nonce.token`: the nonce is hex, so the first dot separates them whatever the token holds. */
export function readSession(header: string | undefined): SessionCookie | undefined {
  const value = parseCookies(header).get(SESSION_COOKIE);
  const at = value?.indexOf('.') ?? -1;
  if (!value || at < 1) return undefined;
  const nonce = value.slice(0, at);
  const token = value.slice(at + 1);
  return /^[0-9a-f]{32}$/.test(nonce) && token ? { nonce, token } : undefined;
}

export function sessionCookieHeader(session: SessionCookie, secure: boolean): string {
  const value = encodeURIComponent(`${session.nonce}.${session.token}`);
  return `${SESSION_COOKIE}=${value}; Path=${COOKIE_PATH}; Max-Age=${MAX_AGE_SECONDS}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function clearedCookieHeader(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=${COOKIE_PATH}; Max-Age=0; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function csrfTokenOf(session: SessionCookie): string {
  return createHmac('sha256', session.token).update(`interlend-ui-csrf:${session.nonce}`).digest('base64url');
}

/** Compared in constant time, so the answer's timing tells nothing about the right token. */
export function csrfMatches(session: SessionCookie, given: unknown): boolean {
  if (typeof given !== 'string' || !given) return false;
  const expected = Buffer.from(csrfTokenOf(session));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
