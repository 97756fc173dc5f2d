/** The institution, whole-configuration import/export, and staff tokens. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ConfigService } from '../../app/config-service.ts';
import type { ConfigTransfer } from '../../app/config-transfer.ts';
import type { ApiToken } from '../../app/ports.ts';
import type { TokenService } from '../../app/token-service.ts';
import { toView } from '../../app/views.ts';
import { ROLES } from '../../domain/access/roles.ts';
import { institutionSchema } from '../../domain/config/institution.ts';
import { ifMatchOf, withVersion, writeHeaders } from '../versions.ts';

/** A configuration file may hold every patron; 20 MiB is some 50,000 of them. */
export const CONFIG_BODY_LIMIT = 20 * 1024 * 1024;
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];

const importQuery = z.object({
  prune: z.enum(['true', 'false']).optional().describe('In each section the file has, remove the objects it does not list'),
  dryRun: z.enum(['true', 'false']).optional().describe('Check and report only'),
});

function tokenView(token: ApiToken) {
  const view = { id: token.id, name: token.name, role: token.role, createdAt: token.createdAt, lastUsedAt: token.lastUsedAt, revokedAt: token.revokedAt };
  // A staff user's sign-in (only listed with ?sessions=true): marked, with its user and its end.
  return token.userId ? { ...view, session: { userId: token.userId, expiresAt: token.expiresAt ?? null } } : view;
}

const tokenListQuery = z.object({ sessions: z.enum(['true', 'false']).optional().describe("true: also staff users' session tokens (password sign-ins), each marked with session") });

export function adminRoutes(app: FastifyInstance, deps: { config: ConfigService; transfer: ConfigTransfer; tokens: TokenService }): void {
  app.get('/api/v1/institution', { config: { permission: 'read-config' }, schema: { tags: ['institution'], summary: 'The institution (its version is the ETag)' } }, async (_request, reply) => {
    const institution = await deps.config.getInstitution();
    return withVersion(reply, institution).send(toView(institution));
  });
  app.put('/api/v1/institution', { config: { permission: 'write-places' }, schema: { tags: ['institution'], headers: writeHeaders, body: institutionSchema } }, async (request, reply) => {
    const body = { ...(request.body as Record<string, unknown>) };
    for (const field of ['id', 'createdAt', 'updatedAt']) delete body[field];
    const saved = await deps.config.putInstitution(body, { ifMatch: ifMatchOf(request) });
    return withVersion(reply, saved).send(toView(saved));
  });

  app.register(async (scope) => {
    scope.addContentTypeParser(YAML_TYPES, { parseAs: 'string', bodyLimit: CONFIG_BODY_LIMIT }, (_request, body, done) => done(null, { yaml: body }));
    scope.get(
      '/api/v1/config',
      { config: { permission: 'transfer-config' }, schema: { tags: ['config'], summary: 'The whole configuration as YAML (or JSON with Accept: application/json)' } },
      async (request, reply) => {
        if ((request.headers.accept ?? '').includes('application/json')) return deps.transfer.exportObject();
        return reply.type('application/yaml; charset=utf-8').send(await deps.transfer.exportYaml());
      },
    );
    scope.post(
      '/api/v1/config',
      {
        bodyLimit: CONFIG_BODY_LIMIT,
        config: { permission: 'transfer-config' },
        schema: { tags: ['config'], summary: 'Apply a configuration file (YAML or JSON), checked as a whole first', querystring: importQuery },
      },
      async (request) => {
        const query = request.query as { prune?: string; dryRun?: string };
        const options = { prune: query.prune === 'true', dryRun: query.dryRun === 'true' };
        const body = request.body as { yaml?: string } | undefined;
        if (body && typeof body === 'object' && typeof body.yaml === 'string') return deps.transfer.importYaml(body.yaml, options);
        return deps.transfer.importObject(body, options);
      },
    );
  });

  const tokenBody = z.strictObject({ name: z.string(), role: z.enum(ROLES) });
  app.get('/api/v1/tokens', { config: { permission: 'manage-tokens' }, schema: { tags: ['tokens'], querystring: tokenListQuery } }, async (request) => {
    const sessions = (request.query as { sessions?: string }).sessions === 'true';
    return { items: (await deps.tokens.list({ sessions })).map(tokenView) };
  });
  app.post('/api/v1/tokens', { config: { permission: 'manage-tokens' }, schema: { tags: ['tokens'], summary: 'Create a token; its secret is shown this once', body: tokenBody } }, async (request, reply) => {
    const { token, secret } = await deps.tokens.create((request.body ?? {}) as { name?: unknown; role?: unknown });
    return reply.status(201).send({ ...tokenView(token), token: secret });
  });
  app.delete('/api/v1/tokens/:id', { config: { permission: 'manage-tokens' }, schema: { tags: ['tokens'] } }, async (request, reply) => {
    await deps.tokens.revoke((request.params as { id: string }).id);
    return reply.status(204).send();
  });
  app.get('/api/v1/me', { config: { permission: 'read-config' }, schema: { tags: ['tokens'], summary: 'Who the token belongs to' } }, async (request) => {
    const caller = request.caller!;
    return { tokenId: caller.tokenId, name: caller.name, role: caller.role };
  });
}
