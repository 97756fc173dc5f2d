/** What the use cases need from the outside world. storage/ implements the repositories; main.ts wires them. */
import type { Role } from '../domain/access/roles.ts';
import type { StaffUser } from '../domain/access/staff-user.ts';
import type { ConfigDocs, ConfigKind } from '../domain/config/kinds.ts';
import type { Institution } from '../domain/config/institution.ts';
import type { Partner } from '../domain/config/partner.ts';
import type { RotaRule } from '../domain/config/rota-rule.ts';
import type { Hold, HoldStatus, Item, ItemStatus, Loan, LoanStatus } from '../domain/circulation/circulation.ts';
import type { BorrowingRequest } from '../domain/request/borrowing-request.ts';
import type { LendingRequest } from '../domain/request/lending-request.ts';
import type { BorrowingStatus, LendingStatus } from '../domain/request/state-model.ts';
import type { Notice, NoticeStatus } from '../domain/notices/notice.ts';
import type { NoticeTemplate, NoticeType } from '../domain/notices/templates.ts';
import type { ThrottleState } from '../domain/patron/sign-in.ts';

export interface Clock {
  /** Now, as ISO-8601 UTC text. */
  now(): string;
}

export interface IdSource {
  /** A new sortable unique id. */
  newId(): string;
  /** A new bearer token: long, random, printable. */
  newToken(): string;
}

/** A configuration object as stored. */
export interface Stored<T> {
  readonly id: string;
  readonly doc: T;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** 1-based place in an ordered list (rota rules); undefined elsewhere. */
  readonly position?: number;
  /**
   * Counts the changes to the stored document: 1 when created, one more at every write that changes it (a move in
   * an ordered list changes the list, not the object, and leaves it). The API's ETag and the staff pages' hidden
   * version are made from it (`versionOf` in app/config-service.ts).
   */
  readonly revision: number;
}

/** An object to write: the revision is storage's to keep (1 on insert, moved on by an update that changes it). */
export type Unsaved<T> = Omit<Stored<T>, 'revision'> & { readonly revision?: number };

export interface ListQuery {
  readonly limit: number;
  readonly offset: number;
  /** Case-insensitive text searched in codes, names and (for patrons) identifiers. */
  readonly q?: string;
  /** Filter name (API query parameter) → value; each kind says which it has. */
  readonly filters: Readonly<Record<string, string>>;
}

export interface Page<T> {
  readonly items: T[];
  readonly total: number;
}

/** Someone naming an object: kept by storage on every write. */
export interface Referrer {
  readonly kind: ConfigKind;
  readonly key: string;
  readonly path: string;
}

export interface ConfigRepository<K extends ConfigKind> {
  list(query: ListQuery): Promise<Page<Stored<ConfigDocs[K]>>>;
  /** Every object, in list order (rules by position, others by key). */
  all(): Promise<Stored<ConfigDocs[K]>[]>;
  findById(id: string): Promise<Stored<ConfigDocs[K]> | undefined>;
  findByKey(key: string): Promise<Stored<ConfigDocs[K]> | undefined>;
  insert(object: Unsaved<ConfigDocs[K]>): Promise<void>;
  /**
   * Writes the object if its stored revision is still `expectedRevision`: one compare-and-set statement
   * (`update … where id = ? and revision = ?`), so that of two writers who read the same revision only the first
   * writes. Returns the revision now stored; undefined: someone else wrote (or deleted) it first, and nothing was
   * written.
   */
  update(object: Unsaved<ConfigDocs[K]>, expectedRevision: number): Promise<number | undefined>;
  /** Deletes the object if its stored revision is still `expectedRevision` (compare-and-set, as update). */
  delete(id: string, expectedRevision: number): Promise<boolean>;
  /** Sets the positions of an ordered kind: the ids in their new order, 1-based. */
  reorder(idsInOrder: readonly string[]): Promise<void>;
}

export interface PatronLookup {
  /**
   * The patron that has this identifier (type PRIMARY_ID, EMAIL, BARCODE, …), case-insensitively: its stored
   * object's id (for `config('patrons').findById`), not its primary id.
   */
  findPatronIdByKey(type: string, value: string): Promise<string | undefined>;
  /** Stored ids of the patrons with an identifier of this type containing `fragment`, case-insensitively. */
  findPatronIdsByKeyContaining(type: string, fragment: string, limit: number): Promise<string[]>;
  /** The same for identifiers that start with `prefix` (an index range, not a scan). */
  findPatronIdsByKeyPrefix(type: string, prefix: string, limit: number): Promise<string[]>;
}

export interface ReferenceIndex {
  /** Objects that name the given one. */
  referrersOf(kind: ConfigKind, key: string): Promise<Referrer[]>;
}

export interface InstitutionRepository {
  get(): Promise<Stored<Institution> | undefined>;
  /**
   * Creates the institution (`expectedRevision` null) or replaces it if its stored revision is still
   * `expectedRevision` (compare-and-set, as ConfigRepository.update). Returns the revision now stored; undefined:
   * someone else created or changed it first, and nothing was written.
   */
  put(object: Unsaved<Institution>, expectedRevision: number | null): Promise<number | undefined>;
}

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
  /** A session token (a staff user's password sign-in) stops working at this time; API tokens have none. */
  readonly expiresAt?: string | null;
  /** The staff user a session token belongs to; null for an API token. */
  readonly userId?: string | null;
}

export interface TokenRepository {
  insert(token: ApiToken, hash: string): Promise<void>;
  findByHash(hash: string): Promise<ApiToken | undefined>;
  /** API tokens, oldest first; with `sessions`, staff users' session tokens too. */
  list(options?: { sessions?: boolean }): Promise<ApiToken[]>;
  /** API tokens not revoked (sessions do not count). */
  count(): Promise<number>;
  markUsed(id: string, at: string): Promise<void>;
  revoke(id: string, at: string): Promise<boolean>;
  /** Revokes every open session token of the user (but `exceptId`); returns how many. */
  revokeSessionsOf(userId: string, at: string, exceptId?: string): Promise<number>;
  /** Gives the user's session tokens a new name (the user's display name changed). */
  renameSessionsOf(userId: string, name: string): Promise<void>;
  /** Deletes session tokens that expired before `before`: they can never be used again. */
  deleteExpiredSessions(before: string): Promise<number>;
}

/** Staff users (migration 0009). The password hash is only ever read by `credentialsOf`, for signing in. */
export interface StaffUserRepository {
  /** Adds the user unless its user name is taken (without case); returns whether it was added. */
  insert(user: StaffUser, passwordHash: string): Promise<boolean>;
  /** By user name, without case. */
  find(username: string): Promise<StaffUser | undefined>;
  findById(id: string): Promise<StaffUser | undefined>;
  /** Every user, by user name. */
  list(): Promise<StaffUser[]>;
  /** The user and its password hash, for checking a sign-in. */
  credentialsOf(username: string): Promise<{ user: StaffUser; passwordHash: string } | undefined>;
  /** Saves name, role, disabledAt and updatedAt. */
  update(user: StaffUser): Promise<void>;
  setPasswordHash(id: string, passwordHash: string, at: string): Promise<void>;
  /** A successful sign-in; with `passwordHash`, the password hashed again with today's parameters. */
  markSignedIn(id: string, at: string, passwordHash?: string): Promise<void>;
  delete(id: string): Promise<boolean>;
}

export interface SettingRepository {
  get(key: string): Promise<string | undefined>;
  put(key: string, value: string): Promise<void>;
}

export const JOB_STATES = ['ready', 'running', 'done', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** A unit of outside work (an export, a peer message, a timer), written in the same transaction as its cause. */
export interface Job {
  readonly id: string;
  /** Which handler runs it, e.g. `rota.send`, `rota.timeout`. */
  readonly type: string;
  /** Idempotency key: a second job with the same key is not enqueued while the first exists. */
  readonly key: string;
  readonly payload: unknown;
  readonly state: JobState;
  /** Runs started so far (a claim counts as a start). */
  readonly attempts: number;
  readonly maxAttempts: number;
  /** Not before this time (ISO-8601 UTC). */
  readonly runAt: string;
  /** While running: the lease; a job whose lease has passed is claimed again (its worker died). */
  readonly lockedUntil: string | null;
  readonly lockedBy: string | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NewJob {
  readonly type: string;
  readonly key: string;
  readonly payload: unknown;
  /** Default: now. */
  readonly runAt?: string;
  /** Default: 8. */
  readonly maxAttempts?: number;
}

export interface JobRepository {
  /** Adds the job unless one with the same key exists; returns whether it was added. */
  enqueue(job: NewJob, id: string, now: string): Promise<boolean>;
  /** Adds several jobs in one statement, each unless its key exists; returns how many were added. */
  enqueueAll(jobs: readonly { readonly job: NewJob; readonly id: string }[], now: string): Promise<number>;
  /**
   * Takes the next due job (ready and runAt <= now, or running with an expired lease), marks it running with a
   * lease until now + leaseMs, counts the attempt. Two workers never get the same job (SKIP LOCKED on PostgreSQL;
   * SQLite has one writer).
   */
  claim(now: string, leaseMs: number, workerId: string): Promise<Job | undefined>;
  /** Done; only by the worker that holds the lease (returns false if the lease was lost). */
  complete(id: string, workerId: string, now: string): Promise<boolean>;
  /** Failed this time: back to ready at retryAt, or parked as failed when retryAt is null. */
  fail(id: string, workerId: string, now: string, error: string, retryAt: string | null): Promise<boolean>;
  get(id: string): Promise<Job | undefined>;
  list(query: { state?: JobState; type?: string; limit: number; offset: number }): Promise<Page<Job>>;
  /** A failed job runs again: ready now, attempts reset. Returns false when the job is not failed. */
  retry(id: string, now: string): Promise<boolean>;
  /** Counts by state, for metrics and the staff queues. */
  countByState(): Promise<Record<JobState, number>>;
}

/** One line of a request's history: who did what, when, from which status to which, and why. */
export interface HistoryEntry {
  readonly id: string;
  readonly requestId: string;
  readonly at: string;
  /** A token's name, `system`, or `partner:CODE`. */
  readonly actor: string;
  readonly action: string;
  readonly fromStatus: BorrowingStatus | null;
  readonly toStatus: BorrowingStatus;
  readonly reason: string | null;
  /** The rota entry concerned, if any. */
  readonly partner: string | null;
}

export interface RequestListQuery {
  readonly limit: number;
  readonly offset: number;
  readonly statuses?: readonly BorrowingStatus[];
  readonly patron?: string;
  /** Only requests not changed since this time. */
  readonly unchangedSince?: string;
  /** The partner of the current rota entry (the one that has the request now), by code. */
  readonly partner?: string;
  /** Created on or after this day (YYYY-MM-DD, UTC). */
  readonly createdFrom?: string;
  /** Created on or before this day (YYYY-MM-DD, UTC, the whole day). */
  readonly createdTo?: string;
  /**
   * Search text: a request's id, an ILLiad TN, an OCLC number (with or without leading zeros or (OCoLC)), an ISBN
   * (with or without hyphens, 10 or 13 digits), or words that each start a word of the title or author (any case).
   * A request matching any of these is found (see domain/request/search-keys.ts).
   */
  readonly q?: string;
  /** Only requests whose last rota entry rejected them (Expired with no partner left after a rejection). */
  readonly rejectedByLastPartner?: boolean;
}

export interface BorrowingRequestRepository {
  insert(request: BorrowingRequest): Promise<void>;
  /** Saves when the stored version is `request.version - 1`; false when someone else saved first. */
  update(request: BorrowingRequest): Promise<boolean>;
  get(id: string): Promise<BorrowingRequest | undefined>;
  list(query: RequestListQuery): Promise<Page<BorrowingRequest>>;
  /** Requests by status: of the statuses given (each an index range), or of every status. */
  countByStatus(statuses?: readonly BorrowingStatus[]): Promise<Partial<Record<BorrowingStatus, number>>>;
  /** Requests a lender of last resort knows by this number (ILLiad's TransactionNumber), newest first. */
  byThirdPartyNumber(number: string): Promise<BorrowingRequest[]>;
  /**
   * Appends to the request's history, in the order given, as written by the save that gave the request `version`
   * (each save bumps the version, so the lines of one save sort after those of the save before).
   */
  addHistory(entries: readonly HistoryEntry[], version: number): Promise<void>;
  history(requestId: string): Promise<HistoryEntry[]>;
}

/** One line of a lending request's history: the same shape as a borrowing request's, in the lending statuses. */
export interface LendingHistoryEntry extends Omit<HistoryEntry, 'fromStatus' | 'toStatus'> {
  readonly fromStatus: LendingStatus | null;
  readonly toStatus: LendingStatus;
}

export interface LendingListQuery {
  readonly limit: number;
  readonly offset: number;
  readonly statuses?: readonly LendingStatus[];
  /** The requesting partner's code. */
  readonly requester?: string;
}

export interface LendingRequestRepository {
  /**
   * Adds the request unless the requester already has one with its requesterRequestId (the pair is unique):
   * returns whether it was added. Never fails on that conflict, so the caller's transaction stays usable.
   */
  insert(request: LendingRequest): Promise<boolean>;
  /** Saves when the stored version is `request.version - 1`; false when someone else saved first. */
  update(request: LendingRequest): Promise<boolean>;
  get(id: string): Promise<LendingRequest | undefined>;
  /** The request a requester (its agency id value, as configured on its partner) knows by its own id. */
  byRequester(agencyIdValue: string, requesterRequestId: string): Promise<LendingRequest | undefined>;
  list(query: LendingListQuery): Promise<Page<LendingRequest>>;
  countByStatus(): Promise<Partial<Record<LendingStatus, number>>>;
  /** Appends to the history in the order given, as written by the save that gave the request `version`. */
  addHistory(entries: readonly LendingHistoryEntry[], version: number): Promise<void>;
  history(requestId: string): Promise<LendingHistoryEntry[]>;
}

/** What a partner said to a request, in the state model's actions. */
export interface PartnerAnswer {
  readonly action: 'reject' | 'will-supply' | 'conditional' | 'shipped-physically' | 'shipped-digitally' | 'partner-cancelled' | 'complete' | 'exported' | 'export-failed' | 'send-failed';
  readonly reason?: string;
}

/** Which run of the send job this is: on the last one, a partner that cannot be reached loses the request. */
export interface SendAttempt {
  readonly number: number;
  readonly last: boolean;
}

/** The record a lender of last resort made of the request: ILLiad's TransactionNumber, under the ILLiad username. */
export interface ExportRecord {
  readonly transactionNumber: number;
  readonly username: string;
}

/** How sending to a partner went. */
export interface SendResult {
  /** The partner's answer, applied at once. None: the answer comes later (a message, staff, the answer timer). */
  readonly answer?: PartnerAnswer;
  /** The partner could not be reached, and why; the send job runs again later. */
  readonly unavailable?: string;
  /** What was said to the partner, a line per call, for the request's history. */
  readonly calls?: readonly string[];
  readonly exported?: ExportRecord;
  /** A configuration problem to flag on the partner (a refused API key); null: the partner worked, clear the flag. */
  readonly partnerAlert?: string | null;
}

/**
 * Sends a request to a partner of one profile type. Expected failures are results, not exceptions: an exception is
 * a fault of ours, and the job queue retries it.
 */
export interface PartnerAdapter {
  send(request: BorrowingRequest, partner: Partner, attempt: SendAttempt): Promise<SendResult>;
  /** Tells the partner what staff did (a state-model action marked tellsPartner); absent: the partner is not told. */
  tell?(request: BorrowingRequest, partner: Partner, action: string, note: string | null): Promise<Pick<SendResult, 'calls' | 'unavailable'>>;
}

/** A configuration problem seen while using a partner, shown to staff until the partner works again. */
export interface PartnerAlert {
  readonly partner: string;
  readonly message: string;
  readonly at: string;
}

export interface PartnerAlertRepository {
  put(alert: PartnerAlert): Promise<void>;
  clear(partner: string): Promise<void>;
  list(): Promise<PartnerAlert[]>;
}

/** A partner whose calls fail (refused, no answer, a 5xx): from the first failed call until one is answered again. */
export interface PartnerOutage {
  readonly partner: string;
  /** The first failed call of this outage. */
  readonly since: string;
  /** The last failed call. */
  readonly lastAt: string;
  /** What the last failed call met, as the partner adapter said it. */
  readonly message: string;
  /** Failed calls so far in this outage. */
  readonly failures: number;
}

export interface PartnerOutageRepository {
  /** A call to the partner failed: starts its outage, or adds to the one going on (keeping `since`). */
  failed(partner: string, message: string, at: string): Promise<void>;
  /** A call to the partner was answered: its outage (if any) is over. Returns whether there was one. */
  answered(partner: string): Promise<boolean>;
  list(): Promise<PartnerOutage[]>;
}

/** Jobs by type and state (done left out: they only pile up), for /metrics. */
export interface JobStats {
  readonly byTypeAndState: readonly { readonly type: string; readonly state: JobState; readonly count: number }[];
  /** Ready jobs that have failed at least once: waiting for their next try. */
  readonly retryingByType: readonly { readonly type: string; readonly count: number }[];
  /** The runAt of the job that has been due longest (ready and due, or running past its lease); null: none is due. */
  readonly oldestDueAt: string | null;
}

/** What the operator's views (/metrics, the dashboard) read about the queue; nothing here is on a request's path. */
export interface OperationsRepository {
  jobStats(now: string): Promise<JobStats>;
  /**
   * Send jobs (`type`) waiting for a next try after a failed one, by the partner their request is with now: how many,
   * and when the first runs.
   */
  waitingSends(type: string): Promise<{ readonly partner: string; readonly count: number; readonly nextTry: string }[]>;
  /** Makes the waiting send jobs (`type`) of requests with `partner` due now; returns how many. */
  wakeSends(type: string, partner: string, now: string): Promise<number>;
}

/** Rule sets by content hash: the rota assignment rules a request was routed by (written once, never changed). */
export interface RuleSetRepository {
  /** Stores the rule set unless a set with this id is already there. */
  save(id: string, rules: readonly RotaRule[], at: string): Promise<void>;
  get(id: string): Promise<RotaRule[] | undefined>;
}

export interface ItemQuery {
  readonly barcode?: string;
  readonly status?: ItemStatus;
  readonly borrowingRequest?: string;
  readonly limit: number;
  readonly offset: number;
}

export interface CirculationRepository {
  insertItem(item: Item): Promise<void>;
  updateItem(item: Item): Promise<void>;
  getItem(id: string): Promise<Item | undefined>;
  /** The item in use (not retired) with this barcode. */
  itemByBarcode(barcode: string): Promise<Item | undefined>;
  items(query: ItemQuery): Promise<Page<Item>>;
  insertHold(hold: Hold): Promise<void>;
  updateHold(hold: Hold): Promise<void>;
  holdsOfItem(item: string): Promise<Hold[]>;
  holds(query: { pickupLibrary?: string; status?: HoldStatus; patron?: string; limit: number; offset: number }): Promise<Page<Hold>>;
  insertLoan(loan: Loan): Promise<void>;
  updateLoan(loan: Loan): Promise<void>;
  getLoan(id: string): Promise<Loan | undefined>;
  openLoanOf(item: string): Promise<Loan | undefined>;
  /** `dueFrom` / `dueBefore`: due at or after, and before, these instants (the reminder scan), earliest due first. */
  loans(query: { borrower?: string; item?: string; status?: LoanStatus; dueFrom?: string; dueBefore?: string; limit: number; offset: number }): Promise<Page<Loan>>;
}

/** One NCIP message received and the answer given (issue 5: the audit). */
export interface NcipMessageRecord {
  readonly id: string;
  readonly at: string;
  readonly partner: string | null;
  readonly service: string | null;
  readonly borrowingRequest: string | null;
  readonly outcome: 'success' | 'problem';
  readonly problem: string | null;
  readonly durationMs: number;
  readonly requestBody: string;
  readonly responseBody: string;
}

export interface NcipMessageRepository {
  insert(record: NcipMessageRecord): Promise<void>;
  /** Several in one statement. */
  insertAll(records: readonly NcipMessageRecord[]): Promise<void>;
  ofRequest(borrowingRequest: string): Promise<NcipMessageRecord[]>;
  recent(query: { limit: number; offset: number }): Promise<Page<NcipMessageRecord>>;
}

/** A notice template staff changed (issue 9); a type without one uses the text shipped with Interlend. */
export interface StoredNoticeTemplate extends NoticeTemplate {
  readonly updatedAt: string;
  /** The token's name that saved it. */
  readonly updatedBy: string;
}

export interface NoticeTemplateRepository {
  all(): Promise<StoredNoticeTemplate[]>;
  get(type: NoticeType): Promise<StoredNoticeTemplate | undefined>;
  put(template: StoredNoticeTemplate): Promise<void>;
  /** Back to the shipped text. */
  delete(type: NoticeType): Promise<void>;
}

export interface NoticeQuery {
  readonly status?: NoticeStatus;
  readonly type?: NoticeType;
  readonly borrowingRequest?: string;
  readonly limit: number;
  readonly offset: number;
}

export interface NoticeRepository {
  /** Adds the notice unless one with its key exists; returns the stored one either way (never fails on the key). */
  insertOrGet(notice: Notice): Promise<Notice>;
  update(notice: Notice): Promise<void>;
  byKey(key: string): Promise<Notice | undefined>;
  /** Most recently changed first. */
  recent(query: NoticeQuery): Promise<Page<Notice>>;
}

/** A patron's PIN, as a hash (never the PIN), by the patron's stored id (config('patrons').findById). */
export interface PatronPin {
  readonly patronId: string;
  readonly hash: string;
  readonly updatedAt: string;
}

export interface PatronPinRepository {
  get(patronId: string): Promise<PatronPin | undefined>;
  put(pin: PatronPin): Promise<void>;
  delete(patronId: string): Promise<void>;
}

/** Wrong PINs counted per key (`id:<typed id>`, `address:<client address>`): see domain/patron/sign-in.ts. */
export interface SignInThrottleRepository {
  get(key: string): Promise<ThrottleState | undefined>;
  put(key: string, state: ThrottleState): Promise<void>;
  delete(key: string): Promise<void>;
  /** Forgets states whose window started before this time and that are not locked beyond `now`. */
  prune(windowStartedBefore: string, now: string): Promise<void>;
}

/** Repositories bound to one transaction (or to none, for reads). */
export interface Repositories {
  config<K extends ConfigKind>(kind: K): ConfigRepository<K>;
  readonly references: ReferenceIndex;
  readonly patronLookup: PatronLookup;
  readonly institution: InstitutionRepository;
  readonly tokens: TokenRepository;
  readonly staffUsers: StaffUserRepository;
  readonly settings: SettingRepository;
  /** Changes whenever any configuration object or the institution is written. */
  configVersion(): Promise<string>;
  readonly jobs: JobRepository;
  readonly borrowing: BorrowingRequestRepository;
  readonly lending: LendingRequestRepository;
  readonly ruleSets: RuleSetRepository;
  readonly partnerAlerts: PartnerAlertRepository;
  readonly partnerOutages: PartnerOutageRepository;
  readonly operations: OperationsRepository;
  readonly circulation: CirculationRepository;
  readonly ncipMessages: NcipMessageRepository;
  readonly notices: NoticeRepository;
  readonly noticeTemplates: NoticeTemplateRepository;
  readonly patronPins: PatronPinRepository;
  readonly signInThrottle: SignInThrottleRepository;
}

export interface Storage {
  readonly dialect: 'sqlite' | 'postgres';
  /** Repositories outside a transaction, for reads. */
  readonly read: Repositories;
  /** Runs the work in one transaction: all of it is written, or none. */
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
