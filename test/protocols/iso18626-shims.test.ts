/** Known peer quirks (protocols.md §3.2): the vendor from the address, and what each vendor's shim changes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Iso18626SupplyingAgencyMessage } from '../../src/protocols/iso18626/messages.ts';
import { normaliseSupplierMessage, vendorOf } from '../../src/protocols/iso18626/shims.ts';

function sam(status: string | null, info: Partial<Iso18626SupplyingAgencyMessage['messageInfo']> = {}): Iso18626SupplyingAgencyMessage {
  return {
    kind: 'supplyingAgencyMessage',
    header: { supplyingAgencyId: { type: 'ISIL', value: 'X' }, requestingAgencyId: { type: 'ISIL', value: 'Y' }, multipleItemRequestId: null, timestamp: '2026-11-28T12:00:00Z', requestingAgencyRequestId: 'r-1', supplyingAgencyRequestId: null },
    messageInfo: { reasonForMessage: 'StatusChange', answerYesNo: null, note: null, reasonUnfilled: null, reasonRetry: null, offeredCosts: null, retryAfter: null, retryBefore: null, ...info },
    statusInfo: { status, expectedDeliveryDate: null, dueDate: null, lastChange: '2026-11-28T12:00:00Z' },
    deliveryInfo: null,
    returnInfo: null,
  };
}

test('the vendor is told by the peer address', () => {
  assert.equal(vendorOf('https://na01.alma.exlibrisgroup.com/view/iso18626'), 'alma');
  assert.equal(vendorOf('https://rapido.example.org/iso'), 'alma');
  assert.equal(vendorOf('https://okapi.example.org/rs/externalApi/iso18626'), 'reshare');
  assert.equal(vendorOf('https://school.illiad.oclc.org/iso'), 'illiad');
  assert.equal(vendorOf('http://127.0.0.1:8091/iso18626'), 'other');
});

test("Alma's conditions in a Notification with an empty status are a conditional offer", () => {
  const shimmed = normaliseSupplierMessage(sam(null, { reasonForMessage: 'Notification', note: 'Conditions pending approval, please respond ACCEPT or REJECT' }), 'alma');
  assert.deepEqual([shimmed.statusInfo.status, shimmed.messageInfo.reasonRetry], ['RetryPossible', 'LoanCondition']);
  assert.equal(normaliseSupplierMessage(sam(null, { reasonForMessage: 'Notification', note: 'hello' }), 'alma').statusInfo.status, null, 'other notes stay notes');
});

test('an Interlend lender (any vendor) makes its conditional offer the same way: a Notification ExpectToSupply with that note', () => {
  const offer = sam('ExpectToSupply', { reasonForMessage: 'Notification', note: 'Conditions pending approval, please respond ACCEPT or REJECT. Conditions: library use only' });
  const shimmed = normaliseSupplierMessage(offer, 'other');
  assert.deepEqual([shimmed.statusInfo.status, shimmed.messageInfo.reasonRetry], ['RetryPossible', 'LoanCondition']);
  assert.equal(normaliseSupplierMessage(sam('ExpectToSupply', { reasonForMessage: 'RequestResponse', note: 'Conditions pending approval' }), 'other').statusInfo.status, 'ExpectToSupply', 'only a Notification');
});

test("ReShare's sequence markers leave the note; a DUPLICATE note is an Unfilled for every vendor", () => {
  assert.equal(normaliseSupplierMessage(sam('WillSupply', { note: '#seq:3# We will send it' }), 'reshare').messageInfo.note, 'We will send it');
  assert.equal(normaliseSupplierMessage(sam('WillSupply', { note: '#seq:3# We will send it' }), 'other').messageInfo.note, '#seq:3# We will send it', 'only for ReShare');
  assert.equal(normaliseSupplierMessage(sam('Unfilled', { note: 'DUPLICATE request' }), 'other').messageInfo.reasonUnfilled, 'Duplicate');
  assert.equal(normaliseSupplierMessage(sam('Unfilled', { note: 'DUPLICATE', reasonUnfilled: 'NotHeld' }), 'alma').messageInfo.reasonUnfilled, 'NotHeld', 'a given reason stays');
});
