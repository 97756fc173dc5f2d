/**
 * The port to an ILLiad Web Platform (illiad.md §1): what the export needs from ILLiad, in our terms. The protocol
 * adapter (`protocols/illiad/`) implements it over HTTP; tests may too.
 *
 * Failures are InterlendErrors with the partner codes: ILL_ERR_PARTNER_AUTH (401/403: the key or address is wrong),
 * ILL_ERR_PARTNER_REFUSED (400: the data, with ILLiad's ModelState in the message), ILL_ERR_PARTNER_UNAVAILABLE
 * (timeout, network, 5xx, an answer that is not JSON). A user that does not exist is `undefined`, not an error.
 */
import type { BorrowingRequest } from '../domain/request/borrowing-request.ts';

/** The parts of an ILLiad user record the export looks at. */
export interface IlliadUser {
  readonly username: string;
  readonly email: string | null;
  /** `Yes`; `No` (not yet cleared by staff); `B`, `BO` (blocked); `DIS` (disavowed). */
  readonly cleared: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly status: string | null;
  readonly nvtgc: string | null;
}

/** A user to create, with the partner's defaults (guide: Export to third party section). */
export interface NewIlliadUser {
  readonly username: string;
  /**
   * What the API key's External User ID mapping column gets: ILLiad writes it over that column (illiad.md §1.3), so
   * it must be the e-mail when the key maps to e-mail, and the username when it maps to the username.
   */
  readonly externalUserId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string | null;
  readonly nvtgc: string | null;
  readonly status: string | null;
  readonly notificationMethod: string | null;
  readonly deliveryMethod: string | null;
  readonly loanDeliveryMethod: string | null;
  readonly electronicDelivery: boolean;
  readonly authType: string;
}

export interface IlliadTransactionRef {
  readonly transactionNumber: number;
  readonly status: string | null;
  readonly username: string | null;
}

export interface NewIlliadTransaction {
  readonly username: string;
  readonly request: BorrowingRequest;
  /** The transaction field that carries our request id (Export Request ID Name Tag; usually ReferenceNumber). */
  readonly requestIdField: string;
}

/** One call made to ILLiad, for the request's history: `GET Users/cwlee → 200`. */
export interface IlliadCall {
  readonly method: string;
  readonly path: string;
  /** The HTTP status, or what happened instead. */
  readonly outcome: number | 'timeout' | 'network error' | 'aborted';
  /** A few words on the answer: `found, Cleared Yes`, `TransactionNumber 1021`, ILLiad's Message. */
  readonly summary: string;
  readonly ms: number;
}

export interface IlliadConnection {
  userByUsername(username: string): Promise<IlliadUser | undefined>;
  /** Through the API key's External User ID mapping (the e-mail column, when searching by e-mail). */
  userByExternalId(externalId: string): Promise<IlliadUser | undefined>;
  /** 'exists' when ILLiad says the username is taken (someone created it meanwhile). */
  createUser(user: NewIlliadUser): Promise<IlliadUser | 'exists'>;
  /** The user's transactions whose `field` equals `value` (our request id), to adopt one made by an earlier try. */
  transactionsWith(username: string, field: string, value: string): Promise<IlliadTransactionRef[]>;
  createTransaction(transaction: NewIlliadTransaction): Promise<IlliadTransactionRef>;
  addStaffNote(transactionNumber: number, note: string): Promise<void>;
  /**
   * The Web Platform's version (`SystemInfo/SecurePlatformVersion`, which needs the key, so it also tests the key);
   * `null` when the answer holds no version number. The guide needs ILLiad 9.2 or later.
   */
  platformVersion(): Promise<string | null>;
}

export interface IlliadTarget {
  /** The Web Platform's base address, as configured (with or without `/ILLiadWebPlatform`). */
  readonly url: string;
  readonly apiKey: string;
}

export interface ConnectOptions {
  /** Every call stops when this aborts (the export's deadline). */
  readonly signal: AbortSignal;
  /** Each call made, as it ends. */
  readonly onCall: (call: IlliadCall) => void;
  /** How long one call may take; the connector's default otherwise. */
  readonly callTimeoutMs?: number;
}

export type IlliadConnector = (target: IlliadTarget, options: ConnectOptions) => IlliadConnection;
