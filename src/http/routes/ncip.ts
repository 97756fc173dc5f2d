/**
 * The NCIP endpoint (design.md outside contracts): `POST /ncip` and `POST /view/NCIPServlet`, the path ILLiad's
 * add-on is usually pointed at. Any Content-Type or none; the body is handed over as bytes (the protocol edge reads
 * the XML declaration's encoding). Every answer is HTTP 200 with an NCIP message, a Problem included: ILLiad's
 * WebClient throws away non-2xx answers (illiad.md §5 (b) 11). `GET` answers the liveness envelope.
 */
import type { FastifyInstance } from 'fastify';

/**
 * Takes the raw body, returns the NCIP answer; never throws (faults become Problems inside). `refusal`: the body
 * could not be read at all (too big for the server, a broken stream), answered with a message-level Problem.
 */
export type NcipEndpoint = (body: Buffer, refusal?: string) => Promise<string>;

/**
 * What fastify will read at all: the responder's own limit (1 MiB; ILLiad's messages are about 1 KB). A bigger body
 * is refused while it arrives, never read into memory whole, and answered with a Problem like any other.
 */
export const NCIP_READ_LIMIT = 1024 * 1024;

export async function ncipRoutes(app: FastifyInstance, deps: { ncip: NcipEndpoint }): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: NCIP_READ_LIMIT }, (_request, body, done) => done(null, body));
    // Even fastify's own refusals (a body over the read limit, a broken stream) are answered in NCIP.
    scope.setErrorHandler(async (error, _request, reply) => {
      const code = (error as { code?: string }).code;
      const refusal = code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `the message is larger than ${NCIP_READ_LIMIT} bytes` : 'the message could not be read';
      const answer = await deps.ncip(Buffer.alloc(0), refusal);
      return reply.status(200).type('application/xml; charset=utf-8').send(answer);
    });
    for (const path of ['/ncip', '/view/NCIPServlet']) {
      scope.post(path, { schema: { hide: true } }, async (request, reply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        return reply.status(200).type('application/xml; charset=utf-8').send(await deps.ncip(body));
      });
      scope.get(path, { schema: { hide: true } }, async (_request, reply) => {
        return reply.status(200).type('application/xml; charset=utf-8').send(await deps.ncip(Buffer.alloc(0)));
      });
    }
  });
}
