/**
 * `npm run bench` at a tiny size (issue 10, item 1): every bench still runs on every database this machine has and
 * hands back the figures the table and bench/results.json are made of. It checks their shape only (each figure
 * present, positive and beside its baseline, the ratio being the two divided, the volume run's counts and memory
 * read from the server process), never how fast anything is: timings on a shared machine prove nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plan, runBench } from '../../scripts/bench/run.ts';
import { markdownTable } from '../../scripts/bench/table.ts';
import { DIALECTS } from '../support/databases.ts';

const databases = DIALECTS.filter((d) => !d.skip).map((d) => d.dialect);
const sized = plan({
  BENCH_QUICK: '1',
  BENCH_DATABASES: databases.join(','),
  BENCH_ROTA_REQUESTS: '20',
  BENCH_EXPORTS: '10',
  BENCH_PAIRS: '20',
  BENCH_LOANS: '3',
  BENCH_VOLUME: '100',
  BENCH_VOLUME_EVERY: '50',
});
/** One export setting of the three, to keep the test short. */
const tiny = { ...sized, export: { ...sized.export, settings: [{ concurrency: 2, latencyMs: 0 }] } };

test(`npm run bench at a tiny size on ${databases.join(' and ')}: every figure beside its baseline`, { timeout: 180_000 }, async () => {
  const lines: string[] = [];
  const results = await runBench(tiny, (line) => lines.push(line));
  const log = lines.join('\n');
  assert.deepEqual(results.failures, [], log);

  // Every bench on every database, in the table's order.
  const expected = [
    ...databases.map((database) => ['rota', database]),
    ...databases.flatMap((database) => tiny.export.settings.map(() => ['export', database])),
    ...databases.map((database) => ['ncip', database]),
    ...databases.map((database) => ['iso18626', database]),
    ...databases.flatMap((database) => [['volume', database], ['volume', database], ['volume', database]]),
  ];
  assert.deepEqual(results.rows.map((r) => [r.bench, r.database]), expected, log);

  for (const r of results.rows) {
    assert.ok(Number.isFinite(r.figure.value) && r.figure.value > 0, `${r.what}: ${JSON.stringify(r.figure)}`);
    assert.ok(r.figure.unit, r.what);
    if (r.baseline) {
      assert.ok(Number.isFinite(r.baseline.value) && r.baseline.value > 0, `${r.what}: baseline ${JSON.stringify(r.baseline)}`);
      assert.equal(r.ratio, r.figure.value / r.baseline.value, r.what);
    } else {
      assert.equal(r.ratio, null, r.what);
    }
  }
  // Only the database size is without a baseline.
  assert.deepEqual(results.rows.filter((r) => !r.baseline).map((r) => r.what.replace(/ \(file \+ WAL\)$/, '')), databases.map(() => 'volume: database size after 100 requests'));

  for (const v of results.details.volume) {
    assert.equal(v.requests, 100);
    assert.ok(v.peakRssBytes >= v.startRssBytes, `${v.database}: VmHWM ${v.peakRssBytes} below the RSS at start ${v.startRssBytes}`);
    assert.ok(v.databaseBytes > v.emptyDatabaseBytes, `${v.database}: the database did not grow`);
    if (v.database === 'sqlite') assert.equal(v.databaseBytes, v.sqliteFileBytes! + v.sqliteWalBytes!);
  }
  assert.match(log, /100 \/ 100 requests/, 'progress is printed');

  // What bench/results.json gets, and the table.
  const json = JSON.parse(JSON.stringify(results));
  for (const key of ['date', 'node', 'cpus', 'loadAverageAtStart', 'plan', 'rows', 'details']) assert.ok(key in json, key);
  assert.equal(json.loadAverageAtStart.length, 3);
  const table = markdownTable(results.rows).split('\n');
  assert.equal(table.length, results.rows.length + 2);
  for (const line of table) assert.equal(line.split('|').length, 7, line);
});
