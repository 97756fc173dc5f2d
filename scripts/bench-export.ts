/**
 * `npm run bench:export`: ILLiad exports per second against the simulator with 1, 8 and 32 jobs at once, with no
 * added latency and with 20 ms per ILLiad call (closer to a hosted ILLiad). Prints figures, asserts nothing. What
 * is measured is in scripts/bench/export.ts; `npm run bench` runs it on both databases beside a floor (the same
 * ILLiad calls from a plain client).
 *
 * `npm run bench:export -- --faults`: 500 exports, 8 at a time, while 20% of transaction POSTs time out after
 * ILLiad committed them; prints what came out (every request exported, one transaction each).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interlendExports } from './bench/export.ts';
import { type ExportRunOptions, runExports } from './export-run.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);

async function inTempDatabase<T>(work: (database: ExportRunOptions['database']) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'interlend-bench-export-'));
  try {
    return await work({ kind: 'sqlite', file: join(dir, 'bench.sqlite') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--faults')) {
  const requests = Number(process.env.BENCH_REQUESTS ?? 500);
  console.log(`${requests} exports, 8 at a time; 20% of POST Transaction calls commit in ILLiad and then never answer (our timeout: 1 s)`);
  const result = await inTempDatabase((database) =>
    runExports({ database, requests, concurrency: 8, faults: { timeoutAfterCommitRate: 0.2, timeoutAfterCommitMs: 30_000 }, callTimeoutMs: 1_000 }),
  );
  console.log(`  POST Transaction timeouts seen:        ${result.postTimeouts}`);
  console.log(`  requests by status:                    ${JSON.stringify(result.byStatus)}`);
  console.log(`  ILLiad transactions:                   ${result.transactions} (distinct request ids: ${result.distinctReferences})`);
  console.log(`  requests whose number is not theirs:   ${result.mismatched}`);
  console.log(`  jobs:                                  ${JSON.stringify(result.jobs)}`);
  console.log(`  took ${result.seconds.toFixed(1)} s (retries' backoff skipped)`);
  const ok = result.byStatus.EXPORTED_TO_THIRD_PARTY === requests && result.transactions === requests && result.distinctReferences === requests && result.mismatched === 0;
  console.log(ok ? '  OK: every request exported, exactly one ILLiad transaction each' : '  NOT OK');
  process.exitCode = ok ? 0 : 1;
} else {
  console.log(`ILLiad exports per second (${REQUESTS} exports per row, SQLite, simulator on loopback)`);
  console.log('  latency per ILLiad call   1 job    8 jobs   32 jobs');
  for (const latencyMs of [0, 20]) {
    const figures: string[] = [];
    for (const concurrency of [1, 8, 32]) figures.push((await interlendExports('sqlite', { requests: REQUESTS, concurrency, latencyMs })).toFixed(0).padStart(8));
    console.log(`  ${`${latencyMs} ms`.padEnd(22)}${figures.join(' ')}`);
  }
}
