// The floor of the volume bench (scripts/bench/volume.ts): a bare Fastify in a process of its own, as the server
// under test is, that parses the JSON body of POST /api/v1/borrowing-requests and answers 201 with a fixed body.
// Plain JS, so no TypeScript loader is in the way.
import Fastify from 'fastify';

const app = Fastify();
const fixed = JSON.stringify({ id: 'bare', status: 'REQUEST_SENT_TO_PARTNER' });
app.get('/healthz', async () => ({ ok: true }));
app.post('/api/v1/borrowing-requests', async (request, reply) => {
  if (typeof request.body !== 'object' || request.body === null) return reply.code(400).send({ error: 'not JSON' });
  return reply.code(201).type('application/json; charset=utf-8').send(fixed);
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
