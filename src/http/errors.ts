/** The one place where errors become HTTP responses: `{ error: { code, message, problems } }`. */
import type { FastifyError, FastifyInstance } from 'fastify';
import { type ErrorCode, InterlendError } from '../domain/errors.ts';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  ILL_ERR_BAD_REQUEST: 400,
  ILL_ERR_VALIDATION: 422,
  ILL_ERR_CONFIG_FILE: 400,
  ILL_ERR_NOT_FOUND: 404,
  ILL_ERR_DUPLICATE: 409,
  ILL_ERR_IN_USE: 409,
  ILL_ERR_REFERENCE_NOT_FOUND: 422,
  ILL_ERR_IMMUTABLE: 422,
  ILL_ERR_NOT_ALLOWED: 422,
  ILL_ERR_INVALID_TRANSITION: 409,
  ILL_ERR_CONFLICT: 409,
  ILL_ERR_STALE: 412,
  ILL_ERR_UNAUTHENTICATED: 401,
  ILL_ERR_FORBIDDEN: 403,
  ILL_ERR_TOO_MANY_ATTEMPTS: 429,
  ILL_ERR_PAYLOAD_TOO_LARGE: 413,
  ILL_ERR_PARTNER_AUTH: 502,
  ILL_ERR_PARTNER_REFUSED: 502,
  ILL_ERR_PARTNER_UNAVAILABLE: 504,
  ILL_ERR_NOT_YET: 503,
  ILL_ERR_DATABASE_UNAVAILABLE: 503,
  ILL_ERR_UNKNOWN_AGENCY: 422,
  ILL_ERR_UNKNOWN_USER: 422,
  ILL_ERR_UNKNOWN_ITEM: 404,
  ILL_ERR_UNKNOWN_REQUEST: 404,
  ILL_ERR_ITEM_NOT_CHECKED_OUT: 409,
  ILL_ERR_USER_BLOCKED: 422,
  ILL_ERR_USER_AUTHENTICATION_FAILED: 422,
  ILL_ERR_UNSUPPORTED_SERVICE: 422,
  ILL_ERR_MAIL_REFUSED: 502,
  ILL_ERR_MAIL_UNAVAILABLE: 504,
  ILL_ERR_INTERNAL: 500,
};

export function errorBody(error: InterlendError) {
  return { error: { code: error.code, message: error.message, problems: error.problems } };
}

/** Seconds a caller is asked to wait before sending again, with a 503 (RFC 9110 §10.2.3 Retry-After). */
export const RETRY_AFTER_SECONDS = 5;

/** Fastify's own client errors (bad JSON, too large, wrong content type) in our shape. */
function fromFastify(error: FastifyError): InterlendError | undefined {
  const status = error.statusCode ?? 500;
  if (status >= 500) return undefined;
  if (status === 413) return new InterlendError('ILL_ERR_PAYLOAD_TOO_LARGE', 'the request body is larger than this endpoint accepts');
  if (status === 415) return new InterlendError('ILL_ERR_BAD_REQUEST', `this endpoint does not take ${error.message.replace(/^Unsupported Media Type: /, '')}`);
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new InterlendError('ILL_ERR_BAD_REQUEST', `the body is not valid JSON: ${error.message}`);
  }
  return new InterlendError('ILL_ERR_BAD_REQUEST', error.message);
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = error instanceof InterlendError ? error : fromFastify(error);
    if (!known) {
      // The detail goes to the log only; the caller gets a stable code and the request id to quote.
      request.log.error({ err: error }, 'request failed');
      return reply.status(500).send({ error: { code: 'ILL_ERR_INTERNAL', message: `something went wrong on the server (request ${request.id})`, problems: [] } });
    }
    if (known.code === 'ILL_ERR_UNAUTHENTICATED') reply.header('www-authenticate', 'Bearer');
    // The database down (a restart, an outage): logged with what the driver said, which the caller is not told.
    if (known.code === 'ILL_ERR_DATABASE_UNAVAILABLE') request.log.warn({ err: known.cause ?? known }, 'the database did not answer');
    if (HTTP_STATUS[known.code] === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return reply.status(HTTP_STATUS[known.code]).send(errorBody(known));
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    // A person who mistyped a staff-page address gets a page, not JSON (the staff pages are their own plugin, so
    // this is the one not-found handler for them too).
    if ((path === '/ui' || path.startsWith('/ui/')) && /text\/html/.test(request.headers.accept ?? '')) {
      return reply.status(404).header('content-security-policy', "default-src 'none'").type('text/html; charset=utf-8').send(notFoundPage(path));
    }
    // The same for a patron: a page of the patron pages' own, with the way back to their requests.
    if (path.startsWith('/patron/') && /text\/html/.test(request.headers.accept ?? '')) {
      return reply.status(404).header('content-security-policy', "default-src 'none'").type('text/html; charset=utf-8').send(patronNotFoundPage(path));
    }
    return reply.status(404).send(errorBody(new InterlendError('ILL_ERR_NOT_FOUND', `there is nothing at ${request.method} ${path}`)));
  });
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function patronNotFoundPage(path: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found · Interlibrary loan</title></head><body><main><h1>Not found</h1><p>There is no page at <code>${escapeHtml(path)}</code>.</p><p><a href="/patron/requests">Back to my requests</a></p></main></body></html>`;
}

function notFoundPage(path: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found — Interlend</title></head><body><main><h1>Not found</h1><p>There is no staff page at <code>${escapeHtml(path)}</code>.</p><p><a href="/ui">Back to the dashboard</a></p></main></body></html>`;
}
