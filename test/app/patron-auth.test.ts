/**
 * Patrons' PINs (issue 9) on SQLite and PostgreSQL (migration 0012): kept only as scrypt hashes, a wrong PIN and an
 * unknown id answered alike, too many wrong PINs for an id or from an address lock sign-in for the window whatever
 * the id, the session key made once and kept, and the PIN set and removed through the API, never answered.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/storage/database.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { createTestDatabase, DIALECTS } from '../support/databases.ts';

const EXAMPLE = readFileSync(new URL('../../examples/lender-of-last-resort.yaml', import.meta.url), 'utf8');
const PATRONS = readFileSync(new URL('../../examples/demo-patrons.yaml', import.meta.url), 'utf8');
const PIN = '2468-secret';

for (const { dialect, skip } of DIALECTS) {
  describe(`patron PINs on ${dialect}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect, { PATRON_AUTH_ID_TYPE: 'BARCODE', ILLIAD_URL: 'http://127.0.0.1:9/', ILLIAD_API_KEY: 'k', NORTH_PEER_URL: 'http://127.0.0.1:9/', SOUTH_PEER_URL: 'http://127.0.0.1:9/' });
      await t.transfer.importYaml(EXAMPLE);
      await t.transfer.importYaml(PATRONS);
    });
    after(() => t?.close());

    test('a PIN is set through the API, said to be set, never answered; its hash is all that is kept', async () => {
      assert.deepEqual((await t.call('GET', '/api/v1/patrons/100200300/pin')).json(), { set: false, updatedAt: null });
      const set = await t.call('PUT', '/api/v1/patrons/100200300/pin', { body: { pin: PIN } });
      assert.equal(set.statusCode, 200, set.body);
      assert.ok(!set.body.includes(PIN));
      assert.deepEqual((await t.call('GET', '/api/v1/patrons/100200300/pin')).json(), { set: true, updatedAt: t.clock.now() });
      const short = await t.call('PUT', '/api/v1/patrons/100200300/pin', { body: { pin: '12' } });
      assert.equal(short.statusCode, 422);
      assert.deepEqual(short.json().error.problems, [{ path: 'pin', message: 'must be at least 4 characters' }]);
      assert.equal((await t.call('PUT', '/api/v1/patrons/nobody/pin', { body: { pin: PIN } })).statusCode, 404);
      assert.equal((await t.call('PUT', '/api/v1/patrons/100200300/pin', { body: { pin: PIN }, token: t.tokenFor['read-only'] })).statusCode, 403);
      // What the database holds: a scrypt hash, not the PIN.
      const stored = await t.storage.read.config('patrons').findByKey('100200300');
      const rows = (await t.storage.read.patronPins.get(stored!.id))!;
      assert.match(rows.hash, /^scrypt\$\d+\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
      assert.ok(!rows.hash.includes(PIN));
      const exported = await t.call('GET', '/api/v1/config');
      assert.ok(!exported.body.includes('scrypt$') && !exported.body.includes(PIN), 'configuration exports carry no PIN');
    });

    test('signing in: the configured identifier and the PIN; a wrong PIN, an unknown id and no PIN answer alike', async () => {
      const ok = await t.patronAuth.signInWithPin('21234000000017', PIN, '192.0.2.1');
      assert.ok(ok.ok && ok.patron.patron.primaryId === '100200300', 'by barcode (PATRON_AUTH_ID_TYPE=BARCODE)');
      assert.deepEqual(await t.patronAuth.signInWithPin('100200300', PIN, '192.0.2.1'), { ok: false }, 'the primary id is not the sign-in id here');
      assert.deepEqual(await t.patronAuth.signInWithPin('21234000000017', 'wrong-pin', '192.0.2.1'), { ok: false });
      assert.deepEqual(await t.patronAuth.signInWithPin('no-such-card', PIN, '192.0.2.1'), { ok: false });
      assert.deepEqual(await t.patronAuth.signInWithPin('21234000000025', PIN, '192.0.2.1'), { ok: false }, 'a patron without a PIN');
    });

    test('five wrong PINs lock the id for fifteen minutes, even the right PIN; known or not, alike', async () => {
      for (const id of ['21234000000033', 'not-a-card']) {
        if (id === '21234000000033') await t.patronAuth.setPin('100200302', PIN);
        for (let i = 1; i <= 4; i++) assert.deepEqual(await t.patronAuth.signInWithPin(id, `wrong-${i}`, `198.51.100.${i}`), { ok: false });
        const fifth = await t.patronAuth.signInWithPin(id, 'wrong-5', '198.51.100.5');
        assert.deepEqual(fifth, { ok: false, locked: '2026-11-28T12:15:00.000Z' });
        assert.deepEqual(await t.patronAuth.signInWithPin(id, PIN, '198.51.100.6'), { ok: false, locked: '2026-11-28T12:15:00.000Z' }, 'the right PIN too');
      }
      t.clock.advance(15 * 60_000);
      const after = await t.patronAuth.signInWithPin('21234000000033', PIN, '198.51.100.7');
      assert.ok(after.ok, 'the lock is over');
    });

    test('thirty wrong PINs from one address lock that address, for any id', async () => {
      for (let i = 0; i < 29; i++) assert.equal((await t.patronAuth.signInWithPin(`card-${i}`, '0000', '203.0.113.9')).ok, false);
      const last = await t.patronAuth.signInWithPin('card-29', '0000', '203.0.113.9');
      assert.ok(!last.ok && last.locked);
      assert.ok(!(await t.patronAuth.signInWithPin('21234000000017', PIN, '203.0.113.9')).ok, 'even a right PIN from there');
      assert.ok((await t.patronAuth.signInWithPin('21234000000017', PIN, '203.0.113.10')).ok, 'another address is not locked');
    });

    test("the API's CSV import sets PINs from a pin column: never shown back, a bad one a problem of its row", async () => {
      const csv = ['primaryId,firstName,lastName,userGroup,pin', '100200301,Maria,Garcia,GRADUATE,maria-pin-1', '500000001,New,Patron,STAFF,', '500000002,Short,Pin,STAFF,12'].join('\n');
      const preview = await t.call('POST', '/api/v1/patrons/import', { body: csv, headers: { 'content-type': 'text/csv' } });
      assert.equal(preview.statusCode, 200, preview.body);
      assert.ok(!preview.body.includes('maria-pin-1'));
      const rows = preview.json().rows;
      assert.deepEqual(rows.map((r: { action: string; changes: string[] }) => [r.action, r.changes]), [['update', ['pin']], ['create', []], ['invalid', []]]);
      assert.deepEqual(rows[2].problems, [{ path: 'pin', message: 'must be at least 4 characters' }]);
      assert.deepEqual(await t.patronAuth.signInWithPin('21234000000025', 'maria-pin-1', '192.0.2.60'), { ok: false }, 'the preview wrote nothing');
      const done = await t.call('POST', '/api/v1/patrons/import?dryRun=false', { body: csv, headers: { 'content-type': 'text/csv' } });
      assert.equal(done.statusCode, 200, done.body);
      assert.ok(!done.body.includes('maria-pin-1'));
      assert.ok((await t.patronAuth.signInWithPin('21234000000025', 'maria-pin-1', '192.0.2.60')).ok);
      assert.deepEqual((await t.call('GET', '/api/v1/patrons/500000001/pin')).json().set, false, 'an empty cell sets nothing');
    });

    test('the session key is made once and kept; removing a PIN ends PIN sign-in', async () => {
      const key = await t.patronAuth.sessionKey();
      assert.equal(await t.patronAuth.sessionKey(), key);
      assert.equal(await t.storage.read.settings.get('patron-session-key'), key);
      assert.equal((await t.call('DELETE', '/api/v1/patrons/100200300/pin')).statusCode, 204);
      assert.deepEqual((await t.call('GET', '/api/v1/patrons/100200300/pin')).json(), { set: false, updatedAt: null });
      assert.deepEqual(await t.patronAuth.signInWithPin('21234000000017', PIN, '192.0.2.50'), { ok: false });
    });
  });

  describe(`migration 0012 on ${dialect}`, { skip }, () => {
    test('makes the PIN and throttle tables, and goes down again', async () => {
      const database = await createTestDatabase(dialect);
      try {
        const { db, close } = openDatabase(database.settings);
        const { Migrator } = await import('kysely');
        const { migrationProvider } = await import('../../src/storage/migrations/index.ts');
        const migrator = new Migrator({ db, provider: migrationProvider });
        assert.equal((await migrator.migrateToLatest()).error, undefined);
        await sql`insert into patron_pin (patron_id, pin_hash, updated_at) values ('p', 'h', 't')`.execute(db);
        await sql`insert into sign_in_throttle (key, failures, window_started_at, locked_until) values ('id:x', 1, 't', null)`.execute(db);
        // Down to the migration before 0012 (later ones go down first).
        assert.equal((await migrator.migrateTo('0011-config-revision')).error, undefined);
        await assert.rejects(sql`select 1 from patron_pin`.execute(db));
        await assert.rejects(sql`select 1 from sign_in_throttle`.execute(db));
        await close();
      } finally {
        await database.drop();
      }
    });
  });
}
