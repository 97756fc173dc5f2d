/**
 * The words of an outage (domain/partners/outage.ts, domain/clock-time.ts) and what counts as the database being
 * gone (storage/unavailable.ts): pure, no server.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { staffTime } from '../../src/domain/clock-time.ts';
import { outageWords } from '../../src/domain/partners/outage.ts';
import { guardedPool, isConnectionLoss } from '../../src/storage/unavailable.ts';

test('a failed call in a librarian’s words, from what our ILLiad and ISO 18626 clients report', () => {
  const cases: [string, string, string][] = [
    ['ILLiad did not answer GET Users/cwlee: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:38739)', 'unreachable', 'connection refused'],
    ['Request to US-NSU: no answer (ECONNREFUSED)', 'unreachable', 'connection refused'],
    ['ILLiad did not answer GET Users/cwlee: ENOTFOUND (getaddrinfo ENOTFOUND illiad.example.edu)', 'unreachable', 'its address cannot be found (DNS)'],
    ['Request to US-SCC: no answer (ECONNRESET)', 'unreachable', 'the connection was dropped'],
    ['ILLiad did not answer GET Users/cwlee: no answer within 15 s', 'silent', 'no answer within 15 s'],
    ['Request to US-NSU: no answer (no answer within 15 s)', 'silent', 'no answer within 15 s'],
    ['ILLiad did not answer POST Transaction: the export ran out of time', 'silent', 'too slow: the whole call ran out of time'],
    ['ILLiad failed on GET Users/cwlee (HTTP 500): An error has occurred.', 'failing', 'a server error (HTTP 500)'],
    ['Request to US-NSU: HTTP 503', 'failing', 'a server error (HTTP 503)'],
    ['ILLiad failed on GET Users/cwlee (HTTP 429): slow down', 'failing', 'too many requests (HTTP 429)'],
    ['ILLiad answered GET Users/cwlee with something that is not JSON (HTTP 200)', 'failing', 'answers that are not what was asked for (HTTP 200)'],
    ['Request to US-NSU: the answer is not a requestConfirmation', 'failing', 'answers that are not what was asked for'],
    ['something else entirely', 'failing', 'something else entirely'],
  ];
  for (const [message, kind, reason] of cases) assert.deepEqual(outageWords(message), { kind, reason }, message);
});

test('times on staff pages: the clock time today, the day and time another day, in the institution’s zone', () => {
  assert.equal(staffTime('2026-11-29T10:42:13Z', 'UTC', '2026-11-29T11:00:00Z'), '10:42');
  assert.equal(staffTime('2026-11-28T22:10:00Z', 'UTC', '2026-11-29T11:00:00Z'), '28 Nov 22:10');
  // 18:10 on the 28th in Los Angeles is 02:10 UTC on the 29th; "now" (03:00 on the 29th UTC) is still the 28th there.
  assert.equal(staffTime('2026-11-29T02:10:00Z', 'America/Los_Angeles', '2026-11-29T03:00:00Z'), '18:10');
});

test('the database gone: connection errors, a server shutting down or starting up; not an error of the query', () => {
  const error = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});
  for (const gone of [
    error('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
    error('read ECONNRESET', 'ECONNRESET'),
    error('terminating connection due to administrator command', '57P01'),
    error('the database system is starting up', '57P03'),
    error('the database system is in recovery mode', '57P03'),
    error('connection failure', '08006'),
    error('Connection terminated unexpectedly'),
    error('Client has encountered a connection error and is not queryable'),
    error('timeout exceeded when trying to connect'),
  ]) {
    assert.equal(isConnectionLoss(gone), true, gone.message);
  }
  for (const mine of [error('duplicate key value violates unique constraint "job_key_key"', '23505'), error('syntax error at or near "selec"', '42601'), error('canceling statement due to statement timeout', '57014')]) {
    assert.equal(isConnectionLoss(mine), false, mine.message);
  }
});

test('the pool Kysely gets: a failed connect and a lost connection are ILL_ERR_DATABASE_UNAVAILABLE, other errors pass unchanged', async () => {
  const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
  let connects = 0;
  const client = {
    query: async (sql: string) => {
      if (sql === 'lost') throw new Error('Connection terminated unexpectedly');
      if (sql === 'unique') throw unique;
      return { command: 'SELECT' as const, rowCount: 1, rows: [{ ok: 1 }] };
    },
    release: () => {},
  };
  const pool = guardedPool({
    connect: async () => {
      if (connects++ === 0) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      return client as never;
    },
    end: async () => {},
  });
  await assert.rejects(pool.connect(), (e: Error & { code?: string; cause?: Error }) => e.code === 'ILL_ERR_DATABASE_UNAVAILABLE' && /ECONNREFUSED/.test(e.cause!.message) && !/5432/.test(e.message));
  const wrapped = await pool.connect();
  assert.equal(await pool.connect(), wrapped, 'one wrapper per client, for Kysely’s connection cache');
  assert.deepEqual((await wrapped.query<{ ok: number }>('select 1', [])).rows, [{ ok: 1 }]);
  await assert.rejects(wrapped.query('lost', []), { code: 'ILL_ERR_DATABASE_UNAVAILABLE' });
  await assert.rejects(wrapped.query('unique', []), (e) => e === unique);
});
