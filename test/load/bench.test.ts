/**
 * `npm run bench` at a tiny size (issue 10, item 1): every bench still runs, and the volume run also on PostgreSQL
 * when this machine has it, and hands back the figures the table and bench/results.json are made of. It checks their
 * shape only (each figure present, positive and beside its baseline, the ratio being the two divided, the volume
 * run's counts, memory and sizes read from the server process and the database), never how fast anything is:
 * timings on a shared machine prove nothing. About 12 s.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plan, runBench } from '../../scripts/bench/run.ts';
import { markdownTable } from '../../scripts/bench/table.ts';
import { DIALECTS } from '../support/databases.ts';

const databases = DIALECTS.filter((d) => !d.skip).map((d) => d.dialect);
const sized = plan({
  BENCH_QUICK: '1',
  BENCH_DATABASES: 'sqlite',
  BENCH_ROTA_REQUESTS: '20',
  BENCH_EXPORTS: '10',
  BENCH_PAIRS: '20',
  BENCH_LOANS: '3',
  BENCH_VOLUME: '100',
  BENCH_VOLUME_EVERY: '50',
});
/**
 * To keep the test short: one export setting of the three, and on PostgreSQL only the volume run, the one bench
 * with code of its own per database (the server's environment, pg_database_size); the others differ between the
 * two only in the throwaway database, which the volume run makes too.
 */
const tiny = { ...sized, export: { ...sized.export, settings: [{ concurrency: 2, latencyMs: 0 }] } };
const others = databases.filter((d) => d !== 'sqlite');

test(`npm run bench at a tiny size: every bench on SQLite${others.length ? `, the volume run on ${others.join(', ')}` : ''}; every figure beside its baseline`, { timeout: 180_000 }, async () => {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const results = await runBench(tiny, log);
  const more = others.length ? await runBench({ ...tiny, databases: others, benches: ['volume'] }, log) : undefined;
  const text = lines.join('\n');
  assert.deepEqual([...results.failures, ...(more?.failures ?? [])], [], text);
  assert.deepEqual([...results.skipped, ...(more?.skipped ?? [])], [], text);

  // Every bench, in the table's order.
  const volume = (database: string) => [['volume', database], ['volume', database], ['volume', database]];
  assert.deepEqual(
    results.rows.map((r) => [r.bench, r.database]),
    [['rota', 'sqlite'], ['export', 'sqlite'], ['ncip', 'sqlite'], ['iso18626', 'sqlite'], ...volume('sqlite')],
    text,
  );
  assert.deepEqual(more?.rows.map((r) => [r.bench, r.database]) ?? [], others.flatMap(volume), text);

  const rows = [...results.rows, ...(more?.rows ?? [])];
  for (const r of rows) {
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
  assert.deepEqual(rows.filter((r) => !r.baseline).map((r) => r.what.replace(/ \(file \+ WAL\)$/, '')), databases.map(() => 'volume: database size after 100 requests'));

  for (const v of [...results.details.volume, ...(more?.details.volume ?? [])]) {
    assert.equal(v.requests, 100);
    assert.ok(v.peakRssBytes >= v.startRssBytes, `${v.database}: VmHWM ${v.peakRssBytes} below the RSS at start ${v.startRssBytes}`);
    assert.ok(v.databaseBytes > v.emptyDatabaseBytes, `${v.database}: the database did not grow`);
    if (v.database === 'sqlite') assert.equal(v.databaseBytes, v.sqliteFileBytes! + v.sqliteWalBytes!);
  }
  assert.equal(text.match(/100 \/ 100 requests/g)?.length, databases.length, 'progress is printed');

  // What bench/results.json gets, and the table.
  const json = JSON.parse(JSON.stringify(results));
  for (const key of ['date', 'node', 'cpus', 'loadAverageAtStart', 'plan', 'rows', 'details']) assert.ok(key in json, key);
  assert.equal(json.loadAverageAtStart.length, 3);
  const table = markdownTable(results.rows).split('\n');
  assert.equal(table.length, results.rows.length + 2);
  for (const line of table) assert.equal(line.split('|').length, 7, line);
});
