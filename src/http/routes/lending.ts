/** Lending requests (issue 6, the supplier side of ISO 18626): the list, one request, and staff actions. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { LendingService } from '../../app/lending-service.ts';
import { validate } from '../../domain/config/validate.ts';
import { invalid, problemError } from '../../domain/errors.ts';
import { LENDING_STATUS, type LendingStatus } from '../../domain/request/state-model.ts';

const idParams = z.object({ id: z.string() });
const listQuery = z.object({
  status: z.string().optional().describe('One status or several, comma-separated'),
  requester: z.string().optional().describe("The requesting partner's code"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const actionBody = z.strictObject({
  reason: z.string().trim().max(2000).optional().describe('Why (reject, cancel), or the conditions (conditional); the borrower reads it as the note'),
  dueDate: z.string().trim().max(40).optional().describe('ship-physically: YYYY-MM-DD or a date-time; default today plus the loan period'),
  reasonUnfilled: z.string().trim().max(64).optional().describe('reject: ISO 18626 reasonUnfilled (NotHeld, NotOnShelf, PolicyProblem, …); default NotAvailableForILL'),
  itemId: z.string().trim().max(255).optional().describe("ship-physically / ship-digitally: the item's barcode or the copy's address"),
});

function parse<T>(schema: z.ZodType<T, unknown>, value: unknown, bad: 'query' | 'body'): T {
  const result = validate(schema, value ?? {});
  if (!result.ok) throw bad === 'query' ? problemError('ILL_ERR_BAD_REQUEST', result.problems) : invalid(result.problems);
  return result.value;
}

function statuses(text: string | undefined): LendingStatus[] | undefined {
  if (!text) return undefined;
  const list = text.split(',').map((s) => s.trim());
  const unknown = list.filter((s) => !(LENDING_STATUS.values as readonly string[]).includes(s));
  if (unknown.length) throw problemError('ILL_ERR_BAD_REQUEST', [{ path: 'status', message: `${unknown.join(', ')} is not a lending status: use ${LENDING_STATUS.values.join(', ')}` }]);
  return list as LendingStatus[];
}

export function lendingRoutes(app: FastifyInstance, deps: { lending: LendingService }): void {
  const tags = ['lending-requests'];
  app.get('/api/v1/lending-requests', { config: { permission: 'read-requests' }, schema: { tags, querystring: listQuery, summary: "Peers' requests to borrow from us" } }, async (request) => {
    const q = parse(listQuery, request.query, 'query');
    const page = await deps.lending.list({ limit: q.limit, offset: q.offset, statuses: statuses(q.status), ...(q.requester ? { requester: q.requester } : {}) });
    return { ...page, limit: q.limit, offset: q.offset };
  });
  app.get('/api/v1/lending-requests/:id', { config: { permission: 'read-requests' }, schema: { tags, params: idParams, summary: 'A lending request with its history and allowed actions' } }, async (request) => {
    const { request: found, history, allowedActions } = await deps.lending.get((request.params as { id: string }).id);
    return { ...found, allowedActions, history };
  });
  app.post(
    '/api/v1/lending-requests/:id/actions/:action',
    {
      config: { permission: 'write-requests' },
      schema: { tags, body: actionBody, summary: 'A staff action allowed by the lending state model (will-supply, reject, conditional, ship-physically, check-in, cancel, …); the borrower is told' },
    },
    async (request) => {
      const { id, action } = request.params as { id: string; action: string };
      const input = parse(actionBody, request.body, 'body');
      return deps.lending.act(id, action, request.caller!.name, input);
    },
  );
}
