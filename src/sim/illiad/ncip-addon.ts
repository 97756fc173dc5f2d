/**
 * ILLiad's NCIP add-on, driven by emulated staff actions (illiad.md §2.1, §5 (c) 7–10). Each event first does what
 * the staff action does in ILLiad (a status, a due date), then what the add-on's handler does: build the message
 * (ncip-messages.ts), post it (ncip-transport.ts) and file the answer (ncip-filing.ts).
 *
 * | event                              | ILLiad hook                          | message                          |
 * |------------------------------------|--------------------------------------|----------------------------------|
 * | borrowing-checked-in-from-lender   | BorrowingRequestCheckedInFromLibrary | AcceptItem, Loans only           |
 * | borrowing-returned-by-patron       | BorrowingRequestCheckedInFromCustomer| CheckInItem, if patron returns on|
 * | lending-marked-found               | LendingRequestCheckOut               | CheckOutItem                     |
 * | lending-returned                   | LendingRequestCheckIn                | CheckInItem (lending)            |
 *
 * An event can be repeated: staff re-process a failed receive "as if new" (§2.4, Northwestern), so AcceptItem for
 * the same TN is simply sent again. The statuses the staff actions set are ILLiad's usual ones (inferred).
 */
import { datePart, daysAfter, illiadDateTime } from './dates.ts';
import { type AddonFlow, type FailQueues, fileResponse } from './ncip-filing.ts';
import {
  acceptItem,
  AddonScriptError,
  borrowingRequestId,
  checkInItemBorrowing,
  checkInItemLending,
  checkOutItemLending,
  encodeLatin1,
  type NcipMessageSettings,
} from './ncip-messages.ts';
import { UploadError, uploadString } from './ncip-transport.ts';
import { type IlliadStore, UnknownTransactionError } from './store.ts';
import type { IlliadTransaction } from './transaction.ts';

export const EVENT_KINDS = ['borrowing-checked-in-from-lender', 'borrowing-returned-by-patron', 'lending-marked-found', 'lending-returned'] as const;
export type IlliadEventKind = (typeof EVENT_KINDS)[number];

export interface IlliadEventResult {
  /** Whether a message was posted (false: skipped, or the add-on failed before posting). */
  sent: boolean;
  /** The message as built (before encoding to Latin-1). */
  message?: string;
  httpStatus?: number;
  /** The answer as the add-on decoded it. */
  response?: string;
  /** `success note`, the error queue routed to, `skipped: …`, or `exception: …` (nothing filed). */
  filedAs: string;
  /** One result per piece, when the item id is piece-numbered and the transaction has several pieces. */
  pieces?: IlliadEventResult[];
  /** The borrowing check-in was sent again with the bare TN after "Unknown Item" (Pitt's variant, §2.3). */
  retriedWithBareTransactionNumber?: boolean;
}

export interface NcipAddonSettings extends NcipMessageSettings {
  /** The responder (our server's /ncip); unset refuses every event. */
  readonly ncipUrl: string | undefined;
  readonly enablePatronBorrowingReturns: boolean;
  /**
   * The borrowing ItemIdentifierValue: the bare TN (VCU), the RequestId with its prefix (Northwestern) or
   * `<TN>-<i>OF<n>`, one message per piece (Pitt, format inferred, §2.3).
   */
  readonly itemIdentifier: 'transactionNumber' | 'requestId' | 'piece';
  /** Pitt: after "Unknown Item" on a borrowing check-in, send it again with the bare TN as the ItemId. */
  readonly retryUnknownItemWithBareTransactionNumber: boolean;
  readonly failQueues: FailQueues;
  /** WebClient's timeout (100 s in .NET). */
  readonly timeoutMs: number;
  /** The due date staff give an item that has none, in days from the event. */
  readonly loanPeriodDays: number;
}

/** The add-on has no responder address: start the simulator with `ncipUrl`. */
export class NcipNotConfiguredError extends Error {
  override readonly name = 'NcipNotConfiguredError';
}
/** The event does not apply to this transaction (a lending event on a borrowing transaction, …). */
export class EventNotApplicableError extends Error {
  override readonly name = 'EventNotApplicableError';
}

/** Who the add-on's routes and notes are recorded as (inferred). */
const ADDON_USER = 'System';
const SUCCESS = 'success note';

/** What the staff action sets before the add-on runs (ILLiad's usual queues, §1.5; inferred). */
const STATUS_AFTER: Record<IlliadEventKind, string> = {
  'borrowing-checked-in-from-lender': 'Customer Notified via E-Mail',
  'borrowing-returned-by-patron': 'Awaiting Return Label Printing',
  'lending-marked-found': 'Item Shipped',
  'lending-returned': 'Request Finished',
};
const ARTICLE_STATUS_AFTER_CHECK_IN = 'Delivered to Web';

type Posted = { ok: true; status: number; text: string } | { ok: false; error: UploadError };

export class NcipAddon {
  constructor(
    private readonly store: IlliadStore,
    private readonly settings: NcipAddonSettings,
    private readonly now: () => Date,
  ) {}

  async event(kind: IlliadEventKind, transactionNumber: number): Promise<IlliadEventResult> {
    if (!this.settings.ncipUrl) throw new NcipNotConfiguredError('the NCIP add-on has no responder URL: start the ILLiad simulator with ncipUrl');
    const transaction = this.store.transaction(transactionNumber);
    if (!transaction) throw new UnknownTransactionError(`Transaction ${transactionNumber} was not found.`);
    const wanted = kind.startsWith('lending') ? 'Lending' : 'Borrowing';
    if (transaction.ProcessType !== wanted) {
      throw new EventNotApplicableError(`${kind} applies to ${wanted} transactions; transaction ${transactionNumber} is ${transaction.ProcessType ?? 'without ProcessType'}`);
    }
    switch (kind) {
      case 'borrowing-checked-in-from-lender':
        return this.checkedInFromLender(transaction);
      case 'borrowing-returned-by-patron':
        return this.returnedByPatron(transaction);
      case 'lending-marked-found':
        return this.markedFound(transaction);
      case 'lending-returned':
        return this.lendingReturned(transaction);
    }
  }

  /** AcceptItem, for Loans only; the hook fires only for transactions that are not cancelled. */
  private async checkedInFromLender(before: IlliadTransaction): Promise<IlliadEventResult> {
    if (before.TransactionStatus?.startsWith('Cancelled')) return { sent: false, filedAs: 'skipped: cancelled' };
    const isLoan = before.RequestType === 'Loan';
    this.staffAction(before, isLoan ? STATUS_AFTER['borrowing-checked-in-from-lender'] : ARTICLE_STATUS_AFTER_CHECK_IN);
    if (!isLoan) return { sent: false, filedAs: 'skipped: article' };
    const transaction = this.withDueDate(before.TransactionNumber);
    const dateForReturn = datePart(transaction.DueDate!)!;
    const results: IlliadEventResult[] = [];
    for (const itemId of this.borrowingItemIds(transaction)) {
      const built = this.build(() => acceptItem(transaction, this.settings, { itemId, dateForReturn }));
      if (typeof built !== 'string') return built;
      // The AcceptItem handler adds no Content-Type header (the others do).
      const posted = await this.post(built, undefined);
      results.push(this.file('BorrowingAcceptItem', transaction.TransactionNumber, built, posted));
    }
    return combine(results);
  }

  /** CheckInItem (borrowing), only when the add-on's EnablePatronBorrowingReturns is on. */
  private async returnedByPatron(before: IlliadTransaction): Promise<IlliadEventResult> {
    this.staffAction(before, STATUS_AFTER['borrowing-returned-by-patron']);
    if (!this.settings.enablePatronBorrowingReturns) return { sent: false, filedAs: 'skipped: EnablePatronBorrowingReturns is off' };
    const transaction = this.store.transaction(before.TransactionNumber)!;
    const bare = String(transaction.TransactionNumber);
    const results: IlliadEventResult[] = [];
    for (const itemId of this.borrowingItemIds(transaction)) {
      let built = this.build(() => checkInItemBorrowing(transaction, this.settings, { itemId }));
      if (typeof built !== 'string') return built;
      let posted = await this.post(built, 'text/xml; charset=UTF-8');
      let retried = false;
      if (this.settings.retryUnknownItemWithBareTransactionNumber && itemId !== bare && posted.ok && posted.text.includes('Unknown Item')) {
        // Pitt's "legacy barcode": items received before the id format changed carry the bare TN.
        built = this.build(() => checkInItemBorrowing(transaction, this.settings, { itemId: bare }));
        if (typeof built !== 'string') return built;
        posted = await this.post(built, 'text/xml; charset=UTF-8');
        retried = true;
      }
      const result = this.file('BorrowingCheckInItem', transaction.TransactionNumber, built, posted);
      results.push(retried ? { ...result, retriedWithBareTransactionNumber: true } : result);
    }
    return combine(results);
  }

  /** CheckOutItem to the pseudopatron, with the lending due date as DesiredDateDue. */
  private async markedFound(before: IlliadTransaction): Promise<IlliadEventResult> {
    this.staffAction(before, STATUS_AFTER['lending-marked-found']);
    const transaction = this.withDueDate(before.TransactionNumber);
    const built = this.build(() => checkOutItemLending(transaction, this.settings, { desiredDateDue: datePart(transaction.DueDate!)! }));
    if (typeof built !== 'string') return built;
    return this.file('LendingCheckOutItem', transaction.TransactionNumber, built, await this.post(built, 'text/xml; charset=UTF-8'));
  }

  private async lendingReturned(before: IlliadTransaction): Promise<IlliadEventResult> {
    this.staffAction(before, STATUS_AFTER['lending-returned']);
    const transaction = this.store.transaction(before.TransactionNumber)!;
    const built = this.build(() => checkInItemLending(transaction, this.settings));
    if (typeof built !== 'string') return built;
    return this.file('LendingCheckInItem', transaction.TransactionNumber, built, await this.post(built, 'text/xml; charset=UTF-8'));
  }

  private staffAction(transaction: IlliadTransaction, status: string): void {
    this.store.route(transaction.TransactionNumber, status, ADDON_USER);
  }

  /** The transaction with a DueDate: staff give one at check-in / Mark Found; the default loan period otherwise. */
  private withDueDate(transactionNumber: number): IlliadTransaction {
    const transaction = this.store.transaction(transactionNumber)!;
    if (transaction.DueDate && datePart(transaction.DueDate)) return transaction;
    return this.store.updateTransaction(transactionNumber, { DueDate: illiadDateTime(daysAfter(this.now(), this.settings.loanPeriodDays)) });
  }

  private borrowingItemIds(transaction: IlliadTransaction): string[] {
    const tn = String(transaction.TransactionNumber);
    if (this.settings.itemIdentifier === 'requestId') return [borrowingRequestId(transaction, this.settings)];
    if (this.settings.itemIdentifier === 'transactionNumber') return [tn];
    const pieces = Math.max(1, transaction.Pieces ?? 1);
    return Array.from({ length: pieces }, (_, i) => `${tn}-${i + 1}OF${pieces}`);
  }

  /** Runs a builder; a Lua error in it (a nil field) is the add-on failing before it posts anything. */
  private build(builder: () => string): string | IlliadEventResult {
    try {
      return builder();
    } catch (error) {
      if (error instanceof AddonScriptError) return { sent: false, filedAs: `exception: ${error.message}` };
      throw error;
    }
  }

  private async post(message: string, contentType: string | undefined): Promise<Posted> {
    try {
      const result = await uploadString(this.settings.ncipUrl!, encodeLatin1(message), contentType, this.settings.timeoutMs);
      return { ok: true, ...result };
    } catch (error) {
      if (error instanceof UploadError) return { ok: false, error };
      throw error;
    }
  }

  /** Routes and notes as §2.4 says; an exception (non-2xx, network) files nothing. */
  private file(flow: AddonFlow, transactionNumber: number, message: string, posted: Posted): IlliadEventResult {
    if (!posted.ok) {
      const { error } = posted;
      return {
        sent: true,
        message,
        ...(error.status === undefined ? {} : { httpStatus: error.status }),
        ...(error.text === undefined ? {} : { response: error.text }),
        filedAs: `exception: ${error.reason}`,
      };
    }
    const filing = fileResponse(flow, posted.text, this.settings.failQueues);
    if (filing.kind === 'error') this.store.route(transactionNumber, filing.queue, ADDON_USER);
    this.store.addNote(transactionNumber, { Note: filing.note, NoteType: 'Staff', AddedBy: ADDON_USER });
    return { sent: true, message, httpStatus: posted.status, response: posted.text, filedAs: filing.kind === 'error' ? filing.queue : SUCCESS };
  }
}

/** One piece: its result. Several: the first that did not succeed (or the last), with every piece's result. */
function combine(results: IlliadEventResult[]): IlliadEventResult {
  if (results.length === 1) return results[0]!;
  const headline = results.find((r) => r.filedAs !== SUCCESS) ?? results[results.length - 1]!;
  return { ...headline, pieces: results };
}
