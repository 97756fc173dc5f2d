/** What staff ask of a partner beyond its configuration: the identity rule's dry run against ILLiad. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { IlliadExporter } from '../../app/illiad-export.ts';
import { problemError } from '../../domain/errors.ts';

const identityQuery = z.object({ patron: z.string().describe('the patron primary id') });

export function partnerRoutes(app: FastifyInstance, deps: { illiad: IlliadExporter }): void {
  app.get(
    '/api/v1/partners/:code/identity',
    {
      config: { permission: 'read-patrons' },
      schema: {
        tags: ['partners'],
        summary: "The ILLiad username the identity rule derives for a patron, and what the partner's ILLiad says about it (creates nothing)",
        querystring: identityQuery,
      },
    },
    async (request) => {
      const { code } = request.params as { code: string };
      const patron = (request.query as { patron?: unknown }).patron;
      if (typeof patron !== 'string' || !patron.trim()) throw problemError('ILL_ERR_BAD_REQUEST', [{ path: 'patron', message: 'is required: the primary id of the patron' }]);
      return deps.illiad.checkIdentity(code, patron.trim());
    },
  );
}
