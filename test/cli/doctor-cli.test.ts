/** `interlend doctor`, run as a librarian would: the checks printed, JSON for scripts, and the exit codes 0 / 1 / 2. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ROOT } from '../support/processes.ts';

const DATA_DIR = mkdtempSync(join(tmpdir(), 'interlend-doctor-cli-'));
const EXAMPLE = readFileSync(join(ROOT, 'examples/lender-of-last-resort.yaml'), 'utf8');

function interlend(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/interlend.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR, ILLIAD_URL: 'http://127.0.0.1:1/ILLiadWebPlatform', ILLIAD_API_KEY: 'a-key-for-the-doctor', NORTH_PEER_URL: 'http://127.0.0.1:1/iso', SOUTH_PEER_URL: 'http://127.0.0.1:2/iso', PUBLIC_URL: 'https://interlend.example.edu' },
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('interlend doctor', () => {
  after(() => rmSync(DATA_DIR, { recursive: true, force: true }));

  test('the example as shipped: one warning (the ILLiad rota is not live yet), exit code 1', () => {
    assert.equal(interlend('config', 'import', join(ROOT, 'examples/lender-of-last-resort.yaml')).code, 0);
    const run = interlend('doctor', '--offline');
    assert.equal(run.code, 1, run.err);
    assert.match(run.out, /WARN {2}The ILLiad rota is Active \(at go live\)\n {6}Rota template ILLiad is Inactive: not live yet/);
    assert.match(run.out, /PASS {2}It is the final rule/);
    assert.match(run.out, /Point the add-on at https:\/\/interlend\.example\.edu\/ncip/);
    assert.match(run.out, /\d+ passed, 1 warning, 0 failed\./);
    assert.ok(!run.out.includes('a-key-for-the-doctor'), 'the key is never printed');
  });

  test('at go live every check passes (exit 0); a fault is a failure (exit 2); --json for scripts', () => {
    const live = EXAMPLE.replace(/(code: ILLiad\n {4}name: ILLiad Partner\n {4}type: ORDERED\n {4}status: )INACTIVE/, '$1ACTIVE');
    assert.notEqual(live, EXAMPLE);
    const file = join(DATA_DIR, 'live.yaml');
    writeFileSync(file, live);
    assert.equal(interlend('config', 'import', file).code, 0);
    const passing = interlend('doctor', '--offline', '--json');
    assert.equal(passing.code, 0, passing.err);
    const report = JSON.parse(passing.out) as { exitCode: number; summary: { fail: number; warn: number } };
    assert.deepEqual([report.exitCode, report.summary.fail, report.summary.warn], [0, 0, 0]);

    writeFileSync(file, live.replace('enableServiceForGuestUser: false', 'enableServiceForGuestUser: true'));
    assert.equal(interlend('config', 'import', file).code, 0);
    const failing = interlend('doctor', '--offline');
    assert.equal(failing.code, 2);
    assert.match(failing.out, /FAIL {2}Enable Service For Guest User: No/);
  });

  test('without --offline, an ILLiad that cannot be reached fails the key check', () => {
    const run = interlend('doctor', '--json');
    assert.equal(run.code, 2);
    const report = JSON.parse(run.out) as { checks: { id: string; status: string }[] };
    assert.deepEqual(report.checks.filter((c) => c.status === 'fail').map((c) => c.id), ['guest-service', 'illiad-key-accepted']);
  });
});
