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

  const formPage = async (request: FastifyRequest, options: { id?: string; form: RuleForm; problems?: readonly Problem[]; focus?: string | undefined; saved?: boolean }) => {
    const staff = request.staff!;
    const [rules, templates] = await Promise.all([allOf(deps.config, 'rota-rules'), allOf(deps.config, 'rota-templates')]);
    const view = ruleFormView(options.form, templates, options.problems ?? [], { ruleCount: rules.length, ruleNames: rules.map((r) => r.doc.name), focus: options.focus });
    const isNew = options.id === undefined;
    const title = isNew ? 'New rule' : `Rule ${options.form.name}`;
    return RotaRulePage({
      shell: await shellFor(deps, request, title, RULES_PATH),
      view,
      action: isNew ? NEW_PATH : ruleHref(options.id!),
      isNew,
      saved: options.saved ?? false,
      csrf: staff.csrf,
    });
  };

  app.get(RULES_PATH, async (request, reply) => {
    const staff = requirePermission(request, 'read-config');
    const created = (request.query as Record<string, unknown>).created;
    let message: string | undefined;
    const view = await listView(request);
    const row = typeof created === 'string' ? view.rows.find((r) => r.id === created) : undefined;
    if (row) message = `Created “${row.name}” at position ${row.position}${row.final ? ', the final rule' : ''}.`;
    return html(reply, RotaRuleListPage({ shell: await shellFor(deps, request, 'Rota rules', RULES_PATH), view: { ...view, message }, csrf: staff.csrf }));
  });

  app.get(NEW_PATH, async (request, reply) => {
    requirePermission(request, 'write-partners');
    const count = (await allOf(deps.config, 'rota-rules')).length;
    const form: RuleForm = { name: '', enabled: true, stopHere: false, templates: [], conditions: [], position: defaultPosition(count) };
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
    return html(reply, await formPage(request, { id: rule.id, form: ruleFormOfStored(rule.doc), saved }));
  });

  app.post(`${RULES_PATH}/:id`, async (request, reply) => {
    requirePermission(request, 'write-partners');
    const { id } = request.params as { id: string };
    const rule = await deps.config.get('rota-rules', id);
    // The name is the rule's key and cannot change (ConfigService refuses it): the stored one is kept.
    const form = { ...ruleFormOf(body(request)), name: rule.doc.name };
    const command = editorCommandOf(body(request)._editor);
    if (command) {
      const edited = applyEditor(form, command);
      return html(reply, await formPage(request, { id: rule.id, form: edited.form, focus: edited.focus }));
    }
    try {
      await deps.config.replace('rota-rules', rule.id, ruleInputOf(form));
      return reply.redirect(`${ruleHref(rule.id)}?saved=1`, 303);
    } catch (error) {
      const problems = refusalProblems(error);
      if (!problems) throw error;
      return html(reply, await formPage(request, { id: rule.id, form, problems }), 422);
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
          await deps.config.patch('rota-rules', rule.id, { enabled: action === 'enable' });
          break;
      }
    } catch (caught) {
      const problems = refusalProblems(caught);
      if (!problems) throw caught;
      error = problems.map((p) => p.message).join('; ');
    }
    const view = await listView(request, error ? { error } : {});
    const done = error ? view : { ...view, message: actionMessage(view, rule.id, action as RuleAction), focus: focusAfter(view.rows, rule.id, action as RuleAction) };
    if (!isHtmx(request)) {
      if (!error) return reply.redirect(RULES_PATH, 303);
      return html(reply, RotaRuleListPage({ shell: await shellFor(deps, request, 'Rota rules', RULES_PATH), view: done, csrf: staff.csrf }), 409);
    }
    return html(reply, `${await RulesSection({ view: done, csrf: staff.csrf })}${await RulesStatus({ message: done.message ?? '', oob: true })}`);
  });
}
