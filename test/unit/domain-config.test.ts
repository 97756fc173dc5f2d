/** Pure rules of the configuration model. */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { envReferences, resolveEnv } from '../../src/domain/config/env-refs.ts';
import { addressProblem, explainRegexError, isoDateSchema, regexProblem } from '../../src/domain/config/fields.ts';
import { partnerSchema } from '../../src/domain/config/partner.ts';
import { checkAddressReferences, keepStoredSecrets } from '../../src/domain/config/secret-fields.ts';
import { Secret } from '../../src/domain/config/secret.ts';
import { validate } from '../../src/domain/config/validate.ts';
import { formatPath } from '../../src/domain/errors.ts';

test('regular expression errors are said in plain words', () => {
  assert.equal(regexProblem('^[^@*'), '"^[^@*" is not a valid regular expression: missing ]');
  assert.equal(regexProblem('(abc'), '"(abc" is not a valid regular expression: missing )');
  assert.equal(regexProblem('*abc'), '"*abc" is not a valid regular expression: a *, + or ? has nothing before it to repeat');
  assert.equal(regexProblem('^[^@]*'), undefined);
  assert.equal(explainRegexError('Invalid regular expression: /x/: Something new'), 'something new');
});

test('addresses: full http(s) URLs, or ${ENV} references checked once resolved', () => {
  assert.equal(addressProblem('https://illiad.example.edu/ILLiadWebPlatform'), undefined);
  assert.match(addressProblem('illiad.example.edu')!, /is not a URL/);
  assert.match(addressProblem('ftp://illiad.example.edu')!, /must start with http/);
  assert.equal(addressProblem('${ILLIAD_URL}/ILLiadWebPlatform'), undefined);
  assert.match(addressProblem('${ILLIAD URL}')!, /malformed/);
  assert.deepEqual(envReferences('${A}/x/${B_2}'), { names: ['A', 'B_2'], malformed: [] });
  assert.deepEqual(resolveEnv('${A}/x', { A: 'http://h' }), { value: 'http://h/x', unset: [] });
  assert.deepEqual(resolveEnv('${A}/x', {}), { value: undefined, unset: ['A'] });
  const checked = checkAddressReferences([{ path: 'url', value: '${A}' }, { path: 'other', value: '${B}' }], { A: 'not a url' });
  assert.deepEqual(checked.warnings, [{ path: 'other', message: 'B is not set in the environment; the address stays unresolved until it is' }]);
  assert.equal(checked.problems.length, 1);
});

test('a secret shows what it is, never its value, in JSON and in inspection', () => {
  const literal = Secret.parse('s3cr3t-value');
  const reference = Secret.parse('${ILLIAD_API_KEY}');
  assert.equal(JSON.stringify({ literal, reference }), '{"literal":{"set":true},"reference":"${ILLIAD_API_KEY}"}');
  assert.ok(!inspect({ literal }).includes('s3cr3t'));
  assert.equal(literal.reveal({}), 's3cr3t-value');
  assert.equal(reference.reveal({ ILLIAD_API_KEY: 'k' }), 'k');
  assert.equal(reference.reveal({}), undefined);
  assert.equal(Secret.fromStorage(literal.toStorage()).reveal({}), 's3cr3t-value');
});

test('{ set: true } keeps the stored secret, and is a problem where none is stored', () => {
  const stored = { exportToThirdParty: { apiKey: Secret.literal('old') } };
  const kept = keepStoredSecrets({ exportToThirdParty: { apiKey: { set: true } } }, stored);
  assert.equal((kept.doc.exportToThirdParty.apiKey as unknown as Secret).reveal({}), 'old');
  const missing = keepStoredSecrets({ exportToThirdParty: { apiKey: { set: true } } }, undefined, 'partners[0]');
  assert.equal(missing.problems[0]!.path, 'partners[0].exportToThirdParty.apiKey');
});

test('an OpenURL pushing method needs a URL template', () => {
  const result = validate(partnerSchema, { code: 'X', name: 'X', profileType: 'NCIP', ncip: { generalInformation: { requestPushingMethod: 'OPEN_URL' } } });
  assert.deepEqual(result.ok ? [] : result.problems, [{ path: 'ncip.generalInformation.urlTemplate', message: 'is required when Request Pushing Method is OpenURL' }]);
});

test('a number where text is expected says to quote it (YAML reads 0012 as a number)', () => {
  const result = validate(partnerSchema, { code: 12, name: 'X', profileType: 'EMAIL', email: { emailAddress: 'ill@example.edu' } });
  assert.deepEqual(result.ok ? [] : result.problems, [{ path: 'code', message: 'must be text, not 12 (put it in quotes)' }]);
});

test('paths read like the file', () => {
  assert.equal(formatPath(['partners', 0, 'ncip', 'generalInformation']), 'partners[0].ncip.generalInformation');
});

test('a date must be a real day: February 31 and the 13th month are refused, leap days only in leap years', () => {
  for (const good of ['2030-01-31', '2028-02-29', '2030-12-31']) assert.equal(isoDateSchema.safeParse(good).success, true, good);
  for (const bad of ['2030-02-31', '2030-02-29', '2030-13-01', '2030-04-31', '2030-00-10', '2030-1-5']) assert.equal(isoDateSchema.safeParse(bad).success, false, bad);
});
