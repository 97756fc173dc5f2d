/**
 * ILLiad's Transaction object as the Web Platform returns it (illiad.md §1.4): every key, in the server's order, nulls
 * present. Order and key set follow the captured `POST Transaction` answer in
 * upenn-libraries/discovery-app (transaction_post_success.json), which covers every key §1.4 lists; the defaults of
 * a new transaction are the values those captured answers carry for fields the request did not set.
 */
import type { FieldType } from './binding.ts';

export interface IlliadTransaction {
  TransactionNumber: number;
  Username: string | null;
  /** `Loan` or `Article`. */
  RequestType: string | null;
  LoanAuthor: string | null;
  LoanTitle: string | null;
  LoanPublisher: string | null;
  LoanPlace: string | null;
  LoanDate: string | null;
  LoanEdition: string | null;
  PhotoJournalTitle: string | null;
  PhotoJournalVolume: string | null;
  PhotoJournalIssue: string | null;
  PhotoJournalMonth: string | null;
  PhotoJournalYear: string | null;
  PhotoJournalInclusivePages: string | null;
  PhotoArticleAuthor: string | null;
  PhotoArticleTitle: string | null;
  CitedIn: string | null;
  CitedTitle: string | null;
  CitedDate: string | null;
  CitedVolume: string | null;
  CitedPages: string | null;
  NotWantedAfter: string | null;
  AcceptNonEnglish: boolean | null;
  AcceptAlternateEdition: boolean | null;
  ArticleExchangeUrl: string | null;
  ArticleExchangePassword: string | null;
  TransactionStatus: string | null;
  TransactionDate: string | null;
  ISSN: string | null;
  ILLNumber: string | null;
  ESPNumber: string | null;
  LendingString: string | null;
  BaseFee: number | null;
  PerPage: number | null;
  Pages: number | null;
  DueDate: string | null;
  RenewalsAllowed: boolean | null;
  SpecIns: string | null;
  Pieces: number | null;
  LibraryUseOnly: boolean | null;
  AllowPhotocopies: boolean | null;
  LendingLibrary: string | null;
  ReasonForCancellation: string | null;
  CallNumber: string | null;
  Location: string | null;
  Maxcost: number | null;
  /** `Borrowing`, `Lending` or `Doc Del`. */
  ProcessType: string | null;
  /** The lent item's barcode on a lending transaction (what the NCIP add-on sends, illiad.md §2.3). */
  ItemNumber: string | null;
  LenderAddressNumber: number | null;
  Ariel: boolean | null;
  Patron: string | null;
  PhotoItemAuthor: string | null;
  PhotoItemPlace: string | null;
  PhotoItemPublisher: string | null;
  PhotoItemEdition: string | null;
  DocumentType: string | null;
  InternalAcctNo: string | null;
  PriorityShipping: string | null;
  Rush: string | null;
  CopyrightAlreadyPaid: string | null;
  WantedBy: string | null;
  SystemID: string | null;
  ReplacementPages: string | null;
  IFMCost: number | null;
  CopyrightPaymentMethod: string | null;
  ShippingOptions: string | null;
  CCCNumber: string | null;
  IntlShippingOptions: string | null;
  ShippingAcctNo: string | null;
  ReferenceNumber: string | null;
  CopyrightComp: string | null;
  TAddress: string | null;
  TAddress2: string | null;
  TCity: string | null;
  TState: string | null;
  TZip: string | null;
  TCountry: string | null;
  TFax: string | null;
  TEMailAddress: string | null;
  TNumber: string | null;
  HandleWithCare: boolean | null;
  CopyWithCare: boolean | null;
  RestrictedUse: boolean | null;
  ReceivedVia: string | null;
  CancellationCode: string | null;
  BillingCategory: string | null;
  CCSelected: string | null;
  OriginalTN: number | null;
  OriginalNVTGC: string | null;
  InProcessDate: string | null;
  InvoiceNumber: string | null;
  BorrowerTN: number | null;
  WebRequestForm: string | null;
  TName: string | null;
  TAddress3: string | null;
  IFMPaid: string | null;
  BillingAmount: number | null;
  ConnectorErrorStatus: string | null;
  BorrowerNVTGC: string | null;
  CCCOrder: string | null;
  ShippingDetail: string | null;
  ISOStatus: string | null;
  OdysseyErrorStatus: string | null;
  WorldCatLCNumber: string | null;
  Locations: string | null;
  FlagType: string | null;
  FlagNote: string | null;
  CreationDate: string | null;
  ItemInfo1: string | null;
  ItemInfo2: string | null;
  ItemInfo3: string | null;
  ItemInfo4: string | null;
  ItemInfo5: string | null;
  SpecialService: string | null;
  DeliveryMethod: string | null;
  Web: boolean | null;
  PMID: string | null;
  DOI: string | null;
  LastOverdueNoticeSent: string | null;
  ExternalRequest: string | null;
}

export type TransactionField = keyof IlliadTransaction;

/** Every Transaction key in the server's order, with the type the binder converts to (and OData compares as). */
export const TRANSACTION_FIELDS: Readonly<Record<TransactionField, FieldType>> = {
  TransactionNumber: 'int',
  Username: 'string',
  RequestType: 'string',
  LoanAuthor: 'string',
  LoanTitle: 'string',
  LoanPublisher: 'string',
  LoanPlace: 'string',
  LoanDate: 'string',
  LoanEdition: 'string',
  PhotoJournalTitle: 'string',
  PhotoJournalVolume: 'string',
  PhotoJournalIssue: 'string',
  PhotoJournalMonth: 'string',
  PhotoJournalYear: 'string',
  PhotoJournalInclusivePages: 'string',
  PhotoArticleAuthor: 'string',
  PhotoArticleTitle: 'string',
  CitedIn: 'string',
  CitedTitle: 'string',
  CitedDate: 'string',
  CitedVolume: 'string',
  CitedPages: 'string',
  NotWantedAfter: 'date',
  AcceptNonEnglish: 'bool',
  AcceptAlternateEdition: 'bool',
  ArticleExchangeUrl: 'string',
  ArticleExchangePassword: 'string',
  TransactionStatus: 'string',
  TransactionDate: 'date',
  ISSN: 'string',
  ILLNumber: 'string',
  ESPNumber: 'string',
  LendingString: 'string',
  BaseFee: 'decimal',
  PerPage: 'decimal',
  Pages: 'int',
  DueDate: 'date',
  RenewalsAllowed: 'bool',
  SpecIns: 'string',
  Pieces: 'int',
  LibraryUseOnly: 'bool',
  AllowPhotocopies: 'bool',
  LendingLibrary: 'string',
  ReasonForCancellation: 'string',
  CallNumber: 'string',
  Location: 'string',
  Maxcost: 'decimal',
  ProcessType: 'string',
  ItemNumber: 'string',
  LenderAddressNumber: 'int',
  Ariel: 'bool',
  Patron: 'string',
  PhotoItemAuthor: 'string',
  PhotoItemPlace: 'string',
  PhotoItemPublisher: 'string',
  PhotoItemEdition: 'string',
  DocumentType: 'string',
  InternalAcctNo: 'string',
  PriorityShipping: 'string',
  Rush: 'string',
  CopyrightAlreadyPaid: 'string',
  WantedBy: 'string',
  SystemID: 'string',
  ReplacementPages: 'string',
  IFMCost: 'decimal',
  CopyrightPaymentMethod: 'string',
  ShippingOptions: 'string',
  CCCNumber: 'string',
  IntlShippingOptions: 'string',
  ShippingAcctNo: 'string',
  ReferenceNumber: 'string',
  CopyrightComp: 'string',
  TAddress: 'string',
  TAddress2: 'string',
  TCity: 'string',
  TState: 'string',
  TZip: 'string',
  TCountry: 'string',
  TFax: 'string',
  TEMailAddress: 'string',
  TNumber: 'string',
  HandleWithCare: 'bool',
  CopyWithCare: 'bool',
  RestrictedUse: 'bool',
  ReceivedVia: 'string',
  CancellationCode: 'string',
  BillingCategory: 'string',
  CCSelected: 'string',
  OriginalTN: 'int',
  OriginalNVTGC: 'string',
  InProcessDate: 'date',
  InvoiceNumber: 'string',
  BorrowerTN: 'int',
  WebRequestForm: 'string',
  TName: 'string',
  TAddress3: 'string',
  IFMPaid: 'string',
  BillingAmount: 'decimal',
  ConnectorErrorStatus: 'string',
  BorrowerNVTGC: 'string',
  CCCOrder: 'string',
  ShippingDetail: 'string',
  ISOStatus: 'string',
  OdysseyErrorStatus: 'string',
  WorldCatLCNumber: 'string',
  Locations: 'string',
  FlagType: 'string',
  FlagNote: 'string',
  CreationDate: 'date',
  ItemInfo1: 'string',
  ItemInfo2: 'string',
  ItemInfo3: 'string',
  ItemInfo4: 'string',
  ItemInfo5: 'string',
  SpecialService: 'string',
  DeliveryMethod: 'string',
  Web: 'bool',
  PMID: 'string',
  DOI: 'string',
  LastOverdueNoticeSent: 'date',
  ExternalRequest: 'string',
};

/**
 * Column lengths a create is checked against (Princeton's truncation lengths, illiad.md §1.4 and §5 (a) 7, plus the
 * ones the brief fixed). ILLiad rejects longer values with a ModelState entry rather than truncating.
 */
export const MAX_LENGTHS: Readonly<Partial<Record<TransactionField, number>>> = {
  LoanTitle: 255,
  LoanAuthor: 100,
  LoanPublisher: 40,
  ESPNumber: 32,
  CallNumber: 255,
  PhotoJournalTitle: 255,
  PhotoArticleTitle: 255,
  PhotoArticleAuthor: 100,
  PhotoJournalVolume: 30,
  PhotoJournalIssue: 30,
  PhotoJournalInclusivePages: 30,
  ReferenceNumber: 50,
  ISSN: 20,
  DOI: 100,
  ItemInfo1: 255,
  ItemInfo2: 255,
  ItemInfo3: 255,
  ItemInfo4: 255,
  ItemInfo5: 255,
  // Queue names are at most 40 characters (alma-ncip Lua header comment, illiad.md §1.5).
  TransactionStatus: 40,
};

export const REQUEST_TYPES = ['Loan', 'Article'] as const;
export const PROCESS_TYPES = ['Borrowing', 'Lending', 'Doc Del'] as const;

/** The values a new transaction has where the request set nothing (the captured answers of illiad.md §1.4). */
const DEFAULTS: Partial<IlliadTransaction> = {
  ProcessType: 'Borrowing',
  AcceptNonEnglish: false,
  AcceptAlternateEdition: true,
  RenewalsAllowed: false,
  AllowPhotocopies: false,
  Ariel: false,
  Rush: 'Regular',
  CopyrightAlreadyPaid: 'No',
  SystemID: 'OCLC',
  HandleWithCare: false,
  CopyWithCare: false,
  RestrictedUse: false,
};

/** A transaction with every key in the server's order: the defaults, then what was given (a null keeps the default). */
export function newTransaction(transactionNumber: number, given: Partial<IlliadTransaction>): IlliadTransaction {
  const transaction = Object.fromEntries(Object.keys(TRANSACTION_FIELDS).map((key) => [key, null])) as unknown as IlliadTransaction;
  Object.assign(transaction, DEFAULTS);
  for (const [key, value] of Object.entries(given)) {
    if (!(key in TRANSACTION_FIELDS) || value === undefined || (value === null && key in DEFAULTS)) continue;
    (transaction as unknown as Record<string, unknown>)[key] = value;
  }
  transaction.TransactionNumber = transactionNumber;
  return transaction;
}
