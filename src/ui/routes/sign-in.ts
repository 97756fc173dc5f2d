/** Sign in with a user name and password or with an API token, sign out. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, InterlendError } from '../../domain/errors.ts';
import { html, isHttps, mayUseStaffPages, SIGN_IN_PATH } from '../context.ts';
import type { UiDeps } from '../deps.ts';
import { SignInPage, type SignInView } from '../pages/sign-in.tsx';
import { clearedCookieHeader, newSession, readSession, sessionCookieHeader } from '../session.ts';
import { homeFor } from '../views/nav.ts';
import { fromAnotherSite } from '../origin.ts';

/** The use case's refusals of a user name and password sign-in, as pages. */
const PASSWORD_REFUSALS: Partial<Record<ErrorCode, number>> = {
  ILL_ERR_UNAUTHENTICATED: 401,
  ILL_ERR_FORBIDDEN: 403,
  ILL_ERR_TOO_MANY_ATTEMPTS: 429,
  ILL_ERR_VALIDATION: 422,
};

const typed = (value: unknown): string => (typeof value === 'string' ? value.trim().slice(0, 200) : '');

export function signInRoutes(app: FastifyInstance, deps: UiDeps): void {
  const page = async (view: Omit<SignInView, 'demo' | 'passwords'> = {}) => SignInPage({ demo: await deps.demo(), passwords: deps.staffUsers !== undefined, ...view });
  const signedIn = (request: FastifyRequest, reply: FastifyReply, secret: string, home: string) => {
    reply.header('set-cookie', sessionCookieHeader(newSession(secret), isHttps(request)));
    return reply.redirect(home, 303);
  };

  app.get(SIGN_IN_PATH, async (_request, reply) => html(reply, await page()));

  app.post(SIGN_IN_PATH, async (request, reply) => {
    if (fromAnotherSite(request.headers.origin, request.host)) return html(reply, await page({ error: 'This form did not come from this site.' }), 403);
    const body = (request.body ?? {}) as Record<string, unknown>;

    if (body.token !== undefined || !deps.staffUsers) {
      const token = typeof body.token === 'string' ? body.token.trim() : '';
      const caller = token ? await deps.tokens.authenticate(token) : undefined;
      if (!caller) return html(reply, await page({ tokenError: 'That token is not known or has been revoked.' }), 401);
      if (!mayUseStaffPages(caller)) {
        const whose = caller.role === 'peer' ? 'A peer token is for another library’s Interlend' : 'A discovery token is for the discovery system’s services API';
        return html(reply, await page({ tokenError: `${whose}, not for signing in. Use a staff token.` }), 403);
      }
      return signedIn(request, reply, token, homeFor(caller.role));
    }

    try {
      const session = await deps.staffUsers.signIn(body.username, body.password);
      return signedIn(request, reply, session.secret, homeFor(session.user.role));
    } catch (error) {
      const status = error instanceof InterlendError ? PASSWORD_REFUSALS[error.code] : undefined;
      if (!status) throw error;
      return html(reply, await page({ username: typed(body.username), passwordError: (error as InterlendError).message }), status);
    }
  });

  app.post('/ui/sign-out', async (request, reply) => {
    // A password sign-in's session token is revoked: a copy of the cookie is worth nothing afterwards. An API token
    // someone signed in with is theirs to keep, and stays.
    const session = readSession(request.headers.cookie);
    if (session && deps.staffUsers) await deps.staffUsers.signOut(session.token);
    reply.header('set-cookie', clearedCookieHeader(isHttps(request)));
    return reply.redirect(SIGN_IN_PATH, 303);
  });
}
