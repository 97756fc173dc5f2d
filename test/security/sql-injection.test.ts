/**
 * SQL injection attempts in every filter and text field of the JSON API and in the staff pages' search boxes
 * (issue 10, item 5), on SQLite and PostgreSQL: each is answered normally (a 2xx or a 4xx in words, never a 5xx),
 * finds no row that does not hold it literally (a LIKE wildcard matches only itself), and leaves the data as it was (the tables'
 * counts, and a text that looks like SQL stored and read back verbatim).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from '../support/app.ts';
import { DIALECTS } from '../support/databases.ts';
import { EXAMPLE, EXAMPLE_ENV, PATRONS, signIn, type Browser } from '../ui/helpers.ts';

/** Each would find or change rows if it reached SQL as SQL, or as a LIKE pattern. */
const ATTEMPTS = [
  "' OR 1=1 --",
  "' OR '1'='1",
  '" OR ""="',
  '"; DROP TABLE patron; --',
  "'); DELETE FROM borrowing_request; --",
  "' UNION SELECT token_hash, name, role FROM api_token --",
  '1; UPDATE partner SET data = null',
  '%',
  '_',
  '%%',
  '\\',
  '\\%',
  "\\'",
  '$1',
  '?',
  '*',
  "‘ OR 1=1 --",
  'Ａ％＿',
  '😀%',
  '\u0000',
  "a\u0000' OR 1=1 --",
];

/** The lists and their filters, as the JSON API takes them. */
const API_FILTERS: Record<string, string[]> = {
  '/api/v1/borrowing-requests': ['q', 'patron', 'partner', 'status', 'createdFrom', 'createdTo'],
  '/api/v1/lending-requests': ['requester', 'status'],
  '/api/v1/patrons': ['q', 'userGroup', 'status'],
  '/api/v1/partners': ['q', 'status', 'profileType'],
  '/api/v1/libraries': ['q', 'isPickup'],
  '/api/v1/locations': ['q', 'library'],
  '/api/v1/desks': ['q', 'library'],
  '/api/v1/item-policies': ['q'],
  '/api/v1/rota-templates': ['q', 'status'],
  '/api/v1/rota-rules': ['q', 'enabled'],
  '/api/v1/items': ['barcode', 'status', 'borrowingRequest'],
  '/api/v1/loans': ['borrower', 'status'],
  '/api/v1/hold-shelf': ['pickupLibrary'],
  '/api/v1/jobs': ['state', 'type'],
  '/api/v1/queues': ['staleDays'],
  '/api/v1/users': ['q'],
  '/api/v1/tokens': ['sessions'],
  '/api/v1/availability': ['oclcNumber', 'isbn', 'issn'],
};

/** The objects addressed by code or id in a path. */
const BY_PATH = ['/api/v1/patrons/', '/api/v1/partners/', '/api/v1/libraries/', '/api/v1/rota-rules/', '/api/v1/borrowing-requests/', '/api/v1/lending-requests/', '/api/v1/items/', '/api/v1/jobs/', '/api/v1/users/', '/api/v1/partners/ILLiad/identity?patron='];

/** The staff pages' search boxes and filters. */
const UI_FILTERS: Record<string, string[]> = {
  '/ui/requests': ['q', 'patron', 'partner', 'status', 'createdFrom', 'createdTo'],
  '/ui/patrons': ['q', 'status', 'offset'],
  '/ui/lending': ['requester', 'status', 'page'],
  '/ui/partners': ['q'],
  '/ui/rota-rules': ['created'],
};

function assertAnswered(response: LightMyRequestResponse, what: string): void {
  assert.ok(response.statusCode < 500, `${what}: HTTP ${response.statusCode} ${response.body.slice(0, 300)}`);
}

for (const { dialect, skip } of DIALECTS) {
  describe(`${dialect}: SQL injection attempts`, { skip }, () => {
    let t: TestApp;
    let browser: Browser;
    let counts: Record<string, number>;

    /** The size of every table the attempts could touch, through the API (each list's total). */
    async function tableCounts(): Promise<Record<string, number>> {
      const out: Record<string, number> = {};
      for (const list of ['borrowing-requests', 'lending-requests', 'patrons', 'partners', 'libraries', 'locations', 'desks', 'item-policies', 'rota-templates', 'rota-rules', 'items', 'loans', 'jobs', 'users', 'tokens']) {
        const response = await t.call('GET', `/api/v1/${list}?limit=1`);
        assert.equal(response.statusCode, 200, `${list}: ${response.body}`);
        const body = response.json();
        out[list] = body.total ?? body.items.length;
      }
      return out;
    }

    before(async () => {
      t = await createTestApp(dialect, EXAMPLE_ENV);
      await t.transfer.importYaml(EXAMPLE);
      await t.transfer.importYaml(PATRONS);
      for (const title of ['Zymurgy of the north', 'Quixotic quarks']) {
        assert.equal((await t.call('POST', '/api/v1/borrowing-requests', { body: { patron: '100200300', title } })).statusCode, 201);
      }
      await t.drain();
      browser = await signIn(t, 'admin');
      counts = await tableCounts();
    });
    after(() => t.close());

    test('every filter of every API list: answered, and no row found by an attempt', async () => {
      for (const [list, filters] of Object.entries(API_FILTERS)) {
        for (const filter of filters) {
          for (const attempt of ATTEMPTS) {
            const url = `${list}?${filter}=${encodeURIComponent(attempt)}`;
            const response = await t.call('GET', url);
            assertAnswered(response, url);
            if (response.statusCode !== 200) continue;
            const body = response.json();
            if (Array.isArray(body.items) && list !== '/api/v1/tokens' && list !== '/api/v1/queues') {
              // Whatever is found holds the text searched for, literally (RS_LONG_LOAN for "_"): nothing else.
              for (const item of body.items) assert.ok(JSON.stringify(item).toLowerCase().includes(attempt.toLowerCase()), `${url} found ${JSON.stringify(item).slice(0, 200)}`);
            }
          }
        }
      }
    });

    test('every object addressed by an attempt: not found or refused, never a 5xx', async () => {
      for (const base of BY_PATH) {
        for (const attempt of ATTEMPTS) {
          const url = `${base}${encodeURIComponent(attempt)}`;
          for (const method of base.includes('?') ? (['GET'] as const) : (['GET', 'DELETE', 'PATCH'] as const)) {
            const response = await t.call(method, url, method === 'PATCH' ? { body: { name: attempt } } : {});
            assertAnswered(response, `${method} ${url}`);
            assert.notEqual(response.statusCode, 200, `${method} ${url} found something`);
          }
        }
      }
    });

    test('every staff page search box and filter: a page, never a 5xx, and no row found', async () => {
      for (const [page, filters] of Object.entries(UI_FILTERS)) {
        for (const filter of filters) {
          for (const attempt of ATTEMPTS) {
            const url = `${page}?${filter}=${encodeURIComponent(attempt)}`;
            const response = await browser.get(url);
            assertAnswered(response, url);
            if (filter === 'q' && response.statusCode === 200) {
              assert.doesNotMatch(response.body, /Zymurgy|Quixotic/, `${url} lists a request`);
              if (page === '/ui/patrons') assert.doesNotMatch(response.body, /100200300/, `${url} lists a patron`);
            }
          }
        }
      }
    });

    test('attempts in every text field of new objects are stored and read back verbatim, or refused in words', async () => {
      let n = 0;
      for (const attempt of ATTEMPTS) {
        n++;
        const checks: [string, string, Record<string, unknown>, string[]][] = [
          ['/api/v1/borrowing-requests', 'id', { patron: '100200300', title: attempt, author: attempt, publisher: attempt, placeOfPublication: attempt, volume: attempt, pages: attempt, patronNote: attempt }, ['citation.title', 'citation.author']],
          ['/api/v1/patrons', 'primaryId', { primaryId: `sqli-${n}`, firstName: attempt, lastName: attempt, email: `sqli${n}@example.edu`, userGroup: attempt }, ['firstName', 'lastName', 'userGroup']],
          ['/api/v1/libraries', 'code', { code: `SQLI${n}`, name: attempt }, ['name']],
          ['/api/v1/rota-templates', 'code', { code: `SQLI${n}`, name: attempt, members: [] }, ['name']],
        ];
        for (const [list, key, body, fields] of checks) {
          const created = await t.call('POST', list, { body });
          assertAnswered(created, `POST ${list} ${JSON.stringify(attempt)}`);
          if (created.statusCode !== 201) {
            assert.ok(created.json().error.message.length > 0);
            continue;
          }
          const id = created.json()[key];
          const back = (await t.call('GET', `${list}/${encodeURIComponent(id)}`)).json();
          for (const field of fields) {
            const value = field.split('.').reduce((o: Record<string, unknown>, k) => o?.[k] as Record<string, unknown>, back) as unknown;
            assert.equal(value, attempt.trim() || null, `${list} ${field}`);
          }
          if (list === '/api/v1/borrowing-requests') {
            const note = await t.call('POST', `${list}/${id}/actions/cancel`, { body: { reason: attempt } });
            assertAnswered(note, 'cancel with an attempt as reason');
          } else {
            assert.equal((await t.call('DELETE', `${list}/${encodeURIComponent(id)}`)).statusCode, 204);
          }
        }
      }
      // Only the borrowing requests remain of what was made here: every table as it was, but those.
      const now = await tableCounts();
      const made = now['borrowing-requests']! - counts['borrowing-requests']!;
      assert.ok(made >= 1);
      assert.deepEqual({ ...now, 'borrowing-requests': 0, jobs: 0 }, { ...counts, 'borrowing-requests': 0, jobs: 0 });
    });

    test('a configuration file and a CSV of patrons carrying attempts change nothing they should not', async () => {
      for (const attempt of ATTEMPTS.slice(0, 8)) {
        const yaml = `version: 1\nlibraries:\n  - code: SQLIY\n    name: ${JSON.stringify(attempt)}\n`;
        const imported = await t.call('POST', '/api/v1/config?dryRun=true', { body: yaml, headers: { 'content-type': 'application/yaml' } });
        assertAnswered(imported, `config ${attempt}`);
        const csv = `primaryId,firstName,lastName,email,userGroup\nsqli-csv,${JSON.stringify(attempt)},x,csv@example.edu,STAFF\n`;
        const preview = await t.call('POST', '/api/v1/patrons/import', { body: csv, headers: { 'content-type': 'text/csv' } });
        assertAnswered(preview, `csv ${attempt}`);
      }
      const yamlNul = 'version: 1\nlibraries:\n  - code: SQLIN\n    name: "a\\0b"\n';
      const nul = await t.call('POST', '/api/v1/config', { body: yamlNul, headers: { 'content-type': 'application/yaml' } });
      assert.equal(nul.statusCode, 422, nul.body);
      assert.deepEqual(nul.json().error.problems, [{ path: 'libraries[0].name', message: 'must not contain the NUL character (U+0000)', line: 4 }]);
      const now = await tableCounts();
      assert.equal(now.patrons, counts.patrons);
      assert.equal(now.libraries, counts.libraries);
    });
  });
}
