/**
 * A whole loan from a peer over ISO 18626 (issue 6), against the mock peer over real HTTP: Request, Loaned, staff
 * receive (Received told), lend, renew (Renew told, the peer's new due date kept), take back, return to the peer
 * (ShippedReturn told), LoanCompleted from the peer.
 * And a cancel: staff cancel a request the peer will supply, and the peer is told.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type PeerMock, startPeerMock } from '../../src/sim/peer/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const EXAMPLE = readFileSync(new URL('../../examples/lender-of-last-resort.yaml', import.meta.url), 'utf8');
const PATRONS = readFileSync(new URL('../../examples/demo-patrons.yaml', import.meta.url), 'utf8');

describe('a loan from a peer over ISO 18626', () => {
  let app: TestApp;
  const mocks: PeerMock[] = [];
  before(async () => {
    const env: Record<string, string> = {};
    app = await createTestApp('sqlite', env, { peers: true });
    const address = await app.app.listen({ port: 0, host: '127.0.0.1' });
    for (const symbol of ['US-NSU', 'US-SCC']) mocks.push(await startPeerMock({ symbol, peerUrl: `${address}/iso18626`, messageDelayMs: 5 }));
    Object.assign(env, { NORTH_PEER_URL: mocks[0]!.url, SOUTH_PEER_URL: mocks[1]!.url });
    await app.transfer.importYaml(EXAMPLE);
    await app.transfer.importYaml(PATRONS);
  });
  after(async () => {
    for (const mock of mocks) await mock.close();
    await app.close();
  });

  /** Runs jobs and waits for the peers' answers until `done` holds (or 15 s pass). */
  async function settle(id: string, done: (request: { status: string }) => boolean) {
    const deadline = Date.now() + 15_000;
    let request = (await app.call('GET', `/api/v1/borrowing-requests/${id}`)).json();
    while (!done(request) && Date.now() < deadline) {
      await app.drain();
      for (const mock of mocks) await mock.waitForIdle();
      await new Promise((resolve) => setTimeout(resolve, 20));
      request = (await app.call('GET', `/api/v1/borrowing-requests/${id}`)).json();
    }
    return request;
  }
  const act = async (id: string, action: string, reason?: string) => {
    const response = await app.call('POST', `/api/v1/borrowing-requests/${id}/actions/${action}`, { body: reason ? { reason } : {} });
    assert.equal(response.statusCode, 200, response.body);
  };
  const actionsReceived = (id: string) =>
    mocks.flatMap((m) => m.flows({ requestingAgencyRequestId: id })).filter((f) => f.direction === 'in' && f.kind === 'requestingAgencyMessage').map((f) => f.action);

  test('Request → Loaned → Received → lent and back → ShippedReturn → LoanCompleted: Request completed', async () => {
    const created = (await app.call('POST', '/api/v1/borrowing-requests', { body: { patron: '100200300', title: 'Lent by a peer', patronNote: 'MOCK:US-NSU:LOANED MOCK:US-SCC:LOANED' } })).json();
    let request = await settle(created.id, (r) => r.status === 'SHIPPED_PHYSICALLY');
    assert.equal(request.status, 'SHIPPED_PHYSICALLY');
    await act(created.id, 'receive');
    await act(created.id, 'loan');
    await act(created.id, 'renew');
    const renewed = await settle(created.id, (r) => (r as unknown as { history: { reason: string | null }[] }).history.some((h) => /RenewResponse/.test(h.reason ?? '')));
    assert.equal(renewed.status, 'LOANED_TO_PATRON', 'a renewal changes no status');
    assert.match(renewed.history.findLast((h: { reason: string | null }) => /RenewResponse/.test(h.reason ?? '')).reason, /says Loaned \(RenewResponse\), due \d{4}-/, "the lender's answer and its new due date are kept");
    await act(created.id, 'patron-return');
    await act(created.id, 'return-to-partner');
    request = await settle(created.id, (r) => r.status === 'REQUEST_COMPLETED');
    assert.equal(request.status, 'REQUEST_COMPLETED', request.statusReason ?? '');
    assert.deepEqual(actionsReceived(created.id), ['Received', 'Renew', 'ShippedReturn'], 'the peer was told, in order');
    const calls = request.history.filter((h: { action: string }) => h.action === 'partner-call').map((h: { reason: string }) => h.reason.replace(/ \(\d+ ms\)$/, ''));
    assert.deepEqual(calls.slice(-3).map((c: string) => c.replace(/US-\w+/, 'PEER')), ['ISO 18626 Received to PEER → OK', 'ISO 18626 Renew to PEER → OK', 'ISO 18626 ShippedReturn to PEER → OK']);
  });

  test('staff ask the peer for the status and send it a note: StatusRequest and Notification told, the answer kept, nothing moves', async () => {
    const created = (await app.call('POST', '/api/v1/borrowing-requests', { body: { patron: '100200300', title: 'Where is it?', patronNote: 'MOCK:US-NSU:WILLSUPPLY MOCK:US-SCC:WILLSUPPLY' } })).json();
    assert.equal((await settle(created.id, (r) => r.status === 'WILL_SUPPLY')).status, 'WILL_SUPPLY');
    const notes = await app.call('POST', `/api/v1/borrowing-requests/${created.id}/actions/note-to-partner`, { body: {} });
    assert.equal(notes.statusCode, 409, 'a note needs its text (the reason)');
    await act(created.id, 'ask-status');
    await act(created.id, 'note-to-partner', 'The patron needs it by Friday.');
    const asked = await settle(created.id, (r) => (r as unknown as { history: { reason: string | null }[] }).history.some((h) => /StatusRequestResponse/.test(h.reason ?? '')));
    assert.equal(asked.status, 'WILL_SUPPLY', 'asking moves nothing');
    assert.ok(asked.history.some((h: { reason: string | null }) => /says WillSupply \(StatusRequestResponse\)/.test(h.reason ?? '')), "the lender's answer is kept");
    assert.deepEqual(actionsReceived(created.id), ['StatusRequest', 'Notification']);
    const note = mocks.flatMap((m) => m.flows({ requestingAgencyRequestId: created.id })).find((f) => f.direction === 'in' && f.action === 'Notification');
    assert.match(JSON.stringify(note), /The patron needs it by Friday\./, 'the note reaches the peer');
  });

  test('staff cancel a request the peer will supply: the peer is told, and its Cancelled answer is a history line', async () => {
    const created = (await app.call('POST', '/api/v1/borrowing-requests', { body: { patron: '100200300', title: 'Not needed after all', patronNote: 'MOCK:US-NSU:WILLSUPPLY MOCK:US-SCC:WILLSUPPLY' } })).json();
    assert.equal((await settle(created.id, (r) => r.status === 'WILL_SUPPLY')).status, 'WILL_SUPPLY');
    await act(created.id, 'cancel', 'the patron found a copy');
    const cancelled = await settle(created.id, () => actionsReceived(created.id).includes('Cancel'));
    assert.equal(cancelled.status, 'CANCELLED_BY_STAFF');
    assert.deepEqual(actionsReceived(created.id), ['Cancel']);
    const settled = await settle(created.id, (r) => (r as unknown as { history: { reason: string | null }[] }).history.some((h) => /says Cancelled/.test(h.reason ?? '')));
    assert.ok(settled.history.some((h: { reason: string | null }) => /says Cancelled/.test(h.reason ?? '')), 'the answer is kept');
  });
});
