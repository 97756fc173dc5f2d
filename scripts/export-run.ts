/**
 * Runs many exports to the ILLiad simulator with several workers at once, as the server would, and counts what
 * came out: used by `npm run bench:export` (speed) and by the fault test (500 exports, timeouts after commit).
 *
 * The rota is ILLiad alone (the peers' rule is disabled), so every request is one export. Time is real, except
 * that when every job left is waiting for its retry time the clock jumps there, so backoff does not make the run
 * wait minutes.
 */
import { readFile } from 'node:fs/promises';
import { borrowingJobs } from '../src/app/borrowing-jobs.ts';
import { BorrowingService } from '../src/app/borrowing-service.ts';
import { ConfigTransfer } from '../src/app/config-transfer.ts';
import { ConfigService } from '../src/app/config-service.ts';
import { exportsThroughApi, IlliadExporter } from '../src/app/illiad-export.ts';
import { manualAdapter } from '../src/app/partner-adapters.ts';
import type { Clock } from '../src/app/ports.ts';
import { randomIdSource } from '../src/app/system.ts';
import { connectIlliad } from '../src/protocols/illiad/connection.ts';
import { type FaultSettings, startIlliadSimulator } from '../src/sim/illiad/index.ts';
import type { DatabaseSettings } from '../src/storage/database.ts';
import { openStorage } from '../src/storage/storage.ts';
import { createWorker } from '../src/worker/worker.ts';

const ROOT = new URL('..', import.meta.url);

export interface ExportRunOptions {
  readonly database: DatabaseSettings;
  readonly requests: number;
  /** Jobs run at once (one worker each). */
  readonly concurrency: number;
  readonly faults?: Partial<FaultSettings>;
  /** How long one ILLiad call may take before it counts as a timeout. */
  readonly callTimeoutMs?: number;
  /** Random source of the simulator's faults (seeded runs). */
  readonly random?: () => number;
}

export interface ExportRunResult {
  readonly seconds: number;
  readonly byStatus: Record<string, number>;
  /** Transactions in ILLiad, and how many distinct request ids they carry. */
  readonly transactions: number;
  readonly distinctReferences: number;
  /** Requests whose stored TransactionNumber is not the ILLiad transaction with their id. */
  readonly mismatched: number;
  /** POST Transaction calls that timed out (our side's count, from the requests' histories). */
  readonly postTimeouts: number;
  readonly jobs: Record<string, number>;
}

/** Real time plus a skip, moved forward only while nothing runs. */
class SkippingClock implements Clock {
  skipMs = 0;
  now(): string {
    return new Date(Date.now() + this.skipMs).toISOString();
  }
}

export async function runExports(options: ExportRunOptions): Promise<ExportRunResult> {
  const sim = await startIlliadSimulator({
    apiKey: 'export-run-key',
    externalUserIdMapping: 'EMailAddress',
    faults: options.faults ?? {},
    ...(options.random ? { random: options.random } : {}),
  });
  const storage = await openStorage(options.database);
  const clock = new SkippingClock();
  const env = { ILLIAD_URL: sim.url, ILLIAD_API_KEY: 'export-run-key' };
  const deps = { storage, clock, ids: randomIdSource(), env };
  try {
    const transfer = new ConfigTransfer(deps);
    await transfer.importYaml(await readFile(new URL('examples/lender-of-last-resort.yaml', ROOT), 'utf8'));
    await transfer.importYaml(await readFile(new URL('examples/demo-patrons.yaml', ROOT), 'utf8'));
    const config = new ConfigService(deps);
    await config.patch('rota-templates', 'ILLiad', { status: 'ACTIVE' });
    await config.patch('rota-rules', 'Network peers first', { enabled: false });
    const illiad = new IlliadExporter({ storage, env, connect: connectIlliad, ...(options.callTimeoutMs ? { callTimeoutMs: options.callTimeoutMs } : {}) });
    const borrowing = new BorrowingService({ ...deps, adapterFor: (partner) => (exportsThroughApi(partner) ? illiad : manualAdapter) });
    // Patrons take turns, so ILLiad gets a few users with many transactions each, as in life.
    const patrons = ['100200300', '100200301', '100200302'];
    for (let i = 0; i < options.requests; i++) {
      await borrowing.create({ patron: patrons[i % patrons.length], title: `Book ${i}`, oclcNumber: String(10_000 + i) }, 'export-run');
    }

    const jobs = borrowingJobs(borrowing);
    const workers = Array.from({ length: options.concurrency }, (_, i) => createWorker({ storage, clock, workerId: `worker-${i + 1}`, pollMs: 20, ...jobs }));
    const started = performance.now();
    for (const worker of workers) worker.start();
    for (;;) {
      const counts = await storage.read.jobs.countByState();
      if (counts.ready + counts.running === 0) break;
      if (counts.running === 0) {
        // Everything left waits for its retry time: jump to the earliest.
        const next = (await storage.read.jobs.list({ state: 'ready', limit: 1000, offset: 0 })).items.map((j) => Date.parse(j.runAt)).sort((a, b) => a - b)[0];
        const now = Date.parse(clock.now());
        if (next !== undefined && next > now) clock.skipMs += next - now;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    await Promise.all(workers.map((w) => w.stop()));

    const requests = (await storage.read.borrowing.list({ limit: options.requests + 10, offset: 0 })).items;
    const byStatus: Record<string, number> = {};
    for (const request of requests) byStatus[request.status] = (byStatus[request.status] ?? 0) + 1;
    const transactions = sim.store.transactions();
    const byReference = new Map(transactions.map((t) => [t.ReferenceNumber, t.TransactionNumber]));
    let postTimeouts = 0;
    for (const request of requests) {
      postTimeouts += (await storage.read.borrowing.history(request.id)).filter((h) => /POST Transaction → timeout/.test(h.reason ?? '')).length;
    }
    const mismatched = requests.filter((r) => r.exportedTo && byReference.get(r.id) !== r.exportedTo.transactionNumber).length;
    return {
      seconds,
      byStatus,
      transactions: transactions.length,
      distinctReferences: byReference.size,
      mismatched,
      postTimeouts,
      jobs: await storage.read.jobs.countByState(),
    };
  } finally {
    await storage.close();
    await sim.close();
  }
}
