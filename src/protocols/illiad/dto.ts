/**
 * The JSON ILLiad's Web Platform sends and takes, as far as the export uses it (illiad.md §1.3 User, §1.4
 * Transaction, §1.6 errors). ILLiad answers with every key, nulls included; we read leniently (any key case) and
 * send only the keys we fill.
 */

/** `GET/POST Users` answers (a few of its ~45 keys). */
export interface IlliadUserRecord {
  readonly UserName: string;
  readonly ExternalUserId?: string | null;
  readonly FirstName?: string | null;
  readonly LastName?: string | null;
  readonly EMailAddress?: string | null;
  readonly Status?: string | null;
  readonly NVTGC?: string | null;
  /** `Yes`, `No`, `B`, `BO`, `DIS`. */
  readonly Cleared?: string | null;
}

/** The `POST Users` body. */
export interface NewIlliadUserRecord {
  Username: string;
  ExternalUserId: string;
  FirstName: string;
  LastName: string;
  EMailAddress?: string;
  NVTGC?: string;
  Status?: string;
  NotificationMethod?: string;
  DeliveryMethod?: string;
  LoanDeliveryMethod?: string;
  AuthType: string;
  Web: true;
  Cleared: 'Yes';
  UserInfo5?: string;
}

/** `GET Transaction/{n}`, `UserRequests` items and `POST Transaction` answers (the keys the export reads). */
export interface IlliadTransactionRecord {
  readonly TransactionNumber: number;
  readonly Username?: string | null;
  readonly TransactionStatus?: string | null;
  readonly ReferenceNumber?: string | null;
}

/** The `POST Transaction` body: these keys, plus the one named by Export Request ID Name Tag. */
export interface NewIlliadTransactionRecord {
  Username: string;
  RequestType: 'Loan' | 'Article';
  ProcessType: 'Borrowing';
  [field: string]: string;
}

/** ILLiad's error body (ASP.NET Web API): `Message`, and `ModelState` for 400s. */
export interface IlliadErrorRecord {
  readonly Message?: string;
  readonly ModelState?: Readonly<Record<string, readonly string[]>>;
}
