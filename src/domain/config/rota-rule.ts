import { z } from 'zod';
import { CITATION_TYPE, LEVEL_OF_SERVICE, REQUESTED_FORMAT, RULE_OPERATOR, RULE_PARAMETER } from './enums.ts';
import { codeSchema, nameSchema } from './fields.ts';

/** Closed value lists of the parameters that have one; the others take free text or library codes. */
const PARAMETER_VALUES: Partial<Record<RuleParameter, readonly string[]>> = {
  REQUESTED_FORMAT: REQUESTED_FORMAT.values,
  CITATION_TYPE: CITATION_TYPE.values,
  LEVEL_OF_SERVICE: LEVEL_OF_SERVICE.values,
};
/** Parameters whose values are library codes, checked as references. */
export const LIBRARY_PARAMETERS: readonly RuleParameter[] = ['PICKUP_LIBRARY', 'RESOURCE_SHARING_LIBRARY'];

export type RuleParameter = (typeof RULE_PARAMETER.values)[number];
export type RuleOperator = (typeof RULE_OPERATOR.values)[number];

export const ruleConditionSchema = z
  .strictObject({
    parameter: z.enum(RULE_PARAMETER.values),
    operator: z.enum(RULE_OPERATOR.values),
    value: z.union([z.string().trim().min(1), z.array(z.string().trim().min(1))]).nullable().default(null),
  })
  .superRefine((condition, ctx) => {
    const { operator, value } = condition;
    const label = RULE_OPERATOR.labels[operator];
    if (operator === 'IS_EMPTY' || operator === 'IS_NOT_EMPTY') {
      if (value !== null) ctx.addIssue({ code: 'custom', path: ['value'], message: `must be left out: ${label} takes no value` });
      return;
    }
    if (operator === 'IN_LIST' || operator === 'NOT_IN_LIST') {
      if (!Array.isArray(value) || value.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['value'], message: `must be a list of one or more values for ${label}` });
        return;
      }
    } else if (typeof value !== 'string') {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `must be a single value for ${label}` });
      return;
    }
    const allowed = PARAMETER_VALUES[condition.parameter];
    if (!allowed) return;
    const values = Array.isArray(value) ? value : [value];
    values.forEach((v, index) => {
      if (!allowed.includes(v)) {
        ctx.addIssue({
          code: 'custom',
          path: Array.isArray(value) ? ['value', index] : ['value'],
          message: `${JSON.stringify(v)} is not a ${RULE_PARAMETER.labels[condition.parameter]}: use one of ${allowed.join(', ')}`,
        });
      }
    });
  });
export type RuleCondition = z.output<typeof ruleConditionSchema>;

/**
 * A rota assignment rule: when all its conditions hold (AND), its templates join the request's rota. Every
 * matching enabled rule contributes, in list order (design.md, decision 1); `stopHere` ends the walk down the list.
 * Its position is its place in the institution's list, so it is not part of the rule itself.
 */
export const rotaRuleSchema = z.strictObject({
  name: nameSchema,
  enabled: z.boolean().default(true),
  stopHere: z.boolean().default(false),
  conditions: z.array(ruleConditionSchema).default([]),
  templates: z.array(codeSchema).min(1, 'must name at least one rota template'),
});
export type RotaRule = z.output<typeof rotaRuleSchema>;
