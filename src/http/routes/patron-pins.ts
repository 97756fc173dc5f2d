/**
 * A patron's PIN for the patron pages (issue 9): `PUT /api/v1/patrons/{primaryId}/pin` sets it, `DELETE` removes
 * it, `GET` says whether one is set and since when. The PIN itself is never answered, logged or kept: only its
 * scrypt hash is (src/app/patron-auth.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { PatronAuthService } from '../../app/patron-auth.ts';
import { problemError } from '../../domain/errors.ts';

const params = z.object({ primaryId: z.string() });
const pinBody = z.strictObject({ pin: z.string().describe('4 to 64 characters; only its hash is kept') });

export function patronPinRoutes(app: FastifyInstance, deps: { patronAuth: PatronAuthService }): void {
  const tags = ['patrons'];
  app.get('/api/v1/patrons/:primaryId/pin', { config: { permission: 'read-patrons' }, schema: { tags, summary: "Whether the patron has a PIN (never the PIN)", params } }, async (request) =>
    deps.patronAuth.pinStatus((request.params as { primaryId: string }).primaryId),
  );
  app.put('/api/v1/patrons/:primaryId/pin', { config: { permission: 'write-patrons' }, schema: { tags, summary: "Set the patron's PIN for the patron pages", params, body: pinBody } }, async (request) => {
    const body = request.body as { pin?: unknown } | undefined;
    if (!body || typeof body !== 'object' || Object.keys(body).some((k) => k !== 'pin')) throw problemError('ILL_ERR_BAD_REQUEST', [{ path: '', message: 'send { "pin": "…" } and nothing else' }]);
    const { updatedAt } = await deps.patronAuth.setPin((request.params as { primaryId: string }).primaryId, body.pin);
    return { set: true, updatedAt };
  });
  app.delete('/api/v1/patrons/:primaryId/pin', { config: { permission: 'write-patrons' }, schema: { tags, summary: "Remove the patron's PIN", params } }, async (request, reply) => {
    await deps.patronAuth.removePin((request.params as { primaryId: string }).primaryId);
    return reply.status(204).send();
  });
}
