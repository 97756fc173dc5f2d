/** The identity rule (design.md, decision 6): which identifier, which regex, and the failures staff can act on. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { patronSchema } from '../../src/domain/config/patron.ts';
import { illiadUsername } from '../../src/domain/identity/illiad-username.ts';

const patron = patronSchema.parse({
  primaryId: '100200300',
  firstName: 'Chen-Wei',
  lastName: 'Lee',
  email: 'cwlee@example.edu',
  userGroup: 'FACULTY',
  identifiers: [{ type: 'BARCODE', value: '2900012345' }],
});

test("the guide's three username forms: the e-mail before @, the whole e-mail, the primary id", () => {
  assert.deepEqual(illiadUsername(patron, { userIdentifierType: 'EMAIL', userIdentifierRegex: '^[^@]*' }), { ok: true, identifier: 'cwlee@example.edu', username: 'cwlee' });
  assert.deepEqual(illiadUsername(patron, { userIdentifierType: 'EMAIL', userIdentifierRegex: null }), { ok: true, identifier: 'cwlee@example.edu', username: 'cwlee@example.edu' });
  assert.deepEqual(illiadUsername(patron, { userIdentifierType: 'PRIMARY_ID', userIdentifierRegex: null }), { ok: true, identifier: '100200300', username: '100200300' });
  assert.deepEqual(illiadUsername(patron, { userIdentifierType: 'BARCODE', userIdentifierRegex: '\\d{5}$' }), { ok: true, identifier: '2900012345', username: '12345' });
});

test('the first match is the username, wherever it is in the identifier', () => {
  assert.equal((illiadUsername(patron, { userIdentifierType: 'EMAIL', userIdentifierRegex: '[a-z]+' }) as { username: string }).username, 'cwlee');
});

test('a regex that does not match fails with that reason, never falling back to another identifier', () => {
  const outcome = illiadUsername(patron, { userIdentifierType: 'PRIMARY_ID', userIdentifierRegex: '^[a-z]+' });
  assert.deepEqual(outcome, { ok: false, identifier: '100200300', reason: 'User Identifier Regex ^[a-z]+ does not match Primary Identifier "100200300" of patron 100200300' });
  const empty = illiadUsername(patron, { userIdentifierType: 'EMAIL', userIdentifierRegex: 'x*' });
  assert.equal(empty.ok, false, 'an empty match is no username');
});

test('an identifier the patron lacks fails, naming it', () => {
  const noEmail = patronSchema.parse({ primaryId: 'guest-0001', firstName: 'A', lastName: 'Guest', userGroup: 'GUEST' });
  assert.deepEqual(illiadUsername(noEmail, { userIdentifierType: 'EMAIL', userIdentifierRegex: '^[^@]*' }), {
    ok: false,
    identifier: null,
    reason: "patron guest-0001 has no Email, which the partner's User Identifier Type asks for",
  });
  assert.equal(illiadUsername(noEmail, { userIdentifierType: 'UNIVERSITY_ID', userIdentifierRegex: null }).ok, false);
});
