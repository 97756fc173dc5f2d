/**
 * No duplicate ILLiad transaction, ever (design.md decision 7), under load: many exports by several workers at
 * once while ILLiad commits a share of the transactions and then never answers. Every request ends exported, each
 * with the one transaction that carries its id. (`npm run bench:export -- --faults` runs 500 of these.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runExports } from '../../scripts/export-run.ts';

test('60 exports, 4 at a time, 20% of transaction POSTs time out after commit: 60 transactions, none in limbo', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'interlend-export-faults-'));
  // A seeded random source: the same POSTs time out on every run.
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  try {
    const result = await runExports({
      database: { kind: 'sqlite', file: join(dir, 'db.sqlite') },
      requests: 60,
      concurrency: 4,
      faults: { timeoutAfterCommitRate: 0.2, timeoutAfterCommitMs: 5_000 },
      callTimeoutMs: 300,
      random,
    });
    assert.ok(result.postTimeouts >= 5, `the fault fired (${result.postTimeouts} timeouts)`);
    assert.deepEqual(result.byStatus, { EXPORTED_TO_THIRD_PARTY: 60 });
    assert.equal(result.transactions, 60, 'exactly one ILLiad transaction per request');
    assert.equal(result.distinctReferences, 60);
    assert.equal(result.mismatched, 0, "each request holds its own transaction's number");
    assert.deepEqual([result.jobs.ready, result.jobs.running, result.jobs.failed], [0, 0, 0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
