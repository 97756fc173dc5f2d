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

export function installUiErrors(app: FastifyInstance, deps: UiDeps): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const known = error instanceof InterlendError ? STATUS[error.code] : undefined;
    const client = !known && (error.statusCode ?? 500) < 500 ? ([error.statusCode!, 'That did not work'] as [number, string]) : undefined;
    const [status, heading] = known ?? client ?? [500, 'Something went wrong'];
    if (status >= 500) request.log.error({ err: error }, 'staff page failed');
    const message = status >= 500 ? `Something went wrong on the server (request ${request.id}). Try again; if it goes on, tell your administrator.` : error.message;
    return html(reply, MessagePage({ shell: await shellFor(deps, request, heading), heading, message }), status);
  });
}
