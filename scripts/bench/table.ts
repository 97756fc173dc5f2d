/**
 * The one table of `npm run bench`: each figure beside its baseline from the same run and the ratio (figure ÷
 * baseline), as Markdown so it can be pasted into the README.
 */
import type { DatabaseKind } from './common.ts';
import { DATABASE_NAME } from './common.ts';

export type BenchName = 'rota' | 'export' | 'ncip' | 'iso18626' | 'volume' | 'ui';

export interface Measure {
  readonly value: number;
  /** `requests/s`, `bytes`, `ms`… */
  readonly unit: string;
  /** Further figures that go with it (p99 and the like), in words. */
  readonly detail?: string;
}

export interface Row {
  readonly bench: BenchName;
  /** What the figure is, in words. */
  readonly what: string;
  readonly database: DatabaseKind;
  readonly figure: Measure;
  /** What the figure is compared with, measured in the same run; null when there is nothing honest to compare. */
  readonly baseline: (Measure & { readonly what: string }) | null;
  /** figure ÷ baseline (for throughput: the share of the floor reached; for memory and latency: times the floor). */
  readonly ratio: number | null;
}

/** A row that failed: what and why, so a long run still reports the rest. */
export interface Failure {
  readonly bench: BenchName;
  readonly database: DatabaseKind | null;
  readonly error: string;
}

export function row(bench: BenchName, what: string, database: DatabaseKind, figure: Measure, baseline: Row['baseline']): Row {
  return { bench, what, database, figure, baseline, ratio: baseline && baseline.value > 0 ? figure.value / baseline.value : null };
}

const grouped = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function formatMeasure(m: Measure): string {
  const v = m.value;
  let text: string;
  if (m.unit === 'bytes') text = `${grouped(v / 2 ** 20, v < 10 * 2 ** 20 ? 1 : 0)} MiB`;
  else if (m.unit === 'ms') text = `${grouped(v, v < 10 ? 1 : 0)} ms`;
  else text = `${grouped(v, v < 100 ? 1 : 0)} ${m.unit}`;
  return m.detail ? `${text} (${m.detail})` : text;
}

export function formatRatio(ratio: number | null): string {
  if (ratio === null) return '—';
  return ratio >= 10 ? grouped(ratio, 0) : ratio >= 1 ? ratio.toFixed(2) : ratio.toFixed(3);
}

/** The Markdown table, one line per row, in the order given. */
export function markdownTable(rows: readonly Row[], failures: readonly Failure[] = []): string {
  const lines = ['| bench | database | figure | baseline, same run | ratio |', '|---|---|---|---|---|'];
  for (const r of rows) {
    const baseline = r.baseline ? `${r.baseline.what}: ${formatMeasure(r.baseline)}` : '—';
    lines.push(`| ${r.what} | ${DATABASE_NAME[r.database]} | ${formatMeasure(r.figure)} | ${baseline} | ${formatRatio(r.ratio)} |`);
  }
  for (const f of failures) lines.push(`| ${f.bench} | ${f.database ? DATABASE_NAME[f.database] : 'both'} | FAILED: ${f.error.replaceAll('|', '/').split('\n')[0]} | | |`);
  return lines.join('\n');
}
