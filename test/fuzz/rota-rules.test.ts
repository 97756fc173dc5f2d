/**
 * Property-based tests of the rota rule evaluator and rota building (src/domain/rota; design.md decisions 1–3;
 * issue 10, item 5), FUZZ_RUNS cases each: any rule list and any request values give an outcome that explains
 * itself, never a throw; the rules combine exactly as decision 1 says; any JSON at all is either a rule or a list of
 * problems; a rota holds each partner once and accounts for every member it left out.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RULE_OPERATOR, RULE_PARAMETER } from '../../src/domain/config/enums.ts';
import type { Partner } from '../../src/domain/config/partner.ts';
import { type RotaRule, type RuleCondition, rotaRuleSchema } from '../../src/domain/config/rota-rule.ts';
import type { RotaTemplate } from '../../src/domain/config/rota-template.ts';
import { buildRota } from '../../src/domain/rota/rota-building.ts';
import { conditionHolds, evaluateRules, type RequestAttributes } from '../../src/domain/rota/rule-evaluation.ts';
import { hostileText, runs } from '../support/fuzz.ts';

/** A few values shared between rules and requests, so conditions hold as often as they fail; and hostile text. */
const value = fc.oneof(fc.constantFrom('PHYSICAL', 'DIGITAL', 'BOOK', 'ARTICLE', 'MAIN', 'FACULTY', 'RUSH', ''), hostileText);
const templateCode = fc.constantFrom('PEERS', 'RAPID', 'ILLiad', 'LOCAL', 'EAST');

const condition: fc.Arbitrary<RuleCondition> = fc
  .record({ parameter: fc.constantFrom(...RULE_PARAMETER.values), operator: fc.constantFrom(...RULE_OPERATOR.values), single: value, list: fc.array(value, { minLength: 1, maxLength: 4 }) })
  .map(({ parameter, operator, single, list }) => ({
    parameter,
    operator,
    value: operator === 'IS_EMPTY' || operator === 'IS_NOT_EMPTY' ? null : operator === 'IN_LIST' || operator === 'NOT_IN_LIST' ? list : single,
  }));

const rule: fc.Arbitrary<RotaRule> = fc.record({
  name: fc.oneof(hostileText, fc.constantFrom('Peers', 'ILLiad last')),
  enabled: fc.boolean(),
  stopHere: fc.boolean(),
  conditions: fc.array(condition, { maxLength: 4 }),
  templates: fc.array(templateCode, { minLength: 1, maxLength: 3 }),
});

const attributes: fc.Arbitrary<RequestAttributes> = fc.record(Object.fromEntries(RULE_PARAMETER.values.map((parameter) => [parameter, fc.option(value, { nil: null })])) as Record<keyof RequestAttributes, fc.Arbitrary<string | null>>);

test('any rules and request values: an outcome that explains every rule, combined as decision 1 says', () => {
  fc.assert(
    fc.property(fc.array(rule, { maxLength: 12 }), attributes, (rules, request) => {
      const outcome = evaluateRules(rules, request);
      assert.equal(outcome.trace.length, rules.length);
      const expected: { code: string; rule: string }[] = [];
      let stopped = false;
      rules.forEach((each, index) => {
        const trace = outcome.trace[index]!;
        assert.equal(trace.position, index + 1);
        assert.equal(trace.rule, each.name);
        assert.ok(trace.reason.length > 0);
        const matches = !stopped && each.enabled && each.conditions.every((c) => conditionHolds(c, request[c.parameter]));
        assert.equal(trace.matched, matches, trace.reason);
        if (!matches) return;
        for (const code of each.templates) if (!expected.some((t) => t.code === code)) expected.push({ code, rule: each.name });
        if (each.stopHere) stopped = true;
      });
      assert.deepEqual(outcome.templates, expected);
    }),
    runs(),
  );
});

test('each operator and its negation disagree on every value, empty included', () => {
  fc.assert(
    fc.property(condition, fc.option(value, { nil: null }), (c, actual) => {
      const opposite: Record<RuleCondition['operator'], RuleCondition['operator']> = {
        EQUALS: 'NOT_EQUALS',
        NOT_EQUALS: 'EQUALS',
        IN_LIST: 'NOT_IN_LIST',
        NOT_IN_LIST: 'IN_LIST',
        IS_EMPTY: 'IS_NOT_EMPTY',
        IS_NOT_EMPTY: 'IS_EMPTY',
      };
      const holds = conditionHolds(c, actual);
      assert.equal(typeof holds, 'boolean');
      // `= x` on an empty value is false and so is `!= x`'s opposite; the one asymmetry is EQUALS/NOT_EQUALS on null.
      if (c.operator === 'EQUALS' || c.operator === 'NOT_EQUALS') {
        if (actual !== null) assert.notEqual(holds, conditionHolds({ ...c, operator: opposite[c.operator] }, actual));
      } else assert.notEqual(holds, conditionHolds({ ...c, operator: opposite[c.operator] }, actual));
    }),
    runs(),
  );
});

test('any JSON is either a rule the evaluator takes or a list of problems, never a throw', () => {
  const json = fc.oneof(
    fc.jsonValue(),
    fc.record(
      {
        name: fc.oneof(hostileText, fc.jsonValue()),
        enabled: fc.oneof(fc.boolean(), fc.jsonValue()),
        stopHere: fc.oneof(fc.boolean(), fc.jsonValue()),
        conditions: fc.oneof(fc.array(fc.record({ parameter: fc.oneof(fc.constantFrom(...RULE_PARAMETER.values), hostileText), operator: fc.oneof(fc.constantFrom(...RULE_OPERATOR.values), hostileText), value: fc.jsonValue() }, { requiredKeys: [] })), fc.jsonValue()),
        templates: fc.oneof(fc.array(fc.oneof(templateCode, hostileText)), fc.jsonValue()),
        __proto__: fc.jsonValue(),
      },
      { requiredKeys: [] },
    ),
  );
  fc.assert(
    fc.property(json, attributes, (input, request) => {
      const parsed = rotaRuleSchema.safeParse(input);
      if (!parsed.success) {
        assert.ok(parsed.error.issues.length > 0);
        return;
      }
      const outcome = evaluateRules([parsed.data], request);
      assert.equal(outcome.trace.length, 1);
    }),
    runs(),
  );
});

const partnerCode = fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F', 'ILLIAD');

test('a rota holds each partner once, and every member of a named template is placed or skipped with a reason', () => {
  const template = fc.record({
    code: templateCode,
    name: fc.constant('T'),
    type: fc.constantFrom('ORDERED' as const, 'NON_ORDERED' as const),
    status: fc.constantFrom('ACTIVE' as const, 'INACTIVE' as const),
    members: fc.uniqueArray(partnerCode, { maxLength: 6 }),
  });
  const partner = fc.record({ code: partnerCode, status: fc.constantFrom('ACTIVE', 'INACTIVE'), supportsBorrowing: fc.boolean() });
  fc.assert(
    fc.property(fc.uniqueArray(template, { selector: (t) => t.code, maxLength: 4 }), fc.uniqueArray(partner, { selector: (p) => p.code }), fc.array(templateCode, { maxLength: 6 }), hostileText, (templates, partners, named, seed) => {
      const input = {
        templates: named,
        templateByCode: new Map(templates.map((t) => [t.code, t as RotaTemplate])),
        partnerByCode: new Map<string, Partner>(partners.map((p) => [p.code, p as unknown as Partner])),
        seed,
      };
      const rota = buildRota(input);
      const placed = rota.entries.map((entry) => entry.partner);
      assert.equal(new Set(placed).size, placed.length, 'a partner appears once');
      for (const entry of rota.entries) {
        const found = input.partnerByCode.get(entry.partner);
        assert.ok(found && found.status === 'ACTIVE' && found.supportsBorrowing);
      }
      for (const code of named) {
        const found = input.templateByCode.get(code);
        if (!found || found.status !== 'ACTIVE') {
          assert.ok(rota.skips.some((skip) => skip.kind === 'template' && skip.code === code && skip.reason.length > 0));
          continue;
        }
        for (const member of found.members) {
          const accounted = rota.entries.some((entry) => entry.partner === member) || rota.skips.some((skip) => skip.kind === 'partner' && skip.code === member && skip.template === code && skip.reason.length > 0);
          assert.ok(accounted, `${member} of ${code} is neither placed nor skipped`);
        }
      }
      assert.deepEqual(buildRota(input), rota, 'the same request always gets the same rota');
    }),
    runs(),
  );
});
