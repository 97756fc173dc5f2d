/**
 * Typed message → ISO 18626:2017 XML, strictly ("send strictly", protocols.md §6, §8.2): UTF-8 with a declaration,
 * `<ill:ISO18626Message xmlns:ill="http://illtransactions.org/2013/iso18626" ill:version="1.2">` with every element
 * and attribute `ill:`-prefixed (ReShare's style, protocols.md §5.3; the schema's attributeFormDefault is qualified,
 * so `ill:version` and `ill:scheme`), elements in the order of the sequences of
 * shared/conformance/schemas/iso18626/ISO-18626-v1_2.xsd, text escaped (escape.ts), and every output valid against
 * that schema (test/protocols/iso18626-build.test.ts).
 *
 * What the schema requires is checked here, and a message it would reject is a programming error:
 * `Iso18626BuildError` is thrown rather than invalid XML sent. Checked: required elements (header agency ids,
 * timestamp and requestingAgencyRequestId; serviceInfo/serviceType; messageInfo/reasonForMessage; statusInfo/status
 * and lastChange; deliveryInfo/dateSent; action; confirmation timestamp, timestampReceived, messageStatus; the
 * codes of identifiers and agency ids; costs' currencyCode), the v1.2 closed lists (vocabulary.ts; 2021-only
 * values are refused), xs:dateTime values (datetime.ts), xs:integer sortOrder, xs:decimal monetaryValue, at most 3
 * requestSubTypes. The v1.2 header's mandatory `multipleItemRequestId` is sent empty when `null` (protocols.md §1).
 * Parts whose fields are all empty are left out.
 */
import { escapeAttribute, escapeText } from '../xml/escape.ts';
import { isXsDateTime } from './datetime.ts';
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
} from './messages.ts';
import {
  ACTIONS,
  ERROR_TYPES,
  ISO18626_NAMESPACE,
  ISO18626_ROOT,
  ISO18626_VERSION,
  MESSAGE_STATUSES,
  REASONS_FOR_MESSAGE,
  REQUEST_SUB_TYPES,
  REQUEST_TYPES,
  SERVICE_TYPES,
  STATUSES,
  YES_NO,
} from './vocabulary.ts';

export class Iso18626BuildError extends Error {
  override readonly name = 'Iso18626BuildError';
}

const P = 'ill';

type Part = string | null | undefined | false;

const join = (parts: Part[]) => parts.filter((part): part is string => typeof part === 'string').join('');

/** `<ill:name>…</ill:name>` around already-built parts (empty parts dropped). */
const element = (name: string, ...parts: Part[]): string => `<${P}:${name}>${join(parts)}</${P}:${name}>`;

/** The element, or nothing when none of its parts was built (a part whose fields are all empty). */
function optionalElement(name: string, ...parts: Part[]): string | null {
  const content = join(parts);
  return content === '' ? null : `<${P}:${name}>${content}</${P}:${name}>`;
}

/** A text element; `scheme` is the type_schemeValuePair attribute. */
function text(name: string, value: string, scheme?: string | null): string {
  const attributes = scheme === null || scheme === undefined || scheme === '' ? '' : ` ${P}:scheme="${escapeAttribute(scheme)}"`;
  return `<${P}:${name}${attributes}>${escapeText(value)}</${P}:${name}>`;
}

const present = (value: string | null | undefined): value is string => value !== null && value !== undefined && value !== '';

const optionalText = (name: string, value: string | null | undefined) => (present(value) ? text(name, value) : null);

function required<T>(path: string, value: T | null | undefined): T {
  if (value === null || value === undefined || value === '') throw new Iso18626BuildError(`${path} is required by ISO-18626-v1_2.xsd`);
  return value;
}

function closed(path: string, value: string, list: readonly string[]): string {
  if (!list.includes(value)) throw new Iso18626BuildError(`${path} "${value}" is not one of ${list.join(', ')}`);
  return value;
}

const optionalCode = (name: string, path: string, value: string | null | undefined, list: readonly string[]) =>
  present(value) ? text(name, closed(`${path}/${name}`, value, list)) : null;

function dateTime(path: string, name: string, value: string): string {
  if (!isXsDateTime(value)) throw new Iso18626BuildError(`${path}/${name} "${value}" is not an xs:dateTime (e.g. 2026-12-01T23:59:59Z)`);
  return text(name, value);
}

const optionalDateTime = (path: string, name: string, value: string | null | undefined) => (present(value) ? dateTime(path, name, value) : null);

function integer(path: string, name: string, value: number | null): string | null {
  if (value === null) return null;
  if (!Number.isSafeInteger(value)) throw new Iso18626BuildError(`${path}/${name} ${value} is not an integer`);
  return text(name, String(value));
}

function agencyId(path: string, name: string, value: Iso18626AgencyId): string {
  return element(name, text('agencyIdType', required(`${path}/${name}/agencyIdType`, value.type)), text('agencyIdValue', value.value));
}

function costs(path: string, name: string, value: Iso18626Costs | null): string | null {
  if (value === null) return null;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value.monetaryValue)) throw new Iso18626BuildError(`${path}/${name}/monetaryValue "${value.monetaryValue}" is not an xs:decimal`);
  return element(name, text('currencyCode', required(`${path}/${name}/currencyCode`, value.currencyCode)), text('monetaryValue', value.monetaryValue));
}

function physicalAddress(value: Iso18626PhysicalAddress | null): string | null {
  if (value === null) return null;
  return element(
    'physicalAddress',
    optionalText('line1', value.line1),
    optionalText('line2', value.line2),
    optionalText('locality', value.locality),
    optionalText('postalCode', value.postalCode),
    optionalText('region', value.region),
    optionalText('country', value.country),
  );
}

function address(path: string, value: Iso18626Address | null): string | null {
  if (value === null) return null;
  if (value.kind === 'physical') return element('address', physicalAddress(value));
  return element(
    'address',
    element(
      'electronicAddress',
      text('electronicAddressType', required(`${path}/address/electronicAddress/electronicAddressType`, value.electronicAddressType)),
      text('electronicAddressData', required(`${path}/address/electronicAddress/electronicAddressData`, value.electronicAddressData)),
    ),
  );
}

/** bibliographicItemId (identifier, then code) or bibliographicRecordId (code, then identifier): v1.2 orders differ. */
function identifier(path: string, kind: 'Item' | 'Record', value: Iso18626Identifier): string {
  const name = `bibliographic${kind}Id`;
  const code = text(`bibliographic${kind}IdentifierCode`, required(`${path}/${name}/bibliographic${kind}IdentifierCode`, value.code), value.scheme);
  const identifierText = text(`bibliographic${kind}Identifier`, required(`${path}/${name}/bibliographic${kind}Identifier`, value.value));
  return kind === 'Item' ? element(name, identifierText, code) : element(name, code, identifierText);
}

function header(path: string, value: Iso18626Header): string {
  const authentication = value.requestingAgencyAuthentication;
  return element(
    'header',
    agencyId(`${path}/header`, 'supplyingAgencyId', required(`${path}/header/supplyingAgencyId`, value.supplyingAgencyId)),
    agencyId(`${path}/header`, 'requestingAgencyId', required(`${path}/header/requestingAgencyId`, value.requestingAgencyId)),
    text('multipleItemRequestId', value.multipleItemRequestId ?? ''),
    dateTime(`${path}/header`, 'timestamp', required(`${path}/header/timestamp`, value.timestamp)),
    text('requestingAgencyRequestId', required(`${path}/header/requestingAgencyRequestId`, value.requestingAgencyRequestId)),
    optionalText('supplyingAgencyRequestId', value.supplyingAgencyRequestId),
    authentication &&
      optionalElement('requestingAgencyAuthentication', optionalText('accountId', authentication.accountId), optionalText('securityCode', authentication.securityCode)),
  );
}

function request(message: Iso18626Request): string {
  const path = 'request';
  const bib = message.bibliographicInfo;
  const bibPath = `${path}/bibliographicInfo`;
  const publication = message.publicationInfo;
  const service = message.serviceInfo;
  const servicePath = `${path}/serviceInfo`;
  if (service && service.requestSubTypes.length > 3) throw new Iso18626BuildError(`${servicePath}/requestSubType: at most 3 in v1.2, got ${service.requestSubTypes.length}`);
  const patron = message.patronInfo;
  const billing = message.billingInfo;
  const agency = message.requestingAgencyInfo;
  return element(
    'request',
    header(path, message.header),
    element(
      'bibliographicInfo',
      optionalText('supplierUniqueRecordId', bib.supplierUniqueRecordId),
      optionalText('title', bib.title),
      optionalText('author', bib.author),
      optionalText('subtitle', bib.subtitle),
      optionalText('seriesTitle', bib.seriesTitle),
      optionalText('edition', bib.edition),
      optionalText('titleOfComponent', bib.titleOfComponent),
      optionalText('authorOfComponent', bib.authorOfComponent),
      optionalText('volume', bib.volume),
      optionalText('issue', bib.issue),
      optionalText('pagesRequested', bib.pagesRequested),
      optionalText('estimatedNoPages', bib.estimatedNoPages),
      ...bib.bibliographicItemIds.map((id) => identifier(bibPath, 'Item', id)),
      optionalText('sponsor', bib.sponsor),
      optionalText('informationSource', bib.informationSource),
      ...bib.bibliographicRecordIds.map((id) => identifier(bibPath, 'Record', id)),
    ),
    publication &&
      optionalElement(
        'publicationInfo',
        optionalText('publisher', publication.publisher),
        optionalText('publicationType', publication.publicationType),
        optionalText('publicationDate', publication.publicationDate),
        optionalText('placeOfPublication', publication.placeOfPublication),
      ),
    service &&
      element(
        'serviceInfo',
        optionalCode('requestType', servicePath, service.requestType, REQUEST_TYPES),
        ...service.requestSubTypes.map((subType) => text('requestSubType', closed(`${servicePath}/requestSubType`, subType, REQUEST_SUB_TYPES))),
        optionalText('requestingAgencyPreviousRequestId', service.requestingAgencyPreviousRequestId),
        text('serviceType', closed(`${servicePath}/serviceType`, required(`${servicePath}/serviceType`, service.serviceType), SERVICE_TYPES)),
        optionalText('serviceLevel', service.serviceLevel),
        optionalText('preferredFormat', service.preferredFormat),
        optionalDateTime(servicePath, 'needBeforeDate', service.needBeforeDate),
        optionalText('copyrightCompliance', service.copyrightCompliance),
        optionalCode('anyEdition', servicePath, service.anyEdition, YES_NO),
        optionalDateTime(servicePath, 'startDate', service.startDate),
        optionalDateTime(servicePath, 'endDate', service.endDate),
        optionalText('note', service.note),
      ),
    ...message.supplierInfo.map((supplier) =>
      element(
        'supplierInfo',
        integer(`${path}/supplierInfo`, 'sortOrder', supplier.sortOrder),
        supplier.supplierCode && agencyId(`${path}/supplierInfo`, 'supplierCode', supplier.supplierCode),
        optionalText('supplierDescription', supplier.supplierDescription),
        supplier.bibliographicRecordId && identifier(`${path}/supplierInfo`, 'Record', supplier.bibliographicRecordId),
        optionalText('callNumber', supplier.callNumber),
        optionalText('summaryHoldings', supplier.summaryHoldings),
        optionalText('availabilityNote', supplier.availabilityNote),
      ),
    ),
    ...message.requestedDeliveryInfo.map((delivery) =>
      element('requestedDeliveryInfo', integer(`${path}/requestedDeliveryInfo`, 'sortOrder', delivery.sortOrder), address(`${path}/requestedDeliveryInfo`, delivery.address)),
    ),
    agency &&
      optionalElement(
        'requestingAgencyInfo',
        optionalText('name', agency.name),
        optionalText('contactName', agency.contactName),
        ...agency.addresses.map((each) => address(`${path}/requestingAgencyInfo`, each)),
      ),
    patron &&
      optionalElement(
        'patronInfo',
        optionalText('patronId', patron.patronId),
        optionalText('surname', patron.surname),
        optionalText('givenName', patron.givenName),
        optionalText('patronType', patron.patronType),
        optionalCode('sendToPatron', `${path}/patronInfo`, patron.sendToPatron, YES_NO),
        ...patron.addresses.map((each) => address(`${path}/patronInfo`, each)),
      ),
    billing &&
      optionalElement(
        'billingInfo',
        optionalText('paymentMethod', billing.paymentMethod),
        costs(`${path}/billingInfo`, 'maximumCosts', billing.maximumCosts),
        optionalText('billingMethod', billing.billingMethod),
        optionalText('billingName', billing.billingName),
        address(`${path}/billingInfo`, billing.address),
      ),
  );
}

function supplyingAgencyMessage(message: Iso18626SupplyingAgencyMessage): string {
  const path = 'supplyingAgencyMessage';
  const info = message.messageInfo;
  const infoPath = `${path}/messageInfo`;
  const status = message.statusInfo;
  const statusPath = `${path}/statusInfo`;
  const delivery = message.deliveryInfo;
  const deliveryPath = `${path}/deliveryInfo`;
  const returnInfo = message.returnInfo;
  return element(
    path,
    header(path, message.header),
    element(
      'messageInfo',
      text('reasonForMessage', closed(`${infoPath}/reasonForMessage`, required(`${infoPath}/reasonForMessage`, info.reasonForMessage), REASONS_FOR_MESSAGE)),
      optionalCode('answerYesNo', infoPath, info.answerYesNo, YES_NO),
      optionalText('note', info.note),
      optionalText('reasonUnfilled', info.reasonUnfilled),
      optionalText('reasonRetry', info.reasonRetry),
      costs(infoPath, 'offeredCosts', info.offeredCosts),
      optionalDateTime(infoPath, 'retryAfter', info.retryAfter),
      optionalDateTime(infoPath, 'retryBefore', info.retryBefore),
    ),
    element(
      'statusInfo',
      text('status', closed(`${statusPath}/status`, required(`${statusPath}/status`, status.status), STATUSES)),
      optionalDateTime(statusPath, 'expectedDeliveryDate', status.expectedDeliveryDate),
      optionalDateTime(statusPath, 'dueDate', status.dueDate),
      dateTime(statusPath, 'lastChange', required(`${statusPath}/lastChange`, status.lastChange)),
    ),
    delivery &&
      element(
        'deliveryInfo',
        dateTime(deliveryPath, 'dateSent', required(`${deliveryPath}/dateSent`, delivery.dateSent)),
        optionalText('itemId', delivery.itemId),
        optionalText('sentVia', delivery.sentVia),
        delivery.sentToPatron !== null && text('sentToPatron', String(delivery.sentToPatron)),
        optionalText('loanCondition', delivery.loanCondition),
        optionalText('deliveredFormat', delivery.deliveredFormat),
        costs(deliveryPath, 'deliveryCosts', delivery.deliveryCosts),
      ),
    returnInfo &&
      optionalElement(
        'returnInfo',
        returnInfo.returnAgencyId && agencyId(`${path}/returnInfo`, 'returnAgencyId', returnInfo.returnAgencyId),
        optionalText('name', returnInfo.name),
        physicalAddress(returnInfo.physicalAddress),
      ),
  );
}

function confirmation(message: Iso18626Confirmation): string {
  const path = message.kind;
  const value = message.header;
  const headerPath = `${path}/confirmationHeader`;
  const error = message.errorData;
  return element(
    path,
    element(
      'confirmationHeader',
      value.supplyingAgencyId && agencyId(headerPath, 'supplyingAgencyId', value.supplyingAgencyId),
      value.requestingAgencyId && agencyId(headerPath, 'requestingAgencyId', value.requestingAgencyId),
      dateTime(headerPath, 'timestamp', required(`${headerPath}/timestamp`, value.timestamp)),
      optionalText('requestingAgencyRequestId', value.requestingAgencyRequestId),
      optionalText('multipleItemRequestId', value.multipleItemRequestId),
      dateTime(headerPath, 'timestampReceived', required(`${headerPath}/timestampReceived`, value.timestampReceived)),
      text('messageStatus', closed(`${headerPath}/messageStatus`, required(`${headerPath}/messageStatus`, value.messageStatus), MESSAGE_STATUSES)),
    ),
    path === 'supplyingAgencyMessageConfirmation' && optionalCode('reasonForMessage', path, message.reasonForMessage, REASONS_FOR_MESSAGE),
    path === 'requestingAgencyMessageConfirmation' && optionalCode('action', path, message.action, ACTIONS),
    error && element('errorData', text('errorType', closed(`${path}/errorData/errorType`, error.errorType, ERROR_TYPES)), optionalText('errorValue', error.errorValue)),
  );
}

function body(message: Iso18626Message): string {
  switch (message.kind) {
    case 'request':
      return request(message);
    case 'supplyingAgencyMessage':
      return supplyingAgencyMessage(message);
    case 'requestingAgencyMessage': {
      const path = 'requestingAgencyMessage';
      return element(
        path,
        header(path, message.header),
        text('action', closed(`${path}/action`, required(`${path}/action`, message.action), ACTIONS)),
        optionalText('note', message.note),
      );
    }
    case 'requestConfirmation':
    case 'supplyingAgencyMessageConfirmation':
    case 'requestingAgencyMessageConfirmation':
      return confirmation(message);
    default:
      throw new Iso18626BuildError(`unknown message kind ${(message as { kind: unknown }).kind}`);
  }
}

/** The message as an ISO 18626 v1.2 document (UTF-8 text; send it with `Content-Type: application/xml; charset=utf-8`). */
export function buildIso18626(message: Iso18626Message): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${P}:${ISO18626_ROOT} xmlns:${P}="${ISO18626_NAMESPACE}" ${P}:version="${ISO18626_VERSION}">${body(message)}</${P}:${ISO18626_ROOT}>`;
}
