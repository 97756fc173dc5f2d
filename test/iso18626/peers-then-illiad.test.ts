/**
 * The guide's whole rota over real HTTP (issues 4 and 6): a request goes to peer A (mock, Unfilled), then peer B
 * (mock, Unfilled), then ILLiad (simulator), where it is exported. Its history shows each hop and each message.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { type PeerMock, startPeerMock } from '../../src/sim/peer/index.ts';
import { type IlliadSimulator, startIlliadSimulator } from '../../src/sim/illiad/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const EXAMPLE = readFileSync(new URL('../../examples/lender-of-last-resort.yaml', import.meta.url), 'utf8');
const PATRONS = readFileSync(new URL('../../examples/demo-patrons.yaml', import.meta.url), 'utf8');

let app: TestApp | undefined;
const mocks: PeerMock[] = [];
let sim: IlliadSimulator | undefined;
after(async () => {
  for (const mock of mocks) await mock.close();
  await sim?.close();
  await app?.close();
});

test('peer A Unfilled, peer B Unfilled, then ILLiad: exported, with every hop and message in the history', async () => {
  const env: Record<string, string> = {};
  app = await createTestApp('sqlite', env, { illiad: true, peers: true });
  const address = await app.app.listen({ port: 0, host: '127.0.0.1' });
  for (const symbol of ['US-NSU', 'US-SCC']) {
    mocks.push(await startPeerMock({ symbol, peerUrl: `${address}/iso18626`, messageDelayMs: 5, defaultScenario: 'UNFILLED' }));
  }
  sim = await startIlliadSimulator({ apiKey: 'k', externalUserIdMapping: 'EMailAddress' });
  Object.assign(env, { NORTH_PEER_URL: mocks[0]!.url, SOUTH_PEER_URL: mocks[1]!.url, ILLIAD_URL: sim.url, ILLIAD_API_KEY: 'k' });
  await app.transfer.importYaml(EXAMPLE);
  await app.transfer.importYaml(PATRONS);
  assert.equal((await app.call('PATCH', '/api/v1/rota-templates/ILLiad', { body: { status: 'ACTIVE' } })).statusCode, 200);

  const created = (await app.call('POST', '/api/v1/borrowing-requests', { body: { patron: '100200300', title: 'The Problem of Pain', oclcNumber: '0012345678' } })).json();
  const get = async () => (await app!.call('GET', `/api/v1/borrowing-requests/${created.id}`)).json();
  let request = await get();
  // Each peer answers a moment after confirming; run the send jobs as they come until the request settles.
  const deadline = Date.now() + 15_000;
  while (request.status !== 'EXPORTED_TO_THIRD_PARTY' && request.status !== 'READY_TO_BE_SENT' && Date.now() < deadline) {
    await app.drain();
    for (const mock of mocks) await mock.waitForIdle();
    await new Promise((resolve) => setTimeout(resolve, 20));
    request = await get();
  }
  assert.equal(request.status, 'EXPORTED_TO_THIRD_PARTY', request.statusReason ?? '');
  assert.deepEqual(request.rota.map((e: { partner: string; state: string }) => `${e.partner}:${e.state}`).slice(2), ['ILLiad:EXPORTED']);
  assert.deepEqual(request.rota.slice(0, 2).map((e: { state: string }) => e.state), ['REJECTED', 'REJECTED']);
  const lines = request.history.map((h: { action: string; reason: string | null; partner: string | null }) => `${h.partner ?? '-'} ${h.action}${h.action === 'partner-call' ? `: ${h.reason!.replace(/ \(\d+ ms\)$/, '')}` : ''}`);
  const [a, b] = request.rota.map((e: { partner: string }) => e.partner);
  const symbolOf = (code: string) => (code === 'NORTH' ? 'US-NSU' : 'US-SCC');
  assert.deepEqual(
    lines.filter((l: string) => !/ILLiad partner-call/.test(l)),
    ['- create', '- locate', `${a} send-to-first`, `${a} partner-call: ISO 18626 Request to ${symbolOf(a)} → OK`, `${a} reject`, `${b} partner-call: ISO 18626 Request to ${symbolOf(b)} → OK`, `${b} reject`, 'ILLiad exported'],
  );
  for (const mock of mocks) {
    const flows = mock.flows({ requestingAgencyRequestId: created.id });
    assert.ok(flows.length >= 2, 'the peer got the Request and sent its answer');
  }
  assert.deepEqual(sim.store.transactions().map((t) => [t.ReferenceNumber, t.ESPNumber]), [[created.id, '0012345678']]);
});
