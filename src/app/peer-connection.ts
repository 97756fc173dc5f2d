/**
 * The port to a peer library over ISO 18626 (issue 6): what borrowing from peers and lending to them need, in our
 * terms. The protocol
 * adapter (`protocols/iso18626/peer-client.ts`) implements it over HTTP. A peer that cannot be reached (network,
 * timeout, HTTP 5xx) is an InterlendError ILL_ERR_PARTNER_UNAVAILABLE; a peer that answers ERROR is a result.
 */
import type { Patron } from '../domain/config/patron.ts';
import type { BorrowingRequest } from '../domain/request/borrowing-request.ts';

export interface AgencyId {
  readonly type: string;
  readonly value: string;
}

export interface OutgoingPeerRequest {
  readonly request: BorrowingRequest;
  readonly patron: Patron;
  /** Us: the institution's ISIL, else its code. */
  readonly requester: AgencyId;
  /** The peer, from its partner record. */
  readonly supplier: AgencyId;
}

export type PeerConfirmation = { readonly ok: true } | { readonly ok: false; readonly errorType: string; readonly errorValue: string | null };

/** A RequestingAgencyMessage: what we did with the peer's item or our request. */
export interface OutgoingPeerAction {
  readonly requestId: string;
  readonly requester: AgencyId;
  readonly supplier: AgencyId;
  /** ISO 18626 action: Received, ShippedReturn, Cancel, Renew, StatusRequest, Notification. */
  readonly action: string;
  readonly note: string | null;
}

/** A SupplyingAgencyMessage: what we, lending, tell the borrower about its request. */
export interface OutgoingSupplierMessage {
  /** The borrower (requester), from its partner record. */
  readonly requester: AgencyId;
  /** Us: the institution's ISIL, else its code. */
  readonly supplier: AgencyId;
  /** The borrower's id for the request (requestingAgencyRequestId). */
  readonly requesterRequestId: string;
  /** Ours (supplyingAgencyRequestId): the lending request's id. */
  readonly supplierRequestId: string;
  /** ISO 18626 reasonForMessage: RequestResponse, StatusChange, Notification, CancelResponse, RenewResponse, StatusRequestResponse. */
  readonly reasonForMessage: string;
  /** ISO 18626 status: ExpectToSupply, WillSupply, Loaned, Unfilled, LoanCompleted, Cancelled, … */
  readonly status: string;
  readonly answerYesNo: 'Y' | 'N' | null;
  readonly note: string | null;
  readonly reasonUnfilled: string | null;
  /** xs:dateTime, when on loan. */
  readonly dueDate: string | null;
  /** When the status changed (statusInfo/lastChange). */
  readonly lastChange: string;
  /** What was shipped (deliveryInfo), with Loaned and CopyCompleted. */
  readonly delivery: { readonly dateSent: string; readonly itemId: string | null; readonly sentVia: string | null; readonly loanCondition: string | null } | null;
}

export interface PeerConnection {
  sendRequest(message: OutgoingPeerRequest): Promise<PeerConfirmation>;
  sendAction(message: OutgoingPeerAction): Promise<PeerConfirmation>;
  sendSupplierMessage(message: OutgoingSupplierMessage): Promise<PeerConfirmation>;
}

/**
 * Opens a connection to a peer's ISO 18626 address; each call is reported to `onCall` as a line for the history,
 * which never shows the shared secret.
 */
export type PeerConnector = (url: string, options: { onCall: (line: string) => void; /** Sent in the shared-secret header. */ sharedSecret?: string | undefined }) => PeerConnection;
