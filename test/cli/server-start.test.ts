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
      // The patron pages: every demo patron signs in with the demo PIN.
      const signIn = await fetch(`http://127.0.0.1:${port}/patron/sign-in`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'identifier=100200300&pin=1234' });
      assert.equal(signIn.status, 303);
      assert.match(signIn.headers.get('set-cookie') ?? '', /^interlend_patron=/);
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

  test('the demo starts the ILLiad simulator and two mock peers: a request the peers turn down is exported', async () => {
    const port = await freePort();
    const token = 'demo-export-admin-token-0123456789';
    const server = start(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir(), INTERLEND_ADMIN_TOKEN: token, LOG_LEVEL: 'warn' });
    const api = async (method: string, path: string, body?: unknown) =>
      json(await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) }));
    try {
      await waitForOk(`http://127.0.0.1:${port}/healthz`, 10_000, server);
      await new Promise((r) => setTimeout(r, 200));
      const simulator = /its transactions:\s+(\S+)/.exec(server.output())?.[1];
      assert.ok(simulator, `the banner names the simulator:\n${server.output()}`);
      const created = await api('POST', '/api/v1/borrowing-requests', { patron: '100200300', title: 'The Problem of Pain', oclcNumber: '12345' });
      // The demo's mock peers (ISO 18626) answer Unfilled on their own, so the request goes on to ILLiad.
      assert.match(server.output(), /peer US-NSU \(mock\)/);
      let request = await api('GET', `/api/v1/borrowing-requests/${created.id}`);
      for (let i = 0; i < 150 && request.status !== 'EXPORTED_TO_THIRD_PARTY'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        request = await api('GET', `/api/v1/borrowing-requests/${created.id}`);
      }
      assert.equal(request.status, 'EXPORTED_TO_THIRD_PARTY', request.statusReason);
      const transactions = await json(await fetch(simulator));
      assert.deepEqual(
        transactions.map((t: { ReferenceNumber: string; Username: string; TransactionNumber: number }) => [t.ReferenceNumber, t.Username, t.TransactionNumber]),
        [[created.id, 'cwlee', request.exportedTo.transactionNumber]],
      );
      assert.doesNotMatch(server.output(), /demo-[0-9a-f]{24}/, 'the demo key is not printed');
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  test('interlend illiad-sim serves the Web Platform with the given key until stopped', async () => {
    const port = await freePort();
    const sim = start(process.execPath, ['--import', 'tsx', 'src/main.ts', 'illiad-sim', '--port', String(port), '--api-key', 'cli-key'], {});
    try {
      const base = `http://127.0.0.1:${port}/ILLiadWebPlatform`;
      await waitForOk(`http://127.0.0.1:${port}/sim/users`, 10_000, sim);
      assert.equal((await fetch(`${base}/Users/nobody`, { headers: { ApiKey: 'wrong' } })).status, 401);
      const missing = await fetch(`${base}/Users/nobody`, { headers: { ApiKey: 'cli-key' } });
      assert.deepEqual([missing.status, await json(missing)], [404, { Message: 'User nobody was not found.' }]);
      assert.match(sim.output(), new RegExp(`ILLiad simulator: ${base.replace(/[/.]/g, '\\$&')}`));
    } finally {
      assert.equal(await sim.stop(), 0);
    }
    const usage = start(process.execPath, ['--import', 'tsx', 'src/main.ts', 'illiad-sim', '--port', 'x'], {});
    assert.equal(await usage.exited, 2, 'a bad port is a usage error');
  });

  test('interlend peer-mock answers ISO 18626 as the peer it is told to be', async () => {
    const port = await freePort();
    const mock = start(process.execPath, ['--import', 'tsx', 'src/main.ts', 'peer-mock', '--port', String(port), '--symbol', 'US-XYZ'], {});
    try {
      await waitForOk(`http://127.0.0.1:${port}/healthz`, 10_000, mock);
      const garbage = await fetch(`http://127.0.0.1:${port}/iso18626`, { method: 'POST', body: 'not xml' });
      assert.equal(garbage.status, 400);
      assert.match(mock.output(), /ISO 18626 mock peer US-XYZ/);
    } finally {
      assert.equal(await mock.stop(), 0);
    }
    const usage = start(process.execPath, ['--import', 'tsx', 'src/main.ts', 'peer-mock', '--port', '0'], {});
    assert.equal(await usage.exited, 2, 'without --symbol: a usage error');
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
