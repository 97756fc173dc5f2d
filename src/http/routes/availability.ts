/** `GET /api/v1/availability` (issue 6, item 6): whether we hold an item, for a peer library's locate. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AvailabilityService } from '../../app/availability.ts';

const availabilityQuery = z.object({
  oclcNumber: z.string().optional().describe('an OCLC number, with or without leading zeros or (OCoLC)'),
  isbn: z.string().optional(),
  issn: z.string().optional(),
});

export function availabilityRoutes(app: FastifyInstance, deps: { availability: AvailabilityService }): void {
  app.get(
    '/api/v1/availability',
    {
      config: { permission: 'read-availability' },
      schema: {
        tags: ['peers'],
        summary: "Whether this library holds an item (its published holdings), for another Interlend's locate; a token with the role peer",
        querystring: availabilityQuery,
      },
    },
    async (request) => deps.availability.lookup(request.query as z.infer<typeof availabilityQuery>),
  );
}
