/**
 * The request state model as data (design.md, decision 9; the idea of crosslink's misc/state-models.yaml): the
 * statuses, and for each action the statuses it is allowed in and the one it leads to. Nothing else decides what
 * may happen to a request; `checkStateModel` validates the table when the server starts.
 */

function labelled<const T extends Record<string, string>>(labels: T) {
  return { values: Object.keys(labels) as [keyof T & string, ...(keyof T & string)[]], labels };
}

export const BORROWING_STATUS = labelled({
  CREATED: 'Created borrowing request',
  LOCATE_IN_PROCESS: 'Locate in process',
  LOCATE_FAILED: 'Locate failed',
  READY_TO_BE_SENT: 'Ready to be sent',
  REQUEST_SENT_TO_PARTNER: 'Request sent to partner',
  WILL_SUPPLY: 'Will supply',
  CONDITIONAL: 'Conditional',
  REJECTED_BY_PARTNER: 'Rejected by partner',
  EXPORTED_TO_THIRD_PARTY: 'Exported to third party',
  SHIPPED_PHYSICALLY: 'Shipped physically',
  SHIPPED_DIGITALLY: 'Shipped digitally',
  PHYSICALLY_RECEIVED_BY_LIBRARY: 'Physically received by library',
  LOANED_TO_PATRON: 'Loaned to patron',
  RETURNED_BY_PATRON: 'Returned by patron',
  RETURNED_TO_PARTNER: 'Returned to partner',
  REQUEST_COMPLETED: 'Request completed',
  EXPIRED: 'Expired',
  CANCELLED_BY_PATRON: 'Cancelled by patron',
  CANCELLED_BY_STAFF: 'Cancelled by staff',
  CANCELLED_BY_PARTNER: 'Cancelled by partner',
});
export type BorrowingStatus = (typeof BORROWING_STATUS.values)[number];

export const LENDING_STATUS = labelled({
  CREATED: 'Created lending request',
  BEING_PROCESSED: 'Being processed',
  WILL_SUPPLY: 'Will supply',
  CONDITIONAL: 'Conditional',
  SHIPPED_PHYSICALLY: 'Shipped physically',
  SHIPPED_DIGITALLY: 'Shipped digitally',
  RECEIVED_BY_PARTNER: 'Received by partner',
  RETURNED_BY_PARTNER: 'Returned by partner',
  REQUEST_COMPLETED: 'Request completed',
  REJECTED: 'Rejected',
  CANCELLED: 'Cancelled',
  EXPIRED: 'Expired',
});
export type LendingStatus = (typeof LENDING_STATUS.values)[number];

/** Who causes a transition: staff through the API or UI, the partner through its protocol, or Interlend itself. */
export type Actor = 'staff' | 'patron' | 'partner' | 'system';

/**
 * `NEXT_PARTNER` is resolved by the rota walk: the next rota entry gets the request (Request sent to partner), or,
 * at the end of the rota, the request is Expired. `SAME`: the request stays in its status (a message, no move).
 */
export type Destination<S extends string> = S | 'NEXT_PARTNER' | 'SAME';

export interface Transition<S extends string> {
  readonly action: string;
  readonly from: readonly S[];
  readonly to: Destination<S>;
  readonly by: readonly Actor[];
  /** Staff must say why (a cancel, a refused condition). */
  readonly needsReason?: boolean;
  /**
   * When staff do it, the partner that has the request is told (an ISO 18626 RequestingAgencyMessage: Received,
   * ShippedReturn, Cancel, Renew, a Notification accepting a condition); partners without a protocol for it are not.
   */
  readonly tellsPartner?: boolean;
  readonly description: string;
}

export interface StateModel<S extends string> {
  readonly statuses: readonly S[];
  readonly initial: S;
  readonly terminal: readonly S[];
  /** Statuses staff must look at; they make up the "needs attention" queue. */
  readonly needsAttention: readonly S[];
  /** Statuses of the vocabulary that a request passes through without resting (design.md lists them). */
  readonly transient?: readonly S[];
  /** Actions that may take a request out of a terminal status (staff start it again). */
  readonly reopening?: readonly string[];
  readonly transitions: readonly Transition<S>[];
}

const WITH_PARTNER: BorrowingStatus[] = ['REQUEST_SENT_TO_PARTNER', 'WILL_SUPPLY', 'CONDITIONAL'];
/** While a lender has the request or its item: where a status question or a note reaches someone. */
const WITH_LENDER: BorrowingStatus[] = [
  ...WITH_PARTNER,
  'SHIPPED_PHYSICALLY',
  'SHIPPED_DIGITALLY',
  'PHYSICALLY_RECEIVED_BY_LIBRARY',
  'LOANED_TO_PATRON',
  'RETURNED_BY_PATRON',
  'RETURNED_TO_PARTNER',
];
const OPEN_BEFORE_SHIPPING: BorrowingStatus[] = ['CREATED', 'LOCATE_IN_PROCESS', 'LOCATE_FAILED', 'READY_TO_BE_SENT', ...WITH_PARTNER];

export const BORROWING_MODEL: StateModel<BorrowingStatus> = {
  statuses: BORROWING_STATUS.values,
  initial: 'CREATED',
  terminal: ['REQUEST_COMPLETED', 'EXPIRED', 'CANCELLED_BY_PATRON', 'CANCELLED_BY_STAFF', 'CANCELLED_BY_PARTNER'],
  needsAttention: ['READY_TO_BE_SENT', 'LOCATE_FAILED', 'CONDITIONAL'],
  // A rejection moves the request to the next partner at once (or to Expired at the end of the rota), so
  // "Rejected by partner" is recorded on the rota entry and in the history, not as a resting status.
  transient: ['REJECTED_BY_PARTNER'],
  reopening: ['relocate'],
  transitions: [
    { action: 'locate', from: ['CREATED'], to: 'LOCATE_IN_PROCESS', by: ['system'], description: 'rules and templates give the rota; partners are located' },
    { action: 'locate-failed', from: ['LOCATE_IN_PROCESS'], to: 'LOCATE_FAILED', by: ['system'], description: 'no partner is left in the rota' },
    { action: 'send-to-first', from: ['LOCATE_IN_PROCESS'], to: 'NEXT_PARTNER', by: ['system'], description: 'the first partner of the rota gets the request' },
    { action: 'relocate', from: ['LOCATE_FAILED', 'EXPIRED'], to: 'LOCATE_IN_PROCESS', by: ['staff'], description: 'build the rota again from the current rules' },
    { action: 'will-supply', from: ['REQUEST_SENT_TO_PARTNER'], to: 'WILL_SUPPLY', by: ['partner'], description: 'the partner will supply' },
    { action: 'conditional', from: ['REQUEST_SENT_TO_PARTNER', 'WILL_SUPPLY'], to: 'CONDITIONAL', by: ['partner'], description: 'the partner supplies on a condition; staff accept or refuse' },
    // The lender hears the answer (protocols.md §8.2: the requester accepts with a Notification, rejects with a Cancel).
    { action: 'accept-condition', from: ['CONDITIONAL'], to: 'WILL_SUPPLY', by: ['staff'], tellsPartner: true, description: 'staff accept the condition' },
    {
      action: 'refuse-condition',
      from: ['CONDITIONAL'],
      to: 'NEXT_PARTNER',
      by: ['staff'],
      needsReason: true,
      tellsPartner: true,
      description: 'staff refuse the condition; the next partner gets the request',
    },
    { action: 'reject', from: WITH_PARTNER, to: 'NEXT_PARTNER', by: ['partner'], description: 'the partner cannot supply; the next partner gets the request' },
    { action: 'no-answer', from: ['REQUEST_SENT_TO_PARTNER'], to: 'NEXT_PARTNER', by: ['system'], description: 'the partner did not answer in time; the next partner gets the request' },
    { action: 'cancel-partner', from: WITH_PARTNER, to: 'NEXT_PARTNER', by: ['staff'], needsReason: true, tellsPartner: true, description: 'staff take the request from this partner; the next partner gets it' },
    { action: 'exported', from: ['REQUEST_SENT_TO_PARTNER', 'READY_TO_BE_SENT'], to: 'EXPORTED_TO_THIRD_PARTY', by: ['system'], description: 'the lender of last resort took the request' },
    { action: 'export-failed', from: ['REQUEST_SENT_TO_PARTNER'], to: 'READY_TO_BE_SENT', by: ['system'], description: 'the request could not be sent; the reason says what to fix' },
    { action: 'send-failed', from: ['REQUEST_SENT_TO_PARTNER'], to: 'READY_TO_BE_SENT', by: ['system'], description: 'the request could not be delivered to the partner' },
    { action: 'resend', from: ['READY_TO_BE_SENT'], to: 'REQUEST_SENT_TO_PARTNER', by: ['staff'], description: 'send again to the same partner, after fixing the cause' },
    { action: 'skip-partner', from: ['READY_TO_BE_SENT'], to: 'NEXT_PARTNER', by: ['staff'], needsReason: true, description: 'give up on this partner; the next one gets the request' },
    { action: 'shipped-physically', from: ['REQUEST_SENT_TO_PARTNER', 'WILL_SUPPLY', 'EXPORTED_TO_THIRD_PARTY'], to: 'SHIPPED_PHYSICALLY', by: ['partner'], description: 'the lender shipped the item' },
    { action: 'shipped-digitally', from: ['REQUEST_SENT_TO_PARTNER', 'WILL_SUPPLY', 'EXPORTED_TO_THIRD_PARTY'], to: 'SHIPPED_DIGITALLY', by: ['partner'], description: 'the lender sent a copy' },
    { action: 'receive', from: ['SHIPPED_PHYSICALLY', 'EXPORTED_TO_THIRD_PARTY'], to: 'PHYSICALLY_RECEIVED_BY_LIBRARY', by: ['staff', 'partner'], tellsPartner: true, description: 'the item arrived and is on the hold shelf' },
    { action: 'loan', from: ['PHYSICALLY_RECEIVED_BY_LIBRARY'], to: 'LOANED_TO_PATRON', by: ['staff', 'partner'], description: 'the item is checked out to the patron (at our desk, or by a broker: NCIP CheckOutItem)' },
    // The patron may ask too (issue 9): their "ask for a renewal" on the patron pages, where the lender can be asked.
    { action: 'renew', from: ['LOANED_TO_PATRON'], to: 'LOANED_TO_PATRON', by: ['staff', 'patron'], tellsPartner: true, description: 'ask the lender for more time (its answer comes as a message)' },
    // Messages that move nothing (ISO 18626 StatusRequest and Notification, issue 6 item 2): the lender answers, or reads.
    { action: 'ask-status', from: WITH_LENDER, to: 'SAME', by: ['staff'], tellsPartner: true, description: "ask the lender for the request's status (its answer comes as a message)" },
    { action: 'note-to-partner', from: WITH_LENDER, to: 'SAME', by: ['staff'], needsReason: true, tellsPartner: true, description: 'send the lender a note (the reason is the note)' },
    { action: 'patron-return', from: ['LOANED_TO_PATRON'], to: 'RETURNED_BY_PATRON', by: ['staff', 'partner'], description: 'the patron brought the item back' },
    { action: 'return-to-partner', from: ['RETURNED_BY_PATRON', 'PHYSICALLY_RECEIVED_BY_LIBRARY'], to: 'RETURNED_TO_PARTNER', by: ['staff'], tellsPartner: true, description: 'the item is on its way back to the lender' },
    { action: 'complete', from: ['RETURNED_TO_PARTNER', 'SHIPPED_DIGITALLY', 'EXPORTED_TO_THIRD_PARTY'], to: 'REQUEST_COMPLETED', by: ['staff', 'partner', 'system'], description: 'nothing more to do' },
    {
      action: 'partner-checked-in',
      from: ['PHYSICALLY_RECEIVED_BY_LIBRARY', 'LOANED_TO_PATRON', 'RETURNED_BY_PATRON'],
      to: 'REQUEST_COMPLETED',
      by: ['partner'],
      description: 'the lender of last resort has the item back (NCIP CheckInItem) and returns it to the lender itself',
    },
    { action: 'cancel', from: OPEN_BEFORE_SHIPPING, to: 'CANCELLED_BY_STAFF', by: ['staff'], needsReason: true, tellsPartner: true, description: 'staff cancel the request' },
    { action: 'patron-cancel', from: OPEN_BEFORE_SHIPPING, to: 'CANCELLED_BY_PATRON', by: ['patron', 'staff'], tellsPartner: true, description: 'the patron no longer needs it' },
    { action: 'partner-cancelled', from: WITH_PARTNER, to: 'CANCELLED_BY_PARTNER', by: ['partner'], description: 'the partner confirmed a cancellation' },
  ],
};

/**
 * The supplier side (issue 6, lending to peers over ISO 18626; protocols.md §3.3 and §4 name the same steps in
 * crosslink's and ReShare's responder models). Staff answer the borrower's Request; the borrower's
 * RequestingAgencyMessages are the `partner` transitions (Received, ShippedReturn, Cancel, Renew, a Notification
 * accepting our conditions). What each transition tells the borrower is in src/app/lending-service.ts.
 */
const LENDING_OPEN_BEFORE_SHIPPING: LendingStatus[] = ['CREATED', 'BEING_PROCESSED', 'WILL_SUPPLY', 'CONDITIONAL'];
const LENDING_OUT: LendingStatus[] = ['SHIPPED_PHYSICALLY', 'RECEIVED_BY_PARTNER'];

export const LENDING_MODEL: StateModel<LendingStatus> = {
  statuses: LENDING_STATUS.values,
  initial: 'CREATED',
  terminal: ['REQUEST_COMPLETED', 'REJECTED', 'CANCELLED', 'EXPIRED'],
  // RETURNED_BY_PARTNER: the item is on its way back, and staff check it in when it arrives.
  needsAttention: ['CREATED', 'CONDITIONAL', 'RETURNED_BY_PARTNER'],
  transitions: [
    { action: 'process', from: ['CREATED'], to: 'BEING_PROCESSED', by: ['staff', 'system'], description: 'staff look for the item' },
    { action: 'will-supply', from: ['CREATED', 'BEING_PROCESSED'], to: 'WILL_SUPPLY', by: ['staff', 'system'], description: 'we will supply' },
    { action: 'conditional', from: ['CREATED', 'BEING_PROCESSED', 'WILL_SUPPLY'], to: 'CONDITIONAL', by: ['staff'], needsReason: true, description: 'we supply on a condition (the reason says which)' },
    { action: 'condition-accepted', from: ['CONDITIONAL'], to: 'WILL_SUPPLY', by: ['partner'], description: 'the borrower accepted the condition' },
    { action: 'reject', from: LENDING_OPEN_BEFORE_SHIPPING, to: 'REJECTED', by: ['staff', 'system'], needsReason: true, description: 'we cannot supply' },
    // From Created too: a lender may ship at once (ISO 18626 allows Loaned as the first answer).
    { action: 'ship-physically', from: ['CREATED', 'BEING_PROCESSED', 'WILL_SUPPLY'], to: 'SHIPPED_PHYSICALLY', by: ['staff'], description: 'the item is shipped, with its due date' },
    { action: 'ship-digitally', from: ['CREATED', 'BEING_PROCESSED', 'WILL_SUPPLY'], to: 'SHIPPED_DIGITALLY', by: ['staff'], description: 'a copy is sent' },
    { action: 'received', from: ['SHIPPED_PHYSICALLY'], to: 'RECEIVED_BY_PARTNER', by: ['partner'], description: 'the borrower has the item' },
    // A Renew shows that the borrower has the item, so a renewal before its Received lands in Received by partner too.
    { action: 'renew', from: LENDING_OUT, to: 'RECEIVED_BY_PARTNER', by: ['partner'], description: 'the borrower asked for more time and got a new due date' },
    { action: 'returned', from: LENDING_OUT, to: 'RETURNED_BY_PARTNER', by: ['partner'], description: 'the borrower shipped it back' },
    // Also without the borrower's ShippedReturn: the item is on our desk, whatever the borrower said or forgot to say.
    { action: 'check-in', from: [...LENDING_OUT, 'RETURNED_BY_PARTNER'], to: 'REQUEST_COMPLETED', by: ['staff'], description: 'the item is back on our shelf' },
    { action: 'complete', from: ['SHIPPED_DIGITALLY'], to: 'REQUEST_COMPLETED', by: ['staff', 'system'], description: 'nothing more to do' },
    { action: 'cancel', from: LENDING_OPEN_BEFORE_SHIPPING, to: 'CANCELLED', by: ['partner', 'staff'], description: 'the borrower cancelled (or we did)' },
    { action: 'expire', from: ['CREATED', 'BEING_PROCESSED'], to: 'EXPIRED', by: ['system'], description: 'we did not answer in time' },
  ],
};

export type TransitionResult<S extends string> =
  | { readonly ok: true; readonly transition: Transition<S> }
  | { readonly ok: false; readonly reason: string; readonly allowed: readonly string[] };

/** Actions an actor may take in a status. */
export function allowedActions<S extends string>(model: StateModel<S>, status: S, by?: Actor): string[] {
  return model.transitions.filter((t) => t.from.includes(status) && (!by || t.by.includes(by))).map((t) => t.action);
}

export function findTransition<S extends string>(model: StateModel<S>, status: S, action: string, by: Actor, labels: Record<S, string>): TransitionResult<S> {
  const transition = model.transitions.find((t) => t.action === action);
  const allowed = allowedActions(model, status, by);
  const allowedText = allowed.length ? `allowed now: ${allowed.join(', ')}` : 'nothing can be done to it now';
  if (!transition) return { ok: false, reason: `there is no action ${JSON.stringify(action)}; ${allowedText}`, allowed };
  if (!transition.by.includes(by)) return { ok: false, reason: `${action} is not done by ${by}; ${allowedText}`, allowed };
  if (!transition.from.includes(status)) return { ok: false, reason: `${action} is not allowed while the request is ${labels[status]}; ${allowedText}`, allowed };
  return { ok: true, transition };
}

/** Problems with a model: unknown statuses, exits from terminal ones, statuses nothing leads to. Empty when sound. */
export function checkStateModel<S extends string>(name: string, model: StateModel<S>): string[] {
  const problems: string[] = [];
  const known = new Set<string>(model.statuses);
  const actions = new Set<string>();
  const reached = new Set<string>([model.initial]);
  for (const t of model.transitions) {
    if (actions.has(t.action)) problems.push(`${name}: action ${t.action} is listed twice`);
    actions.add(t.action);
    for (const s of [...t.from, ...(t.to === 'NEXT_PARTNER' || t.to === 'SAME' ? [] : [t.to])]) if (!known.has(s)) problems.push(`${name}: ${t.action} names unknown status ${s}`);
    for (const s of t.from) if (model.terminal.includes(s) && !model.reopening?.includes(t.action)) problems.push(`${name}: ${t.action} leaves terminal status ${s}`);
    if (t.to === 'NEXT_PARTNER') ['REQUEST_SENT_TO_PARTNER', 'EXPIRED'].forEach((s) => reached.add(s));
    else if (t.to !== 'SAME') reached.add(t.to);
  }
  for (const s of model.statuses) {
    if (!reached.has(s) && !model.transient?.includes(s)) problems.push(`${name}: nothing leads to ${s}`);
  }
  return problems;
}
