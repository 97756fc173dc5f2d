/**
 * A lending request (a peer's request to borrow from us) as its page shows it: every value already in words, the
 * messages to the borrower still waiting in the outbox, the history, and a button with its fields for each action
 * LendingService.get allows staff now (`allowedActions`: which appear is never decided here).
 */
import type { LendingHistoryEntry } from '../../app/ports.ts';
import { DEFAULT_REASON_UNFILLED } from '../../app/lending-service.ts';
import type { LenderMessage, LendingCitation, LendingRequest } from '../../domain/request/lending-request.ts';
import { LENDING_MODEL, LENDING_STATUS, type LendingStatus } from '../../domain/request/state-model.ts';
import { requesterText } from './lending-list.ts';

export interface Field {
  readonly label: string;
  readonly value: string;
}

/** A field an action's form carries: the names are LendingService.act's input (reason, dueDate, reasonUnfilled, itemId). */
export type ActionInput =
  | { readonly kind: 'text'; readonly name: 'reason' | 'itemId'; readonly label: string; readonly required: boolean; readonly maxLength: number; readonly help?: string }
  | { readonly kind: 'textarea'; readonly name: 'reason'; readonly label: string; readonly required: boolean; readonly maxLength: number; readonly help?: string }
  | { readonly kind: 'date'; readonly name: 'dueDate'; readonly label: string; readonly help: string }
  | { readonly kind: 'select'; readonly name: 'reasonUnfilled'; readonly label: string; readonly options: readonly Field[]; readonly selected: string };

export interface LendingActionButton {
  readonly action: string;
  readonly label: string;
  readonly description: string;
  readonly inputs: readonly ActionInput[];
}

export interface LendingDetailView {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly statusReason: string | null;
  readonly citation: readonly Field[];
  readonly requester: readonly Field[];
  readonly loan: readonly Field[];
  /** The messages to the borrower not yet delivered, oldest first, each in words. */
  readonly outbox: readonly string[];
  readonly history: readonly { at: string; actor: string; action: string; change: string; reason: string | null }[];
  readonly actions: readonly LendingActionButton[];
}

/**
 * ISO 18626 reasonUnfilled codes offered on a reject: the default of the use case first, then the codes the API's
 * documentation names (docs/api.md, LendingService.act). The use case takes any such code; the list is what staff
 * pick from.
 */
export const REASON_UNFILLED_OPTIONS: readonly Field[] = [
  { value: DEFAULT_REASON_UNFILLED, label: 'Not available for ILL (NotAvailableForILL)' },
  { value: 'NotHeld', label: 'Not held (NotHeld)' },
  { value: 'NotOnShelf', label: 'Not on the shelf (NotOnShelf)' },
  { value: 'PolicyProblem', label: 'Policy problem (PolicyProblem)' },
];

const LABELS: Record<string, string> = {
  process: 'Start processing',
  'will-supply': 'Will supply',
  conditional: 'Supply on conditions',
  reject: 'Reject',
  'ship-physically': 'Ship physically',
  'ship-digitally': 'Ship digitally',
  'check-in': 'Check in',
  cancel: 'Cancel',
  complete: 'Complete',
};

const ITEM_ID: ActionInput = { kind: 'text', name: 'itemId', label: 'Item id (barcode)', required: false, maxLength: 255 };

function inputsOf(action: string, defaultDue?: DefaultDue): ActionInput[] {
  switch (action) {
    case 'conditional':
      return [{ kind: 'textarea', name: 'reason', label: 'Conditions', required: true, maxLength: 2000, help: 'The borrower reads them and answers ACCEPT or REJECT.' }];
    case 'reject':
      return [
        { kind: 'select', name: 'reasonUnfilled', label: 'Reason unfilled (ISO 18626)', options: REASON_UNFILLED_OPTIONS, selected: DEFAULT_REASON_UNFILLED },
        { kind: 'text', name: 'reason', label: 'Reason', required: true, maxLength: 2000, help: 'Sent to the borrower as the note.' },
      ];
    case 'ship-physically':
      return [
        {
          kind: 'date',
          name: 'dueDate',
          label: 'Due date',
          help: defaultDue
            ? `Empty: ${defaultDue.dueDate.slice(0, 10)}, today plus the loan period of ${defaultDue.loanPeriodDays} days (LENDING_LOAN_PERIOD_DAYS), at 23:59:59 UTC.`
            : 'Empty: today plus the loan period (LENDING_LOAN_PERIOD_DAYS), at 23:59:59 UTC.',
        },
        ITEM_ID,
      ];
    case 'ship-digitally':
      return [{ ...ITEM_ID, label: "Item id or the copy's address" }];
    case 'cancel':
      return [{ kind: 'text', name: 'reason', label: 'Reason', required: false, maxLength: 2000 }];
    default:
      return [];
  }
}

/** The default due date ship-physically uses, from LendingService.defaultDueDate. */
export type DefaultDue = { readonly dueDate: string; readonly loanPeriodDays: number };

export function lendingActionButtons(allowed: readonly string[], defaultDue?: DefaultDue): LendingActionButton[] {
  return allowed.map((action) => {
    const transition = LENDING_MODEL.transitions.find((t) => t.action === action);
    return { action, label: LABELS[action] ?? action, description: transition?.description ?? '', inputs: inputsOf(action, defaultDue) };
  });
}

const CITATION_LABELS: Record<keyof LendingCitation, string> = {
  title: 'Title',
  subtitle: 'Subtitle',
  author: 'Author',
  edition: 'Edition',
  publisher: 'Publisher',
  placeOfPublication: 'Place of publication',
  year: 'Year',
  volume: 'Volume',
  issue: 'Issue',
  pages: 'Pages',
  articleTitle: 'Article title',
  articleAuthor: 'Article author',
  isbn: 'ISBN',
  issn: 'ISSN',
  oclcNumber: 'OCLC number',
  supplierUniqueRecordId: 'Our record (supplierUniqueRecordId)',
};

const fields = (pairs: readonly [string, string | null | undefined][]): Field[] =>
  pairs.filter((pair): pair is [string, string] => typeof pair[1] === 'string' && pair[1] !== '').map(([label, value]) => ({ label, value }));

const statusLabel = (status: LendingStatus | null) => (status === null ? '—' : LENDING_STATUS.labels[status] ?? status);

/** An ISO 18626 code in words: "ExpectToSupply" → "Expect to supply". */
const words = (code: string) => code.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/ ([A-Z])(?=[a-z])/g, (_m, c: string) => ` ${c.toLowerCase()}`);

const MESSAGE_KINDS: Record<LenderMessage['reasonForMessage'], string> = {
  RequestResponse: 'our first answer',
  StatusChange: 'a status change',
  Notification: 'a notification',
  CancelResponse: 'our answer to their cancel',
  RenewResponse: 'our answer to their renewal',
  StatusRequestResponse: 'our answer to their status question',
};

/** "Will supply (our first answer, ISO 18626 RequestResponse WillSupply), made by will-supply at …". */
export function messageInWords(message: LenderMessage): string {
  const parts = [
    message.answerYesNo ? `answer ${message.answerYesNo === 'Y' ? 'yes' : 'no'}` : null,
    message.reasonUnfilled ? `reason unfilled ${message.reasonUnfilled}` : null,
    message.dueDate ? `due ${message.dueDate}` : null,
    message.shipped?.itemId ? `item ${message.shipped.itemId}` : null,
    message.shipped?.sentVia ? `sent via ${message.shipped.sentVia}` : null,
    message.shipped?.conditions ? `conditions: ${message.shipped.conditions}` : null,
    message.note ? `note: ${message.note}` : null,
  ].filter((p): p is string => p !== null);
  const head = `${words(message.status)} (${MESSAGE_KINDS[message.reasonForMessage] ?? message.reasonForMessage}, ISO 18626 ${message.reasonForMessage} ${message.status})`;
  return `${head}${parts.length ? `: ${parts.join('; ')}` : ''} — made by ${message.cause} at ${message.at}, not yet delivered`;
}

export function lendingDetailView(
  found: { request: LendingRequest; history: readonly LendingHistoryEntry[]; allowedActions: readonly string[] },
  canAct: boolean,
  defaultDue?: DefaultDue,
): LendingDetailView {
  const { request } = found;
  const c = request.citation;
  return {
    id: request.id,
    title: c.title ?? c.articleTitle ?? '(no title)',
    status: statusLabel(request.status),
    statusReason: request.statusReason,
    citation: fields((Object.keys(CITATION_LABELS) as (keyof LendingCitation)[]).map((key) => [CITATION_LABELS[key], c[key]])),
    requester: fields([
      ['Requester', requesterText(request)],
      ['Agency id', `${request.requester.agencyIdType}:${request.requester.agencyIdValue}`],
      ["Requester's request id", request.requesterRequestId],
      ['Service type', request.serviceType],
      ['Service level', request.serviceLevel],
      ['Need before', request.needBefore],
      ["Requester's note", request.requesterNote],
      ['Patron reference', request.patronReference],
      ['Received', request.createdAt],
    ]),
    loan: fields([
      ['Due date', request.dueDate],
      ['Conditions', request.conditions],
      ['Renewals', String(request.renewals)],
      ['Item id', request.itemId],
    ]),
    outbox: request.outbox.map(messageInWords),
    history: found.history.map((h) => ({
      at: h.at,
      actor: h.actor,
      action: h.action,
      change: h.fromStatus === h.toStatus ? statusLabel(h.toStatus) : `${statusLabel(h.fromStatus)} → ${statusLabel(h.toStatus)}`,
      reason: h.reason,
    })),
    actions: canAct ? lendingActionButtons(found.allowedActions, defaultDue) : [],
  };
}
