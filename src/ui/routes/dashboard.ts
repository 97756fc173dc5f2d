import type { FastifyInstance } from 'fastify';
import { LENDING_MODEL } from '../../domain/request/state-model.ts';
import { html, requirePermission, shellFor } from '../context.ts';
import type { UiDeps } from '../deps.ts';
import { DashboardPage } from '../pages/dashboard.tsx';
import { DASHBOARD_STATUSES, dashboardView } from '../views/dashboard.ts';

/** The API's default for "stale" (GET /api/v1/queues). */
const STALE_DAYS = 7;

export function dashboardRoutes(app: FastifyInstance, deps: UiDeps): void {
  app.get('/ui', async (request, reply) => {
    requirePermission(request, 'read-requests');
    const counts = await deps.queues.counts(STALE_DAYS, DASHBOARD_STATUSES);
    const lending = await deps.lending.list({ statuses: LENDING_MODEL.needsAttention, limit: 1, offset: 0 });
    return html(reply, DashboardPage({ shell: await shellFor(deps, request, 'Dashboard', '/ui'), view: dashboardView(counts, lending.total, STALE_DAYS, deps.clock.now()) }));
  });
  app.get('/ui/', async (_request, reply) => reply.redirect('/ui', 301));
}
