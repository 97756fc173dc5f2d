/**
 * Rota assignment rules for the pages: the ordered list in words (which rule is the final one), the doctor's
 * findings about the rules and the ILLiad rota, and the rule form with its conditions editor: what the form sends,
 * what it becomes for ConfigService, and each refusal placed next to its field. The domain decides what is valid.
 */
import { versionOf } from '../../app/config-service.ts';
import type { Stored } from '../../app/ports.ts';
import type { CheckStatus, DoctorCheck } from '../../domain/doctor/check.ts';
import { ACTIVE_STATUS, CITATION_TYPE, LEVEL_OF_SERVICE, REQUESTED_FORMAT, RULE_OPERATOR, RULE_PARAMETER } from '../../domain/config/enums.ts';
import type { RotaRule, RuleCondition } from '../../domain/config/rota-rule.ts';
import type { RotaTemplate } from '../../domain/config/rota-template.ts';
import type { Problem } from '../../domain/errors.ts';
import type { Option } from './rota-templates.ts';
import { VERSION_FIELD } from './stale.ts';

export const RULES_PATH = '/ui/rota-rules';
export const ruleHref = (id: string) => `${RULES_PATH}/${encodeURIComponent(id)}`;

/** Values of the parameters that have a closed list: a select instead of a text box. */
const CLOSED_VALUES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  REQUESTED_FORMAT: REQUESTED_FORMAT.labels,
  CITATION_TYPE: CITATION_TYPE.labels,
  LEVEL_OF_SERVICE: LEVEL_OF_SERVICE.labels,
};
const LIST_OPERATORS = new Set(['IN_LIST', 'NOT_IN_LIST']);
const EMPTY_OPERATORS = new Set(['IS_EMPTY', 'IS_NOT_EMPTY']);
/** The operators in a sentence: "Requested Format is not empty". */
const OPERATOR_WORDS: Record<string, string> = {
  EQUALS: 'is',
  NOT_EQUALS: 'is not',
  IN_LIST: 'is in list',
  NOT_IN_LIST: 'is not in list',
  IS_EMPTY: 'is empty',
  IS_NOT_EMPTY: 'is not empty',
};

export const PARAMETER_OPTIONS: readonly Option[] = Object.entries(RULE_PARAMETER.labels).map(([value, label]) => ({ value, label }));
export const OPERATOR_OPTIONS: readonly Option[] = Object.entries(RULE_OPERATOR.labels).map(([value, label]) => ({ value, label }));

const parameterLabel = (p: string) => (RULE_PARAMETER.labels as Record<string, string>)[p] ?? p;
const valueLabel = (parameter: string, value: string) => CLOSED_VALUES[parameter]?.[value] ?? value;

export function conditionInWords(c: RuleCondition): string {
  const values = c.value === null ? [] : Array.isArray(c.value) ? c.value : [c.value];
  const words = `${parameterLabel(c.parameter)} ${OPERATOR_WORDS[c.operator] ?? c.operator}`;
  return values.length ? `${words} ${values.map((v) => valueLabel(c.parameter, v)).join(', ')}` : words;
}

// ---------------------------------------------------------------------------------------------------------------
// The list

export interface RuleRowView {
  readonly id: string;
  readonly href: string;
  /** The rule's version the row shows, sent with Enable / Disable (moves take none: they name the place). */
  readonly version: string;
  readonly position: number;
  readonly name: string;
  readonly enabled: boolean;
  readonly stopHere: boolean;
  readonly conditions: string;
  readonly templates: string;
  /** The final enabled rule of the list: the guide's place for the ILLiad rule. */
  readonly final: boolean;
  readonly first: boolean;
  readonly last: boolean;
}

export interface Finding {
  readonly id: string;
  readonly status: CheckStatus;
  readonly statusLabel: string;
  readonly title: string;
  readonly message: string;
}

export interface RulesView {
  readonly rows: readonly RuleRowView[];
  readonly findings: readonly Finding[];
  readonly canWrite: boolean;
  readonly message?: string | undefined;
  readonly error?: string | undefined;
  /** After a change: the control to put the keyboard on again, `{action}:{rule id}`, or `heading`. */
  readonly focus?: string | undefined;
}

const STATUS_LABEL: Record<CheckStatus, string> = { fail: 'Fail', warn: 'Warning', pass: 'Pass' };
const STATUS_ORDER: Record<CheckStatus, number> = { fail: 0, warn: 1, pass: 2 };

/** The doctor's checks about the rules and the ILLiad rota, failures first. */
export function rotaFindings(checks: readonly DoctorCheck[]): Finding[] {
  return checks
    .filter((c) => c.id.startsWith('illiad-rule') || c.id.startsWith('illiad-rota'))
    .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status])
    .map((c) => ({ id: c.id, status: c.status, statusLabel: STATUS_LABEL[c.status], title: c.title, message: c.message }));
}

export function rulesView(
  rules: readonly Stored<RotaRule>[],
  templates: readonly Stored<RotaTemplate>[],
  checks: readonly DoctorCheck[],
  canWrite: boolean,
  extra: Pick<RulesView, 'message' | 'error' | 'focus'> = {},
): RulesView {
  const byCode = new Map(templates.map((t) => [t.doc.code, t.doc]));
  const finalIndex = rules.map((r) => r.doc.enabled).lastIndexOf(true);
  const rows = rules.map((rule, i) => ({
    id: rule.id,
    href: ruleHref(rule.id),
    version: versionOf(rule),
    position: i + 1,
    name: rule.doc.name,
    enabled: rule.doc.enabled,
    stopHere: rule.doc.stopHere,
    conditions: rule.doc.conditions.length ? rule.doc.conditions.map(conditionInWords).join(' and ') : 'every request (no conditions)',
    templates: rule.doc.templates
      .map((code) => {
        const t = byCode.get(code);
        return t ? `${code} (${t.name}${t.status === 'ACTIVE' ? '' : `, ${ACTIVE_STATUS.labels[t.status]}`})` : code;
      })
      .join(', '),
    final: i === finalIndex,
    first: i === 0,
    last: i === rules.length - 1,
  }));
  return { rows, findings: rotaFindings(checks), canWrite, ...extra };
}

export const RULE_ACTIONS = ['up', 'down', 'make-final', 'enable', 'disable'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

// ---------------------------------------------------------------------------------------------------------------
// The form and its conditions editor

/** A condition row as typed: the value is text, or several values (a multiple select), or nothing. */
export interface ConditionRow {
  readonly parameter: string;
  readonly operator: string;
  readonly value: string | readonly string[];
}

export interface RuleForm {
  readonly name: string;
  readonly enabled: boolean;
  readonly stopHere: boolean;
  readonly templates: readonly string[];
  readonly conditions: readonly ConditionRow[];
  /** New rules only: where in the list, 1-based. */
  readonly position: string;
  /** Existing rules only: the version the form was drawn from (empty for a new rule). */
  readonly version: string;
}

const CONDITION_FIELD = /^conditions\[(\d{1,3})\]\.(parameter|operator|value)$/;
const MAX_CONDITIONS = 50;

const texts = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : []);
const text = (value: unknown): string => texts(value)[0] ?? '';

/** The form's body (field names `conditions[0].operator`, …; repeated fields are lists) as a RuleForm. */
export function ruleFormOf(body: Record<string, unknown>): RuleForm {
  const rows = new Map<number, { parameter: string; operator: string; value: string | string[] }>();
  for (const [key, raw] of Object.entries(body)) {
    const found = CONDITION_FIELD.exec(key);
    if (!found) continue;
    const index = Number(found[1]);
    const row = rows.get(index) ?? { parameter: '', operator: '', value: '' };
    if (found[2] === 'value') row.value = Array.isArray(raw) ? texts(raw) : text(raw);
    else row[found[2] as 'parameter' | 'operator'] = text(raw);
    rows.set(index, row);
  }
  const conditions = [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, row]) => row)
    .slice(0, MAX_CONDITIONS);
  return {
    name: text(body.name),
    enabled: text(body.enabled) === 'on',
    stopHere: text(body.stopHere) === 'on',
    templates: texts(body.templates).filter((t) => t !== ''),
    conditions,
    position: text(body.position),
    version: text(body[VERSION_FIELD]),
  };
}

export function ruleFormOfStored(rule: Stored<RotaRule>, position = ''): RuleForm {
  const doc = rule.doc;
  return {
    name: doc.name,
    enabled: doc.enabled,
    stopHere: doc.stopHere,
    templates: doc.templates,
    conditions: doc.conditions.map((c) => ({ parameter: c.parameter, operator: c.operator, value: c.value ?? '' })),
    position,
    version: versionOf(rule),
  };
}

/** The values of a list operator: from a multiple select, or one a line (commas also separate) in a text box. */
const listValues = (value: string | readonly string[]) =>
  (typeof value === 'string' ? [value] : value)
    .flatMap((v) => v.split(/[\n,]/))
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** What ConfigService receives: Is Empty / Is Not Empty take no value, In List a list, the others one value. */
export function ruleInputOf(form: RuleForm): Record<string, unknown> {
  return {
    name: form.name,
    enabled: form.enabled,
    stopHere: form.stopHere,
    templates: form.templates,
    conditions: form.conditions.map((row) => {
      const value = EMPTY_OPERATORS.has(row.operator)
        ? null
        : LIST_OPERATORS.has(row.operator)
          ? listValues(row.value)
          : (typeof row.value === 'string' ? row.value : (row.value[0] ?? '')).trim() || null;
      return { parameter: row.parameter, operator: row.operator, value };
    }),
  };
}

/** The editor's buttons: add a row, remove one, or redraw (the operator changed, so the value field changes). */
export type EditorCommand = { readonly kind: 'add' } | { readonly kind: 'remove'; readonly index: number } | { readonly kind: 'refresh' };

export function editorCommandOf(value: unknown): EditorCommand | undefined {
  const command = text(value);
  if (command === 'add') return { kind: 'add' };
  if (command === 'refresh') return { kind: 'refresh' };
  const remove = /^remove:(\d{1,3})$/.exec(command);
  return remove ? { kind: 'remove', index: Number(remove[1]) } : undefined;
}

export function applyEditor(form: RuleForm, command: EditorCommand): { form: RuleForm; focus: string | undefined } {
  if (command.kind === 'add') {
    if (form.conditions.length >= MAX_CONDITIONS) return { form, focus: undefined };
    const conditions = [...form.conditions, { parameter: 'REQUESTED_FORMAT', operator: 'EQUALS', value: '' }];
    return { form: { ...form, conditions }, focus: `c${conditions.length - 1}-parameter` };
  }
  if (command.kind === 'remove') {
    const conditions = form.conditions.filter((_, i) => i !== command.index);
    return { form: { ...form, conditions }, focus: 'add-condition' };
  }
  return { form, focus: undefined };
}

export type ValueWidget = 'none' | 'text' | 'list' | 'select' | 'multiselect';

export interface ConditionRowView {
  readonly index: number;
  readonly parameter: string;
  readonly operator: string;
  readonly widget: ValueWidget;
  /** For text and list widgets: what to show in the box. */
  readonly text: string;
  /** For selects: the values and which are chosen. */
  readonly options: readonly (Option & { selected: boolean })[];
  readonly errors: { readonly parameter?: string; readonly operator?: string; readonly value?: string; readonly row?: string };
}

export interface RuleFormView {
  readonly form: RuleForm;
  readonly conditions: readonly ConditionRowView[];
  readonly templateOptions: readonly (Option & { selected: boolean })[];
  readonly positionOptions: readonly Option[];
  readonly errors: { readonly fields: Readonly<Record<string, string>>; readonly conditions?: string; readonly form: readonly string[] };
  /** The id of the element to focus after the editor is redrawn. */
  readonly focus?: string | undefined;
}

const join = (a: string | undefined, b: string) => (a ? `${a}; ${b}` : b);

/** Places each problem: `conditions[0].value[1]` next to the first row's value, `templates[0]` at the templates, … */
export function placeRuleProblems(problems: readonly Problem[]) {
  const fields: Record<string, string> = {};
  const rows = new Map<number, Record<string, string>>();
  let conditions: string | undefined;
  const form: string[] = [];
  for (const p of problems) {
    const row = /^conditions\[(\d+)\](?:\.(parameter|operator|value))?/.exec(p.path);
    if (row) {
      const index = Number(row[1]);
      const errors = rows.get(index) ?? {};
      const field = row[2] ?? 'row';
      errors[field] = join(errors[field], p.message);
      rows.set(index, errors);
      continue;
    }
    if (p.path === 'conditions') {
      conditions = join(conditions, p.message);
      continue;
    }
    const head = p.path.split(/[.[]/)[0] ?? '';
    if (['name', 'enabled', 'stopHere', 'templates', 'position'].includes(head)) fields[head] = join(fields[head], p.message);
    else form.push(p.path ? `${p.path}: ${p.message}` : p.message);
  }
  return { fields, rows, conditions, form };
}

export function ruleFormView(
  form: RuleForm,
  templates: readonly Stored<RotaTemplate>[],
  problems: readonly Problem[],
  options: { ruleCount?: number; focus?: string | undefined; ruleNames?: readonly string[] } = {},
): RuleFormView {
  const placed = placeRuleProblems(problems);
  const conditions = form.conditions.map((row, index): ConditionRowView => {
    const closed = CLOSED_VALUES[row.parameter];
    const list = LIST_OPERATORS.has(row.operator);
    const widget: ValueWidget = EMPTY_OPERATORS.has(row.operator) ? 'none' : closed ? (list ? 'multiselect' : 'select') : list ? 'list' : 'text';
    const chosen = new Set(listValues(row.value));
    const values = typeof row.value === 'string' ? [row.value] : [...row.value];
    return {
      index,
      parameter: row.parameter,
      operator: row.operator,
      widget,
      text: list ? listValues(row.value).join('\n') : values.join(', '),
      options: closed ? Object.entries(closed).map(([value, label]) => ({ value, label, selected: chosen.has(value) })) : [],
      errors: placed.rows.get(index) ?? {},
    };
  });
  const known = new Set(templates.map((t) => t.doc.code));
  const templateOptions = [
    ...templates.map((t) => ({ value: t.doc.code, label: `${t.doc.code} (${t.doc.name}${t.doc.status === 'ACTIVE' ? '' : `, ${ACTIVE_STATUS.labels[t.doc.status]}`})`, selected: form.templates.includes(t.doc.code) })),
    // A template named but gone (a stale form): kept, so the refusal can say so.
    ...form.templates.filter((code) => !known.has(code)).map((code) => ({ value: code, label: code, selected: true })),
  ];
  const count = options.ruleCount ?? 0;
  const names = options.ruleNames ?? [];
  const positionOptions: Option[] = [];
  for (let p = 1; p <= count + 1; p++) {
    const label = p === count + 1 ? `${p}: at the end (it becomes the final rule)` : `${p}: before “${names[p - 1] ?? `rule ${p}`}”`;
    positionOptions.push({ value: String(p), label });
  }
  const rowsWithErrors = [...placed.rows.keys()].filter((i) => i >= form.conditions.length);
  const formErrors = [...placed.form, ...rowsWithErrors.map((i) => `condition ${i + 1}: ${Object.values(placed.rows.get(i)!).join('; ')}`)];
  return { form, conditions, templateOptions, positionOptions, errors: { fields: placed.fields, ...(placed.conditions ? { conditions: placed.conditions } : {}), form: formErrors }, focus: options.focus };
}

/** A new rule goes just before the final rule by default, so the ILLiad rule stays last (the guide). */
export function defaultPosition(ruleCount: number): string {
  return String(Math.max(ruleCount, 1));
}

/** Where the keyboard goes after a list button: the same button of the same rule, else its nearest sibling. */
export function focusAfter(rows: readonly RuleRowView[], id: string, action: RuleAction): string {
  const row = rows.find((r) => r.id === id);
  if (!row) return 'heading';
  const has = (a: RuleAction) => (a === 'up' ? !row.first : a === 'down' || a === 'make-final' ? !row.last : a === 'enable' ? !row.enabled : row.enabled);
  const order: Record<RuleAction, readonly RuleAction[]> = {
    up: ['up', 'down'],
    down: ['down', 'up'],
    'make-final': ['make-final', 'up'],
    enable: ['disable'],
    disable: ['enable'],
  };
  const found = order[action].find(has);
  return found ? `${found}:${row.id}` : 'heading';
}

/** The list after a rule was deleted: "Deleted the rule “NAME”." (the name from the address, escaped on the page). */
export const deletedRuleMessage = (name: unknown): string | undefined => (typeof name === 'string' && name ? `Deleted the rule “${name}”.` : undefined);

/** What a list button did, in a sentence (read out by screen readers), with the doctor's verdict when it objects. */
export function actionMessage(view: RulesView, id: string, action: RuleAction): string {
  const row = view.rows.find((r) => r.id === id);
  const name = row ? `“${row.name}”` : 'The rule';
  const did =
    action === 'enable' ? `Enabled ${name}.` : action === 'disable' ? `Disabled ${name}.` : row?.final ? `${name} is now at position ${row.position}, the final rule.` : `${name} is now at position ${row?.position ?? '?'}.`;
  const failed = view.findings.filter((f) => f.status === 'fail');
  return failed.length ? `${did} The doctor finds ${failed.length} problem${failed.length === 1 ? '' : 's'}: ${failed.map((f) => f.title).join('; ')}.` : did;
}
