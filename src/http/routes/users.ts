/**
 * `/api/v1/users`: staff users who sign in to the staff pages with a user name and password (issue 8), admin only
 * (`manage-users`). A password goes in and never comes out: no answer holds it or its hash.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor, StaffUsers } from '../../app/staff-users.ts';
import { STAFF_ROLES } from '../../domain/access/roles.ts';
import type { StaffUser } from '../../domain/access/staff-user.ts';

/** Exactly these fields: a new field must be added here on purpose, so nothing secret slips out with a spread. */
export function userView(user: StaffUser) {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    role: user.role,
    disabled: user.disabledAt !== null,
    disabledAt: user.disabledAt,
    lastSignInAt: user.lastSignInAt,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

const password = z.string().min(12).max(1024).describe('At least 12 characters; never shown again');
const createBody = z.strictObject({ username: z.string(), name: z.string(), role: z.enum(STAFF_ROLES), password });
const changeBody = z.strictObject({ name: z.string().optional(), role: z.enum(STAFF_ROLES).optional(), password: password.optional(), disabled: z.boolean().optional() });
const params = z.object({ username: z.string().describe('The user name, in any case') });

const actorOf = (request: FastifyRequest): Actor => ({ tokenId: request.caller!.tokenId, userId: request.caller!.userId });
const usernameOf = (request: FastifyRequest) => (request.params as { username: string }).username;

export function userRoutes(app: FastifyInstance, deps: { staffUsers: StaffUsers }): void {
  const config = { permission: 'manage-users' } as const;
  app.get('/api/v1/users', { config, schema: { tags: ['users'], summary: 'Staff users, by user name' } }, async () => ({ items: (await deps.staffUsers.list()).map(userView) }));
  app.post('/api/v1/users', { config, schema: { tags: ['users'], summary: 'Add a staff user', body: createBody } }, async (request, reply) => {
    return reply.status(201).send(userView(await deps.staffUsers.create(request.body ?? {})));
  });
  app.get('/api/v1/users/:username', { config, schema: { tags: ['users'], params } }, async (request) => userView(await deps.staffUsers.get(usernameOf(request))));
  app.patch(
    '/api/v1/users/:username',
    { config, schema: { tags: ['users'], summary: 'Change the name, role or password, or disable / enable; a new role or password, or disabling, ends the user’s sessions', params, body: changeBody } },
    async (request) => userView(await deps.staffUsers.update(usernameOf(request), request.body ?? {}, actorOf(request))),
  );
  app.delete('/api/v1/users/:username', { config, schema: { tags: ['users'], params, summary: 'Remove a staff user and end its sessions' } }, async (request, reply) => {
    await deps.staffUsers.delete(usernameOf(request), actorOf(request));
    return reply.status(204).send();
  });
}
