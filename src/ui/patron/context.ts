/**
 * Who the patron is, on every patron page: named by the campus sign-on header (only from a trusted proxy), or by
 * the patron session cookie after signing in with a PIN. Every POST but sign-in carries the session's CSRF token.
 * Also the helpers every patron page uses (the shell, the HTML reply, the client address).
 */
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SignedInPatron } from '../../app/patron-auth.ts';
import { InterlendError } from '../../domain/errors.ts';
import type { PatronUiDeps } from './deps.ts';
import type { PatronShell } from './layout.tsx';
import { newPatronSession, type PatronSession, patronCookieHeader, patronCsrfOf, readPatronSession, sameText, sealPatronSession, verifyPatronSession } from './session.ts';

export interface PatronContext extends SignedInPatron {
  readonly csrf: string;
  readonly method: 'pin' | 'header';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The patron signed in to the patron pages (src/ui/patron). */
    patronContext?: PatronContext;
  }
}

export const PATRON_SIGN_IN_PATH = '/patron/sign-in';
export const PATRON_HOME = '/patron/requests';
const OPEN_PATHS = new Set([PATRON_SIGN_IN_PATH, '/openurl']);

export const isHttps = (request: FastifyRequest): boolean => request.protocol === 'https';

/**
 * The client's address, for counting wrong PINs: the socket's, or the last X-Forwarded-For entry when the socket
 * is a trusted proxy (behind a reverse proxy every patron would otherwise share one address, and one lock).
 */
export function clientAddress(request: FastifyRequest, deps: PatronUiDeps): string {
  const socket = request.socket.remoteAddress ?? 'unknown';
  if (!deps.auth.isTrustedProxy(socket)) return socket;
  const forwarded = request.headers['x-forwarded-for'];
  const last = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',').pop()?.trim();
  return last && isIP(last) ? last : socket;
}

/** A path to go back to after signing in: one of ours, never another site. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(patron\/|patron$|openurl\?)/.test(next) && !next.includes('//') && !next.includes('\\') ? next : PATRON_HOME;
}

async function fromHeader(request: FastifyRequest, reply: FastifyReply, deps: PatronUiDeps, key: string): Promise<PatronContext> {
  const address = request.socket.remoteAddress;
  const value = request.headers[deps.auth.header];
  if (!deps.auth.isTrustedProxy(address)) {
    if (value !== undefined) request.log.warn({ address, header: deps.auth.header }, 'a patron sign-on header from an address that is not a trusted proxy was ignored');
    throw new InterlendError('ILL_ERR_FORBIDDEN', 'This page is reached through the campus sign-on, and this request did not come through it. Open the library’s website and sign in there.');
  }
  if (typeof value !== 'string' || !value.trim()) {
    throw new InterlendError('ILL_ERR_UNAUTHENTICATED', 'The campus sign-on did not say who you are. Sign in through the library’s website and try again.');
  }
  const found = await deps.patronAuth.byIdentifier(value);
  if (!found) throw new InterlendError('ILL_ERR_FORBIDDEN', 'You are signed in to the campus, but the library has no record of you yet. Ask at the library to be registered.');
  const now = deps.clock.now();
  const read = readPatronSession(request.headers.cookie, now);
  let session: PatronSession | undefined = read && read.session.method === 'header' && read.session.patron === found.storedId && verifyPatronSession(read.sealed, read.session, key, null) ? read.session : undefined;
  if (!session) {
    session = newPatronSession(found.storedId, 'header', now);
    reply.header('set-cookie', patronCookieHeader(sealPatronSession(session, key, null), isHttps(request)));
  }
  return { ...found, method: 'header', csrf: patronCsrfOf(session, key) };
}

async function fromCookie(request: FastifyRequest, deps: PatronUiDeps, key: string): Promise<PatronContext | undefined> {
  const read = readPatronSession(request.headers.cookie, deps.clock.now());
  if (!read || read.session.method !== 'pin') return undefined;
  const found = await deps.patronAuth.bySession(read.session.patron);
  if (!found || !verifyPatronSession(read.sealed, read.session, key, found.pinSetAt)) return undefined;
  return { ...found, method: 'pin', csrf: patronCsrfOf(read.session, key) };
}

export function installPatronSession(app: FastifyInstance, deps: PatronUiDeps): void {
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (OPEN_PATHS.has(path) || path.startsWith('/patron/static/')) return;
    const key = await deps.patronAuth.sessionKey();
    if (deps.auth.method === 'header') {
      request.patronContext = await fromHeader(request, reply, deps, key);
      return;
    }
    const context = await fromCookie(request, deps, key);
    if (!context) return reply.redirect(`${PATRON_SIGN_IN_PATH}?next=${encodeURIComponent(safeNext(request.url))}`, 303);
    request.patronContext = context;
  });
  app.addHook('preHandler', async (request) => {
    const path = request.url.split('?')[0]!;
    if (request.method !== 'POST' || OPEN_PATHS.has(path)) return;
    // The token of the session in effect for the patron the request is from: after the sign-on header named someone
    // else, the old cookie's token no longer counts.
    const expected = request.patronContext?.csrf;
    const given = (request.body as { fields?: Record<string, unknown> } | undefined)?.fields?._csrf;
    if (!expected || typeof given !== 'string' || !sameText(expected, given)) {
      throw new InterlendError('ILL_ERR_FORBIDDEN', 'This form has expired or did not come from this site. Go back, reload the page and try again.');
    }
  });
}

export async function patronShell(deps: PatronUiDeps, request: FastifyRequest, title: string, current?: string): Promise<PatronShell> {
  const context = request.patronContext;
  return {
    title,
    demo: await deps.demo(),
    ...(context
      ? { session: { name: `${context.patron.firstName} ${context.patron.lastName}`, csrf: context.csrf, canSignOut: context.method === 'pin', ...(current ? { current } : {}) } }
      : {}),
  };
}

export async function html(reply: FastifyReply, page: JSX.Element, status = 200): Promise<FastifyReply> {
  return reply.status(status).type('text/html; charset=utf-8').send(await page);
}

/** The signed-in patron (the session hook ran: every route but sign-in and /openurl has one). */
export function patronOf(request: FastifyRequest): PatronContext {
  const context = request.patronContext;
  if (!context) throw new InterlendError('ILL_ERR_UNAUTHENTICATED', 'Sign in first.');
  return context;
}
