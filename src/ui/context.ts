/**
 * Who is signed in, checked on every staff page: the session cookie's token must be a live token of a staff role,
 * else the page redirects to sign in. Every POST but sign-in must carry the session's CSRF token. Also the
 * rendering helpers every page uses (the shell, the HTML reply, the permission check).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../app/token-service.ts';
import { can, isStaffRole, type Permission } from '../domain/access/roles.ts';
import { InterlendError } from '../domain/errors.ts';
import type { UiDeps } from './deps.ts';
import type { Shell } from './layout.tsx';
import { clearedCookieHeader, csrfMatches, csrfTokenOf, readSession } from './session.ts';
import { navFor } from './views/nav.ts';

export interface Staff extends Caller {
  readonly csrf: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The staff member signed in to the staff pages (src/ui). */
    staff?: Staff;
  }
}

export const SIGN_IN_PATH = '/ui/sign-in';
const OPEN_PATHS = new Set([SIGN_IN_PATH]);

/** A peer library's token is for its Interlend's locate, a discovery token for the services API: not for people. */
export const mayUseStaffPages = (caller: Caller): boolean => isStaffRole(caller.role);

export const isHtmx = (request: FastifyRequest): boolean => request.headers['hx-request'] === 'true';
export const isHttps = (request: FastifyRequest): boolean => request.protocol === 'https';

function toSignIn(request: FastifyRequest, reply: FastifyReply, clearCookie: boolean): FastifyReply {
  if (clearCookie) reply.header('set-cookie', clearedCookieHeader(isHttps(request)));
  // htmx follows a redirect inside its request and would swap the sign-in page into a fragment: tell it instead.
  if (isHtmx(request)) return reply.header('hx-redirect', SIGN_IN_PATH).status(200).send('');
  return reply.redirect(SIGN_IN_PATH, 303);
}

export function installSession(app: FastifyInstance, deps: UiDeps): void {
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (OPEN_PATHS.has(path) || path.startsWith('/ui/static/')) return;
    const session = readSession(request.headers.cookie);
    const caller = session ? await deps.tokens.authenticate(session.token) : undefined;
    if (!session || !caller || !mayUseStaffPages(caller)) return toSignIn(request, reply, session !== undefined);
    request.staff = { ...caller, csrf: csrfTokenOf(session) };
  });
  app.addHook('preHandler', async (request) => {
    if (request.method !== 'POST' || request.url.split('?')[0] === SIGN_IN_PATH) return;
    const session = readSession(request.headers.cookie);
    const given = request.headers['x-csrf-token'] ?? (request.body as Record<string, unknown> | undefined)?._csrf;
    if (!session || !csrfMatches(session, given)) {
      throw new InterlendError('ILL_ERR_FORBIDDEN', 'This form has expired or did not come from this site. Reload the page and try again.');
    }
  });
}

/** Refuses (403 page) unless the signed-in role may do it; the pages also hide what a role may not use. */
export function requirePermission(request: FastifyRequest, permission: Permission): Staff {
  const staff = request.staff!;
  if (!can(staff.role, permission)) throw new InterlendError('ILL_ERR_FORBIDDEN', `The role ${staff.role} may not do this (it needs ${permission}).`);
  return staff;
}

export async function shellFor(deps: UiDeps, request: FastifyRequest, title: string, current?: string): Promise<Shell> {
  const staff = request.staff;
  return {
    title,
    demo: await deps.demo(),
    ...(staff ? { session: { name: staff.name, role: staff.role, csrf: staff.csrf, nav: navFor(staff.role), ...(current ? { current } : {}) } } : {}),
  };
}

export async function html(reply: FastifyReply, page: JSX.Element, status = 200): Promise<FastifyReply> {
  return reply.status(status).type('text/html; charset=utf-8').send(await page);
}
