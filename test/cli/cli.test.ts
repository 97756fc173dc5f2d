/** The `interlend` command, run as a user would, on its own database. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ROOT } from '../support/processes.ts';

const DATA_DIR = mkdtempSync(join(tmpdir(), 'interlend-cli-'));

function interlend(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/interlend.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR, ILLIAD_URL: 'https://illiad.example.edu/ILLiadWebPlatform', NORTH_PEER_URL: 'http://127.0.0.1:1/iso', SOUTH_PEER_URL: 'http://127.0.0.1:2/iso' },
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('interlend command', () => {
  after(() => rmSync(DATA_DIR, { recursive: true, force: true }));

  test('--help lists the commands and the environment', () => {
    const help = interlend('--help');
    assert.equal(help.code, 0);
    for (const word of ['serve', 'migrate', 'config', 'token', 'DATA_DIR', 'DATABASE_URL']) assert.ok(help.out.includes(word), `help mentions ${word}`);
    const importHelp = interlend('config', 'import', '--help');
    assert.equal(importHelp.code, 0);
    assert.match(importHelp.out, /--prune/);
  });

  test('migrate, then import the example, export it and import the export', () => {
    const migrated = interlend('migrate');
    assert.equal(migrated.code, 0, migrated.err);
    assert.match(migrated.out, /0001-initial/);
    assert.match(interlend('migrate').out, /up to date/);
    const imported = interlend('config', 'import', join(ROOT, 'examples/lender-of-last-resort.yaml'));
    assert.equal(imported.code, 0, imported.err);
    assert.match(imported.out, /partners\s+3 created/);
    const file = join(DATA_DIR, 'export.yaml');
    const exported = interlend('config', 'export', '-o', file);
    assert.equal(exported.code, 0, exported.err);
    const again = interlend('config', 'import', file);
    assert.match(again.out, /partners\s+0 created, 0 updated, 3 unchanged/);
    assert.equal(interlend('config', 'export').out, readFileSync(file, 'utf8'));
  });

  test('a bad file exits 1 and lists every problem with its line', () => {
    const file = join(DATA_DIR, 'bad.yaml');
    writeFileSync(file, 'version: 1\nlibraries:\n  - code: MAIN\n  - code: X\n    name: X\n    colour: red\n');
    const result = interlend('config', 'import', file);
    assert.equal(result.code, 1);
    assert.match(result.err, /line 3: libraries\[0\]\.name: is required/);
    assert.match(result.err, /line 6: libraries\[1\]\.colour: is not a field here/);
    const missing = interlend('config', 'import', join(DATA_DIR, 'nope.yaml'));
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no such file/);
  });

  test('tokens: create prints the secret once, list never shows it', () => {
    const created = interlend('token', 'create', '--name', 'ops desk', '--role', 'operator');
    assert.equal(created.code, 0, created.err);
    const secret = created.out.trim();
    assert.match(secret, /^il_/);
    const list = interlend('token', 'list');
    assert.match(list.out, /operator\s+active\s+ops desk/);
    assert.ok(!list.out.includes(secret));
    assert.equal(interlend('token', 'create', '--name', 'x', '--role', 'superuser').code, 2, 'a wrong role is a usage error');
  });

  test('unknown commands are usage errors (exit 2)', () => {
    const result = interlend('frobnicate');
    assert.equal(result.code, 2);
    assert.match(result.err, /unknown command/);
  });
});
