/**
 * Staff users (issue 8): passwords hashed with scrypt and checked the same way whether the name exists or not, the
 * sign-in throttle, disabled users, sessions as short-lived tokens that a new role or password or disabling ends
 * at once, and expiry on the injected clock.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { PasswordHasher, DEFAULT_SCRYPT } from '../../src/app/passwords.ts';
import type { Storage } from '../../src/app/ports.ts';
import { StaffUsers, WRONG_CREDENTIALS } from '../../src/app/staff-users.ts';
import { TokenService } from '../../src/app/token-service.ts';
import { parsePasswordHash, type ScryptParameters } from '../../src/domain/access/staff-user.ts';
import { InterlendError } from '../../src/domain/errors.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { TEST_SCRYPT } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { FakeClock, SequentialIds } from '../support/fakes.ts';

const PASSWORD = 'correct horse battery staple';
const MINUTE = 60_000;

/** A hasher that counts what it is asked, so a test can see that an unknown name is checked like a known one. */
class CountingHasher extends PasswordHasher {
  verified: string[] = [];
  override async verify(password: string, stored: string): Promise<boolean> {
    this.verified.push(stored);
    return super.verify(password, stored);
  }
}

const code = (expected: string) => (error: unknown) => error instanceof InterlendError && error.code === expected;

function refusedWith(error: unknown, expected: string): boolean {
  assert.ok(error instanceof InterlendError, String(error));
  assert.equal(error.code, expected, error.message);
  return true;
}

describe('password hashing', () => {
  test('a round trip with the default parameters: stored as scrypt$N$r$p$salt$key, a new salt each time', async () => {
    const hasher = new PasswordHasher();
    const hash = await hasher.hash(PASSWORD);
    assert.match(hash, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.ok(!hash.includes(PASSWORD));
    assert.equal(await hasher.verify(PASSWORD, hash), true);
    assert.equal(await hasher.verify(`${PASSWORD}!`, hash), false);
    assert.equal(await hasher.verify(PASSWORD.toUpperCase(), hash), false);
    const again = await hasher.hash(PASSWORD);
    assert.notEqual(again, hash, 'a random salt per password');
    assert.deepEqual(DEFAULT_SCRYPT, { N: 32768, r: 8, p: 1 });
  });

  test('a hash verifies with the parameters stored in it, not today’s', async () => {
    const old = await new PasswordHasher({ N: 1024, r: 4, p: 1 }).hash(PASSWORD);
    assert.equal(await new PasswordHasher(TEST_SCRYPT).verify(PASSWORD, old), true);
  });

  test('passwords are compared after NFKC normalization', async () => {
    const hasher = new PasswordHasher(TEST_SCRYPT);
    const composed = 'Ångström passphrase \u00e9t\u00e9';
    const hash = await hasher.hash(composed);
    assert.equal(await hasher.verify(composed.normalize('NFD'), hash), true);
  });

  test('a hash that is not ours, or asks for absurd parameters, matches nothing', async () => {
    const hasher = new PasswordHasher(TEST_SCRYPT);
    for (const stored of ['', PASSWORD, 'bcrypt$2b$10$abc', 'scrypt$1048577$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA', 'scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA']) {
      assert.equal(await hasher.verify(PASSWORD, stored), false, stored);
    }
    assert.equal(parsePasswordHash('scrypt$33554432$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA'), undefined, 'N above 2^20 is refused');
    assert.deepEqual(parsePasswordHash('scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$BBBBBBBBBBBBBBBBBBBBBB'), { N: 1024, r: 8, p: 1, salt: 'AAAAAAAAAAAAAAAAAAAAAA', key: 'BBBBBBBBBBBBBBBBBBBBBB' });
  });
});

describe('staff users', () => {
  let database: TestDatabase;
  let storage: Storage;
  let clock: FakeClock;
  let hasher: CountingHasher;
  let users: StaffUsers;
  let tokens: TokenService;
  // One id source for the whole suite: tokens of earlier tests stay in the table.
  const ids = new SequentialIds();

  before(async () => {
    database = await createTestDatabase('sqlite');
    storage = await openStorage(database.settings);
  });
  after(async () => {
    await storage.close();
    await database.drop();
  });
  beforeEach(async () => {
    // A fresh use case (and throttle) and no users for each test.
    for (const user of await storage.read.staffUsers.list()) await storage.transaction((repos) => repos.staffUsers.delete(user.id));
    clock = new FakeClock();
    hasher = new CountingHasher(TEST_SCRYPT);
    users = new StaffUsers({ storage, clock, ids, hasher });
    tokens = new TokenService({ storage, clock, ids });
  });

  const alice = () => users.create({ username: 'Alice', name: 'Alice Smith', role: 'operator', password: PASSWORD });

  test('create, get and list: the user name keeps its case, is found in any case, and no password is kept or returned', async () => {
    const created = await alice();
    assert.deepEqual(Object.keys(created).sort(), ['createdAt', 'disabledAt', 'id', 'lastSignInAt', 'name', 'role', 'updatedAt', 'username']);
    assert.equal(created.username, 'Alice');
    assert.deepEqual(await users.get('aLiCe'), created);
    assert.deepEqual(await users.list(), [created]);
    const stored = await storage.read.staffUsers.credentialsOf('alice');
    assert.match(stored!.passwordHash, /^scrypt\$1024\$8\$1\$/);
    assert.ok(!JSON.stringify(await users.list()).includes(PASSWORD));
    await assert.rejects(users.get('bob'), code('ILL_ERR_NOT_FOUND'));
  });

  test('what a new user must be, with every problem at its field and the password never quoted', async () => {
    const secret = 'short-secret';
    await assert.rejects(users.create({ username: 'not ok!', name: ' ', role: 'peer', password: secret.slice(0, 8) }), (error: unknown) => {
      refusedWith(error, 'ILL_ERR_VALIDATION');
      const problems = (error as InterlendError).problems;
      assert.deepEqual(problems.map((p) => p.path).sort(), ['name', 'password', 'role', 'username']);
      assert.match(problems.find((p) => p.path === 'password')!.message, /at least 12 characters/);
      assert.match(problems.find((p) => p.path === 'role')!.message, /admin, partners-manager, operator, read-only/);
      assert.ok(!JSON.stringify(problems).includes(secret.slice(0, 8)), 'the password is not in any message');
      return true;
    });
    await assert.rejects(users.create({ username: 'carol', name: 'Carol', role: 'admin', password: 'x'.repeat(1025) }), /at most 1024 characters/);
    await assert.rejects(users.create({ username: 'longusername', name: 'L', role: 'admin', password: 'LongUserName' }), /must not be the user name/);
    await assert.rejects(users.create({ username: 'dave', name: 'Dave', role: 'admin', password: 123456789012345 }), (error: unknown) => {
      refusedWith(error, 'ILL_ERR_VALIDATION');
      assert.ok(!(error as Error).message.includes('123456789012345'));
      return true;
    });
    await assert.rejects(users.create({ username: 'erin', name: 'Erin', role: 'admin', password: PASSWORD, passwordHash: 'x' }), /passwordHash: is not a field here/);
    assert.deepEqual(await users.list(), [], 'nothing was written');
    assert.equal((await users.create({ username: 'unicode', name: 'U', role: 'read-only', password: 'ßßßßßßßßßßßß' })).username, 'unicode', 'twelve characters, however many bytes');
  });

  test('a user name is taken whatever its case', async () => {
    await alice();
    await assert.rejects(users.create({ username: 'ALICE', name: 'Another', role: 'admin', password: PASSWORD }), (error: unknown) => {
      refusedWith(error, 'ILL_ERR_DUPLICATE');
      assert.equal((error as InterlendError).problems[0]!.path, 'username');
      return true;
    });
  });

  test('signing in makes a session token that authenticates as the user, in any case of the name', async () => {
    const created = await alice();
    const session = await users.signIn('ALICE', PASSWORD);
    assert.equal(session.user.id, created.id);
    assert.equal(session.expiresAt, '2026-11-29T00:00:00.000Z', 'twelve hours on the injected clock');
    const caller = await tokens.authenticate(session.secret);
    assert.deepEqual(caller, { tokenId: session.tokenId, name: 'Alice Smith', role: 'operator', userId: created.id });
    assert.equal((await users.get('alice')).lastSignInAt, clock.now());
  });

  test('a wrong password and an unknown user name get the same answer, and each costs one password check', async () => {
    await alice();
    const wrong = await users.signIn('alice', 'not the password at all').catch((e: unknown) => e);
    const unknown = await users.signIn('mallory', PASSWORD).catch((e: unknown) => e);
    for (const error of [wrong, unknown]) {
      refusedWith(error, 'ILL_ERR_UNAUTHENTICATED');
      assert.equal((error as Error).message, WRONG_CREDENTIALS);
    }
    assert.equal(hasher.verified.length, 2, 'an unknown name is checked against a hash too');
    assert.match(hasher.verified[1]!, /^scrypt\$1024\$8\$1\$/, 'a real hash with today’s parameters, so it costs the same');
    await assert.rejects(users.signIn('', ''), code('ILL_ERR_VALIDATION'));
  });

  test('after five failures for a name, even the right password is refused for fifteen minutes', async () => {
    await alice();
    for (let i = 0; i < 5; i++) {
      await assert.rejects(users.signIn('alice', `wrong password ${i}`), code('ILL_ERR_UNAUTHENTICATED'));
      clock.advance(MINUTE);
    }
    const checks = hasher.verified.length;
    await assert.rejects(users.signIn('Alice', PASSWORD), (error: unknown) => {
      refusedWith(error, 'ILL_ERR_TOO_MANY_ATTEMPTS');
      assert.match((error as Error).message, /Too many failed sign-ins for this user name\. Wait 14 minutes, then try again/);
      return true;
    });
    assert.equal(hasher.verified.length, checks, 'a locked name is not checked at all');
    await assert.rejects(users.signIn('mallory', 'anything at all'), code('ILL_ERR_UNAUTHENTICATED'), 'another name is not locked');
    clock.advance(14 * MINUTE);
    assert.equal((await users.signIn('alice', PASSWORD)).user.username, 'Alice', 'fifteen minutes after the fifth failure');
  });

  test('unknown names are throttled like known ones, so the lock does not tell which names exist', async () => {
    for (let i = 0; i < 5; i++) await assert.rejects(users.signIn('nobody', `guess ${i}`), code('ILL_ERR_UNAUTHENTICATED'));
    await assert.rejects(users.signIn('nobody', 'guess 6'), code('ILL_ERR_TOO_MANY_ATTEMPTS'));
  });

  test('guesses sent at the same moment count before they are checked: only five are checked', async () => {
    await alice();
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => users.signIn('alice', `parallel guess ${i}`)));
    const codes = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as InterlendError).code : 'signed in'));
    assert.equal(codes.filter((c) => c === 'ILL_ERR_UNAUTHENTICATED').length, 5, codes.join());
    assert.equal(codes.filter((c) => c === 'ILL_ERR_TOO_MANY_ATTEMPTS').length, 3, codes.join());
    assert.equal(hasher.verified.length, 5);
  });

  test('a new password set by an administrator lets a locked-out user in at once', async () => {
    await alice();
    for (let i = 0; i < 6; i++) await users.signIn('alice', `wrong ${i}`).catch(() => undefined);
    await assert.rejects(users.signIn('alice', PASSWORD), code('ILL_ERR_TOO_MANY_ATTEMPTS'));
    await users.setPassword('alice', 'a brand new passphrase');
    assert.ok(await users.signIn('alice', 'a brand new passphrase'));
    await assert.rejects(users.signIn('alice', PASSWORD), code('ILL_ERR_UNAUTHENTICATED'), 'the old password is gone');
  });

  test('a disabled user cannot sign in; a wrong password still gets the same answer as anyone’s', async () => {
    await alice();
    const session = await users.signIn('alice', PASSWORD);
    const disabled = await users.disable('alice');
    assert.equal(disabled.disabledAt, clock.now());
    assert.equal(await tokens.authenticate(session.secret), undefined, 'disabling ended the open session at once');
    await assert.rejects(users.signIn('alice', PASSWORD), (error: unknown) => refusedWith(error, 'ILL_ERR_FORBIDDEN') && /disabled/.test((error as Error).message));
    await assert.rejects(users.signIn('alice', 'a wrong password'), (error: unknown) => refusedWith(error, 'ILL_ERR_UNAUTHENTICATED') && (error as Error).message === WRONG_CREDENTIALS);
    assert.equal((await users.enable('alice')).disabledAt, null);
    assert.ok(await tokens.authenticate((await users.signIn('alice', PASSWORD)).secret));
  });

  test('a new role or password ends every open session at once; a new display name renames them', async () => {
    await alice();
    const first = await users.signIn('alice', PASSWORD);
    const second = await users.signIn('alice', PASSWORD);
    await users.update('alice', { name: 'Alice B. Smith' });
    assert.equal((await tokens.authenticate(first.secret))?.name, 'Alice B. Smith', 'a name change keeps the session and shows the new name');
    const promoted = await users.update('alice', { role: 'admin' });
    assert.equal(promoted.role, 'admin');
    assert.equal(await tokens.authenticate(first.secret), undefined);
    assert.equal(await tokens.authenticate(second.secret), undefined);
    const third = await users.signIn('alice', PASSWORD);
    assert.equal((await tokens.authenticate(third.secret))?.role, 'admin', 'the next sign-in has the new role');
    await users.setPassword('alice', 'another long passphrase');
    assert.equal(await tokens.authenticate(third.secret), undefined);
  });

  test('a user changing their own password keeps the session they do it from; others end', async () => {
    await alice();
    const here = await users.signIn('alice', PASSWORD);
    const elsewhere = await users.signIn('alice', PASSWORD);
    const actor = { tokenId: here.tokenId, userId: here.user.id };
    await users.setPassword('alice', 'my own new passphrase', actor);
    assert.ok(await tokens.authenticate(here.secret));
    assert.equal(await tokens.authenticate(elsewhere.secret), undefined);
  });

  test('nobody can change their own role, disable or delete themselves', async () => {
    await users.create({ username: 'root', name: 'Root', role: 'admin', password: PASSWORD });
    const session = await users.signIn('root', PASSWORD);
    const actor = { tokenId: session.tokenId, userId: session.user.id };
    await assert.rejects(users.update('root', { role: 'operator' }, actor), (error: unknown) => refusedWith(error, 'ILL_ERR_NOT_ALLOWED') && (error as InterlendError).problems[0]!.path === 'role');
    await assert.rejects(users.disable('root', actor), code('ILL_ERR_NOT_ALLOWED'));
    await assert.rejects(users.delete('root', actor), code('ILL_ERR_NOT_ALLOWED'));
    assert.equal((await users.update('root', { role: 'admin', name: 'Root Admin' }, actor)).name, 'Root Admin', 'the same role and a new name are fine');
    assert.ok(await tokens.authenticate(session.secret));
  });

  test('a session ends after twelve hours, on the injected clock', async () => {
    await alice();
    const session = await users.signIn('alice', PASSWORD);
    clock.advance(12 * 60 * MINUTE - 1000);
    assert.ok(await tokens.authenticate(session.secret));
    clock.advance(1000);
    assert.equal(await tokens.authenticate(session.secret), undefined, 'expired at the twelfth hour');
  });

  test('sign-out revokes a session token; an API token is left alone', async () => {
    await alice();
    const session = await users.signIn('alice', PASSWORD);
    assert.equal(await users.signOut(session.secret), true);
    assert.equal(await tokens.authenticate(session.secret), undefined);
    assert.equal(await users.signOut(session.secret), false);
    const api = await tokens.create({ name: 'automation', role: 'operator' });
    assert.equal(await users.signOut(api.secret), false);
    assert.ok(await tokens.authenticate(api.secret));
  });

  test('session tokens stay out of the token list and count, and expired ones are cleared at the next sign-in', async () => {
    await alice();
    const before = (await tokens.list()).length;
    const session = await users.signIn('alice', PASSWORD);
    assert.equal((await tokens.list()).length, before, 'sessions are not API tokens');
    const listed = (await tokens.list({ sessions: true })).find((t) => t.id === session.tokenId);
    assert.deepEqual({ userId: listed?.userId, expiresAt: listed?.expiresAt }, { userId: session.user.id, expiresAt: session.expiresAt });
    clock.advance(13 * 60 * MINUTE);
    await users.signIn('alice', PASSWORD);
    assert.equal((await tokens.list({ sessions: true })).some((t) => t.id === session.tokenId), false, 'the expired session is gone');
  });

  test('a hash made with lower parameters is made again with today’s at the next sign-in', async () => {
    await alice();
    const stronger = new StaffUsers({ storage, clock, ids, hasher: new PasswordHasher({ N: 2048, r: 8, p: 1 } satisfies ScryptParameters) });
    await stronger.signIn('alice', PASSWORD);
    assert.match((await storage.read.staffUsers.credentialsOf('alice'))!.passwordHash, /^scrypt\$2048\$8\$1\$/);
    assert.ok(await stronger.signIn('alice', PASSWORD), 'and the password still works');
  });

  test('deleting a user ends its sessions', async () => {
    await alice();
    const session = await users.signIn('alice', PASSWORD);
    await users.delete('alice');
    assert.equal(await tokens.authenticate(session.secret), undefined);
    await assert.rejects(users.get('alice'), code('ILL_ERR_NOT_FOUND'));
    await assert.rejects(users.delete('alice'), code('ILL_ERR_NOT_FOUND'));
  });
});
