/**
 * The patron pages through inject() (issue 9, items 1, 2 and 4): the OpenURL intake to the request page through
 * sign-in, placing a request through BorrowingService, duplicates flagged, a guest refused with the reason, a
 * patron seeing only their own requests (another's id: 404), cancel, renewal, PIN sign-in refused and throttled,
 * the cookie apart from the staff pages', CSRF, escaping.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { signIn as staffSignIn } from './helpers.ts';
import { EXAMPLE_ENV, guidePatrons, PIN, patronBrowser, patronSignIn, textOf } from './patron-helpers.ts';

const ARTICLE =
  'url_ver=Z39.88-2004&ctx_ver=Z39.88-2004&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Ajournal&rft.genre=article&rft.atitle=Molecular+structure+of+nucleic+acids&rft.jtitle=Nature&rft.aulast=Watson&rft.aufirst=J.+D.&rft.date=1953&rft.volume=171&rft.spage=737&rft.epage=738&rft.issn=0028-0836&rft_id=info%3Apmid%2F13054692&rft.foo=bar';
const BOOK = 'sid=Primo&genre=book&title=The+Problem+of+Pain&aulast=Lewis&aufirst=C.+S.&isbn=0306406152';
const HOSTILE = '<script>alert(1)</script>';

/** The request page's form as the browser would send it back, from the page's own values. */
function formOf(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*>/g)) {
    const value = /value="([^"]*)"/.exec(m[0])?.[1] ?? '';
    if (!/type="(password|hidden)"/.test(m[0]) || m[1] === 'confirmDuplicate') fields[m[1]!] = value.replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  }
  for (const m of html.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) fields[m[1]!] = /<option value="([^"]*)" selected/.exec(m[2]!)?.[1] ?? '';
  for (const m of html.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) fields[m[1]!] = m[2]!;
  return fields;
}

describe('the patron pages (PIN sign-in)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp('sqlite', EXAMPLE_ENV);
    await guidePatrons(t, ['100200301']);
  });
  after(() => t.close());

  test('GET /openurl opens the request page through sign-in, with the citation filled in and what was not used listed', async () => {
    const browser = patronBrowser(t);
    const intake = await browser.get(`/openurl?${ARTICLE}`);
    assert.equal(intake.statusCode, 303);
    assert.equal(intake.headers.location, `/patron/request?${ARTICLE}`);
    const page = await browser.get(intake.headers.location as string);
    assert.equal(page.statusCode, 303, 'not signed in yet');
    const signInAt = page.headers.location as string;
    assert.equal(signInAt, `/patron/sign-in?next=${encodeURIComponent(`/patron/request?${ARTICLE}`)}`);
    const signInPage = await browser.get(signInAt);
    assert.match(signInPage.body, /<label for="identifier">Library id<\/label>/);
    const next = /name="next" value="([^"]+)"/.exec(signInPage.body)![1]!.replace(/&amp;/g, '&');
    const signedIn = await browser.post('/patron/sign-in', { identifier: '100200300', pin: PIN, next }, { csrf: false });
    assert.equal(signedIn.statusCode, 303);
    assert.equal(signedIn.headers.location, `/patron/request?${ARTICLE}`, 'back to the request page');
    const filled = await browser.get(signedIn.headers.location as string);
    assert.equal(filled.statusCode, 200, filled.body);
    const values = formOf(filled.body);
    assert.deepEqual(
      [values.citationType, values.title, values.articleTitle, values.articleAuthor, values.year, values.volume, values.pages, values.issn, values.pmid, values.pickupLibrary],
      ['ARTICLE', 'Nature', 'Molecular structure of nucleic acids', 'Watson, J. D.', '1953', '171', '737-738', '0028-0836', '13054692', 'MAIN'],
    );
    assert.match(textOf(filled.body), /Parts of the link that were not used \(1\) rft\.foo: not a key Interlend knows/);
    assert.match(filled.body, /<option value="SCIENCE"[^>]*>Science Library<\/option>/, 'the pickup libraries from the configuration');
  });

  test('POST /openurl (form-encoded) opens the same page', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/openurl', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: BOOK });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, `/patron/request?${BOOK}`);
    // A client that sent raw bytes (Latin-1 é, a space): carried on as the bytes they were, readable by the page.
    const raw = await t.app.inject({ method: 'POST', url: '/openurl', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: Buffer.from('ctx_enc=info:ofi/enc:ISO-8859-1&rft.btitle=\xc9tudes fran\xe7aises', 'latin1') });
    assert.equal(raw.headers.location, '/patron/request?ctx_enc=info:ofi/enc:ISO-8859-1&rft.btitle=%C9tudes%20fran%E7aises');
    const browser = await patronSignIn(t, '100200300');
    assert.match((await browser.get(raw.headers.location as string)).body, /name="title" type="text" value="Études françaises"/);
  });

  test('placing: through BorrowingService as the patron, the PMID in the note; my requests shows it in plain words', async () => {
    const browser = await patronSignIn(t, '100200300');
    const page = await browser.get(`/patron/request?${ARTICLE}`);
    const placed = await browser.post('/patron/request', { ...formOf(page.body), neededBy: '2027-01-15', note: 'For my thesis' });
    assert.equal(placed.statusCode, 303, placed.body);
    const id = new URL(placed.headers.location as string, 'http://x').searchParams.get('placed')!;
    const { request, history } = await t.borrowing.get(id);
    assert.deepEqual(
      [request.patron, request.citationType, request.requestedFormat, request.citation.title, request.citation.articleTitle, request.neededBy, request.pickupLibrary, request.patronNote],
      ['100200300', 'ARTICLE', 'DIGITAL', 'Nature', 'Molecular structure of nucleic acids', '2027-01-15', 'MAIN', 'For my thesis\nPMID: 13054692'],
    );
    assert.equal(history[0]!.actor, 'patron:100200300');
    assert.equal(request.status, 'REQUEST_SENT_TO_PARTNER', 'routed like any request: the rota, the first partner');
    const mine = await browser.get(placed.headers.location as string);
    const text = textOf(mine.body);
    assert.match(text, /Your request was placed\./);
    assert.match(text, /Molecular structure of nucleic acids In Nature Watson, J\. D\. With a partner library Article, requested 28 November, to pick up at Main Library/);
    assert.match(mine.body, /Cancel the request/);
  });

  test('a duplicate of an open request is flagged before it is placed, and the patron can still go ahead', async () => {
    const browser = await patronSignIn(t, '100200302');
    const first = formOf((await browser.get(`/patron/request?${BOOK}`)).body);
    assert.equal((await browser.post('/patron/request', first)).statusCode, 303);
    const count = async () => (await t.borrowing.list({ patron: '100200302', limit: 10, offset: 0 })).total;
    assert.equal(await count(), 1);

    const again = await browser.get(`/patron/request?${BOOK}`);
    assert.match(textOf(again.body), /You already have an open request for this\. The Problem of Pain : requested 28 November, with a partner library \(the same ISBN \(0306406152\)\)/, textOf(again.body));
    assert.match(again.body, /Place the request anyway/);
    // Typed again by hand (a fresh form, no confirmation): shown, not placed.
    const typed = { ...first, title: 'the problem of PAIN', isbn: '', author: 'Lewis, C. S.' };
    const flagged = await browser.post('/patron/request', typed);
    assert.equal(flagged.statusCode, 200);
    assert.match(textOf(flagged.body), /You already have an open request for this\..*\(the same title and author\)/);
    assert.equal(await count(), 1, 'nothing placed');
    const anyway = await browser.post('/patron/request', { ...formOf(flagged.body) });
    assert.equal(anyway.statusCode, 303, 'placed once confirmed');
    assert.equal(await count(), 2);
  });

  test('problems next to their fields, with what was typed kept and escaped; nothing placed', async () => {
    const browser = await patronSignIn(t, '100200300');
    const before = (await t.borrowing.list({ patron: '100200300', limit: 50, offset: 0 })).total;
    const response = await browser.post('/patron/request', { citationType: 'BOOK', title: '', author: `x" autofocus onfocus="alert(1)`, isbn: '123', pmid: 'abc', neededBy: '2020-01-01', pickupLibrary: 'MAIN', note: HOSTILE });
    assert.equal(response.statusCode, 422);
    // Text is escaped; inside a quoted attribute only the quote (and &) must be, and is.
    assert.ok(!response.body.replace(/="[^"]*"/g, '=""').includes(HOSTILE));
    assert.match(response.body, /<textarea[^>]*>&lt;script>alert\(1\)&lt;\/script><\/textarea>/);
    assert.match(response.body, /name="author" type="text" value="x&#34; autofocus onfocus=&#34;alert\(1\)"|name="author" type="text" value="x&quot; autofocus onfocus=&quot;alert\(1\)"/);
    for (const [field, message] of [
      ['pmid', 'is not a PubMed id'],
      ['neededBy', 'is in the past'],
    ]) assert.match(response.body, new RegExp(`id="f-${field}-error">[^<]*${message}`), field);
    const fixed = await browser.post('/patron/request', { citationType: 'BOOK', title: '', author: 'A', isbn: '123', pickupLibrary: 'MAIN' });
    assert.equal(fixed.statusCode, 422);
    assert.match(fixed.body, /id="f-title-error">is required: say what you are asking for</);
    assert.match(fixed.body, /id="f-isbn-error">&#34;123&#34; is not an ISBN/);
    assert.equal((await t.borrowing.list({ patron: '100200300', limit: 50, offset: 0 })).total, before);
  });

  test('a guest is refused with the reason while Enable Service For Guest User is No, and served when it is Yes', async () => {
    const guest = await patronSignIn(t, 'guest-0001');
    const page = await guest.get(`/patron/request?${BOOK}`);
    assert.equal(page.statusCode, 403);
    assert.match(
      textOf(page.body),
      /Requests from guest users are not offered here: the library's lender of last resort, ILLiad, does not serve guests \(its Enable Service For Guest User setting is No\)\. If you need help, ask at the library\./,
    );
    assert.doesNotMatch(page.body, /name="title"/, 'no form');
    const posted = await guest.post('/patron/request', { citationType: 'BOOK', title: 'Anything', pickupLibrary: 'MAIN' });
    assert.equal(posted.statusCode, 403, 'a post is refused the same');
    assert.equal((await t.borrowing.list({ patron: 'guest-0001', limit: 5, offset: 0 })).total, 0);

    const partner = (await t.call('GET', '/api/v1/partners/ILLiad')).json();
    const patch = (on: boolean) => t.call('PATCH', '/api/v1/partners/ILLiad', { body: { ncip: { ...partner.ncip, generalInformation: { ...partner.ncip.generalInformation, enableServiceForGuestUser: on } } } });
    assert.equal((await patch(true)).statusCode, 200);
    try {
      assert.equal((await guest.get(`/patron/request?${BOOK}`)).statusCode, 200, 'offered to guests now');
    } finally {
      await patch(false);
    }
  });

  test('a blocked patron is told why requests cannot be placed', async () => {
    const blocked = await patronSignIn(t, '100200303');
    const page = await blocked.get(`/patron/request?${BOOK}`);
    assert.equal(page.statusCode, 403);
    assert.match(textOf(page.body), /You cannot place requests at the moment: the library account is blocked \(Fines over the limit\)\./);
  });

  test('a patron sees only their own requests: another patron’s id is not found, exactly like an id that does not exist', async () => {
    const owner = await patronSignIn(t, '100200300');
    const placed = await owner.post('/patron/request', { citationType: 'BOOK', title: 'Only mine', pickupLibrary: 'MAIN' });
    const id = new URL(placed.headers.location as string, 'http://x').searchParams.get('placed')!;
    assert.equal((await owner.get(`/patron/requests/${id}`)).statusCode, 200);

    const other = await patronSignIn(t, '100200302');
    assert.doesNotMatch((await other.get('/patron/requests')).body, /Only mine/);
    const theirs = await other.get(`/patron/requests/${id}`);
    const nobody = await other.get('/patron/requests/NO-SUCH-REQUEST');
    assert.equal(theirs.statusCode, 404);
    assert.equal(nobody.statusCode, 404);
    assert.equal(textOf(theirs.body).replace(id, 'X'), textOf(nobody.body).replace('NO-SUCH-REQUEST', 'X'), 'the same answer: the id is not confirmed');
    assert.doesNotMatch(theirs.body, /Only mine/);
    const cancel = await other.post(`/patron/requests/${id}/cancel`, {});
    assert.equal(cancel.statusCode, 404);
    assert.equal((await t.borrowing.get(id)).request.status, 'REQUEST_SENT_TO_PARTNER', 'not cancelled');
  });

  test('cancel while the state model lets the patron; then no button', async () => {
    const browser = await patronSignIn(t, '100200300');
    const placed = await browser.post('/patron/request', { citationType: 'BOOK', title: 'No longer needed', pickupLibrary: 'SCIENCE' });
    const id = new URL(placed.headers.location as string, 'http://x').searchParams.get('placed')!;
    const cancelled = await browser.post(`/patron/requests/${id}/cancel`, {});
    assert.equal(cancelled.statusCode, 303);
    const { request, history } = await t.borrowing.get(id);
    assert.equal(request.status, 'CANCELLED_BY_PATRON');
    assert.equal(history.at(-1)!.actor, 'patron:100200300');
    const jobs = (await t.call('GET', '/api/v1/jobs?type=rota.tell-partner&limit=500')).json().items;
    assert.ok(jobs.some((j: { payload: { requestId: string; action: string } }) => j.payload.requestId === id && j.payload.action === 'patron-cancel'), 'the partner that has it is told');
    const page = await browser.get(`/patron/requests/${id}`);
    assert.match(textOf(page.body), /No longer needed Cancelled Book, requested 28 November, to pick up at Science Library/);
    assert.doesNotMatch(page.body, /Cancel the request/);
    const again = await browser.post(`/patron/requests/${id}/cancel`, {});
    assert.equal(again.statusCode, 409);
    assert.match(textOf(again.body), /patron-cancel is not allowed while the request is Cancelled by patron/);
  });

  test('renewal: asked of an ISO 18626 lender once (the lender is told); for what ILLiad supplied, the library renews', async () => {
    const browser = await patronSignIn(t, '100200300');
    const placed = await browser.post('/patron/request', { citationType: 'BOOK', title: 'Lent by North', pickupLibrary: 'MAIN' });
    const id = new URL(placed.headers.location as string, 'http://x').searchParams.get('placed')!;
    const { request } = await t.borrowing.get(id);
    assert.equal(request.rota[request.current!]!.partner, 'NORTH');
    await t.borrowing.answer(id, request.current!, { action: 'shipped-physically' });
    await t.borrowing.act(id, 'receive', 'staff', 'test');
    await t.borrowing.act(id, 'loan', 'staff', 'test');
    const page = await browser.get(`/patron/requests/${id}`);
    assert.match(textOf(page.body), /On loan to you/);
    assert.match(page.body, /Ask for a renewal/);
    const renewed = await browser.post(`/patron/requests/${id}/renew`, {});
    assert.equal(renewed.statusCode, 303);
    assert.match(textOf((await browser.get(renewed.headers.location as string)).body), /A renewal was asked for\. The library will tell you the answer\./);
    const { history } = await t.borrowing.get(id);
    assert.deepEqual([history.at(-1)!.action, history.at(-1)!.actor], ['renew', 'patron:100200300']);
    const jobs = (await t.call('GET', '/api/v1/jobs?type=rota.tell-partner&limit=500')).json().items;
    assert.ok(jobs.some((j: { payload: { requestId: string; action: string } }) => j.payload.requestId === id && j.payload.action === 'renew'), 'North is told (ISO 18626 Renew)');
    const after = await browser.get(`/patron/requests/${id}`);
    assert.doesNotMatch(after.body, /Ask for a renewal/);
    assert.match(textOf(after.body), /Renewal: a renewal was asked for on 28 November; the library will tell you the answer\./);
    assert.equal((await browser.post(`/patron/requests/${id}/renew`, {})).statusCode, 409, 'not twice');
  });

  test('sign-in: a wrong PIN and an unknown id answer alike, the PIN is never shown back, five wrong PINs pause it', async () => {
    const browser = patronBrowser(t);
    const wrong = await browser.post('/patron/sign-in', { identifier: '100200302', pin: 'not-the-pin' }, { csrf: false, headers: { 'x-forwarded-for': '192.0.2.20' } });
    const unknown = await browser.post('/patron/sign-in', { identifier: 'nobody', pin: 'not-the-pin' }, { csrf: false, headers: { 'x-forwarded-for': '192.0.2.20' } });
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.match(textOf(wrong.body), /That library id and PIN do not match\./);
    assert.equal(textOf(wrong.body).replace('100200302', 'X'), textOf(unknown.body).replace('nobody', 'X'));
    assert.ok(!wrong.body.includes('not-the-pin'));
    assert.equal(browser.cookie, '', 'no session');
    const noPin = await browser.post('/patron/sign-in', { identifier: '100200301', pin: PIN }, { csrf: false, headers: { 'x-forwarded-for': '192.0.2.20' } });
    assert.equal(noPin.statusCode, 401, 'a patron without a PIN cannot sign in with one');
    for (let i = 2; i <= 4; i++) assert.equal((await browser.post('/patron/sign-in', { identifier: '100200302', pin: `wrong-${i}` }, { csrf: false, headers: { 'x-forwarded-for': `192.0.2.${20 + i}` } })).statusCode, 401);
    const fifth = await browser.post('/patron/sign-in', { identifier: '100200302', pin: 'wrong-5' }, { csrf: false, headers: { 'x-forwarded-for': '192.0.2.25' } });
    assert.equal(fifth.statusCode, 429);
    assert.match(textOf(fifth.body), /Too many wrong PINs\. For your safety, signing in is paused: try again in 15 minutes/);
    const right = await browser.post('/patron/sign-in', { identifier: '100200302', pin: PIN }, { csrf: false, headers: { 'x-forwarded-for': '192.0.2.26' } });
    assert.equal(right.statusCode, 429, 'the right PIN too, while paused');
    t.clock.advance(15 * 60_000);
    assert.equal((await browser.post('/patron/sign-in', { identifier: '100200302', pin: PIN }, { csrf: false })).statusCode, 303);
  });

  test('behind the trusted proxy each client is counted by its X-Forwarded-For address, not the proxy’s', async () => {
    const attempt = (identifier: string, pin: string, client: string) =>
      t.app.inject({ method: 'POST', url: '/patron/sign-in', remoteAddress: '127.0.0.1', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `10.0.0.1, ${client}` }, payload: new URLSearchParams({ identifier, pin }).toString() });
    for (let i = 0; i < 29; i++) assert.equal((await attempt(`sprayed-${i}`, '1234', '203.0.113.50')).statusCode, 401);
    assert.equal((await attempt('sprayed-29', '1234', '203.0.113.50')).statusCode, 429, 'one PIN tried over thirty ids from one client');
    assert.equal((await attempt('100200300', PIN, '203.0.113.50')).statusCode, 429);
    assert.equal((await attempt('100200300', PIN, '203.0.113.51')).statusCode, 303, 'another client behind the same proxy signs in');
    const direct = await t.app.inject({ method: 'POST', url: '/patron/sign-in', remoteAddress: '192.0.2.99', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.50' }, payload: new URLSearchParams({ identifier: '100200300', pin: PIN }).toString() });
    assert.equal(direct.statusCode, 303, 'a client not behind a trusted proxy is counted by its own address, whatever it says it forwards');
  });

  test('sign-in goes back only to our own pages; from another site it is refused; sign out ends the session', async () => {
    const browser = patronBrowser(t);
    const away = await browser.post('/patron/sign-in', { identifier: '100200300', pin: PIN, next: 'https://evil.example/' }, { csrf: false });
    assert.equal(away.headers.location, '/patron/requests');
    const slashes = await patronBrowser(t).post('/patron/sign-in', { identifier: '100200300', pin: PIN, next: '//evil.example/patron/x' }, { csrf: false });
    assert.equal(slashes.headers.location, '/patron/requests');
    const forged = await patronBrowser(t).post('/patron/sign-in', { identifier: '100200300', pin: PIN }, { csrf: false, headers: { origin: 'https://evil.example' } });
    assert.equal(forged.statusCode, 403);
    assert.equal((await browser.get('/patron/requests')).statusCode, 200);
    const out = await browser.post('/patron/sign-out', {});
    assert.equal(out.statusCode, 303);
    assert.match(String(out.headers['set-cookie']), /interlend_patron=; Path=\/patron; Max-Age=0/);
    assert.equal((await browser.get('/patron/requests')).statusCode, 303, 'signed out');
  });

  test('the patron session: its own cookie for /patron, apart from the staff cookie; a new PIN ends it; CSRF; headers', async () => {
    const browser = await patronSignIn(t, '100200302');
    const set = await t.app.inject({ method: 'POST', url: '/patron/sign-in', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'identifier=100200302&pin=2468' });
    assert.match(String(set.headers['set-cookie']), /^interlend_patron=[\w-]+\.[\w-]+; Path=\/patron; Max-Age=7200; HttpOnly; SameSite=Lax$/);
    const staff = await staffSignIn(t, 'operator');
    assert.equal((await t.app.inject({ method: 'GET', url: '/patron/requests', headers: { cookie: staff.cookie } })).statusCode, 303, 'a staff session is no patron session');
    assert.equal((await t.app.inject({ method: 'GET', url: '/ui', headers: { cookie: browser.cookie } })).statusCode, 303, 'nor the other way round');
    const page = await browser.get('/patron/requests');
    assert.match(String(page.headers['content-security-policy']), /script-src 'none'/);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.equal((await browser.post('/patron/request', { title: 'x' }, { csrf: false })).statusCode, 403);
    assert.equal((await browser.post('/patron/request', { title: 'x', _csrf: 'forged' }, { csrf: false })).statusCode, 403);
    const tampered = browser.cookie.replace(/\.([\w-])/, (_m, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
    assert.equal((await t.app.inject({ method: 'GET', url: '/patron/requests', headers: { cookie: tampered } })).statusCode, 303, 'a tampered cookie');
    await t.patronAuth.setPin('100200302', PIN);
    t.clock.advance(1000);
    await t.patronAuth.setPin('100200302', PIN);
    assert.equal((await browser.get('/patron/requests')).statusCode, 303, 'a new PIN ends the sessions made with the old one');
    t.clock.advance(3 * 60 * 60_000);
    const late = await patronSignIn(t, '100200300');
    t.clock.advance(2 * 60 * 60_000 + 1000);
    assert.equal((await late.get('/patron/requests')).statusCode, 303, 'two hours at most');
  });

  test('an unknown patron page is a patron page that says so; the API is not reached with a patron cookie', async () => {
    const browser = await patronSignIn(t, '100200300');
    const missing = await browser.get('/patron/nowhere', { accept: 'text/html' });
    assert.equal(missing.statusCode, 404);
    assert.match(missing.body, /Back to my requests/);
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/borrowing-requests', headers: { cookie: browser.cookie } })).statusCode, 401);
  });

  test('staff set and remove a PIN on the patron page; the PIN is never shown; read-only staff see only whether one is set', async () => {
    const operator = await staffSignIn(t, 'operator');
    const page = await operator.get('/ui/patrons/100200301');
    assert.match(textOf(page.body), /PIN for the patron pages No PIN: the patron cannot sign in/);
    const refused = await operator.post('/ui/patrons/100200301/pin', { pin: '12' });
    assert.equal(refused.statusCode, 422);
    assert.match(refused.body, /id="pin-error">must be at least 4 characters/);
    const set = await operator.post('/ui/patrons/100200301/pin', { pin: '97531' });
    assert.equal(set.statusCode, 303);
    const after = await operator.get(set.headers.location as string);
    assert.match(textOf(after.body), /The PIN was set\. A PIN is set \(since 2026-11-28\)\. It is never shown\./);
    assert.ok(!after.body.includes('97531'));
    assert.equal((await patronSignIn(t, '100200301', '97531')).cookie.length > 0, true);
    const readOnly = await staffSignIn(t, 'read-only');
    const seen = await readOnly.get('/ui/patrons/100200301');
    assert.match(textOf(seen.body), /A PIN is set/);
    assert.doesNotMatch(seen.body, /name="pin"/);
    assert.equal((await readOnly.post('/ui/patrons/100200301/pin', { pin: '11111' })).statusCode, 403);
    const csv = await operator.post('/ui/patrons/import', { csv: 'primaryId,firstName,lastName,userGroup,pin\n100200301,Maria,Garcia,GRADUATE,55555' });
    assert.equal(csv.statusCode, 422, 'the page shows the file back, so it takes no PINs');
    assert.match(textOf(csv.body), /PINs are imported through the API \(POST \/api\/v1\/patrons\/import\), not here/);
    assert.equal((await operator.post('/ui/patrons/100200301/pin/remove', {})).statusCode, 303);
    assert.match(textOf((await operator.get('/ui/patrons/100200301?pin=removed')).body), /The PIN was removed\. No PIN/);
  });
});

describe('the campus sign-on header (PATRON_AUTH=header)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp('sqlite', { ...EXAMPLE_ENV, PATRON_AUTH: 'header', PATRON_AUTH_HEADER: 'X-Remote-User', PATRON_AUTH_ID_TYPE: 'EMAIL', PATRON_AUTH_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8' });
    await guidePatrons(t);
  });
  after(() => t.close());

  const get = (url: string, headers: Record<string, string>, remoteAddress = '127.0.0.1') => t.app.inject({ method: 'GET', url, headers, remoteAddress });

  test('from a trusted proxy, the header names the patron (by the configured identifier): no sign-in page', async () => {
    for (const proxy of ['127.0.0.1', '10.1.2.3', '::ffff:10.9.9.9']) {
      const page = await get('/patron/requests', { 'x-remote-user': 'CWLee@example.edu' }, proxy);
      assert.equal(page.statusCode, 200, `${proxy}: ${page.body.slice(0, 200)}`);
      assert.match(page.body, /Christopher Lee/);
      assert.doesNotMatch(page.body, /Sign out/, 'signing out is the campus sign-on’s business');
    }
    assert.equal((await get('/patron/sign-in', { 'x-remote-user': 'cwlee@example.edu' })).headers.location, '/patron/requests');
  });

  test('from anywhere else the header is not believed: refused, and a PIN does not help either', async () => {
    const forged = await get('/patron/requests', { 'x-remote-user': 'cwlee@example.edu' }, '192.0.2.7');
    assert.equal(forged.statusCode, 403);
    assert.match(textOf(forged.body), /This page is reached through the campus sign-on, and this request did not come through it\./);
    assert.doesNotMatch(forged.body, /Christopher/);
    const pin = await t.app.inject({ method: 'POST', url: '/patron/sign-in', remoteAddress: '192.0.2.7', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `identifier=cwlee%40example.edu&pin=${PIN}` });
    assert.equal(pin.statusCode, 303);
    assert.equal(pin.headers['set-cookie'], undefined, 'no PIN sessions in header mode');
  });

  test('no header, or one naming nobody: said in words', async () => {
    const none = await get('/patron/requests', {});
    assert.equal(none.statusCode, 401);
    assert.match(textOf(none.body), /The campus sign-on did not say who you are\./);
    const stranger = await get('/patron/requests', { 'x-remote-user': 'stranger@example.edu' });
    assert.equal(stranger.statusCode, 403);
    assert.match(textOf(stranger.body), /the library has no record of you yet/);
  });

  test('a session cookie carries the CSRF token; it follows the header, never the other way round', async () => {
    const form = await get('/patron/request', { 'x-remote-user': 'cwlee@example.edu' });
    const cookie = String(form.headers['set-cookie']).split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const post = (headers: Record<string, string>, fields: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/patron/request', remoteAddress: '127.0.0.1', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: new URLSearchParams(fields).toString() });
    const placed = await post({ 'x-remote-user': 'cwlee@example.edu', cookie }, { _csrf: csrf, citationType: 'BOOK', title: 'Through the sign-on', pickupLibrary: 'MAIN' });
    assert.equal(placed.statusCode, 303, placed.body);
    assert.equal((await t.borrowing.list({ patron: '100200300', limit: 5, offset: 0 })).items[0]!.citation.title, 'Through the sign-on');
    assert.equal((await post({ 'x-remote-user': 'cwlee@example.edu', cookie }, { citationType: 'BOOK', title: 'No token', pickupLibrary: 'MAIN' })).statusCode, 403);
    // Another user behind the same browser: the header decides, and Christopher's cookie is replaced.
    const other = await get('/patron/requests', { 'x-remote-user': 'mgarcia@example.edu', cookie });
    assert.match(other.body, /Maria Garcia/);
    assert.doesNotMatch(other.body, /Through the sign-on/);
    assert.notEqual(String(other.headers['set-cookie']).split(';')[0], cookie);
    assert.equal((await post({ 'x-remote-user': 'mgarcia@example.edu', cookie }, { _csrf: csrf, citationType: 'BOOK', title: 'x', pickupLibrary: 'MAIN' })).statusCode, 403, "Christopher's token is not Maria's");
  });
});
