/**
 * The Web Platform's Transaction routes (illiad.md §1.2, §1.4, §1.6, §5 (c) 4–5): `POST Transaction`,
 * `GET Transaction/{n}`, `GET Transaction/UserRequests/{username}[?$filter=…]`, `PUT transaction/{n}/route`,
 * `POST transaction/{n}/notes` (and `/Note`, which Stanford posts to).
 *
 * Wordings the sources do not show are inferred and kept in ASP.NET's style: `Transaction n was not found.`,
 * `User x does not exist.` (ModelState `model.Username`), `'X' is not a valid RequestType. …`, and DataAnnotations'
 * `The field F must be a string with a maximum length of N.` (ModelState `model.F`).
 */
import { addError, bindFields, type Body, type ModelState } from './binding.ts';
import { type Answer, invalidRequest, json, message } from './http.ts';
import { ODataFilterError, parseODataFilter } from './odata-filter.ts';
import type { IlliadStore } from './store.ts';
import { type IlliadTransaction, MAX_LENGTHS, PROCESS_TYPES, REQUEST_TYPES, TRANSACTION_FIELDS, type TransactionField } from './transaction.ts';

export interface TransactionSettings {
  /** The status of a new transaction that does not set one (default `Awaiting Request Processing`). */
  readonly defaultTransactionStatus: string;
  /** An unknown Username on create: refused with ModelState, or stored as posted (ILLiad's policy is unverified, §5 (c) 4). */
  readonly unknownUserPolicy: 'reject' | 'accept';
  /** When set, WantedBy must be one of these (the site's drop-down, §1.4 Princeton's comment). */
  readonly wantedByValues?: readonly string[] | undefined;
  /**
   * A routing rule: given the new transaction, the queue to route it to, or undefined to leave it (§1.4: Penn's
   * transaction came back in "Awaiting RAPID Request Sending").
   */
  readonly routingRule?: ((transaction: IlliadTransaction) => string | undefined) | undefined;
}

/** The name notes added through the API carry in AddedBy (inferred). */
const API_USER = 'WebPlatform';
const NOTE_LIMIT = 4000;
const QUEUE_LIMIT = 40;

const notFound = (transactionNumber: number) => message(404, `Transaction ${transactionNumber} was not found.`);
const isBlank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
const tooLong = (field: string, limit: number) => `The field ${field} must be a string with a maximum length of ${limit}.`;

export function createTransaction(store: IlliadStore, settings: TransactionSettings, body: Body): Answer {
  const { values, modelState } = bindFields(body, { ...TRANSACTION_FIELDS, ExternalUserId: 'string' });
  const given = values as Partial<Record<TransactionField | 'ExternalUserId', unknown>>;
  // The server numbers and dates a transaction; posted values for these are ignored.
  delete given.TransactionNumber;
  delete given.CreationDate;
  delete given.TransactionDate;

  if (isBlank(given.RequestType)) addError(modelState, 'model.RequestType', 'The RequestType field is required.');
  else if (!(REQUEST_TYPES as readonly unknown[]).includes(given.RequestType)) {
    addError(modelState, 'model.RequestType', `'${String(given.RequestType)}' is not a valid RequestType. Valid values are Loan and Article.`);
  }
  if (isBlank(given.ProcessType)) given.ProcessType = 'Borrowing';
  else if (!(PROCESS_TYPES as readonly unknown[]).includes(given.ProcessType)) {
    addError(modelState, 'model.ProcessType', `'${String(given.ProcessType)}' is not a valid ProcessType. Valid values are Borrowing, Lending and Doc Del.`);
  }
  if (settings.wantedByValues && !isBlank(given.WantedBy) && !settings.wantedByValues.includes(given.WantedBy as string)) {
    addError(modelState, 'model.WantedBy', `'${String(given.WantedBy)}' is not a valid WantedBy value.`);
  }
  for (const [field, limit] of Object.entries(MAX_LENGTHS)) {
    const value = given[field as TransactionField];
    if (typeof value === 'string' && value.length > limit) addError(modelState, `model.${field}`, tooLong(field, limit));
  }
  resolveUser(store, settings, given, modelState);
  if (Object.keys(modelState).length > 0) return invalidRequest(modelState);

  delete given.ExternalUserId;
  if (isBlank(given.TransactionStatus)) given.TransactionStatus = settings.defaultTransactionStatus;
  let transaction = store.addTransaction(given as Partial<IlliadTransaction>);
  const routedTo = settings.routingRule?.(transaction);
  if (routedTo && routedTo !== transaction.TransactionStatus) transaction = store.route(transaction.TransactionNumber, routedTo, 'Routing Rule');
  return json(200, transaction);
}

/**
 * Sets `Username` to the user's own spelling. ExternalUserId, when posted, is resolved through the key's mapping and
 * wins over Username (NCSU posts only ExternalUserId, §1.4). A lending transaction belongs to a borrowing library,
 * not to a patron, so its Username is not looked up (it defaults to `Lending`, inferred).
 */
function resolveUser(store: IlliadStore, settings: TransactionSettings, given: Record<string, unknown>, modelState: ModelState): void {
  if (given.ProcessType === 'Lending') {
    if (isBlank(given.Username)) given.Username = 'Lending';
    return;
  }
  const externalUserId = isBlank(given.ExternalUserId) ? undefined : String(given.ExternalUserId);
  const username = isBlank(given.Username) ? undefined : String(given.Username);
  if (externalUserId === undefined && username === undefined) {
    addError(modelState, 'model.Username', 'The Username field is required.');
    return;
  }
  const user = externalUserId !== undefined ? store.userByExternalUserId(externalUserId) : store.user(username!);
  if (user) given.Username = user.UserName;
  else if (settings.unknownUserPolicy === 'reject') addError(modelState, 'model.Username', `User ${externalUserId ?? username} does not exist.`);
  else given.Username = username ?? externalUserId;
}

export function getTransaction(store: IlliadStore, transactionNumber: number): Answer {
  const transaction = store.transaction(transactionNumber);
  return transaction ? json(200, transaction) : notFound(transactionNumber);
}

/** A user's transactions, `$filter` applied; an unknown user has none (200 `[]`, inferred). */
export function userRequests(store: IlliadStore, username: string, filter: string | null): Answer {
  if (filter === null || filter.trim() === '') return json(200, store.userRequests(username));
  try {
    const parsed = parseODataFilter(filter, TRANSACTION_FIELDS);
    return json(200, store.userRequests(username, (t) => parsed.test(t as unknown as Record<string, unknown>)));
  } catch (error) {
    if (error instanceof ODataFilterError) return message(400, `The query specified in the URI is not valid. ${error.message}`);
    throw error;
  }
}

/** `PUT transaction/{n}/route` `{"Status": "<queue>"}` → 200 with the routed transaction. */
export function routeTransaction(store: IlliadStore, transactionNumber: number, body: Body): Answer {
  const { values, modelState } = bindFields(body, { Status: 'string' });
  if (isBlank(values.Status)) addError(modelState, 'model.Status', 'The Status field is required.');
  else if ((values.Status as string).length > QUEUE_LIMIT) addError(modelState, 'model.Status', tooLong('Status', QUEUE_LIMIT));
  if (Object.keys(modelState).length > 0) return invalidRequest(modelState);
  if (!store.transaction(transactionNumber)) return notFound(transactionNumber);
  return json(200, store.route(transactionNumber, values.Status as string, API_USER));
}

/** `POST transaction/{n}/notes` `{"Note": "…", "NoteType": "Staff"}` → 200 with the note; NoteType defaults to Staff. */
export function addNote(store: IlliadStore, transactionNumber: number, body: Body): Answer {
  const { values, modelState } = bindFields(body, { Note: 'string', NoteType: 'string' });
  if (isBlank(values.Note)) addError(modelState, 'model.Note', 'The Note field is required.');
  else if ((values.Note as string).length > NOTE_LIMIT) addError(modelState, 'model.Note', tooLong('Note', NOTE_LIMIT));
  if (Object.keys(modelState).length > 0) return invalidRequest(modelState);
  if (!store.transaction(transactionNumber)) return notFound(transactionNumber);
  const noteType = isBlank(values.NoteType) ? 'Staff' : (values.NoteType as string);
  return json(200, store.addNote(transactionNumber, { Note: values.Note as string, NoteType: noteType, AddedBy: API_USER }));
}
