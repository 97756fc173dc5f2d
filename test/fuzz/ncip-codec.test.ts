/**
 * Property-based tests of the NCIP codec (issue 10, item 5), FUZZ_RUNS cases each (test/support/fuzz.ts):
 * whatever bytes arrive, parsing answers with a typed outcome and never throws; the answer the responder would build
 * for it is well-formed NCIP; every response we build reads back to what was built and validates against
 * ncip_v2_02.xsd; and our XML reader fails only with its typed failure.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildNcipResponse, ncipDateTime } from '../../src/protocols/ncip/build.ts';
import type { NcipId, NcipProblem, NcipRequest, NcipResponse, NcipUserId, ResponseHeader } from '../../src/protocols/ncip/messages.ts';
import { parseNcipRequest } from '../../src/protocols/ncip/parse.ts';
import { GENERAL_PROCESSING_ERROR_SCHEME, GENERAL_PROCESSING_ERRORS, MESSAGING_ERROR_SCHEME, MESSAGING_ERRORS, ncipProblem, SERVICE_PROCESSING_ERRORS } from '../../src/protocols/ncip/problems.ts';
import { isNcipService, NCIP_SERVICES } from '../../src/protocols/ncip/services.ts';
import { escapeText, xmlSafeChars } from '../../src/protocols/xml/escape.ts';
import { readXml } from '../../src/protocols/xml/reader.ts';
import { safeParseXml } from '../../src/protocols/xml/safe-parse.ts';
import { attribute, child, children, childText, elementNames, textOf, type XmlValue } from '../../src/protocols/xml/tree.ts';
import { arbitraryBodies, conformanceSamples, hostileText, mutatedSamples, runs } from '../support/fuzz.ts';
import { ncipSchema } from '../support/ncip-xsd.ts';

const SAMPLES = conformanceSamples('ncip');

/** What an NCIP body reading as `ok: false` may answer with: the message could not be taken, or is not for us. */
const PARSE_PROBLEMS = new Set(['Invalid Message Syntax Error', 'Unsupported Service']);

/** Longest Problem text we send back: a peer's names and values are clipped, never echoed whole. */
const MAX_PROBLEM_TEXT = 400;

function assertParseOutcome(body: Buffer): ReturnType<typeof parseNcipRequest> {
  const outcome = parseNcipRequest(body);
  if (outcome.ok) {
    assert.equal(typeof outcome.request.service, 'string');
    assert.ok(Array.isArray(outcome.notes));
  } else {
    assert.ok(PARSE_PROBLEMS.has(outcome.problem.type), outcome.problem.type);
    assert.ok(outcome.problem.detail.length > 0);
    for (const text of [outcome.problem.detail, outcome.problem.element ?? '', outcome.problem.value ?? '']) {
      assert.ok(text.length <= MAX_PROBLEM_TEXT, `a Problem carries ${text.length} characters: ${text.slice(0, 120)}…`);
    }
  }
  return outcome;
}

/** The answer the responder gives a parsed message before any use case runs: a Problem echoing its header. */
function answerFor(outcome: ReturnType<typeof parseNcipRequest>): string {
  if (!outcome.ok) return buildNcipResponse({ service: outcome.service ?? 'NCIPMessage', header: outcome.header?.fromAgencyId ? { fromAgencyId: 'US', toAgencyId: outcome.header.fromAgencyId } : null, problems: [outcome.problem] });
  const request = outcome.request;
  const header: ResponseHeader = { fromAgencyId: 'US', toAgencyId: request.header.fromAgencyId };
  const name = request.service === 'Unsupported' ? request.name : request.service;
  return buildNcipResponse({ service: name, header, problems: [ncipProblem(request.service === 'Unsupported' ? null : request.service, 'Unsupported Service', `${name.slice(0, 100)} is not answered`, { element: `//${name.slice(0, 100)}` })] });
}

/** A success that echoes the ids the request carried, as responder.ts does (ours where it sent none). */
function echoFor(request: Exclude<NcipRequest, { service: 'Unsupported' }>): NcipResponse {
  const header: ResponseHeader = { fromAgencyId: 'US', toAgencyId: request.header.fromAgencyId };
  const ours = (value: string): NcipId => ({ agencyId: 'US', value });
  const user = (id: NcipUserId | null): NcipUserId => id ?? { agencyId: 'US', type: null, value: 'patron' };
  const itemId = 'itemId' in request ? request.itemId : null;
  const requestId = 'requestId' in request ? request.requestId : null;
  switch (request.service) {
    case 'AcceptItem':
      return { service: 'AcceptItem', header, requestId: requestId ?? ours('R1'), itemId };
    case 'CheckInItem':
      return { service: 'CheckInItem', header, itemId: itemId ?? ours('I1') };
    case 'CheckOutItem':
      return { service: 'CheckOutItem', header, itemId: itemId ?? ours('I1'), userId: user(request.userId), dateDue: '2027-01-15T23:59:59Z' };
    case 'RenewItem':
      return { service: 'RenewItem', header, itemId: itemId ?? ours('I1'), dateDue: '2027-01-15T23:59:59Z' };
    case 'LookupUser':
      return { service: 'LookupUser', header, userId: user(request.userId), name: { first: 'A', last: 'B' }, email: 'a@example.edu', privilege: { agencyId: 'US', type: 'STAFF', status: 'ACTIVE' }, blocks: [] };
    case 'RequestItem':
      return { service: 'RequestItem', header, requestId: requestId ?? ours('R1'), userId: user(request.userId), requestType: request.requestType ?? 'Loan', requestScopeType: request.requestScopeType ?? 'Bibliographic Item' };
    case 'CancelRequestItem':
      return { service: 'CancelRequestItem', header, requestId: requestId ?? ours('R1'), itemId, userId: user(request.userId) };
    case 'CreateUserFiscalTransaction':
      return { service: 'CreateUserFiscalTransaction', header, userId: user(request.userId), fiscalTransactionReference: 'F1' };
  }
}

function assertWellFormedNcip(xml: string): void {
  const back = safeParseXml(xml);
  assert.ok(back.ok, `our answer is not well-formed: ${back.ok ? '' : back.message}\n${xml.slice(0, 500)}`);
  assert.equal(back.root.name, 'NCIPMessage');
}

test('any bytes: parsing gives a typed outcome, never a throw, and its answer is well-formed NCIP', () => {
  fc.assert(
    fc.property(arbitraryBodies, (body) => {
      assertWellFormedNcip(answerFor(assertParseOutcome(body)));
    }),
    runs(),
  );
});

test('mutated real samples: a typed outcome, a well-formed answer, and a success echoing their ids builds', () => {
  fc.assert(
    fc.property(mutatedSamples(SAMPLES), ({ bytes }) => {
      const outcome = assertParseOutcome(bytes);
      assertWellFormedNcip(answerFor(outcome));
      if (outcome.ok && outcome.request.service !== 'Unsupported') assertWellFormedNcip(buildNcipResponse(echoFor(outcome.request)));
    }),
    runs(),
  );
});

test('a success echoing whatever ids a mutated sample carried still validates against ncip_v2_02.xsd', () => {
  const schema = ncipSchema();
  fc.assert(
    fc.property(mutatedSamples(SAMPLES), ({ bytes }) => {
      const outcome = parseNcipRequest(bytes);
      if (!outcome.ok) {
        assert.deepEqual(schema.validate(answerFor(outcome)), []);
        return;
      }
      if (outcome.request.service === 'Unsupported') return;
      const xml = buildNcipResponse(echoFor(outcome.request));
      assert.deepEqual(schema.validate(xml), [], xml);
    }),
    runs(),
  );
});

test('our XML reader: any text either reads or fails with its typed reason, never a throw', () => {
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.array(fc.oneof(fc.constantFrom('<a>', '</a>', '<b x="1">', '</b>', '<a/>', '<!--', '-->', '<![CDATA[', ']]>', '<?x ?>', '&amp;', '&#0;', '&', '<', '>', '"', "'", '=', ' '), hostileText), { maxLength: 30 }).map((parts) => parts.join('')),
  );
  fc.assert(
    fc.property(text, (xml) => {
      const read = readXml(xml, { maxDepth: 16, maxElements: 200 });
      if (!read.ok) assert.ok(['too-deep', 'too-many-elements', 'not-well-formed'].includes(read.reason));
      const safe = safeParseXml(xml);
      if (!safe.ok) assert.ok(safe.message.length <= 201 + 1);
    }),
    runs(),
  );
});

/** What a string comes back as once built and read: XML-safe (escape.ts), trimmed, empty as absent. */
const asRead = (value: string): string | null => xmlSafeChars(value).trim() || null;

test('any text escaped into an element reads back as itself (XML-safe and trimmed)', () => {
  fc.assert(
    fc.property(hostileText, (value) => {
      const read = safeParseXml(`<a>${escapeText(value)}</a>`);
      assert.ok(read.ok);
      assert.equal(textOf(read.root.content), asRead(value));
    }),
    runs(),
  );
});

// ---- build → read round trips of every response we build ----

/** Text as we would send it: any characters, already what reading gives back (so the round trip can compare). */
const clean = fc
  .oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }), fc.string({ unit: fc.constantFrom('&', '<', '>', '"', "'", ']', 'a', 'é', '€', '😀', '\r', '\t', ' ', '\n'), minLength: 1, maxLength: 12 }))
  .map(asRead)
  .filter((value): value is string => value !== null);
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });
const dateTime = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map(ncipDateTime);
const ncipId: fc.Arbitrary<NcipId> = fc.record({ agencyId: optional(clean), value: clean });
const userId: fc.Arbitrary<NcipUserId> = fc.record({ agencyId: optional(clean), type: optional(clean), value: clean });
const header: fc.Arbitrary<ResponseHeader> = fc.record({ fromAgencyId: clean, toAgencyId: optional(clean) });
const problem: fc.Arbitrary<NcipProblem> = fc
  .record({ type: fc.oneof(fc.constantFrom(...MESSAGING_ERRORS, ...GENERAL_PROCESSING_ERRORS), clean), detail: clean, element: fc.option(clean, { nil: undefined }), value: fc.option(clean, { nil: undefined }), scheme: fc.option(fc.constantFrom(MESSAGING_ERROR_SCHEME, GENERAL_PROCESSING_ERROR_SCHEME, SERVICE_PROCESSING_ERRORS.AcceptItem.scheme), { nil: undefined }) })
  .map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as unknown as NcipProblem);

const responses: fc.Arbitrary<NcipResponse> = fc.oneof(
  fc.record({ service: fc.constant('AcceptItem' as const), header, requestId: ncipId, itemId: optional(ncipId) }),
  fc.record({ service: fc.constant('CheckInItem' as const), header, itemId: ncipId, userId: optional(userId) }),
  fc.record({ service: fc.constant('CheckOutItem' as const), header, itemId: ncipId, userId, dateDue: optional(dateTime) }),
  fc.record({
    service: fc.constant('LookupUser' as const),
    header,
    userId,
    name: optional(fc.record({ first: optional(clean), last: optional(clean) })),
    email: optional(clean),
    privilege: optional(fc.record({ agencyId: clean, type: clean, status: clean })),
    blocks: fc.array(clean, { maxLength: 3 }),
  }),
  fc.record({ service: fc.constant('RequestItem' as const), header, requestId: ncipId, itemId: optional(ncipId), userId, requestType: clean, requestScopeType: clean }),
  fc
    .record({ service: fc.constant('CancelRequestItem' as const), header, requestId: optional(ncipId), itemId: optional(ncipId), userId })
    .filter((r) => r.requestId !== null || r.itemId !== null),
  fc.record({ service: fc.constant('RenewItem' as const), header, itemId: ncipId, userId: optional(userId), dateDue: dateTime }),
  fc.record({ service: fc.constant('CreateUserFiscalTransaction' as const), header, userId, fiscalTransactionReference: clean }),
  fc.record({ service: fc.constantFrom(...NCIP_SERVICES, 'NCIPMessage'), header: optional(header), problems: fc.array(problem, { minLength: 1, maxLength: 3 }) }),
);

/** The inverse of build.ts, reading a response back into the shape it was built from. */
function readResponse(xml: string): NcipResponse {
  const parsed = safeParseXml(xml, { isArray: (name) => ['Problem', 'BlockOrTrap'].includes(name) });
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
  const first = elementNames(parsed.root.content)[0]!;
  const id = (node: XmlValue | undefined, valueName: string): NcipId | null => (node === undefined ? null : { agencyId: childText(node, 'AgencyId'), value: childText(node, valueName)! });
  const user = (node: XmlValue | undefined): NcipUserId | null =>
    node === undefined ? null : { agencyId: childText(node, 'AgencyId'), type: childText(node, 'UserIdentifierType'), value: childText(node, 'UserIdentifierValue')! };
  const problems = (node: XmlValue | undefined): NcipProblem[] =>
    children(node, 'Problem').map((p) => {
      const scheme = attribute(child(p, 'ProblemType'), 'Scheme');
      const element = childText(p, 'ProblemElement');
      const value = childText(p, 'ProblemValue');
      return { type: childText(p, 'ProblemType')!, ...(scheme === null ? {} : { scheme }), detail: childText(p, 'ProblemDetail') ?? '', ...(element === null ? {} : { element }), ...(value === null ? {} : { value }) };
    });
  if (first === 'Problem') return { service: 'NCIPMessage', header: null, problems: problems(parsed.root.content) };
  const service = first.replace(/Response$/, '');
  const node = child(parsed.root.content, first);
  const responseHeader = child(node, 'ResponseHeader');
  const head: ResponseHeader = responseHeader === undefined ? { fromAgencyId: '', toAgencyId: null } : { fromAgencyId: childText(child(responseHeader, 'FromAgencyId'), 'AgencyId')!, toAgencyId: childText(child(responseHeader, 'ToAgencyId'), 'AgencyId') };
  if (children(node, 'Problem').length > 0) return { service, header: responseHeader === undefined ? null : head, problems: problems(node) };
  const itemId = id(child(node, 'ItemId'), 'ItemIdentifierValue');
  const requestId = id(child(node, 'RequestId'), 'RequestIdentifierValue');
  const userId = user(child(node, 'UserId'));
  switch (service) {
    case 'AcceptItem':
      return { service, header: head, requestId: requestId!, itemId };
    case 'CheckInItem':
      return { service, header: head, itemId: itemId!, userId };
    case 'CheckOutItem':
      return { service, header: head, itemId: itemId!, userId: userId!, dateDue: childText(node, 'DateDue') };
    case 'LookupUser': {
      const fields = child(node, 'UserOptionalFields');
      const personal = child(child(fields, 'NameInformation'), 'PersonalNameInformation');
      const structured = child(personal, 'StructuredPersonalUserName');
      const unstructured = childText(personal, 'UnstructuredPersonalUserName');
      const privilege = child(fields, 'UserPrivilege');
      return {
        service,
        header: head,
        userId: userId!,
        name: structured !== undefined ? { first: childText(structured, 'GivenName'), last: childText(structured, 'Surname') } : unstructured !== null ? { first: unstructured, last: null } : null,
        email: childText(child(child(fields, 'UserAddressInformation'), 'ElectronicAddress'), 'ElectronicAddressData'),
        privilege:
          privilege === undefined
            ? null
            : { agencyId: childText(privilege, 'AgencyId')!, type: childText(privilege, 'AgencyUserPrivilegeType')!, status: childText(child(privilege, 'UserPrivilegeStatus'), 'UserPrivilegeStatusType')! },
        blocks: children(fields, 'BlockOrTrap').map((block) => childText(block, 'BlockOrTrapType')!),
      };
    }
    case 'RequestItem':
      return { service, header: head, requestId: requestId!, itemId, userId: userId!, requestType: childText(node, 'RequestType')!, requestScopeType: childText(node, 'RequestScopeType')! };
    case 'CancelRequestItem':
      return { service, header: head, requestId, itemId, userId: userId! };
    case 'RenewItem':
      return { service, header: head, itemId: itemId!, userId, dateDue: childText(node, 'DateDue')! };
    case 'CreateUserFiscalTransaction':
      return { service, header: head, userId: userId!, fiscalTransactionReference: childText(child(node, 'FiscalTransactionReferenceId'), 'FiscalTransactionIdentifierValue')! };
    default:
      throw new Error(`unexpected ${first}`);
  }
}

/** fast-check's records have no prototype; what is read back has. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** What building keeps of a response: no header without its To agency, no name without a part, absent as null. */
function asBuilt(response: NcipResponse): NcipResponse {
  const head = (h: ResponseHeader | null): ResponseHeader => (h === null || h.toAgencyId === null ? { fromAgencyId: '', toAgencyId: null } : h);
  if ('problems' in response) {
    const keepsHeader = isNcipService(response.service) && response.header !== null && response.header.toAgencyId !== null;
    return { service: response.service, header: keepsHeader ? response.header : null, problems: response.problems };
  }
  switch (response.service) {
    case 'CheckInItem':
    case 'RenewItem':
      return { ...response, header: head(response.header), userId: response.userId ?? null };
    case 'AcceptItem':
    case 'RequestItem':
    case 'CancelRequestItem':
      return { ...response, header: head(response.header), itemId: response.itemId ?? null };
    case 'LookupUser': {
      const name = response.name ?? null;
      const builtName = name === null ? null : name.last !== null ? name : name.first !== null ? { first: name.first, last: null } : null;
      return { ...response, header: head(response.header), name: builtName, email: response.email ?? null, privilege: response.privilege ?? null, blocks: response.blocks ?? [] };
    }
    default:
      return { ...response, header: head(response.header) };
  }
}

test('every response we build reads back to what was built', () => {
  fc.assert(
    fc.property(responses, (response) => {
      assert.deepEqual(readResponse(buildNcipResponse(response)), plain(asBuilt(response)));
    }),
    runs(),
  );
});

test('every response we build validates against ncip_v2_02.xsd', () => {
  const schema = ncipSchema();
  fc.assert(
    fc.property(responses, (response) => {
      const xml = buildNcipResponse(response);
      assert.deepEqual(schema.validate(xml), [], xml);
    }),
    runs(),
  );
});
