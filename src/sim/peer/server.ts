/**
 * The ISO 18626 peer mock: a test double (and demo partner) that behaves like a peer library, driven by scenario
 * tokens, after indexdata/crosslink's illmock (protocols.md §3.5). One `node:http` server:
 * - `POST /iso18626` (trailing slash tolerated): the ISO 18626 endpoint. A Request makes the mock the supplier
 *   (supplier.ts; scenarios.ts), a RequestingAgencyMessage goes to the supplier too; a Request with requestSubType
 *   PatronRequest makes it the requester (requester.ts), and a SupplyingAgencyMessage goes to the requester.
 *   A body that is not ISO 18626 gets HTTP 400 (plain text), a message the parser refuses but can name gets its
 *   ERROR confirmation (HTTP 200), as protocols.md §8.2 says. Bodies above 1 MiB get 413.
 * - `GET /api/flows?requestingAgencyRequestId=`: the history (flows.ts) as JSON; `GET /healthz`: 200.
 * No authentication: a loopback test tool.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, listenAgain, readLimitedBody, stopListening } from '../http-server.ts';
import { buildIso18626 } from '../../protocols/iso18626/build.ts';
import { confirmationForFailure } from '../../protocols/iso18626/confirmations.ts';
import { parseIso18626 } from '../../protocols/iso18626/parse.ts';
import { describeMessage, FlowLog, type PeerFlow, type PeerRole } from './flows.ts';
import { createOutbound, PendingWork } from './outbound.ts';
import { httpReply, type PeerReply } from './reply.ts';
import { Requester } from './requester.ts';
import { Supplier } from './supplier.ts';

export interface PeerMockOptions {
  /** 0 or undefined: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Our agency id value, e.g. `NORTH`. */
  symbol: string;
  /** Our agency id type; default `ISIL`. */
  symbolType?: string;
  /** Where to send when the message names no address: the requester's /iso18626 (as supplier), the supplier's (as requester). */
  peerUrl?: string;
  /** Delay before each outgoing message, after the confirmation; default 100. */
  messageDelayMs?: number;
  /** The scenario when the request names none; default `UNFILLED`. */
  defaultScenario?: string;
  /** Loan period for due dates and renewals; default 28 days. */
  loanPeriodDays?: number;
  /** Timeout of each outgoing POST; default 10 000 ms. */
  timeoutMs?: number;
  now?: () => Date;
  log?: (line: string) => void;
}

export interface PeerMock {
  /** The ISO 18626 endpoint, e.g. http://127.0.0.1:40123/iso18626. */
  readonly url: string;
  readonly origin: string;
  /** Every message in and out, in order. */
  flows(filter?: { requestingAgencyRequestId?: string }): PeerFlow[];
  /** Resolves when no outgoing message is pending. */
  waitForIdle(): Promise<void>;
  /**
   * The peer down: its port refuses connections until `listenAgain`; its flows are kept, and messages it already
   * planned to send still go out (only its listener is down).
   */
  stopListening(): Promise<void>;
  /** The peer back, on the same port. */
  listenAgain(): Promise<void>;
  close(): Promise<void>;
}

export type { PeerFlow, PeerRole } from './flows.ts';

/** Bodies above this are refused with 413. */
const MAX_BODY_BYTES = 1024 * 1024;

const readBody = (request: IncomingMessage) => readLimitedBody(request, MAX_BODY_BYTES);

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

export async function startPeerMock(options: PeerMockOptions): Promise<PeerMock> {
  if (!options.symbol) throw new Error('the peer mock needs a symbol');
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const flows = new FlowLog(now);
  const pending = new PendingWork();
  const abort = new AbortController();
  let closed = false;
  const outbound = createOutbound({ flows, timeoutMs: options.timeoutMs ?? 10_000, signal: abort.signal, log });
  const shared = {
    symbol: options.symbol,
    symbolType: options.symbolType ?? 'ISIL',
    peerUrl: options.peerUrl ?? null,
    messageDelayMs: options.messageDelayMs ?? 100,
    loanPeriodDays: options.loanPeriodDays ?? 28,
    now,
    outbound,
    pending,
    log,
    isClosed: () => closed,
  };
  const supplier = new Supplier({ ...shared, defaultScenario: options.defaultScenario ?? 'UNFILLED' });
  let selfUrl = '';
  const requester = new Requester({ ...shared, selfUrl: () => selfUrl });

  /** The ISO 18626 endpoint: read, record, dispatch, answer, record, then run what the answer scheduled. */
  async function iso18626(request: IncomingMessage, response: ServerResponse): Promise<number> {
    const body = await readBody(request);
    if (body === 'too-large') return (send(response, 413, 'text/plain; charset=utf-8', 'message too large'), 413);
    const text = body.toString('utf8');
    const outcome = parseIso18626(body);
    let role: PeerRole = 'supplier';
    let reply: PeerReply;
    if (!outcome.ok) {
      role = outcome.kind === 'supplyingAgencyMessage' ? 'requester' : 'supplier';
      flows.record(role, 'in', text, {
        kind: outcome.unparsable ? 'unparsable' : (outcome.kind ?? 'unparsable'),
        requestingAgencyRequestId: outcome.header?.requestingAgencyRequestId ?? null,
        requestingAgencyId: outcome.header?.requestingAgencyId?.value ?? null,
        supplyingAgencyId: outcome.header?.supplyingAgencyId?.value ?? null,
        errorType: outcome.errorType,
        errorValue: outcome.errorValue,
      });
      const confirmation = confirmationForFailure(outcome, { now: now() });
      reply = confirmation === null ? httpReply(400, `not an ISO 18626 message: ${outcome.errorValue}`) : { kind: 'confirmation', confirmation };
    } else {
      const message = outcome.message;
      if (message.kind === 'supplyingAgencyMessage' || (message.kind === 'request' && message.serviceInfo?.requestSubTypes.includes('PatronRequest'))) role = 'requester';
      flows.record(role, 'in', text, describeMessage(message));
      switch (message.kind) {
        case 'request':
          reply = role === 'requester' ? requester.handlePatronRequest(message) : supplier.handleRequest(message);
          break;
        case 'requestingAgencyMessage':
          reply = supplier.handleRequestingAgencyMessage(message);
          break;
        case 'supplyingAgencyMessage':
          reply = requester.handleSupplyingAgencyMessage(message);
          break;
        default:
          reply = httpReply(400, `${message.kind} is an answer, not a message to confirm`);
      }
    }
    if (reply.kind === 'http') {
      flows.record(role, 'out', reply.text, {
        kind: 'http-error',
        httpStatus: reply.httpStatus,
        ...(outcome.ok
          ? {
              requestingAgencyRequestId: outcome.message.header.requestingAgencyRequestId,
              requestingAgencyId: outcome.message.header.requestingAgencyId?.value ?? null,
              supplyingAgencyId: outcome.message.header.supplyingAgencyId?.value ?? null,
            }
          : {}),
      });
      send(response, reply.httpStatus, 'text/plain; charset=utf-8', reply.text);
      return reply.httpStatus;
    }
    const xml = buildIso18626(reply.confirmation);
    flows.record(role, 'out', xml, { ...describeMessage(reply.confirmation), httpStatus: 200 });
    send(response, 200, 'application/xml; charset=utf-8', xml);
    reply.after?.();
    return 200;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://peer-mock');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    let status = 500;
    try {
      if (path === '/iso18626' && request.method === 'POST') status = await iso18626(request, response);
      else if (path === '/api/flows' && request.method === 'GET') {
        const id = url.searchParams.get('requestingAgencyRequestId');
        send(response, 200, 'application/json; charset=utf-8', JSON.stringify(flows.list(id ? { requestingAgencyRequestId: id } : {})));
        status = 200;
      } else if (path === '/healthz' && request.method === 'GET') {
        send(response, 200, 'text/plain; charset=utf-8', 'ok');
        status = 200;
      } else {
        request.resume();
        status = path === '/iso18626' ? 405 : 404;
        send(response, status, 'text/plain; charset=utf-8', status === 405 ? 'POST an ISO 18626 message' : 'not found');
      }
    } catch (error) {
      log(`error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'internal error');
    } finally {
      log(`${request.method ?? ''} ${url.pathname} -> ${status}`);
    }
  }

  const { server, origin } = await listen((request, response) => void handle(request, response), options.port, options.host);
  selfUrl = `${origin}/iso18626`;

  return {
    url: selfUrl,
    origin,
    flows: (filter) => flows.list(filter),
    waitForIdle: () => pending.idle(),
    stopListening: () => stopListening(server),
    listenAgain: () => listenAgain(server, origin),
    close: async () => {
      closed = true;
      abort.abort();
      await new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve(); // stopped listening (an outage) and never back
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      await pending.idle();
    },
  };
}
