/**
 * The Web Platform's routing (illiad.md §1.1–1.2, §5 (c) 1): routes under `/ILLiadWebPlatform/`, matched without
 * regard to case (clients use `ILLiadWebPlatform`, `illiadwebplatform`, `Transaction`/`transaction` against real
 * servers: IIS/ASP.NET routing), trailing slash optional, path segments URL-decoded. An unmatched path is ASP.NET's
 * 404 "No HTTP resource was found…"; a matched path with another method is its 405.
 *
 * Bodies bind from JSON or form-urlencoded (binding.ts); a body that is not JSON is 400 with the ModelState Penn
 * captured for a bad transaction body (`{"model":["An error has occurred."]}`, §1.6); another media type is 415.
 */
import { type Body, parseBody } from './binding.ts';
import { type Answer, invalidRequest, message } from './http.ts';
import { addNote, createTransaction, getTransaction, routeTransaction, type TransactionSettings, userRequests } from './rest-transactions.ts';
import { createUser, getUser, getUserByExternalUserId } from './rest-users.ts';
import type { IlliadStore } from './store.ts';

export interface RestRequest {
  readonly method: string;
  /** The path's segments after `ILLiadWebPlatform`, decoded. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly contentType: string | undefined;
  readonly body: Buffer;
  /** The request URI as the client wrote it, for the 404 text. */
  readonly uri: string;
}

export interface RestContext {
  readonly store: IlliadStore;
  readonly settings: TransactionSettings;
  /** What `SystemInfo/SecurePlatformVersion` answers. */
  readonly platformVersion: string;
}

interface Params {
  readonly text: readonly string[];
  readonly number: number;
}

interface Route {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Literal segments (lower case), `{text}` or `{n}` (an integer). */
  readonly pattern: readonly string[];
  readonly handle: (context: RestContext, params: Params, request: RestRequest, body: Body) => Answer;
}

const ROUTES: readonly Route[] = [
  // The Web Platform's version, behind the key: what clients call to test a key (illiad.md §1.2, System Information;
  // UVA's and Stanford's clients ping it). Answered as a JSON string (the body's exact shape is not documented).
  { name: 'SecurePlatformVersion', method: 'GET', pattern: ['systeminfo', 'secureplatformversion'], handle: (c) => ({ status: 200, body: c.platformVersion }) },
  { name: 'GetUser', method: 'GET', pattern: ['users', '{text}'], handle: (c, p) => getUser(c.store, p.text[0]!) },
  { name: 'GetUserByExternalUserId', method: 'GET', pattern: ['users', 'externaluserid', '{text}'], handle: (c, p) => getUserByExternalUserId(c.store, p.text[0]!) },
  { name: 'CreateUser', method: 'POST', pattern: ['users'], handle: (c, _p, _r, body) => createUser(c.store, body) },
  { name: 'CreateTransaction', method: 'POST', pattern: ['transaction'], handle: (c, _p, _r, body) => createTransaction(c.store, c.settings, body) },
  { name: 'GetTransaction', method: 'GET', pattern: ['transaction', '{n}'], handle: (c, p) => getTransaction(c.store, p.number) },
  {
    name: 'GetUserRequests',
    method: 'GET',
    pattern: ['transaction', 'userrequests', '{text}'],
    handle: (c, p, r) => userRequests(c.store, p.text[0]!, r.query.get('$filter')),
  },
  { name: 'RouteTransaction', method: 'PUT', pattern: ['transaction', '{n}', 'route'], handle: (c, p, _r, body) => routeTransaction(c.store, p.number, body) },
  { name: 'AddNote', method: 'POST', pattern: ['transaction', '{n}', 'notes'], handle: (c, p, _r, body) => addNote(c.store, p.number, body) },
  // Stanford posts to the singular path (§1.2, unverified); tolerated.
  { name: 'AddNote', method: 'POST', pattern: ['transaction', '{n}', 'note'], handle: (c, p, _r, body) => addNote(c.store, p.number, body) },
];

function match(pattern: readonly string[], segments: readonly string[]): Params | undefined {
  if (pattern.length !== segments.length) return undefined;
  const text: string[] = [];
  let number = Number.NaN;
  for (const [i, part] of pattern.entries()) {
    const segment = segments[i]!;
    if (part === '{text}') text.push(segment);
    else if (part === '{n}') {
      if (!/^\d{1,9}$/.test(segment)) return undefined;
      number = Number(segment);
    } else if (part !== segment.toLowerCase()) return undefined;
  }
  return { text, number };
}

/** Which route answered (the server needs to know a `CreateTransaction` for the timeout-after-commit fault). */
export interface RestResult {
  readonly route?: string;
  readonly answer: Answer;
}

export function handleRest(context: RestContext, request: RestRequest): RestResult {
  const candidates = ROUTES.map((route) => ({ route, params: match(route.pattern, request.segments) })).filter((c) => c.params !== undefined);
  if (candidates.length === 0) return { answer: message(404, `No HTTP resource was found that matches the request URI '${request.uri}'.`) };
  const chosen = candidates.find((c) => c.route.method === request.method);
  if (!chosen) return { answer: message(405, `The requested resource does not support http method '${request.method}'.`) };
  let body: Body = {};
  if (request.method !== 'GET') {
    const parsed = parseBody(request.contentType, request.body);
    if (parsed.kind === 'invalid') return { route: chosen.route.name, answer: invalidRequest({ model: ['An error has occurred.'] }) };
    if (parsed.kind === 'unsupported') {
      return { route: chosen.route.name, answer: message(415, `The request entity's media type '${parsed.mediaType}' is not supported for this resource.`) };
    }
    if (parsed.kind === 'model') body = parsed.value;
  }
  return { route: chosen.route.name, answer: chosen.route.handle(context, chosen.params!, request, body) };
}
