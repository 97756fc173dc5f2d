/**
 * The patrons' side (issue 9): the OpenURL intake (`/openurl`), and the patron pages under `/patron` — sign in,
 * the request page, my requests. Server-rendered like the staff pages (src/ui) but their own plugin, shell, session
 * cookie and error pages; main.ts hands it to the HTTP server. No script: plain HTML forms.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { type ErrorCode, InterlendError } from '../../domain/errors.ts';
import { patronFormParser } from './body.ts';
import { html, installPatronSession, PATRON_HOME, patronShell } from './context.ts';
import type { PatronUiDeps } from './deps.ts';
import { PATRON_CSS_PATH, PATRON_ICON_PATH } from './layout.tsx';
import { PatronMessagePage } from './pages/message.tsx';
import { openUrlRoutes } from './routes/openurl.ts';
import { patronRequestRoutes } from './routes/request.ts';
import { patronRequestsRoutes } from './routes/requests.ts';
import { patronSignInRoutes } from './routes/sign-in.ts';

/** Our stylesheet only; no script at all; no framing; forms post only here. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

const STATUS: Partial<Record<ErrorCode, [number, string]>> = {
  ILL_ERR_NOT_FOUND: [404, 'Not found'],
  ILL_ERR_UNAUTHENTICATED: [401, 'Not signed in'],
  ILL_ERR_FORBIDDEN: [403, 'Not allowed'],
  ILL_ERR_BAD_REQUEST: [400, 'That did not work'],
  ILL_ERR_VALIDATION: [422, 'That did not work'],
  ILL_ERR_NOT_ALLOWED: [422, 'That did not work'],
  ILL_ERR_INVALID_TRANSITION: [409, 'That cannot be done now'],
  ILL_ERR_CONFLICT: [409, 'Changed meanwhile'],
  ILL_ERR_PAYLOAD_TOO_LARGE: [413, 'Too large'],
};

export function patronPages(deps: PatronUiDeps): FastifyPluginAsync {
  return async (app) => {
    patronFormParser(app);
    const css = await readFile(new URL('./static/patron.css', import.meta.url));
    // The staff pages' icon: the patron pages cannot load /ui/static, which may sit behind the staff network.
    const icon = await readFile(new URL('../static/favicon.svg', import.meta.url));
    app.addHook('onSend', async (request, reply, payload) => {
      reply.headers(SECURITY_HEADERS);
      // Patrons' requests on shared computers: not kept by the browser or a proxy.
      if (!request.url.startsWith('/patron/static/')) reply.header('cache-control', 'no-store');
      return payload;
    });
    app.setErrorHandler(async (error: FastifyError, request, reply) => {
      if (error instanceof InterlendError && error.code === 'ILL_ERR_DATABASE_UNAVAILABLE') {
        request.log.warn({ err: error.cause ?? error }, 'patron page: the database did not answer');
        reply.header('retry-after', '30');
        const heading = 'Please try again in a few minutes';
        const message = 'Interlibrary loan is briefly unavailable. Your requests are safe; nothing you placed is lost.';
        const shell = await patronShell({ ...deps, demo: async () => false }, request, heading);
        return html(reply, PatronMessagePage({ shell, heading, message }), 503);
      }
      const known = error instanceof InterlendError ? STATUS[error.code] : undefined;
      const client = !known && (error.statusCode ?? 500) < 500 ? ([error.statusCode!, 'That did not work'] as [number, string]) : undefined;
      const [status, heading] = known ?? client ?? [500, 'Something went wrong'];
      if (status >= 500) request.log.error({ err: error }, 'patron page failed');
      const message =
        status >= 500
          ? `Something went wrong on our side (reference ${request.id}). Please try again later; if it goes on, tell the library.`
          : status === 404 && error instanceof InterlendError
            ? 'There is no such request among yours.'
            : error.message;
      const back = request.patronContext ? { href: PATRON_HOME, label: 'Back to my requests' } : undefined;
      return html(reply, PatronMessagePage({ shell: await patronShell(deps, request, heading), heading, message, back }), status);
    });
    for (const [path, body, type] of [
      [PATRON_CSS_PATH, css, 'text/css; charset=utf-8'],
      [PATRON_ICON_PATH, icon, 'image/svg+xml'],
    ] as const) {
      app.get(path, { schema: { hide: true } }, async (_request, reply) => reply.type(type).header('cache-control', 'public, max-age=3600').send(body));
    }
    installPatronSession(app, deps);
    openUrlRoutes(app);
    patronSignInRoutes(app, deps);
    patronRequestRoutes(app, deps);
    patronRequestsRoutes(app, deps);
  };
}
