/**
 * The synchronous answer to every incoming request, supplyingAgencyMessage and requestingAgencyMessage: the
 * matching confirmation, `messageStatus` OK, or ERROR with errorData (protocols.md §8.2 "Transport"; ISO 18626:
 * the confirmation only says the message was received, and carries Error Data when it has problems, §5.3). Per
 * §8.2 the confirmation header echoes the agency ids, requestingAgencyRequestId and (only when it was sent, it is
 * optional in confirmationHeader) multipleItemRequestId; `timestamp` is now and `timestampReceived` the incoming
 * `timestamp` (repaired by datetime.ts, e.g. ReShare's `+0000`; now when absent or beyond repair, since the
 * schema requires it). A SAM confirmation echoes `reasonForMessage` and a RAM confirmation `action`, each only when
 * it is in the v1.2 closed list (they are optional, and an unknown one is what the ERROR is about).
 * The results are plain messages for build.ts.
 */
import { iso18626DateTime, normaliseDateTime } from './datetime.ts';
import type { Iso18626AgencyId, Iso18626Confirmation, Iso18626ConfirmationKind, Iso18626Header, Iso18626Message, ParseOutcome } from './messages.ts';
import { isIso18626Action, isIso18626ReasonForMessage, type Iso18626ErrorType } from './vocabulary.ts';

/** The messages that get a confirmation. */
export type Iso18626Confirmable = Extract<Iso18626Message, { kind: 'request' | 'supplyingAgencyMessage' | 'requestingAgencyMessage' }>;

const CONFIRMATION_OF: Readonly<Record<Iso18626Confirmable['kind'], Iso18626ConfirmationKind>> = {
  request: 'requestConfirmation',
  supplyingAgencyMessage: 'supplyingAgencyMessageConfirmation',
  requestingAgencyMessage: 'requestingAgencyMessageConfirmation',
};

/** The confirmation that answers a message kind; `null` for confirmations (they are not confirmed) and unknown kinds. */
export function confirmationKindFor(kind: string | null): Iso18626ConfirmationKind | null {
  return kind !== null && Object.hasOwn(CONFIRMATION_OF, kind) ? CONFIRMATION_OF[kind as Iso18626Confirmable['kind']] : null;
}

/** An agency id can be echoed only with both parts (type_agencyId requires agencyIdType). */
const echoable = (id: Iso18626AgencyId | null): Iso18626AgencyId | null => (id !== null && id.type !== null && id.type !== '' ? id : null);

export interface ConfirmationOptions {
  /** The time of the answer (default: now). */
  readonly now?: Date;
}

export interface Iso18626ErrorInput {
  errorType: Iso18626ErrorType;
  errorValue?: string | null;
}

function confirmation(
  kind: Iso18626ConfirmationKind,
  header: Iso18626Header | null,
  error: Iso18626ErrorInput | null,
  echo: { reasonForMessage?: string | null; action?: string | null },
  options: ConfirmationOptions,
): Iso18626Confirmation {
  const now = iso18626DateTime(options.now ?? new Date());
  const result: Iso18626Confirmation = {
    kind,
    header: {
      supplyingAgencyId: echoable(header?.supplyingAgencyId ?? null),
      requestingAgencyId: echoable(header?.requestingAgencyId ?? null),
      timestamp: now,
      requestingAgencyRequestId: header?.requestingAgencyRequestId ?? null,
      multipleItemRequestId: header?.multipleItemRequestId ?? null,
      timestampReceived: normaliseDateTime(header?.timestamp) ?? now,
      messageStatus: error === null ? 'OK' : 'ERROR',
    },
    errorData: error === null ? null : { errorType: error.errorType, errorValue: error.errorValue ?? null },
  };
  if (kind === 'supplyingAgencyMessageConfirmation') result.reasonForMessage = isIso18626ReasonForMessage(echo.reasonForMessage) ? echo.reasonForMessage : null;
  if (kind === 'requestingAgencyMessageConfirmation') result.action = isIso18626Action(echo.action) ? echo.action : null;
  return result;
}

const echoOf = (message: Iso18626Confirmable) => ({
  reasonForMessage: message.kind === 'supplyingAgencyMessage' ? message.messageInfo.reasonForMessage : null,
  action: message.kind === 'requestingAgencyMessage' ? message.action : null,
});

/** `messageStatus` OK for a message we accepted. */
export function okConfirmation(message: Iso18626Confirmable, options: ConfirmationOptions = {}): Iso18626Confirmation {
  return confirmation(CONFIRMATION_OF[message.kind], message.header, null, echoOf(message), options);
}

/** `messageStatus` ERROR with errorData, for a message we read but refuse (unknown action, duplicate id…). */
export function errorConfirmation(message: Iso18626Confirmable, error: Iso18626ErrorInput, options: ConfirmationOptions = {}): Iso18626Confirmation {
  return confirmation(CONFIRMATION_OF[message.kind], message.header, error, echoOf(message), options);
}

/**
 * The ERROR confirmation for a parse failure that can be answered with one (`unparsable: false` and the message
 * type known), echoing the header when it was read. `null` otherwise: the endpoint answers HTTP 400 (protocols.md
 * §8.2), as it must when ISO18626Message holds an element that is no message type (no confirmation type fits).
 */
export function confirmationForFailure(outcome: Extract<ParseOutcome, { ok: false }>, options: ConfirmationOptions = {}): Iso18626Confirmation | null {
  const kind = confirmationKindFor(outcome.kind);
  if (outcome.unparsable || kind === null) return null;
  return confirmation(kind, outcome.header, { errorType: outcome.errorType, errorValue: outcome.errorValue }, {}, options);
}
