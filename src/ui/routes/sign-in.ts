/** Sign in with an API token, sign out. */
import type { FastifyInstance } from 'fastify';
import { html, isHttps, mayUseStaffPages, SIGN_IN_PATH } from '../context.ts';
import type { UiDeps } from '../deps.ts';
import { SignInPage } from '../pages/sign-in.tsx';
import { clearedCookieHeader, newSession, sessionCookieHeader } from '../session.ts';
import { homeFor } from '../views/nav.ts';

/**
 * A form posted from another site has an Origin that is not ours: refuse it, so nobody can sign a staff member in
 * with the attacker's token (login CSRF; SameSite does not cover a form that sets a new cookie).
 */
function fromAnotherSite(origin: string | undefined, host: string): boolean {
  if (!origin) return false;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

export function signInRoutes(app: FastifyInstance, deps: UiDeps): void {
  app.get(SIGN_IN_PATH, async (_request, reply) => html(reply, SignInPage({ demo: await deps.demo() })));

  app.post(SIGN_IN_PATH, async (request, reply) => {
    const demo = await deps.demo();
    if (fromAnotherSite(request.headers.origin, request.host)) return html(reply, SignInPage({ demo, error: 'This form did not come from this site.' }), 403);
    const token = (request.body as Record<string, unknown> | undefined)?.token;
    const caller = typeof token === 'string' && token.trim() ? await deps.tokens.authenticate(token.trim()) : undefined;
    if (!caller) return html(reply, SignInPage({ demo, error: 'That token is not known or has been revoked.' }), 401);
    if (!mayUseStaffPages(caller)) return html(reply, SignInPage({ demo, error: caller.role === 'peer' ? 'A peer token is for another library’s Interlend, not for signing in. Use a staff token.' : 'A discovery token is for the discovery system’s services API, not for signing in. Use a staff token.' }), 403);
    reply.header('set-cookie', sessionCookieHeader(newSession((token as string).trim()), isHttps(request)));
    return reply.redirect(homeFor(caller.role), 303);
  });

  app.post('/ui/sign-out', async (request, reply) => {
    reply.header('set-cookie', clearedCookieHeader(isHttps(request)));
    return reply.redirect(SIGN_IN_PATH, 303);
  });
}
