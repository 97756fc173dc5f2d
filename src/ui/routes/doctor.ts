import type { FastifyInstance, FastifyRequest } from 'fastify';
import { html, requirePermission, shellFor } from '../context.ts';
import type { UiDeps } from '../deps.ts';
import { DoctorPage } from '../pages/doctor.tsx';
import { doctorView } from '../views/doctor.ts';

/** As GET /api/v1/doctor: PUBLIC_URL when set (behind a proxy), else the address this page was asked at. */
const serverAddress = (request: FastifyRequest, publicUrl: string | undefined) => publicUrl?.trim() || `${request.protocol}://${request.host}`;

export function doctorRoutes(app: FastifyInstance, deps: UiDeps): void {
  // Configuration only unless asked: asking ILLiad may take seconds, and the page should open at once.
  app.get('/ui/doctor', async (request, reply) => {
    requirePermission(request, 'read-config');
    const live = (request.query as Record<string, unknown>).live === '1';
    const report = await deps.doctor.run({ serverAddress: serverAddress(request, deps.publicUrl), offline: !live });
    return html(reply, DoctorPage({ shell: await shellFor(deps, request, 'Doctor', '/ui/doctor'), view: doctorView(report, live) }));
  });
}
