/**
 * Rota assignment rules (design.md, decisions 1 and 2): every enabled rule whose conditions all hold contributes
 * its templates, in rule order; a template named twice keeps its first place. Pure, and it explains itself: the
 * trace says for every rule whether it matched and why.
 */
import { RULE_OPERATOR, RULE_PARAMETER } from '../config/enums.ts';
import type { RotaRule, RuleCondition, RuleParameter } from '../config/rota-rule.ts';

/** The request's values for the rule parameters; null when the request has none. */
export type RequestAttributes = Readonly<Record<RuleParameter, string | null>>;

export interface ConditionTrace {
  readonly parameter: RuleParameter;
  readonly operator: RuleCondition['operator'];
  readonly value: RuleCondition['value'];
  readonly actual: string | null;
  readonly holds: boolean;
}

export interface RuleTrace {
  readonly rule: string;
  readonly position: number;
  readonly matched: boolean;
  /** "matched", "disabled", "Requested Format is DIGITAL, not In List PHYSICAL", "not reached: … stops here" */
  readonly reason: string;
  readonly conditions: readonly ConditionTrace[];
  /** Templates this rule added (those already added by an earlier rule are not repeated). */
  readonly templates: readonly string[];
}

export interface RuleOutcome {
  /** Template codes in rota order, each with the rule that brought it. */
  readonly templates: readonly { readonly code: string; readonly rule: string }[];
  readonly trace: readonly RuleTrace[];
}

export function conditionHolds(condition: RuleCondition, actual: string | null): boolean {
  const { operator, value } = condition;
  switch (operator) {
    case 'IS_EMPTY':
      return actual === null || actual === '';
    case 'IS_NOT_EMPTY':
      return actual !== null && actual !== '';
    case 'EQUALS':
      return actual !== null && actual === value;
    case 'NOT_EQUALS':
      return actual !== value;
    case 'IN_LIST':
      return actual !== null && Array.isArray(value) && value.includes(actual);
    case 'NOT_IN_LIST':
      return !(actual !== null && Array.isArray(value) && value.includes(actual));
  }
}

function describeFailure(trace: ConditionTrace): string {
  const label = RULE_PARAMETER.labels[trace.parameter];
  const actual = trace.actual === null ? 'empty' : trace.actual;
  const wanted = Array.isArray(trace.value) ? trace.value.join(', ') : (trace.value ?? '');
  return `${label} is ${actual}, not ${RULE_OPERATOR.labels[trace.operator]}${wanted ? ` ${wanted}` : ''}`;
}

export function evaluateRules(rules: readonly RotaRule[], attributes: RequestAttributes): RuleOutcome {
  const templates: { code: string; rule: string }[] = [];
  const seen = new Set<string>();
  const trace: RuleTrace[] = [];
  let stoppedBy: string | undefined;
  rules.forEach((rule, index) => {
    const base = { rule: rule.name, position: index + 1 };
    if (stoppedBy !== undefined) {
      trace.push({ ...base, matched: false, reason: `not reached: rule ${stoppedBy} stops here`, conditions: [], templates: [] });
      return;
    }
    if (!rule.enabled) {
      trace.push({ ...base, matched: false, reason: 'disabled', conditions: [], templates: [] });
      return;
    }
    const conditions = rule.conditions.map((condition) => {
      const actual = attributes[condition.parameter];
      return { parameter: condition.parameter, operator: condition.operator, value: condition.value, actual, holds: conditionHolds(condition, actual) };
    });
    const failed = conditions.find((c) => !c.holds);
    if (failed) {
      trace.push({ ...base, matched: false, reason: describeFailure(failed), conditions, templates: [] });
      return;
    }
    const added = rule.templates.filter((code) => !seen.has(code));
    for (const code of added) {
      seen.add(code);
      templates.push({ code, rule: rule.name });
    }
    trace.push({ ...base, matched: true, reason: rule.conditions.length ? 'all conditions hold' : 'no conditions: matches every request', conditions, templates: added });
    if (rule.stopHere) stoppedBy = rule.name;
  });
  return { templates, trace };
}
