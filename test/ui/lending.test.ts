/**
 * The lending request pages through inject(): a peer's ISO 18626 Request (posted to /iso18626 by a configured
 * partner, as in test/iso18626/lending.test.ts) shows in the list and on its page; staff actions posted as htmx
 * posts them change the status, the history and the outbox; refusals in words; role limits, CSRF, escaping.
 * The peers' addresses are unreachable loopback ports and no job is run, so what we tell the borrower stays in
 * the outbox, where the page shows it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildIso18626 } from '../../src/protocols/iso18626/build.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { peerRequest } from '../support/iso18626-request.ts';
import { type Browser, EXAMPLE, EXAMPLE_ENV, signIn } from './helpers.ts';

const HOSTILE = '<script>alert(1)</script>';
const ESCAPED = '&lt;script>alert(1)&lt;/script>';

let counter = 0;
const isoRequest = (from: string, theirId: string, title: string) => peerRequest(from, { id: theirId, title, author: 'A. Lender', needBeforeDate: '2026-12-24T00:00:00Z' });

const actionsShown = (html: string) => [...html.matchAll(/hx-post="\/ui\/lending\/[^/"]+\/actions\/([a-z-]+)"/g)].map((m) => m[1]);

describe('staff lending request pages', () => {
  let app: TestApp;
  let operator: Browser;
  let readOnly: Browser;

  before(async () => {
    app = await createTestApp('sqlite', { ...EXAMPLE_ENV });
    await app.transfer.importYaml(EXAMPLE);
    operator = await signIn(app, 'operator');
    readOnly = await signIn(app, 'read-only');
  });
  after(() => app.close());

  /** A peer's Request through /iso18626; returns our lending request's id. */
  async function lend(from: 'US-NSU' | 'US-SCC', title: string): Promise<string> {
    const theirId = `UI-${++counter}`;
    const response = await app.app.inject({ method: 'POST', url: '/iso18626', payload: buildIso18626(isoRequest(from, theirId, title)), headers: { 'content-type': 'application/xml' } });
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /<(ill:)?messageStatus>OK</, response.body);
    const page = await app.lending.list({ limit: 500, offset: 0 });
    const found = page.items.find((r) => r.requesterRequestId === theirId);
    assert.ok(found, `lending request ${theirId}`);
    return found.id;
  }
  const statusOf = async (id: string) => (await app.lending.get(id)).request.status;
  const inFuture = (days: number) => new Date(Date.parse(app.clock.now()) + days * 86_400_000).toISOString().slice(0, 10);

  test('a Request posted by a peer appears in the list, filtered by status and requester, each row a link', async () => {
    const north = await lend('US-NSU', 'Listed from the north');
    const south = await lend('US-SCC', 'Listed from the south');
    await app.lending.act(south, 'will-supply', 'test');
    const list = await operator.get('/ui/lending');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, new RegExp(`<a href="/ui/lending/${north}">Listed from the north</a>`));
    assert.match(list.body, /<td>NORTH \(US-NSU\)<\/td>/);
    assert.ok(list.body.indexOf('Listed from the south') < list.body.indexOf('Listed from the north'), 'the most recently changed first');
    assert.match(list.body, /<option value="WILL_SUPPLY">Will supply<\/option>/, 'the status filter has the lending statuses by their labels');

    const willSupply = await operator.get('/ui/lending?status=WILL_SUPPLY');
    assert.match(willSupply.body, /Listed from the south/);
    assert.doesNotMatch(willSupply.body, /Listed from the north/);
    assert.match(willSupply.body, /<option value="WILL_SUPPLY" selected>Will supply<\/option>/);
    const fromNorth = await operator.get('/ui/lending?requester=NORTH');
    assert.match(fromNorth.body, /Listed from the north/);
    assert.doesNotMatch(fromNorth.body, /Listed from the south/);
    assert.match(fromNorth.body, /<option value="NORTH" selected>NORTH<\/option>/);
    assert.match((await operator.get('/ui/lending?requester=SOUTH&status=CANCELLED')).body, /No lending request matches\./);

    // The dashboard's count is a link to the list of what it counts.
    const dashboard = await operator.get('/ui');
    const link = /<a href="(\/ui\/lending\?status=[^"]+)">Lending requests needing attention[^<]*: (\d+)<\/a>/.exec(dashboard.body);
    assert.ok(link, 'the lending count links to the list');
    const attention = await operator.get(link[1]!.replaceAll('&amp;', '&'));
    assert.match(attention.body, /Listed from the north/, 'Created is counted');
    assert.doesNotMatch(attention.body, /Listed from the south/, 'Will supply is not');
    assert.match(attention.body, /<option value="CREATED,CONDITIONAL,RETURNED_BY_PARTNER" selected>Needing attention/);
    const total = /Showing 1–(\d+) of (\d+)/.exec(attention.body);
    assert.equal(total?.[2], link[2], 'the list holds as many as the dashboard counts');
    assert.match(dashboard.body, /<a href="\/ui\/lending"[^>]*>Lending<\/a>/, 'Lending is in the navigation');
  });

  test('the page shows the citation and the requester, and buttons for exactly the allowed actions', async () => {
    const id = await lend('US-NSU', 'The Detailed Book');
    const page = await operator.get(`/ui/lending/${id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1>The Detailed Book<\/h1>/);
    assert.match(page.body, /<dt>Author<\/dt><dd>A. Lender<\/dd>/);
    assert.match(page.body, /<dt>OCLC number<\/dt><dd>0012345678<\/dd>/, 'identifiers as sent');
    assert.match(page.body, /<dt>Requester<\/dt><dd>NORTH \(US-NSU\)<\/dd>/);
    assert.match(page.body, /<dt>Requester&#39;s request id<\/dt><dd>UI-\d+<\/dd>/);
    assert.match(page.body, /<dt>Service type<\/dt><dd>Loan<\/dd>/);
    assert.match(page.body, /<dt>Need before<\/dt><dd>2026-12-24/);
    assert.match(page.body, /<dt>Renewals<\/dt><dd>0<\/dd>/);
    assert.match(page.body, /Status: <strong id="lending-status" tabindex="-1">Created lending request<\/strong>/);
    assert.match(page.body, /<td>partner:NORTH<\/td><td>create<\/td><td>— → Created lending request<\/td><td>NORTH asks to borrow/, 'the history');
    assert.match(page.body, /Nothing: the borrower has been told everything/, 'an empty outbox');

    const allowed = (await app.lending.get(id)).allowedActions;
    assert.deepEqual(actionsShown(page.body), allowed);
    assert.deepEqual([...allowed].sort(), ['cancel', 'conditional', 'process', 'reject', 'ship-digitally', 'ship-physically', 'will-supply']);
    assert.match(page.body, /<label for="reason-conditional">Conditions<\/label><textarea id="reason-conditional" name="reason" rows="3" required/);
    assert.match(page.body, /<select id="reasonUnfilled-reject" name="reasonUnfilled"><option value="NotAvailableForILL" selected>/);
    assert.match(page.body, /<option value="NotHeld">Not held \(NotHeld\)<\/option>/);
    assert.match(page.body, /<input id="reason-reject" name="reason" type="text" required/);
    assert.match(page.body, /<input id="dueDate-ship-physically" name="dueDate" type="date" value="" aria-describedby="dueDate-ship-physically-help"/);
    // The default due date itself, from the use case: today (the test clock) plus 28 days.
    const defaultDue = new Date(Date.parse(app.clock.now()) + 28 * 86_400_000).toISOString().slice(0, 10);
    assert.match(page.body, new RegExp(`id="dueDate-ship-physically-help">Empty: ${defaultDue}, today plus the loan period of 28 days`));
    assert.match(page.body, /<input id="itemId-ship-physically" name="itemId" type="text"/);
  });

  test('will supply, then ship physically with a due date: status, history and the messages to the borrower change', async () => {
    const id = await lend('US-NSU', 'Shipped Book');
    const supply = await operator.post(`/ui/lending/${id}/actions/will-supply`, {}, { htmx: true });
    assert.equal(supply.statusCode, 200);
    assert.ok(supply.body.startsWith('<div id="lending-request">'), 'a fragment, not a page');
    assert.match(supply.body, /<strong id="lending-status" tabindex="-1" autofocus>Will supply<\/strong>/);
    assert.match(supply.body, /<td>will-supply<\/td><td>Created lending request → Will supply<\/td>/);
    assert.match(supply.body, /<li>Will supply \(our first answer, ISO 18626 RequestResponse WillSupply\) — made by will-supply at [^<]+, not yet delivered<\/li>/);
    assert.deepEqual(actionsShown(supply.body), (await app.lending.get(id)).allowedActions, 'the buttons follow the new status');
    assert.equal(await statusOf(id), 'WILL_SUPPLY');

    const due = inFuture(10);
    const ship = await operator.post(`/ui/lending/${id}/actions/ship-physically`, { dueDate: due, itemId: '39001001234567' }, { htmx: true });
    assert.equal(ship.statusCode, 200);
    assert.match(ship.body, />Shipped physically<\/strong>/);
    assert.match(ship.body, new RegExp(`<td>ship-physically</td><td>Will supply → Shipped physically</td><td>due ${due}T23:59:59Z</td>`));
    assert.match(ship.body, new RegExp(`<dt>Due date</dt><dd>${due}T23:59:59Z</dd>`));
    assert.match(ship.body, /<dt>Item id<\/dt><dd>39001001234567<\/dd>/);
    assert.match(ship.body, new RegExp(`<li>Loaned \\(a status change, ISO 18626 StatusChange Loaned\\): due ${due}T23:59:59Z; item 39001001234567; sent via Mail — made by ship-physically`));
    const found = await app.lending.get(id);
    assert.equal(found.request.status, 'SHIPPED_PHYSICALLY');
    assert.equal(found.request.dueDate, `${due}T23:59:59Z`);
    assert.deepEqual(found.request.outbox.map((m) => `${m.reasonForMessage} ${m.status}`), ['RequestResponse WillSupply', 'StatusChange Loaned']);
    assert.deepEqual(actionsShown(ship.body), ['check-in']);

    // Without htmx the same post is answered with a redirect to the page.
    const plain = await operator.post(`/ui/lending/${id}/actions/check-in`, {});
    assert.equal(plain.statusCode, 303);
    assert.equal(plain.headers.location, `/ui/lending/${id}`);
    assert.equal(await statusOf(id), 'REQUEST_COMPLETED');
  });

  test('reject sends the chosen reasonUnfilled; conditional keeps its conditions', async () => {
    const rejected = await lend('US-SCC', 'Rejected Book');
    const answer = await operator.post(`/ui/lending/${rejected}/actions/reject`, { reasonUnfilled: 'NotOnShelf', reason: 'missing from the shelf' }, { htmx: true });
    assert.match(answer.body, />Rejected<\/strong>/);
    assert.match(answer.body, /<li>Unfilled \(our first answer, ISO 18626 RequestResponse Unfilled\): reason unfilled NotOnShelf; note: missing from the shelf/);
    assert.deepEqual(actionsShown(answer.body), [], 'nothing more to do');
    const conditional = await lend('US-SCC', 'Conditional Book');
    const offer = await operator.post(`/ui/lending/${conditional}/actions/conditional`, { reason: 'library use only' }, { htmx: true });
    assert.match(offer.body, />Conditional<\/strong>/);
    assert.match(offer.body, /<dt>Conditions<\/dt><dd>library use only<\/dd>/);
    assert.match(offer.body, /Conditions pending approval, please respond ACCEPT or REJECT\. Conditions: library use only/);
  });

  test('a refused action is explained in words next to its button, and nothing changes', async () => {
    const id = await lend('US-NSU', 'Refused Book');
    await app.lending.act(id, 'will-supply', 'test');
    const versionBefore = (await app.lending.get(id)).request.version;

    // Check-in while Will supply: a page left open, or a hand-made post.
    const checkIn = await operator.post(`/ui/lending/${id}/actions/check-in`, {}, { htmx: true });
    assert.equal(checkIn.statusCode, 200);
    assert.match(checkIn.body, /<p class="error" role="alert">check-in is not allowed while the request is Will supply; allowed now: [^<]*ship-physically/);

    // A due date in the past, next to the ship button, with what was typed kept.
    const past = await operator.post(`/ui/lending/${id}/actions/ship-physically`, { dueDate: '2001-01-01', itemId: 'kept-barcode' }, { htmx: true });
    assert.match(past.body, /<button type="submit" aria-describedby="error-ship-physically">Ship physically<\/button>/);
    assert.match(past.body, /<p class="error" role="alert" id="error-ship-physically">[^<]*2001-01-01 is in the past<\/p>/);
    assert.match(past.body, /id="itemId-ship-physically" name="itemId" type="text" maxlength="255" value="kept-barcode"/);
    assert.doesNotMatch(past.body, /autofocus/, 'the focus stays with the error');

    // Conditions are required.
    const noConditions = await operator.post(`/ui/lending/${id}/actions/conditional`, {}, { htmx: true });
    assert.match(noConditions.body, /<p class="error" role="alert" id="error-conditional">conditional needs a reason<\/p>/);

    const after = await app.lending.get(id);
    assert.equal(after.request.status, 'WILL_SUPPLY');
    assert.equal(after.request.version, versionBefore, 'nothing was saved');
    // Without htmx a refusal is the whole page with the error.
    const plain = await operator.post(`/ui/lending/${id}/actions/check-in`, {});
    assert.equal(plain.statusCode, 409);
    assert.match(plain.body, /<html[\s\S]*check-in is not allowed while the request is Will supply/);
  });

  test('hostile text from a peer is escaped on the list and the page', async () => {
    const id = await lend('US-NSU', HOSTILE);
    const page = await operator.get(`/ui/lending/${id}`);
    assert.ok(!page.body.includes(HOSTILE), 'no live script tag on the page');
    assert.ok(page.body.includes(`<h1>${ESCAPED}</h1>`));
    const list = await operator.get('/ui/lending');
    assert.ok(!list.body.includes(HOSTILE) && list.body.includes(ESCAPED), 'and on the list');
    const refused = await operator.post(`/ui/lending/${id}/actions/ship-physically`, { dueDate: `"${HOSTILE}`, itemId: `"${HOSTILE}` }, { htmx: true });
    assert.ok(!refused.body.includes(`"${HOSTILE}`), 'no attribute is broken out of');
    assert.ok(refused.body.includes(`value="&#34;${HOSTILE}"`), 'the typed value is kept, its quote escaped');
    assert.match(refused.body, /<p class="error" role="alert" id="error-ship-physically">[^<]*&#34;&lt;script>alert\(1\)&lt;\/script>[^<]*is not a date/, 'the refusal message is escaped');
  });

  test('a read-only role sees the pages as text, without buttons, and its posts are refused', async () => {
    const id = await lend('US-NSU', 'Read-only Book');
    const nav = await readOnly.get('/ui/lending');
    assert.equal(nav.statusCode, 200);
    assert.match(nav.body, /<a href="\/ui\/lending"[^>]*>Lending<\/a>/);
    const page = await readOnly.get(`/ui/lending/${id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1>Read-only Book<\/h1>/);
    assert.doesNotMatch(page.body, /\/actions\//);
    assert.doesNotMatch(page.body, /<button type="submit"[^>]*>Will supply/);
    const post = await readOnly.post(`/ui/lending/${id}/actions/will-supply`, {}, { htmx: true });
    assert.equal(post.statusCode, 403);
    assert.match(post.body, /The role read-only may not do this/);
    assert.equal(await statusOf(id), 'CREATED');
  });

  test('an action without the CSRF token, or with another session\'s, is refused', async () => {
    const id = await lend('US-NSU', 'CSRF Book');
    const other = await signIn(app, 'operator');
    for (const csrf of [false, 'made-up', other.csrf] as const) {
      const response = await operator.post(`/ui/lending/${id}/actions/will-supply`, {}, { csrf, htmx: true });
      assert.equal(response.statusCode, 403, String(csrf));
      assert.match(response.body, /did not come from this site/);
    }
    assert.equal(await statusOf(id), 'CREATED');
  });

  test('an unknown lending request is a page saying so', async () => {
    const response = await operator.get('/ui/lending/no-such-request');
    assert.equal(response.statusCode, 404);
    assert.match(response.body, /<h1>Not found<\/h1>/);
    const post = await operator.post('/ui/lending/no-such-request/actions/will-supply', {}, { htmx: true });
    assert.equal(post.statusCode, 404);
  });
});
