/**
 * The ILLiad Web Platform client (illiad.md §1.2): the calls the export makes, over `callIlliad`. Implements the
 * app's IlliadConnection port.
 */
import type { IlliadConnection, IlliadConnector, IlliadTransactionRef, IlliadUser, NewIlliadUser } from '../../app/illiad-connection.ts';
import { InterlendError } from '../../domain/errors.ts';
import { AUTH_TYPE, DELIVERY_METHOD, NOTIFICATION_METHOD } from '../../domain/config/enums.ts';
import type { IlliadTransactionRecord, IlliadUserRecord, NewIlliadUserRecord } from './dto.ts';
import { type CallContext, callIlliad, illiadMessage, webPlatformBase } from './http.ts';
import { transactionBody } from './transaction-body.ts';

const NOTE_LIMIT = 4000;

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;
}

/** ILLiad answers with `UserName`; lenient on case, as its model binding is (illiad.md §1.3). */
function field(record: unknown, name: keyof IlliadUserRecord | keyof IlliadTransactionRecord | (string & {})): unknown {
  if (typeof record !== 'object' || record === null) return undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(record)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

export function toUser(record: unknown): IlliadUser {
  const username = text(field(record, 'UserName'));
  if (!username) throw new InterlendError('ILL_ERR_PARTNER_UNAVAILABLE', 'ILLiad answered with a user record without a UserName');
  return {
    username,
    email: text(field(record, 'EMailAddress')),
    cleared: text(field(record, 'Cleared')),
    firstName: text(field(record, 'FirstName')),
    lastName: text(field(record, 'LastName')),
    status: text(field(record, 'Status')),
    nvtgc: text(field(record, 'NVTGC')),
  };
}

export function toTransaction(record: unknown): IlliadTransactionRef {
  const number = Number(field(record, 'TransactionNumber'));
  if (!Number.isSafeInteger(number) || number <= 0) throw new InterlendError('ILL_ERR_PARTNER_UNAVAILABLE', 'ILLiad answered with a transaction without a TransactionNumber');
  return { transactionNumber: number, status: text(field(record, 'TransactionStatus')), username: text(field(record, 'Username')) };
}

/** The POST Users body: the patron's names and e-mail with the partner's defaults, in ILLiad's labels. */
export function userBody(user: NewIlliadUser): NewIlliadUserRecord {
  const body: NewIlliadUserRecord = {
    Username: user.username,
    // Sent explicitly: with a key mapping, a missing ExternalUserId would null the mapped column (illiad.md §1.3).
    ExternalUserId: user.externalUserId,
    FirstName: user.firstName,
    LastName: user.lastName,
    AuthType: AUTH_TYPE.labels[user.authType as keyof typeof AUTH_TYPE.labels] ?? user.authType,
    Web: true,
    Cleared: 'Yes',
  };
  if (user.email) body.EMailAddress = user.email;
  if (user.nvtgc) body.NVTGC = user.nvtgc;
  if (user.status) body.Status = user.status;
  const label = (labels: Record<string, string>, code: string | null) => (code === null ? null : (labels[code] ?? code));
  const notification = label(NOTIFICATION_METHOD.labels, user.notificationMethod);
  if (notification) body.NotificationMethod = notification;
  const delivery = label(DELIVERY_METHOD.labels, user.deliveryMethod);
  if (delivery) body.DeliveryMethod = delivery;
  const loanDelivery = label(DELIVERY_METHOD.labels, user.loanDeliveryMethod);
  if (loanDelivery) body.LoanDeliveryMethod = loanDelivery;
  // The Web Platform's field for "Electronic Delivery" is unverified (illiad.md §6 question 5); ILLiad sites keep
  // such flags in a UserInfo column. Sent only when switched on.
  if (user.electronicDelivery) body.UserInfo5 = 'Electronic Delivery';
  return body;
}

/**
 * The first dotted version number in the answer, whatever its shape: the body's exact form is not documented (a
 * JSON string such as "9.2.3.0" is what clients log), so a string, or any string value of an object, is searched.
 */
function versionIn(body: unknown): string | null {
  const texts = typeof body === 'string' ? [body] : typeof body === 'object' && body !== null ? Object.values(body).filter((v): v is string => typeof v === 'string') : [];
  for (const text of texts) {
    const found = /\d+(?:\.\d+)+/.exec(text);
    if (found) return found[0];
  }
  return null;
}

const path = (...segments: string[]) => segments.map(encodeURIComponent).join('/');
const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

export const connectIlliad: IlliadConnector = (target, options): IlliadConnection => {
  const context: CallContext = {
    base: webPlatformBase(target.url),
    apiKey: target.apiKey,
    signal: options.signal,
    onCall: options.onCall,
    ...(options.callTimeoutMs === undefined ? {} : { callTimeoutMs: options.callTimeoutMs }),
  };
  const describeUser = (body: unknown) => {
    const cleared = text(field(body, 'Cleared'));
    return `found ${text(field(body, 'UserName')) ?? '?'}${cleared ? `, Cleared ${cleared}` : ''}`;
  };
  const lookUp = async (route: string): Promise<IlliadUser | undefined> => {
    const response = await callIlliad(context, {
      method: 'GET',
      path: route,
      accept: [404],
      summarize: (r) => (r.status === 404 ? 'no such user' : describeUser(r.body)),
    });
    return response.status === 404 ? undefined : toUser(response.body);
  };
  return {
    async platformVersion() {
      const response = await callIlliad(context, { method: 'GET', path: 'SystemInfo/SecurePlatformVersion', summarize: (r) => `version ${versionIn(r.body) ?? 'not given'}` });
      return versionIn(response.body);
    },
    userByUsername: (username) => lookUp(path('Users', username)),
    userByExternalId: (externalId) => lookUp(path('Users', 'ExternalUserId', externalId)),

    async createUser(user) {
      const response = await callIlliad(context, {
        method: 'POST',
        path: 'Users',
        body: userBody(user),
        accept: [400],
        summarize: (r) => (r.status === 400 ? illiadMessage(r.body) : `created ${text(field(r.body, 'UserName')) ?? user.username}`),
      });
      if (response.status === 400) {
        // Someone created the user between our lookup and this call: fetch it (illiad.md §5 (a) 5).
        if (/already exists/i.test(illiadMessage(response.body))) return 'exists';
        throw new InterlendError('ILL_ERR_PARTNER_REFUSED', `ILLiad refused to create user ${user.username}: ${illiadMessage(response.body)}`);
      }
      return toUser(response.body);
    },

    async transactionsWith(username, fieldName, value) {
      const filter = `${fieldName} eq ${quote(value)}`;
      const response = await callIlliad(context, {
        method: 'GET',
        path: `${path('Transaction', 'UserRequests', username)}?$filter=${encodeURIComponent(filter)}`,
        accept: [404],
        summarize: (r) => (r.status === 404 ? 'no such user' : `${Array.isArray(r.body) ? r.body.length : 0} transaction(s) listed`),
      });
      if (response.status === 404 || !Array.isArray(response.body)) return [];
      // Filtered here too: OData support for the field is unverified (illiad.md §5 (a) 6).
      return response.body.filter((t) => text(field(t, fieldName)) === value).map(toTransaction);
    },

    async createTransaction(transaction) {
      const response = await callIlliad(context, {
        method: 'POST',
        path: 'Transaction',
        body: transactionBody(transaction),
        summarize: (r) => `TransactionNumber ${text(field(r.body, 'TransactionNumber')) ?? '?'}`,
      });
      return toTransaction(response.body);
    },

    async addStaffNote(transactionNumber, note) {
      await callIlliad(context, {
        method: 'POST',
        path: `${path('transaction', String(transactionNumber))}/notes`,
        body: { Note: note.slice(0, NOTE_LIMIT), NoteType: 'Staff' },
        summarize: () => 'note added',
      });
    },
  };
};
