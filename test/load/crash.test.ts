/**
 * The crash test at its small size (issue 10, item 2): three kill -9s of the server (and its worker) under a stream of
 * requests, ILLiad exports and NCIP AcceptItems, then a drain; nothing accepted is lost, nothing is exported or
 * received twice, no job is left stuck. `npm run crash-test` runs it at any size (README, "Crash test").
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { printResult, runCrashTest } from '../../scripts/crash-test.ts';
import { DIALECTS, POSTGRES_ADMIN_URL } from '../support/databases.ts';

describe('crash test: kill -9 under load, restart, drain', () => {
  for (const { dialect, skip } of DIALECTS) {
    test(`${dialect}: 3 kills, 200 requests: nothing lost, nothing twice, no job stuck`, { skip, timeout: 300_000 }, async () => {
      const seed = Math.floor(Math.random() * 2 ** 31);
      const lines: string[] = [];
      const result = await runCrashTest({ kills: 3, requests: 200, seed, ...(dialect === 'postgres' ? { postgresUrl: POSTGRES_ADMIN_URL } : {}), log: (line) => lines.push(line) });
      printResult(result, (line) => lines.push(line));
      const report = lines.join('\n');
      assert.deepEqual(result.violations, [], report);
      assert.ok(Number(result.summary['requests accepted (201)']) >= 200, report);
      assert.equal(result.summary['ILLiad transactions'], result.summary['requests in the database'], report);
      assert.equal(result.summary['AcceptItem success answers'], result.summary['ILLiad transactions'], report);
      assert.equal(result.summary['holds'], result.summary['ILLiad transactions'], report);
    });
  }
});
