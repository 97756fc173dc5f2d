/**
 * The patron pages' session (issue 9): a cookie of its own, `interlend_patron`, for `/patron` only (the staff
 * cookie is for `/ui`: neither is ever sent to the other's pages). It names the patron's stored id, how they signed
 * in, when, and a random nonce, signed with an HMAC keyed by the server's patron session key (kept in the database,
 * so every instance accepts it and it survives restarts). The CSRF token is an HMAC of the nonce, as on the staff
 * pages (src/ui/session.ts). A PIN session also signs when the PIN was set: setting a new PIN ends it.
 *
 * SameSite=Lax, not Strict as on the staff pages: a patron arrives by a link from the discovery system (another
 * site), and a Strict cookie would not come with that first page, so a signed-in patron would look signed out.
 * Lax still keeps the cookie off other sites' POSTs, and every POST carries the CSRF token anyway.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseCookies } from '../session.ts';

export const PATRON_COOKIE = 'interlend_patron';
export const PATRON_COOKIE_PATH = '/patron';
/** Patrons use shared computers in the library: a session ends after two hours whatever happens. */
export const PATRON_SESSION_SECONDS = 2 * 60 * 60;

export interface PatronSession {
  /** The patron's stored id (config('patrons').findById), not an identifier they type. */
  readonly patron: string;
  readonly method: 'pin' | 'header';
  /** Seconds since 1970. */
  readonly issued: number;
  readonly nonce: string;
}

const mac = (key: string, text: string) => createHmac('sha256', key).update(text).digest('base64url');

/** Compared in constant time, so the answer's timing tells nothing about the right value. */
export const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function newPatronSession(patron: string, method: PatronSession['method'], now: string): PatronSession {
  return { patron, method, issued: Math.floor(Date.parse(now) / 1000), nonce: randomBytes(16).toString('hex') };
}

/** `payload.mac`: the payload is the session as base64url JSON; the MAC covers it and the PIN's date. */
export function sealPatronSession(session: PatronSession, key: string, pinSetAt: string | null): string {
  const payload = Buffer.from(JSON.stringify([session.patron, session.method, session.issued, session.nonce])).toString('base64url');
  return `${payload}.${mac(key, `${payload}|${session.method === 'pin' ? (pinSetAt ?? '') : ''}`)}`;
}

/** The session in the request's cookie, when it is well formed and not expired (its MAC is checked by `verify`). */
export function readPatronSession(cookieHeader: string | undefined, now: string): { session: PatronSession; sealed: string } | undefined {
  const sealed = parseCookies(cookieHeader).get(PATRON_COOKIE);
  const [payload, signature] = sealed?.split('.') ?? [];
  if (!sealed || !payload || !signature) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 4) return undefined;
    const [patron, method, issued, nonce] = parsed as unknown[];
    if (typeof patron !== 'string' || (method !== 'pin' && method !== 'header') || typeof issued !== 'number' || typeof nonce !== 'string' || !/^[0-9a-f]{32}$/.test(nonce)) return undefined;
    const age = Date.parse(now) / 1000 - issued;
    if (age < -60 || age > PATRON_SESSION_SECONDS) return undefined;
    return { session: { patron, method, issued, nonce }, sealed };
  } catch {
    return undefined;
  }
}

/** Whether the sealed session was made with this key (and, for a PIN session, the patron's current PIN date). */
export function verifyPatronSession(sealed: string, session: PatronSession, key: string, pinSetAt: string | null): boolean {
  return sameText(sealed, sealPatronSession(session, key, pinSetAt));
}

export function patronCookieHeader(sealed: string, secure: boolean): string {
  return `${PATRON_COOKIE}=${sealed}; Path=${PATRON_COOKIE_PATH}; Max-Age=${PATRON_SESSION_SECONDS}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export function clearedPatronCookieHeader(secure: boolean): string {
  return `${PATRON_COOKIE}=; Path=${PATRON_COOKIE_PATH}; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export function patronCsrfOf(session: PatronSession, key: string): string {
  return mac(key, `interlend-patron-csrf:${session.nonce}`);
}
