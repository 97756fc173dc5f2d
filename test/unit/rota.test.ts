/** The rota engine's pure parts: rules, templates, locate, the state model and the walk. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { partnerSchema, type Partner } from '../../src/domain/config/partner.ts';
import { type RotaRule, rotaRuleSchema } from '../../src/domain/config/rota-rule.ts';
import { type RotaTemplate, rotaTemplateSchema } from '../../src/domain/config/rota-template.ts';
import { citationSchema } from '../../src/domain/request/borrowing-request.ts';
import { isbnProblem, issnProblem, normalizeOclcNumber } from '../../src/domain/request/identifiers.ts';
import { BORROWING_MODEL, checkStateModel, LENDING_MODEL } from '../../src/domain/request/state-model.ts';
import { locateStatic } from '../../src/domain/rota/locate.ts';
import { buildRota } from '../../src/domain/rota/rota-building.ts';
import { evaluateRules, type RequestAttributes } from '../../src/domain/rota/rule-evaluation.ts';

const rule = (name: string, extra: Partial<RotaRule> & { templates: string[] }) => rotaRuleSchema.parse({ name, ...extra });
const attributes = (extra: Partial<RequestAttributes> = {}): RequestAttributes => ({
  REQUESTED_FORMAT: 'PHYSICAL',
  CITATION_TYPE: 'BOOK',
  USER_GROUP: 'FACULTY',
  PICKUP_LIBRARY: 'MAIN',
  RESOURCE_SHARING_LIBRARY: 'MAIN',
  LEVEL_OF_SERVICE: 'STANDARD',
  ...extra,
});
const isNotEmpty = [{ parameter: 'REQUESTED_FORMAT' as const, operator: 'IS_NOT_EMPTY' as const, value: null }];

const GUIDE_RULES = [
  rule('Peers for physical', { conditions: [{ parameter: 'REQUESTED_FORMAT', operator: 'IN_LIST', value: ['PHYSICAL'] }], templates: ['PEERS'] }),
  rule('Articles to RapidILL', { conditions: [{ parameter: 'CITATION_TYPE', operator: 'EQUALS', value: 'ARTICLE' }], templates: ['RAPID'] }),
  rule('ILLiad lender of last resort', { conditions: isNotEmpty, templates: ['ILLiad'] }),
];

test("the guide's final rule puts ILLiad at the end of every rota", () => {
  for (const extra of [{}, { REQUESTED_FORMAT: 'DIGITAL' }, { CITATION_TYPE: 'ARTICLE' }, { REQUESTED_FORMAT: 'PHYSICAL_NON_RETURNABLE', CITATION_TYPE: 'ARTICLE' }]) {
    const outcome = evaluateRules(GUIDE_RULES, attributes(extra));
    assert.equal(outcome.templates.at(-1)?.code, 'ILLiad', JSON.stringify(extra));
  }
  assert.deepEqual(evaluateRules(GUIDE_RULES, attributes()).templates.map((t) => t.code), ['PEERS', 'ILLiad']);
});

test('each rule says whether it matched, and why not', () => {
  const { trace } = evaluateRules(GUIDE_RULES, attributes({ REQUESTED_FORMAT: 'DIGITAL' }));
  assert.deepEqual(trace.map((t) => [t.rule, t.matched, t.reason]), [
    ['Peers for physical', false, 'Requested Format is DIGITAL, not In List PHYSICAL'],
    ['Articles to RapidILL', false, 'Citation Type is BOOK, not = ARTICLE'],
    ['ILLiad lender of last resort', true, 'all conditions hold'],
  ]);
});

test('a disabled rule drops its templates; rule order gives rota order; duplicates keep their first place', () => {
  const disabled = GUIDE_RULES.map((r, i) => (i === 0 ? { ...r, enabled: false } : r));
  assert.deepEqual(evaluateRules(disabled, attributes()).templates.map((t) => t.code), ['ILLiad']);
  assert.equal(evaluateRules(disabled, attributes()).trace[0]!.reason, 'disabled');
  const reversed = [GUIDE_RULES[2]!, GUIDE_RULES[0]!];
  assert.deepEqual(evaluateRules(reversed, attributes()).templates.map((t) => t.code), ['ILLiad', 'PEERS']);
  const twice = [rule('A', { templates: ['PEERS', 'X'] }), rule('B', { templates: ['X', 'PEERS', 'Y'] })];
  const outcome = evaluateRules(twice, attributes());
  assert.deepEqual(outcome.templates.map((t) => `${t.code}<${t.rule}`), ['PEERS<A', 'X<A', 'Y<B']);
  assert.deepEqual(outcome.trace[1]!.templates, ['Y']);
  // One rule naming a template twice (nothing in the rule's schema forbids it) adds it once.
  const doubled = evaluateRules([rule('C', { templates: ['PEERS', 'X', 'PEERS'] })], attributes());
  assert.deepEqual(doubled.templates.map((t) => t.code), ['PEERS', 'X']);
  assert.deepEqual(doubled.trace[0]!.templates, ['PEERS', 'X']);
});

test('every operator, including empty values', () => {
  const check = (operator: string, value: unknown, actual: string | null) =>
    evaluateRules([rotaRuleSchema.parse({ name: 'r', conditions: [{ parameter: 'USER_GROUP', operator, value }], templates: ['T'] })], attributes({ USER_GROUP: actual })).trace[0]!.matched;
  assert.equal(check('EQUALS', 'FACULTY', 'FACULTY'), true);
  assert.equal(check('EQUALS', 'FACULTY', null), false);
  assert.equal(check('NOT_EQUALS', 'FACULTY', 'STAFF'), true);
  assert.equal(check('NOT_EQUALS', 'FACULTY', null), true);
  assert.equal(check('IN_LIST', ['A', 'B'], 'B'), true);
  assert.equal(check('NOT_IN_LIST', ['A', 'B'], 'C'), true);
  assert.equal(check('NOT_IN_LIST', ['A', 'B'], 'A'), false);
  assert.equal(check('IS_EMPTY', null, null), true);
  assert.equal(check('IS_EMPTY', null, 'X'), false);
  assert.equal(check('IS_NOT_EMPTY', null, ''), false);
});

test('stopHere ends the list for a request it matches', () => {
  const rules = [rule('Rush only', { stopHere: true, conditions: [{ parameter: 'LEVEL_OF_SERVICE', operator: 'EQUALS', value: 'RUSH' }], templates: ['FAST'] }), GUIDE_RULES[2]!];
  assert.deepEqual(evaluateRules(rules, attributes({ LEVEL_OF_SERVICE: 'RUSH' })).templates.map((t) => t.code), ['FAST']);
  assert.match(evaluateRules(rules, attributes({ LEVEL_OF_SERVICE: 'RUSH' })).trace[1]!.reason, /not reached: rule Rush only stops here/);
  assert.deepEqual(evaluateRules(rules, attributes()).templates.map((t) => t.code), ['ILLiad']);
});

const partner = (code: string, extra: Record<string, unknown> = {}): Partner =>
  partnerSchema.parse({ code, name: code, profileType: 'ISO18626', iso18626: { url: 'http://x', agencyIdValue: code }, ...extra });
const template = (code: string, members: string[], extra: Partial<RotaTemplate> = {}) => rotaTemplateSchema.parse({ code, name: code, members, ...extra });

test('templates expand in member order; inactive templates and partners are skipped with a reason; a partner keeps its first place', () => {
  const partners = new Map(['A', 'B', 'C', 'D'].map((c) => [c, partner(c, c === 'C' ? { status: 'INACTIVE' } : {})]));
  const templates = new Map([
    ['T1', template('T1', ['A', 'B', 'C'])],
    ['T2', template('T2', ['B', 'D'])],
    ['OFF', template('OFF', ['D'], { status: 'INACTIVE' })],
  ]);
  const { entries, skips } = buildRota({ templates: ['OFF', 'T1', 'T2', 'GONE'], templateByCode: templates, partnerByCode: partners, seed: 'r1' });
  assert.deepEqual(entries.map((e) => `${e.partner}@${e.template}`), ['A@T1', 'B@T1', 'D@T2']);
  assert.deepEqual(skips.map((s) => s.reason), ['rota template OFF (OFF) is Inactive', 'partner C is Inactive', 'already in the rota from template T1', 'rota template GONE does not exist']);
});

test('a Non Ordered template gives the same order for the same request id, and shuffles across requests', () => {
  const codes = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8'];
  const partners = new Map(codes.map((c) => [c, partner(c)]));
  const templates = new Map([['MIX', template('MIX', codes, { type: 'NON_ORDERED' })]]);
  const order = (seed: string) => buildRota({ templates: ['MIX'], templateByCode: templates, partnerByCode: partners, seed }).entries.map((e) => e.partner).join(',');
  assert.equal(order('request-1'), order('request-1'));
  const orders = new Set(Array.from({ length: 20 }, (_, i) => order(`request-${i}`)));
  assert.ok(orders.size > 10, `20 requests gave ${orders.size} different orders`);
  assert.deepEqual(order('request-1').split(',').sort(), codes);
});

test('locate: a partner without the item is not located, one without identifiers to look up neither', () => {
  const withHoldings = partner('A', { locateProfile: { type: 'STATIC', holdings: ['12345678', '978-0-306-40615-7'] } });
  const citation = (extra: Record<string, unknown>) => citationSchema.parse({ title: 'T', ...extra });
  assert.equal(locateStatic(withHoldings, citation({ oclcNumber: '(OCoLC)12345678' })).holds, true);
  assert.equal(locateStatic(withHoldings, citation({ isbn: '9780306406157' })).holds, true);
  assert.deepEqual(locateStatic(withHoldings, citation({ oclcNumber: '999' })), { holds: false, reason: 'holds none of 999' });
  assert.equal(locateStatic(withHoldings, citation({})).holds, false);
});

test('ISBN, ISSN and OCLC numbers are checked', () => {
  assert.equal(isbnProblem('978-0-306-40615-7'), undefined);
  assert.equal(isbnProblem('0-306-40615-2'), undefined);
  assert.match(isbnProblem('978-0-306-40615-8')!, /check digit/);
  assert.match(isbnProblem('12345')!, /is not an ISBN/);
  assert.equal(issnProblem('0028-0836'), undefined);
  assert.match(issnProblem('0028-0837')!, /check digit/);
  assert.equal(normalizeOclcNumber('ocm00012345'), '00012345');
  assert.equal(normalizeOclcNumber('(OCoLC)987'), '987');
  assert.equal(normalizeOclcNumber('ISBN 123'), undefined);
});

test('the state models are sound', () => {
  assert.deepEqual(checkStateModel('borrowing', BORROWING_MODEL), []);
  assert.deepEqual(checkStateModel('lending', LENDING_MODEL), []);
});
