/**
 * Every SupplyingAgencyMessage the lending side sends (src/app/lending-service.ts, built by peer-client.ts
 * `supplierMessage`) validates against ISO-18626-v1_2.xsd and reads back as sent: each reason/status pair of
 * protocols.md §8.2 that we use, with the due date, the shipment and the answers Y/N. (lending.test.ts checks the
 * messages actually sent during whole loans against the schema as well.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OutgoingSupplierMessage } from '../../src/app/peer-connection.ts';
import { buildIso18626 } from '../../src/protocols/iso18626/build.ts';
import { supplierMessage } from '../../src/protocols/iso18626/peer-client.ts';
import { parseIso18626 } from '../../src/protocols/iso18626/parse.ts';
import { iso18626Schema } from '../support/iso18626-xsd.ts';

const base: OutgoingSupplierMessage = {
  requester: { type: 'ISIL', value: 'US-ALD' },
  supplier: { type: 'ISIL', value: 'US-BIR' },
  requesterRequestId: '0000042',
  supplierRequestId: 'lend-1',
  reasonForMessage: 'RequestResponse',
  status: 'WillSupply',
  answerYesNo: null,
  note: null,
  reasonUnfilled: null,
  dueDate: null,
  lastChange: '2026-11-28T12:00:00.000Z',
  delivery: null,
};

const SENT: [string, Partial<OutgoingSupplierMessage>][] = [
  ['process', { status: 'ExpectToSupply' }],
  ['will-supply', { status: 'WillSupply', note: 'on the shelf & ready' }],
  ['conditional', { reasonForMessage: 'Notification', status: 'ExpectToSupply', note: 'Conditions pending approval, please respond ACCEPT or REJECT. Conditions: library use only' }],
  ['reject', { status: 'Unfilled', reasonUnfilled: 'NotHeld', note: 'we do not own it' }],
  ['ship-physically', { reasonForMessage: 'StatusChange', status: 'Loaned', dueDate: '2026-12-26T23:59:59Z', delivery: { dateSent: '2026-11-28T12:00:00.000Z', itemId: '0039999000001234', sentVia: 'Mail', loanCondition: 'library use only' } }],
  ['ship-digitally', { status: 'CopyCompleted', delivery: { dateSent: '2026-11-28T12:00:00.000Z', itemId: 'https://example.org/copy.pdf', sentVia: 'URL', loanCondition: null } }],
  ['check-in', { reasonForMessage: 'StatusChange', status: 'LoanCompleted' }],
  ['staff cancel', { reasonForMessage: 'StatusChange', status: 'Cancelled', note: 'withdrawn' }],
  ['condition accepted', { reasonForMessage: 'StatusChange', status: 'WillSupply', note: 'conditions accepted' }],
  ['Cancel accepted', { reasonForMessage: 'CancelResponse', status: 'Cancelled', answerYesNo: 'Y' }],
  ['Cancel refused', { reasonForMessage: 'CancelResponse', status: 'Loaned', answerYesNo: 'N', note: 'cannot cancel: the request is Shipped physically' }],
  ['Renew granted', { reasonForMessage: 'RenewResponse', status: 'Loaned', answerYesNo: 'Y', dueDate: '2027-01-23T23:59:59Z' }],
  ['Renew refused', { reasonForMessage: 'RenewResponse', status: 'WillSupply', answerYesNo: 'N' }],
  ['StatusRequest before anything', { reasonForMessage: 'StatusRequestResponse', status: 'RequestReceived' }],
  ['StatusRequest while out', { reasonForMessage: 'StatusRequestResponse', status: 'Loaned', dueDate: '2026-12-26T23:59:59Z' }],
];

for (const [what, change] of SENT) {
  test(`the lender's ${what} message validates and reads back as sent`, () => {
    const message = { ...base, ...change };
    const xml = buildIso18626(supplierMessage(message, new Date('2026-11-28T12:00:01.000Z')));
    assert.deepEqual(iso18626Schema().validate(xml), [], xml);
    const parsed = parseIso18626(Buffer.from(xml));
    assert.ok(parsed.ok && parsed.message.kind === 'supplyingAgencyMessage', xml);
    const sam = parsed.message;
    assert.deepEqual(
      [sam.header.requestingAgencyRequestId, sam.header.supplyingAgencyRequestId, sam.messageInfo.reasonForMessage, sam.statusInfo.status, sam.messageInfo.answerYesNo, sam.statusInfo.dueDate],
      ['0000042', 'lend-1', message.reasonForMessage, message.status, message.answerYesNo, message.dueDate],
      'leading zeros kept, ids and codes as given',
    );
    assert.equal(sam.deliveryInfo?.itemId ?? null, message.delivery?.itemId ?? null);
  });
}
