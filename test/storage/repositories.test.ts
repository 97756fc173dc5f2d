/** The storage suite, once per database (kysely's pattern): the same behaviour on SQLite and PostgreSQL. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Repositories, Storage } from '../../src/app/ports.ts';
import { type Partner, partnerSchema } from '../../src/domain/config/partner.ts';
import { patronSchema } from '../../src/domain/config/patron.ts';
import { rotaRuleSchema } from '../../src/domain/config/rota-rule.ts';
import { Secret } from '../../src/domain/config/secret.ts';
import { InterlendError } from '../../src/domain/errors.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.ts';

const T0 = '2026-11-28T12:00:00.000Z';
const T1 = '2026-11-28T13:30:00.000Z';

for (const { dialect, skip } of DIALECTS) {
  describe(`storage on ${dialect}`, { skip }, () => {
    let database: TestDatabase;
    let storage: Storage;
    let repos: Repositories;

    before(async () => {
      database = await createTestDatabase(dialect);
      storage = await openStorage(database.settings);
      repos = storage.read;
    });
    after(async () => {
      await storage?.close();
      await database?.drop();
    });

    test('migrations are recorded, so opening again applies none', async () => {
      const again = await openStorage(database.settings);
      assert.deepEqual(again.appliedMigrations, []);
      await again.close();
    });

    test('a library round-trips with its booleans, times and id as written', async () => {
      const doc = { code: 'MAIN', name: 'Main Library', isResourceSharing: true, isPickup: false };
      await repos.config('libraries').insert({ id: 'lib-main', doc, createdAt: T0, updatedAt: T1 });
      const found = await repos.config('libraries').findByKey('MAIN');
      assert.deepEqual(found, { id: 'lib-main', doc, createdAt: T0, updatedAt: T1, revision: 1 });
      assert.strictEqual(found?.doc.isResourceSharing, true);
      assert.strictEqual(found?.doc.isPickup, false);
      assert.deepEqual(await repos.config('libraries').findById('lib-main'), found);
      assert.equal(await repos.config('libraries').findByKey('main'), undefined, 'keys are case-sensitive');
    });

    test('lists filter by boolean and enum columns, search case-insensitively, page, and count the total', async () => {
      const libraries = repos.config('libraries');
      await libraries.insert({ id: 'lib-sci', doc: { code: 'SCIENCE', name: 'Science Library', isResourceSharing: false, isPickup: true }, createdAt: T0, updatedAt: T0 });
      await libraries.insert({ id: 'lib-law', doc: { code: 'LAW', name: 'Law 100%_Library', isResourceSharing: false, isPickup: true }, createdAt: T0, updatedAt: T0 });
      const pickups = await libraries.list({ limit: 10, offset: 0, filters: { isPickup: 'true' } });
      assert.deepEqual(pickups.items.map((l) => l.doc.code), ['LAW', 'SCIENCE']);
      assert.equal(pickups.total, 2);
      const searched = await libraries.list({ limit: 10, offset: 0, q: 'SCIENCE lib', filters: {} });
      assert.deepEqual(searched.items.map((l) => l.doc.code), ['SCIENCE']);
      const literal = await libraries.list({ limit: 10, offset: 0, q: '100%_', filters: {} });
      assert.deepEqual(literal.items.map((l) => l.doc.code), ['LAW'], '% and _ in q are literal characters');
      const page = await libraries.list({ limit: 1, offset: 1, filters: {} });
      assert.equal(page.total, 3);
      assert.deepEqual(page.items.map((l) => l.doc.code), ['MAIN']);
    });

    test('keys sort by byte order on both databases (upper case before lower case)', async () => {
      const policies = repos.config('item-policies');
      for (const code of ['b-loan', 'A-LOAN', 'a-loan', 'B-LOAN']) {
        await policies.insert({ id: `ip-${code}`, doc: { code, name: code, loanPeriodDays: 7 }, createdAt: T0, updatedAt: T0 });
      }
      assert.deepEqual((await policies.all()).map((p) => p.doc.code), ['A-LOAN', 'B-LOAN', 'a-loan', 'b-loan']);
    });

    test('a duplicate key is refused by the database too, as a duplicate and not a crash', async () => {
      await assert.rejects(
        repos.config('libraries').insert({ id: 'lib-dup', doc: { code: 'MAIN', name: 'Again', isResourceSharing: false, isPickup: false }, createdAt: T0, updatedAt: T0 }),
        (error: unknown) => error instanceof InterlendError && error.code === 'ILL_ERR_DUPLICATE',
      );
    });

    test('a partner keeps nested parameters, and its API key is stored yet hidden from JSON', async () => {
      const doc = partnerSchema.parse({
        code: 'ILLiad',
        name: 'ILLiad',
        profileType: 'NCIP',
        ncip: {
          generalInformation: { defaultLibraryOwner: 'MAIN', userIdentifierRegex: '^[^@]*' },
          exportToThirdParty: { exportToThirdParty: 'USING_API', url: 'https://illiad.example.edu/ILLiadWebPlatform', apiKey: 'key-0123456789' },
        },
      });
      await repos.config('partners').insert({ id: 'p-illiad', doc, createdAt: T0, updatedAt: T0 });
      const found = (await repos.config('partners').findByKey('ILLiad'))!.doc as Extract<Partner, { profileType: 'NCIP' }>;
      assert.equal(found.ncip.generalInformation.userIdentifierRegex, '^[^@]*');
      const key = found.ncip.exportToThirdParty.apiKey;
      assert.ok(key instanceof Secret);
      assert.equal(key.reveal({}), 'key-0123456789');
      assert.ok(!JSON.stringify(found).includes('key-0123456789'));
      assert.deepEqual(await repos.references.referrersOf('libraries', 'MAIN'), [{ kind: 'partners', key: 'ILLiad', path: 'ncip.generalInformation.defaultLibraryOwner' }]);
    });

    test('references follow updates and deletes', async () => {
      const partners = repos.config('partners');
      const stored = (await partners.findByKey('ILLiad'))!;
      const doc = stored.doc as Extract<Partner, { profileType: 'NCIP' }>;
      const moved = { ...doc, ncip: { ...doc.ncip, generalInformation: { ...doc.ncip.generalInformation, defaultLibraryOwner: 'SCIENCE' } } };
      assert.equal(await partners.update({ ...stored, doc: moved, updatedAt: T1 }, stored.revision), stored.revision + 1);
      assert.deepEqual(await repos.references.referrersOf('libraries', 'MAIN'), []);
      assert.equal((await repos.references.referrersOf('libraries', 'SCIENCE')).length, 1);
      assert.equal(await partners.delete(stored.id, stored.revision + 1), true);
      assert.deepEqual(await repos.references.referrersOf('libraries', 'SCIENCE'), []);
      assert.equal(await partners.findById(stored.id), undefined);
    });

    test('patrons are found by any identifier, case-insensitively', async () => {
      const doc = patronSchema.parse({
        primaryId: 'P-1',
        firstName: 'Christopher',
        lastName: 'Lee',
        email: 'CWLee@Example.edu',
        userGroup: 'FACULTY',
        identifiers: [{ type: 'BARCODE', value: 'B0001' }],
      });
      await repos.config('patrons').insert({ id: 'pat-1', doc, createdAt: T0, updatedAt: T0 });
      assert.equal(await repos.patronLookup.findPatronIdByKey('EMAIL', 'cwlee@example.EDU'), 'pat-1');
      assert.equal(await repos.patronLookup.findPatronIdByKey('BARCODE', 'b0001'), 'pat-1');
      assert.equal(await repos.patronLookup.findPatronIdByKey('PRIMARY_ID', 'p-1'), 'pat-1');
      assert.equal(await repos.patronLookup.findPatronIdByKey('BARCODE', 'nope'), undefined);
      const byGroup = await repos.config('patrons').list({ limit: 5, offset: 0, filters: { userGroup: 'FACULTY' }, q: 'cwlee' });
      assert.equal(byGroup.total, 1);
      assert.equal(await repos.config('patrons').delete('pat-1', 1), true);
      assert.equal(await repos.patronLookup.findPatronIdByKey('EMAIL', 'cwlee@example.edu'), undefined);
    });

    test('rota rules keep their positions and can be reordered', async () => {
      const rules = repos.config('rota-rules');
      for (const [index, name] of ['first', 'second', 'third'].entries()) {
        await rules.insert({ id: `r-${name}`, doc: rotaRuleSchema.parse({ name, templates: ['T'] }), createdAt: T0, updatedAt: T0, position: index + 1 });
      }
      await rules.reorder(['r-third', 'r-first', 'r-second']);
      const all = await rules.all();
      assert.deepEqual(all.map((r) => [r.doc.name, r.position]), [['third', 1], ['first', 2], ['second', 3]]);
      const disabled = await rules.list({ limit: 10, offset: 0, filters: { enabled: 'false' } });
      assert.equal(disabled.total, 0);
    });

    test('a failed transaction writes nothing', async () => {
      await assert.rejects(
        storage.transaction(async (trx) => {
          await trx.config('item-policies').insert({ id: 'ip-tx', doc: { code: 'TX', name: 'Tx', loanPeriodDays: 1 }, createdAt: T0, updatedAt: T0 });
          throw new Error('stop');
        }),
        /stop/,
      );
      assert.equal(await repos.config('item-policies').findByKey('TX'), undefined);
    });

    test('the institution, settings and tokens', async () => {
      assert.equal(await repos.institution.put({ id: 'institution', doc: { code: 'I', name: 'Inst', ncipAgencyId: 'I', isil: null, timeZone: 'UTC', defaultPickupLibrary: null }, createdAt: T0, updatedAt: T0 }, null), 1);
      assert.equal((await repos.institution.get())?.doc.name, 'Inst');
      await repos.settings.put('mode', 'demo');
      await repos.settings.put('mode', 'live');
      assert.equal(await repos.settings.get('mode'), 'live');
      await repos.tokens.insert({ id: 't1', name: 'ops', role: 'operator', createdAt: T0, lastUsedAt: null, revokedAt: null }, 'hash-1');
      assert.equal(await repos.tokens.count(), 1);
      assert.equal((await repos.tokens.findByHash('hash-1'))?.role, 'operator');
      await repos.tokens.markUsed('t1', T1);
      assert.equal((await repos.tokens.findByHash('hash-1'))?.lastUsedAt, T1);
      assert.equal(await repos.tokens.revoke('t1', T1), true);
      assert.equal(await repos.tokens.revoke('t1', T1), false, 'a revoked token cannot be revoked again');
      assert.equal(await repos.tokens.count(), 0);
    });
  });
}
