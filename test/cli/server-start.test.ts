/** The Quick start: `npm start` on an empty database answers /healthz, in demo mode, with a first admin token. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { freePort, start, waitForOk } from '../support/processes.ts';

const json = async (response: Response): Promise<any> => response.json();

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'interlend-start-'));
  dirs.push(dir);
  return dir;
}

describe('starting the server', () => {
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  test('npm start: healthy within 10 s, DEMO with the guide loaded, the admin token printed once', async () => {
    const DATA_DIR = dataDir();
    const port = await freePort();
    const env = { PORT: String(port), DATA_DIR, HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
    const first = start('npm', ['start'], env);
    try {
      const health = await json(await waitForOk(`http://127.0.0.1:${port}/healthz`, 10_000, first));
      assert.deepEqual([health.status, health.database, health.demo], ['ok', 'sqlite', true]);
      await new Promise((r) => setTimeout(r, 200));
      assert.match(first.output(), /DEMO MODE/);
      const token = /First admin token[^\n]*\n\s+(il_\S+)/.exec(first.output())?.[1];
      assert.ok(token, `a token was printed:\n${first.output()}`);
      const partners = await json(await fetch(`http://127.0.0.1:${port}/api/v1/partners`, { headers: { authorization: `Bearer ${token}` } }));
      assert.deepEqual(partners.items.map((p: { code: string }) => p.code).sort(), ['ILLiad', 'NORTH', 'SOUTH']);
      const template = await json(await fetch(`http://127.0.0.1:${port}/api/v1/rota-templates/ILLiad`, { headers: { authorization: `Bearer ${token}` } }));
      assert.equal(template.status, 'ACTIVE', 'the demo has gone live');
      const patrons = await json(await fetch(`http://127.0.0.1:${port}/api/v1/patrons`, { headers: { authorization: `Bearer ${token}` } }));
      assert.equal(patrons.total, 5);
    } finally {
      await first.stop();
    }
    const again = start(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], env);
    try {
      const health = await json(await waitForOk(`http://127.0.0.1:${port}/healthz`, 10_000, again));
      assert.equal(health.demo, true, 'still a demo after a restart');
      assert.doesNotMatch(again.output(), /First admin token/, 'the token is printed once only');
    } finally {
      assert.equal(await again.stop(), 0, 'a clean stop on SIGTERM');
    }
  });

  test('INTERLEND_DEMO=0 starts empty; INTERLEND_ADMIN_TOKEN is the admin token', async () => {
    const port = await freePort();
    const adminToken = 'automation-admin-token-0123456789';
    const server = start(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir(),
      INTERLEND_DEMO: '0',
      INTERLEND_ADMIN_TOKEN: adminToken,
      LOG_LEVEL: 'warn',
    });
    try {
      const health = await json(await waitForOk(`http://127.0.0.1:${port}/healthz`, 10_000, server));
      assert.equal(health.demo, false);
      const partners = await fetch(`http://127.0.0.1:${port}/api/v1/partners`, { headers: { authorization: `Bearer ${adminToken}` } });
      assert.equal(partners.status, 200);
      assert.equal((await json(partners)).total, 0);
      assert.doesNotMatch(server.output(), /First admin token|DEMO MODE/);
      assert.ok(!server.output().includes(adminToken), 'the given token is not echoed');
    } finally {
      await server.stop();
    }
  });
});
