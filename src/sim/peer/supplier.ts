/**
 * The peer mock as a supplier (protocols.md §3.5, §8.2): a Request is confirmed (or refused, by scenario), then the
 * scenario's SupplyingAgencyMessages go to the requester one by one, `messageDelayMs` apart; the requester's
 * RequestingAgencyMessages are confirmed and answered (Cancel → CancelResponse, Renew → RenewResponse, StatusRequest
 * → StatusRequestResponse, ShippedReturn → LoanCompleted; Received, Notification and ShippedForward are only
 * acknowledged).
 *
 * Each request has one queue, so everything the mock sends about it goes out in order. A message's content is
 * decided when it is sent (the status is the one last sent), except Cancel, which is decided when it arrives: an
 * accepted Cancel drops the scenario messages still waiting.
 */
import { errorConfirmation, okConfirmation } from '../../protocols/iso18626/confirmations.ts';
import { iso18626DateTime } from '../../protocols/iso18626/datetime.ts';
import type {
  Iso18626AgencyId,
  Iso18626DeliveryInfo,
  Iso18626Header,
  Iso18626Request,
  Iso18626RequestingAgencyMessage,
  Iso18626SupplyingAgencyMessage,
} from '../../protocols/iso18626/messages.ts';
import { isIso18626Action, type Iso18626ReasonForMessage, type Iso18626Status } from '../../protocols/iso18626/vocabulary.ts';
import { type Outbound, type PendingWork, sleep } from './outbound.ts';
import { httpReply, type PeerReply } from './reply.ts';
import { daysAfter, endOfDay, planScenario, type ScenarioStep, scenarioFor } from './scenarios.ts';

export interface SupplierContext {
  symbol: string;
  symbolType: string;
  peerUrl: string | null;
  messageDelayMs: number;
  defaultScenario: string;
  loanPeriodDays: number;
  now: () => Date;
  outbound: Outbound;
  pending: PendingWork;
  log: (line: string) => void;
  isClosed: () => boolean;
}

interface SupplierTransaction {
  header: Iso18626Header;
  requesterUrl: string | null;
  supplyingAgencyRequestId: string;
  serviceType: string | null;
  scenario: string;
  /** The status last sent (RequestReceived before the first SAM). */
  status: Iso18626Status;
  dueDate: string | null;
  itemId: string | null;
  /** A RequestResponse was sent: later messages are StatusChange. */
  responded: boolean;
  /** An accepted Cancel: scenario messages still queued are dropped. */
  cancelled: boolean;
  queue: Promise<void>;
}

const ON_LOAN: readonly Iso18626Status[] = ['Loaned', 'Overdue', 'Recalled'];
const TERMINAL: readonly Iso18626Status[] = ['RetryPossible', 'Unfilled', 'Cancelled', 'CompletedWithoutReturn', 'CopyCompleted', 'LoanCompleted'];

/** The key of a request: the requester's agency id and its requestingAgencyRequestId. */
export const transactionKey = (header: Iso18626Header): string | null =>
  header.requestingAgencyId && header.requestingAgencyRequestId ? `${header.requestingAgencyId.type ?? ''}:${header.requestingAgencyId.value}/${header.requestingAgencyRequestId}` : null;

/** The http(s) electronic address of requestingAgencyInfo, where the requester wants SAMs. */
export function requesterAddress(request: Iso18626Request): string | null {
  for (const address of request.requestingAgencyInfo?.addresses ?? []) {
    if (address.kind === 'electronic' && address.electronicAddressData && /^https?:\/\//i.test(address.electronicAddressData)) return address.electronicAddressData;
  }
  return null;
}

const withType = (id: Iso18626AgencyId | null, fallback: Iso18626AgencyId): Iso18626AgencyId =>
  id === null ? fallback : { type: id.type && id.type !== '' ? id.type : fallback.type, value: id.value };

export class Supplier {
  readonly #context: SupplierContext;
  readonly #transactions = new Map<string, SupplierTransaction>();
  #sequence = 0;

  constructor(context: SupplierContext) {
    this.#context = context;
  }

  get #ours(): Iso18626AgencyId {
    return { type: this.#context.symbolType, value: this.#context.symbol };
  }

  handleRequest(request: Iso18626Request): PeerReply {
    const context = this.#context;
    const now = context.now();
    const key = transactionKey(request.header);
    if (key === null) {
      return { kind: 'confirmation', confirmation: errorConfirmation(request, { errorType: 'UnrecognisedDataValue', errorValue: 'requestingAgencyId and requestingAgencyRequestId are required' }, { now }) };
    }
    if (this.#transactions.has(key)) {
      return {
        kind: 'confirmation',
        confirmation: errorConfirmation(request, { errorType: 'UnrecognisedDataValue', errorValue: `requestingAgencyRequestId: duplicate request id ${request.header.requestingAgencyRequestId ?? ''}` }, { now }),
      };
    }
    const { token, source } = scenarioFor(request, context.symbol, context.defaultScenario);
    const plan = planScenario(token, { serviceType: request.serviceInfo?.serviceType ?? null, requestType: request.serviceInfo?.requestType ?? null, now });
    context.log(`supplier: request ${key} scenario ${token} (${source}) -> ${plan.kind}`);
    if (plan.kind === 'http-error') return httpReply(plan.httpStatus, `MOCK HTTP-ERROR-${plan.httpStatus}`);
    if (plan.kind === 'confirmation-error') return { kind: 'confirmation', confirmation: errorConfirmation(request, { errorType: 'UnrecognisedDataValue', errorValue: plan.errorValue }, { now }) };

    this.#sequence += 1;
    const transaction: SupplierTransaction = {
      header: { ...request.header, supplyingAgencyId: withType(request.header.supplyingAgencyId, this.#ours), requestingAgencyId: withType(request.header.requestingAgencyId, { type: context.symbolType, value: '' }) },
      requesterUrl: requesterAddress(request) ?? context.peerUrl,
      supplyingAgencyRequestId: `${context.symbol}-${this.#sequence}`,
      serviceType: request.serviceInfo?.serviceType ?? null,
      scenario: token,
      status: 'RequestReceived',
      dueDate: null,
      itemId: null,
      responded: false,
      cancelled: false,
      queue: Promise.resolve(),
    };
    this.#transactions.set(key, transaction);
    return {
      kind: 'confirmation',
      confirmation: okConfirmation(request, { now }),
      after: () => {
        for (const step of plan.steps) this.#enqueue(transaction, () => (transaction.cancelled ? null : this.#scenarioMessage(transaction, step)));
      },
    };
  }

  handleRequestingAgencyMessage(message: Iso18626RequestingAgencyMessage): PeerReply {
    const context = this.#context;
    const now = context.now();
    const action = message.action;
    const refuse = (errorType: 'UnsupportedActionType' | 'UnrecognisedDataValue', errorValue: string): PeerReply => ({
      kind: 'confirmation',
      confirmation: errorConfirmation(message, { errorType, errorValue }, { now }),
    });
    if (!isIso18626Action(action)) return refuse('UnsupportedActionType', action ?? '');
    const key = transactionKey(message.header);
    const transaction = key === null ? undefined : this.#transactions.get(key);
    if (transaction === undefined) return refuse('UnrecognisedDataValue', `requestingAgencyRequestId: no request ${message.header.requestingAgencyRequestId ?? ''}`);
    context.log(`supplier: ${action} on ${key ?? ''} (status ${transaction.status})`);
    const reply = (after?: () => void): PeerReply => ({ kind: 'confirmation', confirmation: okConfirmation(message, { now }), ...(after ? { after } : {}) });

    switch (action) {
      case 'Cancel': {
        // Decided now: an accepted Cancel stops the scenario.
        const accept = !ON_LOAN.includes(transaction.status) && !TERMINAL.includes(transaction.status);
        if (accept) transaction.cancelled = true;
        return reply(() =>
          this.#enqueue(transaction, () =>
            accept ? this.#message(transaction, 'CancelResponse', 'Cancelled', { answerYesNo: 'Y' }) : this.#message(transaction, 'CancelResponse', transaction.status, { answerYesNo: 'N' }),
          ),
        );
      }
      case 'Renew':
        return reply(() =>
          this.#enqueue(transaction, () => {
            if (transaction.status !== 'Loaned' && transaction.status !== 'Overdue') return this.#message(transaction, 'RenewResponse', transaction.status, { answerYesNo: 'N' });
            const from = transaction.dueDate === null ? context.now() : new Date(Math.max(Date.parse(transaction.dueDate), context.now().getTime()));
            transaction.dueDate = endOfDay(daysAfter(from, context.loanPeriodDays));
            return this.#message(transaction, 'RenewResponse', 'Loaned', { answerYesNo: 'Y' });
          }),
        );
      case 'StatusRequest':
        return reply(() => this.#enqueue(transaction, () => this.#message(transaction, 'StatusRequestResponse', transaction.status, {})));
      case 'ShippedReturn':
        return reply(() => this.#enqueue(transaction, () => (ON_LOAN.includes(transaction.status) ? this.#message(transaction, 'StatusChange', 'LoanCompleted', {}) : null)));
      default:
        // Received, Notification, ShippedForward: acknowledged only.
        return reply();
    }
  }

  /** Runs `next` after the messages queued before it, `messageDelayMs` later; `null` sends nothing. */
  #enqueue(transaction: SupplierTransaction, next: () => Iso18626SupplyingAgencyMessage | null): void {
    const context = this.#context;
    transaction.queue = context.pending.track(
      transaction.queue.then(async () => {
        await sleep(context.messageDelayMs);
        if (context.isClosed()) return;
        const message = next();
        if (message !== null) await context.outbound.send('supplier', transaction.requesterUrl, message);
      }).catch((error: unknown) => context.log(`supplier: sending failed: ${error instanceof Error ? error.message : String(error)}`)),
    );
  }

  #scenarioMessage(transaction: SupplierTransaction, step: ScenarioStep): Iso18626SupplyingAgencyMessage | null {
    if (TERMINAL.includes(transaction.status)) return null;
    return this.#message(transaction, transaction.responded ? 'StatusChange' : 'RequestResponse', step.status, {
      note: step.note ?? null,
      reasonUnfilled: step.reasonUnfilled ?? null,
      reasonRetry: step.reasonRetry ?? null,
      offeredCosts: step.offeredCosts ?? null,
      retryAfter: step.retryAfter ?? null,
    });
  }

  /** A SAM with the request's ids; updates the transaction's status (and due date and item when Loaned). */
  #message(
    transaction: SupplierTransaction,
    reasonForMessage: Iso18626ReasonForMessage,
    status: Iso18626Status,
    info: Partial<Iso18626SupplyingAgencyMessage['messageInfo']>,
  ): Iso18626SupplyingAgencyMessage {
    const context = this.#context;
    const now = context.now();
    const sent = iso18626DateTime(now);
    let deliveryInfo: Iso18626DeliveryInfo | null = null;
    const firstShipment = (status === 'Loaned' || status === 'CopyCompleted') && transaction.itemId === null;
    if (firstShipment) {
      transaction.itemId = status === 'Loaned' ? `${context.symbol}-ITEM-${transaction.supplyingAgencyRequestId}` : `http://example.com/${transaction.supplyingAgencyRequestId}.pdf`;
      if (status === 'Loaned') transaction.dueDate = endOfDay(daysAfter(now, context.loanPeriodDays));
      deliveryInfo = {
        dateSent: sent,
        itemId: transaction.itemId,
        sentVia: status === 'Loaned' ? 'Mail' : 'URL',
        sentToPatron: null,
        loanCondition: null,
        deliveredFormat: status === 'Loaned' ? 'Printed' : 'PDF',
        deliveryCosts: null,
      };
    }
    if (reasonForMessage === 'RequestResponse' || reasonForMessage === 'StatusChange') transaction.responded = true;
    transaction.status = status;
    return {
      kind: 'supplyingAgencyMessage',
      header: { ...transaction.header, timestamp: sent, supplyingAgencyRequestId: transaction.supplyingAgencyRequestId, requestingAgencyAuthentication: null },
      messageInfo: {
        reasonForMessage,
        answerYesNo: info.answerYesNo ?? null,
        note: info.note ?? null,
        reasonUnfilled: info.reasonUnfilled ?? null,
        reasonRetry: info.reasonRetry ?? null,
        offeredCosts: info.offeredCosts ?? null,
        retryAfter: info.retryAfter ?? null,
        retryBefore: info.retryBefore ?? null,
      },
      statusInfo: { status, expectedDeliveryDate: null, dueDate: ON_LOAN.includes(status) ? transaction.dueDate : null, lastChange: sent },
      deliveryInfo,
      returnInfo: null,
    };
  }
}
