/**
 * The NCIP endpoint as peers meet it (issue 5): every sample of shared/conformance gets HTTP 200 and a schema-valid
 * NCIP 2.02 answer (a proper answer or a proper Problem); ILLiad-shaped messages are understood; hostile bodies get
 * a Problem and the server carries on; a success answer never carries the words ILLiad reads as failure.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { acceptItem, checkInItemBorrowing, encodeLatin1 } from '../../src/sim/illiad/ncip-messages.ts';
import type { IlliadTransaction } from '../../src/sim/illiad/index.ts';
import { illiadFailureMarkers } from '../../src/protocols/ncip/problems.ts';
import type { TestApp } from '../support/app.ts';
import { guideApp, postNcip } from '../support/ncip.ts';
import { NCIP_SAMPLES_URL, ncipSchema } from '../support/ncip-xsd.ts';

const settings = { fromAgencyId: 'CSU_DEMO', toAgencyId: 'CSU_DEMO', applicationProfileType: 'ILLiad', pseudopatron: 'pseudopatron', requestIdPrefix: 'TN-', checkOutItemRequestIdPrefix: '' };

function transaction(number: number, extra: Partial<IlliadTransaction> = {}): IlliadTransaction {
  return { TransactionNumber: number, Username: 'cwlee', LoanTitle: 'Café & Crème: The Problem of Pain', LoanAuthor: 'Lewis, C. S.', RequestType: 'Loan', ...extra } as IlliadTransaction;
}

describe('the NCIP endpoint', () => {
  let app: TestApp;
  const schema = ncipSchema();
  const post = (payload: Buffer | string, headers: Record<string, string> = {}, path = '/ncip') => postNcip(app, schema, payload, headers, path);
  before(async () => {
    app = await guideApp();
  });
  after(async () => {
    schema.dispose();
    await app.close();
  });

  test('every shared sample gets HTTP 200 and a valid answer or Problem, never a fault of ours', async () => {
    const files = readdirSync(NCIP_SAMPLES_URL).filter((f) => f.endsWith('.xml')).sort();
    assert.ok(files.length >= 20);
    for (const file of files) {
      const body = await post(readFileSync(new URL(file, NCIP_SAMPLES_URL)), { 'content-type': 'text/xml' });
      assert.match(body, /<ns1:NCIPMessage /, file);
    }
    assert.deepEqual(app.faults, [], 'no sample hit a fault of ours');
  });

  test("ILLiad's AcceptItem (Latin-1, & as 'and', TN- prefix, no zone, no Content-Type) makes a request and an item; a repeat gives the same answer", async () => {
    const bytes = encodeLatin1(acceptItem(transaction(5001), settings, { itemId: '5001', dateForReturn: '2026-12-26' }));
    const first = await post(bytes, {}, '/view/NCIPServlet');
    assert.deepEqual(illiadFailureMarkers(first), [], first);
    assert.match(first, /<ns1:RequestIdentifierValue>TN-5001<\/ns1:RequestIdentifierValue>/);
    assert.doesNotMatch(first, /Café|Crème|Pain/, 'no title echoed');
    const again = await post(bytes);
    assert.equal(again, first, 'the same answer');
    const items = (await app.call('GET', '/api/v1/items?barcode=5001')).json();
    assert.equal(items.total, 1);
    const item = items.items[0];
    assert.deepEqual([item.title, item.author, item.status, item.dueBack], ['Café and Crème: The Problem of Pain', 'Lewis, C. S.', 'ON_HOLD_SHELF', '2026-12-27T07:59:00.000Z'], 'DateForReturn without a zone is 23:59 at the library (America/Los_Angeles)');
    const request = (await app.call('GET', `/api/v1/borrowing-requests/${item.borrowingRequest}`)).json();
    assert.deepEqual([request.status, request.patron, request.exportedTo.transactionNumber], ['PHYSICALLY_RECEIVED_BY_LIBRARY', '100200300', 5001]);
    assert.equal((await app.call('GET', '/api/v1/hold-shelf?pickupLibrary=MAIN')).json().items.filter((h: { item: string }) => h.item === item.id).length, 1);
  });

  test('Problems use the standard words: Unknown User, Unknown Item, Unknown Agency, Item Not Checked Out, Unsupported Service', async () => {
    const unknownUser = await post(encodeLatin1(acceptItem(transaction(5002, { Username: 'nobody' }), settings, { itemId: '5002', dateForReturn: '2026-12-26' })));
    assert.match(unknownUser, /<ns1:ProblemType ns1:Scheme="[^"]*acceptitemprocessingerror.scm">Unknown User<\/ns1:ProblemType>/);
    assert.match(unknownUser, /<ns1:ProblemValue>nobody<\/ns1:ProblemValue>/);
    const unknownItem = await post(encodeLatin1(checkInItemBorrowing(transaction(999999), settings, { itemId: '999999' })));
    assert.match(unknownItem, />Unknown Item</);
    const stranger = await post(encodeLatin1(acceptItem(transaction(5003), { ...settings, applicationProfileType: 'NOBODY' }, { itemId: '5003', dateForReturn: '2026-12-26' })));
    assert.match(stranger, />Unknown Agency</);
    const elsewhere = await post(encodeLatin1(acceptItem(transaction(5004), { ...settings, toAgencyId: 'SOMEONE_ELSE' }, { itemId: '5004', dateForReturn: '2026-12-26' })));
    assert.match(elsewhere, />Unknown Agency</, 'ToAgencyId must be this institution');
    const byIsil = await post(encodeLatin1(acceptItem(transaction(5005), { ...settings, toAgencyId: 'US-CSUD' }, { itemId: '5005', dateForReturn: '2026-12-26' })));
    assert.deepEqual(illiadFailureMarkers(byIsil), [], 'the institution is also known by its code and ISIL');
    await app.call('POST', '/api/v1/items', { body: { barcode: 'OWN-1', title: 'Ours', library: 'MAIN' } });
    const notOut = await post(encodeLatin1(checkInItemBorrowing(transaction(1, {}), settings, { itemId: 'OWN-1' })));
    assert.match(notOut, />Item Not Checked Out</);
    const unsupported = await post('<NCIPMessage xmlns="http://www.niso.org/2008/ncip"><RecallItem><InitiationHeader><ToAgencyId><AgencyId>CSU_DEMO</AgencyId></ToAgencyId><ApplicationProfileType>ILLiad</ApplicationProfileType></InitiationHeader></RecallItem></NCIPMessage>');
    assert.match(unsupported, />Unsupported Service</);
  });

  test('hostile bodies get a Problem and the next message is answered: XXE, billion laughs, 10 MB, garbage', async () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><NCIPMessage xmlns="http://www.niso.org/2008/ncip"><LookupUser><UserId><UserIdentifierValue>&e;</UserIdentifierValue></UserId></LookupUser></NCIPMessage>';
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]><NCIPMessage><LookupUser><UserId><UserIdentifierValue>&lol9;</UserIdentifierValue></UserId></LookupUser></NCIPMessage>`;
    const big = Buffer.alloc(10 * 1024 * 1024, 'a');
    for (const [name, body] of [['XXE', xxe], ['billion laughs', laughs], ['10 MB', big], ['garbage', Buffer.from([0xff, 0x00, 0x13, 0x37])], ['empty', '']] as const) {
      const answer = await post(body);
      assert.match(answer, /<ns1:Problem>/, name);
      assert.doesNotMatch(answer, /root:|lollollol/, `${name}: nothing expanded or read`);
    }
    const lookup = await post(
      '<NCIPMessage xmlns="http://www.niso.org/2008/ncip" version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd"><LookupUser><InitiationHeader><FromAgencyId><AgencyId>RELAIS</AgencyId></FromAgencyId><ToAgencyId><AgencyId>CSU_DEMO</AgencyId></ToAgencyId><ApplicationProfileType>ILLiad</ApplicationProfileType></InitiationHeader><UserId><UserIdentifierValue>cwlee</UserIdentifierValue></UserId><UserElementType>Name Information</UserElementType><UserElementType>User Privilege</UserElementType></LookupUser></NCIPMessage>',
      { 'content-type': 'application/xml' },
    );
    assert.deepEqual(illiadFailureMarkers(lookup), [], lookup);
    assert.match(lookup, /<ns1:Surname>Lee<\/ns1:Surname>/);
    assert.equal((await app.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  });

  test('every message is logged with its partner, request, outcome and duration', async () => {
    const bytes = encodeLatin1(acceptItem(transaction(5010), settings, { itemId: '5010', dateForReturn: '2026-12-26' }));
    await post(bytes);
    const item = (await app.call('GET', '/api/v1/items?barcode=5010')).json().items[0];
    const messages = (await app.call('GET', `/api/v1/borrowing-requests/${item.borrowingRequest}/messages`)).json().items;
    assert.equal(messages.length, 1);
    assert.deepEqual([messages[0].partner, messages[0].service, messages[0].outcome, typeof messages[0].durationMs], ['ILLiad', 'AcceptItem', 'success', 'number']);
    assert.match(messages[0].requestBody, /Café and Crème/, 'the body is kept, decoded from Latin-1');
    assert.match(messages[0].responseBody, /AcceptItemResponse/);
  });
});
