/** `POST /iso18626` (design.md outside contracts): any XML content type, or none; the body as bytes to the responder. */
import type { FastifyInstance } from 'fastify';

export type Iso18626Endpoint = (
  body: Buffer,
  headers?: Readonly<Record<string, string | undefined>>,
  /** Where the message came from: peers without a shared secret are checked against their configured address. */
  from?: { readonly remoteAddress?: string },
) => Promise<{ status: number; contentType: string; body: string; headers?: Readonly<Record<string, string>> }>;

/** Bodies above this are refused by fastify (413) before the responder; peers' messages are a few KB. */
export const ISO18626_READ_LIMIT = 1024 * 1024;

export async function iso18626Routes(app: FastifyInstance, deps: { iso18626: Iso18626Endpoint }): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ISO18626_READ_LIMIT }, (_request, body, done) => done(null, body));
    scope.post('/iso18626', { schema: { hide: true } }, async (request, reply) => {
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value[0] : value]));
      const answer = await deps.iso18626(Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0), headers, { remoteAddress: request.ip });
      if (answer.headers) reply.headers(answer.headers);
      return reply.status(answer.status).type(answer.contentType).send(answer.body);
    });
  });
}
