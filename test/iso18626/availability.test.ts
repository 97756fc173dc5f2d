/**
 * Locate for peers (issue 6, item 6), over real HTTP between two Interlend sites: South publishes its holdings at
 * `GET /api/v1/availability` (a token with the role peer), and North, whose partner record of South has a locate
 * profile of type INTERLEND, asks before routing. A peer that holds the item stays in the rota, one that does not is
 * left out with its answer, one that cannot be asked stays with the reason; a peer without a locate profile always
 * stays.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';

const EXAMPLE = readFileSync(new URL('../../examples/lender-of-last-resort.yaml', import.meta.url), 'utf8');
const PATRONS = readFileSync(new URL('../../examples/demo-patrons.yaml', import.meta.url), 'utf8');
const HELD = '0012345678';

describe('availability between Interlend sites', () => {
  let north: TestApp;
  let south: TestApp;
  let southUrl: string;
  const env: Record<string, string | undefined> = { NORTH_PEER_URL: 'http://127.0.0.1:1/iso18626', SOUTH_PEER_URL: 'http://127.0.0.1:2/iso18626' };
  before(async () => {
    south = await createTestApp('sqlite', {}, { lendingHoldings: [HELD, '978-0-306-40615-7'] });
    southUrl = await south.app.listen({ port: 0, host: '127.0.0.1' });
    north = await createTestApp('sqlite', env);
    await north.transfer.importYaml(EXAMPLE);
    await north.transfer.importYaml(PATRONS);
    assert.equal((await north.call('PATCH', '/api/v1/rota-templates/ILLiad', { body: { status: 'ACTIVE' } })).statusCode, 200);
    env.SOUTH_INTERLEND_URL = southUrl;
    env.SOUTH_TOKEN = south.tokenFor.peer;
    const profile = { locateProfile: { type: 'INTERLEND', url: '${SOUTH_INTERLEND_URL}', token: '${SOUTH_TOKEN}' } };
    const patched = await north.call('PATCH', '/api/v1/partners/SOUTH', { body: profile });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.ok(!patched.body.includes(south.tokenFor.peer), 'the token is never shown');
  });
  after(async () => {
    await north.close();
    await south.close();
  });

  const route = async (oclcNumber: string) => {
    const created = await north.call('POST', '/api/v1/borrowing-requests', { body: { patron: '100200300', title: 'Asked for', oclcNumber, requestedFormat: 'PHYSICAL', citationType: 'BOOK' } });
    assert.equal(created.statusCode, 201, created.body);
    return (await north.call('GET', `/api/v1/borrowing-requests/${created.json().id}`)).json() as {
      rota: { partner: string }[];
      rotaSkips: { code: string; reason: string }[];
      history: { action: string; partner: string | null; reason: string | null }[];
    };
  };

  test('South publishes: a peer token may ask, staff tokens and no token may not', async () => {
    const asked = await south.call('GET', `/api/v1/availability?oclcNumber=12345678`, { token: south.tokenFor.peer });
    assert.equal(asked.statusCode, 200, asked.body);
    assert.deepEqual(asked.json(), { available: true, reason: 'we hold 12345678' });
    const isbn = await south.call('GET', '/api/v1/availability?isbn=9780306406157', { token: south.tokenFor.peer });
    assert.equal(isbn.json().available, true);
    const missing = await south.call('GET', '/api/v1/availability?oclcNumber=99999', { token: south.tokenFor.peer });
    assert.equal(missing.json().available, false);
    assert.equal((await south.call('GET', '/api/v1/availability?oclcNumber=1', { token: null })).statusCode, 401);
    assert.equal((await south.call('GET', '/api/v1/availability?oclcNumber=1', { token: south.tokenFor['read-only'] })).statusCode, 403);
    assert.equal((await south.call('GET', '/api/v1/availability', { token: south.tokenFor.peer })).statusCode, 400);
    // And a peer token opens nothing else.
    assert.equal((await south.call('GET', '/api/v1/borrowing-requests', { token: south.tokenFor.peer })).statusCode, 403);
  });

  test('a library that publishes no holdings says so (404), and the asker keeps it in the rota', async () => {
    assert.equal((await north.call('GET', '/api/v1/availability?oclcNumber=1', { token: north.tokenFor.peer })).statusCode, 404);
  });

  test('South holds it: South stays in the rota, and what it said is in the history', async () => {
    const request = await route(`(OCoLC)${HELD}`);
    assert.deepEqual(request.rota.map((e) => e.partner), ['NORTH', 'SOUTH', 'ILLiad']);
    const answer = request.history.find((h) => h.action === 'locate-answer');
    assert.equal(answer?.partner, 'SOUTH');
    assert.match(answer!.reason!, /holds it \(it says: we hold 12345678\)/);
  });

  test('South does not hold it: South is left out, with its answer; NORTH (no locate profile) and ILLiad stay', async () => {
    const request = await route('00099999');
    assert.deepEqual(request.rota.map((e) => e.partner), ['NORTH', 'ILLiad']);
    const skip = request.rotaSkips.find((s) => s.code === 'SOUTH');
    assert.match(skip!.reason, /not located: does not hold it/);
  });

  test('South cannot be asked (a wrong token, then down): South stays, with the reason', async () => {
    env.SOUTH_TOKEN = 'il_wrong_token_0000000000000000000000000000';
    const refused = await route('00099999');
    assert.deepEqual(refused.rota.map((e) => e.partner), ['NORTH', 'SOUTH', 'ILLiad']);
    assert.match(refused.history.find((h) => h.action === 'locate-answer')!.reason!, /could not be asked \(.*refused our token \(HTTP 401\)\); kept in the rota/);
    env.SOUTH_TOKEN = south.tokenFor.peer;
    env.SOUTH_INTERLEND_URL = 'http://127.0.0.1:1';
    const down = await route('00099999');
    assert.deepEqual(down.rota.map((e) => e.partner), ['NORTH', 'SOUTH', 'ILLiad']);
    assert.match(down.history.find((h) => h.action === 'locate-answer')!.reason!, /could not be asked \(no answer from http:\/\/127\.0\.0\.1:1/);
    env.SOUTH_INTERLEND_URL = southUrl;
  });
});
