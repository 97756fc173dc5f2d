/**
 * The request pages through inject(): the form, the list and its filters, the detail page and its actions (posted
 * as htmx posts them), role limits, CSRF refusals, and hostile text coming back escaped.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { type Browser, EXAMPLE, EXAMPLE_ENV, PATRONS, signIn } from './helpers.ts';

const HOSTILE = '<script>alert(1)</script>';
const ESCAPED = '&lt;script>alert(1)&lt;/script>';

describe('staff request pages', () => {
  let app: TestApp;
  let operator: Browser;
  let readOnly: Browser;

  before(async () => {
    app = await createTestApp('sqlite', { ...EXAMPLE_ENV });
    await app.transfer.importYaml(EXAMPLE);
    await app.transfer.importYaml(PATRONS);
    operator = await signIn(app, 'operator');
    readOnly = await signIn(app, 'read-only');
  });
  after(() => app.close());

  const create = async (form: Record<string, string>) => {
    const response = await operator.post('/ui/requests/new', form);
    assert.equal(response.statusCode, 303, response.body);
    return (response.headers.location as string).split('/').pop()!;
  };
  const statusOf = async (id: string) => (await app.borrowing.get(id)).request.status;

  test('the new-request form creates a request through the use case and shows its page', async () => {
    const form = await operator.get('/ui/requests/new');
    assert.equal(form.statusCode, 200);
    for (const name of ['patron', 'title', 'citationType', 'requestedFormat', 'pickupLibrary', 'patronNote']) {
      assert.match(form.body, new RegExp(`<label for="f-${name}">`), `${name} has a label`);
    }
    const id = await create({ patron: '100200300', title: 'Mere Christianity', author: 'C. S. Lewis', oclcNumber: '12345' });
    const page = await operator.get(`/ui/requests/${id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1>Mere Christianity<\/h1>/);
    assert.match(page.body, /Request sent to partner/);
    assert.match(page.body, /<td>NORTH<\/td><td>PEERS<\/td><td>SENT<\/td>/, 'the rota with each entry and its outcome');
    assert.match(page.body, /rota template ILLiad \(ILLiad Partner\) is Inactive/, 'what was left out, and why');
    assert.match(page.body, /Network peers first<\/strong> <span>— matched/, 'the rule trace');
    assert.match(page.body, /<td>create<\/td>/, 'the history');
  });

  test('a refused form keeps what was typed and puts each problem next to its field', async () => {
    const response = await operator.post('/ui/requests/new', { patron: 'nobody-here', title: '', author: 'Kept Author' });
    assert.equal(response.statusCode, 422);
    assert.match(response.body, /<p class="error" id="f-title-error">[^<]+<\/p>/);
    assert.match(response.body, /aria-describedby="f-title-error"/);
    assert.match(response.body, /value="Kept Author"/);
    const unknownPatron = await operator.post('/ui/requests/new', { patron: 'nobody-here', title: 'Something' });
    assert.equal(unknownPatron.statusCode, 422);
    assert.match(unknownPatron.body, /<p class="error" id="f-patron-error">names patron nobody-here, who does not exist<\/p>/);
  });

  test('hostile text is escaped wherever it is shown', async () => {
    const id = await create({ patron: '100200300', title: HOSTILE, author: `"><img src=x onerror=alert(2)>`, patronNote: HOSTILE });
    const page = await operator.get(`/ui/requests/${id}`);
    assert.ok(!page.body.includes(HOSTILE), 'no live script tag on the detail page');
    assert.ok(!page.body.includes('<img src=x'), 'no live img tag');
    assert.ok(page.body.includes(`<h1>${ESCAPED}</h1>`));
    assert.ok(page.body.includes(`<dd>${ESCAPED}</dd>`), 'the patron note too');
    const list = await operator.get('/ui/requests');
    assert.ok(!list.body.includes(HOSTILE) && list.body.includes(ESCAPED), 'and on the list');
    // In a refused form the value goes back into an attribute: a quote must not end it.
    const refused = await operator.post('/ui/requests/new', { patron: `"${HOSTILE}`, title: `"${HOSTILE}` });
    assert.equal(refused.statusCode, 422);
    assert.ok(!refused.body.includes(`"${HOSTILE}`), 'no attribute is broken out of');
    assert.ok(refused.body.includes(`value="&#34;${HOSTILE}"`), 'the value is kept, its quote escaped');
    assert.ok(refused.body.includes(`names patron &#34;${ESCAPED}, who does not exist`), 'the message is escaped too');
    const search = await operator.get(`/ui/requests?q=${encodeURIComponent(`"${HOSTILE}`)}`);
    assert.ok(!search.body.includes(`"${HOSTILE}`), 'the search box keeps its attribute');
    assert.ok(search.body.includes(` “&#34;${ESCAPED}”.</p>`), 'the search summary is escaped');
  });

  test('an action posted by htmx answers the updated fragment, and the status and history change', async () => {
    const id = await create({ patron: '100200300', title: 'To be cancelled' });
    const response = await operator.post(`/ui/requests/${id}/actions/cancel`, { reason: 'patron found a copy' }, { htmx: true });
    assert.equal(response.statusCode, 200);
    assert.ok(response.body.startsWith('<div id="request">'), 'a fragment, not a page');
    assert.match(response.body, /<strong id="request-status" tabindex="-1" autofocus>Cancelled by staff<\/strong>/);
    assert.match(response.body, /<td>cancel<\/td><td>Request sent to partner → Cancelled by staff<\/td><td>NORTH<\/td><td>patron found a copy<\/td>/);
    assert.doesNotMatch(response.body, /actions\/cancel"/, 'a cancelled request offers no cancel');
    assert.equal(await statusOf(id), 'CANCELLED_BY_STAFF');
  });

  test('the buttons are exactly the actions the state model allows now', async () => {
    const id = await create({ patron: '100200300', title: 'Buttons' });
    const page = await operator.get(`/ui/requests/${id}`);
    const shown = [...page.body.matchAll(/hx-post="\/ui\/requests\/[^/]+\/actions\/([a-z-]+)"/g)].map((m) => m[1]);
    assert.deepEqual(shown, (await app.borrowing.get(id)).allowedActions);
    assert.match(page.body, /<label for="reason-cancel">Reason \(Cancel the request\)<\/label>/, 'a reason field where the action needs one');
  });

  test('a refused action is explained in words next to its button, and nothing changes', async () => {
    const id = await create({ patron: '100200300', title: 'Refused' });
    const missingReason = await operator.post(`/ui/requests/${id}/actions/cancel`, {}, { htmx: true });
    assert.equal(missingReason.statusCode, 200);
    assert.match(missingReason.body, /<p class="error" role="alert" id="error-cancel">[^<]*reason[^<]*<\/p>/i);
    // A page left open while the request moved on: the button is stale.
    const notNow = await operator.post(`/ui/requests/${id}/actions/receive`, {}, { htmx: true });
    assert.match(notNow.body, /<p class="error" role="alert">receive is not allowed while the request is Request sent to partner/);
    assert.equal(await statusOf(id), 'REQUEST_SENT_TO_PARTNER');
    // Without htmx the same refusal is a whole page with the error.
    const plain = await operator.post(`/ui/requests/${id}/actions/receive`, {});
    assert.equal(plain.statusCode, 409);
    assert.match(plain.body, /<html/);
  });

  test('a state change without the CSRF token, or with another session\'s, is refused', async () => {
    const id = await create({ patron: '100200300', title: 'CSRF target' });
    const other = await signIn(app, 'operator');
    assert.notEqual(other.csrf, operator.csrf, 'each sign-in has its own token');
    for (const csrf of [false, 'made-up', other.csrf] as const) {
      const response = await operator.post(`/ui/requests/${id}/actions/patron-cancel`, {}, { csrf, htmx: true });
      assert.equal(response.statusCode, 403, String(csrf));
      assert.match(response.body, /did not come from this site/);
    }
    const form = await operator.post('/ui/requests/new', { patron: '100200300', title: 'forged' }, { csrf: false });
    assert.equal(form.statusCode, 403);
    assert.equal(await statusOf(id), 'REQUEST_SENT_TO_PARTNER');
  });

  test('a read-only role sees requests but no form and no buttons, and its posts are refused', async () => {
    const id = await create({ patron: '100200300', title: 'Read only' });
    const dashboard = await readOnly.get('/ui');
    assert.equal(dashboard.statusCode, 200);
    assert.doesNotMatch(dashboard.body, /href="\/ui\/requests\/new"/);
    assert.equal((await readOnly.get('/ui/requests/new')).statusCode, 403);
    const page = await readOnly.get(`/ui/requests/${id}`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /\/actions\//);
    const post = await readOnly.post(`/ui/requests/${id}/actions/patron-cancel`, {});
    assert.equal(post.statusCode, 403);
    assert.match(post.body, /The role read-only may not do this/);
    assert.equal(await statusOf(id), 'REQUEST_SENT_TO_PARTNER');
  });

  test('the list filters by status and patron, and the search finds a request by its id', async () => {
    const kept = await create({ patron: '100200301', title: 'Filter kept' });
    const gone = await create({ patron: '100200302', title: 'Filter cancelled' });
    await operator.post(`/ui/requests/${gone}/actions/patron-cancel`, {}, { htmx: true });
    const cancelled = await operator.get('/ui/requests?status=CANCELLED_BY_PATRON');
    assert.match(cancelled.body, /Filter cancelled/);
    assert.doesNotMatch(cancelled.body, /Filter kept/);
    assert.match(cancelled.body, /<option value="CANCELLED_BY_PATRON" selected>/);
    const byPatron = await operator.get('/ui/requests?patron=100200301');
    assert.match(byPatron.body, /Filter kept/);
    assert.doesNotMatch(byPatron.body, /Filter cancelled/);
    const found = await operator.get(`/ui/requests?q=${kept}`);
    assert.match(found.body, /Showing 1–1 of 1 “/);
    assert.match(found.body, new RegExp(`href="/ui/requests/${kept}"`));
    assert.match((await operator.get('/ui/requests?q=nothing-like-it')).body, /No request matches “nothing-like-it”/);
  });

  test('the list searches title words, OCLC numbers and ISBNs, and filters by partner and created date', async () => {
    const pain = await create({ patron: '100200300', title: 'Searchable Problem of Pain', author: 'C. S. Lewis', oclcNumber: '(OCoLC)0098765' });
    app.clock.advance(2 * 86_400_000);
    const grief = await create({ patron: '100200300', title: 'Searchable Grief Observed', isbn: '978-0-306-40615-7' });
    await operator.post(`/ui/requests/${grief}/actions/cancel-partner`, { reason: 'moving on' }, { htmx: true });
    const titles = async (query: string) => {
      const page = await operator.get(`/ui/requests?${query}`);
      assert.equal(page.statusCode, 200);
      return [...page.body.matchAll(/<a href="\/ui\/requests\/([^"]+)">/g)].map((m) => m[1]).filter((id) => id === pain || id === grief);
    };
    assert.deepEqual(await titles('q=searchable%20PAIN'), [pain]);
    assert.deepEqual(await titles('q=98765'), [pain], 'the OCLC number without its zeros and prefix');
    assert.deepEqual(await titles('q=0306406152'), [grief], 'the ISBN-10 of the stored ISBN-13');
    assert.deepEqual((await titles('q=searchable')).sort(), [pain, grief].sort());
    const today = app.clock.now().slice(0, 10);
    assert.deepEqual(await titles(`q=searchable&createdFrom=${today}`), [grief]);
    assert.deepEqual(await titles(`q=searchable&createdTo=${today}`).then((r) => r.sort()), [pain, grief].sort());
    assert.deepEqual(await titles('q=searchable&createdFrom=not-a-date'), (await titles('q=searchable')), 'a bad date is dropped, not refused');
    const painNow = (await app.borrowing.get(pain)).request;
    const griefNow = (await app.borrowing.get(grief)).request;
    const partnerOf = (r: typeof painNow) => r.rota[r.current!]!.partner;
    assert.notEqual(partnerOf(painNow), partnerOf(griefNow), 'cancel-partner moved the second on');
    assert.deepEqual(await titles(`q=searchable&partner=${partnerOf(painNow)}`), [pain]);
    const page = await operator.get(`/ui/requests?partner=${partnerOf(griefNow)}&createdFrom=${today}`);
    assert.match(page.body, new RegExp(`<option value="${partnerOf(griefNow)}" selected>`), 'the partner filter is kept');
    assert.match(page.body, new RegExp(`id="createdFrom" name="createdFrom" type="date" value="${today}"`), 'the date is kept');
    assert.match(page.body, /<label for="q">Search<\/label>/);
  });

  test('the Messages section shows the NCIP messages about the request, with our answers as sent, escaped', async () => {
    const id = await create({ patron: '100200300', title: 'Messaged Book' });
    const empty = await operator.get(`/ui/requests/${id}`);
    assert.match(empty.body, /<h2 id="messages-heading">Messages<\/h2>/);
    assert.match(empty.body, /No NCIP message about this request yet\./);
    // As the NCIP responder records them (test/ncip covers the recording); one answered, one a Problem.
    const record = (at: string, service: string, outcome: 'success' | 'problem', body: string) =>
      app.storage.read.ncipMessages.insert({ id: `m-${service}`, at, partner: 'ILLiad', service, borrowingRequest: id, outcome, problem: outcome === 'problem' ? 'Unknown Item' : null, durationMs: 4, requestBody: body, responseBody: `<NCIPMessage><${service}Response/></NCIPMessage>` });
    // Recorded out of order: the page sorts by time.
    await record('2026-11-28T11:00:00.000Z', 'CheckInItem', 'problem', '<NCIPMessage><CheckInItem/></NCIPMessage>');
    await record('2026-11-28T10:00:00.000Z', 'AcceptItem', 'success', '<NCIPMessage><AcceptItem><Title><script>alert(1)</script></Title></AcceptItem></NCIPMessage>');
    const page = await operator.get(`/ui/requests/${id}`);
    assert.match(page.body, /<td>2026-11-28T10:00:00.000Z<\/td><td>AcceptItem<\/td><td>Answered<\/td><td>4 ms<\/td>/);
    assert.match(page.body, /<tr class="invalid"><td>2026-11-28T11:00:00.000Z<\/td><td>CheckInItem<\/td><td>Answered with a Problem: Unknown Item<\/td>/);
    assert.match(page.body, /<pre class="xml">&lt;NCIPMessage>&lt;AcceptItem>&lt;Title>&lt;script>alert\(1\)&lt;\/script>/, 'the message as sent, escaped');
    assert.match(page.body, /<pre class="xml">&lt;NCIPMessage>&lt;AcceptItemResponse\/>/, 'our answer');
    assert.doesNotMatch(page.body, /<script>alert/);
    assert.ok(page.body.indexOf('AcceptItem</td>') < page.body.indexOf('CheckInItem</td>'), 'oldest first');
    // The API gives the same records (GET /api/v1/borrowing-requests/{id}/messages), through the same use case.
    const api = (await app.call('GET', `/api/v1/borrowing-requests/${id}/messages`)).json() as { items: { service: string }[] };
    assert.deepEqual(api.items.map((m) => m.service), ['AcceptItem', 'CheckInItem']);
    assert.equal((await app.call('GET', '/api/v1/borrowing-requests/no-such/messages')).statusCode, 404);
  });

  test('an unknown request is a page saying so', async () => {
    const response = await operator.get('/ui/requests/no-such-request');
    assert.equal(response.statusCode, 404);
    assert.match(response.body, /<h1>Not found<\/h1>/);
  });
});
