/**
 * `npm run bench`: every benchmark (rota, export, NCIP, ISO 18626, and volume: 100,000 requests through a real
 * `interlend serve`) on SQLite and on PostgreSQL, each figure beside a baseline measured in the same run and the
 * ratio; prints one Markdown table at the end and writes every figure to bench/results.json (not committed).
 * What each bench measures and what its baseline is: scripts/bench/*.ts and README.md, "Performance".
 *
 * Environment:
 *   BENCH_QUICK=1          small sizes throughout (a couple of minutes), to check that it works
 *   BENCH_VOLUME=n         requests in the volume run (default 100,000; BENCH_QUICK 2,000)
 *   BENCH_DATABASES=sqlite only one database (default sqlite,postgres)
 *   BENCH_RUN=rota,ncip    only these benches (rota, export, ncip, iso18626, volume, ui)
 *   BENCH_UI=1             also `npm run bench:ui` (the staff pages with 50,000 requests; minutes per database)
 *   TEST_POSTGRES_URL      where throwaway PostgreSQL databases are made and dropped
 *                          (default postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_ROTA_REQUESTS, BENCH_ROUNDS, BENCH_EXPORTS, BENCH_PAIRS, BENCH_CONNECTIONS, BENCH_LOANS,
 *   BENCH_CONCURRENCY, BENCH_VOLUME_CLIENTS, BENCH_VOLUME_EVERY, BENCH_UI_REQUESTS: the sizes one by one.
 *   BENCH_RESULTS=path     where to write the results (default bench/results.json)
 * Exits 1 when a bench failed (the others still run and are reported).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ROOT } from '../test/support/processes.ts';
import { plan, runBench } from './bench/run.ts';
import { describeRun } from './bench/summary.ts';
import { markdownTable } from './bench/table.ts';

const chosen = plan();
console.log(`npm run bench${chosen.quick ? ' (BENCH_QUICK)' : ''}: ${chosen.benches.join(', ')} on ${chosen.databases.join(' and ')}`);
const results = await runBench(chosen);
const file = resolve(ROOT, process.env.BENCH_RESULTS ?? 'bench/results.json');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);

console.log('');
console.log(describeRun(results));
console.log('');
console.log(markdownTable(results.rows, results.failures));
console.log('');
console.log(`Written: ${file}`);
process.exitCode = results.failures.length ? 1 : 0;
