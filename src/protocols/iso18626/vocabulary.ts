/**
 * The closed code lists of ISO 18626 that this codec reads and writes, copied from the enumerations in
 * shared/conformance/schemas/iso18626/ISO-18626-v1_2.xsd (`type_*` simple types), plus the values the 2021-2 schema
 * adds (protocols.md §1, "v1.2 vs 2021 differences"). Builders accept only the v1.2 values (we send v1.2); the
 * parser keeps any value as a string and notes the ones outside these lists (the use case decides what to answer).
 */

/** The root element and its namespace, the same URI for 2014, 2017 and 2021 (protocols.md §1). */
export const ISO18626_ROOT = 'ISO18626Message';
export const ISO18626_NAMESPACE = 'http://illtransactions.org/2013/iso18626';
/** What we send in `ill:version` (ISO 18626:2017, schema v1.2). */
export const ISO18626_VERSION = '1.2';

/** The six message types: the children of ISO18626Message's `xs:choice`. */
export const MESSAGE_TYPES = [
  'request',
  'requestConfirmation',
  'supplyingAgencyMessage',
  'supplyingAgencyMessageConfirmation',
  'requestingAgencyMessage',
  'requestingAgencyMessageConfirmation',
] as const;
export type Iso18626MessageType = (typeof MESSAGE_TYPES)[number];

/** type_status. */
export const STATUSES = [
  'RequestReceived',
  'ExpectToSupply',
  'WillSupply',
  'Loaned',
  'Overdue',
  'Recalled',
  'RetryPossible',
  'Unfilled',
  'CopyCompleted',
  'LoanCompleted',
  'CompletedWithoutReturn',
  'Cancelled',
] as const;
export type Iso18626Status = (typeof STATUSES)[number];
/** Statuses only the 2021-2 schema has. */
export const STATUSES_2021 = ['HoldReturn', 'ReleaseHoldReturn'] as const;

/** type_action. */
export const ACTIONS = ['StatusRequest', 'Received', 'Cancel', 'Renew', 'ShippedReturn', 'ShippedForward', 'Notification'] as const;
export type Iso18626Action = (typeof ACTIONS)[number];
/** Actions only the 2021-2 schema has. */
export const ACTIONS_2021 = ['HoldReturn', 'Lost'] as const;

/** type_reasonForMessage. */
export const REASONS_FOR_MESSAGE = ['RequestResponse', 'StatusRequestResponse', 'RenewResponse', 'CancelResponse', 'StatusChange', 'Notification'] as const;
export type Iso18626ReasonForMessage = (typeof REASONS_FOR_MESSAGE)[number];

/** type_errorType (the XSD spelling "Unrecognised", protocols.md §5.3). */
export const ERROR_TYPES = ['UnsupportedActionType', 'UnsupportedReasonForMessageType', 'UnrecognisedDataElement', 'UnrecognisedDataValue', 'BadlyFormedMessage'] as const;
export type Iso18626ErrorType = (typeof ERROR_TYPES)[number];

/** type_messageStatus. */
export const MESSAGE_STATUSES = ['OK', 'ERROR'] as const;
export type Iso18626MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** type_requestType. */
export const REQUEST_TYPES = ['New', 'Retry', 'Reminder'] as const;
/** type_requestSubType (at most 3 in a v1.2 serviceInfo). */
export const REQUEST_SUB_TYPES = ['BookingRequest', 'MultipleItemRequest', 'PatronRequest', 'TransferRequest', 'SupplyingLibrarysChoice'] as const;
/** type_serviceType. */
export const SERVICE_TYPES = ['Copy', 'Loan', 'CopyOrLoan'] as const;
/** type_yesNo. */
export const YES_NO = ['Y', 'N'] as const;

const has = (list: readonly string[], value: string | null | undefined): boolean => value !== null && value !== undefined && list.includes(value);

export const isIso18626Status = (value: string | null | undefined): value is Iso18626Status => has(STATUSES, value);
export const isIso18626Action = (value: string | null | undefined): value is Iso18626Action => has(ACTIONS, value);
export const isIso18626ReasonForMessage = (value: string | null | undefined): value is Iso18626ReasonForMessage => has(REASONS_FOR_MESSAGE, value);
export const isIso18626ErrorType = (value: string | null | undefined): value is Iso18626ErrorType => has(ERROR_TYPES, value);
export const isIso18626MessageType = (value: string | null | undefined): value is Iso18626MessageType => has(MESSAGE_TYPES, value);
