/** Writers racing for the same code: one wins, the others are told it is taken; nobody gets a crash. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InterlendError } from '../../src/domain/errors.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { DIALECTS } from '../support/databases.ts';

for (const { dialect, skip } of DIALECTS) {
  describe(`concurrent writes on ${dialect}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    test('ten simultaneous creates of one library code: one created, nine duplicates', async () => {
      const attempts = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => t.config.create('libraries', { code: 'RACE', name: `Attempt ${i}` })),
      );
      const created = attempts.filter((a) => a.status === 'fulfilled');
      const refused = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
      assert.equal(created.length, 1);
      assert.equal(refused.length, 9);
      for (const failure of refused) {
        assert.ok(failure.reason instanceof InterlendError, String(failure.reason));
        assert.equal(failure.reason.code, 'ILL_ERR_DUPLICATE');
      }
      assert.equal((await t.config.list('libraries', { limit: 10, offset: 0, filters: {} })).total, 1);
    });

    test('simultaneous patrons claiming one e-mail: one wins', async () => {
      const attempts = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          t.config.create('patrons', { primaryId: `P${i}`, firstName: 'Same', lastName: 'Mail', email: 'shared@example.edu', userGroup: 'STAFF' }),
        ),
      );
      assert.equal(attempts.filter((a) => a.status === 'fulfilled').length, 1);
      for (const failure of attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected')) {
        assert.equal((failure.reason as InterlendError).code, 'ILL_ERR_DUPLICATE');
      }
    });
  });
}
