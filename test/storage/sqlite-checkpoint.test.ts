/**
 * SQLite checkpoints run beside the requests, on a worker thread, not inside the commit that fills the log: the
 * database file takes the committed pages while the application keeps writing, with no commit crossing the
 * automatic threshold.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/storage/database.ts';

test('the checkpointer copies committed pages into the database file in the background', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'interlend-checkpoint-'));
  const file = join(dir, 'db.sqlite');
  const handle = openDatabase({ kind: 'sqlite', file });
  try {
    await sql`create table t (id integer primary key, data text not null)`.execute(handle.db);
    const before = statSync(file).size;
    // About 2 MB: ~500 pages, far below the automatic threshold of 10000, so only the checkpointer can move them.
    for (let i = 0; i < 500; i++) await sql`insert into t (data) values (${'x'.repeat(4000)})`.execute(handle.db);
    assert.ok(statSync(`${file}-wal`).size > 2_000_000, 'the rows went to the write-ahead log first');
    const deadline = Date.now() + 10_000;
    while (statSync(file).size < before + 2_000_000 && Date.now() < deadline) await sleep(50);
    assert.ok(statSync(file).size >= before + 2_000_000, `the database file holds the rows (${statSync(file).size} bytes)`);
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
