/** Lending requests (peers' requests to borrow from us): the list with its filters, a request's page with its actions. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LendingActionInput } from '../../app/lending-service.ts';
import { can } from '../../domain/access/roles.ts';
import { InterlendError } from '../../domain/errors.ts';
import { html, isHtmx, requirePermission, shellFor } from '../context.ts';
import type { UiDeps } from '../deps.ts';
import { type LendingActionError, LendingDetailPage, LendingState } from '../pages/lending-detail.tsx';
import { LendingListPage } from '../pages/lending-list.tsx';
import { lendingDetailView } from '../views/lending-detail.ts';
import { LENDING_PAGE_SIZE, LENDING_PATH, lendingHref, lendingListHref, lendingListQueryOf, lendingRowOf, lendingStatusOptions, parseLendingFilters } from '../views/lending-list.ts';

const ACTION_NAME = /^[a-z][a-z-]{0,40}$/;
/** The fields an action's form may carry, with the API's limits (src/http/routes/lending.ts). */
const INPUT_LIMITS = { reason: 2000, dueDate: 40, reasonUnfilled: 64, itemId: 255 } as const;

/** The ISO 18626 partners (those that can send us Requests), for the requester filter. */
async function isoPartnerCodes(deps: UiDeps): Promise<string[]> {
  const page = await deps.config.list('partners', { limit: 500, offset: 0, filters: {} });
  return page.items.filter((p) => p.doc.profileType === 'ISO18626').map((p) => p.doc.code);
}

/** What was typed, trimmed and cut to the API's limits; empty fields are left out (the use case's defaults apply). */
function actionInput(body: Record<string, unknown>): { input: LendingActionInput; values: Record<string, string> } {
  const values: Record<string, string> = {};
  for (const [name, max] of Object.entries(INPUT_LIMITS)) {
    const value = body[name];
    if (typeof value === 'string' && value.trim()) values[name] = value.trim().slice(0, max);
  }
  return { input: values as LendingActionInput, values };
}

export function lendingRoutes(app: FastifyInstance, deps: UiDeps): void {
  app.get(LENDING_PATH, async (request, reply) => {
    requirePermission(request, 'read-requests');
    const filters = parseLendingFilters(request.query as Record<string, unknown>);
    const shell = await shellFor(deps, request, 'Lending requests', LENDING_PATH);
    const [page, partners] = await Promise.all([deps.lending.list(lendingListQueryOf(filters)), isoPartnerCodes(deps)]);
    const offset = ((filters.page ?? 1) - 1) * LENDING_PAGE_SIZE;
    const at = filters.page ?? 1;
    const requesters = filters.requester && !partners.includes(filters.requester) ? [...partners, filters.requester] : partners;
    return html(
      reply,
      LendingListPage({
        shell,
        filters,
        statusOptions: lendingStatusOptions(filters.statuses),
        requesters,
        rows: page.items.map(lendingRowOf),
        summary: page.total === 0 ? 'No lending request matches.' : `Showing ${offset + 1}–${offset + page.items.length} of ${page.total}.`,
        previous: at > 1 ? lendingListHref({ ...filters, page: at - 1 }) : undefined,
        next: offset + page.items.length < page.total ? lendingListHref({ ...filters, page: at + 1 }) : undefined,
      }),
    );
  });

  app.get(`${LENDING_PATH}/:id`, async (request, reply) => {
    const staff = requirePermission(request, 'read-requests');
    const { id } = request.params as { id: string };
    const view = lendingDetailView(await deps.lending.get(id), can(staff.role, 'write-requests'), deps.lending.defaultDueDate());
    return html(reply, LendingDetailPage({ shell: await shellFor(deps, request, view.title, LENDING_PATH), view, csrf: staff.csrf }));
  });

  app.post(`${LENDING_PATH}/:id/actions/:action`, async (request: FastifyRequest, reply) => {
    const staff = requirePermission(request, 'write-requests');
    const { id, action } = request.params as { id: string; action: string };
    const { input, values } = actionInput((request.body ?? {}) as Record<string, unknown>);
    let error: LendingActionError | undefined;
    try {
      if (!ACTION_NAME.test(action)) throw new InterlendError('ILL_ERR_BAD_REQUEST', 'There is no such action.');
      await deps.lending.act(id, action, staff.name, input);
    } catch (caught) {
      // A refusal in words, next to the button; anything else is a fault and goes to the error page.
      if (!(caught instanceof InterlendError) || ['ILL_ERR_NOT_FOUND', 'ILL_ERR_INTERNAL'].includes(caught.code)) throw caught;
      error = { action, message: caught.message, values };
    }
    const view = lendingDetailView(await deps.lending.get(id), can(staff.role, 'write-requests'), deps.lending.defaultDueDate());
    if (isHtmx(request)) return html(reply, LendingState({ view, csrf: staff.csrf, error, focus: true }));
    if (!error) return reply.redirect(lendingHref(id), 303);
    return html(reply, LendingDetailPage({ shell: await shellFor(deps, request, view.title, LENDING_PATH), view, csrf: staff.csrf, error }), 409);
  });
}
