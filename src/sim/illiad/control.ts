/**
 * The simulator's own control API, under `/sim` (not part of ILLiad; a loopback tool for tests and demos, so no
 * ApiKey): look at and seed the store, set faults, fire the ILLiad staff actions that drive the NCIP add-on.
 *
 *   GET  /sim/users                  GET  /sim/transactions          GET   /sim/transactions/{n}  (+ notes, tracking)
 *   POST /sim/users      (seed)      POST /sim/transactions (seed)   PATCH /sim/transactions/{n}  (set fields)
 *   GET  /sim/faults                 PUT  /sim/faults (partial)      POST  /sim/events/{kind} {"transactionNumber": n}
 *   POST /sim/reset      (store back to the seed users, faults off)
 *
 * Bodies are JSON (any Content-Type); errors are `{"Message": …}` like the Web Platform's.
 */
import { bindFields, type Body } from './binding.ts';
import { defaultFaults, type FaultSettings, updateFaults } from './faults.ts';
import { type Answer, json, message } from './http.ts';
import { EVENT_KINDS, EventNotApplicableError, type IlliadEventKind, type NcipAddon, NcipNotConfiguredError } from './ncip-addon.ts';
import { DuplicateUserError, type IlliadStore, UnknownTransactionError } from './store.ts';
import { type IlliadTransaction, TRANSACTION_FIELDS } from './transaction.ts';
import { type IlliadUser, USER_FIELDS } from './user.ts';

export interface ControlContext {
  readonly store: IlliadStore;
  readonly faults: FaultSettings;
  readonly addon: NcipAddon;
  readonly defaultTransactionStatus: string;
}

function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false } {
  const text = raw.toString('utf8');
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

const isObject = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);
const invalid = (modelState: Record<string, string[]>): Answer => json(400, { Message: 'The request is invalid.', ModelState: modelState });

/** A seed transaction: bound like `POST Transaction`, but without the user check or the column limits. */
function seedTransaction(context: ControlContext, body: Body): Answer {
  const { values, modelState } = bindFields(body, TRANSACTION_FIELDS);
  if (Object.keys(modelState).length > 0) return invalid(modelState);
  const given = values as Partial<IlliadTransaction>;
  if (!given.TransactionStatus) given.TransactionStatus = context.defaultTransactionStatus;
  if (given.ProcessType === 'Lending' && !given.Username) given.Username = 'Lending';
  try {
    return json(200, context.store.addTransaction(given));
  } catch (error) {
    return message(409, error instanceof Error ? error.message : String(error));
  }
}

function seedUser(context: ControlContext, body: Body): Answer {
  const { values, modelState } = bindFields(body, USER_FIELDS);
  if (Object.keys(modelState).length > 0) return invalid(modelState);
  if (typeof values.UserName !== 'string' || values.UserName === '') return invalid({ 'model.UserName': ['The UserName field is required.'] });
  try {
    return json(200, context.store.addUser(values as Partial<IlliadUser>));
  } catch (error) {
    if (error instanceof DuplicateUserError) return message(409, error.message);
    throw error;
  }
}

async function fireEvent(context: ControlContext, kind: string, body: Body): Promise<Answer> {
  if (!(EVENT_KINDS as readonly string[]).includes(kind)) return message(404, `Unknown event ${kind}; events are ${EVENT_KINDS.join(', ')}.`);
  const number = Number(body.transactionNumber);
  if (!Number.isInteger(number)) return message(400, 'The body must be {"transactionNumber": <number>}.');
  try {
    return json(200, await context.addon.event(kind as IlliadEventKind, number));
  } catch (error) {
    if (error instanceof NcipNotConfiguredError) return message(409, error.message);
    if (error instanceof UnknownTransactionError) return message(404, error.message);
    if (error instanceof EventNotApplicableError) return message(400, error.message);
    throw error;
  }
}

/** Handles a request under `/sim`; `segments` are the path's segments after `sim`. */
export async function handleControl(context: ControlContext, method: string, segments: readonly string[], raw: Buffer): Promise<Answer> {
  const parsed = parseJson(raw);
  if (!parsed.ok) return message(400, 'The body is not JSON.');
  const body: Body = isObject(parsed.value) ? parsed.value : {};
  const [resource, id] = segments;
  const route = `${method} ${resource ?? ''}${id === undefined ? '' : '/{id}'}${segments.length > 2 ? '/…' : ''}`;
  const transactionNumber = Number(id);
  switch (route) {
    case 'GET users':
      return json(200, context.store.users());
    case 'POST users':
      return seedUser(context, body);
    case 'GET transactions':
      return json(200, context.store.transactions());
    case 'POST transactions':
      return seedTransaction(context, body);
    case 'GET transactions/{id}': {
      const transaction = context.store.transaction(transactionNumber);
      if (!transaction) return message(404, `Transaction ${id} was not found.`);
      return json(200, { transaction, notes: context.store.notes(transactionNumber), tracking: context.store.tracking(transactionNumber) });
    }
    case 'PATCH transactions/{id}': {
      if (!context.store.transaction(transactionNumber)) return message(404, `Transaction ${id} was not found.`);
      const { values, modelState } = bindFields(body, TRANSACTION_FIELDS);
      if (Object.keys(modelState).length > 0) return invalid(modelState);
      return json(200, context.store.updateTransaction(transactionNumber, values as Partial<IlliadTransaction>));
    }
    case 'GET faults':
      return json(200, context.faults);
    case 'PUT faults': {
      const problems = updateFaults(context.faults, parsed.value);
      return problems.length ? message(400, problems.join('; ')) : json(200, context.faults);
    }
    case 'POST events/{id}':
      return fireEvent(context, id!, body);
    case 'POST reset':
      context.store.reset();
      Object.assign(context.faults, defaultFaults());
      return json(200, { reset: true });
    default:
      return message(404, `No simulator route ${method} /sim/${segments.join('/')}.`);
  }
}
