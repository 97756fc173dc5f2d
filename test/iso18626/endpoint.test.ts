/**
 * `POST /iso18626` (issue 6): every shared sample gets a confirmation (valid against the v1.2 schema) or a 400,
 * never a 5xx; a peer's SupplyingAgencyMessage moves our request, and only the peer that has it may. The samples'
 * Requests come from agencies we do not know, so they are refused; with their senders configured as partners we
 * lend to, they become lending requests (the supplier side is tested whole in lending.test.ts).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { buildIso18626 } from '../../src/protocols/iso18626/build.ts';
import type { Iso18626SupplyingAgencyMessage } from '../../src/protocols/iso18626/messages.ts';
import { parseIso18626 } from '../../src/protocols/iso18626/parse.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { iso18626Schema, ISO18626_SAMPLES_URL } from '../support/iso18626-xsd.ts';
import { guideApp } from '../support/ncip.ts';

function sam(requestId: string, supplier: string, status: string, extra: Partial<Iso18626SupplyingAgencyMessage['messageInfo']> = {}): string {
  return buildIso18626({
    kind: 'supplyingAgencyMessage',
    header: { supplyingAgencyId: { type: 'ISIL', value: supplier }, requestingAgencyId: { type: 'ISIL', value: 'US-CSUD' }, multipleItemRequestId: null, timestamp: new Date().toISOString(), requestingAgencyRequestId: requestId, supplyingAgencyRequestId: 'S-1' },
    messageInfo: { reasonForMessage: 'StatusChange', answerYesNo: null, note: null, reasonUnfilled: null, reasonRetry: null, offeredCosts: null, retryAfter: null, retryBefore: null, ...extra },
    statusInfo: { status, expectedDeliveryDate: null, dueDate: status === 'Loaned' ? '2027-01-31T23:59:00Z' : null, lastChange: new Date().toISOString() },
    deliveryInfo: null,
    returnInfo: null,
  });
}

describe('the ISO 18626 endpoint', () => {
  let app: TestApp;
  const schema = iso18626Schema();
  const post = async (payload: string | Buffer, headers: Record<string, string> = {}) => {
    const response = await app.app.inject({ method: 'POST', url: '/iso18626', payload, headers: { 'content-type': 'application/xml', ...headers } });
    assert.ok(response.statusCode === 200 || response.statusCode === 400, `HTTP ${response.statusCode}: ${response.body}`);
    if (response.statusCode === 200) assert.deepEqual(schema.validate(response.body), [], response.body);
    return response;
  };
  const status = async (body: string) => {
    const parsed = parseIso18626(Buffer.from(body));
    assert.ok(parsed.ok && parsed.message.kind === 'supplyingAgencyMessageConfirmation', body);
    return parsed.message.kind === 'supplyingAgencyMessageConfirmation' ? [parsed.message.header.messageStatus, parsed.message.errorData?.errorValue ?? null] : [];
  };
  before(async () => {
    app = await guideApp();
    assert.equal((await app.call('PATCH', '/api/v1/rota-templates/ILLiad', { body: { status: 'ACTIVE' } })).statusCode, 200);
  });
  after(async () => {
    schema.dispose();
    await app.close();
  });

  test('every shared sample gets a valid confirmation or a 400, never a fault', async () => {
    const files = readdirSync(ISO18626_SAMPLES_URL).filter((f) => f.endsWith('.xml')).sort();
    assert.ok(files.length >= 15);
    for (const file of files) await post(readFileSync(new URL(file, ISO18626_SAMPLES_URL)));
    assert.equal((await post('not xml at all')).statusCode, 400);
    assert.deepEqual(app.faults, []);
  });

  test("a peer's messages move our request: WillSupply, then Unfilled from another peer is refused, Unfilled from it moves on", async () => {
    const created = (await app.call('POST', '/api/v1/borrowing-requests', { body: { patron: '100200300', title: 'A peer book', oclcNumber: '0012345678' } })).json();
    await app.drain();
    const get = async () => (await app.call('GET', `/api/v1/borrowing-requests/${created.id}`)).json();
    const first = (await get()).rota[0].partner;
    const [symbol, other] = first === 'NORTH' ? ['US-NSU', 'US-SCC'] : ['US-SCC', 'US-NSU'];
    assert.deepEqual(await status((await post(sam(created.id, symbol, 'ExpectToSupply'))).body), ['OK', null]);
    assert.equal((await get()).status, 'REQUEST_SENT_TO_PARTNER', 'ExpectToSupply changes nothing');
    assert.match((await get()).history.at(-1).reason, /says ExpectToSupply/);
    assert.deepEqual(await status((await post(sam(created.id, symbol, 'WillSupply'))).body), ['OK', null]);
    assert.equal((await get()).status, 'WILL_SUPPLY');
    const [refused, why] = await status((await post(sam(created.id, other, 'Unfilled'))).body);
    assert.equal(refused, 'ERROR');
    assert.match(String(why), /is not the supplier request .* is with now/);
    assert.equal((await status((await post(sam('no-such-request', symbol, 'Loaned'))).body))[0], 'ERROR');
    assert.deepEqual(await status((await post(sam(created.id, symbol, 'Unfilled', { reasonUnfilled: 'not on shelf' }))).body), ['OK', null]);
    const moved = await get();
    assert.equal(moved.status, 'REQUEST_SENT_TO_PARTNER');
    assert.equal(moved.current, 1);
    assert.equal(moved.rota[0].reason, 'not on shelf');
  });

  test("a peer with a shared secret must send it: without it, its messages are refused", async () => {
    const created = (await app.call('POST', '/api/v1/borrowing-requests', { body: { patron: '100200300', title: 'A guarded book' } })).json();
    await app.drain();
    const request = (await app.call('GET', `/api/v1/borrowing-requests/${created.id}`)).json();
    const code = request.rota[request.current].partner;
    const symbol = code === 'NORTH' ? 'US-NSU' : 'US-SCC';
    const partner = (await app.call('GET', `/api/v1/partners/${code}`)).json();
    const patched = await app.call('PATCH', `/api/v1/partners/${code}`, { body: { iso18626: { ...partner.iso18626, sharedSecret: 'peer-secret-123' } } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal((await status((await post(sam(created.id, symbol, 'WillSupply'))).body))[0], 'ERROR', 'no header');
    assert.equal((await status((await post(sam(created.id, symbol, 'WillSupply'), { 'x-iso18626-shared-secret': 'wrong' })).body))[0], 'ERROR', 'wrong secret');
    assert.deepEqual(await status((await post(sam(created.id, symbol, 'WillSupply'), { 'x-iso18626-shared-secret': 'peer-secret-123' })).body), ['OK', null]);
    assert.equal((await app.call('GET', `/api/v1/borrowing-requests/${created.id}`)).json().status, 'WILL_SUPPLY');
    assert.ok(!JSON.stringify((await app.call('GET', `/api/v1/partners/${code}`)).json()).includes('peer-secret-123'), 'the secret is never shown');
  });
});

describe('the shared samples, from partners we lend to', () => {
  let app: TestApp;
  // Compiled in before(): the suite above disposes the schema it shares with this one (xsd() keeps one per process).
  let schema: ReturnType<typeof iso18626Schema>;
  // We are BROKER (the supplier the crosslink and illmock samples address; no ISIL, so our code is our symbol),
  // and the samples' requesters are our partners.
  const senders = ['REQ', 'MILL', 'SLNP_ONE', 'agencyIdValue1', 'agencyIdValue_holder'];
  const config = [
    'version: 1',
    'institution: { code: BROKER, name: Broker Library, ncipAgencyId: BROKER, defaultPickupLibrary: MAIN }',
    'libraries: [{ code: MAIN, name: Main, isResourceSharing: true, isPickup: true }]',
    'partners:',
    ...senders.map((symbol, i) => `  - { code: P${i}, name: Sender ${symbol}, profileType: ISO18626, supportsLending: true, iso18626: { url: "http://127.0.0.1:9/iso18626", agencyIdValue: ${symbol} } }`),
  ].join('\n');
  before(async () => {
    schema = iso18626Schema();
    app = await createTestApp('sqlite', {});
    await app.transfer.importYaml(config);
  });
  after(async () => {
    schema.dispose();
    await app.close();
  });
  const post = async (file: string) => {
    const response = await app.app.inject({ method: 'POST', url: '/iso18626', payload: readFileSync(new URL(file, ISO18626_SAMPLES_URL)), headers: { 'content-type': 'application/xml' } });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(schema.validate(response.body), [], response.body);
    const parsed = parseIso18626(Buffer.from(response.body));
    assert.ok(parsed.ok && parsed.message.kind === 'requestConfirmation');
    return parsed.message.kind === 'requestConfirmation' ? [parsed.message.header.messageStatus, parsed.message.errorData?.errorValue ?? null] : [];
  };

  test('the Requests addressed to us become lending requests, once each; the others are refused as addressed elsewhere', async () => {
    const ours = ['crosslink_request-patronrequest-retry-cost-scenario.xml', 'crosslink_request-patronrequest-willsupply-loaned.xml', 'illmock_request-renew-scenario-tag0-prefix.xml'];
    for (const file of ours) assert.deepEqual(await post(file), ['OK', null], file);
    for (const file of ours) assert.deepEqual(await post(file), ['OK', null], `${file} again: an exact repeat`);
    const lent = (await app.call('GET', '/api/v1/lending-requests?status=CREATED')).json();
    assert.equal(lent.total, 3);
    const renew = lent.items.find((r: { requesterRequestId: string }) => r.requesterRequestId === 'js-test-1017');
    assert.deepEqual([renew.requester.partner, renew.citation.supplierUniqueRecordId, renew.citation.isbn], ['P0', 'LOANED_OVERDUE', '1983']);
    const [status, value] = await post('reshare_request-v1_1-case1.xml');
    assert.equal(status, 'ERROR');
    assert.match(String(value), /supplyingAgencyId: TEMPLEI is not this library \(BROKER\)/);
    assert.deepEqual(app.faults, []);
  });
});
