/**
 * Lending to peers over ISO 18626 (issue 6, the supplier side), on one instance: peers' Requests and
 * RequestingAgencyMessages through `POST /iso18626`, staff actions through the API, and every SupplyingAgencyMessage
 * we send caught by a recording borrower on loopback and checked against ISO-18626-v1_2.xsd. The guide's
 * configuration has two peers we lend to: NORTH (US-NSU) and SOUTH (US-SCC); we are US-CSUD.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { buildIso18626 } from '../../src/protocols/iso18626/build.ts';
import type { Iso18626Confirmation, Iso18626Request } from '../../src/protocols/iso18626/messages.ts';
import { parseIso18626 } from '../../src/protocols/iso18626/parse.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { type RecordingBorrower, startRecordingBorrower } from '../support/iso18626-borrower.ts';
import { iso18626Schema, ISO18626_SAMPLES_URL } from '../support/iso18626-xsd.ts';
import { peerRequest, type PeerRequestOptions } from '../support/iso18626-request.ts';

const EXAMPLE = readFileSync(new URL('../../examples/lender-of-last-resort.yaml', import.meta.url), 'utf8');
const US = 'US-CSUD';

/** A Request from `from` to us, with its own id unless given. */
const request = (from: string, options: PeerRequestOptions = {}): Iso18626Request => peerRequest(from, options);

function ram(from: string, theirId: string, action: string, options: { note?: string; ours?: string } = {}): string {
  return buildIso18626({
    kind: 'requestingAgencyMessage',
    header: {
      supplyingAgencyId: { type: 'ISIL', value: US },
      requestingAgencyId: { type: 'ISIL', value: from },
      multipleItemRequestId: null,
      timestamp: new Date().toISOString(),
      requestingAgencyRequestId: theirId,
      supplyingAgencyRequestId: options.ours ?? null,
    },
    // The builder takes only the closed list; an action outside it is written by hand below.
    action,
    note: options.note ?? null,
  });
}

describe('lending to peers over ISO 18626', () => {
  let app: TestApp;
  let north: RecordingBorrower;
  let south: RecordingBorrower;
  const schema = iso18626Schema();

  before(async () => {
    north = await startRecordingBorrower();
    south = await startRecordingBorrower();
    app = await createTestApp('sqlite', { NORTH_PEER_URL: north.url, SOUTH_PEER_URL: south.url });
    await app.transfer.importYaml(EXAMPLE);
  });
  after(async () => {
    schema.dispose();
    await app.close();
    await north.close();
    await south.close();
  });

  /** POSTs to /iso18626: always HTTP 200 and a confirmation valid against the v1.2 schema. */
  async function post(xml: string, headers: Record<string, string> = {}): Promise<Iso18626Confirmation> {
    const response = await app.app.inject({ method: 'POST', url: '/iso18626', payload: xml, headers: { 'content-type': 'application/xml', ...headers } });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(schema.validate(response.body), [], response.body);
    const parsed = parseIso18626(Buffer.from(response.body));
    assert.ok(parsed.ok && parsed.message.kind.endsWith('Confirmation'));
    return parsed.message as Iso18626Confirmation;
  }
  const ok = (confirmation: Iso18626Confirmation) => assert.equal(confirmation.header.messageStatus, 'OK', JSON.stringify(confirmation.errorData));
  const refused = (confirmation: Iso18626Confirmation, errorType: string, value: RegExp) => {
    assert.equal(confirmation.header.messageStatus, 'ERROR');
    assert.equal(confirmation.errorData?.errorType, errorType);
    assert.match(confirmation.errorData?.errorValue ?? '', value);
  };
  /** Our lending request for a requester's id (by its symbol's partner). */
  async function lendingOf(partner: string, theirId: string) {
    const list = (await app.call('GET', `/api/v1/lending-requests?requester=${partner}&limit=500`)).json();
    const found = list.items.find((r: { requesterRequestId: string }) => r.requesterRequestId === theirId);
    assert.ok(found, `no lending request ${theirId} of ${partner}`);
    return (await app.call('GET', `/api/v1/lending-requests/${found.id}`)).json();
  }
  async function act(id: string, action: string, body: Record<string, unknown> = {}, expected = 200) {
    const response = await app.call('POST', `/api/v1/lending-requests/${id}/actions/${action}`, { body });
    assert.equal(response.statusCode, expected, response.body);
    return response.json();
  }
  /** Runs the send jobs; returns what the borrower received meanwhile, each checked against the schema. */
  async function delivered(borrower: RecordingBorrower) {
    const before = borrower.received.length;
    await app.drain();
    const fresh = borrower.received.slice(before);
    for (const each of fresh) assert.deepEqual(schema.validate(each.xml), [], each.xml);
    return fresh.map((each) => each.message);
  }
  const said = (sams: { messageInfo: { reasonForMessage: string | null; answerYesNo: string | null }; statusInfo: { status: string | null } }[]) =>
    sams.map((m) => `${m.messageInfo.reasonForMessage} ${m.statusInfo.status}${m.messageInfo.answerYesNo ? ` ${m.messageInfo.answerYesNo}` : ''}`);

  test('a Request from a partner is a lending request; an exact repeat is OK, a different one with its id is a duplicate', async () => {
    const first = request('US-NSU', { id: 'DUP-1' });
    ok(await post(buildIso18626(first)));
    const created = await lendingOf('NORTH', 'DUP-1');
    assert.equal(created.status, 'CREATED');
    assert.deepEqual(created.requester, { partner: 'NORTH', agencyIdType: 'ISIL', agencyIdValue: 'US-NSU' });
    assert.equal(created.citation.oclcNumber, '0012345678', 'identifiers kept as sent, leading zeros too');
    assert.equal(created.serviceType, 'Loan');
    assert.deepEqual(created.allowedActions.sort(), ['cancel', 'conditional', 'process', 'reject', 'ship-digitally', 'ship-physically', 'will-supply']);
    assert.match(created.history[0].reason, /NORTH asks to borrow \(its request DUP-1\)/);

    // The same Request again (a new timestamp, as a resending peer makes it): OK, nothing new.
    ok(await post(buildIso18626({ ...first, header: { ...first.header, timestamp: '2026-11-28T13:00:00Z' } })));
    // Another Request under the same id: refused, and the first one is untouched.
    refused(await post(buildIso18626(request('US-NSU', { id: 'DUP-1', title: 'Something else' }))), 'UnrecognisedDataValue', /duplicate request id DUP-1/);
    const all = (await app.call('GET', '/api/v1/lending-requests?requester=NORTH&limit=500')).json().items.filter((r: { requesterRequestId: string }) => r.requesterRequestId === 'DUP-1');
    assert.equal(all.length, 1);
    assert.equal(all[0].citation.title, 'The Lent Book');
    // The same id from another requester is another request: ids are unique per requester only.
    ok(await post(buildIso18626(request('US-SCC', { id: 'DUP-1' }))));
    assert.equal((await lendingOf('SOUTH', 'DUP-1')).requester.partner, 'SOUTH');
    assert.deepEqual(app.faults, []);
  });

  test('Requests from strangers, to another library, without the shared secret or from a partner we do not lend to are refused', async () => {
    refused(await post(buildIso18626(request('US-NOBODY'))), 'UnrecognisedDataValue', /requestingAgencyId: US-NOBODY is not an ISO 18626 partner/);
    refused(await post(buildIso18626(request('US-NSU', { to: 'US-OTHER' }))), 'UnrecognisedDataValue', /supplyingAgencyId: US-OTHER is not this library/);

    const partner = (await app.call('GET', '/api/v1/partners/SOUTH')).json();
    assert.equal((await app.call('PATCH', '/api/v1/partners/SOUTH', { body: { iso18626: { ...partner.iso18626, sharedSecret: 'lend-secret-123' } } })).statusCode, 200);
    refused(await post(buildIso18626(request('US-SCC', { id: 'S-1' }))), 'UnrecognisedDataValue', /shared secret/);
    refused(await post(buildIso18626(request('US-SCC', { id: 'S-1' })), { 'x-iso18626-shared-secret': 'wrong' }), 'UnrecognisedDataValue', /shared secret/);
    ok(await post(buildIso18626(request('US-SCC', { id: 'S-1' })), { 'x-iso18626-shared-secret': 'lend-secret-123' }));
    // Our answers to it carry the secret too.
    const lent = await lendingOf('SOUTH', 'S-1');
    await act(lent.id, 'will-supply');
    assert.equal((await delivered(south)).length, 1);
    assert.equal(south.received.at(-1)!.sharedSecret, 'lend-secret-123');
    assert.equal((await app.call('PATCH', '/api/v1/partners/SOUTH', { body: { iso18626: { ...partner.iso18626, sharedSecret: null } } })).statusCode, 200);

    assert.equal((await app.call('PATCH', '/api/v1/partners/NORTH', { body: { supportsLending: false } })).statusCode, 200);
    refused(await post(buildIso18626(request('US-NSU'))), 'UnrecognisedDataValue', /does not lend to US-NSU: partner NORTH does not have Supports Lending on/);
    assert.equal((await app.call('PATCH', '/api/v1/partners/NORTH', { body: { supportsLending: true } })).statusCode, 200);
  });

  test('a whole loan: will supply, shipped with its due date, Received, Renew, ShippedReturn, checked in; each answer sent and valid', async () => {
    ok(await post(buildIso18626(request('US-NSU', { id: 'LOAN-1' }))));
    const { id } = await lendingOf('NORTH', 'LOAN-1');
    await act(id, 'will-supply', { reason: 'on the shelf' });
    let sams = await delivered(north);
    assert.deepEqual(said(sams), ['RequestResponse WillSupply']);
    assert.equal(sams[0]!.header.requestingAgencyRequestId, 'LOAN-1');
    assert.equal(sams[0]!.header.supplyingAgencyRequestId, id, 'our id goes with every message');
    assert.deepEqual(sams[0]!.header.supplyingAgencyId, { type: 'ISIL', value: US });
    assert.equal(sams[0]!.messageInfo.note, 'on the shelf');

    const shipped = await act(id, 'ship-physically', { itemId: '39999000001234' });
    assert.equal(shipped.status, 'SHIPPED_PHYSICALLY');
    assert.equal(shipped.dueDate, '2026-12-26T23:59:59Z', 'today (the test clock) plus the 28 days of the loan period, at 23:59:59Z');
    sams = await delivered(north);
    assert.deepEqual(said(sams), ['StatusChange Loaned']);
    assert.equal(sams[0]!.statusInfo.dueDate, '2026-12-26T23:59:59Z');
    assert.equal(sams[0]!.deliveryInfo?.itemId, '39999000001234');

    ok(await post(ram('US-NSU', 'LOAN-1', 'Received')));
    assert.equal((await lendingOf('NORTH', 'LOAN-1')).status, 'RECEIVED_BY_PARTNER');
    ok(await post(ram('US-NSU', 'LOAN-1', 'Received'))); // a repeat is fine
    assert.deepEqual(await delivered(north), [], 'Received needs no answer');

    ok(await post(ram('US-NSU', 'LOAN-1', 'Renew', { ours: id })));
    sams = await delivered(north);
    assert.deepEqual(said(sams), ['RenewResponse Loaned Y']);
    assert.equal(sams[0]!.statusInfo.dueDate, '2027-01-23T23:59:59Z', 'the loan period again, from the old due date');
    assert.equal((await lendingOf('NORTH', 'LOAN-1')).renewals, 1);

    ok(await post(ram('US-NSU', 'LOAN-1', 'StatusRequest')));
    assert.deepEqual(said(await delivered(north)), ['StatusRequestResponse Loaned']);
    ok(await post(ram('US-NSU', 'LOAN-1', 'Cancel')));
    assert.deepEqual(said(await delivered(north)), ['CancelResponse Loaned N'], 'too late to cancel: the item is out');
    assert.equal((await lendingOf('NORTH', 'LOAN-1')).status, 'RECEIVED_BY_PARTNER');

    ok(await post(ram('US-NSU', 'LOAN-1', 'ShippedReturn', { note: 'sent back by courier' })));
    assert.equal((await lendingOf('NORTH', 'LOAN-1')).status, 'RETURNED_BY_PARTNER');
    await act(id, 'check-in');
    assert.deepEqual(said(await delivered(north)), ['StatusChange LoanCompleted']);
    const done = await lendingOf('NORTH', 'LOAN-1');
    assert.equal(done.status, 'REQUEST_COMPLETED');
    assert.deepEqual(done.outbox, [], 'every message was delivered');
    const calls = done.history.filter((h: { action: string }) => h.action === 'partner-call').map((h: { reason: string }) => h.reason.replace(/ \(\d+ ms\)$/, ''));
    assert.deepEqual(calls, [
      'ISO 18626 RequestResponse WillSupply to US-NSU → OK',
      'ISO 18626 StatusChange Loaned to US-NSU → OK',
      'ISO 18626 RenewResponse Loaned Y to US-NSU → OK',
      'ISO 18626 StatusRequestResponse Loaned to US-NSU → OK',
      'ISO 18626 CancelResponse Loaned N to US-NSU → OK',
      'ISO 18626 StatusChange LoanCompleted to US-NSU → OK',
    ]);
    assert.deepEqual(
      done.history.filter((h: { actor: string }) => h.actor !== 'system').map((h: { action: string; toStatus: string }) => `${h.action} → ${h.toStatus}`),
      ['create → CREATED', 'will-supply → WILL_SUPPLY', 'ship-physically → SHIPPED_PHYSICALLY', 'received → RECEIVED_BY_PARTNER', 'message → RECEIVED_BY_PARTNER', 'renew → RECEIVED_BY_PARTNER', 'message → RECEIVED_BY_PARTNER', 'cancel-refused → RECEIVED_BY_PARTNER', 'returned → RETURNED_BY_PARTNER', 'check-in → REQUEST_COMPLETED'],
    );
  });

  test('a Cancel before shipping is accepted (CancelResponse Y); a Renew before it is refused (N)', async () => {
    ok(await post(buildIso18626(request('US-NSU', { id: 'CANCEL-1' }))));
    const { id } = await lendingOf('NORTH', 'CANCEL-1');
    await act(id, 'will-supply');
    await delivered(north);
    ok(await post(ram('US-NSU', 'CANCEL-1', 'Renew')));
    assert.deepEqual(said(await delivered(north)), ['RenewResponse WillSupply N']);
    ok(await post(ram('US-NSU', 'CANCEL-1', 'Cancel', { note: 'patron found a copy' })));
    assert.deepEqual(said(await delivered(north)), ['CancelResponse Cancelled Y']);
    const cancelled = await lendingOf('NORTH', 'CANCEL-1');
    assert.equal(cancelled.status, 'CANCELLED');
    assert.deepEqual(cancelled.allowedActions, []);
    await act(id, 'ship-physically', {}, 409);
  });

  test('actions that do not fit, actions we do not handle, and unknown requests get ERROR confirmations', async () => {
    ok(await post(buildIso18626(request('US-NSU', { id: 'EARLY-1' }))));
    refused(await post(ram('US-NSU', 'EARLY-1', 'Received')), 'UnrecognisedDataValue', /^action: Received does not fit: the request is Created lending request$/);
    refused(await post(ram('US-NSU', 'EARLY-1', 'ShippedReturn')), 'UnrecognisedDataValue', /ShippedReturn does not fit/);
    refused(await post(ram('US-NSU', 'EARLY-1', 'ShippedForward')), 'UnsupportedActionType', /^ShippedForward$/);
    const lost = ram('US-NSU', 'EARLY-1', 'Received').replace(/<ill:action>Received<\/ill:action>/, '<ill:action>Lost</ill:action>');
    refused(await post(lost), 'UnsupportedActionType', /^Lost$/);
    const invalid = readFileSync(new URL('crosslink-negative_requestingAgencyMessage-invalid-action.xml', ISO18626_SAMPLES_URL));
    refused(await post(invalid.toString('utf8')), 'UnsupportedActionType', /^WeCancelThisMessage$/);
    refused(await post(ram('US-NSU', 'NO-SUCH', 'Cancel')), 'UnrecognisedDataValue', /NORTH has no request NO-SUCH with us/);
    refused(await post(ram('US-NOBODY', 'EARLY-1', 'Cancel')), 'UnrecognisedDataValue', /US-NOBODY is not an ISO 18626 partner/);
    assert.equal((await lendingOf('NORTH', 'EARLY-1')).status, 'CREATED');
    assert.deepEqual(app.faults, []);
  });

  test("a requester cannot act on another requester's lending request", async () => {
    ok(await post(buildIso18626(request('US-NSU', { id: 'MINE-1' }))));
    const mine = await lendingOf('NORTH', 'MINE-1');
    // SOUTH names NORTH's id: not found among SOUTH's requests.
    refused(await post(ram('US-SCC', 'MINE-1', 'Cancel')), 'UnrecognisedDataValue', /SOUTH has no request MINE-1/);
    // SOUTH names its own request but NORTH's lending request as ours: refused, neither is touched.
    ok(await post(buildIso18626(request('US-SCC', { id: 'THEIRS-1' }))));
    refused(await post(ram('US-SCC', 'THEIRS-1', 'Cancel', { ours: mine.id })), 'UnrecognisedDataValue', /supplyingAgencyRequestId: .* is not our id for SOUTH's request THEIRS-1/);
    assert.equal((await lendingOf('NORTH', 'MINE-1')).status, 'CREATED');
    assert.equal((await lendingOf('SOUTH', 'THEIRS-1')).status, 'CREATED');
    // And SOUTH's own Cancel cancels only its own.
    ok(await post(ram('US-SCC', 'THEIRS-1', 'Cancel')));
    assert.equal((await lendingOf('SOUTH', 'THEIRS-1')).status, 'CANCELLED');
    assert.equal((await lendingOf('NORTH', 'MINE-1')).status, 'CREATED');
  });

  test('a conditional offer: Notification with the conditions, accepted by a Notification ACCEPT; reject says Unfilled with its reason', async () => {
    ok(await post(buildIso18626(request('US-NSU', { id: 'COND-1' }))));
    const { id } = await lendingOf('NORTH', 'COND-1');
    await act(id, 'conditional', {}, 409); // the conditions are the reason: needed
    await act(id, 'conditional', { reason: 'library use only' });
    let sams = await delivered(north);
    assert.deepEqual(said(sams), ['Notification ExpectToSupply']);
    assert.equal(sams[0]!.messageInfo.note, 'Conditions pending approval, please respond ACCEPT or REJECT. Conditions: library use only');
    ok(await post(ram('US-NSU', 'COND-1', 'Notification', { note: 'ACCEPT' })));
    assert.equal((await lendingOf('NORTH', 'COND-1')).status, 'WILL_SUPPLY');
    sams = await delivered(north);
    assert.deepEqual(said(sams), ['StatusChange WillSupply']);
    ok(await post(ram('US-NSU', 'COND-1', 'Notification', { note: 'thanks!' })));
    assert.match((await lendingOf('NORTH', 'COND-1')).history.at(-1).reason, /Notification: thanks!/);

    ok(await post(buildIso18626(request('US-NSU', { id: 'REJ-1' }))));
    const rejected = await lendingOf('NORTH', 'REJ-1');
    await act(rejected.id, 'reject', { reason: 'in the bindery' });
    sams = await delivered(north);
    assert.deepEqual(said(sams), ['RequestResponse Unfilled']);
    assert.deepEqual([sams[0]!.messageInfo.reasonUnfilled, sams[0]!.messageInfo.note], ['NotAvailableForILL', 'in the bindery']);
    ok(await post(buildIso18626(request('US-NSU', { id: 'REJ-2' }))));
    const notHeld = await lendingOf('NORTH', 'REJ-2');
    await act(notHeld.id, 'reject', { reason: 'we do not own it', reasonUnfilled: 'not a code!' }, 422);
    await act(notHeld.id, 'reject', { reason: 'we do not own it', reasonUnfilled: 'NotHeld' });
    assert.equal((await delivered(north))[0]!.messageInfo.reasonUnfilled, 'NotHeld');
  });

  test('a borrower that cannot be reached: the messages wait, are retried with backoff, and arrive in order', async () => {
    ok(await post(buildIso18626(request('US-NSU', { id: 'DOWN-1' }))));
    const { id } = await lendingOf('NORTH', 'DOWN-1');
    north.mode = 'http-503';
    await act(id, 'will-supply');
    await act(id, 'ship-physically', { dueDate: '2027-02-01' });
    await app.drain();
    let waiting = await lendingOf('NORTH', 'DOWN-1');
    assert.deepEqual(waiting.outbox.map((m: { status: string }) => m.status), ['WillSupply', 'Loaned'], 'both wait, in order');
    assert.match(waiting.history.at(-1).reason, /NORTH could not be told RequestResponse WillSupply \(try 1\): .*HTTP 503/);
    const failed = (await app.call('GET', '/api/v1/jobs?type=lending.send-message&state=ready')).json();
    assert.ok(failed.items.some((j: { attempts: number; lastError: string | null }) => j.attempts === 1 && /HTTP 503/.test(j.lastError ?? '')), 'the job waits for its retry');

    north.mode = 'ok';
    app.clock.advance(60_000); // past the backoff
    const sams = await delivered(north);
    assert.deepEqual(said(sams), ['RequestResponse WillSupply', 'StatusChange Loaned']);
    assert.equal(sams[1]!.statusInfo.dueDate, '2027-02-01T23:59:59Z', 'the due date staff gave');
    waiting = await lendingOf('NORTH', 'DOWN-1');
    assert.deepEqual(waiting.outbox, []);
    await act(id, 'ship-physically', { dueDate: 'next week' }, 409);
  });

  test('a borrower that refuses a message: the refusal is kept, the message is not sent again', async () => {
    ok(await post(buildIso18626(request('US-NSU', { id: 'NO-1' }))));
    const { id } = await lendingOf('NORTH', 'NO-1');
    north.mode = 'error';
    await act(id, 'will-supply');
    assert.equal((await delivered(north)).length, 1);
    north.mode = 'ok';
    const refusedOnce = await lendingOf('NORTH', 'NO-1');
    assert.deepEqual(refusedOnce.outbox, []);
    assert.match(refusedOnce.history.at(-1).reason, /NORTH refused RequestResponse WillSupply \(will-supply\): UnrecognisedDataValue \(requestingAgencyRequestId: not ours\)/);
    app.clock.advance(3_600_000);
    assert.deepEqual(await delivered(north), []);
  });

  test('staff input is checked: a due date that is not a date or is past, an action the status does not allow', async () => {
    ok(await post(buildIso18626(request('US-NSU', { id: 'INPUT-1' }))));
    const { id } = await lendingOf('NORTH', 'INPUT-1');
    const bad = await app.call('POST', `/api/v1/lending-requests/${id}/actions/ship-physically`, { body: { dueDate: '2026-13-45' } });
    assert.equal(bad.statusCode, 422, bad.body);
    assert.match(bad.json().error.message, /dueDate: "2026-13-45" is not a date/);
    assert.equal((await app.call('POST', `/api/v1/lending-requests/${id}/actions/ship-physically`, { body: { dueDate: '2020-01-01' } })).statusCode, 422);
    const notNow = await app.call('POST', `/api/v1/lending-requests/${id}/actions/check-in`, { body: {} });
    assert.equal(notNow.statusCode, 409);
    assert.match(notNow.json().error.message, /check-in is not allowed while the request is Created lending request; allowed now: /);
    assert.equal((await app.call('POST', `/api/v1/lending-requests/${id}/actions/received`, { body: {} })).statusCode, 409, 'the borrower says Received, not staff');
    assert.equal((await app.call('POST', `/api/v1/lending-requests/${id}/actions/ship-physically`, { body: { surprise: 1 } })).statusCode, 422);
    assert.equal((await app.call('GET', '/api/v1/lending-requests?status=NOPE')).statusCode, 400);
    assert.equal((await app.call('GET', '/api/v1/lending-requests/no-such-id')).statusCode, 404);
    const created = (await app.call('GET', '/api/v1/lending-requests?status=CREATED&limit=500')).json();
    assert.ok(created.items.every((r: { status: string }) => r.status === 'CREATED') && created.items.some((r: { id: string }) => r.id === id));
  });
  test('a peer without a shared secret is known by its address too: a message from elsewhere is refused', async () => {
    const south = (await app.call('GET', '/api/v1/partners/SOUTH')).json();
    const setSouth = async (iso18626: Record<string, unknown>) => {
      const response = await app.call('PATCH', '/api/v1/partners/SOUTH', { body: { iso18626: { ...south.iso18626, ...iso18626 } } });
      assert.equal(response.statusCode, 200, response.body);
    };
    try {
      // 192.0.2.1 (TEST-NET-1) is never this machine; inject() comes from 127.0.0.1.
      await setSouth({ url: 'http://192.0.2.1:9/iso18626' });
      refused(await post(buildIso18626(request('US-SCC', { id: 'ADDR-1' }))), 'UnrecognisedDataValue', /comes from 127\.0\.0\.1, not from SOUTH's configured address/);
      // A host name that stands for this machine is this machine.
      await setSouth({ url: 'http://localhost:9/iso18626' });
      ok(await post(buildIso18626(request('US-SCC', { id: 'ADDR-2' }))));
      // With a shared secret, the secret identifies the peer, wherever it writes from.
      await setSouth({ url: 'http://192.0.2.1:9/iso18626', sharedSecret: 'south-secret-123' });
      ok(await post(buildIso18626(request('US-SCC', { id: 'ADDR-3' })), { 'x-iso18626-shared-secret': 'south-secret-123' }));
    } finally {
      await setSouth({ url: south.iso18626.url, sharedSecret: null });
    }
  });
});

describe('the lending auto-responder', () => {
  let app: TestApp;
  let north: RecordingBorrower;
  before(async () => {
    north = await startRecordingBorrower();
    // We hold OCLC 12345678 (written without its leading zeros) and one ISBN with hyphens.
    app = await createTestApp('sqlite', { NORTH_PEER_URL: north.url, SOUTH_PEER_URL: 'http://127.0.0.1:9/iso18626' }, { lendingHoldings: ['12345678', '978-0-306-40615-7'] });
    await app.transfer.importYaml(EXAMPLE);
  });
  after(async () => {
    await app.close();
    await north.close();
  });
  const send = async (message: Iso18626Request) => {
    const response = await app.app.inject({ method: 'POST', url: '/iso18626', payload: buildIso18626(message), headers: { 'content-type': 'application/xml' } });
    const parsed = parseIso18626(Buffer.from(response.body));
    assert.ok(parsed.ok && parsed.message.kind === 'requestConfirmation' && parsed.message.header.messageStatus === 'OK', response.body);
    const list = (await app.call('GET', '/api/v1/lending-requests?limit=500')).json();
    const found = list.items.find((r: { requesterRequestId: string }) => r.requesterRequestId === message.header.requestingAgencyRequestId);
    return (await app.call('GET', `/api/v1/lending-requests/${found.id}`)).json();
  };

  test('what we hold waits for staff; what we do not hold is answered Unfilled (NotHeld) at once', async () => {
    const held = await send(request('US-NSU', { id: 'AUTO-HELD' })); // OCLC 0012345678
    assert.equal(held.status, 'CREATED');
    const byIsbn = request('US-NSU', { id: 'AUTO-ISBN' });
    byIsbn.bibliographicInfo.bibliographicRecordIds = [];
    byIsbn.bibliographicInfo.bibliographicItemIds = [{ code: 'ISBN', value: '9780306406157' }];
    assert.equal((await send(byIsbn)).status, 'CREATED');

    const other = request('US-NSU', { id: 'AUTO-NOT' });
    other.bibliographicInfo.bibliographicRecordIds = [{ code: 'OCLC', value: '999' }];
    other.bibliographicInfo.bibliographicItemIds = [];
    const rejected = await send(other);
    assert.equal(rejected.status, 'REJECTED');
    assert.match(rejected.history.at(-1).reason, /^auto-responder: not held: we hold none of 999$/);
    assert.equal(rejected.history.at(-1).actor, 'system');
    await app.drain();
    const sams = north.received.map((r) => r.message);
    assert.deepEqual(sams.map((m) => [m.header.requestingAgencyRequestId, m.messageInfo.reasonForMessage, m.statusInfo.status, m.messageInfo.reasonUnfilled]), [['AUTO-NOT', 'RequestResponse', 'Unfilled', 'NotHeld']]);
    // A repeat of the refused Request is still the same request: OK, and nothing is sent again.
    assert.equal((await send(other)).id, rejected.id);
    await app.drain();
    assert.equal(north.received.length, 1);
  });
});
