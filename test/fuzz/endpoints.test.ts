/**
 * The NCIP and ISO 18626 endpoints under mutated messages, through HTTP (inject) and the use cases behind them
 * (issue 10, item 5): the guide's configuration, requests out with both peers, and seeds that reach the use cases
 * (ILLiad's own AcceptItem and CheckInItem, a peer's answers about our requests, a peer's Request to us) beside the
 * conformance samples, each mutated as in the codec tests. Every answer is a proper NCIP message (HTTP 200) or
 * ISO 18626 confirmation (HTTP 200) or a 400 for a body that is not ISO 18626 at all; never a 5xx, never a fault
 * of ours. An HTTP round trip costs far more than a parse, so these run a tenth of FUZZ_RUNS (1,000 cases per
 * endpoint in CI); the codecs get the full 10,000 in ncip-codec.test.ts and iso18626-codec.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { buildIso18626 } from '../../src/protocols/iso18626/build.ts';
import { parseIso18626 } from '../../src/protocols/iso18626/parse.ts';
import { safeParseXml } from '../../src/protocols/xml/safe-parse.ts';
import type { IlliadTransaction } from '../../src/sim/illiad/index.ts';
import { acceptItem, checkInItemBorrowing, encodeLatin1 } from '../../src/sim/illiad/ncip-messages.ts';
import type { TestApp } from '../support/app.ts';
import { arbitraryBodies, conformanceSamples, mutatedSamples, runs } from '../support/fuzz.ts';
import { peerRequest } from '../support/iso18626-request.ts';
import { guideApp } from '../support/ncip.ts';

const CONTENT_TYPES = [undefined, 'application/xml', 'text/xml; charset=ISO-8859-1', 'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain; charset=UTF-16', ';;;', 'application/xml; charset=nonsense'];

const settings = { fromAgencyId: 'CSU_DEMO', toAgencyId: 'CSU_DEMO', applicationProfileType: 'ILLiad', pseudopatron: 'pseudopatron', requestIdPrefix: 'TN-', checkOutItemRequestIdPrefix: '' };
const transaction = (number: number, username = 'cwlee') => ({ TransactionNumber: number, Username: username, LoanTitle: 'Café & Crème', LoanAuthor: 'Lewis, C. S.', RequestType: 'Loan' }) as IlliadTransaction;

function sam(requestId: string, supplier: string, status: string): Buffer {
  const now = new Date().toISOString();
  return Buffer.from(
    buildIso18626({
      kind: 'supplyingAgencyMessage',
      header: { supplyingAgencyId: { type: 'ISIL', value: supplier }, requestingAgencyId: { type: 'ISIL', value: 'US-CSUD' }, multipleItemRequestId: null, timestamp: now, requestingAgencyRequestId: requestId, supplyingAgencyRequestId: 'S-1' },
      messageInfo: { reasonForMessage: 'StatusChange', answerYesNo: null, note: 'a note', reasonUnfilled: status === 'Unfilled' ? 'not on shelf' : null, reasonRetry: null, offeredCosts: null, retryAfter: null, retryBefore: null },
      statusInfo: { status, expectedDeliveryDate: null, dueDate: status === 'Loaned' ? '2027-01-31T23:59:00Z' : null, lastChange: now },
      deliveryInfo: null,
      returnInfo: null,
    }),
  );
}

describe('the protocol endpoints under mutated messages', () => {
  let app: TestApp;
  const ncipSeeds: { name: string; bytes: Buffer }[] = [];
  const isoSeeds: { name: string; bytes: Buffer }[] = [];

  before(async () => {
    app = await guideApp();
    const ids: string[] = [];
    for (const title of ['First', 'Second']) {
      const created = await app.call('POST', '/api/v1/borrowing-requests', { body: { patron: '100200300', title, oclcNumber: '0012345678' } });
      assert.equal(created.statusCode, 201, created.body);
      ids.push(created.json().id);
    }
    await app.drain();
    ncipSeeds.push(
      { name: 'illiad AcceptItem', bytes: encodeLatin1(acceptItem(transaction(7001), settings, { itemId: '7001', dateForReturn: '2026-12-26' })) },
      { name: 'illiad CheckInItem', bytes: encodeLatin1(checkInItemBorrowing(transaction(7001), settings, { itemId: '7001' })) },
      ...conformanceSamples('ncip'),
    );
    for (const id of ids) for (const [symbol, status] of [['US-NSU', 'WillSupply'], ['US-SCC', 'Loaned'], ['US-NSU', 'Unfilled']] as const) isoSeeds.push({ name: `${symbol} ${status}`, bytes: sam(id, symbol, status) });
    isoSeeds.push({ name: 'US-NSU Request', bytes: Buffer.from(buildIso18626(peerRequest('US-NSU', { id: 'NSU-1' }))) }, ...conformanceSamples('iso18626'));
  });
  after(() => app.close());

  const body = () => fc.oneof({ arbitrary: mutatedSamples(ncipSeeds).map((m) => m.bytes), weight: 4 }, { arbitrary: arbitraryBodies, weight: 1 });

  test('POST /ncip and /view/NCIPServlet: always HTTP 200 with an NCIP message, never a fault', async () => {
    await fc.assert(
      fc.asyncProperty(body(), fc.constantFrom(...CONTENT_TYPES), fc.constantFrom('/ncip', '/view/NCIPServlet'), async (payload, contentType, url) => {
        const response = await app.app.inject({ method: 'POST', url, payload, headers: contentType ? { 'content-type': contentType } : {} });
        assert.equal(response.statusCode, 200, response.body);
        const answer = safeParseXml(response.body);
        assert.ok(answer.ok && answer.root.name === 'NCIPMessage', response.body);
        assert.deepEqual(app.faults, []);
      }),
      runs(0.1),
    );
  });

  test('POST /iso18626: a confirmation (200) or a 400, never a 5xx, never a fault', async () => {
    const iso = fc.oneof({ arbitrary: mutatedSamples(isoSeeds).map((m) => m.bytes), weight: 4 }, { arbitrary: arbitraryBodies, weight: 1 });
    await fc.assert(
      fc.asyncProperty(iso, fc.constantFrom(...CONTENT_TYPES), async (payload, contentType) => {
        const response = await app.app.inject({ method: 'POST', url: '/iso18626', payload, headers: contentType ? { 'content-type': contentType } : {} });
        assert.ok(response.statusCode === 200 || response.statusCode === 400, `HTTP ${response.statusCode}: ${response.body}`);
        if (response.statusCode === 200) {
          const answer = parseIso18626(Buffer.from(response.body));
          assert.ok(answer.ok && answer.message.kind.endsWith('Confirmation'), response.body);
        }
        assert.deepEqual(app.faults, []);
      }),
      runs(0.1),
    );
  });
});
