/**
 * GET /api/v1/borrowing-requests with the staff search and filters (issue 8): partner (the current rota entry's),
 * createdFrom / createdTo (whole UTC days), q (title words, OCLC number, ISBN, request id); bad values are 400.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';

const EXAMPLE = readFileSync(new URL('../../examples/lender-of-last-resort.yaml', import.meta.url), 'utf8');
const PATRONS = readFileSync(new URL('../../examples/demo-patrons.yaml', import.meta.url), 'utf8');
const DAY = 86_400_000;

describe('borrowing request search through the API', () => {
  let app: TestApp;
  const made: Record<string, string> = {};
  const ids = async (query: string) => {
    const response = await app.call('GET', `/api/v1/borrowing-requests?${query}`);
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json() as { items: { id: string }[]; total: number };
    assert.equal(body.total, body.items.length);
    return body.items.map((r) => Object.entries(made).find(([, id]) => id === r.id)?.[0] ?? r.id).sort();
  };

  before(async () => {
    app = await createTestApp('sqlite');
    await app.transfer.importYaml(EXAMPLE);
    await app.transfer.importYaml(PATRONS);
    const books = {
      pain: { title: 'The Problem of Pain', author: 'C. S. Lewis', oclcNumber: '(OCoLC)00012345' },
      grief: { title: 'A Grief Observed', author: 'C. S. Lewis', isbn: '978-0-306-40615-7' },
      kuhn: { title: 'The Structure of Scientific Revolutions', author: 'Thomas Kuhn' },
    };
    for (const [name, citation] of Object.entries(books)) {
      const response = await app.call('POST', '/api/v1/borrowing-requests', { body: { patron: '100200300', ...citation } });
      assert.equal(response.statusCode, 201, response.body);
      made[name] = response.json().id;
      app.clock.advance(DAY); // 2026-11-28, -29, -30
    }
    // The third goes on to the next partner: it is no longer NORTH's.
    assert.equal((await app.call('POST', `/api/v1/borrowing-requests/${made.kuhn}/partner-answer`, { body: { action: 'reject', reason: 'not owned' } })).statusCode, 200);
  });
  after(() => app.close());

  test('q finds by title words, OCLC number and ISBN in any written form, and by id', async () => {
    assert.deepEqual(await ids('q=lewis'), ['grief', 'pain']);
    assert.deepEqual(await ids('q=PROBLEM%20pain'), ['pain']);
    assert.deepEqual(await ids('q=12345'), ['pain']);
    assert.deepEqual(await ids(`q=${encodeURIComponent('(OCoLC)012345')}`), ['pain']);
    assert.deepEqual(await ids('q=0306406152'), ['grief'], 'the ISBN-10 of the stored ISBN-13');
    assert.deepEqual(await ids(`q=${made.kuhn}`), ['kuhn']);
    assert.deepEqual(await ids('q=nothing'), []);
  });

  test('partner is the partner that has the request now', async () => {
    const kuhn = (await app.call('GET', `/api/v1/borrowing-requests/${made.kuhn}`)).json() as { rota: { partner: string }[]; current: number };
    const now = kuhn.rota[kuhn.current]!.partner;
    assert.notEqual(now, 'NORTH');
    assert.deepEqual(await ids('partner=NORTH'), ['grief', 'pain']);
    assert.deepEqual(await ids(`partner=${now}`), ['kuhn']);
  });

  test('createdFrom and createdTo are whole days, and combine with the rest', async () => {
    assert.deepEqual(await ids('createdFrom=2026-11-29'), ['grief', 'kuhn']);
    assert.deepEqual(await ids('createdTo=2026-11-29'), ['grief', 'pain']);
    assert.deepEqual(await ids('createdFrom=2026-11-29&createdTo=2026-11-29'), ['grief']);
    assert.deepEqual(await ids('createdFrom=2026-11-29&q=lewis&partner=NORTH'), ['grief']);
  });

  test('bad values are refused with 400 naming the parameter', async () => {
    for (const [query, path] of [['createdFrom=yesterday', 'createdFrom'], ['createdTo=2026-13-01', 'createdTo'], ['createdFrom=2026-12-02&createdTo=2026-12-01', 'createdTo']]) {
      const response = await app.call('GET', `/api/v1/borrowing-requests?${query}`);
      assert.equal(response.statusCode, 400, query);
      assert.equal(response.json().error.problems[0].path, path, query);
    }
  });
});
