/** Borrowing requests: the list with its filters and search, a request's page with its actions, the new-request form. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../domain/access/roles.ts';
import { type ErrorCode, InterlendError } from '../../domain/errors.ts';
import { html, isHtmx, requirePermission, shellFor } from '../context.ts';
import type { UiDeps } from '../deps.ts';
import { type ActionError, RequestDetailPage, RequestState } from '../pages/request-detail.tsx';
import { RequestListPage } from '../pages/request-list.tsx';
import { RequestNewPage } from '../pages/request-new.tsx';
import { ncipMessageViews, requestDetailView } from '../views/request-detail.ts';
import { formLevelProblems, requestFormFields, requestInput } from '../views/request-form.ts';
import { listQueryOf, PAGE_SIZE, parseFilters, requestListHref, rowOf } from '../views/request-list.ts';

const NEW_PATH = '/ui/requests/new';
const ACTION_NAME = /^[a-z][a-z-]{0,40}$/;
/** Refusals of the new-request form that staff can fix in the form: shown on it, next to the field when it has one. */
const FORM_REFUSALS = new Set<ErrorCode>(['ILL_ERR_VALIDATION', 'ILL_ERR_BAD_REQUEST', 'ILL_ERR_NOT_ALLOWED', 'ILL_ERR_REFERENCE_NOT_FOUND', 'ILL_ERR_NOT_FOUND', 'ILL_ERR_USER_BLOCKED']);

async function pickupLibraries(deps: UiDeps) {
  const page = await deps.config.list('libraries', { limit: 500, offset: 0, filters: {} });
  return page.items.filter((l) => l.doc.isPickup).map((l) => ({ code: l.doc.code, name: l.doc.name }));
}

async function partnerCodes(deps: UiDeps): Promise<string[]> {
  const page = await deps.config.list('partners', { limit: 500, offset: 0, filters: {} });
  return page.items.map((p) => p.doc.code);
}

export function requestRoutes(app: FastifyInstance, deps: UiDeps): void {
  app.get('/ui/requests', async (request, reply) => {
    requirePermission(request, 'read-requests');
    const filters = parseFilters(request.query as Record<string, unknown>);
    const shell = await shellFor(deps, request, 'Requests', '/ui/requests');
    const [page, partners] = await Promise.all([deps.borrowing.list(listQueryOf(filters, deps.clock.now())), partnerCodes(deps)]);
    const offset = ((filters.page ?? 1) - 1) * PAGE_SIZE;
    const shown = page.total === 0 ? 'No request matches' : `Showing ${offset + 1}–${offset + page.items.length} of ${page.total}`;
    const summary = filters.q ? `${shown} “${filters.q}”.` : `${shown}.`;
    const at = filters.page ?? 1;
    return html(
      reply,
      RequestListPage({
        shell,
        filters,
        rows: page.items.map(rowOf),
        total: page.total,
        summary,
        partners,
        previous: at > 1 ? requestListHref({ ...filters, page: at - 1 }) : undefined,
        next: offset + page.items.length < page.total ? requestListHref({ ...filters, page: at + 1 }) : undefined,
      }),
    );
  });

  app.get(NEW_PATH, async (request, reply) => {
    const staff = requirePermission(request, 'write-requests');
    const fields = requestFormFields({}, [], await pickupLibraries(deps));
    return html(reply, RequestNewPage({ shell: await shellFor(deps, request, 'New request', NEW_PATH), fields, problems: [], csrf: staff.csrf }));
  });

  app.post(NEW_PATH, async (request, reply) => {
    const staff = requirePermission(request, 'write-requests');
    const input = requestInput((request.body ?? {}) as Record<string, unknown>);
    try {
      const created = await deps.borrowing.create(input, staff.name);
      return reply.redirect(`/ui/requests/${encodeURIComponent(created.id)}`, 303);
    } catch (error) {
      if (!(error instanceof InterlendError) || !FORM_REFUSALS.has(error.code)) throw error;
      const problems = error.problems.length ? error.problems : [{ path: '', message: error.message }];
      const fields = requestFormFields(input, problems, await pickupLibraries(deps));
      const page = RequestNewPage({ shell: await shellFor(deps, request, 'New request', NEW_PATH), fields, problems: formLevelProblems(problems, fields), csrf: staff.csrf });
      return html(reply, page, 422);
    }
  });

  app.get('/ui/requests/:id', async (request, reply) => {
    const staff = requirePermission(request, 'read-requests');
    const { id } = request.params as { id: string };
    const [found, messages] = await Promise.all([deps.borrowing.get(id), deps.borrowing.ncipMessages(id)]);
    const view = requestDetailView(found, can(staff.role, 'write-requests'));
    return html(reply, RequestDetailPage({ shell: await shellFor(deps, request, view.title), view, csrf: staff.csrf, messages: ncipMessageViews(messages) }));
  });

  app.post('/ui/requests/:id/actions/:action', async (request: FastifyRequest, reply) => {
    const staff = requirePermission(request, 'write-requests');
    const { id, action } = request.params as { id: string; action: string };
    const reason = (request.body as Record<string, unknown> | undefined)?.reason;
    let error: ActionError | undefined;
    try {
      if (!ACTION_NAME.test(action)) throw new InterlendError('ILL_ERR_BAD_REQUEST', 'There is no such action.');
      await deps.borrowing.act(id, action, 'staff', staff.name, typeof reason === 'string' && reason.trim() ? reason.trim().slice(0, 2000) : undefined);
    } catch (caught) {
      // A refusal in words, next to the button; anything else is a fault and goes to the error page.
      if (!(caught instanceof InterlendError) || ['ILL_ERR_NOT_FOUND', 'ILL_ERR_INTERNAL'].includes(caught.code)) throw caught;
      error = { action, message: caught.message };
    }
    const view = requestDetailView(await deps.borrowing.get(id), can(staff.role, 'write-requests'));
    if (isHtmx(request)) return html(reply, RequestState({ view, csrf: staff.csrf, error, focus: true }));
    if (!error) return reply.redirect(`/ui/requests/${encodeURIComponent(id)}`, 303);
    const messages = ncipMessageViews(await deps.borrowing.ncipMessages(id));
    return html(reply, RequestDetailPage({ shell: await shellFor(deps, request, view.title), view, csrf: staff.csrf, error, messages }), 409);
  });
}
