/**
 * Sending strictly (protocols.md §6, §8.1; illiad.md §3.2, §5 (b) 9–11): every response we build validates against
 * the NCIP 2.02 schema, is `ns1:`-prefixed, escapes its text, and a success never carries the words ILLiad's add-on
 * reads as failure.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildNcipResponse, NcipBuildError, ncipDateTime } from '../../src/protocols/ncip/build.ts';
import type { NcipProblem, NcipResponse } from '../../src/protocols/ncip/messages.ts';
import { GENERAL_PROCESSING_ERROR_SCHEME, ILLIAD_FAILURE_MARKERS, illiadFailureMarkers, MESSAGING_ERROR_SCHEME, ncipProblem, SERVICE_PROCESSING_ERRORS } from '../../src/protocols/ncip/problems.ts';
import { safeParseXml } from '../../src/protocols/xml/safe-parse.ts';
import { attribute, child, childText } from '../../src/protocols/xml/tree.ts';
import { ncipSchema } from '../support/ncip-xsd.ts';

const header = { fromAgencyId: '01UNI_INST', toAgencyId: 'ILLIAD' };
const user = { agencyId: '01UNI_INST', type: 'Barcode Id', value: 'jstudent' };
const item = { agencyId: '01UNI_INST', value: '39001000123456' };
const requestId = { agencyId: '01UNI_INST', value: 'TN-123456' };

/** One realistic success per service (ids and dates only, as a responder would answer ILLiad or a broker). */
const SUCCESSES: NcipResponse[] = [
  { service: 'AcceptItem', header, requestId, itemId: { agencyId: null, value: '123456-1OF1' } },
  { service: 'AcceptItem', header, requestId, itemId: null },
  { service: 'CheckInItem', header, itemId: item },
  { service: 'CheckInItem', header, itemId: item, userId: user },
  { service: 'CheckOutItem', header, itemId: item, userId: { agencyId: null, type: null, value: 'pseudopatron' }, dateDue: '2027-01-15T23:59:00' },
  { service: 'CheckOutItem', header, itemId: item, userId: user, dateDue: ncipDateTime(new Date(Date.UTC(2027, 0, 15, 23, 59, 59))) },
  { service: 'CheckOutItem', header, itemId: item, userId: user, dateDue: null },
  { service: 'LookupUser', header, userId: user },
  {
    service: 'LookupUser',
    header,
    userId: user,
    name: { first: 'Jane', last: 'Student' },
    email: 'jstudent@example.edu',
    privilege: { agencyId: '01UNI_INST', type: 'FACULTY', status: 'ACTIVE' },
    blocks: ['Fines', 'Expired'],
  },
  { service: 'LookupUser', header, userId: user, name: { first: 'Jane Student', last: null }, email: null, privilege: null, blocks: [] },
  { service: 'RequestItem', header, requestId, userId: user, requestType: 'Hold', requestScopeType: 'Item' },
  { service: 'RequestItem', header, requestId, itemId: item, userId: user, requestType: 'Loan', requestScopeType: 'Bibliographic Item' },
  { service: 'CancelRequestItem', header, requestId, userId: user },
  { service: 'CancelRequestItem', header, requestId: null, itemId: item, userId: user },
  { service: 'CancelRequestItem', header, requestId, itemId: item, userId: user },
  { service: 'RenewItem', header, itemId: item, dateDue: '2027-02-15T23:59:59Z' },
  { service: 'RenewItem', header, itemId: item, userId: user, dateDue: '2027-02-15T23:59:59.123+01:00' },
  { service: 'CreateUserFiscalTransaction', header, userId: user, fiscalTransactionReference: 'FT-0001' },
];

const SERVICES = ['AcceptItem', 'CheckInItem', 'CheckOutItem', 'LookupUser', 'RequestItem', 'CancelRequestItem', 'RenewItem', 'CreateUserFiscalTransaction'] as const;

function assertValid(xml: string, label: string): void {
  assert.deepEqual(ncipSchema().validate(xml), [], `${label}:\n${xml}`);
}

test('every success variant validates against ncip_v2_02.xsd', () => {
  for (const response of SUCCESSES) assertValid(buildNcipResponse(response), response.service);
  assert.deepEqual(new Set(SUCCESSES.map((response) => response.service)), new Set(SERVICES));
});

test('a success body never contains the words ILLiad reads as failure', () => {
  for (const response of SUCCESSES) {
    const xml = buildNcipResponse(response);
    assert.deepEqual(illiadFailureMarkers(xml), [], `${response.service}:\n${xml}`);
    for (const word of ['Problem', 'Unknown', 'Not Checked Out', 'Ineligible', 'Authentication Failed', 'Service is not known']) assert.ok(!xml.includes(word), `${word} in ${response.service}`);
  }
  assert.deepEqual([...ILLIAD_FAILURE_MARKERS], ['Problem', 'Unknown', 'Not Checked Out', 'Ineligible', 'Authentication Failed', 'Service is not known']);
});

test('the message is UTF-8, ns1:-prefixed throughout, with the qualified 2.02 version', () => {
  const xml = buildNcipResponse(SUCCESSES[0]!);
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<ns1:NCIPMessage xmlns:ns1="http://www.niso.org/2008/ncip" ns1:version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd">'));
  for (const response of [...SUCCESSES, { service: 'AcceptItem', header, problems: [ncipProblem('AcceptItem', 'Unknown User', 'no patron jstudent')] }]) {
    const tags = buildNcipResponse(response).match(/<\/?[^?!][^\s>/]*/g) ?? [];
    assert.deepEqual(tags.filter((tag) => !/^<\/?ns1:/.test(tag)), [], response.service);
  }
});

test('the ResponseHeader swaps the agencies as given, and is left out when the initiator named none', () => {
  const xml = buildNcipResponse(SUCCESSES[0]!);
  assert.match(xml, /<ns1:ResponseHeader><ns1:FromAgencyId><ns1:AgencyId>01UNI_INST<\/ns1:AgencyId><\/ns1:FromAgencyId><ns1:ToAgencyId><ns1:AgencyId>ILLIAD<\/ns1:AgencyId><\/ns1:ToAgencyId><\/ns1:ResponseHeader>/);
  const without = buildNcipResponse({ service: 'CheckInItem', header: { fromAgencyId: '01UNI_INST', toAgencyId: null }, itemId: item });
  assert.ok(!without.includes('ResponseHeader'));
  assertValid(without, 'no header');
});

test('CheckOutItem without a due date says IndeterminateLoanPeriodFlag; LookupUser fields land where the schema wants them', () => {
  assert.match(buildNcipResponse(SUCCESSES[6]!), /<ns1:IndeterminateLoanPeriodFlag><\/ns1:IndeterminateLoanPeriodFlag>/);
  const full = buildNcipResponse(SUCCESSES[8]!);
  assert.match(full, /<ns1:StructuredPersonalUserName><ns1:GivenName>Jane<\/ns1:GivenName><ns1:Surname>Student<\/ns1:Surname>/);
  assert.match(full, /<ns1:ElectronicAddressType ns1:Scheme="http:\/\/www.iana.org\/assignments\/uri-schemes">mailto<\/ns1:ElectronicAddressType><ns1:ElectronicAddressData>jstudent@example.edu</);
  assert.match(full, /<ns1:BlockOrTrap><ns1:AgencyId>01UNI_INST<\/ns1:AgencyId><ns1:BlockOrTrapType>Fines<\/ns1:BlockOrTrapType><\/ns1:BlockOrTrap>/);
  assert.match(buildNcipResponse(SUCCESSES[9]!), /<ns1:UnstructuredPersonalUserName>Jane Student<\/ns1:UnstructuredPersonalUserName>/);
  assert.ok(!buildNcipResponse(SUCCESSES[7]!).includes('UserOptionalFields'));
});

test('a Problem inside each service response validates, with its standard scheme', () => {
  const typical: Record<(typeof SERVICES)[number], string> = {
    AcceptItem: 'Unknown User',
    CheckInItem: 'Item Not Checked Out',
    CheckOutItem: 'User Ineligible To Check Out This Item',
    LookupUser: 'Unknown User',
    RequestItem: 'Duplicate Request',
    CancelRequestItem: 'Request Already Processed',
    RenewItem: 'Maximum Renewals Exceeded',
    CreateUserFiscalTransaction: 'Invalid Amount',
  };
  for (const service of SERVICES) {
    const problem = ncipProblem(service, typical[service], `detail for ${service}`, { element: `//${service}/UserId`, value: 'jstudent' });
    const expected = service === 'CreateUserFiscalTransaction' ? GENERAL_PROCESSING_ERROR_SCHEME : SERVICE_PROCESSING_ERRORS[service].scheme;
    assert.equal(problem.scheme, expected, service);
    for (const responseHeader of [header, null]) {
      const xml = buildNcipResponse({ service, header: responseHeader, problems: [problem] });
      assertValid(xml, `${service} Problem`);
      assert.ok(xml.includes(`<ns1:${service}Response>`), service);
      assert.ok(xml.includes(`<ns1:ProblemType ns1:Scheme="${expected}">${typical[service]}</ns1:ProblemType><ns1:ProblemDetail>detail for ${service}</ns1:ProblemDetail><ns1:ProblemElement>//${service}/UserId</ns1:ProblemElement><ns1:ProblemValue>jstudent</ns1:ProblemValue>`));
    }
  }
});

test('Unsupported Service for another NCIP service sits in its response; a general Problem works anywhere', () => {
  const xml = buildNcipResponse({ service: 'LookupItem', header, problems: [ncipProblem(null, 'Unsupported Service', 'LookupItem is not offered here')] });
  assertValid(xml, 'LookupItem');
  assert.ok(xml.includes('<ns1:LookupItemResponse>'));
  assert.ok(xml.includes(`ns1:Scheme="${GENERAL_PROCESSING_ERROR_SCHEME}"`));
  const several = buildNcipResponse({
    service: 'AcceptItem',
    header,
    problems: [ncipProblem('AcceptItem', 'Unknown Agency', 'ILLiad2 is not a partner here', { element: 'InitiationHeader/ApplicationProfileType' }), ncipProblem('AcceptItem', 'Temporary Processing Failure', 'try again')],
  });
  assertValid(several, 'two Problems');
  assert.equal(several.match(/<ns1:Problem>/g)?.length, 2);
});

test('message-level Problems go directly under NCIPMessage, for NCIPMessage and for names NCIP does not have', () => {
  for (const service of ['NCIPMessage', 'FrobnicateItem', 'AcceptItemResponse']) {
    const xml = buildNcipResponse({ service, header: null, problems: [ncipProblem(null, 'Invalid Message Syntax Error', 'line 1, column 12: char & is not expected.')] });
    assertValid(xml, service);
    assert.match(xml, /<ns1:NCIPMessage [^>]*><ns1:Problem><ns1:ProblemType ns1:Scheme="[^"]*messagingerrortype.scm">Invalid Message Syntax Error<\/ns1:ProblemType>/);
    assert.ok(xml.includes(MESSAGING_ERROR_SCHEME));
  }
});

test('a non-standard Problem wording is sent without a Scheme; empty detail and absent element/value are left out', () => {
  const problem: NcipProblem = { type: 'Duplicate Item', detail: '' };
  const xml = buildNcipResponse({ service: 'AcceptItem', header, problems: [problem] });
  assertValid(xml, 'bare Problem');
  assert.ok(xml.includes('<ns1:Problem><ns1:ProblemType>Duplicate Item</ns1:ProblemType></ns1:Problem>'));
});

test('text with & < > " \' and é is escaped and round-trips through the parser', () => {
  const nasty = `A&B <c> "d" 'e' é ]]> &amp;`;
  const xml = buildNcipResponse({ service: 'CheckInItem', header: { fromAgencyId: nasty, toAgencyId: nasty }, itemId: { agencyId: nasty, value: nasty }, userId: { agencyId: null, type: nasty, value: nasty } });
  assertValid(xml, 'escaped success');
  const problemXml = buildNcipResponse({ service: 'CheckInItem', header, problems: [{ type: 'Unknown Item', scheme: `urn:x?a=1&b="2"`, detail: nasty, element: nasty, value: nasty }] });
  assertValid(problemXml, 'escaped Problem');

  const parsed = safeParseXml(Buffer.from(xml, 'utf8'));
  assert.ok(parsed.ok);
  const response = child(parsed.root.content, 'CheckInItemResponse');
  assert.equal(childText(child(child(response, 'ResponseHeader'), 'FromAgencyId'), 'AgencyId'), nasty.trim());
  assert.equal(childText(child(response, 'ItemId'), 'ItemIdentifierValue'), nasty);
  assert.equal(childText(child(response, 'UserId'), 'UserIdentifierType'), nasty);

  const parsedProblem = safeParseXml(Buffer.from(problemXml, 'utf8'));
  assert.ok(parsedProblem.ok);
  const problem = child(child(parsedProblem.root.content, 'CheckInItemResponse'), 'Problem');
  assert.equal(childText(problem, 'ProblemDetail'), nasty);
  assert.equal(childText(problem, 'ProblemValue'), nasty);
  assert.equal(attribute(child(problem, 'ProblemType'), 'Scheme'), `urn:x?a=1&b="2"`);
});

test('characters XML cannot carry are replaced, so the body stays well-formed', () => {
  const xml = buildNcipResponse({ service: 'CheckInItem', header, problems: [ncipProblem('CheckInItem', 'Unknown Item', 'bad\u0000byte\u001b and a lone \ud800 surrogate')] });
  assertValid(xml, 'control characters');
  assert.ok(xml.includes('bad\uFFFDbyte\uFFFD and a lone \uFFFD surrogate'));
});

test('what the schema cannot carry is refused with NcipBuildError', () => {
  assert.throws(() => buildNcipResponse({ service: 'RenewItem', header, itemId: item, dateDue: '2027-02-15' }), NcipBuildError);
  assert.throws(() => buildNcipResponse({ service: 'CheckOutItem', header, itemId: item, userId: user, dateDue: '15/02/2027' }), NcipBuildError);
  assert.throws(() => buildNcipResponse({ service: 'CancelRequestItem', header, requestId: null, itemId: null, userId: user }), NcipBuildError);
  assert.throws(() => buildNcipResponse({ service: 'AcceptItem', header, problems: [] }), NcipBuildError);
});
