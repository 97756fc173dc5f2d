/**
 * NCIP messages per second and latency over real HTTP (used by `npm run bench:ncip` and `npm run bench`): `pairs`
 * ILLiad-shaped AcceptItem (a new temporary item, hold and request) + CheckInItem (which retires it) pairs from
 * `connections` concurrent connections, to Interlend on a fresh database, beside the floor measured in the same
 * run: a bare Fastify route answering a fixed NCIP body. The load runs on a worker thread (its own event loop, the
 * machine's other core), so the client's work is not billed to the server under test.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import Fastify from 'fastify';
import { randomIdSource, systemClock } from '../../src/app/system.ts';
import { buildServer } from '../../src/http/server.ts';
import { openInstance } from '../../src/main.ts';
import { createIso18626Responder } from '../../src/protocols/iso18626/responder.ts';
import { createNcipResponder } from '../../src/protocols/ncip/responder.ts';
import type { IlliadTransaction } from '../../src/sim/illiad/index.ts';
import { acceptItem, checkInItemBorrowing, encodeLatin1 } from '../../src/sim/illiad/ncip-messages.ts';
import { type DatabaseKind, withDatabase } from './common.ts';

const ROOT = new URL('../..', import.meta.url);
const settings = { fromAgencyId: 'CSU_DEMO', toAgencyId: 'CSU_DEMO', applicationProfileType: 'ILLiad', pseudopatron: 'pseudopatron', requestIdPrefix: '', checkOutItemRequestIdPrefix: '' };

export interface NcipFigures {
  readonly perSecond: number;
  /** Milliseconds, per message. */
  readonly p50: number;
  readonly p99: number;
  /** Answers that were an NCIP Problem (there should be none). */
  readonly problems: number;
}

export interface NcipOptions {
  readonly pairs: number;
  readonly connections: number;
}

function messages(n: number): [Buffer, Buffer] {
  const transaction = { TransactionNumber: 100_000 + n, Username: 'cwlee', LoanTitle: `Book ${n}`, LoanAuthor: 'Author', RequestType: 'Loan' } as IlliadTransaction;
  return [encodeLatin1(acceptItem(transaction, settings, { itemId: String(100_000 + n), dateForReturn: '2027-01-31' })), encodeLatin1(checkInItemBorrowing(transaction, settings, { itemId: String(100_000 + n) }))];
}

function drive(url: string, count: number, connections: number, first = 0): Promise<NcipFigures> {
  const pairs = Array.from({ length: count }, (_, n) => messages(first + n));
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('../ncip-load.worker.mjs', import.meta.url), { workerData: { url, pairs, connections }, execArgv: [] });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** The floor: a bare Fastify route answering a fixed NCIP body, driven by the same load. */
export async function bareFastify(options: NcipOptions): Promise<NcipFigures> {
  const fixed = '<?xml version="1.0" encoding="UTF-8"?><ns1:NCIPMessage xmlns:ns1="http://www.niso.org/2008/ncip"><ns1:AcceptItemResponse><ns1:RequestId><ns1:RequestIdentifierValue>1</ns1:RequestIdentifierValue></ns1:RequestId></ns1:AcceptItemResponse></ns1:NCIPMessage>';
  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
  app.post('/ncip', async (_request, reply) => reply.type('application/xml; charset=utf-8').send(fixed));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    return await drive(`${address}/ncip`, options.pairs, options.connections);
  } finally {
    await app.close();
  }
}

/** Interlend's /ncip (the example configuration, the demo patrons) on the given database environment. */
export async function interlendNcip(env: Record<string, string>, options: NcipOptions): Promise<NcipFigures> {
  const instance = await openInstance({ ...env, INTERLEND_DEMO: '0' });
  try {
    await instance.transfer.importYaml(readFileSync(new URL('examples/lender-of-last-resort.yaml', ROOT), 'utf8'));
    await instance.transfer.importYaml(readFileSync(new URL('examples/demo-patrons.yaml', ROOT), 'utf8'));
    const app = await buildServer({
      ...instance,
      ping: () => instance.storage.ping(),
      about: { version: 'bench', database: instance.storage.dialect, demo: async () => false },
      ncip: createNcipResponder({ service: instance.ncip, storage: instance.storage, clock: systemClock, ids: randomIdSource() }),
      iso18626: createIso18626Responder({ peers: instance.peers }),
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      await drive(`${address}/ncip`, Math.min(200, options.pairs), options.connections, 500_000); // warm-up, on numbers of its own
      return await drive(`${address}/ncip`, options.pairs, options.connections);
    } finally {
      await app.close();
    }
  } finally {
    await instance.close();
  }
}

export const measureNcip = (database: DatabaseKind, options: NcipOptions): Promise<NcipFigures> => withDatabase(database, 'ncip', (d) => interlendNcip(d.env, options));
