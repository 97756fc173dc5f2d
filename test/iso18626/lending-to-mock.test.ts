/**
 * We lend to the ISO 18626 mock peer acting as a borrower (illmock's convention, protocols.md §3.5: a Request with
 * requestSubType PatronRequest makes it send a real Request to its peer, and it answers our Loaned with Received
 * and ShippedReturn by itself). Over real HTTP: its Request becomes our lending request, staff ship, the mock says
 * Received and ShippedReturn, staff check in, and the mock hears LoanCompleted. A peer that is not Interlend (the
 * mock keeps its own state and answers as illmock does) can borrow from us.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { buildIso18626 } from '../../src/protocols/iso18626/build.ts';
import { type PeerMock, startPeerMock } from '../../src/sim/peer/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const EXAMPLE = readFileSync(new URL('../../examples/lender-of-last-resort.yaml', import.meta.url), 'utf8');

describe('lending to the mock peer', () => {
  let app: TestApp;
  let mock: PeerMock;
  before(async () => {
    const env: Record<string, string> = {};
    app = await createTestApp('sqlite', env);
    const address = await app.app.listen({ port: 0, host: '127.0.0.1' });
    mock = await startPeerMock({ symbol: 'US-NSU', peerUrl: `${address}/iso18626`, messageDelayMs: 5 });
    Object.assign(env, { NORTH_PEER_URL: mock.url, SOUTH_PEER_URL: 'http://127.0.0.1:9/iso18626' });
    await app.transfer.importYaml(EXAMPLE);
  });
  after(async () => {
    await mock.close();
    await app.close();
  });

  async function lent(id: string, status?: string) {
    const deadline = Date.now() + 15_000;
    for (;;) {
      await app.drain();
      await mock.waitForIdle();
      const list = (await app.call('GET', '/api/v1/lending-requests?requester=NORTH&limit=500')).json();
      const found = list.items.find((r: { requesterRequestId: string }) => r.requesterRequestId === id);
      if (found && (!status || found.status === status)) return (await app.call('GET', `/api/v1/lending-requests/${found.id}`)).json();
      if (Date.now() > deadline) assert.fail(`lending request ${id} ${status ?? ''}: ${JSON.stringify(found?.status)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const act = async (id: string, action: string) => assert.equal((await app.call('POST', `/api/v1/lending-requests/${id}/actions/${action}`, { body: {} })).statusCode, 200);

  test("the mock borrows: Request, Loaned, its Received and ShippedReturn, our LoanCompleted", async () => {
    const id = 'MOCK-PATRON-1';
    const patronRequest = buildIso18626({
      kind: 'request',
      header: { supplyingAgencyId: { type: 'ISIL', value: 'US-CSUD' }, requestingAgencyId: { type: 'ISIL', value: 'US-NSU' }, multipleItemRequestId: null, timestamp: new Date().toISOString(), requestingAgencyRequestId: id, supplyingAgencyRequestId: null },
      bibliographicInfo: { supplierUniqueRecordId: null, title: 'Borrowed by the mock', author: null, subtitle: null, seriesTitle: null, edition: null, titleOfComponent: null, authorOfComponent: null, volume: null, issue: null, pagesRequested: null, estimatedNoPages: null, bibliographicItemIds: [], sponsor: null, informationSource: null, bibliographicRecordIds: [] },
      publicationInfo: null,
      serviceInfo: { requestType: 'New', requestSubTypes: ['PatronRequest'], requestingAgencyPreviousRequestId: null, serviceType: 'Loan', serviceLevel: null, preferredFormat: null, needBeforeDate: null, copyrightCompliance: null, anyEdition: null, startDate: null, endDate: null, note: null },
      supplierInfo: [],
      requestedDeliveryInfo: [],
      requestingAgencyInfo: null,
      patronInfo: null,
      billingInfo: null,
    });
    const response = await fetch(mock.url, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: patronRequest });
    assert.match(await response.text(), /<ill:messageStatus>OK</);
    const created = await lent(id, 'CREATED');
    assert.equal(created.citation.title, 'Borrowed by the mock');
    await act(created.id, 'ship-physically');
    const returned = await lent(id, 'RETURNED_BY_PARTNER');
    assert.deepEqual(returned.history.filter((h: { actor: string }) => h.actor === 'partner:NORTH').map((h: { action: string }) => h.action), ['create', 'received', 'returned']);
    await act(created.id, 'check-in');
    await lent(id, 'REQUEST_COMPLETED');
    const supplierSide = mock.flows({ requestingAgencyRequestId: id }).filter((f) => f.role === 'requester' && !f.kind.endsWith('Confirmation'));
    assert.deepEqual(
      supplierSide.map((f) => `${f.direction}:${f.kind === 'supplyingAgencyMessage' ? f.status : f.kind === 'requestingAgencyMessage' ? f.action : f.kind}`),
      ['in:request', 'out:request', 'in:Loaned', 'out:Received', 'out:ShippedReturn', 'in:LoanCompleted'],
    );
    assert.deepEqual(app.faults, []);
  });
});
