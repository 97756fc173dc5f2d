/**
 * `interlend users …`, run as an administrator would on a fresh install: the first user made without any token,
 * the password from INTERLEND_PASSWORD or standard input and never from an argument, and what list, set-password,
 * disable and enable do (checked by signing in against the same database afterwards).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { StaffUsers } from '../../src/app/staff-users.ts';
import { randomIdSource, systemClock } from '../../src/app/system.ts';
import { InterlendError } from '../../src/domain/errors.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { ROOT } from '../support/processes.ts';

const DATA_DIR = mkdtempSync(join(tmpdir(), 'interlend-users-cli-'));
const PASSWORD = 'first admin passphrase';

function interlend(args: string[], options: { env?: Record<string, string>; input?: string } = {}) {
  const env: Record<string, string | undefined> = { ...process.env, DATA_DIR, INTERLEND_PASSWORD: undefined, ...options.env };
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/interlend.js'), ...args], { cwd: ROOT, env, encoding: 'utf8', ...(options.input === undefined ? {} : { input: options.input }) });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** Signs in against the database the command wrote, with the real (default) scrypt parameters. */
async function signInCode(username: string, password: string): Promise<string> {
  const storage = await openStorage({ kind: 'sqlite', file: join(DATA_DIR, 'interlend.sqlite') });
  try {
    await new StaffUsers({ storage, clock: systemClock, ids: randomIdSource() }).signIn(username, password);
    return 'signed in';
  } catch (error) {
    if (error instanceof InterlendError) return error.code;
    throw error;
  } finally {
    await storage.close();
  }
}

describe('interlend users', () => {
  after(() => rmSync(DATA_DIR, { recursive: true, force: true }));

  test('--help for each command, saying where the password comes from', () => {
    const help = interlend(['users', '--help']);
    assert.equal(help.code, 0);
    for (const command of ['add', 'list', 'set-password', 'disable', 'enable']) assert.match(help.out, new RegExp(`\\n  ${command}\\b`), command);
    const add = interlend(['users', 'add', '--help']);
    assert.equal(add.code, 0);
    assert.match(add.out, /--role <role>/);
    assert.match(add.out, /"admin", "partners-manager",\s+"operator", "read-only"/);
    assert.doesNotMatch(add.out, /"peer"/);
    assert.match(add.out, /INTERLEND_PASSWORD/);
    assert.match(add.out, /--password-stdin/);
    assert.match(interlend(['users', 'set-password', '--help']).out, /INTERLEND_PASSWORD/);
    assert.equal(interlend(['users', 'disable', '--help']).code, 0);
    assert.equal(interlend(['users', 'enable', '--help']).code, 0);
  });

  test('a fresh install gets its first admin from INTERLEND_PASSWORD, without any token', async () => {
    assert.equal(interlend(['users', 'list']).code, 0);
    assert.equal(interlend(['token', 'list']).out.trim(), '', 'no token exists');
    const added = interlend(['users', 'add', 'alice', '--role', 'admin', '--name', 'Alice Smith'], { env: { INTERLEND_PASSWORD: PASSWORD } });
    assert.equal(added.code, 0, added.err);
    assert.match(added.err, /Staff user alice \(admin\) added/);
    assert.ok(!`${added.out}${added.err}`.includes(PASSWORD));
    const list = interlend(['users', 'list']);
    assert.match(list.out, /^alice\s+admin\s+active\s+last sign-in never\s+Alice Smith$/m);
    assert.equal(await signInCode('alice', PASSWORD), 'signed in');
    assert.match(interlend(['users', 'list']).out, /alice\s+admin\s+active\s+last sign-in 20\d\d-/);
  });

  test('the password from standard input; never from an argument', async () => {
    const added = interlend(['users', 'add', 'bob', '--role', 'operator', '--password-stdin'], { input: 'bob reads from stdin\n' });
    assert.equal(added.code, 0, added.err);
    assert.equal(await signInCode('bob', 'bob reads from stdin'), 'signed in', 'the final newline is not part of it');
    assert.match(interlend(['users', 'list']).out, /^bob\s+operator\s+active\s+.*\sbob$/m, 'the name defaults to the user name');

    const none = interlend(['users', 'add', 'carol', '--role', 'operator']);
    assert.equal(none.code, 2);
    assert.match(none.err, /INTERLEND_PASSWORD.*--password-stdin/);
    const asArgument = interlend(['users', 'add', 'carol', 'a password as argument', '--role', 'operator'], { env: { INTERLEND_PASSWORD: PASSWORD } });
    assert.equal(asArgument.code, 2, 'an extra argument is refused, not taken as the password');
    assert.doesNotMatch(interlend(['users', 'list']).out, /carol/);
  });

  test('refusals: a short password, a taken name (any case), a role that is not a staff role', () => {
    const short = interlend(['users', 'add', 'dave', '--role', 'operator'], { env: { INTERLEND_PASSWORD: 'too short' } });
    assert.equal(short.code, 1);
    assert.match(short.err, /password: must be at least 12 characters long/);
    assert.ok(!short.err.includes('too short'));
    const taken = interlend(['users', 'add', 'ALICE', '--role', 'operator'], { env: { INTERLEND_PASSWORD: PASSWORD } });
    assert.equal(taken.code, 1);
    assert.match(taken.err, /username: ALICE is taken/);
    assert.equal(interlend(['users', 'add', 'erin', '--role', 'peer'], { env: { INTERLEND_PASSWORD: PASSWORD } }).code, 2);
    assert.equal(interlend(['users', 'set-password', 'nobody'], { env: { INTERLEND_PASSWORD: PASSWORD } }).code, 1);
  });

  test('set-password, disable and enable', async () => {
    const set = interlend(['users', 'set-password', 'Alice', '--password-stdin'], { input: 'a second admin passphrase' });
    assert.equal(set.code, 0, set.err);
    assert.match(set.err, /New password set for alice/);
    assert.equal(await signInCode('alice', PASSWORD), 'ILL_ERR_UNAUTHENTICATED');
    assert.equal(await signInCode('alice', 'a second admin passphrase'), 'signed in');

    assert.equal(interlend(['users', 'disable', 'bob']).code, 0);
    assert.match(interlend(['users', 'list']).out, /^bob\s+operator\s+disabled since 20\d\d-/m);
    assert.equal(await signInCode('bob', 'bob reads from stdin'), 'ILL_ERR_FORBIDDEN');
    assert.equal(interlend(['users', 'enable', 'bob']).code, 0);
    assert.equal(await signInCode('bob', 'bob reads from stdin'), 'signed in');
  });
});
