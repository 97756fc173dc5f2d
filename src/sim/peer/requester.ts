/**
 * The peer mock as a requester, kept simple (illmock's convention, protocols.md §3.5): a Request with requestSubType
 * PatronRequest is confirmed, then sent on as a real Request (same requestingAgencyRequestId and bibliographic data,
 * PatronRequest dropped, our symbol as requester, our endpoint as requestingAgencyInfo's electronic address) to the
 * supplier: `supplierInfo/supplierDescription` when it is an http(s) URL, else `peerUrl`. The supplier's
 * SupplyingAgencyMessages are confirmed and answered from the patron request's note flags:
 * - `#CANCEL#`: Cancel after the first SAM (unless it is terminal);
 * - Loaned: Received, then ShippedReturn, except with `#RENEW#`, where ShippedReturn waits for the RenewResponse
 *   and an Overdue is answered with Renew; Recalled: ShippedReturn.
 * Not done: illmock's `#RECALL`, `#RETRYKEEPID#`, `#RETRYBIBID:x#` and automatic Retry after RetryPossible.
 */
import { errorConfirmation, okConfirmation } from '../../protocols/iso18626/confirmations.ts';
import { iso18626DateTime } from '../../protocols/iso18626/datetime.ts';
import type { Iso18626Header, Iso18626Request, Iso18626RequestingAgencyMessage, Iso18626SupplyingAgencyMessage } from '../../protocols/iso18626/messages.ts';
import type { Iso18626Action } from '../../protocols/iso18626/vocabulary.ts';
import { type Outbound, type PendingWork, sleep } from './outbound.ts';
import type { PeerReply } from './reply.ts';

export interface RequesterContext {
  symbol: string;
  symbolType: string;
  peerUrl: string | null;
  messageDelayMs: number;
  now: () => Date;
  outbound: Outbound;
  pending: PendingWork;
  log: (line: string) => void;
  isClosed: () => boolean;
  /** Our own ISO 18626 endpoint (known once the server listens). */
  selfUrl: () => string;
}

interface RequesterTransaction {
  header: Iso18626Header;
  supplierUrl: string | null;
  supplyingAgencyRequestId: string | null;
  cancel: boolean;
  renew: boolean;
  sent: Set<Iso18626Action>;
  firstSeen: boolean;
  queue: Promise<void>;
}

const TERMINAL = ['RetryPossible', 'Unfilled', 'Cancelled', 'CompletedWithoutReturn', 'CopyCompleted', 'LoanCompleted'];

export class Requester {
  readonly #context: RequesterContext;
  readonly #transactions = new Map<string, RequesterTransaction>();

  constructor(context: RequesterContext) {
    this.#context = context;
  }

  handlePatronRequest(patronRequest: Iso18626Request): PeerReply {
    const context = this.#context;
    const now = context.now();
    const id = patronRequest.header.requestingAgencyRequestId;
    if (!id) return { kind: 'confirmation', confirmation: errorConfirmation(patronRequest, { errorType: 'UnrecognisedDataValue', errorValue: 'requestingAgencyRequestId is required' }, { now }) };
    if (this.#transactions.has(id)) {
      return { kind: 'confirmation', confirmation: errorConfirmation(patronRequest, { errorType: 'UnrecognisedDataValue', errorValue: `requestingAgencyRequestId: duplicate request id ${id}` }, { now }) };
    }
    const described = patronRequest.supplierInfo.find((each) => each.supplierDescription && /^https?:\/\//i.test(each.supplierDescription))?.supplierDescription ?? null;
    const supplierId = patronRequest.header.supplyingAgencyId ?? patronRequest.supplierInfo.find((each) => each.supplierCode)?.supplierCode ?? null;
    const note = patronRequest.serviceInfo?.note ?? '';
    const header: Iso18626Header = {
      supplyingAgencyId: { type: supplierId?.type || context.symbolType, value: supplierId?.value || 'SUPPLIER' },
      requestingAgencyId: { type: context.symbolType, value: context.symbol },
      multipleItemRequestId: null,
      timestamp: iso18626DateTime(now),
      requestingAgencyRequestId: id,
      supplyingAgencyRequestId: null,
    };
    const transaction: RequesterTransaction = {
      header,
      supplierUrl: described ?? context.peerUrl,
      supplyingAgencyRequestId: null,
      cancel: note.includes('#CANCEL#'),
      renew: note.includes('#RENEW#'),
      sent: new Set(),
      firstSeen: false,
      queue: Promise.resolve(),
    };
    this.#transactions.set(id, transaction);
    const request: Iso18626Request = {
      ...patronRequest,
      header,
      serviceInfo: patronRequest.serviceInfo && {
        ...patronRequest.serviceInfo,
        requestSubTypes: patronRequest.serviceInfo.requestSubTypes.filter((each) => each !== 'PatronRequest'),
        serviceType: patronRequest.serviceInfo.serviceType ?? 'Loan',
      },
      requestingAgencyInfo: {
        name: patronRequest.requestingAgencyInfo?.name ?? context.symbol,
        contactName: patronRequest.requestingAgencyInfo?.contactName ?? null,
        addresses: [{ kind: 'electronic', electronicAddressType: 'URL', electronicAddressData: context.selfUrl() }],
      },
    };
    context.log(`requester: patron request ${id} -> ${transaction.supplierUrl ?? '(no supplier address)'}`);
    return {
      kind: 'confirmation',
      confirmation: okConfirmation(patronRequest, { now }),
      after: () => this.#enqueue(transaction, async () => {
        await context.outbound.send('requester', transaction.supplierUrl, { ...request, header: { ...header, timestamp: iso18626DateTime(context.now()) } });
      }),
    };
  }

  handleSupplyingAgencyMessage(message: Iso18626SupplyingAgencyMessage): PeerReply {
    const context = this.#context;
    const now = context.now();
    const id = message.header.requestingAgencyRequestId;
    const transaction = id ? this.#transactions.get(id) : undefined;
    if (transaction === undefined) {
      return { kind: 'confirmation', confirmation: errorConfirmation(message, { errorType: 'UnrecognisedDataValue', errorValue: `requestingAgencyRequestId: no request ${id ?? ''}` }, { now }) };
    }
    transaction.supplyingAgencyRequestId = message.header.supplyingAgencyRequestId ?? transaction.supplyingAgencyRequestId;
    const status = message.statusInfo.status ?? '';
    const reason = message.messageInfo.reasonForMessage;
    const actions: Iso18626Action[] = [];
    const first = !transaction.firstSeen;
    transaction.firstSeen = true;
    if (transaction.cancel && first && !TERMINAL.includes(status)) actions.push('Cancel');
    else if (status === 'Loaned' && reason !== 'RenewResponse') {
      actions.push('Received');
      if (!transaction.renew) actions.push('ShippedReturn');
    } else if (status === 'Overdue' && transaction.renew) actions.push('Renew');
    else if (reason === 'RenewResponse' || status === 'Recalled') actions.push('ShippedReturn');
    const todo = actions.filter((action) => !transaction.sent.has(action));
    for (const action of todo) transaction.sent.add(action);
    return {
      kind: 'confirmation',
      confirmation: okConfirmation(message, { now }),
      after: () => {
        for (const action of todo) this.#enqueue(transaction, () => context.outbound.send('requester', transaction.supplierUrl, this.#message(transaction, action)).then(() => {}));
      },
    };
  }

  #message(transaction: RequesterTransaction, action: Iso18626Action): Iso18626RequestingAgencyMessage {
    return {
      kind: 'requestingAgencyMessage',
      header: { ...transaction.header, timestamp: iso18626DateTime(this.#context.now()), supplyingAgencyRequestId: transaction.supplyingAgencyRequestId },
      action,
      note: null,
    };
  }

  #enqueue(transaction: RequesterTransaction, work: () => Promise<void>): void {
    const context = this.#context;
    transaction.queue = context.pending.track(
      transaction.queue
        .then(async () => {
          await sleep(context.messageDelayMs);
          if (!context.isClosed()) await work();
        })
        .catch((error: unknown) => context.log(`requester: sending failed: ${error instanceof Error ? error.message : String(error)}`)),
    );
  }
}
