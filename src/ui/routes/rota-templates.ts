/** Rota templates: the list with the new-template form, a template's page, its members (add, remove, move). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type ConfigService, versionOf } from '../../app/config-service.ts';
import type { Stored } from '../../app/ports.ts';
import { can } from '../../domain/access/roles.ts';
import type { ConfigDocs, ConfigKind } from '../../domain/config/kinds.ts';
import { type ErrorCode, InterlendError, type Problem } from '../../domain/errors.ts';
import { html, isHtmx, requirePermission, shellFor } from '../context.ts';
import type { UiDeps } from '../deps.ts';
import { MembersSection, MembersStatus, RotaTemplateListPage, RotaTemplatePage, TemplateVersions } from '../pages/rota-templates.tsx';
import {
  deletedMessage,
  deleteRefusalSentence,
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
import { fromVersion, isStale, postedVersion, staleView, type StaleView } from '../views/stale.ts';

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
  const listPage = async (request: FastifyRequest, form: TemplateFormValues, errors: FieldErrors, done?: string) => {
    const staff = request.staff!;
    const templates = await allOf(deps.config, 'rota-templates');
    return RotaTemplateListPage({
      shell: await shellFor(deps, request, 'Rota templates', LIST_PATH),
      rows: templates.map(templateRow),
      canWrite: can(staff.role, 'write-partners'),
      form,
      errors,
      csrf: staff.csrf,
      done,
    });
  };

  /**
   * The template's page, drawn from what is stored now. After a refusal its forms keep the version they were posted
   * with (`version`), so that after a stale save saving again is refused too, until the page is reloaded.
   */
  const templatePage = async (
    request: FastifyRequest,
    code: string,
    options: { form?: TemplateFormValues; errors?: FieldErrors; saved?: boolean; version?: string | undefined; stale?: StaleView; deleteRefusal?: string } = {},
  ) => {
    const staff = request.staff!;
    const template = await deps.config.get('rota-templates', code);
    const canWrite = can(staff.role, 'write-partners');
    const version = options.version ?? versionOf(template);
    const members = membersView(template.doc, await allOf(deps.config, 'partners'), canWrite, { version });
    const form = options.form ?? templateFormOfStored(template.doc);
    return RotaTemplatePage({
      shell: await shellFor(deps, request, `Rota template ${template.doc.code}`, LIST_PATH),
      form: { ...form, code: template.doc.code },
      errors: options.errors ?? NO_ERRORS,
      members,
      canWrite,
      saved: options.saved ?? false,
      csrf: staff.csrf,
      version,
      stale: options.stale,
      deleteRefusal: options.deleteRefusal,
    });
  };

  const staleTemplate = async (code: string, kept: boolean, nothing: 'saved' | 'deleted' = 'saved') => {
    const current = await deps.config.get('rota-templates', code);
    return staleView('rota template', current.updatedAt, templateHref(current.doc.code), { kept, nothing });
  };

  app.get(LIST_PATH, async (request, reply) => {
    requirePermission(request, 'read-config');
    return html(reply, await listPage(request, templateFormOf({}), NO_ERRORS, deletedMessage((request.query as Record<string, unknown>).deleted)));
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
    const version = postedVersion(body(request));
    try {
      await deps.config.patch('rota-templates', current.id, { name: form.name, type: form.type, status: form.status }, fromVersion(version));
      return reply.redirect(`${templateHref(current.doc.code)}?saved=1`, 303);
    } catch (error) {
      if (isStale(error)) return html(reply, await templatePage(request, code, { form, version, stale: await staleTemplate(code, true) }), 409);
      const problems = refusalProblems(error);
      if (!problems) throw error;
      return html(reply, await templatePage(request, code, { form, errors: placeProblems(problems, FIELDS), version }), 422);
    }
  });

  app.post(`${LIST_PATH}/:code/delete`, async (request, reply) => {
    requirePermission(request, 'write-partners');
    const { code } = request.params as { code: string };
    const current = await deps.config.get('rota-templates', code);
    try {
      await deps.config.remove('rota-templates', current.id, fromVersion(postedVersion(body(request))));
      return reply.redirect(`${LIST_PATH}?${new URLSearchParams({ deleted: current.doc.code })}`, 303);
    } catch (error) {
      if (isStale(error)) return html(reply, await templatePage(request, code, { stale: await staleTemplate(code, false, 'deleted') }), 409);
      // A rule still outputs it: the use case names the rules.
      if (!(error instanceof InterlendError) || error.code !== 'ILL_ERR_IN_USE') throw error;
      return html(reply, await templatePage(request, code, { deleteRefusal: deleteRefusalSentence(error.message) }), 409);
    }
  });

  app.post(`${LIST_PATH}/:code/members`, async (request, reply) => {
    const staff = requirePermission(request, 'write-partners');
    const { code } = request.params as { code: string };
    const { op, partner } = body(request);
    const posted = postedVersion(body(request));
    const current = await deps.config.get('rota-templates', code);
    let message: string | undefined;
    let error: string | undefined;
    let stale = false;
    let focus: string | undefined = 'heading';
    let members = current.doc.members;
    // The buttons' version stays the one the page was drawn at unless this change is saved (then the new one).
    let version = posted ?? versionOf(current);
    if (typeof op !== 'string' || !MEMBER_OPS.includes(op as MemberOp) || typeof partner !== 'string' || !partner) {
      error = 'Choose a partner and what to do with it.';
    } else {
      const after = membersAfter(current.doc.members, op as MemberOp, partner);
      if (!after) {
        if (posted !== undefined && posted !== versionOf(current)) stale = true;
        else error = `${partner} cannot be moved that way: the page was out of date and now shows the members as they are.`;
      } else {
        try {
          const saved = await deps.config.patch('rota-templates', current.id, { members: after }, fromVersion(posted));
          members = saved.doc.members;
          version = versionOf(saved);
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
          if (isStale(caught)) stale = true;
          else {
            const problems = refusalProblems(caught);
            if (!problems) throw caught;
            error = problems.map((p) => p.message).join('; ');
          }
        }
      }
    }
    if (stale) {
      // Nothing saved. Without JavaScript the page is drawn again from what is stored (nothing typed is lost: a
      // member button posts nothing else). With htmx the members part shows the members as stored now, and every
      // form of the page keeps its old version, so the general information typed is not saved over their change.
      if (!isHtmx(request)) return html(reply, await templatePage(request, code, { stale: await staleTemplate(code, false) }), 409);
      const now = await deps.config.get('rota-templates', code);
      const view = membersView(now.doc, await allOf(deps.config, 'partners'), true, { version, stale: await staleTemplate(code, true) });
      return html(reply, `${await MembersSection({ view, csrf: staff.csrf })}${await MembersStatus({ message: '', oob: true })}`);
    }
    if (!isHtmx(request)) {
      if (!error) return reply.redirect(templateHref(current.doc.code), 303);
      return html(reply, await templatePage(request, code, { errors: { fields: {}, form: [error] } }), 409);
    }
    const view = membersView({ ...current.doc, members }, await allOf(deps.config, 'partners'), true, { version, message, error, focus });
    // A saved change moves the template's version on: the general-information and Delete forms get the new one.
    const versions = version === posted || error ? '' : await TemplateVersions({ version, oob: true });
    return html(reply, `${await MembersSection({ view, csrf: staff.csrf })}${await MembersStatus({ message: message ?? '', oob: true })}${versions}`);
  });
}
