/**
 * buildIso18626 and the confirmation helpers: every message we build validates against ISO-18626-v1_2.xsd
 * (protocols.md §6 "always serialize … messages that pass the XSD"), parses back to the same data, and input the
 * schema would reject throws Iso18626BuildError instead of producing XML.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildIso18626, Iso18626BuildError } from '../../src/protocols/iso18626/build.ts';
import { confirmationForFailure, errorConfirmation, okConfirmation } from '../../src/protocols/iso18626/confirmations.ts';
import type { Iso18626Header, Iso18626Message, Iso18626Request, Iso18626SupplyingAgencyMessage, Iso18626RequestingAgencyMessage } from '../../src/protocols/iso18626/messages.ts';
import { parseIso18626 } from '../../src/protocols/iso18626/parse.ts';
import { ACTIONS, ERROR_TYPES, STATUSES } from '../../src/protocols/iso18626/vocabulary.ts';
import { iso18626Schema } from '../support/iso18626-xsd.ts';

const header = (overrides: Partial<Iso18626Header> = {}): Iso18626Header => ({
  supplyingAgencyId: { type: 'ISIL', value: 'US-SUP' },
  requestingAgencyId: { type: 'ISIL', value: 'US-REQ' },
  multipleItemRequestId: null,
  timestamp: '2026-03-01T10:15:00.000Z',
  requestingAgencyRequestId: 'REQ-0001',
  supplyingAgencyRequestId: null,
  ...overrides,
});

const minimalRequest = (): Iso18626Request => ({
  kind: 'request',
  header: header(),
  bibliographicInfo: {
    supplierUniqueRecordId: null, title: 'Minimal', author: null, subtitle: null, seriesTitle: null, edition: null, titleOfComponent: null,
    authorOfComponent: null, volume: null, issue: null, pagesRequested: null, estimatedNoPages: null, bibliographicItemIds: [], sponsor: null,
    informationSource: null, bibliographicRecordIds: [],
  },
  publicationInfo: null,
  serviceInfo: null,
  supplierInfo: [],
  requestedDeliveryInfo: [],
  requestingAgencyInfo: null,
  patronInfo: null,
  billingInfo: null,
});

const fullRequest = (): Iso18626Request => ({
  kind: 'request',
  header: header({
    multipleItemRequestId: 'MULTI-1',
    supplyingAgencyRequestId: 'SUP-9',
    requestingAgencyAuthentication: { accountId: 'acct', securityCode: 's3cr&t' },
  }),
  bibliographicInfo: {
    supplierUniqueRecordId: '000123',
    title: `Fish & Chips <"quoted"> 'single' — café`,
    author: 'Émile Zola',
    subtitle: 'A subtitle',
    seriesTitle: 'Series',
    edition: '2nd',
    titleOfComponent: 'Chapter 1',
    authorOfComponent: 'Someone',
    volume: '12',
    issue: '3',
    pagesRequested: '10-20',
    estimatedNoPages: '11',
    bibliographicItemIds: [
      { code: 'ISBN', value: '9780261103252' },
      { code: 'ISSN', value: '0028-0836', scheme: 'http://example.org/scheme' },
    ],
    sponsor: 'Sponsor',
    informationSource: 'WorldCat',
    bibliographicRecordIds: [{ code: 'OCLC', value: '0012345678' }, { code: 'TitelId', value: 'in00000000002', scheme: 'ZFL' }],
  },
  publicationInfo: { publisher: 'Allen & Unwin', publicationType: 'Book', publicationDate: '1954', placeOfPublication: 'London' },
  serviceInfo: {
    requestType: 'New',
    requestSubTypes: ['PatronRequest'],
    requestingAgencyPreviousRequestId: null,
    serviceType: 'Loan',
    serviceLevel: 'Normal',
    preferredFormat: 'Printed',
    needBeforeDate: '2026-04-01T23:59:59Z',
    copyrightCompliance: 'US-CCG',
    anyEdition: 'Y',
    startDate: '2026-03-02T00:00:00Z',
    endDate: '2026-03-30T23:59:59Z',
    note: 'Please & thank you',
  },
  supplierInfo: [
    {
      sortOrder: 1,
      supplierCode: { type: 'ISIL', value: 'US-SUP' },
      supplierDescription: 'First lender',
      bibliographicRecordId: { code: 'OCLC', value: '0012345678' },
      callNumber: 'PR6039.O32',
      summaryHoldings: 'v.1-3',
      availabilityNote: 'On shelf',
    },
  ],
  requestedDeliveryInfo: [
    { sortOrder: 1, address: { kind: 'physical', line1: 'ILL Office', line2: '1 Main St', locality: 'Springfield', postalCode: '12345', region: 'IL', country: 'US' } },
    { sortOrder: 2, address: { kind: 'electronic', electronicAddressType: 'Email', electronicAddressData: 'ill@example.org' } },
  ],
  requestingAgencyInfo: {
    name: 'Requesting Library',
    contactName: 'ILL Staff',
    addresses: [{ kind: 'electronic', electronicAddressType: 'Email', electronicAddressData: 'ill@example.org' }],
  },
  patronInfo: { patronId: '00042', surname: "O'Brien", givenName: 'Zoë', patronType: 'Faculty', sendToPatron: 'N', addresses: [] },
  billingInfo: {
    paymentMethod: 'IFM',
    maximumCosts: { currencyCode: 'USD', monetaryValue: '25.00' },
    billingMethod: 'Account',
    billingName: 'Library',
    address: { kind: 'physical', line1: 'Accounts', line2: null, locality: null, postalCode: null, region: null, country: null },
  },
});

const supplyingAgencyMessage = (status: string): Iso18626SupplyingAgencyMessage => ({
  kind: 'supplyingAgencyMessage',
  header: header({ supplyingAgencyRequestId: 'SUP-9' }),
  messageInfo: {
    reasonForMessage: status === 'RetryPossible' || status === 'ExpectToSupply' ? 'RequestResponse' : 'StatusChange',
    answerYesNo: null,
    note: status === 'RetryPossible' ? 'Cost exceeds maximum' : null,
    reasonUnfilled: status === 'Unfilled' ? 'NotHeld' : null,
    reasonRetry: status === 'RetryPossible' ? 'CostExceedsMaxCost' : null,
    offeredCosts: status === 'RetryPossible' ? { currencyCode: 'USD', monetaryValue: '30' } : null,
    retryAfter: null,
    retryBefore: status === 'RetryPossible' ? '2026-04-01T23:59:59Z' : null,
  },
  statusInfo: {
    status,
    expectedDeliveryDate: status === 'WillSupply' ? '2026-03-10T23:59:59Z' : null,
    dueDate: status === 'Loaned' || status === 'Overdue' || status === 'Recalled' ? '2026-04-15T23:59:59Z' : null,
    lastChange: '2026-03-02T08:00:00Z',
  },
  deliveryInfo:
    status === 'Loaned' || status === 'CopyCompleted'
      ? {
          dateSent: '2026-03-02T08:00:00Z',
          itemId: '0031234567890',
          sentVia: 'Mail',
          sentToPatron: false,
          loanCondition: status === 'Loaned' ? 'LibraryUseOnly' : null,
          deliveredFormat: status === 'CopyCompleted' ? 'PDF' : null,
          deliveryCosts: { currencyCode: 'USD', monetaryValue: '5.50' },
        }
      : null,
  returnInfo:
    status === 'Loaned'
      ? {
          returnAgencyId: { type: 'ISIL', value: 'US-SUP' },
          name: 'Lending Library',
          physicalAddress: { line1: 'Returns', line2: null, locality: 'Chicago', postalCode: '60601', region: null, country: 'US' },
        }
      : null,
});

const requestingAgencyMessage = (action: string): Iso18626RequestingAgencyMessage => ({
  kind: 'requestingAgencyMessage',
  header: header({ supplyingAgencyRequestId: 'SUP-9' }),
  action,
  note: action === 'Notification' ? 'ACCEPT' : null,
});

function assertValid(xml: string): void {
  assert.deepEqual(iso18626Schema().validate(xml), [], xml);
}

function roundTrip(message: Iso18626Message): Iso18626Message {
  const xml = buildIso18626(message);
  assertValid(xml);
  const parsed = parseIso18626(Buffer.from(xml, 'utf8'));
  assert.ok(parsed.ok, JSON.stringify(parsed));
  assert.equal(parsed.version, '1.2');
  assert.deepEqual(parsed.notes, []);
  return parsed.message;
}

test('the document: declaration, ill: prefix, namespace and qualified ill:version="1.2"', () => {
  const xml = buildIso18626(minimalRequest());
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<ill:ISO18626Message xmlns:ill="http:\/\/illtransactions\.org\/2013\/iso18626" ill:version="1\.2">/);
  assert.match(xml, /<ill:multipleItemRequestId><\/ill:multipleItemRequestId>/, 'v1.2 makes it mandatory: sent empty');
});

test('a minimal request validates and round-trips', () => {
  assert.deepEqual(roundTrip(minimalRequest()), minimalRequest());
});

test('a full request validates and round-trips: escaping, é, leading zeros, schemes', () => {
  const message = fullRequest();
  const xml = buildIso18626(message);
  assert.match(xml, /Fish &amp; Chips &lt;"quoted"&gt; 'single' — café/);
  assert.match(xml, /<ill:bibliographicRecordIdentifier>0012345678<\/ill:bibliographicRecordIdentifier>/);
  assert.match(xml, /<ill:bibliographicRecordIdentifierCode ill:scheme="ZFL">TitelId</);
  const back = roundTrip(message);
  assert.deepEqual(back, message);
  assert.equal(back.kind === 'request' && back.bibliographicInfo.bibliographicRecordIds[0]?.value, '0012345678');
  assert.equal(back.kind === 'request' && back.patronInfo?.patronId, '00042');
});

for (const status of STATUSES.filter((each) => each !== 'RequestReceived')) {
  test(`a supplyingAgencyMessage with status ${status} validates and round-trips`, () => {
    const message = supplyingAgencyMessage(status);
    assert.deepEqual(roundTrip(message), message);
  });
}

test('RequestReceived (the schema has it, ReShare sends it in Notifications) also builds', () => {
  const message = supplyingAgencyMessage('RequestReceived');
  message.messageInfo.reasonForMessage = 'Notification';
  assert.deepEqual(roundTrip(message), message);
});

for (const action of ACTIONS) {
  test(`a requestingAgencyMessage with action ${action} validates and round-trips`, () => {
    const message = requestingAgencyMessage(action);
    assert.deepEqual(roundTrip(message), message);
  });
}

const NOW = new Date('2026-03-01T10:15:05.000Z');

test('OK confirmations of the three messages validate, echo the header and round-trip', () => {
  const request = fullRequest();
  const requestOk = okConfirmation(request, { now: NOW });
  assert.deepEqual(requestOk, {
    kind: 'requestConfirmation',
    header: {
      supplyingAgencyId: { type: 'ISIL', value: 'US-SUP' },
      requestingAgencyId: { type: 'ISIL', value: 'US-REQ' },
      timestamp: '2026-03-01T10:15:05.000Z',
      requestingAgencyRequestId: 'REQ-0001',
      multipleItemRequestId: 'MULTI-1',
      timestampReceived: '2026-03-01T10:15:00.000Z',
      messageStatus: 'OK',
    },
    errorData: null,
  });
  assert.deepEqual(roundTrip(requestOk), requestOk);

  const samOk = okConfirmation(supplyingAgencyMessage('Loaned'), { now: NOW });
  assert.equal(samOk.reasonForMessage, 'StatusChange');
  assert.equal(samOk.header.multipleItemRequestId, null);
  assert.deepEqual(roundTrip(samOk), samOk);

  const ramOk = okConfirmation(requestingAgencyMessage('Renew'), { now: NOW });
  assert.equal(ramOk.action, 'Renew');
  assert.deepEqual(roundTrip(ramOk), ramOk);
});

for (const errorType of ERROR_TYPES) {
  test(`ERROR confirmations with ${errorType} validate and round-trip`, () => {
    for (const message of [minimalRequest(), supplyingAgencyMessage('Unfilled'), requestingAgencyMessage('Cancel')]) {
      const confirmation = errorConfirmation(message, { errorType, errorValue: errorType === 'BadlyFormedMessage' ? null : `detail for ${errorType} & <more>` }, { now: NOW });
      assert.equal(confirmation.header.messageStatus, 'ERROR');
      assert.deepEqual(roundTrip(confirmation), confirmation);
    }
  });
}

test('confirmations of what peers really send: +0000 timestamps repaired, unknown codes and typeless ids not echoed', () => {
  const sam = supplyingAgencyMessage('Loaned');
  sam.header.timestamp = '1900-01-01T01:01:01+0000';
  sam.header.supplyingAgencyId = { type: null, value: 'NO-TYPE' };
  sam.messageInfo.reasonForMessage = 'Whatever';
  const confirmation = errorConfirmation(sam, { errorType: 'UnsupportedReasonForMessageType', errorValue: 'Whatever' }, { now: NOW });
  assert.equal(confirmation.header.timestampReceived, '1900-01-01T01:01:01+00:00');
  assert.equal(confirmation.header.supplyingAgencyId, null);
  assert.equal(confirmation.reasonForMessage, null);
  assertValid(buildIso18626(confirmation));

  const ram = requestingAgencyMessage('WeCancelThisMessage');
  ram.header.timestamp = 'timestamp_holder';
  const ramError = errorConfirmation(ram, { errorType: 'UnsupportedActionType', errorValue: 'WeCancelThisMessage' }, { now: NOW });
  assert.equal(ramError.action, null);
  assert.equal(ramError.header.timestampReceived, '2026-03-01T10:15:05.000Z', 'beyond repair: the time we received it');
  assertValid(buildIso18626(ramError));
});

test('confirmationForFailure: an ERROR confirmation for readable failures, null for unparsable bodies', () => {
  const noStatusInfo = Buffer.from(
    buildIso18626(supplyingAgencyMessage('Loaned')).replace(/<ill:statusInfo>.*<\/ill:statusInfo>/, ''),
    'utf8',
  );
  const outcome = parseIso18626(noStatusInfo);
  assert.ok(!outcome.ok);
  const confirmation = confirmationForFailure(outcome, { now: NOW });
  assert.ok(confirmation);
  assert.equal(confirmation.kind, 'supplyingAgencyMessageConfirmation');
  assert.deepEqual(confirmation.errorData, { errorType: 'BadlyFormedMessage', errorValue: 'supplyingAgencyMessage/statusInfo is missing' });
  assert.equal(confirmation.header.requestingAgencyRequestId, 'REQ-0001');
  assertValid(buildIso18626(confirmation));

  const notXml = parseIso18626(Buffer.from('hello'));
  assert.ok(!notXml.ok);
  assert.equal(confirmationForFailure(notXml), null);
});

test('builders refuse what the schema rejects', () => {
  const cases: [string, () => Iso18626Message][] = [
    ['status outside the closed list', () => supplyingAgencyMessage('WeCouldLoan')],
    ['2021-only status', () => supplyingAgencyMessage('HoldReturn')],
    ['empty status', () => ({ ...supplyingAgencyMessage('Loaned'), statusInfo: { ...supplyingAgencyMessage('Loaned').statusInfo, status: null } })],
    ['missing lastChange', () => ({ ...supplyingAgencyMessage('Loaned'), statusInfo: { ...supplyingAgencyMessage('Loaned').statusInfo, lastChange: null } })],
    ['action outside the closed list', () => requestingAgencyMessage('Lost')],
    ['missing action', () => ({ ...requestingAgencyMessage('Cancel'), action: null })],
    ['missing supplyingAgencyId', () => ({ ...minimalRequest(), header: header({ supplyingAgencyId: null }) })],
    ['agency id without type', () => ({ ...minimalRequest(), header: header({ requestingAgencyId: { type: null, value: 'X' } }) })],
    ['timestamp with +0000', () => ({ ...minimalRequest(), header: header({ timestamp: '2026-03-01T10:15:00+0000' }) })],
    ['missing requestingAgencyRequestId', () => ({ ...minimalRequest(), header: header({ requestingAgencyRequestId: null }) })],
    ['serviceInfo without serviceType', () => ({ ...fullRequest(), serviceInfo: { ...fullRequest().serviceInfo!, serviceType: null } })],
    ['four requestSubTypes', () => ({ ...fullRequest(), serviceInfo: { ...fullRequest().serviceInfo!, requestSubTypes: ['PatronRequest', 'BookingRequest', 'TransferRequest', 'MultipleItemRequest'] } })],
    ['monetaryValue not a decimal', () => ({ ...fullRequest(), billingInfo: { ...fullRequest().billingInfo!, maximumCosts: { currencyCode: 'USD', monetaryValue: '12,50' } } })],
    ['identifier without code', () => ({ ...minimalRequest(), bibliographicInfo: { ...minimalRequest().bibliographicInfo, bibliographicItemIds: [{ code: null, value: '1' }] } })],
    ['deliveryInfo without dateSent', () => ({ ...supplyingAgencyMessage('Loaned'), deliveryInfo: { ...supplyingAgencyMessage('Loaned').deliveryInfo!, dateSent: null } })],
    ['confirmation without messageStatus', () => ({ ...okConfirmation(minimalRequest(), { now: NOW }), header: { ...okConfirmation(minimalRequest(), { now: NOW }).header, messageStatus: null } })],
    ['errorType outside the closed list', () => ({ ...okConfirmation(minimalRequest(), { now: NOW }), errorData: { errorType: 'Oops', errorValue: null } })],
    ['sortOrder not an integer', () => ({ ...fullRequest(), requestedDeliveryInfo: [{ sortOrder: 1.5, address: null }] })],
  ];
  for (const [what, make] of cases) {
    assert.throws(() => buildIso18626(make()), Iso18626BuildError, what);
  }
});

test('the schema check is not vacuous: an unqualified version or a wrong status is rejected', () => {
  const xml = buildIso18626(supplyingAgencyMessage('Loaned'));
  assert.notDeepEqual(iso18626Schema().validate(xml.replace('ill:version=', 'version=')), []);
  assert.notDeepEqual(iso18626Schema().validate(xml.replace('>Loaned<', '>WeCouldLoan<')), []);
});
