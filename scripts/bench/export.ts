/**
 * ILLiad exports per second (used by `npm run bench:export` and `npm run bench`): `requests` exports to the ILLiad
 * simulator on loopback, `concurrency` jobs at once (scripts/export-run.ts: the example configuration with ILLiad
 * alone in the rota, the server's job worker and exporter), beside a floor measured in the same run: a plain client
 * making the same four ILLiad calls per export (find the user, look for a transaction with our id, create the
 * transaction, add the staff note) through the same ILLiad client code, at the same concurrency, against a simulator
 * with the same latency, and no database, no job and no request history at all.
 */
import { performance } from 'node:perf_hooks';
import { describeCall } from '../../src/app/illiad-export.ts';
import { connectIlliad } from '../../src/protocols/illiad/connection.ts';
import { startIlliadSimulator } from '../../src/sim/illiad/index.ts';
import { runExports } from '../export-run.ts';
import { type DatabaseKind, withDatabase } from './common.ts';
import { sampleRequest } from './sample-request.ts';

export interface ExportFigures {
  readonly database: DatabaseKind;
  readonly requests: number;
  readonly concurrency: number;
  readonly latencyMs: number;
  readonly exportsPerSecond: number;
  /** The same ILLiad calls from a plain client, no database. */
  readonly floorPerSecond: number;
}

/** The demo patrons the export run takes turns with, and their ILLiad usernames (the e-mail's first part). */
const PATRONS = [
  { id: '100200300', email: 'cwlee@example.edu' },
  { id: '100200301', email: 'mgarcia@example.edu' },
  { id: '100200302', email: 'sokafor@example.edu' },
];

/** Exports per second through Interlend (database, jobs, history) on a fresh database of the kind. */
export async function interlendExports(database: DatabaseKind, options: { requests: number; concurrency: number; latencyMs: number }): Promise<number> {
  const result = await withDatabase(database, 'export', (d) => runExports({ database: d.settings, requests: options.requests, concurrency: options.concurrency, faults: { latencyMs: options.latencyMs } }));
  const exported = result.byStatus.EXPORTED_TO_THIRD_PARTY ?? 0;
  if (exported !== options.requests) throw new Error(`export bench: ${exported} of ${options.requests} requests exported (${JSON.stringify(result.byStatus)})`);
  return options.requests / result.seconds;
}

/** The floor: the export's four ILLiad calls per request from a plain client, `concurrency` at once. */
export async function plainIlliadCalls(options: { requests: number; concurrency: number; latencyMs: number }): Promise<number> {
  const apiKey = 'export-floor-key';
  const sim = await startIlliadSimulator({ apiKey, externalUserIdMapping: 'EMailAddress', faults: { latencyMs: options.latencyMs } });
  try {
    const target = { url: sim.url, apiKey };
    const open = () => connectIlliad(target, { signal: AbortSignal.timeout(45_000), onCall: (call) => void describeCall(call) });
    // The users exist, as they do after the first export of each patron in the Interlend run.
    for (const patron of PATRONS) {
      const username = patron.email.split('@')[0]!;
      await open().createUser({ username, externalUserId: patron.email, firstName: 'A', lastName: 'B', email: patron.email, nvtgc: null, status: null, notificationMethod: 'ELECTRONIC', deliveryMethod: 'HOLD_FOR_PICKUP', loanDeliveryMethod: 'HOLD_FOR_PICKUP', electronicDelivery: false, authType: 'DEFAULT' });
    }
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        for (let n = next++; n < options.requests; n = next++) {
          const patron = PATRONS[n % PATRONS.length]!;
          const request = sampleRequest(n, patron.id);
          const connection = open();
          const user = await connection.userByUsername(patron.email.split('@')[0]!);
          if (!user) throw new Error(`export floor: no ILLiad user for ${patron.email}`);
          const earlier = (await connection.transactionsWith(user.username, 'ReferenceNumber', request.id))[0];
          const transaction = earlier ?? (await connection.createTransaction({ username: user.username, request, requestIdField: 'ReferenceNumber' }));
          await connection.addStaffNote(transaction.transactionNumber, `Interlend borrowing request ${request.id} for patron ${request.patron}.`);
        }
      }),
    );
    const perSecond = options.requests / ((performance.now() - started) / 1000);
    if (sim.store.transactions().length !== options.requests) throw new Error(`export floor: ${sim.store.transactions().length} transactions for ${options.requests} exports`);
    return perSecond;
  } finally {
    await sim.close();
  }
}

export async function measureExports(database: DatabaseKind, options: { requests: number; concurrency: number; latencyMs: number }): Promise<ExportFigures> {
  const floorPerSecond = await plainIlliadCalls(options);
  const exportsPerSecond = await interlendExports(database, options);
  return { database, ...options, exportsPerSecond, floorPerSecond };
}
