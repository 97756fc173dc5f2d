/**
 * Staff users (issue 8), for roles with `manage-users` (admin): the list with the add-user form, and a user's page
 * with its name and role, a new password, and disable / enable. StaffUsers decides; every change goes through the
 * same use case as /api/v1/users, so a new role, a new password or disabling ends the user's sessions here too.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor, StaffUsers } from '../../app/staff-users.ts';
import type { StaffUser } from '../../domain/access/staff-user.ts';
import { type ErrorCode, InterlendError, type Problem } from '../../domain/errors.ts';
import { html, requirePermission, shellFor } from '../context.ts';
import type { UiDeps } from '../deps.ts';
import { UserPage, UsersPage } from '../pages/users.tsx';
import { type FieldErrors, NO_ERRORS, placeProblems } from '../views/rota-templates.ts';
import {
  noticeOf,
  PASSWORD_MISMATCH,
  passwordsOf,
  ROLE_LABELS,
  type NewUserValues,
  newUserValuesOf,
  type UserDetailsValues,
  userDetailsOf,
  userHref,
  userRowOf,
  USERS_PATH,
  when,
} from '../views/users.ts';

/** Refusals an admin can fix in the form: shown next to the field. */
const FORM_REFUSALS = new Set<ErrorCode>(['ILL_ERR_VALIDATION', 'ILL_ERR_DUPLICATE', 'ILL_ERR_NOT_ALLOWED']);
const NEW_USER_FIELDS = ['username', 'name', 'role', 'password', 'passwordAgain'];
const DETAIL_FIELDS = ['name', 'role'];
const PASSWORD_FIELDS = ['password', 'passwordAgain'];

function refusal(error: unknown): Problem[] {
  if (!(error instanceof InterlendError) || !FORM_REFUSALS.has(error.code)) throw error;
  return error.problems.length ? [...error.problems] : [{ path: '', message: error.message }];
}

const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;
const usernameOf = (request: FastifyRequest) => (request.params as { username: string }).username;
const actorOf = (request: FastifyRequest): Actor => ({ tokenId: request.staff!.tokenId, userId: request.staff!.userId });

export function userRoutes(app: FastifyInstance, deps: UiDeps & { staffUsers: StaffUsers }): void {
  const listPage = async (request: FastifyRequest, form: NewUserValues, errors: FieldErrors, notice?: string) => {
    const rows = (await deps.staffUsers.list()).map(userRowOf);
    return UsersPage({ shell: await shellFor(deps, request, 'Staff users', USERS_PATH), rows, form, errors, csrf: request.staff!.csrf, notice });
  };

  const userPage = async (
    request: FastifyRequest,
    user: StaffUser,
    options: { details?: UserDetailsValues; detailErrors?: FieldErrors; passwordErrors?: FieldErrors; statusError?: string; notice?: string | undefined } = {},
  ) => {
    const staff = request.staff!;
    return UserPage({
      shell: await shellFor(deps, request, `Staff user ${user.username}`, USERS_PATH),
      username: user.username,
      href: userHref(user.username),
      heading: `${user.name} (${user.username})`,
      facts: [
        { label: 'User name', value: user.username },
        { label: 'Role', value: ROLE_LABELS[user.role] },
        { label: 'Status', value: user.disabledAt ? `Disabled since ${when(user.disabledAt)}` : 'Active' },
        { label: 'Last sign-in', value: when(user.lastSignInAt) },
        { label: 'Added', value: when(user.createdAt) },
      ],
      disabled: user.disabledAt !== null,
      self: staff.userId === user.id,
      details: options.details ?? { name: user.name, role: user.role },
      detailErrors: options.detailErrors ?? NO_ERRORS,
      passwordErrors: options.passwordErrors ?? NO_ERRORS,
      statusError: options.statusError,
      notice: options.notice,
      csrf: staff.csrf,
    });
  };

  app.get(USERS_PATH, async (request, reply) => {
    requirePermission(request, 'manage-users');
    const added = (request.query as Record<string, unknown>).added;
    const notice = typeof added === 'string' && added ? `Added ${added.slice(0, 64)}: they can sign in now.` : undefined;
    return html(reply, await listPage(request, newUserValuesOf({}), NO_ERRORS, notice));
  });

  app.post(USERS_PATH, async (request, reply) => {
    requirePermission(request, 'manage-users');
    const form = newUserValuesOf(body(request));
    const { password, mismatch } = passwordsOf(body(request));
    if (mismatch) return html(reply, await listPage(request, form, { fields: { passwordAgain: PASSWORD_MISMATCH }, form: [] }), 422);
    try {
      const user = await deps.staffUsers.create({ ...form, password });
      return reply.redirect(`${USERS_PATH}?added=${encodeURIComponent(user.username)}`, 303);
    } catch (error) {
      return html(reply, await listPage(request, form, placeProblems(refusal(error), NEW_USER_FIELDS)), 422);
    }
  });

  app.get(`${USERS_PATH}/:username`, async (request, reply) => {
    requirePermission(request, 'manage-users');
    const user = await deps.staffUsers.get(usernameOf(request));
    return html(reply, await userPage(request, user, { notice: noticeOf(request.query as Record<string, unknown>) }));
  });

  app.post(`${USERS_PATH}/:username`, async (request, reply) => {
    requirePermission(request, 'manage-users');
    const user = await deps.staffUsers.get(usernameOf(request));
    const details = userDetailsOf(body(request));
    // The own role is not in the form (it cannot change): keep it.
    const change = { name: details.name, role: details.role || user.role };
    try {
      const updated = await deps.staffUsers.update(user.username, change, actorOf(request));
      return reply.redirect(`${userHref(updated.username)}?saved=${updated.role !== user.role ? 'details' : 'name'}`, 303);
    } catch (error) {
      return html(reply, await userPage(request, user, { details: change, detailErrors: placeProblems(refusal(error), DETAIL_FIELDS) }), 422);
    }
  });

  app.post(`${USERS_PATH}/:username/password`, async (request, reply) => {
    requirePermission(request, 'manage-users');
    const user = await deps.staffUsers.get(usernameOf(request));
    const { password, mismatch } = passwordsOf(body(request));
    if (mismatch) return html(reply, await userPage(request, user, { passwordErrors: { fields: { passwordAgain: PASSWORD_MISMATCH }, form: [] } }), 422);
    try {
      await deps.staffUsers.setPassword(user.username, password, actorOf(request));
      return reply.redirect(`${userHref(user.username)}?saved=password`, 303);
    } catch (error) {
      return html(reply, await userPage(request, user, { passwordErrors: placeProblems(refusal(error), PASSWORD_FIELDS) }), 422);
    }
  });

  for (const [action, disabled] of [['disable', true], ['enable', false]] as const) {
    app.post(`${USERS_PATH}/:username/${action}`, async (request, reply) => {
      requirePermission(request, 'manage-users');
      const user = await deps.staffUsers.get(usernameOf(request));
      try {
        await deps.staffUsers.update(user.username, { disabled }, actorOf(request));
        return reply.redirect(`${userHref(user.username)}?saved=${disabled ? 'disabled' : 'enabled'}`, 303);
      } catch (error) {
        const message = refusal(error).map((p) => p.message).join('; ');
        return html(reply, await userPage(request, user, { statusError: message.charAt(0).toUpperCase() + message.slice(1) + '.' }), 422);
      }
    });
  }
}
