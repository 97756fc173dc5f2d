/**
 * The peer mock's history (illmock's "flows", protocols.md §3.5): every message in and out, in order, with the raw
 * body, so a test or a demo can see what was said. Entries for what is not a message (an HTTP error we answered or
 * got, a body we could not read, a failed POST) have `kind` `http-error`, `unparsable` or `transport-error`.
 */
import type { Iso18626Message } from '../../protocols/iso18626/messages.ts';

export type PeerRole = 'supplier' | 'requester';

export interface PeerFlow {
  /** 1, 2, 3… in the order recorded. */
  seq: number;
  /** ISO date-time of the record. */
  time: string;
  /** The role the mock played in this exchange. */
  role: PeerRole;
  /** `in`: received by the mock (a message, or the confirmation of one it sent); `out`: sent by the mock. */
  direction: 'in' | 'out';
  /** The ISO 18626 message kind, or `http-error`, `unparsable`, `transport-error`. */
  kind: string;
  requestingAgencyRequestId: string | null;
  requestingAgencyId: string | null;
  supplyingAgencyId: string | null;
  status?: string | null;
  reasonForMessage?: string | null;
  answerYesNo?: string | null;
  action?: string | null;
  messageStatus?: string | null;
  errorType?: string | null;
  errorValue?: string | null;
  /** The HTTP status of the answer (for `out` confirmations and answers we got). */
  httpStatus?: number;
  /** Where an `out` message was posted. */
  url?: string;
  /** The body as sent or received (for errors: the error text). */
  xml: string;
}

export type FlowDetails = Omit<PeerFlow, 'seq' | 'time' | 'role' | 'direction' | 'xml' | 'kind' | 'requestingAgencyRequestId' | 'requestingAgencyId' | 'supplyingAgencyId'> &
  Partial<Pick<PeerFlow, 'kind' | 'requestingAgencyRequestId' | 'requestingAgencyId' | 'supplyingAgencyId'>>;

/** The fields of a flow entry that a message says about itself. */
export function describeMessage(message: Iso18626Message): FlowDetails {
  const common = {
    kind: message.kind,
    requestingAgencyRequestId: message.header.requestingAgencyRequestId,
    requestingAgencyId: message.header.requestingAgencyId?.value ?? null,
    supplyingAgencyId: message.header.supplyingAgencyId?.value ?? null,
  };
  switch (message.kind) {
    case 'request':
      return common;
    case 'supplyingAgencyMessage':
      return { ...common, status: message.statusInfo.status, reasonForMessage: message.messageInfo.reasonForMessage, answerYesNo: message.messageInfo.answerYesNo };
    case 'requestingAgencyMessage':
      return { ...common, action: message.action };
    default:
      return {
        ...common,
        messageStatus: message.header.messageStatus,
        errorType: message.errorData?.errorType ?? null,
        errorValue: message.errorData?.errorValue ?? null,
        ...(message.reasonForMessage === undefined ? {} : { reasonForMessage: message.reasonForMessage }),
        ...(message.action === undefined ? {} : { action: message.action }),
      };
  }
}

export class FlowLog {
  readonly #entries: PeerFlow[] = [];
  readonly #now: () => Date;

  constructor(now: () => Date) {
    this.#now = now;
  }

  record(role: PeerRole, direction: 'in' | 'out', xml: string, details: FlowDetails): PeerFlow {
    const entry: PeerFlow = {
      seq: this.#entries.length + 1,
      time: this.#now().toISOString(),
      role,
      direction,
      kind: 'unparsable',
      requestingAgencyRequestId: null,
      requestingAgencyId: null,
      supplyingAgencyId: null,
      ...details,
      xml,
    };
    this.#entries.push(entry);
    return entry;
  }

  list(filter: { requestingAgencyRequestId?: string } = {}): PeerFlow[] {
    const id = filter.requestingAgencyRequestId;
    return this.#entries.filter((entry) => id === undefined || id === '' || entry.requestingAgencyRequestId === id).map((entry) => ({ ...entry }));
  }
}
