/**
 * Property-based tests of the ISO 18626 codec (issue 10, item 5), FUZZ_RUNS cases each (test/support/fuzz.ts):
 * whatever bytes arrive, parsing gives a typed outcome and never throws, and the confirmation the responder builds
 * for it (OK, ERROR, or nothing: HTTP 400) is well-formed and valid against ISO-18626-v1_2.xsd; every message we
 * build parses back to exactly what was built, with nothing tolerated, and validates against the schema.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildIso18626 } from '../../src/protocols/iso18626/build.ts';
import { confirmationForFailure, errorConfirmation, okConfirmation, type Iso18626Confirmable } from '../../src/protocols/iso18626/confirmations.ts';
import type {
  Iso18626Address,
  Iso18626AgencyId,
  Iso18626Confirmation,
  Iso18626Costs,
  Iso18626Header,
  Iso18626Identifier,
  Iso18626Message,
  Iso18626PhysicalAddress,
  Iso18626Request,
  Iso18626SupplyingAgencyMessage,
} from '../../src/protocols/iso18626/messages.ts';
import { parseIso18626 } from '../../src/protocols/iso18626/parse.ts';
import { allEmpty } from '../../src/protocols/iso18626/read.ts';
import { ACTIONS, ERROR_TYPES, MESSAGE_STATUSES, REASONS_FOR_MESSAGE, REQUEST_SUB_TYPES, REQUEST_TYPES, SERVICE_TYPES, STATUSES, YES_NO } from '../../src/protocols/iso18626/vocabulary.ts';
import { xmlSafeChars } from '../../src/protocols/xml/escape.ts';
import { arbitraryBodies, conformanceSamples, hostileText, mutatedSamples, runs } from '../support/fuzz.ts';
import { iso18626Schema } from '../support/iso18626-xsd.ts';

const SAMPLES = conformanceSamples('iso18626');
const CONFIRMABLE = new Set(['request', 'supplyingAgencyMessage', 'requestingAgencyMessage']);

/** The confirmation responder.ts would send before any use case runs: OK for a readable message, else ERROR or none. */
function confirmationFor(outcome: ReturnType<typeof parseIso18626>): string | null {
  if (!outcome.ok) {
    const confirmation = confirmationForFailure(outcome);
    if (confirmation === null) assert.ok(outcome.unparsable || outcome.kind === null || !CONFIRMABLE.has(outcome.kind));
    return confirmation === null ? null : buildIso18626(confirmation);
  }
  if (!CONFIRMABLE.has(outcome.message.kind)) return null;
  const message = outcome.message as Iso18626Confirmable;
  // Both answers the responder may give: OK, and ERROR carrying a refusal that names what the peer sent.
  buildIso18626(errorConfirmation(message, { errorType: 'UnrecognisedDataValue', errorValue: `no request ${message.header.requestingAgencyRequestId ?? ''}` }));
  return buildIso18626(okConfirmation(message));
}

function assertOutcome(body: Buffer): ReturnType<typeof parseIso18626> {
  const outcome = parseIso18626(body);
  if (!outcome.ok) {
    assert.ok(['BadlyFormedMessage', 'UnrecognisedDataElement', 'UnrecognisedDataValue'].includes(outcome.errorType));
    assert.ok(outcome.errorValue.length <= 400, `errorValue of ${outcome.errorValue.length} characters`);
  }
  return outcome;
}

test('any bytes: parsing gives a typed outcome, never a throw, and any confirmation for it builds', () => {
  fc.assert(
    fc.property(arbitraryBodies, (body) => {
      confirmationFor(assertOutcome(body));
    }),
    runs(),
  );
});

test('mutated real samples: a typed outcome, and the confirmation for it is valid against ISO-18626-v1_2.xsd', () => {
  const schema = iso18626Schema();
  fc.assert(
    fc.property(mutatedSamples(SAMPLES), ({ bytes }) => {
      const xml = confirmationFor(assertOutcome(bytes));
      if (xml !== null) assert.deepEqual(schema.validate(xml), [], xml);
    }),
    runs(),
  );
});

// ---- build → parse round trips of every message we build ----

/** Text as we send it, already what reading gives back: XML-safe (escape.ts), trimmed, not empty. */
const clean = fc
  .oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }), fc.string({ unit: fc.constantFrom('&', '<', '>', '"', "'", ']', '0', 'a', 'é', '😀', '\r', '\t', ' '), minLength: 1, maxLength: 12 }))
  .map((value) => xmlSafeChars(value).trim())
  .filter((value) => value !== '');
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });
const code = <T extends string>(list: readonly T[]) => fc.constantFrom(...list);
const dateTime = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((date) => date.toISOString());
const integer = fc.integer({ min: -1_000_000_000, max: 1_000_000_000 });
/** A part whose fields are all empty is not sent, and reads as absent. */
const part = <T extends object>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null }).map((value) => (value === null || allEmpty(value) ? null : value));
const parts = <T extends object>(arbitrary: fc.Arbitrary<T>) => fc.array(arbitrary, { maxLength: 3 }).map((list) => list.filter((value) => !allEmpty(value)));

/** The `scheme` attribute is an xs:anyURI; we only ever send the schemes a peer's data names (ReShare's ZFL). */
const SCHEME = fc.oneof(fc.constantFrom('ZFL', 'urn:oclc', 'http://id.loc.gov/vocabulary/identifiers/isbn'), fc.webUrl());
const agencyId: fc.Arbitrary<Iso18626AgencyId> = fc.record({ type: clean, value: clean });
const identifier: fc.Arbitrary<Iso18626Identifier> = fc.record({ code: clean, value: clean, scheme: fc.option(SCHEME, { nil: undefined }) }).map(({ scheme, ...rest }) => (scheme === undefined ? rest : { ...rest, scheme }));
const costs: fc.Arbitrary<Iso18626Costs> = fc.record({ currencyCode: clean, monetaryValue: fc.tuple(fc.constantFrom('', '+', '-'), fc.nat(), fc.option(fc.nat())).map(([sign, whole, fraction]) => `${sign}${whole}${fraction === null ? '' : `.${fraction}`}`) });
const physical: fc.Arbitrary<Iso18626PhysicalAddress> = fc.record({ line1: optional(clean), line2: optional(clean), locality: optional(clean), postalCode: optional(clean), region: optional(clean), country: optional(clean) });
const address: fc.Arbitrary<Iso18626Address> = fc.oneof(
  fc.record({ kind: fc.constant('electronic' as const), electronicAddressType: clean, electronicAddressData: clean }),
  physical.filter((value) => !allEmpty(value)).map((value) => ({ kind: 'physical' as const, ...value })),
);
const header: fc.Arbitrary<Iso18626Header> = fc
  .record({
    supplyingAgencyId: agencyId,
    requestingAgencyId: agencyId,
    multipleItemRequestId: optional(clean),
    timestamp: dateTime,
    requestingAgencyRequestId: clean,
    supplyingAgencyRequestId: optional(clean),
    authentication: part(fc.record({ accountId: optional(clean), securityCode: optional(clean) })),
  })
  .map(({ authentication, ...rest }) => (authentication === null ? rest : { ...rest, requestingAgencyAuthentication: authentication }));

const request: fc.Arbitrary<Iso18626Request> = fc.record({
  kind: fc.constant('request' as const),
  header,
  bibliographicInfo: fc.record({
    supplierUniqueRecordId: optional(clean),
    title: optional(clean),
    author: optional(clean),
    subtitle: optional(clean),
    seriesTitle: optional(clean),
    edition: optional(clean),
    titleOfComponent: optional(clean),
    authorOfComponent: optional(clean),
    volume: optional(clean),
    issue: optional(clean),
    pagesRequested: optional(clean),
    estimatedNoPages: optional(clean),
    bibliographicItemIds: fc.array(identifier, { maxLength: 3 }),
    sponsor: optional(clean),
    informationSource: optional(clean),
    bibliographicRecordIds: fc.array(identifier, { maxLength: 3 }),
  }),
  publicationInfo: part(fc.record({ publisher: optional(clean), publicationType: optional(clean), publicationDate: optional(clean), placeOfPublication: optional(clean) })),
  serviceInfo: optional(
    fc.record({
      requestType: optional(code(REQUEST_TYPES)),
      requestSubTypes: fc.array(code(REQUEST_SUB_TYPES), { maxLength: 3 }),
      requestingAgencyPreviousRequestId: optional(clean),
      serviceType: code(SERVICE_TYPES),
      serviceLevel: optional(clean),
      preferredFormat: optional(clean),
      needBeforeDate: optional(dateTime),
      copyrightCompliance: optional(clean),
      anyEdition: optional(code(YES_NO)),
      startDate: optional(dateTime),
      endDate: optional(dateTime),
      note: optional(clean),
    }),
  ),
  supplierInfo: parts(
    fc.record({
      sortOrder: optional(integer),
      supplierCode: optional(agencyId),
      supplierDescription: optional(clean),
      bibliographicRecordId: optional(identifier),
      callNumber: optional(clean),
      summaryHoldings: optional(clean),
      availabilityNote: optional(clean),
    }),
  ),
  requestedDeliveryInfo: parts(fc.record({ sortOrder: optional(integer), address: optional(address) })),
  requestingAgencyInfo: part(fc.record({ name: optional(clean), contactName: optional(clean), addresses: fc.array(address, { maxLength: 2 }) })),
  patronInfo: part(fc.record({ patronId: optional(clean), surname: optional(clean), givenName: optional(clean), patronType: optional(clean), sendToPatron: optional(code(YES_NO)), addresses: fc.array(address, { maxLength: 2 }) })),
  billingInfo: part(fc.record({ paymentMethod: optional(clean), maximumCosts: optional(costs), billingMethod: optional(clean), billingName: optional(clean), address: optional(address) })),
});

const supplyingAgencyMessage: fc.Arbitrary<Iso18626SupplyingAgencyMessage> = fc.record({
  kind: fc.constant('supplyingAgencyMessage' as const),
  header,
  messageInfo: fc.record({
    reasonForMessage: code(REASONS_FOR_MESSAGE),
    answerYesNo: optional(code(YES_NO)),
    note: optional(clean),
    reasonUnfilled: optional(clean),
    reasonRetry: optional(clean),
    offeredCosts: optional(costs),
    retryAfter: optional(dateTime),
    retryBefore: optional(dateTime),
  }),
  statusInfo: fc.record({ status: code(STATUSES), expectedDeliveryDate: optional(dateTime), dueDate: optional(dateTime), lastChange: dateTime }),
  deliveryInfo: optional(
    fc.record({
      dateSent: dateTime,
      itemId: optional(clean),
      sentVia: optional(clean),
      sentToPatron: optional(fc.boolean()),
      loanCondition: optional(clean),
      deliveredFormat: optional(clean),
      deliveryCosts: optional(costs),
    }),
  ),
  returnInfo: part(fc.record({ returnAgencyId: optional(agencyId), name: optional(clean), physicalAddress: physical.map((value) => (allEmpty(value) ? null : value)) })),
});

const confirmation: fc.Arbitrary<Iso18626Confirmation> = fc
  .record({
    kind: fc.constantFrom('requestConfirmation' as const, 'supplyingAgencyMessageConfirmation' as const, 'requestingAgencyMessageConfirmation' as const),
    header: fc.record({
      supplyingAgencyId: optional(agencyId),
      requestingAgencyId: optional(agencyId),
      timestamp: dateTime,
      requestingAgencyRequestId: optional(clean),
      multipleItemRequestId: optional(clean),
      timestampReceived: dateTime,
      messageStatus: code(MESSAGE_STATUSES),
    }),
    errorData: optional(fc.record({ errorType: code(ERROR_TYPES), errorValue: optional(clean) })),
    reasonForMessage: optional(code(REASONS_FOR_MESSAGE)),
    action: optional(code(ACTIONS)),
  })
  .map(({ reasonForMessage, action, ...rest }): Iso18626Confirmation => {
    if (rest.kind === 'supplyingAgencyMessageConfirmation') return { ...rest, reasonForMessage };
    if (rest.kind === 'requestingAgencyMessageConfirmation') return { ...rest, action };
    return rest;
  });

const messages: fc.Arbitrary<Iso18626Message> = fc.oneof(
  request,
  supplyingAgencyMessage,
  fc.record({ kind: fc.constant('requestingAgencyMessage' as const), header, action: code(ACTIONS), note: optional(clean) }),
  confirmation,
);

/** fast-check's records have no prototype; parsed messages have. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

test('every message we build parses back to exactly what was built, with nothing tolerated', () => {
  fc.assert(
    fc.property(messages, (message) => {
      const parsed = parseIso18626(Buffer.from(buildIso18626(message), 'utf8'));
      assert.ok(parsed.ok, parsed.ok ? '' : `${parsed.errorType}: ${parsed.errorValue}`);
      assert.deepEqual(parsed.notes, []);
      assert.equal(parsed.version, '1.2');
      assert.deepEqual(parsed.message, plain(message));
    }),
    runs(),
  );
});

test('every message we build validates against ISO-18626-v1_2.xsd', () => {
  const schema = iso18626Schema();
  fc.assert(
    fc.property(messages, (message) => {
      const xml = buildIso18626(message);
      assert.deepEqual(schema.validate(xml), [], xml);
    }),
    runs(),
  );
});

test('an ERROR confirmation carrying any text a refusal names (the peer’s ids) builds and validates', () => {
  const schema = iso18626Schema();
  fc.assert(
    fc.property(fc.oneof(request, supplyingAgencyMessage), hostileText, hostileText, (message, id, value) => {
      const odd = { ...message, header: { ...message.header, requestingAgencyRequestId: id, multipleItemRequestId: id, timestamp: value } } as Iso18626Confirmable;
      const xml = buildIso18626(errorConfirmation(odd, { errorType: 'UnrecognisedDataValue', errorValue: value }));
      assert.deepEqual(schema.validate(xml), [], xml);
    }),
    runs(0.2),
  );
});
