/**
 * `npm run bench:iso`: full ISO 18626 loan cycles per second between two Interlend instances on loopback (issue
 * 6), on SQLite and, when it answers at TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres), on
 * PostgreSQL, each instance with a database of its own (made and dropped here). Prints figures, asserts nothing.
 * What a cycle is and how it is measured: scripts/bench/iso.ts (`npm run bench` runs the same, beside a floor).
 */
import { postgresProblem } from './bench/common.ts';
import { figures, type IsoRun, measureIso, MESSAGES_PER_CYCLE, WORKER_POLL_MS } from './bench/iso.ts';

const LOANS = Number(process.env.BENCH_LOANS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DATABASES = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');
const options = { loans: LOANS, concurrency: CONCURRENCY };

const row = (name: string, run: IsoRun) => {
  const f = figures(run);
  console.log(`  ${name.padEnd(12)}${f.loansPerSecond.toFixed(1).padStart(10)}${f.messagesPerSecond.toFixed(0).padStart(12)}${f.p50.toFixed(0).padStart(10)}${f.p99.toFixed(0).padStart(10)}`);
};

console.log(`ISO 18626 loan cycles between two Interlend instances on loopback: ${LOANS} loans, ${CONCURRENCY} at a time`);
console.log(`(a cycle: ${MESSAGES_PER_CYCLE} ISO 18626 messages over HTTP and 9 staff actions; one worker per site, polling every ${WORKER_POLL_MS} ms when idle)`);
console.log('  database     cycles/s  messages/s  p50 ms    p99 ms');
if (DATABASES.includes('sqlite')) row('SQLite', await measureIso('sqlite', options));
if (DATABASES.includes('postgres')) {
  const problem = await postgresProblem();
  if (problem) console.log(`  PostgreSQL: ${problem}; skipped`);
  else row('PostgreSQL', await measureIso('postgres', options));
}
