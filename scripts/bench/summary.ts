/** The lines printed above the table of `npm run bench`: when, where, how busy the machine was, the sizes. */
import type { BenchResults } from './run.ts';

export function describeRun(r: BenchResults): string {
  const p = r.plan;
  const lines = [
    `Measured ${r.date.slice(0, 16).replace('T', ' ')} UTC, ${r.wallSeconds} s in all; Node ${r.node}, ${r.cpus} × ${r.cpuModel}${r.postgres ? `, PostgreSQL ${r.postgres}` : ''}.`,
    `Load average (1, 5, 15 min) at the start ${r.loadAverageAtStart.join(', ')}, at the end ${r.loadAverageAtEnd.join(', ')}.`,
    `Sizes: rota ${p.rota.requests} requests, best of ${p.rota.rounds}; export ${p.export.requests} exports a row; NCIP ${p.ncip.pairs} pairs; ISO 18626 ${p.iso.loans} loans; volume ${p.volume.requests.toLocaleString('en-US')} requests.`,
  ];
  if (r.details.ruleEvaluation) lines.push(`Rule evaluation (pure, one request): ${r.details.ruleEvaluation.map((e) => `${e.rules} rules ${e.microseconds.toFixed(1)} µs`).join(', ')}.`);
  for (const s of r.skipped) lines.push(`Left out: ${s}.`);
  return lines.join('\n');
}
