/**
 * Any incoming ISO 18626 body → a typed message, leniently (protocols.md §5.3, §6 "parse leniently … empty =
 * absent", §8.2): the 2013 namespace as default, under any prefix, or no namespace at all (Koha's 2021 plugin);
 * `version` qualified, unqualified or absent; 2014 (1.0/1.1), 2017 (1.2) and 2021 shapes (bibliographicItemId in
 * either order, 2021 retryInfo/deliveryMethod/itemFormat mapped, see messages.ts); the six message elements also as
 * bare roots without the ISO18626Message wrapper (ReShare's fixtures, noted). Whitespace is trimmed, empty elements
 * are `null`, identifiers stay strings (safeParseXml parses with `parseTagValue:false`, stack.md §3.6), codes outside
 * the closed lists (vocabulary.ts) are kept as sent, and everything tolerated is reported in `notes`.
 *
 * What cannot be read is an `ok: false` outcome, never an exception:
 * - not XML, too big, entity declarations (XXE, billion laughs), too deep, or a root that is not ISO 18626 →
 *   `unparsable: true` (the endpoint answers HTTP 400; crosslink and mod-rs do the same, protocols.md §3.2, §4);
 * - ISO18626Message holding no message → BadlyFormedMessage, or an unknown element → UnrecognisedDataElement
 *   with its name; a message without its header (or confirmationHeader), a request without bibliographicInfo, a
 *   supplyingAgencyMessage without messageInfo or statusInfo → BadlyFormedMessage naming the missing element
 *   (`unparsable: false`: answer with an ERROR confirmation, ISO 18626:2021 §4.10 via protocols.md §5.3).
 */
import { safeParseXml } from '../xml/safe-parse.ts';
import { child, children, childText, elementNames, textOf, type XmlValue } from '../xml/tree.ts';
import type {
  Iso18626Confirmation,
  Iso18626ConfirmationKind,
  Iso18626DeliveryInfo,
  Iso18626Header,
  Iso18626Message,
  Iso18626ParseErrorType,
  Iso18626Request,
  Iso18626SupplierInfo,
  ParseOutcome,
} from './messages.ts';
import {
  addresses,
  address,
  agencyId,
  allEmpty,
  boolean,
  clip,
  closed,
  code,
  costs,
  dateTime,
  identifier,
  identifiers,
  integer,
  noteUnknown,
  physicalAddress,
  single,
  type ReadContext,
} from './read.ts';
import { ISO18626_REPEATABLE } from './repeatable.ts';
import {
  ACTIONS,
  ACTIONS_2021,
  ERROR_TYPES,
  ISO18626_NAMESPACE,
  ISO18626_ROOT,
  isIso18626MessageType,
  MESSAGE_STATUSES,
  REASONS_FOR_MESSAGE,
  REQUEST_SUB_TYPES,
  REQUEST_TYPES,
  SERVICE_TYPES,
  STATUSES,
  STATUSES_2021,
  YES_NO,
  type Iso18626MessageType,
} from './vocabulary.ts';

type Failure = Extract<ParseOutcome, { ok: false }>;

const unparsable = (errorValue: string): Failure => ({ ok: false, errorType: 'BadlyFormedMessage', errorValue, unparsable: true, kind: null, header: null });

const refuse = (errorType: Iso18626ParseErrorType, errorValue: string, kind: Iso18626MessageType | null, header: Iso18626Header | null): Failure => ({
  ok: false,
  errorType,
  errorValue,
  unparsable: false,
  kind,
  header,
});

const nullIfEmpty = <T extends object>(value: T): T | null => (allEmpty(value) ? null : value);

const HEADER = ['supplyingAgencyId', 'requestingAgencyId', 'multipleItemRequestId', 'timestamp', 'requestingAgencyRequestId', 'supplyingAgencyRequestId', 'requestingAgencyAuthentication'];

function readHeader(node: XmlValue, path: string, context: ReadContext): Iso18626Header {
  noteUnknown(node, path, HEADER, context);
  const authentication = child(node, 'requestingAgencyAuthentication');
  const header: Iso18626Header = {
    supplyingAgencyId: agencyId(node, 'supplyingAgencyId', path, context),
    requestingAgencyId: agencyId(node, 'requestingAgencyId', path, context),
    multipleItemRequestId: childText(node, 'multipleItemRequestId'),
    timestamp: dateTime(node, 'timestamp', path, context),
    requestingAgencyRequestId: childText(node, 'requestingAgencyRequestId'),
    supplyingAgencyRequestId: childText(node, 'supplyingAgencyRequestId'),
  };
  if (authentication !== undefined) {
    header.requestingAgencyAuthentication = { accountId: childText(authentication, 'accountId'), securityCode: childText(authentication, 'securityCode') };
  }
  for (const name of ['requestingAgencyId', 'timestamp', 'requestingAgencyRequestId'] as const) {
    if (header[name] === null) context.notes.push(`${path}/${name} is missing or empty`);
  }
  return header;
}

const BIBLIOGRAPHIC_INFO = [
  'supplierUniqueRecordId', 'title', 'author', 'subtitle', 'seriesTitle', 'edition', 'titleOfComponent', 'authorOfComponent', 'volume', 'issue',
  'pagesRequested', 'estimatedNoPages', 'bibliographicItemId', 'sponsor', 'informationSource', 'bibliographicRecordId',
];
const SERVICE_INFO = [
  'requestType', 'requestSubType', 'requestingAgencyPreviousRequestId', 'serviceType', 'serviceLevel', 'preferredFormat', 'needBeforeDate',
  'copyrightCompliance', 'anyEdition', 'startDate', 'endDate', 'note',
];
const SUPPLIER_INFO = ['sortOrder', 'supplierCode', 'supplierDescription', 'bibliographicRecordId', 'callNumber', 'summaryHoldings', 'availabilityNote'];

function readRequest(node: XmlValue, header: Iso18626Header, context: ReadContext): Iso18626Request | Failure {
  const path = 'request';
  noteUnknown(node, path, ['header', 'bibliographicInfo', 'publicationInfo', 'serviceInfo', 'supplierInfo', 'requestedDeliveryInfo', 'requestingAgencyInfo', 'patronInfo', 'billingInfo'], context);
  const bib = child(node, 'bibliographicInfo');
  if (bib === undefined) return refuse('BadlyFormedMessage', 'request/bibliographicInfo is missing', 'request', header);
  const bibPath = `${path}/bibliographicInfo`;
  noteUnknown(bib, bibPath, BIBLIOGRAPHIC_INFO, context);
  const text = (name: string) => single(bib, name, bibPath, context);

  const publication = child(node, 'publicationInfo');
  const service = child(node, 'serviceInfo');
  const servicePath = `${path}/serviceInfo`;
  noteUnknown(service, servicePath, [...SERVICE_INFO, 'itemFormat', 'preferredEdition', 'loanCondition'], context);
  if (child(service, 'itemFormat') !== undefined || child(service, 'preferredEdition') !== undefined || child(service, 'loanCondition') !== undefined) {
    context.notes.push(`${servicePath}: 2021 elements itemFormat/preferredEdition/loanCondition not read`);
  }
  const serviceInfo =
    service === undefined
      ? null
      : nullIfEmpty({
          requestType: code(service, 'requestType', REQUEST_TYPES, servicePath, context),
          requestSubTypes: children(service, 'requestSubType').flatMap((each) => {
            const value = textOf(each);
            return value === null ? [] : [closed(value, REQUEST_SUB_TYPES, `${servicePath}/requestSubType`, context)];
          }),
          requestingAgencyPreviousRequestId: childText(service, 'requestingAgencyPreviousRequestId'),
          serviceType: code(service, 'serviceType', SERVICE_TYPES, servicePath, context),
          serviceLevel: single(service, 'serviceLevel', servicePath, context),
          preferredFormat: childText(service, 'preferredFormat'),
          needBeforeDate: dateTime(service, 'needBeforeDate', servicePath, context),
          copyrightCompliance: childText(service, 'copyrightCompliance'),
          anyEdition: code(service, 'anyEdition', YES_NO, servicePath, context),
          startDate: dateTime(service, 'startDate', servicePath, context),
          endDate: dateTime(service, 'endDate', servicePath, context),
          note: childText(service, 'note'),
        });

  const supplierInfo = children(node, 'supplierInfo').flatMap((each): Iso18626SupplierInfo[] => {
    noteUnknown(each, `${path}/supplierInfo`, SUPPLIER_INFO, context);
    const info = nullIfEmpty({
      sortOrder: integer(each, 'sortOrder', `${path}/supplierInfo`, context),
      supplierCode: agencyId(each, 'supplierCode', `${path}/supplierInfo`, context),
      supplierDescription: childText(each, 'supplierDescription'),
      bibliographicRecordId: identifier(child(each, 'bibliographicRecordId'), 'bibliographicRecordIdentifier', 'bibliographicRecordIdentifierCode'),
      callNumber: childText(each, 'callNumber'),
      summaryHoldings: childText(each, 'summaryHoldings'),
      availabilityNote: childText(each, 'availabilityNote'),
    });
    if (info === null) context.notes.push(`empty ${path}/supplierInfo ignored`);
    return info === null ? [] : [info];
  });

  const requestingAgency = child(node, 'requestingAgencyInfo');
  const patron = child(node, 'patronInfo');
  const patronPath = `${path}/patronInfo`;
  const billing = child(node, 'billingInfo');
  return {
    kind: 'request',
    header,
    bibliographicInfo: {
      supplierUniqueRecordId: text('supplierUniqueRecordId'),
      title: text('title'),
      author: text('author'),
      subtitle: text('subtitle'),
      seriesTitle: text('seriesTitle'),
      edition: text('edition'),
      titleOfComponent: text('titleOfComponent'),
      authorOfComponent: text('authorOfComponent'),
      volume: text('volume'),
      issue: text('issue'),
      pagesRequested: text('pagesRequested'),
      estimatedNoPages: text('estimatedNoPages'),
      bibliographicItemIds: identifiers(bib, 'bibliographicItemId', 'bibliographicItemIdentifier', 'bibliographicItemIdentifierCode', bibPath, context),
      sponsor: text('sponsor'),
      informationSource: text('informationSource'),
      bibliographicRecordIds: identifiers(bib, 'bibliographicRecordId', 'bibliographicRecordIdentifier', 'bibliographicRecordIdentifierCode', bibPath, context),
    },
    publicationInfo:
      publication === undefined
        ? null
        : nullIfEmpty({
            publisher: childText(publication, 'publisher'),
            publicationType: childText(publication, 'publicationType'),
            publicationDate: childText(publication, 'publicationDate'),
            placeOfPublication: childText(publication, 'placeOfPublication'),
          }),
    serviceInfo,
    supplierInfo,
    requestedDeliveryInfo: children(node, 'requestedDeliveryInfo').flatMap((each) => {
      const info = nullIfEmpty({ sortOrder: integer(each, 'sortOrder', `${path}/requestedDeliveryInfo`, context), address: address(child(each, 'address')) });
      return info === null ? [] : [info];
    }),
    requestingAgencyInfo:
      requestingAgency === undefined
        ? null
        : nullIfEmpty({ name: childText(requestingAgency, 'name'), contactName: childText(requestingAgency, 'contactName'), addresses: addresses(requestingAgency) }),
    patronInfo:
      patron === undefined
        ? null
        : nullIfEmpty({
            patronId: childText(patron, 'patronId'),
            surname: childText(patron, 'surname'),
            givenName: childText(patron, 'givenName'),
            patronType: childText(patron, 'patronType'),
            sendToPatron: code(patron, 'sendToPatron', YES_NO, patronPath, context),
            addresses: addresses(patron),
          }),
    billingInfo:
      billing === undefined
        ? null
        : nullIfEmpty({
            paymentMethod: childText(billing, 'paymentMethod'),
            maximumCosts: costs(billing, 'maximumCosts', `${path}/billingInfo`, context),
            billingMethod: childText(billing, 'billingMethod'),
            billingName: childText(billing, 'billingName'),
            address: address(child(billing, 'address')),
          }),
  };
}

const MESSAGE_INFO = ['reasonForMessage', 'answerYesNo', 'note', 'reasonUnfilled', 'reasonRetry', 'offeredCosts', 'retryAfter', 'retryBefore'];
const STATUS_INFO = ['status', 'expectedDeliveryDate', 'dueDate', 'lastChange'];
const DELIVERY_INFO = ['dateSent', 'itemId', 'sentVia', 'sentToPatron', 'loanCondition', 'deliveredFormat', 'deliveryCosts', 'deliveryMethod', 'itemFormat'];

function readDeliveryInfo(node: XmlValue | undefined, context: ReadContext): Iso18626DeliveryInfo | null {
  if (node === undefined) return null;
  const path = 'supplyingAgencyMessage/deliveryInfo';
  noteUnknown(node, path, DELIVERY_INFO, context);
  return nullIfEmpty({
    dateSent: dateTime(node, 'dateSent', path, context),
    itemId: single(node, 'itemId', path, context),
    sentVia: childText(node, 'sentVia') ?? childText(node, 'deliveryMethod'),
    sentToPatron: boolean(node, 'sentToPatron', path, context),
    loanCondition: single(node, 'loanCondition', path, context),
    deliveredFormat: childText(node, 'deliveredFormat') ?? childText(node, 'itemFormat'),
    deliveryCosts: costs(node, 'deliveryCosts', path, context),
  });
}

function readSupplyingAgencyMessage(node: XmlValue, header: Iso18626Header, context: ReadContext): Iso18626Message | Failure {
  const path = 'supplyingAgencyMessage';
  noteUnknown(node, path, ['header', 'messageInfo', 'statusInfo', 'deliveryInfo', 'returnInfo', 'retryInfo'], context);
  const message = child(node, 'messageInfo');
  const status = child(node, 'statusInfo');
  if (message === undefined) return refuse('BadlyFormedMessage', `${path}/messageInfo is missing`, path, header);
  if (status === undefined) return refuse('BadlyFormedMessage', `${path}/statusInfo is missing`, path, header);
  noteUnknown(message, `${path}/messageInfo`, MESSAGE_INFO, context);
  noteUnknown(status, `${path}/statusInfo`, STATUS_INFO, context);
  const retry = child(node, 'retryInfo');
  if (retry !== undefined) context.notes.push(`${path}/retryInfo (2021): only offeredCosts, retryAfter and retryBefore are read`);

  const reasonForMessage = code(message, 'reasonForMessage', REASONS_FOR_MESSAGE, `${path}/messageInfo`, context);
  if (reasonForMessage === null) context.notes.push(`${path}/messageInfo/reasonForMessage is missing or empty`);
  const statusValue = code(status, 'status', [...STATUSES, ...STATUSES_2021], `${path}/statusInfo`, context);
  if (statusValue === null) context.notes.push(`${path}/statusInfo/status is missing or empty (Alma sends an empty status in Notifications): read as null`);

  const returnNode = child(node, 'returnInfo');
  return {
    kind: 'supplyingAgencyMessage',
    header,
    messageInfo: {
      reasonForMessage,
      answerYesNo: code(message, 'answerYesNo', YES_NO, `${path}/messageInfo`, context),
      note: childText(message, 'note'),
      reasonUnfilled: childText(message, 'reasonUnfilled'),
      reasonRetry: childText(message, 'reasonRetry'),
      offeredCosts: costs(message, 'offeredCosts', `${path}/messageInfo`, context) ?? costs(retry, 'offeredCosts', `${path}/retryInfo`, context),
      retryAfter: dateTime(message, 'retryAfter', `${path}/messageInfo`, context) ?? dateTime(retry, 'retryAfter', `${path}/retryInfo`, context),
      retryBefore: dateTime(message, 'retryBefore', `${path}/messageInfo`, context) ?? dateTime(retry, 'retryBefore', `${path}/retryInfo`, context),
    },
    statusInfo: {
      status: statusValue,
      expectedDeliveryDate: dateTime(status, 'expectedDeliveryDate', `${path}/statusInfo`, context),
      dueDate: dateTime(status, 'dueDate', `${path}/statusInfo`, context),
      lastChange: dateTime(status, 'lastChange', `${path}/statusInfo`, context),
    },
    deliveryInfo: readDeliveryInfo(child(node, 'deliveryInfo'), context),
    returnInfo:
      returnNode === undefined
        ? null
        : nullIfEmpty({
            returnAgencyId: agencyId(returnNode, 'returnAgencyId', `${path}/returnInfo`, context),
            name: childText(returnNode, 'name'),
            physicalAddress: physicalAddress(child(returnNode, 'physicalAddress')),
          }),
  };
}

function readRequestingAgencyMessage(node: XmlValue, header: Iso18626Header, context: ReadContext): Iso18626Message {
  const path = 'requestingAgencyMessage';
  noteUnknown(node, path, ['header', 'action', 'note'], context);
  const action = code(node, 'action', [...ACTIONS, ...ACTIONS_2021], path, context);
  if (action === null) context.notes.push(`${path}/action is missing or empty`);
  return { kind: 'requestingAgencyMessage', header, action, note: childText(node, 'note') };
}

const CONFIRMATION_HEADER = ['supplyingAgencyId', 'requestingAgencyId', 'timestamp', 'requestingAgencyRequestId', 'multipleItemRequestId', 'timestampReceived', 'messageStatus'];

function readConfirmation(kind: Iso18626ConfirmationKind, node: XmlValue, context: ReadContext): Iso18626Confirmation | Failure {
  const extra = kind === 'supplyingAgencyMessageConfirmation' ? ['reasonForMessage'] : kind === 'requestingAgencyMessageConfirmation' ? ['action'] : [];
  noteUnknown(node, kind, ['confirmationHeader', 'errorData', ...extra], context);
  const headerNode = child(node, 'confirmationHeader');
  if (headerNode === undefined) return refuse('BadlyFormedMessage', `${kind}/confirmationHeader is missing`, kind, null);
  const headerPath = `${kind}/confirmationHeader`;
  noteUnknown(headerNode, headerPath, CONFIRMATION_HEADER, context);
  const status = code(headerNode, 'messageStatus', MESSAGE_STATUSES, headerPath, context);
  if (status !== 'OK' && status !== 'ERROR') context.notes.push(`${headerPath}/messageStatus is missing or not OK/ERROR: read as null`);

  const errors = children(node, 'errorData');
  if (errors.length > 1) context.notes.push(`${kind}/errorData repeated ${errors.length} times (2021): the first is read`);
  const errorType = code(errors[0], 'errorType', ERROR_TYPES, `${kind}/errorData`, context);
  const errorValue = childText(errors[0], 'errorValue');
  if (errorType === null && errorValue !== null) context.notes.push(`${kind}/errorData without errorType ignored: "${clip(errorValue)}"`);

  const confirmation: Iso18626Confirmation = {
    kind,
    header: {
      supplyingAgencyId: agencyId(headerNode, 'supplyingAgencyId', headerPath, context),
      requestingAgencyId: agencyId(headerNode, 'requestingAgencyId', headerPath, context),
      timestamp: dateTime(headerNode, 'timestamp', headerPath, context),
      requestingAgencyRequestId: childText(headerNode, 'requestingAgencyRequestId'),
      multipleItemRequestId: childText(headerNode, 'multipleItemRequestId'),
      timestampReceived: dateTime(headerNode, 'timestampReceived', headerPath, context),
      messageStatus: status === 'OK' || status === 'ERROR' ? status : null,
    },
    errorData: errorType === null ? null : { errorType, errorValue },
  };
  if (kind === 'supplyingAgencyMessageConfirmation') confirmation.reasonForMessage = code(node, 'reasonForMessage', REASONS_FOR_MESSAGE, kind, context);
  if (kind === 'requestingAgencyMessageConfirmation') confirmation.action = code(node, 'action', [...ACTIONS, ...ACTIONS_2021], kind, context);
  return confirmation;
}

function readMessage(kind: Iso18626MessageType, node: XmlValue, context: ReadContext): Iso18626Message | Failure {
  if (kind === 'requestConfirmation' || kind === 'supplyingAgencyMessageConfirmation' || kind === 'requestingAgencyMessageConfirmation') {
    return readConfirmation(kind, node, context);
  }
  const headerNode = child(node, 'header');
  if (headerNode === undefined) return refuse('BadlyFormedMessage', `${kind}/header is missing`, kind, null);
  const header = readHeader(headerNode, `${kind}/header`, context);
  if (kind === 'request') return readRequest(node, header, context);
  if (kind === 'supplyingAgencyMessage') return readSupplyingAgencyMessage(node, header, context);
  return readRequestingAgencyMessage(node, header, context);
}

export interface ParseOptions {
  /** Largest body accepted, in bytes (default 1 MiB; crosslink's default is 100 KB, protocols.md §3.2). */
  readonly maxBytes?: number;
}

export function parseIso18626(body: Buffer, options: ParseOptions = {}): ParseOutcome {
  const parsed = safeParseXml(body, { ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }), isArray: (name) => ISO18626_REPEATABLE.has(name) });
  if (!parsed.ok) return unparsable(`not readable as XML (${parsed.reason}): ${parsed.message}`);
  const { root } = parsed;
  const context: ReadContext = { notes: [...parsed.notes] };
  if (root.namespace === null) context.notes.push('no namespace: read as ISO 18626');
  else if (root.namespace !== ISO18626_NAMESPACE) context.notes.push(`namespace ${clip(root.namespace)} is not ISO 18626's: read as ISO 18626`);

  let kind: Iso18626MessageType;
  let node: XmlValue;
  let version: string | null = null;
  if (root.name === ISO18626_ROOT) {
    const versionAttribute = Object.entries(root.attributes).find(([name]) => name === 'version' || name.endsWith(':version'));
    version = versionAttribute?.[1]?.trim() || null;
    if (version === null) context.notes.push('no version attribute');
    else if (versionAttribute?.[0] === 'version') context.notes.push('version attribute not namespace-qualified');
    const names = elementNames(root.content);
    const first = names[0];
    if (first === undefined) return refuse('BadlyFormedMessage', 'ISO18626Message contains no message', null, null);
    if (!isIso18626MessageType(first)) return refuse('UnrecognisedDataElement', clip(first), null, null);
    if (names.length > 1) context.notes.push(`elements after ${first} ignored: ${names.slice(1, 11).join(', ')}`);
    kind = first;
    node = child(root.content, first) ?? '';
  } else if (isIso18626MessageType(root.name)) {
    context.notes.push(`no ISO18626Message wrapper: bare ${root.name} root read`);
    kind = root.name;
    node = root.content;
  } else {
    return unparsable(`the root element is ${clip(root.name)}, not ISO18626Message`);
  }

  const message = readMessage(kind, node, context);
  if ('ok' in message) return message;
  return { ok: true, message, version, notes: context.notes };
}
