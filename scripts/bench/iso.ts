/**
 * Full ISO 18626 loan cycles per second between two Interlend instances on loopback (issue 6), used by
 * `npm run bench:iso` and `npm run bench`, each instance with a fresh database of its own.
 *
 * The two sites are examples/two-sites/ (A borrows, B lends). A cycle is the loan of two-instances.test.ts: A's
 * request → Request → B will supply (WillSupply) → B ships (Loaned) → A receives (Received) → A lends to its patron
 * and takes it back → A returns it (ShippedReturn) → B checks it in (LoanCompleted) → A's request is completed.
 * That is six ISO 18626 messages over HTTP, each sent by a worker job and confirmed, and nine staff actions, which
 * the bench calls in-process (the use cases, not the JSON API) so that the figure is the protocol's and the jobs'.
 * Each site runs one worker (as `npm start` does), polling every WORKER_POLL_MS when idle. A cycle waits for each
 * step of the other site by reading its database when a message about the request has been applied there (the
 * sites' message handlers are wrapped to say so), or every FALLBACK_MS at the latest: reading on a timer instead
 * costs the databases more than the protocol does at this rate.
 *
 * The floor, measured in the same run (`bareExchange`): the same six messages, built, sent and their confirmations
 * read by the same ISO 18626 client code (connectPeer), in the same order, with as many loans at once, to a bare
 * Fastify route in the same process answering a fixed OK confirmation of the right kind: the HTTP and XML cost of
 * the protocol, with no database, no job, no staff action and no waiting for the other site.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import type { Instance } from '../../src/app/instance.ts';
import { randomIdSource, systemClock } from '../../src/app/system.ts';
import { buildServer } from '../../src/http/server.ts';
import { instanceJobs, openInstance } from '../../src/main.ts';
import { buildIso18626 } from '../../src/protocols/iso18626/build.ts';
import { okConfirmation, type Iso18626Confirmable } from '../../src/protocols/iso18626/confirmations.ts';
import { parseIso18626 } from '../../src/protocols/iso18626/parse.ts';
import { connectPeer, requestMessage, supplierMessage } from '../../src/protocols/iso18626/peer-client.ts';
import { createIso18626Responder } from '../../src/protocols/iso18626/responder.ts';
import { createNcipResponder } from '../../src/protocols/ncip/responder.ts';
import { createWorker } from '../../src/worker/worker.ts';
import { type DatabaseKind, withDatabases } from './common.ts';
import { samplePatron, sampleRequest } from './sample-request.ts';

export const WORKER_POLL_MS = 5;
const FALLBACK_MS = 250;
const ROOT = new URL('../..', import.meta.url);
export const MESSAGES_PER_CYCLE = 6;

export interface IsoOptions {
  readonly loans: number;
  /** Loans under way at once. */
  readonly concurrency: number;
}

/** How long the measured loans took, and each one's duration in ms, ascending. */
export interface IsoRun {
  readonly seconds: number;
  readonly durations: number[];
}

export interface IsoFigures {
  readonly loansPerSecond: number;
  readonly messagesPerSecond: number;
  /** Of one loan, in ms. */
  readonly p50: number;
  readonly p99: number;
}

interface Site {
  readonly instance: Instance;
  readonly env: Record<string, string | undefined>;
  close(): Promise<void>;
}

/** One Interlend: storage and use cases (openInstance), its HTTP server on loopback, its worker. */
async function site(env: Record<string, string | undefined>): Promise<Site & { url: string; start(): void }> {
  const instance = await openInstance(env);
  const app = await buildServer({
    ...instance,
    ping: () => instance.storage.ping(),
    about: { version: 'bench', database: instance.storage.dialect, demo: async () => false },
    ncip: createNcipResponder({ service: instance.ncip, storage: instance.storage, clock: systemClock, ids: randomIdSource() }),
    iso18626: createIso18626Responder({ peers: instance.peers, lending: instance.lending }),
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const worker = createWorker({ storage: instance.storage, clock: systemClock, ids: randomIdSource(), pollMs: WORKER_POLL_MS, ...instanceJobs(instance) });
  return {
    instance,
    env,
    url: `${address}/iso18626`,
    start: () => worker.start(),
    async close() {
      await worker.stop();
      await app.close();
      await instance.close();
    },
  };
}

/** "A message about request X was applied here", from the wrapped message handlers of both sites. */
const applied = new EventEmitter().setMaxListeners(0);

/** Wraps a site's ISO 18626 handlers so that each applied message announces the request it was about. */
function announce(instance: Instance): void {
  const peers = instance.peers;
  const supplierMessage = peers.supplierMessage.bind(peers);
  peers.supplierMessage = async (message) => {
    const id = await supplierMessage(message);
    applied.emit(id);
    return id;
  };
  const lending = instance.lending;
  const receiveRequest = lending.receiveRequest.bind(lending);
  lending.receiveRequest = async (incoming) => {
    const outcome = await receiveRequest(incoming);
    applied.emit(outcome.request.requesterRequestId);
    return outcome;
  };
  const receiveRequesterMessage = lending.receiveRequesterMessage.bind(lending);
  lending.receiveRequesterMessage = async (incoming) => {
    const request = await receiveRequesterMessage(incoming);
    applied.emit(request.requesterRequestId);
    return request;
  };
}

/** Reads until `done`, again each time a message about `key` is applied (or after FALLBACK_MS). */
async function until<T>(key: string, read: () => Promise<T | undefined>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    let wake: () => void = () => {};
    const next = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FALLBACK_MS);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
      applied.once(key, wake);
    });
    const value = await read();
    if (value !== undefined && done(value)) {
      applied.off(key, wake);
      wake();
      return value;
    }
    if (Date.now() > deadline) throw new Error(`waited 60 s for ${what}`);
    await next;
    applied.off(key, wake);
  }
}

/** One full loan cycle; resolves with its duration in ms. */
async function cycle(a: Instance, b: Instance, n: number): Promise<number> {
  const started = performance.now();
  const { id } = await a.borrowing.create({ patron: 'A-0001', title: `Bench book ${n}` }, 'bench');
  const borrowed = (status: string) => until(id, () => a.storage.read.borrowing.get(id), (r) => r.status === status, `A's ${id} ${status}`);
  const lent = (status: string) => until(id, () => b.storage.read.lending.byRequester('US-ALD', id), (r) => r.status === status, `B's loan of ${id} ${status}`);
  const { id: lendingId } = await lent('CREATED');
  await b.lending.act(lendingId, 'will-supply', 'bench');
  await borrowed('WILL_SUPPLY');
  await b.lending.act(lendingId, 'ship-physically', 'bench');
  await borrowed('SHIPPED_PHYSICALLY');
  await a.borrowing.act(id, 'receive', 'staff', 'bench');
  await lent('RECEIVED_BY_PARTNER');
  await a.borrowing.act(id, 'loan', 'staff', 'bench');
  await a.borrowing.act(id, 'patron-return', 'staff', 'bench');
  await a.borrowing.act(id, 'return-to-partner', 'staff', 'bench');
  await lent('RETURNED_BY_PARTNER');
  await b.lending.act(lendingId, 'check-in', 'bench');
  await borrowed('REQUEST_COMPLETED');
  return performance.now() - started;
}

async function run(a: Instance, b: Instance, count: number, first: number, concurrency: number): Promise<IsoRun> {
  const durations: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) durations.push(await cycle(a, b, first + next++));
    }),
  );
  return { seconds: (performance.now() - started) / 1000, durations: durations.sort((x, y) => x - y) };
}

/** Two sites on the given environments, each the other's partner; the figures of `loans` cycles after a warm-up. */
export async function loanCycles(envA: Record<string, string | undefined>, envB: Record<string, string | undefined>, options: IsoOptions): Promise<IsoRun> {
  const a = await site({ ...envA, INTERLEND_DEMO: '0' });
  const b = await site({ ...envB, INTERLEND_DEMO: '0' });
  try {
    // openInstance keeps the environment object it was given, and a partner's ${VAR} address is read from it when
    // a message is sent: the addresses, known only now that both listen, go in here.
    Object.assign(a.env, { SITE_B_URL: b.url });
    Object.assign(b.env, { SITE_A_URL: a.url });
    announce(a.instance);
    announce(b.instance);
    await a.instance.transfer.importYaml(readFileSync(new URL('examples/two-sites/site-a.yaml', ROOT), 'utf8'));
    await b.instance.transfer.importYaml(readFileSync(new URL('examples/two-sites/site-b.yaml', ROOT), 'utf8'));
    a.start();
    b.start();
    await run(a.instance, b.instance, Math.min(20, options.loans), 1_000_000, options.concurrency); // warm-up
    return await run(a.instance, b.instance, options.loans, 0, options.concurrency);
  } finally {
    await a.close();
    await b.close();
  }
}


export function figures(run: IsoRun): IsoFigures {
  const loansPerSecond = run.durations.length / run.seconds;
  const at = (q: number) => run.durations[Math.min(run.durations.length - 1, Math.floor(q * run.durations.length))]!;
  return { loansPerSecond, messagesPerSecond: loansPerSecond * MESSAGES_PER_CYCLE, p50: at(0.5), p99: at(0.99) };
}

export const measureIso = (database: DatabaseKind, options: IsoOptions): Promise<IsoRun> =>
  withDatabases(database, 'iso', 2, ([a, b]) => loanCycles(a!.env, b!.env, options));

/** The confirmation Fastify answers with, of the kind the message needs (built once, from one of each). */
function fixedConfirmations(): Record<'request' | 'supplyingAgencyMessage' | 'requestingAgencyMessage', string> {
  const requester = { type: 'ISIL', value: 'US-ALD' };
  const supplier = { type: 'ISIL', value: 'US-BIR' };
  const now = new Date();
  const confirm = (xml: string) => {
    const parsed = parseIso18626(Buffer.from(xml));
    if (!parsed.ok) throw new Error('iso floor: our own message does not parse');
    return buildIso18626(okConfirmation(parsed.message as Iso18626Confirmable));
  };
  const request = buildIso18626(requestMessage({ request: sampleRequest(0, 'A-0001'), patron: samplePatron('A-0001', 'a@example.edu'), requester, supplier }, now));
  const supplying = buildIso18626(supplierMessage({ requester, supplier, requesterRequestId: 'r', supplierRequestId: 's', reasonForMessage: 'StatusChange', status: 'WillSupply', answerYesNo: null, note: null, reasonUnfilled: null, dueDate: null, lastChange: now.toISOString(), delivery: null }, now));
  const requesting = buildIso18626({ kind: 'requestingAgencyMessage', header: { supplyingAgencyId: supplier, requestingAgencyId: requester, multipleItemRequestId: null, timestamp: now.toISOString(), requestingAgencyRequestId: 'r', supplyingAgencyRequestId: null }, action: 'Received', note: null });
  return { request: confirm(request), supplyingAgencyMessage: confirm(supplying), requestingAgencyMessage: confirm(requesting) };
}

/** The floor: the six messages of a loan through the same client code to a bare route with fixed confirmations. */
export async function bareExchange(options: IsoOptions): Promise<IsoRun> {
  const answers = fixedConfirmations();
  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
  app.post('/iso18626', async (request, reply) => {
    const body = (request.body as Buffer).toString('utf8');
    const answer = body.includes('supplyingAgencyMessage>') ? answers.supplyingAgencyMessage : body.includes('requestingAgencyMessage>') ? answers.requestingAgencyMessage : answers.request;
    return reply.type('application/xml; charset=utf-8').send(answer);
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const requester = { type: 'ISIL', value: 'US-ALD' };
  const supplier = { type: 'ISIL', value: 'US-BIR' };
  const patron = samplePatron('A-0001', 'a@example.edu');
  const peer = connectPeer(`${address}/iso18626`, { onCall: () => {} });
  const ok = (confirmation: { ok: boolean }) => {
    if (!confirmation.ok) throw new Error('iso floor: a confirmation was not OK');
  };
  const loan = async (n: number) => {
    const started = performance.now();
    const request = sampleRequest(n, patron.primaryId);
    const about = { requester, supplier, requesterRequestId: request.id, supplierRequestId: `L-${n}`, answerYesNo: null, note: null, reasonUnfilled: null, dueDate: null, delivery: null };
    const supplied = (status: string, extra: object = {}) => peer.sendSupplierMessage({ ...about, reasonForMessage: 'StatusChange', status, lastChange: new Date().toISOString(), ...extra }).then(ok);
    const acted = (action: string) => peer.sendAction({ requestId: request.id, requester, supplier, action, note: null }).then(ok);
    ok(await peer.sendRequest({ request, patron, requester, supplier }));
    await supplied('WillSupply', { reasonForMessage: 'RequestResponse', answerYesNo: 'Y' });
    await supplied('Loaned', { dueDate: new Date(Date.now() + 28 * 86_400_000).toISOString(), delivery: { dateSent: new Date().toISOString(), itemId: `39000${n}`, sentVia: 'Mail', loanCondition: null } });
    await acted('Received');
    await acted('ShippedReturn');
    await supplied('LoanCompleted');
    return performance.now() - started;
  };
  try {
    const go = async (count: number, first: number): Promise<IsoRun> => {
      const durations: number[] = [];
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: Math.min(options.concurrency, count) }, async () => {
          while (next < count) durations.push(await loan(first + next++));
        }),
      );
      return { seconds: (performance.now() - started) / 1000, durations: durations.sort((x, y) => x - y) };
    };
    await go(Math.min(20, options.loans), 1_000_000); // warm-up, as the Interlend run has
    return await go(options.loans, 0);
  } finally {
    await app.close();
  }
}
