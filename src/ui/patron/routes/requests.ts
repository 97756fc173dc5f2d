/**
 * My requests (issue 9, item 4): the signed-in patron's requests in plain words, one request's page, and the two
 * things a patron may do: cancel while the state model lets the patron, ask for a renewal where the lender can be
 * asked. Another patron's request is "not found" (PatronRequests), so its id is not confirmed.
 */
import type { FastifyInstance } from 'fastify';
import { html, PATRON_HOME, patronOf, patronShell } from '../context.ts';
import type { PatronUiDeps } from '../deps.ts';
import { PatronRequestPage, PatronRequestsPage } from '../pages/requests.tsx';

const NOTICES: Record<string, string> = {
  placed: 'Your request was placed. This page shows where it is.',
  cancelled: 'Your request was cancelled.',
  renewal: 'A renewal was asked for. The library will tell you the answer.',
};

export function patronRequestsRoutes(app: FastifyInstance, deps: PatronUiDeps): void {
  app.get('/patron', async (_request, reply) => reply.redirect(PATRON_HOME, 303));

  app.get(PATRON_HOME, async (request, reply) => {
    const { patron, csrf } = patronOf(request);
    const query = request.query as Record<string, unknown>;
    const notice = Object.keys(NOTICES).find((key) => typeof query[key] === 'string');
    const requests = await deps.requests.list(patron);
    return html(reply, PatronRequestsPage({ shell: await patronShell(deps, request, 'My requests', PATRON_HOME), requests, csrf, notice: notice ? NOTICES[notice] : undefined }));
  });

  app.get('/patron/requests/:id', async (request, reply) => {
    const { patron, csrf } = patronOf(request);
    const view = await deps.requests.one(patron, (request.params as { id: string }).id);
    return html(reply, PatronRequestPage({ shell: await patronShell(deps, request, view.part ?? view.title, PATRON_HOME), request: view, csrf }));
  });

  app.post('/patron/requests/:id/cancel', async (request, reply) => {
    const { patron } = patronOf(request);
    const { id } = request.params as { id: string };
    await deps.requests.cancel(patron, id);
    return reply.redirect(`${PATRON_HOME}?cancelled=${encodeURIComponent(id)}`, 303);
  });

  app.post('/patron/requests/:id/renew', async (request, reply) => {
    const { patron } = patronOf(request);
    const { id } = request.params as { id: string };
    await deps.requests.renew(patron, id);
    return reply.redirect(`${PATRON_HOME}?renewal=${encodeURIComponent(id)}`, 303);
  });
}
