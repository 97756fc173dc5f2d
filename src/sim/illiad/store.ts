/**
 * The simulator's ILLiad database, in memory: Users, Transactions, Notes and Tracking (the status history), and the
 * TransactionNumber counter. Usernames match case-insensitively, as ILLiad's SQL Server collation does (illiad.md
 * §5 (c) 3, inferred). Everything handed out is a copy, so a caller cannot change the store behind its back.
 */
import { illiadDateTime } from './dates.ts';
import { type IlliadTransaction, newTransaction } from './transaction.ts';
import { blankUser, type IlliadUser, type UserField, USER_FIELDS } from './user.ts';

/** A row of ILLiad's Notes table as the simulator answers `POST transaction/{n}/notes` with it. */
export interface IlliadNote {
  ID: number;
  TransactionNumber: number;
  Note: string;
  NoteType: string;
  AddedBy: string;
  NoteDate: string;
}

/** A row of ILLiad's Tracking table: every status a transaction was routed to. */
export interface IlliadTracking {
  TransactionNumber: number;
  ChangedTo: string;
  ChangedBy: string;
  DateTime: string;
}

/** The User columns an External User ID Mapping may name. */
export type MappedColumn = Exclude<UserField, 'ExternalUserId'>;

export class DuplicateUserError extends Error {
  override readonly name = 'DuplicateUserError';
}
export class UnknownTransactionError extends Error {
  override readonly name = 'UnknownTransactionError';
}

export interface StoreOptions {
  readonly externalUserIdMapping: MappedColumn;
  readonly firstTransactionNumber: number;
  readonly now: () => Date;
  readonly seedUsers: readonly Partial<IlliadUser>[];
}

const same = (a: string | null | undefined, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
const copy = <T>(value: T): T => structuredClone(value);

export class IlliadStore {
  private userRows: IlliadUser[] = [];
  /** Users by lower-cased UserName and by lower-cased mapped column, so lookups do not scan (reports look up 10,000). */
  private byUsername = new Map<string, IlliadUser>();
  private byExternalId = new Map<string, IlliadUser>();
  private transactionRows = new Map<number, IlliadTransaction>();
  private noteRows = new Map<number, IlliadNote[]>();
  private trackingRows = new Map<number, IlliadTracking[]>();
  private nextTransactionNumber: number;
  private nextNoteId = 1;

  constructor(private readonly options: StoreOptions) {
    this.nextTransactionNumber = options.firstTransactionNumber;
    for (const user of options.seedUsers) this.addUser(user);
  }

  /** The User column that ExternalUserId stands for (the API key's mapping). */
  get externalUserIdMapping(): MappedColumn {
    return this.options.externalUserIdMapping;
  }

  /** Empties the store and seeds the starting users again; the counter starts over. */
  reset(): void {
    this.userRows = [];
    this.byUsername.clear();
    this.byExternalId.clear();
    this.transactionRows.clear();
    this.noteRows.clear();
    this.trackingRows.clear();
    this.nextTransactionNumber = this.options.firstTransactionNumber;
    this.nextNoteId = 1;
    for (const user of this.options.seedUsers) this.addUser(user);
  }

  users(): IlliadUser[] {
    return this.userRows.map(copy);
  }

  user(username: string): IlliadUser | undefined {
    const found = this.byUsername.get(username.toLowerCase());
    return found && copy(found);
  }

  /** The first user whose mapped column equals the id, ignoring case (which one wins among several is unverified, §6). */
  userByExternalUserId(externalUserId: string): IlliadUser | undefined {
    const found = this.byExternalId.get(externalUserId.toLowerCase());
    return found && copy(found);
  }

  /**
   * Adds a user row as given (a seed, or a `POST Users` after binding). `ExternalUserId`, when given and the mapped
   * column is not, fills the mapped column; the output's ExternalUserId is always the mapped column's value.
   * Defaults: Cleared `Yes`, Web true, NVTGC `ILL` when absent; LastChangedDate is now.
   */
  addUser(given: Partial<IlliadUser>): IlliadUser {
    const userName = given.UserName;
    if (typeof userName !== 'string' || userName === '') throw new Error('a user needs a UserName');
    if (this.byUsername.has(userName.toLowerCase())) throw new DuplicateUserError(`Username ${userName} already exists.`);
    const user = blankUser(userName);
    for (const key of Object.keys(USER_FIELDS) as UserField[]) {
      if (given[key] !== undefined) (user as unknown as Record<string, unknown>)[key] = given[key];
    }
    const column = this.options.externalUserIdMapping;
    if (given.ExternalUserId !== undefined && given[column] === undefined) (user as unknown as Record<string, unknown>)[column] = given.ExternalUserId;
    if (given.Cleared === undefined) user.Cleared = 'Yes';
    if (given.Web === undefined) user.Web = true;
    if (given.NVTGC === undefined) user.NVTGC = 'ILL';
    user.LastChangedDate = illiadDateTime(this.options.now());
    user.ExternalUserId = this.mappedValue(user);
    this.userRows.push(user);
    this.byUsername.set(userName.toLowerCase(), user);
    // The first user with a mapped value wins, as the scan did.
    const mapped = user.ExternalUserId?.toLowerCase();
    if (mapped && !this.byExternalId.has(mapped)) this.byExternalId.set(mapped, user);
    return copy(user);
  }

  private mappedValue(user: IlliadUser): string | null {
    const value = user[this.options.externalUserIdMapping];
    return value === null || value === undefined ? null : String(value);
  }

  transactions(): IlliadTransaction[] {
    return [...this.transactionRows.values()].map(copy);
  }

  /** The numbers of every transaction, without copying them (a test's witness polls this often). */
  transactionNumbers(): number[] {
    return [...this.transactionRows.keys()];
  }

  transaction(transactionNumber: number): IlliadTransaction | undefined {
    const found = this.transactionRows.get(transactionNumber);
    return found && copy(found);
  }

  /** A user's transactions, oldest first (what `Transaction/UserRequests/{username}` lists before filtering). */
  userRequests(username: string, where: (transaction: IlliadTransaction) => boolean = () => true): IlliadTransaction[] {
    // Filtered before copying: a user with thousands of transactions (the crash test's) is searched on every export.
    return [...this.transactionRows.values()].filter((t) => same(t.Username, username) && where(t)).map(copy);
  }

  /**
   * Stores a new transaction with the next TransactionNumber (or the given one, when it is free: seeds), creation
   * and transaction dates of now unless given, and a Tracking row for its first status.
   */
  addTransaction(given: Partial<IlliadTransaction>): IlliadTransaction {
    let number = given.TransactionNumber;
    if (number === undefined || number === null) number = this.nextTransactionNumber;
    else if (this.transactionRows.has(number)) throw new Error(`Transaction ${number} already exists.`);
    this.nextTransactionNumber = Math.max(this.nextTransactionNumber, number + 1);
    const now = illiadDateTime(this.options.now());
    const transaction = newTransaction(number, { CreationDate: now, TransactionDate: now, ...given });
    this.transactionRows.set(number, transaction);
    if (transaction.TransactionStatus) this.track(number, transaction.TransactionStatus, 'System');
    return copy(transaction);
  }

  /** Changes fields of a transaction (not its number); a new TransactionStatus is tracked like a route. */
  updateTransaction(transactionNumber: number, patch: Partial<IlliadTransaction>, changedBy = 'System'): IlliadTransaction {
    const transaction = this.row(transactionNumber);
    const { TransactionNumber: _ignored, ...rest } = patch;
    const statusBefore = transaction.TransactionStatus;
    Object.assign(transaction, rest);
    if (transaction.TransactionStatus && transaction.TransactionStatus !== statusBefore) {
      transaction.TransactionDate = illiadDateTime(this.options.now());
      this.track(transactionNumber, transaction.TransactionStatus, changedBy);
    }
    return copy(transaction);
  }

  /** Moves a transaction to a queue (TransactionStatus), as `PUT transaction/{n}/route` and the add-on's Route do. */
  route(transactionNumber: number, status: string, changedBy = 'System'): IlliadTransaction {
    const transaction = this.row(transactionNumber);
    transaction.TransactionStatus = status;
    transaction.TransactionDate = illiadDateTime(this.options.now());
    this.track(transactionNumber, status, changedBy);
    return copy(transaction);
  }

  notes(transactionNumber: number): IlliadNote[] {
    return (this.noteRows.get(transactionNumber) ?? []).map(copy);
  }

  addNote(transactionNumber: number, note: { Note: string; NoteType: string; AddedBy: string }): IlliadNote {
    this.row(transactionNumber);
    const row: IlliadNote = {
      ID: this.nextNoteId++,
      TransactionNumber: transactionNumber,
      Note: note.Note,
      NoteType: note.NoteType,
      AddedBy: note.AddedBy,
      NoteDate: illiadDateTime(this.options.now()),
    };
    const list = this.noteRows.get(transactionNumber) ?? [];
    list.push(row);
    this.noteRows.set(transactionNumber, list);
    return copy(row);
  }

  tracking(transactionNumber: number): IlliadTracking[] {
    return (this.trackingRows.get(transactionNumber) ?? []).map(copy);
  }

  private track(transactionNumber: number, status: string, changedBy: string): void {
    const list = this.trackingRows.get(transactionNumber) ?? [];
    list.push({ TransactionNumber: transactionNumber, ChangedTo: status, ChangedBy: changedBy, DateTime: illiadDateTime(this.options.now()) });
    this.trackingRows.set(transactionNumber, list);
  }

  private row(transactionNumber: number): IlliadTransaction {
    const transaction = this.transactionRows.get(transactionNumber);
    if (!transaction) throw new UnknownTransactionError(`Transaction ${transactionNumber} was not found.`);
    return transaction;
  }
}
