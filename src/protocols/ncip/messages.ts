/**
 * The NCIP requests we read and the responses we write, as plain data (NISO Z39.83-1-2012, NCIP 2.02; the schema is
 * shared/conformance/schemas/ncip/ncip_v2_02.xsd). Requests are what parse.ts makes of whatever a peer sent
 * (lenient: absent or empty elements are `null`, strings are as sent, trimmed); responses are what build.ts turns
 * into schema-valid XML (strict).
 *
 * Where the 2.02 schema requires an element, the response field is required here too (the XSD wins):
 * - AcceptItemResponse needs `RequestId`; CheckInItemResponse needs `ItemId`;
 * - CheckOutItemResponse needs `ItemId` and `UserId`, and one of `DateDue` | `IndeterminateLoanPeriodFlag`
 *   (`dateDue: null` is sent as the flag);
 * - RequestItemResponse needs `UserId`, `RequestType` and `RequestScopeType`;
 * - CancelRequestItemResponse needs `UserId` and `RequestId` or `ItemId` (build.ts refuses neither);
 * - CreateUserFiscalTransactionResponse needs `FiscalTransactionReferenceId` (our agency + the reference).
 * A `ResponseHeader` needs both agencies, so it is left out when `toAgencyId` is `null` (it is optional).
 */

/** InitiationHeader (NCIP 2.02 §InitiationHeader; ApplicationProfileType is the partner code, illiad.md §3.1). */
export interface InitiationHeader {
  fromAgencyId: string | null;
  toAgencyId: string | null;
  applicationProfileType: string | null;
  /** FromAgencyAuthentication, only when sent (Alma's v1 profile can carry the partner code there, illiad.md §3.1). */
  fromAgencyAuthentication?: string | null;
}

/** RequestId, ItemId: AgencyId + the identifier value. */
export interface NcipId {
  agencyId: string | null;
  value: string;
}

/** UserId: AgencyId, UserIdentifierType (ILLiad says "Barcode Id" whatever it sends, illiad.md §2.3), value. */
export interface NcipUserId {
  agencyId: string | null;
  type: string | null;
  value: string;
}

export type NcipRequest =
  | {
      service: 'AcceptItem';
      header: InitiationHeader;
      requestId: NcipId | null;
      requestedActionType: string | null;
      userId: NcipUserId | null;
      itemId: NcipId | null;
      /** As sent: ILLiad sends `YYYY-MM-DDT23:59:00` with no zone. */
      dateForReturn: string | null;
      pickupLocation: string | null;
      /** The last day the item waits for the patron on the hold shelf, as sent (2.02 AcceptItem PickupExpiryDate). */
      pickupExpiryDate: string | null;
      title: string | null;
      author: string | null;
    }
  | { service: 'CheckInItem'; header: InitiationHeader; userId: NcipUserId | null; itemId: NcipId | null; requestId: NcipId | null }
  | { service: 'CheckOutItem'; header: InitiationHeader; userId: NcipUserId | null; itemId: NcipId | null; requestId: NcipId | null; desiredDateDue: string | null }
  | {
      service: 'LookupUser';
      header: InitiationHeader;
      userId: NcipUserId | null;
      authenticationInputs: { type: string | null; value: string }[];
      userElementTypes: string[];
    }
  | {
      service: 'RequestItem';
      header: InitiationHeader;
      userId: NcipUserId | null;
      requestId: NcipId | null;
      itemIds: NcipId[];
      bibliographicIds: { type: string | null; value: string }[];
      requestType: string | null;
      /** Added: the response must echo it (RequestItemResponse requires RequestScopeType). */
      requestScopeType: string | null;
      pickupLocation: string | null;
      title: string | null;
      author: string | null;
    }
  | { service: 'CancelRequestItem'; header: InitiationHeader; userId: NcipUserId | null; requestId: NcipId | null; itemId: NcipId | null }
  | { service: 'RenewItem'; header: InitiationHeader; userId: NcipUserId | null; itemId: NcipId | null; desiredDateDue: string | null }
  | {
      service: 'CreateUserFiscalTransaction';
      header: InitiationHeader;
      userId: NcipUserId | null;
      fiscalActionType: string | null;
      fiscalTransactionType: string | null;
      amount: { currency: string | null; value: string } | null;
      description: string | null;
    }
  | { service: 'Unsupported'; name: string; header: InitiationHeader };

export type NcipRequestService = Exclude<NcipRequest['service'], 'Unsupported'>;

/** One `Problem`: ProblemType (with its Scheme), ProblemDetail, ProblemElement (a path), ProblemValue. */
export interface NcipProblem {
  type: string;
  scheme?: string;
  detail: string;
  element?: string;
  value?: string;
}

export type ParseOutcome =
  | { ok: true; request: NcipRequest; version: string | null; /** what was tolerated, for the audit log */ notes: string[] }
  | {
      ok: false;
      problem: NcipProblem;
      /** the service name when it was recognised, so the Problem can sit inside its response */
      service: string | null;
      header: InitiationHeader | null;
    };

/** ResponseHeader: From = us, To = the initiator's FromAgencyId (illiad.md §5 (b) 9). Omitted when `toAgencyId` is null. */
export interface ResponseHeader {
  fromAgencyId: string;
  toAgencyId: string | null;
}

export type NcipResponse =
  | { service: 'AcceptItem'; header: ResponseHeader; requestId: NcipId; itemId: NcipId | null }
  | { service: 'CheckInItem'; header: ResponseHeader; itemId: NcipId; userId?: NcipUserId | null }
  | { service: 'CheckOutItem'; header: ResponseHeader; itemId: NcipId; userId: NcipUserId; /** ISO date-time; `null` → IndeterminateLoanPeriodFlag */ dateDue: string | null }
  | {
      service: 'LookupUser';
      header: ResponseHeader;
      userId: NcipUserId;
      /** Structured when `last` is known (Surname is required there), else `first` as the unstructured name. */
      name?: { first: string | null; last: string | null } | null;
      /** Sent as a Multi-Purpose `mailto` ElectronicAddress. */
      email?: string | null;
      privilege?: { agencyId: string; type: string; status: string } | null;
      /** BlockOrTrapType values; their AgencyId is ours (`header.fromAgencyId`). */
      blocks?: string[];
    }
  | { service: 'RequestItem'; header: ResponseHeader; requestId: NcipId; itemId?: NcipId | null; userId: NcipUserId; requestType: string; requestScopeType: string }
  | { service: 'CancelRequestItem'; header: ResponseHeader; requestId: NcipId | null; itemId?: NcipId | null; userId: NcipUserId }
  | { service: 'RenewItem'; header: ResponseHeader; itemId: NcipId; userId?: NcipUserId | null; /** ISO date-time */ dateDue: string }
  | {
      service: 'CreateUserFiscalTransaction';
      header: ResponseHeader;
      userId: NcipUserId;
      /** FiscalTransactionIdentifierValue; its AgencyId is ours (`header.fromAgencyId`). */
      fiscalTransactionReference: string;
    }
  | {
      /** Any service name (inside `<name>Response` when NCIP 2.02 has it), or 'NCIPMessage' for a message-level Problem. */
      service: string;
      header: ResponseHeader | null;
      problems: NcipProblem[];
    };

export type NcipProblemResponse = Extract<NcipResponse, { problems: NcipProblem[] }>;
