/**
 * ISO 18626 messages as plain data: what parse.ts makes of whatever a peer sent (lenient: absent or empty elements
 * are `null`, strings are as sent, trimmed, identifiers never turned into numbers), and what build.ts turns into
 * XML valid against shared/conformance/schemas/iso18626/ISO-18626-v1_2.xsd (strict). One set of types serves both
 * directions, so fields the v1.2 schema requires are still nullable here; build.ts refuses (throws
 * `Iso18626BuildError`) a message whose required field is missing rather than send something the schema rejects.
 * Field names are the XSD element names; the order of fields follows the XSD sequences.
 *
 * Deviations from a one-to-one copy of the XSD, and why:
 * - `request.publicationInfo` is its own part (as in the XSD), not folded into bibliographicInfo.
 * - `serviceInfo.requestSubTypes` is a list (maxOccurs 3 in v1.2, unbounded in 2021).
 * - type_schemeValuePair values are plain strings (the `scheme` attribute is dropped) except the bibliographic
 *   item and record ids, whose schemes (ReShare's `ZFL`, protocols.md §5.3) are kept.
 * - Dates are the strings as sent (ReShare sends `+0000` offsets, protocols.md §6); see datetime.ts to normalise.
 * - Costs keep `monetaryValue` as the decimal string (no float rounding).
 * - Read from 2021 messages (protocols.md §1): `retryInfo`'s offeredCosts/retryAfter/retryBefore go to messageInfo,
 *   `deliveryMethod` to sentVia, `itemFormat` to deliveredFormat; repeated 2021 elements (itemId, loanCondition,
 *   deliveryCosts, errorData) keep the first, with a note. Other 2021-only parts are noted and ignored.
 * - Confirmations have `errorData` 0..1 (v1.2); `reasonForMessage` / `action` only on the SAM / RAM confirmation.
 */
import type { Iso18626ErrorType, Iso18626MessageStatus } from './vocabulary.ts';

/** type_agencyId: agencyIdType (a code such as ISIL) and agencyIdValue (the symbol). */
export interface Iso18626AgencyId {
  type: string | null;
  value: string;
}

export interface Iso18626Header {
  supplyingAgencyId: Iso18626AgencyId | null;
  requestingAgencyId: Iso18626AgencyId | null;
  /** Mandatory (possibly empty) in v1.2, absent from 2014 messages; `null` when empty or absent. */
  multipleItemRequestId: string | null;
  timestamp: string | null;
  requestingAgencyRequestId: string | null;
  supplyingAgencyRequestId: string | null;
  requestingAgencyAuthentication?: { accountId: string | null; securityCode: string | null } | null;
}

/** bibliographicItemId (ISBN, ISSN, ISMN…) and bibliographicRecordId (OCLC, LCCN…): a code and the identifier. */
export interface Iso18626Identifier {
  code: string | null;
  value: string;
  /** The code's `scheme` attribute, when sent. */
  scheme?: string | null;
}

/** type_costs. */
export interface Iso18626Costs {
  currencyCode: string | null;
  /** xs:decimal as written, e.g. "12.50". */
  monetaryValue: string;
}

export interface Iso18626PhysicalAddress {
  line1: string | null;
  line2: string | null;
  locality: string | null;
  postalCode: string | null;
  region: string | null;
  country: string | null;
}

/** address: a choice of electronicAddress or physicalAddress. */
export type Iso18626Address =
  | { kind: 'electronic'; electronicAddressType: string | null; electronicAddressData: string | null }
  | ({ kind: 'physical' } & Iso18626PhysicalAddress);

export interface Iso18626BibliographicInfo {
  supplierUniqueRecordId: string | null;
  title: string | null;
  author: string | null;
  subtitle: string | null;
  seriesTitle: string | null;
  edition: string | null;
  titleOfComponent: string | null;
  authorOfComponent: string | null;
  volume: string | null;
  issue: string | null;
  pagesRequested: string | null;
  estimatedNoPages: string | null;
  bibliographicItemIds: Iso18626Identifier[];
  sponsor: string | null;
  informationSource: string | null;
  bibliographicRecordIds: Iso18626Identifier[];
}

export interface Iso18626PublicationInfo {
  publisher: string | null;
  publicationType: string | null;
  publicationDate: string | null;
  placeOfPublication: string | null;
}

export interface Iso18626ServiceInfo {
  requestType: string | null;
  requestSubTypes: string[];
  requestingAgencyPreviousRequestId: string | null;
  /** Required by the schema when serviceInfo is sent. */
  serviceType: string | null;
  serviceLevel: string | null;
  preferredFormat: string | null;
  needBeforeDate: string | null;
  copyrightCompliance: string | null;
  anyEdition: string | null;
  startDate: string | null;
  endDate: string | null;
  note: string | null;
}

export interface Iso18626SupplierInfo {
  /** xs:integer. */
  sortOrder: number | null;
  supplierCode: Iso18626AgencyId | null;
  supplierDescription: string | null;
  bibliographicRecordId: Iso18626Identifier | null;
  callNumber: string | null;
  summaryHoldings: string | null;
  availabilityNote: string | null;
}

export interface Iso18626RequestedDeliveryInfo {
  sortOrder: number | null;
  address: Iso18626Address | null;
}

export interface Iso18626RequestingAgencyInfo {
  name: string | null;
  contactName: string | null;
  addresses: Iso18626Address[];
}

export interface Iso18626PatronInfo {
  patronId: string | null;
  surname: string | null;
  givenName: string | null;
  patronType: string | null;
  sendToPatron: string | null;
  addresses: Iso18626Address[];
}

export interface Iso18626BillingInfo {
  paymentMethod: string | null;
  maximumCosts: Iso18626Costs | null;
  billingMethod: string | null;
  billingName: string | null;
  address: Iso18626Address | null;
}

export interface Iso18626MessageInfo {
  /** Required by the schema. */
  reasonForMessage: string | null;
  answerYesNo: string | null;
  note: string | null;
  reasonUnfilled: string | null;
  reasonRetry: string | null;
  offeredCosts: Iso18626Costs | null;
  retryAfter: string | null;
  retryBefore: string | null;
}

export interface Iso18626StatusInfo {
  /** Required by the schema; `null` when empty: Alma sends `<status/>` in Notifications (protocols.md §5.3). */
  status: string | null;
  expectedDeliveryDate: string | null;
  dueDate: string | null;
  /** Required by the schema. */
  lastChange: string | null;
}

export interface Iso18626DeliveryInfo {
  /** Required by the schema when deliveryInfo is sent. */
  dateSent: string | null;
  /** As sent: ReShare packs several items as "barcode,callnumber,barcode" (protocols.md §5.3). */
  itemId: string | null;
  sentVia: string | null;
  sentToPatron: boolean | null;
  loanCondition: string | null;
  deliveredFormat: string | null;
  deliveryCosts: Iso18626Costs | null;
}

export interface Iso18626ReturnInfo {
  returnAgencyId: Iso18626AgencyId | null;
  name: string | null;
  physicalAddress: Iso18626PhysicalAddress | null;
}

export interface Iso18626Request {
  kind: 'request';
  header: Iso18626Header;
  bibliographicInfo: Iso18626BibliographicInfo;
  publicationInfo: Iso18626PublicationInfo | null;
  serviceInfo: Iso18626ServiceInfo | null;
  supplierInfo: Iso18626SupplierInfo[];
  requestedDeliveryInfo: Iso18626RequestedDeliveryInfo[];
  requestingAgencyInfo: Iso18626RequestingAgencyInfo | null;
  patronInfo: Iso18626PatronInfo | null;
  billingInfo: Iso18626BillingInfo | null;
}

export interface Iso18626SupplyingAgencyMessage {
  kind: 'supplyingAgencyMessage';
  header: Iso18626Header;
  messageInfo: Iso18626MessageInfo;
  statusInfo: Iso18626StatusInfo;
  deliveryInfo: Iso18626DeliveryInfo | null;
  returnInfo: Iso18626ReturnInfo | null;
}

export interface Iso18626RequestingAgencyMessage {
  kind: 'requestingAgencyMessage';
  header: Iso18626Header;
  /** Required by the schema; kept as sent even when outside the closed list (noted). */
  action: string | null;
  note: string | null;
}

export type Iso18626ConfirmationKind = 'requestConfirmation' | 'supplyingAgencyMessageConfirmation' | 'requestingAgencyMessageConfirmation';

export interface Iso18626ConfirmationHeader {
  supplyingAgencyId: Iso18626AgencyId | null;
  requestingAgencyId: Iso18626AgencyId | null;
  /** Required by the schema. */
  timestamp: string | null;
  requestingAgencyRequestId: string | null;
  multipleItemRequestId: string | null;
  /** Required by the schema: the `timestamp` of the message being confirmed. */
  timestampReceived: string | null;
  /** Required by the schema; `null` when absent or not OK/ERROR. */
  messageStatus: Iso18626MessageStatus | null;
}

export interface Iso18626ErrorData {
  /** One of ERROR_TYPES when we build; as sent when we parse. */
  errorType: Iso18626ErrorType | (string & {});
  errorValue: string | null;
}

export interface Iso18626Confirmation {
  kind: Iso18626ConfirmationKind;
  header: Iso18626ConfirmationHeader;
  errorData: Iso18626ErrorData | null;
  /** supplyingAgencyMessageConfirmation only: the reasonForMessage being confirmed. */
  reasonForMessage?: string | null;
  /** requestingAgencyMessageConfirmation only: the action being confirmed. */
  action?: string | null;
}

export type Iso18626Message = Iso18626Request | Iso18626SupplyingAgencyMessage | Iso18626RequestingAgencyMessage | Iso18626Confirmation;

export type Iso18626ParseErrorType = 'BadlyFormedMessage' | 'UnrecognisedDataElement' | 'UnrecognisedDataValue';

export type ParseOutcome =
  | {
      ok: true;
      message: Iso18626Message;
      /** The root's `version` attribute (qualified or not); `null` when absent or the root is a bare message. */
      version: string | null;
      /** What was tolerated, for the audit log: unqualified version, empty status, unknown elements and codes… */
      notes: string[];
    }
  | {
      ok: false;
      errorType: Iso18626ParseErrorType;
      errorValue: string;
      /** true when the body is not XML or not ISO 18626 at all (the endpoint answers 400), false for a message we can answer with an ERROR confirmation */
      unparsable: boolean;
      /** The message type, when the root said which one. */
      kind: Iso18626Message['kind'] | null;
      /** The header, when it could be read (to echo in the ERROR confirmation). */
      header: Iso18626Header | null;
    };
