/** Circulation for staff: items, the hold shelf, check-out and check-in at a desk, renewals; and the NCIP log. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { checkOutSchema, type CirculationService, itemStatusSchema, newItemSchema } from '../../app/circulation-service.ts';
import type { BorrowingService } from '../../app/borrowing-service.ts';
import { validate } from '../../domain/config/validate.ts';
import { problemError } from '../../domain/errors.ts';

const page = { limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) };
const itemQuery = z.object({ barcode: z.string().optional(), status: itemStatusSchema.optional(), borrowingRequest: z.string().optional(), ...page });
const shelfQuery = z.object({ pickupLibrary: z.string().optional(), ...page });
const loanQuery = z.object({ borrower: z.string().optional(), status: z.enum(['OPEN', 'RETURNED']).optional(), ...page });
const checkInBody = z.strictObject({ barcode: z.string().trim().min(1, 'must not be empty') });
const renewBody = z.strictObject({ dueDate: z.iso.datetime({ offset: true }).nullable().default(null) });
const idParams = z.object({ id: z.string() });

function parse<T>(schema: z.ZodType<T, unknown>, value: unknown, code: 'ILL_ERR_BAD_REQUEST' | 'ILL_ERR_VALIDATION'): T {
  const result = validate(schema, value ?? {});
  if (!result.ok) throw problemError(code, result.problems);
  return result.value;
}

export function circulationRoutes(app: FastifyInstance, deps: { circulation: CirculationService; borrowing: BorrowingService }): void {
  const tags = ['circulation'];
  const read = { permission: 'read-requests' } as const;
  const write = { permission: 'write-requests' } as const;
  app.get('/api/v1/items', { config: read, schema: { tags, querystring: itemQuery } }, async (request) => {
    const q = parse(itemQuery, request.query, 'ILL_ERR_BAD_REQUEST');
    return { ...(await deps.circulation.items(q)), limit: q.limit, offset: q.offset };
  });
  app.get('/api/v1/items/:id', { config: read, schema: { tags, params: idParams, summary: 'An item with its holds and loans' } }, async (request) => {
    const { item, holds, loans } = await deps.circulation.item((request.params as { id: string }).id);
    return { ...item, holds, loans };
  });
  app.post('/api/v1/items', { config: write, schema: { tags, body: newItemSchema, summary: "One of the library's own items" } }, async (request, reply) => {
    return reply.status(201).send(await deps.circulation.createItem(request.body));
  });
  app.post('/api/v1/items/:id/receive', { config: write, schema: { tags, params: idParams, summary: 'Receive an announced item at the desk: on the hold shelf, held for the patron' } }, async (request) => {
    return deps.circulation.receive((request.params as { id: string }).id, request.caller!.name);
  });
  app.get('/api/v1/hold-shelf', { config: read, schema: { tags, querystring: shelfQuery, summary: 'Holds waiting on the shelf of a pickup library' } }, async (request) => {
    const q = parse(shelfQuery, request.query, 'ILL_ERR_BAD_REQUEST');
    return { ...(await deps.circulation.holdShelf(q)), limit: q.limit, offset: q.offset };
  });
  app.get('/api/v1/loans', { config: read, schema: { tags, querystring: loanQuery } }, async (request) => {
    const q = parse(loanQuery, request.query, 'ILL_ERR_BAD_REQUEST');
    return { ...(await deps.circulation.loans(q)), limit: q.limit, offset: q.offset };
  });
  app.post('/api/v1/loans', { config: write, schema: { tags, body: checkOutSchema, summary: 'Check an item out at a desk (a held item: to the patron it is held for)' } }, async (request, reply) => {
    return reply.status(201).send(await deps.circulation.checkOut(request.body, request.caller!.name));
  });
  app.post('/api/v1/loans/:id/renew', { config: write, schema: { tags, params: idParams, body: renewBody } }, async (request) => {
    const { dueDate } = parse(renewBody, request.body, 'ILL_ERR_VALIDATION');
    return deps.circulation.renew((request.params as { id: string }).id, dueDate);
  });
  app.post('/api/v1/returns', { config: write, schema: { tags, body: checkInBody, summary: 'Check an item in at a desk' } }, async (request) => {
    const { barcode } = parse(checkInBody, request.body, 'ILL_ERR_VALIDATION');
    return deps.circulation.checkIn(barcode, request.caller!.name);
  });
  app.get('/api/v1/borrowing-requests/:id/messages', { config: read, schema: { tags: ['borrowing-requests'], params: idParams, summary: 'The NCIP messages about the request, with our answers' } }, async (request) => {
    return { items: await deps.borrowing.ncipMessages((request.params as { id: string }).id) };
  });
}
