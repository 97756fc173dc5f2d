/**
 * `npm run bench:ncip`: NCIP messages per second and latency at 32 concurrent connections, over real HTTP, on SQLite
 * and on PostgreSQL, beside a bare Fastify route answering a fixed NCIP body in the same run (the floor). Each pair
 * is an ILLiad AcceptItem (a new temporary item, hold and request) and the CheckInItem that retires it. Prints
 * figures, asserts nothing. What is measured is in scripts/bench/ncip.ts; `npm run bench` runs the same.
 */
import { postgresProblem } from './bench/common.ts';
import { bareFastify, measureNcip, type NcipFigures } from './bench/ncip.ts';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** Which databases to measure, comma-separated (default both); the floor always runs. */
const DATABASES = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');
const options = { pairs: PAIRS, connections: CONNECTIONS };

const row = (name: string, r: NcipFigures, floor?: number) =>
  console.log(
    `  ${name.padEnd(22)}${r.perSecond.toFixed(0).padStart(10)}${r.p50.toFixed(1).padStart(10)}${r.p99.toFixed(1).padStart(10)}${floor ? (r.perSecond / floor).toFixed(2).padStart(9) : '        -'}${r.problems ? `   (${r.problems} Problems!)` : ''}`,
  );

console.log(`NCIP over HTTP: ${PAIRS} AcceptItem + CheckInItem pairs, ${CONNECTIONS} concurrent connections`);
console.log('  server                   msgs/s   p50 ms    p99 ms   ratio');
const floor = await bareFastify(options);
row('bare Fastify, fixed body', floor);
if (DATABASES.includes('sqlite')) row('Interlend on SQLite', await measureNcip('sqlite', options), floor.perSecond);
if (DATABASES.includes('postgres')) {
  const problem = await postgresProblem();
  if (problem) console.log(`  PostgreSQL: ${problem}; skipped`);
  else row('Interlend on PostgreSQL', await measureNcip('postgres', options), floor.perSecond);
}
