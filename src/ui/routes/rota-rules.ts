/**
 * Rota assignment rules: the institution's ordered list with its buttons (move, make final, enable, disable) and the
 * doctor's findings, a rule's form with the conditions editor, the new-rule form. Moves go through ConfigService's
 * moveRule / makeFinalRule, the same use cases as POST /api/v1/rota-rules/{id}/move and /make-final.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../domain/access/roles.ts';
import type { Problem } from '../../domain/errors.ts';
import { html, isHtmx, requirePermission, shellFor } from '../context.ts';
import type { UiDeps } from '../deps.ts';
import { ConditionsEditor, EDITOR_PATH, RotaRuleListPage, RotaRulePage, RotaRuleReadOnlyPage, RulesSection, RulesStatus } from '../pages/rota-rules.tsx';
import {
  actionMessage,
  applyEditor,
  defaultPosition,
  deletedRuleMessage,
  editorCommandOf,
  focusAfter,
  RULE_ACTIONS,
  type RuleAction,
  type RuleForm,
  ruleFormOf,
  ruleFormOfStored,
  ruleFormView,
  ruleHref,
  ruleInputOf,
  RULES_PATH,
  rulesView,
} from '../views/rota-rules.ts';
import { fromVersion, isStale, postedVersion, readableTime, staleView, type StaleView } from '../views/stale.ts';
import { allOf, refusalProblems } from './rota-templates.ts';

const NEW_PATH = `${RULES_PATH}/new`;
const FORM_BODY_LIMIT = 64 * 1024;
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** Like the staff pages' form parser, but a field sent more than once (a multiple select) becomes a list. */
export function formFields(body: string): Record<string, string | string[]> {
  const fields = new Map<string, string | string[]>();
  for (const [key, value] of new URLSearchParams(body)) {
    const before = fields.get(key);
    fields.set(key, before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value]);
  }
  return Object.fromEntries(fields);
}

const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

export function rotaRuleRoutes(app: FastifyInstance, deps: UiDeps): void {
  // Its own scope, so the list-aware parser serves these pages only; the session and CSRF hooks are inherited.
  void app.register(async (scope) => {
    scope.removeContentTypeParser(FORM_TYPE);
    scope.addContentTypeParser(FORM_TYPE, { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, raw, done) => done(null, formFields(raw as string)));
    routes(scope, deps);
  });
}

function routes(app: FastifyInstance, deps: UiDeps): void {
  const listView = async (request: FastifyRequest, extra: { message?: string; error?: string; focus?: string } = {}) => {
    const [rules, templates, report] = await Promise.all([allOf(deps.config, 'rota-rules'), allOf(deps.config, 'rota-templates'), deps.doctor.run({ offline: true, serverAddress: '' })]);
    return rulesView(rules, templates, report.checks, can(request.staff!.role, 'write-partners'), extra);
  };

  /** A rule's form (new, or an existing rule: `stored` its name as saved, for the heading while a new one is typed). */
  const formPage = async (
    request: FastifyRequest,
    options: { id?: string; stored?: string; form: RuleForm; problems?: readonly Problem[]; focus?: string | undefined; saved?: boolean; stale?: StaleView },
  ) => {
    const staff = request.staff!;
    const [rules, templates] = await Promise.all([allOf(deps.config, 'rota-rules'), allOf(deps.config, 'rota-templates')]);
    const view = ruleFormView(options.form, templates, options.problems ?? [], { ruleCount: rules.length, ruleNames: rules.map((r) => r.doc.name), focus: options.focus });
    const isNew = options.id === undefined;
    const name = options.stored ?? options.form.name;
    return RotaRulePage({
      shell: await shellFor(deps, request, isNew ? 'New rule' : `Rule ${name}`, RULES_PATH),
      view,
      action: isNew ? NEW_PATH : ruleHref(options.id!),
      heading: isNew ? 'New rota assignment rule' : `Rule: ${name}`,
      name,
      isNew,
      saved: options.saved ?? false,
      csrf: staff.csrf,
      stale: options.stale,
    });
  };

  const staleRule = async (id: string, options: { kept: boolean; nothing?: 'saved' | 'deleted' }) => {
    const current = await deps.config.get('rota-rules', id);
    return { current, stale: staleView('rule', current.updatedAt, ruleHref(current.id), options) };
  };

  app.get(RULES_PATH, async (request, reply) => {
    const staff = requirePermission(request, 'read-config');
    const query = request.query as Record<string, unknown>;
    let message = deletedRuleMessage(query.deleted);
    const view = await listView(request);
    const row = typeof query.created === 'string' ? view.rows.find((r) => r.id === query.created) : undefined;
    if (row) message = `Created “${row.name}” at position ${row.position}${row.final ? ', the final rule' : ''}.`;
    return html(reply, RotaRuleListPage({ shell: await shellFor(deps, request, 'Rota rules', RULES_PATH), view: { ...view, message }, csrf: staff.csrf }));
  });

  app.get(NEW_PATH, async (request, reply) => {
    requirePermission(request, 'write-partners');
    const count = (await allOf(deps.config, 'rota-rules')).length;
    const form: RuleForm = { name: '', enabled: true, stopHere: false, templates: [], conditions: [], position: defaultPosition(count), version: '' };
    return html(reply, await formPage(request, { form }));
  });

  app.post(NEW_PATH, async (request, reply) => {
    requirePermission(request, 'write-partners');
    const form = ruleFormOf(body(request));
    const command = editorCommandOf(body(request)._editor);
    if (command) {
      const edited = applyEditor(form, command);
      return html(reply, await formPage(request, { form: edited.form, focus: edited.focus }));
    }
    const position = form.position.trim() === '' ? undefined : Number(form.position);
    try {
      const created = await deps.config.create('rota-rules', ruleInputOf(form), position === undefined ? {} : { position });
      return reply.redirect(`${RULES_PATH}?created=${encodeURIComponent(created.id)}`, 303);
    } catch (error) {
      const problems = refusalProblems(error);
      if (!problems) throw error;
      return html(reply, await formPage(request, { form, problems }), 422);
    }
  });

  // The conditions editor redrawn (a row added or removed, an operator changed): nothing is saved.
  app.post(EDITOR_PATH, async (request, reply) => {
    requirePermission(request, 'write-partners');
    const edited = applyEditor(ruleFormOf(body(request)), editorCommandOf(body(request)._editor) ?? { kind: 'refresh' });
    return html(reply, ConditionsEditor({ view: ruleFormView(edited.form, [], [], { focus: edited.focus }) }));
  });

  app.get(`${RULES_PATH}/:id`, async (request, reply) => {
    const staff = requirePermission(request, 'read-config');
    const { id } = request.params as { id: string };
    const rule = await deps.config.get('rota-rules', id);
    if (!can(staff.role, 'write-partners')) {
      const row = (await listView(request)).rows.find((r) => r.id === rule.id)!;
      return html(reply, RotaRuleReadOnlyPage({ shell: await shellFor(deps, request, `Rule ${rule.doc.name}`, RULES_PATH), row }));
    }
    const saved = (request.query as Record<string, unknown>).saved === '1';
    return html(reply, await formPage(request, { id: rule.id, stored: rule.doc.name, form: ruleFormOfStored(rule), saved }));
  });

  app.post(`${RULES_PATH}/:id`, async (request, reply) => {
    requirePermission(request, 'write-partners');
    const { id } = request.params as { id: string };
    const rule = await deps.config.get('rota-rules', id);
    // The name may change (nothing names a rule): the rule is found by its id, which stays.
    const form = ruleFormOf(body(request));
    const command = editorCommandOf(body(request)._editor);
    if (command) {
      // Redrawn without saving (no JavaScript): with what was typed and the version the form was drawn from.
      const edited = applyEditor(form, command);
      return html(reply, await formPage(request, { id: rule.id, stored: rule.doc.name, form: edited.form, focus: edited.focus }));
    }
    try {
      await deps.config.replace('rota-rules', rule.id, ruleInputOf(form), fromVersion(form.version || undefined));
      return reply.redirect(`${ruleHref(rule.id)}?saved=1`, 303);
    } catch (error) {
      if (isStale(error)) {
        const { current, stale } = await staleRule(rule.id, { kept: true });
        return html(reply, await formPage(request, { id: rule.id, stored: current.doc.name, form, stale }), 409);
      }
      const problems = refusalProblems(error);
      if (!problems) throw error;
      return html(reply, await formPage(request, { id: rule.id, stored: rule.doc.name, form, problems }), 422);
    }
  });

  app.post(`${RULES_PATH}/:id/delete`, async (request, reply) => {
    requirePermission(request, 'write-partners');
    const { id } = request.params as { id: string };
    const rule = await deps.config.get('rota-rules', id);
    try {
      await deps.config.remove('rota-rules', rule.id, fromVersion(postedVersion(body(request))));
      return reply.redirect(`${RULES_PATH}?${new URLSearchParams({ deleted: rule.doc.name })}`, 303);
    } catch (error) {
      if (!isStale(error)) throw error;
      const { current, stale } = await staleRule(rule.id, { kept: false, nothing: 'deleted' });
      return html(reply, await formPage(request, { id: current.id, stored: current.doc.name, form: ruleFormOfStored(current), stale }), 409);
    }
  });

  app.post(`${RULES_PATH}/:id/actions/:action`, async (request, reply) => {
    const staff = requirePermission(request, 'write-partners');
    const { id: ref, action } = request.params as { id: string; action: string };
    if (!(RULE_ACTIONS as readonly string[]).includes(action)) {
      const view = await listView(request, { error: 'There is no such button.', focus: 'heading' });
      return isHtmx(request) ? html(reply, RulesSection({ view, csrf: staff.csrf })) : html(reply, RotaRuleListPage({ shell: await shellFor(deps, request, 'Rota rules', RULES_PATH), view, csrf: staff.csrf }), 404);
    }
    const rule = await deps.config.get('rota-rules', ref);
    let error: string | undefined;
    let focus: string | undefined;
    try {
      switch (action as RuleAction) {
        case 'up':
        case 'down': {
          const rules = await allOf(deps.config, 'rota-rules');
          const at = rules.findIndex((r) => r.id === rule.id) + 1;
          const to = action === 'up' ? at - 1 : at + 1;
          if (to < 1 || to > rules.length) error = `“${rule.doc.name}” is already ${action === 'up' ? 'first' : 'last'}.`;
          else await deps.config.moveRule(rule.id, to);
          break;
        }
        case 'make-final':
          await deps.config.makeFinalRule(rule.id);
          break;
        case 'enable':
        case 'disable':
          // The row's version: a rule someone else changed since the list was drawn is not switched unseen.
          await deps.config.patch('rota-rules', rule.id, { enabled: action === 'enable' }, fromVersion(postedVersion(body(request))));
          break;
      }
    } catch (caught) {
      if (isStale(caught)) {
        const { current } = await staleRule(rule.id, { kept: false });
        error = `Someone else saved the rule “${current.doc.name}” at ${readableTime(current.updatedAt)} while you were looking; nothing was changed. The list now shows the rules as they are.`;
        focus = 'heading';
      } else {
        const problems = refusalProblems(caught);
        if (!problems) throw caught;
        error = problems.map((p) => p.message).join('; ');
      }
    }
    const view = await listView(request, error ? { error, ...(focus ? { focus } : {}) } : {});
    const done = error ? view : { ...view, message: actionMessage(view, rule.id, action as RuleAction), focus: focusAfter(view.rows, rule.id, action as RuleAction) };
    if (!isHtmx(request)) {
      if (!error) return reply.redirect(RULES_PATH, 303);
      return html(reply, RotaRuleListPage({ shell: await shellFor(deps, request, 'Rota rules', RULES_PATH), view: done, csrf: staff.csrf }), 409);
    }
    return html(reply, `${await RulesSection({ view: done, csrf: staff.csrf })}${await RulesStatus({ message: done.message ?? '', oob: true })}`);
  });
}
