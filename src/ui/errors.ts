/**
 * Errors on a staff page become a page in words, never JSON and never a stack trace. (The API's mapping lives in
 * src/http, which the staff pages may not import; the statuses here are the few a page can meet.)
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { type ErrorCode, InterlendError } from '../domain/errors.ts';
import { html, shellFor } from './context.ts';
import type { UiDeps } from './deps.ts';
import { MessagePage } from './pages/message.tsx';

const STATUS: Partial<Record<ErrorCode, [number, string]>> = {
  ILL_ERR_NOT_FOUND: [404, 'Not found'],
  ILL_ERR_FORBIDDEN: [403, 'Not allowed'],
  ILL_ERR_BAD_REQUEST: [400, 'That did not work'],
  ILL_ERR_VALIDATION: [422, 'That did not work'],
  ILL_ERR_INVALID_TRANSITION: [409, 'That did not work'],
  ILL_ERR_CONFLICT: [409, 'Changed meanwhile'],
  ILL_ERR_STALE: [409, 'Changed meanwhile'],
  ILL_ERR_PAYLOAD_TOO_LARGE: [413, 'Too large'],
};

/** What staff read while the database is down (a PostgreSQL restart, an outage): nothing is lost, it comes back. */
export const DATABASE_DOWN_MESSAGE =
  'The database is not answering, so this page cannot be shown now. Requests are kept and will resume: what partners and ILLiad send is answered "try again later", and they send it again. Reload this page in a minute; if it goes on, tell your administrator.';

export function installUiErrors(app: FastifyInstance, deps: UiDeps): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error instanceof InterlendError && error.code === 'ILL_ERR_DATABASE_UNAVAILABLE') {
      request.log.warn({ err: error.cause ?? error }, 'staff page: the database did not answer');
      reply.header('retry-after', '30');
      // The shell without the database: no DEMO banner (that is read from the database), the signed-in staff if known.
      const shell = await shellFor({ ...deps, demo: async () => false }, request, 'Database not answering');
      return html(reply, MessagePage({ shell, heading: 'The database is not answering', message: DATABASE_DOWN_MESSAGE }), 503);
    }
    const known = error instanceof InterlendError ? STATUS[error.code] : undefined;
    const client = !known && (error.statusCode ?? 500) < 500 ? ([error.statusCode!, 'That did not work'] as [number, string]) : undefined;
    const [status, heading] = known ?? client ?? [500, 'Something went wrong'];
    if (status >= 500) request.log.error({ err: error }, 'staff page failed');
    const message = status >= 500 ? `Something went wrong on the server (request ${request.id}). Try again; if it goes on, tell your administrator.` : error.message;
    return html(reply, MessagePage({ shell: await shellFor(deps, request, heading), heading, message }), status);
  });
}
