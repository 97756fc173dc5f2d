/**
 * Borrowing from peers over ISO 18626 (issue 6, requester side): the partner adapter that sends our Request to the
 * rota entry's peer, and what the peer's SupplyingAgencyMessages do to the request. A peer acts only on its own
 * rota entry: a message from another supplier, or about a request it does not have, is refused.
 */
import { resolveEnv, type Env } from '../domain/config/env-refs.ts';
import type { Partner } from '../domain/config/partner.ts';
import { InterlendError, problemError } from '../domain/errors.ts';
import type { BorrowingRequest } from '../domain/request/borrowing-request.ts';
import type { BorrowingService } from './borrowing-service.ts';
import { ConfigCache } from './config-snapshot.ts';
import { carriesSecret, comesFromItsAddress, type HostResolver, isIsoPartner, type IsoPartner, isoPartnerBySymbol, ourAgencyId, SHARED_SECRET_HEADER, secretOf } from './peer-auth.ts';
import type { PeerConnector } from './peer-connection.ts';
import type { PartnerAdapter, PartnerAnswer, SendResult, Storage } from './ports.ts';

export { isIsoPartner, SHARED_SECRET_HEADER };

/** A SupplyingAgencyMessage, as the protocol edge read it. */
export interface SupplierMessage {
  /** The shared-secret header as received, if any. */
  readonly sharedSecret?: string | null;
  /** The IP address the message came from, when it came over HTTP. */
  readonly sourceAddress?: string | null;
  readonly supplier: { readonly type: string | null; readonly value: string } | null;
  readonly requestId: string | null;
  readonly status: string | null;
  readonly reasonForMessage: string | null;
  readonly reasonUnfilled: string | null;
  readonly reasonRetry: string | null;
  readonly note: string | null;
  readonly dueDate: string | null;
}

/**
 * ISO 18626 supplier statuses as state-model actions (protocols.md §8.2). Statuses without an action (ExpectToSupply,
 * Overdue, Recalled, a Notification) are noted in the history and change nothing.
 */
const STATUS_ACTIONS: Readonly<Record<string, PartnerAnswer['action']>> = {
  WillSupply: 'will-supply',
  Loaned: 'shipped-physically',
  CopyCompleted: 'shipped-digitally',
  Unfilled: 'reject',
  RetryPossible: 'conditional',
  Cancelled: 'partner-cancelled',
  LoanCompleted: 'complete',
  CompletedWithoutReturn: 'complete',
};

/** Staff actions as ISO 18626 actions (the transitions marked tellsPartner in the state model). */
const TOLD_AS: Readonly<Record<string, string>> = {
  receive: 'Received',
  renew: 'Renew',
  'return-to-partner': 'ShippedReturn',
  cancel: 'Cancel',
  'patron-cancel': 'Cancel',
  'cancel-partner': 'Cancel',
  // A conditional offer is accepted with a Notification and refused with a Cancel (protocols.md §8.2).
  'accept-condition': 'Notification',
  'refuse-condition': 'Cancel',
  'ask-status': 'StatusRequest',
  'note-to-partner': 'Notification',
};

/**
 * What the note of a told action says. Accepting a condition answers the lender's "please respond ACCEPT or
 * REJECT" (the Alma/crosslink wording, protocols.md §3.2), which is what an Interlend lender reads too.
 */
const noteFor = (action: string, note: string | null): string | null => (action === 'accept-condition' ? `ACCEPT${note ? `: ${note}` : ''}` : note);

export class PeerRequester implements PartnerAdapter {
  private readonly configCache = new ConfigCache();

  constructor(private readonly deps: { storage: Storage; env: Env; connect: PeerConnector; borrowing: BorrowingService; resolveHost?: HostResolver }) {}

  async send(request: BorrowingRequest, partner: Partner): Promise<SendResult> {
    if (!isIsoPartner(partner)) return {};
    const url = resolveEnv(partner.iso18626.url, this.deps.env);
    if (url.value === undefined) {
      const reason = `the ISO 18626 address of partner ${partner.code} names ${url.unset.join(', ')}, which is not set in the server's environment`;
      return { answer: { action: 'send-failed', reason }, partnerAlert: reason };
    }
    const patron = (await this.deps.storage.read.config('patrons').findByKey(request.patron))?.doc;
    if (!patron) return { answer: { action: 'send-failed', reason: `patron ${request.patron} no longer exists` } };
    const requester = await this.requester();
    const calls: string[] = [];
    try {
      const confirmation = await this.deps.connect(url.value, { onCall: (line) => calls.push(line), sharedSecret: this.secretOf(partner) }).sendRequest({
        request,
        patron,
        requester,
        supplier: { type: partner.iso18626.agencyIdType, value: partner.iso18626.agencyIdValue },
      });
      if (confirmation.ok) return { calls, partnerAlert: null };
      const reason = `${partner.code} refused the request: ${confirmation.errorType}${confirmation.errorValue ? ` (${confirmation.errorValue})` : ''}`;
      return { answer: { action: 'send-failed', reason }, calls };
    } catch (error) {
      if (error instanceof InterlendError && error.code === 'ILL_ERR_PARTNER_UNAVAILABLE') return { unavailable: error.message, calls };
      throw error;
    }
  }

  /** Tells the peer what staff did: a RequestingAgencyMessage (Received, Renew, ShippedReturn, Cancel). */
  async tell(request: BorrowingRequest, partner: Partner, action: string, note: string | null): Promise<Pick<SendResult, 'calls' | 'unavailable'>> {
    const isoAction = TOLD_AS[action];
    if (!isIsoPartner(partner) || !isoAction) return {};
    const url = resolveEnv(partner.iso18626.url, this.deps.env);
    if (url.value === undefined) return { calls: [`${partner.code} was not told of ${action}: its address names ${url.unset.join(', ')}, which is not set`] };
    const calls: string[] = [];
    try {
      const confirmation = await this.deps.connect(url.value, { onCall: (line) => calls.push(line), sharedSecret: this.secretOf(partner) }).sendAction({
        requestId: request.id,
        requester: await this.requester(),
        supplier: { type: partner.iso18626.agencyIdType, value: partner.iso18626.agencyIdValue },
        action: isoAction,
        note: noteFor(action, note),
      });
      if (!confirmation.ok) calls.push(`${partner.code} refused ${isoAction}: ${confirmation.errorType}${confirmation.errorValue ? ` (${confirmation.errorValue})` : ''}`);
      return { calls };
    } catch (error) {
      if (error instanceof InterlendError && error.code === 'ILL_ERR_PARTNER_UNAVAILABLE') return { unavailable: error.message, calls };
      throw error;
    }
  }

  /** The partner's shared secret to send, when it has one and it is set. */
  private secretOf(partner: IsoPartner): string | undefined {
    return secretOf(partner, this.deps.env);
  }

  /** The configured address of the peer that calls itself `agencyIdValue` (for telling which vendor it runs). */
  async peerAddress(agencyIdValue: string | null | undefined): Promise<string | undefined> {
    const partner = isoPartnerBySymbol((await this.configCache.get(this.deps.storage.read)).partners.values(), agencyIdValue);
    return partner && (resolveEnv(partner.iso18626.url, this.deps.env).value ?? partner.iso18626.url);
  }

  /** Us, as peers know us: the institution's ISIL, else its code. */
  private async requester(): Promise<{ type: string; value: string }> {
    return ourAgencyId((await this.configCache.get(this.deps.storage.read)).institution);
  }

  /**
   * A peer's SupplyingAgencyMessage about one of our requests. Returns the request id it applied to; refuses a
   * message about a request we do not have, or from a supplier that does not have it now.
   */
  async supplierMessage(message: SupplierMessage): Promise<string> {
    if (!message.requestId) throw problemError('ILL_ERR_UNKNOWN_REQUEST', [{ path: 'header.requestingAgencyRequestId', message: 'is missing' }]);
    const request = await this.deps.storage.read.borrowing.get(message.requestId);
    if (!request) throw problemError('ILL_ERR_UNKNOWN_REQUEST', [{ path: 'header.requestingAgencyRequestId', message: `no request of ours is ${message.requestId}` }]);
    const entry = request.current;
    const partner = entry === null ? undefined : (await this.configCache.get(this.deps.storage.read)).partners.get(request.rota[entry]!.partner);
    const sender = message.supplier?.value.toLowerCase();
    if (entry === null || !partner || !isIsoPartner(partner) || partner.iso18626.agencyIdValue.toLowerCase() !== sender) {
      throw problemError('ILL_ERR_UNKNOWN_AGENCY', [{ path: 'header.supplyingAgencyId', message: `${message.supplier?.value ?? '(none)'} is not the supplier request ${request.id} is with now` }]);
    }
    // Fail closed: a secret whose variable is unset refuses every message until it is set.
    if (!carriesSecret(partner, this.deps.env, message.sharedSecret)) {
      throw problemError('ILL_ERR_UNKNOWN_AGENCY', [{ path: SHARED_SECRET_HEADER, message: `the message does not carry ${partner.code}'s shared secret` }]);
    }
    if (!(await comesFromItsAddress(partner, this.deps.env, message.sourceAddress, this.deps.resolveHost))) {
      throw problemError('ILL_ERR_UNKNOWN_AGENCY', [{ path: 'header.supplyingAgencyId', message: `the message comes from ${message.sourceAddress}, not from ${partner.code}'s configured address` }]);
    }
    const action = message.status ? STATUS_ACTIONS[message.status] : undefined;
    const why = [message.reasonUnfilled ?? message.reasonRetry, message.note].filter(Boolean).join(': ') || undefined;
    if (action) {
      // The lender's due date (with Loaned) goes into the history with the step, so staff see when it is due back.
      const reason = [why, message.dueDate ? `due ${message.dueDate}` : undefined].filter(Boolean).join('; ') || undefined;
      const applied = await this.deps.borrowing.answer(request.id, entry, { action, ...(reason ? { reason } : {}) });
      if (applied) return request.id;
    }
    const said = `${partner.code} says ${message.status ?? '(no status)'}${message.reasonForMessage ? ` (${message.reasonForMessage})` : ''}${why ? `: ${why}` : ''}${message.dueDate ? `, due ${message.dueDate}` : ''}`;
    await this.deps.borrowing.partnerNote(request.id, entry, said);
    return request.id;
  }
}
