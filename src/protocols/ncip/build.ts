/**
 * Typed response → NCIP 2.02 XML, strictly ("send strictly", protocols.md §6, §8.1; illiad.md §5 (b) 9–11): UTF-8,
 * `<ns1:NCIPMessage xmlns:ns1="http://www.niso.org/2008/ncip" ns1:version="…/v2_02/ncip_v2_02.xsd">` with every
 * element and attribute `ns1:`-prefixed (Alma's responder style, illiad.md §3.2; the schema's
 * attributeFormDefault is qualified, so `ns1:version`/`ns1:Scheme`), elements in the order of the XSD sequences
 * (shared/conformance/schemas/ncip/ncip_v2_02.xsd), text escaped, every output valid against that schema
 * (test/protocols/ncip-build.test.ts). SchemeValuePair elements (AgencyId, ProblemType, UserIdentifierType,
 * RequestType, …) are text with an optional `ns1:Scheme`; a Scheme is sent only where a standard one is known.
 *
 * Success bodies echo ids only, never free text such as titles (illiad.md §5 (b) 10). A Problem goes inside
 * `<Service>Response` when the service exists in NCIP 2.02, else directly under NCIPMessage (message-level, as the
 * XC toolkit does, illiad.md §3.2). Input the schema cannot carry (a date that is not an xs:dateTime, a
 * CancelRequestItemResponse without RequestId and ItemId, no Problem in a Problem response) is a programming
 * error: `NcipBuildError` is thrown rather than invalid XML sent.
 */
import { escapeAttribute, escapeText } from '../xml/escape.ts';
import type { NcipId, NcipProblem, NcipResponse, NcipUserId, ResponseHeader } from './messages.ts';
import { isNcipService, NCIP_NAMESPACE, NCIP_VERSION_2_02 } from './services.ts';

export class NcipBuildError extends Error {
  override readonly name = 'NcipBuildError';
}

const P = 'ns1';

type Part = string | null | undefined | false;

/** `<ns1:name>…</ns1:name>` around already-built parts (empty parts dropped). */
function element(name: string, ...parts: Part[]): string {
  return `<${P}:${name}>${parts.filter((part): part is string => typeof part === 'string').join('')}</${P}:${name}>`;
}

/** A text element, optionally with `ns1:Scheme` (a SchemeValuePair). */
function text(name: string, value: string, scheme?: string): string {
  const attributes = scheme === undefined ? '' : ` ${P}:Scheme="${escapeAttribute(scheme)}"`;
  return `<${P}:${name}${attributes}>${escapeText(value)}</${P}:${name}>`;
}

const optionalText = (name: string, value: string | null | undefined) => (value === null || value === undefined || value === '' ? null : text(name, value));

/** xs:dateTime (XML Schema Part 2 §3.2.7): `CCYY-MM-DDThh:mm:ss(.s+)?(Z|±hh:mm)?`. */
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

function dateTime(name: string, value: string): string {
  if (!DATE_TIME.test(value)) throw new NcipBuildError(`${name} "${value}" is not an xs:dateTime (e.g. 2026-12-01T23:59:59Z)`);
  return text(name, value);
}

/** What protocols.md §8.1 asks for on the way out: `CCYY-MM-DDThh:mm:ss.sssZ`. */
export const ncipDateTime = (date: Date): string => date.toISOString();

function header(value: ResponseHeader | null): string | null {
  if (value === null || value.toAgencyId === null) return null;
  return element('ResponseHeader', element('FromAgencyId', text('AgencyId', value.fromAgencyId)), element('ToAgencyId', text('AgencyId', value.toAgencyId)));
}

/** ItemId / RequestId: AgencyId?, value. */
function id(name: 'ItemId' | 'RequestId', value: NcipId): string {
  return element(name, optionalText('AgencyId', value.agencyId), text(name === 'ItemId' ? 'ItemIdentifierValue' : 'RequestIdentifierValue', value.value));
}

function userId(value: NcipUserId): string {
  return element('UserId', optionalText('AgencyId', value.agencyId), optionalText('UserIdentifierType', value.type), text('UserIdentifierValue', value.value));
}

function problem(value: NcipProblem): string {
  return element(
    'Problem',
    text('ProblemType', value.type, value.scheme),
    optionalText('ProblemDetail', value.detail),
    optionalText('ProblemElement', value.element),
    optionalText('ProblemValue', value.value),
  );
}

function lookupUserOptionalFields(response: Extract<NcipResponse, { service: 'LookupUser' }>): string | null {
  const { name, email, privilege, blocks = [] } = response;
  const first = name?.first ?? null;
  const last = name?.last ?? null;
  const nameInformation =
    last !== null && last !== ''
      ? element('NameInformation', element('PersonalNameInformation', element('StructuredPersonalUserName', optionalText('GivenName', first), text('Surname', last))))
      : first !== null && first !== ''
        ? element('NameInformation', element('PersonalNameInformation', text('UnstructuredPersonalUserName', first)))
        : null;
  const address =
    email === null || email === undefined || email === ''
      ? null
      : element(
          'UserAddressInformation',
          text('UserAddressRoleType', 'Multi-Purpose', 'http://www.niso.org/ncip/v1_0/imp1/schemes/useraddressroletype/useraddressroletype.scm'),
          element('ElectronicAddress', text('ElectronicAddressType', 'mailto', 'http://www.iana.org/assignments/uri-schemes'), text('ElectronicAddressData', email)),
        );
  const userPrivilege =
    privilege === null || privilege === undefined
      ? null
      : element(
          'UserPrivilege',
          text('AgencyId', privilege.agencyId),
          text('AgencyUserPrivilegeType', privilege.type),
          element('UserPrivilegeStatus', text('UserPrivilegeStatusType', privilege.status)),
        );
  const blockOrTraps = blocks.map((block) => element('BlockOrTrap', text('AgencyId', response.header.fromAgencyId), text('BlockOrTrapType', block)));
  const parts = [nameInformation, address, userPrivilege, ...blockOrTraps].filter((part): part is string => part !== null);
  return parts.length === 0 ? null : element('UserOptionalFields', ...parts);
}

/** The `<Service>Response` content after the header, for a success (in XSD sequence order). */
function successBody(response: Exclude<NcipResponse, { problems: NcipProblem[] }>): string[] {
  switch (response.service) {
    case 'AcceptItem':
      return [id('RequestId', response.requestId), response.itemId ? id('ItemId', response.itemId) : ''];
    case 'CheckInItem':
      return [id('ItemId', response.itemId), response.userId ? userId(response.userId) : ''];
    case 'CheckOutItem':
      return [id('ItemId', response.itemId), userId(response.userId), response.dateDue === null ? element('IndeterminateLoanPeriodFlag') : dateTime('DateDue', response.dateDue)];
    case 'LookupUser':
      return [userId(response.userId), lookupUserOptionalFields(response) ?? ''];
    case 'RequestItem':
      return [
        id('RequestId', response.requestId),
        response.itemId ? id('ItemId', response.itemId) : '',
        userId(response.userId),
        text('RequestType', response.requestType),
        text('RequestScopeType', response.requestScopeType),
      ];
    case 'CancelRequestItem': {
      const { requestId, itemId } = response;
      if (!requestId && !itemId) throw new NcipBuildError('CancelRequestItemResponse needs a RequestId or an ItemId');
      return [requestId ? id('RequestId', requestId) : '', itemId ? id('ItemId', itemId) : '', userId(response.userId)];
    }
    case 'RenewItem':
      return [id('ItemId', response.itemId), response.userId ? userId(response.userId) : '', dateTime('DateDue', response.dateDue)];
    case 'CreateUserFiscalTransaction':
      return [
        userId(response.userId),
        element('FiscalTransactionReferenceId', text('AgencyId', response.header.fromAgencyId), text('FiscalTransactionIdentifierValue', response.fiscalTransactionReference)),
      ];
  }
}

function message(content: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${P}:NCIPMessage xmlns:${P}="${NCIP_NAMESPACE}" ${P}:version="${NCIP_VERSION_2_02}">${content}</${P}:NCIPMessage>\n`;
}

/** The NCIP 2.02 response as UTF-8 XML text with its declaration. */
export function buildNcipResponse(response: NcipResponse): string {
  if ('problems' in response) {
    if (response.problems.length === 0) throw new NcipBuildError('a Problem response needs at least one Problem');
    const problems = response.problems.map(problem);
    if (!isNcipService(response.service)) return message(problems.join(''));
    return message(element(`${response.service}Response`, header(response.header), ...problems));
  }
  return message(element(`${response.service}Response`, header(response.header), ...successBody(response)));
}
