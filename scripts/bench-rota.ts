/**
 * `npm run bench:rota`: how fast the rota engine is. Prints figures, asserts nothing (timings on a shared machine
 * are noisy; compare the ratios within one run). What is measured is in scripts/bench/rota.ts; `npm run bench` runs
 * the same beside the other benches.
 *
 * 1. Rule evaluation per request with 10, 100 and 1000 rules (pure, in memory).
 * 2. Requests created and routed per second (best of BENCH_ROUNDS rounds) (rules → rota → locate → saved with history and jobs, one transaction
 *    each) on SQLite and on PostgreSQL, beside a raw baseline measured in the same run: plain single-row inserts
 *    through the same driver.
 */
import { postgresProblem } from './bench/common.ts';
import { measureRouting, RULES_IN_ROUTING, ruleEvaluation } from './bench/rota.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
/** Shared machines are noisy: each figure is the best of a few rounds. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

console.log('Rule evaluation (one request, all rules; the last rule matches)');
for (const { rules, microseconds } of ruleEvaluation()) console.log(`  ${String(rules).padStart(5)} rules: ${microseconds.toFixed(1).padStart(8)} µs per request`);
console.log(`\nRequests created and routed (${REQUESTS} sequential requests, ${RULES_IN_ROUTING} rules), beside plain inserts; best of ${ROUNDS} rounds`);
console.log('  database     routed/s   plain inserts/s   ratio');
for (const kind of ['sqlite', 'postgres'] as const) {
  const problem = kind === 'postgres' ? await postgresProblem() : undefined;
  if (problem) {
    console.log(`  PostgreSQL: ${problem}; skipped`);
    continue;
  }
  const { routedPerSecond: routed, plainInsertsPerSecond: raw } = await measureRouting(kind, { requests: REQUESTS, rounds: ROUNDS });
  console.log(`  ${kind.padEnd(10)} ${routed.toFixed(0).padStart(10)} ${raw.toFixed(0).padStart(17)}   ${(routed / raw).toFixed(3)}`);
}
