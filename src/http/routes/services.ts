/**
 * `GET /api/v1/services?{OpenURL}&patron=ID|guest=true` (issue 9, item 3): which request services the library
 * offers this user for this citation, and why each is not when it is not. A discovery system (Primo's Get It,
 * VuFind) calls it with a token of the role `discovery` before it shows the library's request links. The OpenURL's
 * keys are the query string itself; `patron` and `guest` are ours and are taken out before it is read.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { RequestServices } from '../../app/request-services.ts';
import { problemError } from '../../domain/errors.ts';

const servicesQuery = z
  .object({
    patron: z.string().optional().describe("the signed-in patron's primary id (give this or guest=true)"),
    guest: z.enum(['true', 'false']).optional().describe('true: nobody is signed in'),
  })
  .catchall(z.string().describe('the OpenURL 1.0 or 0.1 keys (rft.btitle, rft_id, title, isbn, …)'));

const OURS = new Set(['patron', 'guest']);

/** The raw query string without our own keys: the OpenURL, still encoded, for the OpenURL reader. */
function splitQuery(url: string): { openUrl: string; patron?: string; guest?: string } {
  const raw = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  const kept: string[] = [];
  const ours: Record<string, string> = {};
  for (const part of raw.split('&')) {
    const key = part.split('=')[0]!;
    if (!OURS.has(key)) {
      if (part) kept.push(part);
      continue;
    }
    if (key in ours) throw problemError('ILL_ERR_BAD_REQUEST', [{ path: key, message: 'is given twice' }]);
    try {
      ours[key] = decodeURIComponent(part.slice(key.length + 1).replace(/\+/g, ' '));
    } catch {
      throw problemError('ILL_ERR_BAD_REQUEST', [{ path: key, message: 'is not percent-encoded correctly' }]);
    }
  }
  return { openUrl: kept.join('&'), ...ours };
}

export function servicesRoutes(app: FastifyInstance, deps: { services: RequestServices; publicUrl?: string | undefined }): void {
  app.get(
    '/api/v1/services',
    {
      config: { permission: 'read-services' },
      schema: {
        tags: ['patrons'],
        summary: 'Which request services a patron (or a guest) is offered for a citation given as an OpenURL, and why not; for discovery systems (role discovery)',
        querystring: servicesQuery,
      },
    },
    async (request) => {
      const { openUrl, patron, guest } = splitQuery(request.url);
      if (guest !== undefined && guest !== 'true' && guest !== 'false') throw problemError('ILL_ERR_BAD_REQUEST', [{ path: 'guest', message: 'must be true or false' }]);
      const base = (deps.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
      return deps.services.offered({ openUrl, patron: patron?.trim() || undefined, guest: guest === 'true', requestFormUrl: `${base}/openurl` });
    },
  );
}
