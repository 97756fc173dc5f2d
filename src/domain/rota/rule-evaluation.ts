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
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index]!;
    const position = index + 1;
    if (stoppedBy !== undefined || !rule.enabled) {
      const reason = stoppedBy !== undefined ? `not reached: rule ${stoppedBy} stops here` : 'disabled';
      trace.push({ rule: rule.name, position, matched: false, reason, conditions: [], templates: [] });
      continue;
    }
    // AND: the first condition that fails decides, so only the conditions looked at are traced.
    const conditions: ConditionTrace[] = [];
    let failed: ConditionTrace | undefined;
    for (const condition of rule.conditions) {
      const actual = attributes[condition.parameter];
      const traced: ConditionTrace = { parameter: condition.parameter, operator: condition.operator, value: condition.value, actual, holds: conditionHolds(condition, actual) };
      conditions.push(traced);
      if (!traced.holds) {
        failed = traced;
        break;
      }
    }
    if (failed) {
      // The reason names the failing condition and the request's value; the condition list is kept for matches.
      trace.push({ rule: rule.name, position, matched: false, reason: describeFailure(failed), conditions: [], templates: [] });
      continue;
    }
    // Checked one at a time: a template a rule names twice keeps its first place too.
    const added: string[] = [];
    for (const code of rule.templates) {
      if (seen.has(code)) continue;
      seen.add(code);
      added.push(code);
      templates.push({ code, rule: rule.name });
    }
    const reason = rule.conditions.length ? 'all conditions hold' : 'no conditions: matches every request';
    trace.push({ rule: rule.name, position, matched: true, reason, conditions, templates: added });
    if (rule.stopHere) stoppedBy = rule.name;
  }
  return { templates, trace };
}
