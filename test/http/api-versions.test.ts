/**
 * Optimistic concurrency in the JSON API: every configuration object (and the institution) has a version, its
 * ETag; PUT, PATCH and DELETE with If-Match are made only on that version (412 ILL_ERR_STALE otherwise, nothing
 * changed); without If-Match they write as before. A rule's name may change (its id stays); codes may not.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { library, seedPlaces } from '../support/fixtures.ts';

describe('versions of configuration objects (ETag, If-Match)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await seedPlaces((m, u, o) => t.call(m, u, o));
  });
  after(() => t.close());

  const get = async (url: string) => {
    const response = await t.call('GET', url);
    assert.equal(response.statusCode, 200, response.body);
    return { etag: response.headers.etag as string, body: response.json() };
  };
  const ifMatch = (etag: string) => ({ 'if-match': etag });

  test('GET of one object, POST and PUT answer its version as a strong ETag; a list has none', async () => {
    const created = await t.call('POST', '/api/v1/libraries', { body: library('ETAG') });
    assert.equal(created.statusCode, 201);
    assert.equal(created.headers.etag, `"${created.json().id}.1"`);
    const { etag } = await get('/api/v1/libraries/ETAG');
    assert.equal(etag, created.headers.etag, 'by code as by id: the same version');
    assert.equal((await get(`/api/v1/libraries/${created.json().id}`)).etag, etag);
    assert.equal((await t.call('GET', '/api/v1/libraries')).headers.etag, undefined);
  });

  test('a PUT with a stale If-Match is 412 ILL_ERR_STALE, says who changed it when, and changes nothing', async () => {
    await t.call('POST', '/api/v1/libraries', { body: library('STALE', { name: 'First' }) });
    const read = await get('/api/v1/libraries/STALE');
    t.clock.advance(60_000);
    const other = await t.call('PUT', '/api/v1/libraries/STALE', { body: library('STALE', { name: 'Someone else' }), headers: ifMatch(read.etag) });
    assert.equal(other.statusCode, 200, other.body);
    const changedAt = other.json().updatedAt;
    assert.equal(changedAt, '2026-11-28T12:01:00.000Z');

    const mine = await t.call('PUT', '/api/v1/libraries/STALE', { body: library('STALE', { name: 'Mine' }), headers: ifMatch(read.etag) });
    assert.equal(mine.statusCode, 412, mine.body);
    const { error } = mine.json();
    assert.equal(error.code, 'ILL_ERR_STALE');
    assert.equal(
      error.message,
      `library STALE was changed by someone else at ${changedAt}, after the version you started from: nothing was saved. It is now version ${other.headers.etag}: read it again and make your change on what is there now`,
    );
    const now = await get('/api/v1/libraries/STALE');
    assert.equal(now.body.name, 'Someone else', 'nothing changed');
    assert.equal(now.etag, other.headers.etag);
  });

  test('a PUT with the current If-Match is saved and answers the new ETag; the same document again keeps it', async () => {
    await t.call('POST', '/api/v1/libraries', { body: library('FRESH', { name: 'First' }) });
    const read = await get('/api/v1/libraries/FRESH');
    const saved = await t.call('PUT', '/api/v1/libraries/FRESH', { body: { ...read.body, name: 'Second' }, headers: ifMatch(read.etag) });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(saved.json().name, 'Second');
    assert.notEqual(saved.headers.etag, read.etag);
    assert.equal(saved.headers.etag, `"${read.body.id}.2"`);
    assert.equal((await get('/api/v1/libraries/FRESH')).etag, saved.headers.etag);
    const again = await t.call('PUT', '/api/v1/libraries/FRESH', { body: saved.json(), headers: ifMatch(saved.headers.etag as string) });
    assert.equal(again.statusCode, 200);
    assert.equal(again.headers.etag, saved.headers.etag, 'nothing changed, so the version is the same');
  });

  test('PATCH and DELETE take If-Match too', async () => {
    await t.call('POST', '/api/v1/item-policies', { body: { code: 'SHORT', name: 'Short loan', loanPeriodDays: 7 } });
    const read = await get('/api/v1/item-policies/SHORT');
    const patched = await t.call('PATCH', '/api/v1/item-policies/SHORT', { body: { loanPeriodDays: 14 }, headers: ifMatch(read.etag) });
    assert.equal(patched.statusCode, 200, patched.body);
    const stalePatch = await t.call('PATCH', '/api/v1/item-policies/SHORT', { body: { loanPeriodDays: 3 }, headers: ifMatch(read.etag) });
    assert.equal(stalePatch.statusCode, 412);
    assert.equal(stalePatch.json().error.code, 'ILL_ERR_STALE');
    const staleDelete = await t.call('DELETE', '/api/v1/item-policies/SHORT', { headers: ifMatch(read.etag) });
    assert.equal(staleDelete.statusCode, 412);
    assert.match(staleDelete.json().error.message, /^item policy SHORT was changed by someone else at .*: nothing was deleted\./);
    assert.equal((await get('/api/v1/item-policies/SHORT')).body.loanPeriodDays, 14, 'neither the stale patch nor the stale delete happened');
    const deleted = await t.call('DELETE', '/api/v1/item-policies/SHORT', { headers: ifMatch(patched.headers.etag as string) });
    assert.equal(deleted.statusCode, 204);
    assert.equal((await t.call('GET', '/api/v1/item-policies/SHORT')).statusCode, 404);
  });

  test('without If-Match, or with *, a write is made as before (the last one wins)', async () => {
    await t.call('POST', '/api/v1/libraries', { body: library('LAST', { name: 'First' }) });
    await t.call('PATCH', '/api/v1/libraries/LAST', { body: { name: 'Second' } });
    const put = await t.call('PUT', '/api/v1/libraries/LAST', { body: library('LAST', { name: 'Third' }) });
    assert.equal(put.statusCode, 200);
    const star = await t.call('PATCH', '/api/v1/libraries/LAST', { body: { name: 'Fourth' }, headers: ifMatch('*') });
    assert.equal(star.statusCode, 200);
    assert.equal((await get('/api/v1/libraries/LAST')).body.name, 'Fourth');
    assert.equal((await t.call('PATCH', '/api/v1/libraries/NOPE', { body: { name: 'x' }, headers: ifMatch('*') })).statusCode, 404);
  });

  test('If-Match may list several versions, or weak ones; anything else is 400 and changes nothing', async () => {
    await t.call('POST', '/api/v1/libraries', { body: library('TAGS', { name: 'First' }) });
    const read = await get('/api/v1/libraries/TAGS');
    const listed = await t.call('PATCH', '/api/v1/libraries/TAGS', { body: { name: 'Listed' }, headers: ifMatch(`"old.1", ${read.etag}`) });
    assert.equal(listed.statusCode, 200, listed.body);
    const weak = await t.call('PATCH', '/api/v1/libraries/TAGS', { body: { name: 'Weak' }, headers: ifMatch(`W/${listed.headers.etag}`) });
    assert.equal(weak.statusCode, 200, weak.body);
    for (const bad of [listed.headers.etag!.toString().slice(1, -1), '"unterminated', '"a" "b"', ',']) {
      const refused = await t.call('PATCH', '/api/v1/libraries/TAGS', { body: { name: 'Bad' }, headers: ifMatch(bad) });
      assert.equal(refused.statusCode, 400, `${bad}: ${refused.body}`);
      assert.equal(refused.json().error.code, 'ILL_ERR_BAD_REQUEST');
    }
    assert.equal((await get('/api/v1/libraries/TAGS')).body.name, 'Weak');
  });

  test('the institution has a version too', async () => {
    const none = await t.call('PUT', '/api/v1/institution', { body: { code: 'CSU', name: 'State', ncipAgencyId: 'CSU', timeZone: 'UTC' }, headers: ifMatch('"institution.1"') });
    assert.equal(none.statusCode, 412, 'there is none yet to be at that version');
    assert.equal((await t.call('GET', '/api/v1/institution')).statusCode, 404);
    const first = await t.call('PUT', '/api/v1/institution', { body: { code: 'CSU', name: 'State', ncipAgencyId: 'CSU', timeZone: 'UTC' } });
    assert.equal(first.statusCode, 200, first.body);
    const read = await get('/api/v1/institution');
    assert.equal(read.etag, first.headers.etag);
    const saved = await t.call('PUT', '/api/v1/institution', { body: { ...read.body, name: 'State University' }, headers: ifMatch(read.etag) });
    assert.equal(saved.statusCode, 200, saved.body);
    const stale = await t.call('PUT', '/api/v1/institution', { body: { ...read.body, name: 'Lost' }, headers: ifMatch(read.etag) });
    assert.equal(stale.statusCode, 412);
    assert.match(stale.json().error.message, /^the institution was changed by someone else at /);
    assert.equal((await get('/api/v1/institution')).body.name, 'State University');
  });

  test('a rule is renamed by PUT or PATCH and keeps its id; a name taken is 409 next to the name; codes still cannot change', async () => {
    await t.call('POST', '/api/v1/rota-templates', { body: { code: 'ANY', name: 'Any', members: [] } });
    const first = (await t.call('POST', '/api/v1/rota-rules', { body: { name: 'First rule', templates: ['ANY'] } })).json();
    await t.call('POST', '/api/v1/rota-rules', { body: { name: 'Second rule', templates: ['ANY'] } });
    const read = await get('/api/v1/rota-rules/First rule');
    const renamed = await t.call('PUT', `/api/v1/rota-rules/${first.id}`, { body: { ...read.body, name: 'Renamed rule' }, headers: ifMatch(read.etag) });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(renamed.json().id, first.id);
    assert.equal(renamed.json().position, 1, 'its place in the list stays');
    assert.equal((await t.call('GET', '/api/v1/rota-rules/First rule')).statusCode, 404);
    assert.equal((await get('/api/v1/rota-rules/Renamed rule')).body.id, first.id);
    const patched = await t.call('PATCH', '/api/v1/rota-rules/Renamed rule', { body: { name: 'Patched rule' } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual(
      (await t.call('GET', '/api/v1/rota-rules')).json().items.map((r: { name: string }) => r.name),
      ['Patched rule', 'Second rule'],
    );

    const taken = await t.call('PATCH', '/api/v1/rota-rules/Patched rule', { body: { name: 'Second rule' } });
    assert.equal(taken.statusCode, 409, taken.body);
    assert.equal(taken.json().error.code, 'ILL_ERR_DUPLICATE');
    assert.deepEqual(taken.json().error.problems, [{ path: 'name', message: 'another rota assignment rule is called Second rule: choose another name' }]);
    assert.equal((await get(`/api/v1/rota-rules/${first.id}`)).body.name, 'Patched rule');

    const code = await t.call('PATCH', '/api/v1/rota-templates/ANY', { body: { code: 'OTHER' } });
    assert.equal(code.statusCode, 422);
    assert.equal(code.json().error.code, 'ILL_ERR_IMMUTABLE');
  });

  test('OpenAPI documents If-Match on the writes', async () => {
    const spec = (await t.call('GET', '/openapi.json', { token: null })).json();
    for (const method of ['put', 'patch', 'delete']) {
      const parameters = spec.paths['/api/v1/partners/{ref}'][method].parameters as { in: string; name: string }[];
      assert.ok(parameters.some((p) => p.in === 'header' && p.name === 'if-match'), method);
    }
  });
});
