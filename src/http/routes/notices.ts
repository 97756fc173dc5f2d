/** Notices to patrons (issue 9): the templates staff edit, their preview, and the notices sent or not. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { noticeStatusOf, type NoticeService } from '../../app/notice-service.ts';
import { validate } from '../../domain/config/validate.ts';
import { problemError } from '../../domain/errors.ts';
import { isNoticeType, NOTICE_TYPES, noticeTemplateInputSchema } from '../../domain/notices/templates.ts';

const typeParams = z.object({ type: z.enum(NOTICE_TYPES) });
const previewBody = z.strictObject({ subject: z.string(), body: z.string() });
const listQuery = z.object({
  status: z.string().optional().describe('PENDING, SENDING, SENT, SKIPPED, NOT_SENT or FAILED'),
  type: z.string().optional().describe(NOTICE_TYPES.join(', ')),
  borrowingRequest: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export function noticeRoutes(app: FastifyInstance, deps: { notices: NoticeService }): void {
  const tags = ['notices'];
  const read = { permission: 'read-notices' } as const;
  const write = { permission: 'write-notices' } as const;
  const typeOf = (params: unknown) => (params as { type: string }).type;

  app.get('/api/v1/notice-templates', { config: read, schema: { tags, summary: 'Every notice type with its template, and whether notices are sent' } }, async () => ({
    items: await deps.notices.templates(),
    sending: deps.notices.sending(),
  }));
  app.get('/api/v1/notice-templates/:type', { config: read, schema: { tags, params: typeParams } }, async (request) => deps.notices.template(typeOf(request.params)));
  app.put(
    '/api/v1/notice-templates/:type',
    { config: write, schema: { tags, params: typeParams, body: noticeTemplateInputSchema, summary: 'Change a template (or switch the notice off); an unknown placeholder is refused' } },
    async (request) => deps.notices.saveTemplate(typeOf(request.params), request.body ?? {}, request.caller!.name),
  );
  app.delete('/api/v1/notice-templates/:type', { config: write, schema: { tags, params: typeParams, summary: 'Back to the text shipped with Interlend' } }, async (request, reply) => {
    await deps.notices.resetTemplate(typeOf(request.params));
    return reply.status(204).send();
  });
  app.get('/api/v1/notice-templates/:type/preview', { config: read, schema: { tags, params: typeParams, summary: 'The saved template filled with a sample request' } }, async (request) =>
    deps.notices.preview(typeOf(request.params)),
  );
  app.post(
    '/api/v1/notice-templates/:type/preview',
    { config: read, schema: { tags, params: typeParams, body: previewBody, summary: 'A text being written, filled with a sample request (nothing is saved)' } },
    async (request) => deps.notices.preview(typeOf(request.params), { enabled: true, ...(request.body as object) }),
  );
  app.get('/api/v1/notices', { config: read, schema: { tags, querystring: listQuery, summary: 'Notices, most recently changed first: sent, skipped, not sent, failed, still being tried' } }, async (request) => {
    const result = validate(listQuery, request.query);
    if (!result.ok) throw problemError('ILL_ERR_BAD_REQUEST', result.problems);
    const q = result.value;
    if (q.type !== undefined && !isNoticeType(q.type)) throw problemError('ILL_ERR_BAD_REQUEST', [{ path: 'type', message: `${JSON.stringify(q.type)} is not a notice type: use ${NOTICE_TYPES.join(', ')}` }]);
    const page = await deps.notices.recent({ status: noticeStatusOf(q.status), type: q.type, borrowingRequest: q.borrowingRequest, limit: q.limit, offset: q.offset });
    return { ...page, limit: q.limit, offset: q.offset };
  });
}
