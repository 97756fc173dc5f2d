/**
 * The username match report's verdict for one patron (issue 7 item 4): every outcome, from what the identity rule
 * derived and what ILLiad answered (the guide's "ILLiad Requirements"; illiad.md §4 items 1–2, §5).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { patronSchema } from '../../src/domain/config/patron.ts';
import { illiadUsername } from '../../src/domain/identity/illiad-username.ts';
import { classifyUsernameMatch, NEEDS_ATTENTION, type UsernameMatchInput, USERNAME_MATCH_OUTCOMES } from '../../src/domain/identity/username-match.ts';

const RULE = { userIdentifierType: 'EMAIL', userIdentifierRegex: '^[^@]*' } as const;
const patron = patronSchema.parse({ primaryId: '100200300', firstName: 'Chen-Wei', lastName: 'Lee', email: 'cwlee@example.edu', userGroup: 'FACULTY' });
const identity = illiadUsername(patron, RULE);
const guide = { createUserInIlliad: true, searchesByEmail: true, servesGuests: false };
const user = (username: string, email: string | null = 'cwlee@example.edu', cleared: string | null = 'Yes') => ({ username, email, cleared });

function verdict(lookup: UsernameMatchInput['lookup'], overrides: Partial<UsernameMatchInput> = {}) {
  return classifyUsernameMatch({ identity, email: patron.email, isGuest: false, partner: guide, lookup, ...overrides });
}

test('match: ILLiad has the derived username', () => {
  assert.deepEqual(verdict({ byUsername: user('cwlee'), byEmail: undefined }), {
    outcome: 'match',
    illiadUsername: 'cwlee',
    detail: 'ILLiad user cwlee found: exports go to this user',
  });
  // The e-mail search finding the same account (ILLiad usernames ignore case) is no collision.
  assert.equal(verdict({ byUsername: user('cwlee'), byEmail: user('CWLee') }).outcome, 'match');
  assert.match(verdict({ byUsername: user('cwlee', null, 'No'), byEmail: undefined }).detail, /Cleared No: ILLiad staff must clear the user/);
});

test('would-create: no such user, no account with the e-mail, Create User In ILLiad on', () => {
  assert.deepEqual(verdict({ byUsername: undefined, byEmail: undefined }), {
    outcome: 'would-create',
    illiadUsername: null,
    detail: 'ILLiad has no user cwlee nor a user with e-mail cwlee@example.edu: the first export creates cwlee',
  });
  const byName = verdict({ byUsername: undefined, byEmail: undefined }, { partner: { ...guide, searchesByEmail: false } });
  assert.equal(byName.outcome, 'would-create');
  assert.match(byName.detail, /the e-mail is not searched: Search User In ILLiad Using is not Email Address/);
});

test('missing: no such user and Create User In ILLiad off', () => {
  const missing = verdict({ byUsername: undefined, byEmail: undefined }, { partner: { ...guide, createUserInIlliad: false } });
  assert.equal(missing.outcome, 'missing');
  assert.equal(missing.detail, 'ILLiad has no user cwlee nor a user with e-mail cwlee@example.edu, and Create User In ILLiad is off: every export for this patron fails until cwlee is created in ILLiad');
});

test('cannot-derive: says which, the identifier missing or the regex not matching', () => {
  const noEmail = patronSchema.parse({ primaryId: 'P9', firstName: 'No', lastName: 'Mail', userGroup: 'STAFF' });
  const missingIdentifier = classifyUsernameMatch({ identity: illiadUsername(noEmail, RULE), email: null, isGuest: false, partner: guide, lookup: undefined });
  assert.deepEqual(missingIdentifier, {
    outcome: 'cannot-derive',
    illiadUsername: null,
    detail: "patron P9 has no Email, which the partner's User Identifier Type asks for: every export for this patron fails",
  });
  const regex = verdict(undefined, { identity: illiadUsername(patron, { userIdentifierType: 'PRIMARY_ID', userIdentifierRegex: '^[a-z]+' }) });
  assert.equal(regex.outcome, 'cannot-derive');
  assert.match(regex.detail, /^User Identifier Regex \^\[a-z\]\+ does not match Primary Identifier "100200300" of patron 100200300/);
});

test('email-collision: the e-mail belongs to a different ILLiad username (the duplicate-account trap)', () => {
  const adopted = verdict({ byUsername: undefined, byEmail: user('leecw') });
  assert.equal(adopted.outcome, 'email-collision');
  assert.equal(adopted.illiadUsername, 'leecw', 'the account holding the e-mail is the one named');
  assert.match(adopted.detail, /ILLiad has no user cwlee, but user leecw has the patron's e-mail cwlee@example\.edu: exports would go to leecw, and ILLiad's NCIP messages for leecw would not find this patron/);
  const twoAccounts = verdict({ byUsername: user('cwlee', 'old@example.edu'), byEmail: user('leecw') });
  assert.equal(twoAccounts.outcome, 'email-collision');
  assert.equal(twoAccounts.illiadUsername, 'leecw');
  assert.match(twoAccounts.detail, /two ILLiad accounts for one patron \(exports go to cwlee\)/);
  assert.match(verdict({ byUsername: undefined, byEmail: user('leecw', null, 'DIS') }).detail, /it is also disavowed, Cleared DIS/);
});

test('blocked: the matched user is Cleared B, BO or DIS', () => {
  for (const [cleared, word] of [
    ['B', 'blocked'],
    ['bo', 'blocked'],
    ['DIS', 'disavowed'],
  ] as const) {
    const blocked = verdict({ byUsername: user('cwlee', 'cwlee@example.edu', cleared), byEmail: undefined });
    assert.equal(blocked.outcome, 'blocked', cleared);
    assert.equal(blocked.illiadUsername, 'cwlee');
    assert.match(blocked.detail, new RegExp(`ILLiad user cwlee is ${word} \\(Cleared ${cleared}\\): every export is refused`));
  }
  // Blocked wins over a second account: the export fails outright; the other account is still named.
  const both = verdict({ byUsername: user('cwlee', null, 'B'), byEmail: user('leecw') });
  assert.equal(both.outcome, 'blocked');
  assert.match(both.detail, /ILLiad user leecw also has the patron's e-mail/);
});

test('lookup-failed carries the reason; a guest the partner does not serve is never looked up', () => {
  assert.deepEqual(verdict({ failed: 'ILLiad did not answer GET Users/cwlee after 4 tries' }), {
    outcome: 'lookup-failed',
    illiadUsername: null,
    detail: 'ILLiad did not answer GET Users/cwlee after 4 tries',
  });
  const guest = verdict(undefined, { isGuest: true });
  assert.equal(guest.outcome, 'guest-not-served');
  assert.equal(verdict({ byUsername: user('cwlee'), byEmail: undefined }, { isGuest: true, partner: { ...guide, servesGuests: true } }).outcome, 'match');
  assert.throws(() => verdict(undefined), /before ILLiad was/);
});

test('the outcomes that need attention are exactly the ones that make exports fail or go astray', () => {
  assert.deepEqual(
    USERNAME_MATCH_OUTCOMES.filter((o) => NEEDS_ATTENTION.has(o)),
    ['missing', 'cannot-derive', 'email-collision', 'blocked', 'lookup-failed'],
  );
});
