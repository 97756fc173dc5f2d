/** Rota templates: the list with the new-template form, a template's page, its members (add, remove, move). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ConfigService } from '../../app/config-service.ts';
import type { Stored } from '../../app/ports.ts';
import { can } from '../../domain/access/roles.ts';
import type { ConfigDocs, ConfigKind } from '../../domain/config/kinds.ts';
import { type ErrorCode, InterlendError, type Problem } from '../../domain/errors.ts';
import { html, isHtmx, requirePermission, shellFor } from '../context.ts';
import type { UiDeps } from '../deps.ts';
import { MembersSection, MembersStatus, RotaTemplateListPage, RotaTemplatePage } from '../pages/rota-templates.tsx';
import {
  type FieldErrors,
  MEMBER_OPS,
  type MemberOp,
  memberMessage,
  membersAfter,
  membersView,
  NO_ERRORS,
  placeProblems,
  type TemplateFormValues,
  templateFormOf,
  templateFormOfStored,
  templateHref,
  templateRow,
} from '../views/rota-templates.ts';

const LIST_PATH = '/ui/rota-templates';
const FIELDS = ['code', 'name', 'type', 'status', 'members'];
/** Refusals staff can fix in the form: shown on it, next to the field. */
export const FORM_REFUSALS = new Set<ErrorCode>(['ILL_ERR_VALIDATION', 'ILL_ERR_BAD_REQUEST', 'ILL_ERR_DUPLICATE', 'ILL_ERR_REFERENCE_NOT_FOUND', 'ILL_ERR_IMMUTABLE', 'ILL_ERR_IN_USE']);

/** Every object of a kind, a page of the use case at a time. */
export async function allOf<K extends ConfigKind>(config: ConfigService, kind: K): Promise<Stored<ConfigDocs[K]>[]> {
  const items: Stored<ConfigDocs[K]>[] = [];
  for (let offset = 0; ; ) {
    const page = await config.list(kind, { limit: 500, offset, filters: {} });
    items.push(...page.items);
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) return items;
  }
}

/** The problems of a refusal the form can show, or undefined for anything else (a fault: the error page). */
export function refusalProblems(error: unknown): Problem[] | undefined {
  if (!(error instanceof InterlendError) || !FORM_REFUSALS.has(error.code)) return undefined;
  return error.problems.length ? [...error.problems] : [{ path: '', message: error.message }];
}

const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

export function rotaTemplateRoutes(app: FastifyInstance, deps: UiDeps): void {
  const listPage = async (request: FastifyRequest, form: TemplateFormValues, errors: FieldErrors) => {
    const staff = request.staff!;
    const templates = await allOf(deps.config, 'rota-templates');
    return RotaTemplateListPage({ shell: await shellFor(deps, request, 'Rota templates', LIST_PATH), rows: templates.map(templateRow), canWrite: can(staff.role, 'write-partners'), form, errors, csrf: staff.csrf });
  };

  const templatePage = async (request: FastifyRequest, code: string, options: { form?: TemplateFormValues; errors?: FieldErrors; saved?: boolean } = {}) => {
    const staff = request.staff!;
    const template = await deps.config.get('rota-templates', code);
    const canWrite = can(staff.role, 'write-partners');
    const members = membersView(template.doc, await allOf(deps.config, 'partners'), canWrite);
    const form = options.form ?? templateFormOfStored(template.doc);
    return RotaTemplatePage({
      shell: await shellFor(deps, request, `Rota template ${template.doc.code}`, LIST_PATH),
      form: { ...form, code: template.doc.code },
      errors: options.errors ?? NO_ERRORS,
      members,
      canWrite,
      saved: options.saved ?? false,
      csrf: staff.csrf,
    });
  };

  app.get(LIST_PATH, async (request, reply) => {
    requirePermission(request, 'read-config');
    return html(reply, await listPage(request, templateFormOf({}), NO_ERRORS));
  });

  app.post(LIST_PATH, async (request, reply) => {
    requirePermission(request, 'write-partners');
    const form = templateFormOf(body(request));
    try {
      const created = await deps.config.create('rota-templates', { ...form, members: [] });
      return reply.redirect(templateHref(created.doc.code), 303);
    } catch (error) {
      const problems = refusalProblems(error);
      if (!problems) throw error;
      return html(reply, await listPage(request, form, placeProblems(problems, FIELDS)), 422);
    }
  });

  app.get(`${LIST_PATH}/:code`, async (request, reply) => {
    requirePermission(request, 'read-config');
    const { code } = request.params as { code: string };
    const saved = (request.query as Record<string, unknown>).saved === '1';
    return html(reply, await templatePage(request, code, { saved }));
  });

  // The general information; the members are kept as they are (they change by their own buttons).
  app.post(`${LIST_PATH}/:code`, async (request, reply) => {
    requirePermission(request, 'write-partners');
    const { code } = request.params as { code: string };
    const current = await deps.config.get('rota-templates', code);
    const form = { ...templateFormOf(body(request)), code: current.doc.code };
    try {
      await deps.config.patch('rota-templates', current.id, { name: form.name, type: form.type, status: form.status });
      return reply.redirect(`${templateHref(current.doc.code)}?saved=1`, 303);
    } catch (error) {
      const problems = refusalProblems(error);
      if (!problems) throw error;
      return html(reply, await templatePage(request, code, { form, errors: placeProblems(problems, FIELDS) }), 422);
    }
  });

  app.post(`${LIST_PATH}/:code/members`, async (request, reply) => {
    const staff = requirePermission(request, 'write-partners');
    const { code } = request.params as { code: string };
    const { op, partner } = body(request);
    const current = await deps.config.get('rota-templates', code);
    let message: string | undefined;
    let error: string | undefined;
    let focus: string | undefined = 'heading';
    let members = current.doc.members;
    if (typeof op !== 'string' || !MEMBER_OPS.includes(op as MemberOp) || typeof partner !== 'string' || !partner) {
      error = 'Choose a partner and what to do with it.';
    } else {
      const after = membersAfter(current.doc.members, op as MemberOp, partner);
      if (!after) error = `${partner} cannot be moved that way: the page was out of date and now shows the members as they are.`;
      else {
        try {
          members = (await deps.config.patch('rota-templates', current.id, { members: after })).doc.members;
          message = memberMessage(op as MemberOp, partner, members);
          // Keep the keyboard where it was: on the same button of the moved member, else the next sensible place.
          const at = members.indexOf(partner);
          const canUp = at > 0;
          const canDown = at >= 0 && at < members.length - 1;
          const other = canUp ? `up:${partner}` : canDown ? `down:${partner}` : `remove:${partner}`;
          if (op === 'up') focus = canUp ? `up:${partner}` : other;
          else if (op === 'down') focus = canDown ? `down:${partner}` : other;
          else focus = 'add'; // after add or remove: the select, to add another
        } catch (caught) {
          const problems = refusalProblems(caught);
          if (!problems) throw caught;
          error = problems.map((p) => p.message).join('; ');
        }
      }
    }
    if (!isHtmx(request)) {
      if (!error) return reply.redirect(templateHref(current.doc.code), 303);
      return html(reply, await templatePage(request, code, { errors: { fields: {}, form: [error] } }), 409);
    }
    const view = membersView({ ...current.doc, members }, await allOf(deps.config, 'partners'), true, { message, error, focus });
    return html(reply, `${await MembersSection({ view, csrf: staff.csrf })}${await MembersStatus({ message: message ?? '', oob: true })}`);
  });
}
