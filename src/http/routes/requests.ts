/** Borrowing requests, the staff queues and the job list. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { BorrowingService } from '../../app/borrowing-service.ts';
import type { JobService } from '../../app/job-service.ts';
import type { QueueService } from '../../app/queues.ts';
import { isoDateSchema } from '../../domain/config/fields.ts';
import { validate } from '../../domain/config/validate.ts';
import { invalid, problemError } from '../../domain/errors.ts';
import { newBorrowingRequestSchema } from '../../domain/request/borrowing-request.ts';
import { BORROWING_STATUS, type BorrowingStatus } from '../../domain/request/state-model.ts';

const idParams = z.object({ id: z.string() });
const listQuery = z.object({
  status: z.string().optional().describe('One status or several, comma-separated'),
  patron: z.string().optional(),
  partner: z.string().trim().min(1).max(100).optional().describe('The partner of the current rota entry (code)'),
  createdFrom: isoDateSchema.optional().describe('Created on or after this day (YYYY-MM-DD, UTC)'),
  createdTo: isoDateSchema.optional().describe('Created on or before this day (YYYY-MM-DD, UTC)'),
  q: z.string().max(200).optional().describe('Request id, ILLiad TN, OCLC number, ISBN, or words of the title or author'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const queueQuery = z.object({
  staleDays: z.coerce.number({ error: 'must be a number of days' }).int().min(1).max(365).default(7),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const jobQuery = z.object({ state: z.string().optional(), type: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) });
const actionBody = z.strictObject({ reason: z.string().trim().max(2000).optional() });
const answerBody = z.strictObject({
  action: z.enum(['reject', 'will-supply', 'conditional', 'shipped-physically', 'shipped-digitally']),
  reason: z.string().trim().max(2000).optional(),
});

function query<T>(schema: z.ZodType<T, unknown>, value: unknown): T {
  const result = validate(schema, value);
  if (!result.ok) throw problemError('ILL_ERR_BAD_REQUEST', result.problems);
  return result.value;
}

function body<T>(schema: z.ZodType<T, unknown>, value: unknown): T {
  const result = validate(schema, value ?? {});
  if (!result.ok) throw invalid(result.problems);
  return result.value;
}

function statuses(text: string | undefined): BorrowingStatus[] | undefined {
  if (!text) return undefined;
  const list = text.split(',').map((s) => s.trim());
  const unknown = list.filter((s) => !(BORROWING_STATUS.values as readonly string[]).includes(s));
  if (unknown.length) throw problemError('ILL_ERR_BAD_REQUEST', [{ path: 'status', message: `${unknown.join(', ')} is not a status: use ${BORROWING_STATUS.values.join(', ')}` }]);
  return list as BorrowingStatus[];
}

export function requestRoutes(app: FastifyInstance, deps: { borrowing: BorrowingService; queues: QueueService; jobs: JobService }): void {
  const tags = ['borrowing-requests'];
  app.post('/api/v1/borrowing-requests', { config: { permission: 'write-requests' }, schema: { tags, summary: 'Create a borrowing request: rules, rota, locate, first partner', body: newBorrowingRequestSchema } }, async (request, reply) => {
    const created = await deps.borrowing.create(request.body, request.caller!.name);
    return reply.status(201).send(created);
  });
  app.get('/api/v1/borrowing-requests', { config: { permission: 'read-requests' }, schema: { tags, querystring: listQuery } }, async (request) => {
    const q = query(listQuery, request.query);
    if (q.createdFrom && q.createdTo && q.createdFrom > q.createdTo) throw problemError('ILL_ERR_BAD_REQUEST', [{ path: 'createdTo', message: `is before createdFrom (${q.createdFrom})` }]);
    const page = await deps.borrowing.list({
      limit: q.limit,
      offset: q.offset,
      statuses: statuses(q.status),
      ...(q.patron ? { patron: q.patron } : {}),
      ...(q.partner ? { partner: q.partner } : {}),
      ...(q.createdFrom ? { createdFrom: q.createdFrom } : {}),
      ...(q.createdTo ? { createdTo: q.createdTo } : {}),
      ...(q.q?.trim() ? { q: q.q.trim() } : {}),
    });
    return { ...page, limit: q.limit, offset: q.offset };
  });
  app.get('/api/v1/borrowing-requests/:id', { config: { permission: 'read-requests' }, schema: { tags, params: idParams, summary: 'A request with its rota, rule trace, history and allowed actions' } }, async (request) => {
    const { request: found, ruleTrace, history, allowedActions } = await deps.borrowing.get((request.params as { id: string }).id);
    return { ...found, ruleTrace, allowedActions, history };
  });
  app.post(
    '/api/v1/borrowing-requests/:id/actions/:action',
    { config: { permission: 'write-requests' }, schema: { tags, summary: 'A staff action allowed by the state model (cancel, resend, accept-condition, …)', body: actionBody } },
    async (request) => {
      const { id, action } = request.params as { id: string; action: string };
      const { reason } = body(actionBody, request.body);
      return deps.borrowing.act(id, action, 'staff', request.caller!.name, reason);
    },
  );
  app.post(
    '/api/v1/borrowing-requests/:id/partner-answer',
    { config: { permission: 'write-requests' }, schema: { tags, summary: "Record the current partner's answer received by other means (e-mail, phone)", body: answerBody } },
    async (request) => {
      const { id } = request.params as { id: string };
      const answer = body(answerBody, request.body);
      const current = (await deps.borrowing.get(id)).request;
      if (current.current === null) throw problemError('ILL_ERR_INVALID_TRANSITION', [{ path: 'action', message: 'no partner has the request now' }]);
      const updated = await deps.borrowing.act(id, answer.action, 'partner', `${request.caller!.name} for partner:${current.rota[current.current]!.partner}`, answer.reason);
      return updated;
    },
  );

  app.get('/api/v1/queues', { config: { permission: 'read-requests' }, schema: { tags: ['queues'], querystring: queueQuery } }, async (request) => {
    const q = query(queueQuery, request.query);
    return deps.queues.counts(q.staleDays);
  });
  app.get('/api/v1/queues/needs-attention', { config: { permission: 'read-requests' }, schema: { tags: ['queues'], querystring: queueQuery } }, async (request) => {
    const q = query(queueQuery, request.query);
    return { ...(await deps.queues.needsAttention(q.staleDays, q.limit, q.offset)), limit: q.limit, offset: q.offset };
  });

  app.get('/api/v1/jobs', { config: { permission: 'read-requests' }, schema: { tags: ['jobs'], querystring: jobQuery } }, async (request) => {
    const q = query(jobQuery, request.query);
    return { ...(await deps.jobs.list(q)), limit: q.limit, offset: q.offset };
  });
  app.get('/api/v1/jobs/:id', { config: { permission: 'read-requests' }, schema: { tags: ['jobs'], params: idParams } }, async (request) => deps.jobs.get((request.params as { id: string }).id));
  app.post('/api/v1/jobs/:id/retry', { config: { permission: 'write-requests' }, schema: { tags: ['jobs'], params: idParams, summary: 'Run a failed job again' } }, async (request) =>
    deps.jobs.retry((request.params as { id: string }).id),
  );
}
