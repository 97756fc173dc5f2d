/**
 * Notices to patrons (issue 9): one page with every template, its preview filled with a sample request, and the
 * recent notices; one form per template (save, preview without saving, back to the shipped text). The same
 * NoticeService calls as /api/v1/notice-templates and /api/v1/notices.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { noticeStatusOf } from '../../app/notice-service.ts';
import { can } from '../../domain/access/roles.ts';
import { InterlendError, notFound, type Problem } from '../../domain/errors.ts';
import { isNoticeType, type NoticeType } from '../../domain/notices/templates.ts';
import { html, requirePermission, shellFor } from '../context.ts';
import type { UiDeps } from '../deps.ts';
import { NoticeFormPage, NoticesPage } from '../pages/notices.tsx';
import { doneMessage, formValuesOf, type NoticeFormValues, noticeRowOf, NOTICES_PATH, postedFormValues, problemsByField, templateInput } from '../views/notices.ts';

const RECENT = 50;

function typeOf(request: FastifyRequest): NoticeType {
  const { type } = request.params as { type: string };
  if (!isNoticeType(type)) throw notFound(`notice type ${type}`);
  return type;
}

/** A refusal staff can fix in the form (the template's problems); anything else is a fault. */
function refusal(error: unknown): Problem[] | undefined {
  if (!(error instanceof InterlendError) || error.code !== 'ILL_ERR_VALIDATION') return undefined;
  return error.problems.length ? [...error.problems] : [{ path: '', message: error.message }];
}

export function noticeRoutes(app: FastifyInstance, deps: UiDeps): void {
  app.get(NOTICES_PATH, async (request, reply) => {
    const staff = requirePermission(request, 'read-notices');
    const query = request.query as Record<string, unknown>;
    const wanted = typeof query.status === 'string' && query.status ? query.status : undefined;
    const status = wanted ? noticeStatusOf(wanted) : undefined;
    const templates = await deps.notices.templates();
    const previews = await Promise.all(templates.map(async (template) => ({ template, preview: await deps.notices.preview(template.type) })));
    const recent = await deps.notices.recent({ ...(status ? { status } : {}), limit: RECENT, offset: 0 });
    return html(
      reply,
      NoticesPage({
        shell: await shellFor(deps, request, 'Notices', NOTICES_PATH),
        sending: deps.notices.sending(),
        templates: previews,
        rows: recent.items.map(noticeRowOf),
        status,
        mayWrite: can(staff.role, 'write-notices'),
        done: doneMessage(query),
      }),
    );
  });

  const formPage = async (
    request: FastifyRequest,
    type: NoticeType,
    form: { values?: NoticeFormValues; problems?: readonly Problem[]; preview?: { subject: string; body: string } },
  ) => {
    const template = await deps.notices.template(type);
    const { fields, other } = problemsByField(form.problems ?? []);
    return NoticeFormPage({
      shell: await shellFor(deps, request, template.label, NOTICES_PATH),
      template,
      values: form.values ?? formValuesOf(template),
      errors: fields,
      problems: other,
      preview: form.preview,
      csrf: request.staff!.csrf,
    });
  };

  app.get(`${NOTICES_PATH}/:type`, async (request, reply) => {
    requirePermission(request, 'write-notices');
    return html(reply, await formPage(request, typeOf(request), {}));
  });

  app.post(`${NOTICES_PATH}/:type`, async (request, reply) => {
    const staff = requirePermission(request, 'write-notices');
    const type = typeOf(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = postedFormValues(body);
    const input = templateInput(type, values);
    try {
      if (body.intent === 'preview') {
        return html(reply, await formPage(request, type, { values, preview: await deps.notices.preview(type, input) }));
      }
      await deps.notices.saveTemplate(type, input, staff.name);
      return reply.redirect(`${NOTICES_PATH}?${new URLSearchParams({ done: 'saved', type })}#${type}`, 303);
    } catch (error) {
      const problems = refusal(error);
      if (!problems) throw error;
      return html(reply, await formPage(request, type, { values, problems }), 422);
    }
  });

  app.post(`${NOTICES_PATH}/:type/reset`, async (request, reply) => {
    requirePermission(request, 'write-notices');
    const type = typeOf(request);
    await deps.notices.resetTemplate(type);
    return reply.redirect(`${NOTICES_PATH}?${new URLSearchParams({ done: 'reset', type })}#${type}`, 303);
  });
}
