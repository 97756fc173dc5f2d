/**
 * Reading NCIP leniently (protocols.md §6, §8.1; illiad.md §2.3, §5 (b) 1–2): what ILLiad's add-on sends, byte for
 * byte (src/sim/illiad/ncip-messages.ts), in every namespace style, encoding and NCIP 1 shape we expect.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { transactionNumberCandidates } from '../../src/protocols/ncip/ids.ts';
import type { NcipRequest, ParseOutcome } from '../../src/protocols/ncip/messages.ts';
import { parseNcipRequest } from '../../src/protocols/ncip/parse.ts';
import { MESSAGING_ERROR_SCHEME } from '../../src/protocols/ncip/problems.ts';
import { NCIP_REPEATABLE_ELEMENTS } from '../../src/protocols/ncip/repeatable.ts';
import { NCIP_SERVICES } from '../../src/protocols/ncip/services.ts';
import { acceptItem, checkInItemBorrowing, checkInItemLending, checkOutItemLending, encodeLatin1, type NcipMessageSettings } from '../../src/sim/illiad/ncip-messages.ts';
import { newTransaction } from '../../src/sim/illiad/transaction.ts';
import { NCIP_SCHEMA_URL } from '../support/ncip-xsd.ts';

const settings: NcipMessageSettings = {
  fromAgencyId: 'ILLIAD',
  toAgencyId: '01UNI_INST',
  applicationProfileType: 'ILLiad',
  pseudopatron: 'pseudopatron',
  requestIdPrefix: 'TN-',
  checkOutItemRequestIdPrefix: 'ILL-',
};

const transaction = newTransaction(123456, {
  Username: 'jstudent',
  RequestType: 'Loan',
  ProcessType: 'Borrowing',
  LoanTitle: 'Café & Crème: la cuisine française',
  LoanAuthor: 'Müller & Søn',
  ItemNumber: '39001000123456',
});

const header = { fromAgencyId: 'ILLIAD', toAgencyId: '01UNI_INST', applicationProfileType: 'ILLiad' };

function request(outcome: ParseOutcome): NcipRequest {
  if (!outcome.ok) assert.fail(`expected a request, got the Problem ${JSON.stringify(outcome.problem)}`);
  return outcome.request;
}

const parseText = (xml: string) => parseNcipRequest(Buffer.from(xml, 'utf8'));

test("ILLiad's AcceptItem (ISO-8859-1, default namespace, & → and) reads with accents, ids and date as sent", () => {
  const bytes = encodeLatin1(acceptItem(transaction, settings, { itemId: '123456-1OF1', dateForReturn: '2026-12-31' }));
  assert.ok(bytes.includes(0xe9), 'é travels as one Latin-1 byte');
  const outcome = parseNcipRequest(bytes);
  assert.deepEqual(request(outcome), {
    service: 'AcceptItem',
    header,
    requestId: { agencyId: '01UNI_INST', value: 'TN-123456' },
    requestedActionType: 'Hold For Pickup And Notify',
    userId: { agencyId: '01UNI_INST', type: 'Barcode Id', value: 'jstudent' },
    itemId: { agencyId: null, value: '123456-1OF1' },
    dateForReturn: '2026-12-31T23:59:00',
    pickupLocation: null,
    pickupExpiryDate: null,
    title: 'Café and Crème: la cuisine française',
    author: 'Müller and Søn',
  });
  assert.ok(outcome.ok);
  assert.equal(outcome.version, 'http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd');
  assert.deepEqual(outcome.notes, ['version attribute not namespace-qualified']);
});

test("Northwestern's AcceptItem variant carries a PickupLocation", () => {
  const xml = acceptItem(transaction, { ...settings, pickupLocation: () => 'MAIN' }, { itemId: '123456', dateForReturn: '2026-12-31' });
  const parsed = request(parseNcipRequest(encodeLatin1(xml)));
  assert.equal(parsed.service === 'AcceptItem' && parsed.pickupLocation, 'MAIN');
});

test("ILLiad's CheckInItem and CheckOutItem read, the extra UserId and RequestId of CheckInItem included", () => {
  assert.deepEqual(request(parseNcipRequest(encodeLatin1(checkInItemBorrowing(transaction, settings, { itemId: '123456' })))), {
    service: 'CheckInItem',
    header,
    userId: { agencyId: null, type: null, value: 'jstudent' },
    itemId: { agencyId: '01UNI_INST', value: '123456' },
    requestId: { agencyId: '01UNI_INST', value: 'TN-123456' },
  });
  assert.deepEqual(request(parseNcipRequest(encodeLatin1(checkOutItemLending(transaction, settings, { desiredDateDue: '2027-01-15' })))), {
    service: 'CheckOutItem',
    header,
    userId: { agencyId: null, type: null, value: 'pseudopatron' },
    itemId: { agencyId: '01UNI_INST', value: '39001000123456' },
    requestId: { agencyId: '01UNI_INST', value: 'ILL-123456' },
    desiredDateDue: '2027-01-15T23:59:00',
  });
  assert.deepEqual(request(parseNcipRequest(encodeLatin1(checkInItemLending(transaction, settings))))['service'], 'CheckInItem');
});

const BODY =
  '<X:RenewItem><X:InitiationHeader><X:FromAgencyId><X:AgencyId>RELAIS</X:AgencyId></X:FromAgencyId>' +
  '<X:ToAgencyId><X:AgencyId>LEHI</X:AgencyId></X:ToAgencyId><X:ApplicationProfileType>EZB</X:ApplicationProfileType></X:InitiationHeader>' +
  '<X:UserId><X:UserIdentifierValue> 8377630 </X:UserIdentifierValue></X:UserId><X:ItemId><X:ItemIdentifierValue>i-1</X:ItemIdentifierValue></X:ItemId>' +
  '<X:DesiredDateDue>2027-01-15T23:59:59Z</X:DesiredDateDue></X:RenewItem>';
const RENEW: NcipRequest = {
  service: 'RenewItem',
  header: { fromAgencyId: 'RELAIS', toAgencyId: 'LEHI', applicationProfileType: 'EZB' },
  userId: { agencyId: null, type: null, value: '8377630' },
  itemId: { agencyId: null, value: 'i-1' },
  desiredDateDue: '2027-01-15T23:59:59Z',
};

test('the same message reads alike with ns1:, ncip:, a default namespace, or no namespace at all', () => {
  const variants: Record<string, string> = {
    ns1: `<ns1:NCIPMessage xmlns:ns1="http://www.niso.org/2008/ncip" ns1:version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd">${BODY.replaceAll('X:', 'ns1:')}</ns1:NCIPMessage>`,
    ncip: `<?xml version="1.0"?><ncip:NCIPMessage xmlns:ncip="http://www.niso.org/2008/ncip" ncip:version="http://www.niso.org/ncip/v2_02/imp1/xsd/ncip_v2_02.xsd">${BODY.replaceAll('X:', 'ncip:')}</ncip:NCIPMessage>`,
    default: `<NCIPMessage xmlns="http://www.niso.org/2008/ncip" version="http://www.niso.org/schemas/ncip/v2_0/ncip_v2_0.xsd">${BODY.replaceAll('X:', '')}</NCIPMessage>`,
    none: `<NCIPMessage>\n  ${BODY.replaceAll('X:', '')}\n</NCIPMessage>`,
  };
  for (const [name, xml] of Object.entries(variants)) assert.deepEqual(request(parseText(xml)), RENEW, name);
  const none = parseText(variants.none!);
  assert.ok(none.ok);
  assert.equal(none.version, null);
  assert.deepEqual(none.notes, ['no namespace: read as NCIP', 'no version attribute']);
  const ns1 = parseText(variants.ns1!);
  assert.ok(ns1.ok);
  assert.deepEqual(ns1.notes, []);
});

test('Windows-1252 smart quotes and the euro sign decode, also when the body says ISO-8859-1', () => {
  const xml = (encoding: string) =>
    `<?xml version="1.0" encoding="${encoding}"?><NCIPMessage xmlns="http://www.niso.org/2008/ncip"><AcceptItem>` +
    '<ItemOptionalFields><BibliographicDescription><Title>\u201cQuoted\u201d \u2013 \u20ac5</Title></BibliographicDescription></ItemOptionalFields></AcceptItem></NCIPMessage>';
  const cp1252 = (text: string) => Buffer.from(Array.from(text, (char) => ({ '\u201c': 0x93, '\u201d': 0x94, '\u2013': 0x96, '\u20ac': 0x80 })[char] ?? char.charCodeAt(0)));
  for (const encoding of ['windows-1252', 'ISO-8859-1', 'us-ascii']) {
    const outcome = parseNcipRequest(cp1252(xml(encoding)));
    const parsed = request(outcome);
    assert.equal(parsed.service === 'AcceptItem' && parsed.title, '\u201cQuoted\u201d \u2013 \u20ac5', encoding);
    if (encoding !== 'windows-1252') assert.ok(outcome.ok && outcome.notes.some((note) => note.includes('read as Windows-1252')), encoding);
  }
});

test('a UTF-8 byte order mark is skipped, and UTF-8 text decodes', () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?><NCIPMessage><CheckInItem><ItemId><ItemIdentifierValue>Ærø-ß-é</ItemIdentifierValue></ItemId></CheckInItem></NCIPMessage>`;
  const parsed = request(parseNcipRequest(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml, 'utf8')])));
  assert.deepEqual(parsed.service === 'CheckInItem' && parsed.itemId, { agencyId: null, value: 'Ærø-ß-é' });
});

test('UTF-16 with a byte order mark decodes', () => {
  const xml = `<?xml version="1.0" encoding="UTF-16"?><NCIPMessage><CheckInItem><ItemId><ItemIdentifierValue>Ærø</ItemIdentifierValue></ItemId></CheckInItem></NCIPMessage>`;
  const parsed = request(parseNcipRequest(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')])));
  assert.equal(parsed.service === 'CheckInItem' && parsed.itemId?.value, 'Ærø');
});

test('UTF-8 declared but Latin-1 bytes sent: read as Windows-1252 and noted', () => {
  const outcome = parseNcipRequest(Buffer.from('<?xml version="1.0" encoding="UTF-8"?><NCIPMessage><CheckInItem><ItemId><ItemIdentifierValue>caf\xe9</ItemIdentifierValue></ItemId></CheckInItem></NCIPMessage>', 'latin1'));
  const parsed = request(outcome);
  assert.equal(parsed.service === 'CheckInItem' && parsed.itemId?.value, 'café');
  assert.ok(outcome.ok && outcome.notes.some((note) => note.includes('not valid UTF-8')));
});

test('an encoding we do not know is a syntax Problem naming it', () => {
  const outcome = parseText('<?xml version="1.0" encoding="EBCDIC-XYZ"?><NCIPMessage/>');
  assert.ok(!outcome.ok);
  assert.equal(outcome.problem.type, 'Invalid Message Syntax Error');
  assert.equal(outcome.problem.scheme, MESSAGING_ERROR_SCHEME);
  assert.match(outcome.problem.detail, /EBCDIC-XYZ/);
});

test('empty and blank elements are null: AgencyId, values, RequestedActionType', () => {
  const xml =
    '<NCIPMessage xmlns="http://www.niso.org/2008/ncip"><AcceptItem><InitiationHeader><FromAgencyId><AgencyId></AgencyId></FromAgencyId>' +
    '<ToAgencyId><AgencyId>   </AgencyId></ToAgencyId><ApplicationProfileType/></InitiationHeader>' +
    '<RequestId><AgencyId/><RequestIdentifierValue>R1</RequestIdentifierValue></RequestId><RequestedActionType></RequestedActionType>' +
    '<UserId><AgencyId/><UserIdentifierValue></UserIdentifierValue></UserId><ItemId><ItemIdentifierValue>\n</ItemIdentifierValue></ItemId>' +
    '<DateForReturn/><PickupLocation> </PickupLocation></AcceptItem></NCIPMessage>';
  assert.deepEqual(request(parseText(xml)), {
    service: 'AcceptItem',
    header: { fromAgencyId: null, toAgencyId: null, applicationProfileType: null },
    requestId: { agencyId: null, value: 'R1' },
    requestedActionType: null,
    userId: null,
    itemId: null,
    dateForReturn: null,
    pickupLocation: null,
    pickupExpiryDate: null,
    title: null,
    author: null,
  });
});

test('an unescaped & is escaped and noted; an unescaped < is a syntax Problem, not an exception', () => {
  const amp = parseText('<NCIPMessage><AcceptItem><ItemOptionalFields><BibliographicDescription><Title>Salt & Pepper</Title></BibliographicDescription></ItemOptionalFields></AcceptItem></NCIPMessage>');
  const parsed = request(amp);
  assert.equal(parsed.service === 'AcceptItem' && parsed.title, 'Salt & Pepper');
  assert.ok(amp.ok && amp.notes.includes("1 unescaped '&' escaped"));

  const lt = parseText('<NCIPMessage><AcceptItem><ItemOptionalFields><BibliographicDescription><Title>1 < 2</Title></BibliographicDescription></ItemOptionalFields></AcceptItem></NCIPMessage>');
  assert.ok(!lt.ok);
  assert.equal(lt.problem.type, 'Invalid Message Syntax Error');
  assert.equal(lt.service, null);
});

test('character references and predefined entities decode; unknown entities stay as text and are noted', () => {
  const outcome = parseText(
    '<NCIPMessage><CheckInItem><ItemId><AgencyId>A&amp;B</AgencyId><ItemIdentifierValue>caf&#233;&#x20;&lt;1&gt; &quot;x&apos; &nbsp;</ItemIdentifierValue></ItemId></CheckInItem></NCIPMessage>',
  );
  const parsed = request(outcome);
  assert.deepEqual(parsed.service === 'CheckInItem' && parsed.itemId, { agencyId: 'A&B', value: 'café <1> "x\' &nbsp;' });
  assert.ok(outcome.ok && outcome.notes.includes('unknown entity references kept as text: &nbsp;'));
});

test('CDATA content is read as text', () => {
  const parsed = request(parseText('<NCIPMessage><CheckInItem><ItemId><ItemIdentifierValue><![CDATA[a&b<c>]]></ItemIdentifierValue></ItemId></CheckInItem></NCIPMessage>'));
  assert.equal(parsed.service === 'CheckInItem' && parsed.itemId?.value, 'a&b<c>');
});

test('LookupUser: UserId, AuthenticationInputs and UserElementTypes, both at once as FOLIO accepts', () => {
  const xml =
    '<NCIPMessage xmlns="http://www.niso.org/2008/ncip"><LookupUser><UserId><UserIdentifierType>Barcode</UserIdentifierType><UserIdentifierValue>b1</UserIdentifierValue></UserId>' +
    '<AuthenticationInput><AuthenticationInputData>jdoe</AuthenticationInputData><AuthenticationDataFormatType>text</AuthenticationDataFormatType><AuthenticationInputType>Username</AuthenticationInputType></AuthenticationInput>' +
    '<AuthenticationInput><AuthenticationInputData>1234</AuthenticationInputData><AuthenticationDataFormatType/><AuthenticationInputType>PIN</AuthenticationInputType></AuthenticationInput>' +
    '<UserElementType>Name Information</UserElementType><UserElementType/><UserElementType>User Privilege</UserElementType></LookupUser></NCIPMessage>';
  const parsed = request(parseText(xml));
  assert.deepEqual(parsed.service === 'LookupUser' && { userId: parsed.userId, inputs: parsed.authenticationInputs, types: parsed.userElementTypes }, {
    userId: { agencyId: null, type: 'Barcode', value: 'b1' },
    inputs: [
      { type: 'Username', value: 'jdoe' },
      { type: 'PIN', value: '1234' },
    ],
    types: ['Name Information', 'User Privilege'],
  });
});

test('RequestItem: several ItemIds, BibliographicIds of both kinds, request and scope types, pickup, title', () => {
  const xml =
    '<NCIPMessage><RequestItem><UserId><UserIdentifierValue>u1</UserIdentifierValue></UserId>' +
    '<BibliographicId><BibliographicItemId><BibliographicItemIdentifier>9780060652968</BibliographicItemIdentifier><BibliographicItemIdentifierCode>ISBN</BibliographicItemIdentifierCode></BibliographicItemId></BibliographicId>' +
    '<BibliographicId><BibliographicRecordId><BibliographicRecordIdentifier>12345</BibliographicRecordIdentifier><BibliographicRecordIdentifierCode>OCLC</BibliographicRecordIdentifierCode></BibliographicRecordId></BibliographicId>' +
    '<ItemId><ItemIdentifierValue>i1</ItemIdentifierValue></ItemId><ItemId><AgencyId>L</AgencyId><ItemIdentifierValue>i2</ItemIdentifierValue></ItemId>' +
    '<RequestId><RequestIdentifierValue>r1</RequestIdentifierValue></RequestId><RequestType Scheme="http://www.niso.org/ncip/v1_0/imp1/schemes/requesttype/requesttype.scm">Hold</RequestType>' +
    '<RequestScopeType>Bibliographic Item</RequestScopeType><ItemOptionalFields><BibliographicDescription><Author>C. S. Lewis</Author><Title>The Problem of Pain</Title></BibliographicDescription></ItemOptionalFields>' +
    '<PickupLocation>MAIN</PickupLocation></RequestItem></NCIPMessage>';
  assert.deepEqual(request(parseText(xml)), {
    service: 'RequestItem',
    header: { fromAgencyId: null, toAgencyId: null, applicationProfileType: null },
    userId: { agencyId: null, type: null, value: 'u1' },
    requestId: { agencyId: null, value: 'r1' },
    itemIds: [
      { agencyId: null, value: 'i1' },
      { agencyId: 'L', value: 'i2' },
    ],
    bibliographicIds: [
      { type: 'ISBN', value: '9780060652968' },
      { type: 'OCLC', value: '12345' },
    ],
    requestType: 'Hold',
    requestScopeType: 'Bibliographic Item',
    pickupLocation: 'MAIN',
    title: 'The Problem of Pain',
    author: 'C. S. Lewis',
  });
});

test('CreateUserFiscalTransaction: action, type, amount (currency may be missing), description', () => {
  const xml =
    '<ns1:NCIPMessage xmlns:ns1="http://www.niso.org/2008/ncip" ns1:version="x"><ns1:CreateUserFiscalTransaction><ns1:UserId><ns1:UserIdentifierValue>u1</ns1:UserIdentifierValue></ns1:UserId>' +
    '<ns1:FiscalTransactionInformation><ns1:FiscalActionType>Assess</ns1:FiscalActionType><ns1:FiscalTransactionType>Service Charge</ns1:FiscalTransactionType>' +
    '<ns1:Amount><ns1:CurrencyCode>USD</ns1:CurrencyCode><ns1:MonetaryValue>0500</ns1:MonetaryValue></ns1:Amount><ns1:FiscalTransactionDescription>ILL fee</ns1:FiscalTransactionDescription>' +
    '</ns1:FiscalTransactionInformation></ns1:CreateUserFiscalTransaction></ns1:NCIPMessage>';
  const parsed = request(parseText(xml));
  assert.deepEqual(parsed.service === 'CreateUserFiscalTransaction' && [parsed.fiscalActionType, parsed.fiscalTransactionType, parsed.amount, parsed.description], [
    'Assess',
    'Service Charge',
    { currency: 'USD', value: '0500' },
    'ILL fee',
  ]);
});

test('NCIP 1 shapes (UniqueAgencyId, UniqueUserId, UniqueItemId, UniqueRequestId, Scheme/Value pairs) map, with a note', () => {
  const v1Agency = (value: string) => `<UniqueAgencyId><Scheme>http://example.org/agencies</Scheme><Value>${value}</Value></UniqueAgencyId>`;
  const xml =
    '<?xml version="1.0"?><!DOCTYPE NCIPMessage PUBLIC "-//NISO//NCIP DTD Version 1//EN" "http://www.niso.org/ncip/v1_0/imp1/dtd/ncip_v1_0.dtd">' +
    '<NCIPMessage version="http://www.niso.org/ncip/v1_0/imp1/dtd/ncip_v1_0.dtd"><AcceptItem><InitiationHeader>' +
    `<FromAgencyId>${v1Agency('VDX')}</FromAgencyId><ToAgencyId>${v1Agency('LIB')}</ToAgencyId></InitiationHeader>` +
    `<UniqueRequestId>${v1Agency('VDX')}<RequestIdentifierValue>VDX1234</RequestIdentifierValue></UniqueRequestId>` +
    '<RequestedActionType><Scheme>http://www.niso.org/ncip/v1_0/imp1/schemes/requestedactiontype/requestedactiontype.scm</Scheme><Value>Hold For Pickup</Value></RequestedActionType>' +
    `<UniqueUserId>${v1Agency('LIB')}<UserIdentifierValue>u1</UserIdentifierValue></UniqueUserId>` +
    `<UniqueItemId>${v1Agency('VDX')}<ItemIdentifierValue>VDX1234-1</ItemIdentifierValue></UniqueItemId>` +
    '<DateForReturn>2027-01-15T00:00:00</DateForReturn><PickupLocation><Scheme>x</Scheme><Value>MAIN</Value></PickupLocation></AcceptItem></NCIPMessage>';
  const outcome = parseText(xml);
  assert.deepEqual(request(outcome), {
    service: 'AcceptItem',
    header: { fromAgencyId: 'VDX', toAgencyId: 'LIB', applicationProfileType: null },
    requestId: { agencyId: 'VDX', value: 'VDX1234' },
    requestedActionType: 'Hold For Pickup',
    userId: { agencyId: 'LIB', type: null, value: 'u1' },
    itemId: { agencyId: 'VDX', value: 'VDX1234-1' },
    dateForReturn: '2027-01-15T00:00:00',
    pickupLocation: 'MAIN',
    pickupExpiryDate: null,
    title: null,
    author: null,
  });
  assert.ok(outcome.ok && outcome.notes.includes('NCIP 1 element names read'));
  assert.ok(outcome.ok && outcome.notes.some((note) => note.startsWith('DOCTYPE ignored, nothing loaded')));
});

test('FromAgencyAuthentication is passed on when sent', () => {
  const parsed = request(parseText('<NCIPMessage><CheckInItem><InitiationHeader><FromAgencyId><AgencyId>A</AgencyId></FromAgencyId><FromAgencyAuthentication>secret</FromAgencyAuthentication><ToAgencyId><AgencyId>B</AgencyId></ToAgencyId></InitiationHeader></CheckInItem></NCIPMessage>'));
  assert.deepEqual(parsed.header, { fromAgencyId: 'A', toAgencyId: 'B', applicationProfileType: null, fromAgencyAuthentication: 'secret' });
});

test('a service we do not implement is Unsupported, with its name and header', () => {
  const outcome = parseText('<NCIPMessage xmlns="http://www.niso.org/2008/ncip" version="v"><LookupItem><InitiationHeader><FromAgencyId><AgencyId>A</AgencyId></FromAgencyId><ToAgencyId><AgencyId>B</AgencyId></ToAgencyId><ApplicationProfileType>P</ApplicationProfileType></InitiationHeader></LookupItem></NCIPMessage>');
  assert.deepEqual(request(outcome), { service: 'Unsupported', name: 'LookupItem', header: { fromAgencyId: 'A', toAgencyId: 'B', applicationProfileType: 'P' } });
  assert.deepEqual(request(parseText('<NCIPMessage><FrobnicateItem/></NCIPMessage>')), {
    service: 'Unsupported',
    name: 'FrobnicateItem',
    header: { fromAgencyId: null, toAgencyId: null, applicationProfileType: null },
  });
});

test('a root other than NCIPMessage, or an empty NCIPMessage, is a syntax Problem', () => {
  for (const xml of ['<ISO18626Message><request/></ISO18626Message>', '<NCIPMessage version="v"/>', '<NCIPMessage>  </NCIPMessage>']) {
    const outcome = parseText(xml);
    assert.ok(!outcome.ok, xml);
    assert.equal(outcome.problem.type, 'Invalid Message Syntax Error', xml);
    assert.equal(outcome.problem.scheme, MESSAGING_ERROR_SCHEME, xml);
    assert.equal(outcome.service, null, xml);
  }
});

test('a response sent to us is refused as Unsupported Service, message-level', () => {
  const outcome = parseText('<ns1:NCIPMessage xmlns:ns1="http://www.niso.org/2008/ncip" ns1:version="v"><ns1:CheckInItemResponse><ns1:ItemId><ns1:ItemIdentifierValue>1</ns1:ItemIdentifierValue></ns1:ItemId></ns1:CheckInItemResponse></ns1:NCIPMessage>');
  assert.ok(!outcome.ok);
  assert.equal(outcome.problem.type, 'Unsupported Service');
  assert.equal(outcome.problem.element, 'NCIPMessage/CheckInItemResponse');
  assert.equal(outcome.service, null);
});

test('a 200,000-character service or response name is clipped to 100 wherever it would be echoed or logged', () => {
  const long = `X${'x'.repeat(200_000)}`;
  const unsupported = request(parseText(`<NCIPMessage><${long}/></NCIPMessage>`));
  assert.ok(unsupported.service === 'Unsupported' && unsupported.name === `${long.slice(0, 100)}…`);
  const response = parseText(`<NCIPMessage><${long}Response/><${long}/></NCIPMessage>`);
  assert.ok(!response.ok && response.problem.type === 'Unsupported Service');
  assert.ok(response.problem.detail.length < 300 && (response.problem.element ?? '').length < 200, response.problem.detail.slice(0, 300));
});

test('transactionNumberCandidates: the id, then without a prefix, then without the piece suffix too', () => {
  assert.deepEqual(transactionNumberCandidates('TN-123456-1OF1'), ['TN-123456-1OF1', '123456-1OF1', '123456']);
  assert.deepEqual(transactionNumberCandidates('LU-123456'), ['LU-123456', '123456']);
  assert.deepEqual(transactionNumberCandidates('123456-2OF3'), ['123456-2OF3', '123456']);
  assert.deepEqual(transactionNumberCandidates('123456'), ['123456']);
  assert.deepEqual(transactionNumberCandidates('LEH-20191122954'), ['LEH-20191122954', '20191122954']);
  assert.deepEqual(transactionNumberCandidates('ABCDE-1'), ['ABCDE-1'], 'five letters is not a prefix');
});

test('the committed repeatable-element and service lists match the NCIP 2.02 schema', () => {
  const schema = readFileSync(NCIP_SCHEMA_URL, 'utf8');
  const repeatable = new Set([...schema.matchAll(/<xs:element ref="([A-Za-z]+)"[^>]*maxOccurs="unbounded"/g)].map((match) => match[1]!));
  assert.deepEqual([...NCIP_REPEATABLE_ELEMENTS].sort(), [...repeatable].sort());
  const message = /<xs:element name="NCIPMessage">([\s\S]*?)<\/xs:element>/.exec(schema)![1]!;
  const services = [...message.matchAll(/ref="([A-Za-z]+)"/g)].map((match) => match[1]!).filter((name) => !name.endsWith('Response') && name !== 'Problem' && name !== 'Ext');
  assert.deepEqual([...NCIP_SERVICES], services);
});
