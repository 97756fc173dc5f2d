/**
 * The conformance corpus (protocols.md §2, §8.2 "lenient parsing per §6"): every ISO 18626 sample, listed at run
 * time from ../shared (never copied here: AGPL/Apache test data, SOURCES.md). File names say what each sample is:
 * `<source>_<messageType>[-variant].xml`; each must parse to that message type, and nothing may throw.
 *
 * The two `crosslink-negative_*` samples carry an action / status outside the closed list. They are well-formed
 * and complete, so they parse `ok: true` with the value kept as sent and a note: the parser's rule is "unknown codes
 * are kept, the use case decides" (src/protocols/iso18626/parse.ts), and the answer crosslink expects (an ERROR
 * confirmation, UnsupportedActionType for the action) is the use case's to give, which the ParseOutcome error
 * types (BadlyFormedMessage, UnrecognisedDataElement, UnrecognisedDataValue) could not express anyway.
 * No sample is meant to fail parsing; a sample added later that must go in NOT_PARSED with its reason.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Iso18626Message, ParseOutcome } from '../../src/protocols/iso18626/messages.ts';
import { parseIso18626 } from '../../src/protocols/iso18626/parse.ts';
import { isIso18626MessageType } from '../../src/protocols/iso18626/vocabulary.ts';
import { ISO18626_SAMPLES_URL } from '../support/iso18626-xsd.ts';

/** Samples that must be refused, with why (none today). */
const NOT_PARSED = new Map<string, string>([]);

const files = readdirSync(ISO18626_SAMPLES_URL)
  .filter((name) => name.endsWith('.xml'))
  .sort();

/** The message type a file name announces: `crosslink_requestingAgencyMessage-cancel.xml` → `requestingAgencyMessage`. */
const announced = (name: string) => /_([A-Za-z]+)(?:-[^.]*)?\.xml$/.exec(name)?.[1] ?? '';

const outcomes = new Map<string, ParseOutcome>();
for (const name of files) {
  let outcome: ParseOutcome;
  try {
    outcome = parseIso18626(readFileSync(new URL(name, ISO18626_SAMPLES_URL)));
  } catch (error) {
    outcome = { ok: false, errorType: 'BadlyFormedMessage', errorValue: `THREW: ${String(error)}`, unparsable: true, kind: null, header: null };
  }
  outcomes.set(name, outcome);
}

function messageOf(name: string): { message: Iso18626Message; notes: string[]; version: string | null } {
  const outcome = outcomes.get(name);
  assert.ok(outcome, `${name} is not in the corpus`);
  if (!outcome.ok) assert.fail(`${name}: ${JSON.stringify(outcome)}`);
  return outcome;
}

function as<K extends Iso18626Message['kind']>(message: Iso18626Message, kind: K): Iso18626Message & { kind: K } {
  assert.equal(message.kind, kind);
  return message as Iso18626Message & { kind: K };
}

test('the corpus is there (18 ISO 18626 samples when this was written)', () => {
  assert.ok(files.length >= 18, `found ${files.length} samples in ${ISO18626_SAMPLES_URL.pathname}`);
});

for (const name of files) {
  const kind = announced(name);
  test(`${name}: ${NOT_PARSED.has(name) ? `refused (${NOT_PARSED.get(name)})` : `parses as ${kind}`}`, () => {
    assert.ok(isIso18626MessageType(kind), `${name} does not follow <source>_<messageType>[-variant].xml`);
    const outcome = outcomes.get(name)!;
    if (!outcome.ok) assert.doesNotMatch(outcome.errorValue, /^THREW/);
    if (NOT_PARSED.has(name)) {
      assert.ok(!outcome.ok);
      return;
    }
    assert.equal(messageOf(name).message.kind, kind);
  });
}

test('negative samples: the invalid action and status are kept as sent and noted', () => {
  const action = messageOf('crosslink-negative_requestingAgencyMessage-invalid-action.xml');
  assert.equal(as(action.message, 'requestingAgencyMessage').action, 'WeCancelThisMessage');
  assert.ok(action.notes.some((note) => note.includes('"WeCancelThisMessage" is not in the ISO 18626 code list')));
  const status = messageOf('crosslink-negative_supplyingAgencyMessage-invalid-status.xml');
  assert.equal(as(status.message, 'supplyingAgencyMessage').statusInfo.status, 'WeCouldLoan');
  assert.ok(status.notes.some((note) => note.includes('"WeCouldLoan" is not in the ISO 18626 code list')));
});

test('ReShare fixtures: bare roots, +0000 timestamps kept as sent, schemes, every field', () => {
  const { message, notes, version } = messageOf('reshare-fixture_request-all-fields.xml');
  const request = as(message, 'request');
  assert.equal(version, null);
  assert.ok(notes.includes('no ISO18626Message wrapper: bare request root read'));
  assert.equal(request.header.timestamp, '1900-01-01T01:01:01+0000');
  assert.deepEqual(request.header.requestingAgencyAuthentication, { accountId: 'accountId1', securityCode: 'securityCode1' });
  assert.equal(request.bibliographicInfo.bibliographicItemIds.length, 3);
  assert.deepEqual(request.bibliographicInfo.bibliographicRecordIds[0], { code: 'bibliographicRecordIdentifierCode1', value: 'bibliographicRecordIdentifier1', scheme: 'http://uri1' });
  assert.deepEqual(request.serviceInfo?.requestSubTypes, ['BookingRequest', 'MultipleItemRequest', 'PatronRequest']);
  assert.deepEqual(request.supplierInfo.map((each) => each.sortOrder), [1, 2, 3]);
  assert.equal(request.requestedDeliveryInfo.length, 3);
  assert.deepEqual(request.billingInfo?.maximumCosts, { currencyCode: 'currencyCode1', monetaryValue: '1' });

  const sam = as(messageOf('reshare-fixture_supplyingAgencyMessage-all-fields.xml').message, 'supplyingAgencyMessage');
  assert.equal(sam.deliveryInfo?.sentToPatron, true);
  assert.equal(sam.returnInfo?.physicalAddress?.country, 'country1');

  const confirmation = as(messageOf('reshare-fixture_requestingAgencyMessageConfirmation.xml').message, 'requestingAgencyMessageConfirmation');
  assert.equal(confirmation.header.messageStatus, 'OK');
  assert.equal(confirmation.action, 'StatusRequest');
  assert.deepEqual(confirmation.errorData, { errorType: 'UnsupportedActionType', errorValue: 'errorValue1' });
});

test('ReShare integration messages: empty elements are null, unknown ones noted, placeholder status kept', () => {
  const patron = messageOf('reshare_request-patron.xml');
  const request = as(patron.message, 'request');
  assert.equal(request.header.supplyingAgencyId, null);
  assert.equal(request.bibliographicInfo.subtitle, null);
  assert.equal(request.serviceInfo?.needBeforeDate, null);
  assert.deepEqual(request.patronInfo, { patronId: 'patronId_holder', surname: null, givenName: null, patronType: null, sendToPatron: null, addresses: [] });
  assert.ok(patron.notes.some((note) => note.includes('authorId')));

  const statusChange = messageOf('reshare_supplyingAgencyMessage-statusChange.xml');
  const sam = as(statusChange.message, 'supplyingAgencyMessage');
  assert.equal(sam.messageInfo.answerYesNo, null);
  assert.equal(sam.messageInfo.offeredCosts, null);
  assert.equal(sam.statusInfo.status, 'status_holder');
  assert.equal(sam.deliveryInfo, null, 'every deliveryInfo element is empty');
  assert.ok(statusChange.notes.some((note) => note.includes('URL')));

  const unfilled = messageOf('reshare_supplyingAgencyMessage-unfilled-notification.xml');
  assert.equal(unfilled.version, '1.0');
  assert.ok(unfilled.notes.includes('version attribute not namespace-qualified'));
  assert.equal(as(unfilled.message, 'supplyingAgencyMessage').statusInfo.status, 'Unfilled');
  assert.equal(as(unfilled.message, 'supplyingAgencyMessage').messageInfo.note, "can't find it after all");

  const v11 = messageOf('reshare_request-v1_1-case1.xml');
  assert.equal(v11.version, '1.0');
  assert.equal(as(v11.message, 'request').header.multipleItemRequestId, null);
});

test('real and crosslink messages: ReShare notes and itemId packing kept as sent; the tag0: prefix is read', () => {
  const conditions = as(messageOf('reshare-captured_supplyingAgencyMessage-conditions-notification.xml').message, 'supplyingAgencyMessage');
  assert.equal(conditions.messageInfo.note, '#ReShareSupplierAwaitingConditionConfirmation##seq:1#');
  assert.equal(conditions.statusInfo.status, 'RequestReceived');
  assert.equal(conditions.messageInfo.reasonUnfilled, null);
  const loaned = as(messageOf('reshare-style_supplyingAgencyMessage-loaned.xml').message, 'supplyingAgencyMessage');
  assert.equal(loaned.deliveryInfo?.itemId, 'barcode-2345,Callnum-2345,barcode-2345');
  const tag0 = as(messageOf('illmock_request-renew-scenario-tag0-prefix.xml').message, 'request');
  assert.equal(tag0.bibliographicInfo.supplierUniqueRecordId, 'LOANED_OVERDUE');
  assert.deepEqual(tag0.bibliographicInfo.bibliographicItemIds, [{ code: 'ISBN', value: '1983' }]);
  const retry = messageOf('crosslink_request-patronrequest-retry-cost-scenario.xml');
  assert.deepEqual(as(retry.message, 'request').supplierInfo, [], 'the empty <supplierInfo></supplierInfo> is dropped');
});
