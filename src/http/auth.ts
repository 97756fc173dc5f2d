/** Bearer tokens on `/api/v1`, and the role check each route declares in its config (`permission`). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Caller, TokenService } from '../app/token-service.ts';
import { can, type Permission } from '../domain/access/roles.ts';
import { InterlendError } from '../domain/errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
  interface FastifyContextConfig {
    /** What the caller's role must allow; routes under /api/v1 without one are refused. */
    permission?: Permission;
  }
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Registers the checks on an encapsulated plugin scope (the API routes). */
export function requireTokens(app: FastifyInstance, tokens: TokenService): void {
  app.addHook('onRequest', async (request) => {
    const secret = bearer(request);
    if (!secret) throw new InterlendError('ILL_ERR_UNAUTHENTICATED', 'this API needs a token: send the header Authorization: Bearer <token>');
    const caller = await tokens.authenticate(secret);
    if (!caller) throw new InterlendError('ILL_ERR_UNAUTHENTICATED', 'the token is not known or has been revoked');
    request.caller = caller;
  });
  app.addHook('preHandler', async (request) => {
    const permission = request.routeOptions.config.permission;
    const caller = request.caller!;
    if (!permission || !can(caller.role, permission)) {
      throw new InterlendError('ILL_ERR_FORBIDDEN', `the role ${caller.role} may not do this${permission ? ` (it needs ${permission})` : ''}`);
    }
  });
}
