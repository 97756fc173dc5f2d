/** A mistyped staff-page address: a browser gets a short page that says so and links home; the API keeps its JSON. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';

let app: TestApp;
before(async () => {
  app = await createTestApp('sqlite');
});
after(() => app.close());

test('an unknown /ui address asked for by a browser is an HTML page with a way back, the path escaped', async () => {
  const response = await app.app.inject({ method: 'GET', url: "/ui/no-such-page&x='y'", headers: { accept: 'text/html,application/xhtml+xml' } });
  assert.equal(response.statusCode, 404);
  assert.match(String(response.headers['content-type']), /^text\/html/);
  assert.match(response.body, /<h1>Not found<\/h1>/);
  assert.match(response.body, /<code>\/ui\/no-such-page&#38;x=&#39;y&#39;<\/code>/);
  assert.match(response.body, /<a href="\/ui">Back to the dashboard<\/a>/);
  assert.equal(response.headers['content-security-policy'], "default-src 'none'");
});

test('without text/html, and outside /ui, a missing address stays the JSON error', async () => {
  const json = await app.app.inject({ method: 'GET', url: '/ui/no-such-page', headers: { accept: 'application/json' } });
  assert.equal(json.statusCode, 404);
  assert.equal(json.json().error.code, 'ILL_ERR_NOT_FOUND');
  const api = await app.app.inject({ method: 'GET', url: '/api/v1/nowhere', headers: { accept: 'text/html' } });
  assert.equal(api.json().error.code, 'ILL_ERR_NOT_FOUND');
});
