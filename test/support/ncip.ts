/** What the NCIP endpoint tests share: the guide's configuration with the demo patrons, and a checked POST. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { XsdSchema } from '../../src/protocols/xml/xsd.ts';
import type { Dialect } from '../../src/storage/database.ts';
import { createTestApp, type TestApp } from './app.ts';

const EXAMPLE = readFileSync(new URL('../../examples/lender-of-last-resort.yaml', import.meta.url), 'utf8');
const PATRONS = readFileSync(new URL('../../examples/demo-patrons.yaml', import.meta.url), 'utf8');

/** A test app (SQLite unless told) with the guide's configuration and the demo patrons. */
export async function guideApp(dialect: Dialect = 'sqlite'): Promise<TestApp> {
  // The peers live on this machine (ports nobody listens on), so their messages pass the source-address check.
  const app = await createTestApp(dialect, { NORTH_PEER_URL: 'http://127.0.0.1:1/iso18626', SOUTH_PEER_URL: 'http://127.0.0.1:2/iso18626' });
  await app.transfer.importYaml(EXAMPLE);
  await app.transfer.importYaml(PATRONS);
  return app;
}

/** POSTs an NCIP message and checks the answer: HTTP 200, XML, valid against the NCIP 2.02 schema. */
export async function postNcip(app: TestApp, schema: XsdSchema, payload: Buffer | string, headers: Record<string, string> = {}, path = '/ncip'): Promise<string> {
  const response = await app.app.inject({ method: 'POST', url: path, payload, headers });
  assert.equal(response.statusCode, 200, `HTTP ${response.statusCode}: ${response.body}`);
  assert.match(String(response.headers['content-type'] ?? ''), /^application\/xml/);
  assert.deepEqual(schema.validate(response.body), [], `a valid NCIP 2.02 answer:\n${response.body}`);
  return response.body;
}
