/**
 * The ILLiad simulator: a test double of the ILLiad Web Platform (illiad.md §1, §5 (c) 1–6) and of ILLiad's NCIP
 * add-on (§2.3–2.4, §5 (c) 7–10) on one `node:http` server, plus the simulator's control API under `/sim`.
 *
 * Web Platform calls go through, in order: the latency fault, the body limit (413 above 1 MB), the ApiKey check
 * (header name in any case; 401 with ASP.NET's "Authorization has been denied for this request."), the 500 fault,
 * the route; then the answer faults (timeout after commit on `POST Transaction`, empty or broken 200 bodies).
 * One log line per request, never with the key.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, listenAgain, stopListening } from '../http-server.ts';
import { handleControl } from './control.ts';
import { defaultFaults, type FaultSettings, fires } from './faults.ts';
import { type Answer, message, readBody, send, sendAnswer, sleep } from './http.ts';
import { type IlliadEventKind, type IlliadEventResult, NcipAddon } from './ncip-addon.ts';
import { DEFAULT_FAIL_QUEUES, type FailQueues } from './ncip-filing.ts';
import { handleRest } from './rest.ts';
import { IlliadStore } from './store.ts';
import type { IlliadTransaction } from './transaction.ts';
import { type IlliadUser, userColumn } from './user.ts';

export interface IlliadSimulatorOptions {
  /** 0 or undefined: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The only key accepted, in the `ApiKey` header. */
  apiKey: string;
  /** The User column ExternalUserId maps to (the key's External User ID Mapping); default `Username`. */
  externalUserIdMapping?: string;
  /** Where the NCIP add-on posts (our server's /ncip); unset, NCIP events are refused. */
  ncipUrl?: string;
  ncip?: {
    /** Default `INTERLEND`. */
    fromAgencyId?: string;
    /** Default `INTERLEND`; also the AgencyId inside RequestId, UserId and ItemId. */
    toAgencyId?: string;
    /** Default `ILLiad`. */
    applicationProfileType?: string;
    /** Default `pseudopatron` (hard-coded in VCU's add-on). */
    pseudopatron?: string;
    /** Default ''. */
    requestIdPrefix?: string;
    /** Default: requestIdPrefix. */
    checkOutItemRequestIdPrefix?: string;
    /** Default true. */
    enablePatronBorrowingReturns?: boolean;
    /** The add-on's Use_Prefixes (`LU-`/`TN-` by LibraryUseOnly/RenewalsAllowed); off by default. */
    prefixes?: { libraryUseOnly: string; renewalsAllowed: string; both: string };
    /** Default `transactionNumber` (VCU); `requestId` (Northwestern), `piece` (Pitt). */
    itemIdentifier?: 'transactionNumber' | 'requestId' | 'piece';
    /** Pitt's retry of a borrowing check-in with the bare TN after "Unknown Item"; default false. */
    retryUnknownItemWithBareTransactionNumber?: boolean;
    /** AcceptItem's PickupLocation (Northwestern's variant): a code, or one per transaction. Omitted by default. */
    pickupLocation?: string | ((transaction: IlliadTransaction) => string | undefined);
    /** The generic error queues; defaults from the add-on's Config.xml. */
    failQueues?: Partial<FailQueues>;
    /** Default 100 000 (WebClient's). */
    timeoutMs?: number;
    /** The due date given to an item without one, in days after the event; default 28. */
    loanPeriodDays?: number;
  };
  /** Default `Awaiting Request Processing`. */
  defaultTransactionStatus?: string;
  /** Seed users; `reset` returns to them. */
  users?: Partial<IlliadUser>[];
  /** One line per request handled. */
  log?: (line: string) => void;
  /** The random source of the fault rates; default Math.random. */
  random?: () => number;
  /** The clock for dates; default the real one. */
  now?: () => Date;
  /** The first TransactionNumber; default 1000. */
  firstTransactionNumber?: number;
  /** An unknown user on `POST Transaction`: `reject` (400, default) or `accept`. */
  unknownUserPolicy?: 'reject' | 'accept';
  /** When set, `WantedBy` must be one of these. */
  wantedByValues?: string[];
  /** A routing rule run on each new transaction: the queue to route it to, or undefined. */
  routingRule?: (transaction: IlliadTransaction) => string | undefined;
  /** Faults from the start; default none. */
  faults?: Partial<FaultSettings>;
  /** What `SystemInfo/SecurePlatformVersion` answers; default `9.2.3.0` (the guide asks for 9.2 or later). */
  platformVersion?: string;
}

export interface IlliadSimulator {
  /** The Web Platform base the client is configured with, e.g. http://127.0.0.1:40123/ILLiadWebPlatform. */
  readonly url: string;
  readonly origin: string;
  readonly store: IlliadStore;
  /** Mutable: change a field and the next call sees it. */
  readonly faults: FaultSettings;
  /** An emulated ILLiad staff action; resolves with what the NCIP add-on did with the answer. */
  event(kind: IlliadEventKind, transactionNumber: number): Promise<IlliadEventResult>;
  /** ILLiad down: the port refuses connections until `listenAgain`; users and transactions are kept. */
  stopListening(): Promise<void>;
  /** ILLiad back, on the same port. */
  listenAgain(): Promise<void>;
  close(): Promise<void>;
}

export type { FaultSettings } from './faults.ts';
export type { IlliadEventKind, IlliadEventResult } from './ncip-addon.ts';
export type { IlliadNote, IlliadStore, IlliadTracking } from './store.ts';
export type { IlliadTransaction } from './transaction.ts';
export type { IlliadUser } from './user.ts';

const BASE = 'ILLiadWebPlatform';

export async function startIlliadSimulator(options: IlliadSimulatorOptions): Promise<IlliadSimulator> {
  if (!options.apiKey) throw new Error('the ILLiad simulator needs an apiKey');
  const mapping = userColumn(options.externalUserIdMapping ?? 'Username');
  if (!mapping) throw new Error(`externalUserIdMapping ${options.externalUserIdMapping} is not a User column`);
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  const defaultTransactionStatus = options.defaultTransactionStatus ?? 'Awaiting Request Processing';
  const ncip = options.ncip ?? {};
  const pickupLocation = ncip.pickupLocation;

  const store = new IlliadStore({ externalUserIdMapping: mapping, firstTransactionNumber: options.firstTransactionNumber ?? 1000, now, seedUsers: options.users ?? [] });
  const faults: FaultSettings = { ...defaultFaults(), ...options.faults };
  const addon = new NcipAddon(
    store,
    {
      ncipUrl: options.ncipUrl,
      fromAgencyId: ncip.fromAgencyId ?? 'INTERLEND',
      toAgencyId: ncip.toAgencyId ?? 'INTERLEND',
      applicationProfileType: ncip.applicationProfileType ?? 'ILLiad',
      pseudopatron: ncip.pseudopatron ?? 'pseudopatron',
      requestIdPrefix: ncip.requestIdPrefix ?? '',
      checkOutItemRequestIdPrefix: ncip.checkOutItemRequestIdPrefix ?? ncip.requestIdPrefix ?? '',
      prefixes: ncip.prefixes,
      pickupLocation: typeof pickupLocation === 'string' ? () => pickupLocation : pickupLocation,
      enablePatronBorrowingReturns: ncip.enablePatronBorrowingReturns ?? true,
      itemIdentifier: ncip.itemIdentifier ?? 'transactionNumber',
      retryUnknownItemWithBareTransactionNumber: ncip.retryUnknownItemWithBareTransactionNumber ?? false,
      failQueues: { ...DEFAULT_FAIL_QUEUES, ...ncip.failQueues },
      timeoutMs: ncip.timeoutMs ?? 100_000,
      loanPeriodDays: ncip.loanPeriodDays ?? 28,
    },
    now,
  );
  const restContext = {
    store,
    platformVersion: options.platformVersion ?? '9.2.3.0',
    settings: {
      defaultTransactionStatus,
      unknownUserPolicy: options.unknownUserPolicy ?? 'reject',
      wantedByValues: options.wantedByValues,
      routingRule: options.routingRule,
    },
  } as const;
  const controlContext = { store, faults, addon, defaultTransactionStatus };
  /** Timers of held (timeout-after-commit) sockets, cleared on close. */
  const held = new Set<NodeJS.Timeout>();

  async function web(request: IncomingMessage, response: ServerResponse, segments: string[], url: URL): Promise<number | 'held'> {
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    const body = await readBody(request);
    const reply = (answer: Answer) => (sendAnswer(response, answer), answer.status);
    if (body === 'too-large') return reply(message(413, 'The request entity is too large.'));
    if (faults.badKey || request.headers.apikey !== options.apiKey) return reply(message(401, 'Authorization has been denied for this request.'));
    if (fires(faults.failRate, random)) return reply(message(faults.failStatus, 'An error has occurred.'));
    const result = handleRest(restContext, {
      method: request.method ?? 'GET',
      segments: segments.slice(1),
      query: url.searchParams,
      contentType: request.headers['content-type'],
      body,
      uri: `http://${request.headers.host ?? url.host}${request.url ?? ''}`,
    });
    const { answer } = result;
    if (result.route === 'CreateTransaction' && answer.status === 200 && fires(faults.timeoutAfterCommitRate, random)) {
      // Committed, never answered: the client's timeout fires, and a retry without reconciliation duplicates.
      const timer = setTimeout(() => request.socket.destroy(), faults.timeoutAfterCommitMs);
      held.add(timer);
      request.socket.once('close', () => {
        clearTimeout(timer);
        held.delete(timer);
      });
      return 'held';
    }
    if (answer.status === 200 && fires(faults.emptyBodyRate, random)) return (send(response, 200, ''), 200);
    if (answer.status === 200 && fires(faults.invalidJsonRate, random)) {
      const text = JSON.stringify(answer.body);
      return (send(response, 200, text.slice(0, Math.ceil(text.length / 2))), 200);
    }
    return reply(answer);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://simulator');
    let outcome: number | 'held' | undefined;
    try {
      let segments: string[];
      try {
        segments = url.pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
      } catch {
        sendAnswer(response, message(400, 'The request is invalid.'));
        outcome = 400;
        return;
      }
      const root = segments[0]?.toLowerCase();
      if (root === BASE.toLowerCase()) outcome = await web(request, response, segments, url);
      else if (root === 'sim') {
        const body = await readBody(request);
        const answer = body === 'too-large' ? message(413, 'The request entity is too large.') : await handleControl(controlContext, request.method ?? 'GET', segments.slice(1), body);
        sendAnswer(response, answer);
        outcome = answer.status;
      } else {
        request.resume();
        const answer = message(404, `No HTTP resource was found that matches the request URI 'http://${request.headers.host ?? ''}${request.url ?? ''}'.`);
        sendAnswer(response, answer);
        outcome = answer.status;
      }
    } catch (error) {
      outcome = 500;
      if (!response.headersSent) sendAnswer(response, message(500, 'An error has occurred.'));
      log(`error: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      // The path only: a query could carry anything, and the key travels in a header that is never logged.
      const line = `${request.method} ${url.pathname} -> `;
      if (outcome === 'held') log(`${line}no answer (timeout after commit)`);
      else if (outcome !== undefined) log(`${line}${outcome}`);
    }
  }

  const { server, origin } = await listen((request, response) => void handle(request, response), options.port, options.host);

  return {
    url: `${origin}/${BASE}`,
    origin,
    store,
    faults,
    event: (kind, transactionNumber) => addon.event(kind, transactionNumber),
    stopListening: () => stopListening(server),
    listenAgain: () => listenAgain(server, origin),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of held) clearTimeout(timer);
        held.clear();
        if (!server.listening) return resolve(); // stopped listening (an outage) and never back
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
