/** `GET /api/v1/doctor` (issue 7): the setup doctor's checks as JSON, for scripts and the staff interface. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { DoctorService } from '../../app/doctor-service.ts';

const doctorQuery = z.object({ offline: z.enum(['true', 'false']).optional().describe('true: check the configuration only, without calling ILLiad') });

/** The address ILLiad must post NCIP to: PUBLIC_URL when set (behind a proxy), else the address this request came to. */
function serverAddress(request: FastifyRequest, publicUrl: string | undefined): string {
  return publicUrl?.trim() || `${request.protocol}://${request.host}`;
}

export function doctorRoutes(app: FastifyInstance, deps: { doctor: DoctorService; publicUrl?: string | undefined }): void {
  app.get(
    '/api/v1/doctor',
    {
      config: { permission: 'read-config' },
      schema: {
        tags: ['doctor'],
        summary: "The setup doctor: the guide's configuration as checks (pass, warn, fail), and whether ILLiad accepts the key and is 9.2 or later",
        querystring: doctorQuery,
      },
    },
    async (request) => {
      const { offline } = request.query as z.infer<typeof doctorQuery>;
      return deps.doctor.run({ serverAddress: serverAddress(request, deps.publicUrl), offline: offline === 'true' });
    },
  );
}
