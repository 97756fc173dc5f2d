/**
 * The ILLiad simulator's Web Platform side over real HTTP (src/sim/illiad; illiad.md §1, §5 (c) 1–6): routing and
 * the ApiKey, Users and ExternalUserId mappings, Transactions, OData, route and notes, the error bodies, each
 * fault, and the control API.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { type IlliadSimulator, startIlliadSimulator } from '../../src/sim/illiad/server.ts';
import { TRANSACTION_FIELDS } from '../../src/sim/illiad/transaction.ts';

const KEY = 'a8f3c2e1-5b7d-4e9a-9c1f-0d2e3f4a5b6c';
const USER_KEYS =
  'UserName, ExternalUserId, LastName, FirstName, SSN, Status, EMailAddress, Phone, Department, NVTGC, NotificationMethod, DeliveryMethod, LoanDeliveryMethod, LastChangedDate, AuthorizedUsers, Cleared, Web, Address, Address2, City, State, Zip, Site, ExpirationDate, Number, UserRequestLimit, Organization, Fax, ShippingAcctNo, ArticleBillingCategory, LoanBillingCategory, Country, SAddress, SAddress2, SCity, SState, SZip, SCountry, RSSID, AuthType, UserInfo1, UserInfo2, UserInfo3, UserInfo4, UserInfo5, MobilePhone'.split(
    ', ',
  );
const INVALID = 'The request is invalid.';
const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?$/;

interface Reply {
  status: number;
  contentType: string | null;
  text: string;
  body: any;
}

/** One call to the simulator; `form` sends the body form-encoded. */
async function call(base: string, method: string, path: string, options: { body?: unknown; form?: Record<string, string>; key?: string | null; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.key !== null) headers.ApiKey = options.key ?? KEY;
  let body: string | undefined;
  if (options.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.body !== undefined) {
    headers['Content-Type'] ??= 'application/json; charset=utf-8';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const response = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type'), text, body: parsed };
}

const loan = (extra: Record<string, unknown> = {}) => ({ Username: 'cwlee', RequestType: 'Loan', LoanTitle: 'The Problem of Pain', LoanAuthor: 'Lewis, C. S.', ...extra });

describe('ILLiad simulator: Web Platform', () => {
  let sim: IlliadSimulator;
  const lines: string[] = [];
  const api = (method: string, path: string, options?: Parameters<typeof call>[3]) => call(sim.url, method, path, options);

  before(async () => {
    sim = await startIlliadSimulator({
      apiKey: KEY,
      users: [{ UserName: 'cwlee', FirstName: 'Chen', LastName: 'Lee', EMailAddress: 'cwlee@example.edu', Cleared: 'Yes' }],
      log: (line) => lines.push(line),
      random: () => 0,
    });
  });
  after(() => sim.close());
  afterEach(() => Object.assign(sim.faults, { latencyMs: 0, failRate: 0, failStatus: 500, timeoutAfterCommitRate: 0, badKey: false, emptyBodyRate: 0, invalidJsonRate: 0 }));

  describe('routing and the ApiKey', () => {
    test('url and origin', () => {
      assert.match(sim.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(sim.url, `${sim.origin}/ILLiadWebPlatform`);
    });

    test('routes match whatever the case, with or without a trailing slash', async () => {
      for (const path of ['/ILLiadWebPlatform/Users/cwlee', '/illiadwebplatform/users/CWLEE', '/IlliadWebPlatform/USERS/cwlee/']) {
        const reply = await call(sim.origin, 'GET', path);
        assert.equal(reply.status, 200, path);
        assert.equal(reply.body.UserName, 'cwlee');
      }
      const created = await api('POST', '/transaction/', { body: loan() });
      assert.equal(created.status, 200);
      const n = created.body.TransactionNumber;
      assert.equal((await call(sim.origin, 'GET', `/illiadwebplatform/transaction/${n}`)).body.TransactionNumber, n);
      assert.equal((await call(sim.origin, 'GET', `/ILLIADWEBPLATFORM/TRANSACTION/${n}/`)).status, 200);
    });

    test('answers are JSON in UTF-8', async () => {
      assert.equal((await api('GET', '/Users/cwlee')).contentType, 'application/json; charset=utf-8');
      assert.equal((await api('GET', '/Users/nobody')).contentType, 'application/json; charset=utf-8');
    });

    test('a missing or wrong key is 401 with ASP.NET\'s message; the header name may be in any case', async () => {
      for (const key of [null, 'wrong-key', KEY.toUpperCase()]) {
        const reply = await api('GET', '/Users/cwlee', { key });
        assert.equal(reply.status, 401);
        assert.deepEqual(reply.body, { Message: 'Authorization has been denied for this request.' });
      }
      const lower = await api('GET', '/Users/cwlee', { key: null, headers: { apikey: KEY } });
      assert.equal(lower.status, 200);
      const shouting = await api('GET', '/Users/cwlee', { key: null, headers: { APIKEY: KEY } });
      assert.equal(shouting.status, 200);
    });

    test('an unknown route is ASP.NET\'s 404; a known one with another method is 405', async () => {
      const reply = await api('GET', '/Nope/1');
      assert.equal(reply.status, 404);
      assert.deepEqual(reply.body, { Message: `No HTTP resource was found that matches the request URI '${sim.url}/Nope/1'.` });
      assert.equal((await api('GET', '/Transaction/abc')).status, 404);
      const wrongMethod = await api('DELETE', '/Users/cwlee');
      assert.equal(wrongMethod.status, 405);
      assert.deepEqual(wrongMethod.body, { Message: "The requested resource does not support http method 'DELETE'." });
    });

    test('one log line per request, without the key', async () => {
      lines.length = 0;
      await api('GET', '/Users/cwlee');
      await api('GET', '/Users/cwlee', { key: 'wrong-key' });
      assert.deepEqual(lines, ['GET /ILLiadWebPlatform/Users/cwlee -> 200', 'GET /ILLiadWebPlatform/Users/cwlee -> 401']);
      assert.ok(!lines.join('\n').includes(KEY));
    });
  });

  describe('Users', () => {
    test('GET Users/{username}: every key in the server order, nulls present; 404 names the user', async () => {
      const reply = await api('GET', '/Users/CWLee');
      assert.equal(reply.status, 200);
      assert.deepEqual(Object.keys(reply.body), USER_KEYS);
      assert.equal(reply.body.SSN, null);
      assert.equal(reply.body.ExternalUserId, 'cwlee');
      const missing = await api('GET', '/Users/jstudent');
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.body, { Message: 'User jstudent was not found.' });
    });

    test('the username is URL-decoded', async () => {
      const created = await api('POST', '/Users', { body: { Username: 'mia@example.edu', LastName: 'Mia' } });
      assert.equal(created.status, 200);
      const reply = await api('GET', `/Users/${encodeURIComponent('MIA@example.edu')}`);
      assert.equal(reply.status, 200);
      assert.equal(reply.body.UserName, 'mia@example.edu');
    });

    test('POST Users binds names without regard to case and answers the full user', async () => {
      const reply = await api('POST', '/Users', {
        body: { username: 'jdoe', EmailAddress: 'jdoe@example.edu', firstname: 'Jane', LastName: 'Doe', NVTGC: 'ILL', Status: 'Graduate', NotificationMethod: 'Electronic', Cleared: 'No' },
      });
      assert.equal(reply.status, 200);
      assert.deepEqual(Object.keys(reply.body), USER_KEYS);
      assert.equal(reply.body.UserName, 'jdoe');
      assert.equal(reply.body.EMailAddress, 'jdoe@example.edu');
      assert.equal(reply.body.FirstName, 'Jane');
      assert.equal(reply.body.Cleared, 'No', 'a posted Cleared is kept');
      assert.equal(reply.body.Web, true);
      assert.match(reply.body.LastChangedDate, DATE);
      assert.equal(sim.store.user('JDOE')?.EMailAddress, 'jdoe@example.edu');
    });

    test('POST Users defaults Cleared to Yes when it is not posted', async () => {
      const reply = await api('POST', '/Users', { body: { UserName: 'kim', LastName: 'Kim' } });
      assert.equal(reply.body.Cleared, 'Yes');
    });

    test('POST Users accepts a form-encoded body (Penn, Brown)', async () => {
      const reply = await api('POST', '/Users', { form: { Username: 'formuser', EmailAddress: 'form@example.edu', Web: 'false', UserRequestLimit: '5' } });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.UserName, 'formuser');
      assert.equal(reply.body.EMailAddress, 'form@example.edu');
      assert.equal(reply.body.Web, false);
      assert.equal(reply.body.UserRequestLimit, 5);
    });

    test('POST Users without a UserName: ModelState model.UserName', async () => {
      const reply = await api('POST', '/Users', { body: { LastName: 'Nobody' } });
      assert.equal(reply.status, 400);
      assert.deepEqual(reply.body, { Message: INVALID, ModelState: { 'model.UserName': ['The UserName field is required.'] } });
    });

    test('POST Users for an existing username (any case): ModelState UserName', async () => {
      const reply = await api('POST', '/Users', { body: { UserName: 'CWLEE', LastName: 'Again' } });
      assert.equal(reply.status, 400);
      assert.deepEqual(reply.body, { Message: INVALID, ModelState: { UserName: ['Username CWLEE already exists.'] } });
    });

    test('a value of the wrong type is a ModelState entry', async () => {
      const reply = await api('POST', '/Users', { body: { UserName: 'typed', Web: 'maybe' } });
      assert.equal(reply.status, 400);
      assert.deepEqual(reply.body.ModelState, { 'model.Web': ["The value 'maybe' is not valid for Web."] });
    });
  });

  describe('Transactions', () => {
    test('POST Transaction answers the full transaction: every key, numbered, dated, defaults', async () => {
      const first = await api('POST', '/Transaction', { body: loan({ ReferenceNumber: '01JREF0001', ESPNumber: '12345', NotWantedAfter: '2025-08-01' }) });
      assert.equal(first.status, 200);
      assert.deepEqual(Object.keys(first.body), Object.keys(TRANSACTION_FIELDS));
      assert.equal(typeof first.body.TransactionNumber, 'number');
      assert.equal(first.body.Username, 'cwlee');
      assert.equal(first.body.TransactionStatus, 'Awaiting Request Processing');
      assert.equal(first.body.ProcessType, 'Borrowing');
      assert.equal(first.body.NotWantedAfter, '2025-08-01T00:00:00');
      assert.match(first.body.CreationDate, DATE);
      assert.match(first.body.TransactionDate, DATE);
      assert.equal(first.body.DueDate, null);
      const second = await api('POST', '/Transaction', { body: loan() });
      assert.equal(second.body.TransactionNumber, first.body.TransactionNumber + 1);
      assert.ok(first.body.TransactionNumber >= 1000);
    });

    test('the username is stored as the user spells it; a posted status is kept', async () => {
      const reply = await api('POST', '/Transaction', { body: loan({ Username: 'CWLEE', TransactionStatus: 'In Depth Searching' }) });
      assert.equal(reply.body.Username, 'cwlee');
      assert.equal(reply.body.TransactionStatus, 'In Depth Searching');
    });

    test('an unknown user: ModelState model.Username', async () => {
      const reply = await api('POST', '/Transaction', { body: loan({ Username: 'ghost' }) });
      assert.equal(reply.status, 400);
      assert.deepEqual(reply.body, { Message: INVALID, ModelState: { 'model.Username': ['User ghost does not exist.'] } });
    });

    test('a RequestType other than Loan or Article, or none', async () => {
      const bad = await api('POST', '/Transaction', { body: loan({ RequestType: 'Book' }) });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body.ModelState, { 'model.RequestType': ["'Book' is not a valid RequestType. Valid values are Loan and Article."] });
      const none = await api('POST', '/Transaction', { body: { Username: 'cwlee', LoanTitle: 'x' } });
      assert.deepEqual(none.body.ModelState, { 'model.RequestType': ['The RequestType field is required.'] });
    });

    test('over-long fields: ModelState keyed by each field, nothing created', async () => {
      const before = sim.store.transactions().length;
      const reply = await api('POST', '/Transaction', { body: loan({ LoanTitle: 'T'.repeat(256), LoanAuthor: 'A'.repeat(101), ESPNumber: '9'.repeat(33), LoanPublisher: 'P'.repeat(40) }) });
      assert.equal(reply.status, 400);
      assert.deepEqual(reply.body, {
        Message: INVALID,
        ModelState: {
          'model.LoanTitle': ['The field LoanTitle must be a string with a maximum length of 255.'],
          'model.LoanAuthor': ['The field LoanAuthor must be a string with a maximum length of 100.'],
          'model.ESPNumber': ['The field ESPNumber must be a string with a maximum length of 32.'],
        },
      });
      assert.equal(sim.store.transactions().length, before);
    });

    test('a lending transaction with an ItemNumber', async () => {
      const reply = await api('POST', '/Transaction', { body: { ProcessType: 'Lending', RequestType: 'Loan', ItemNumber: '39000001234567', LoanTitle: 'Lent' } });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.ProcessType, 'Lending');
      assert.equal(reply.body.ItemNumber, '39000001234567');
      assert.equal(reply.body.Username, 'Lending');
    });

    test('GET Transaction/{n}: 200, or 404 naming the number', async () => {
      const created = await api('POST', '/Transaction', { body: loan() });
      const reply = await api('GET', `/Transaction/${created.body.TransactionNumber}`);
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, created.body);
      const missing = await api('GET', '/Transaction/999999');
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.body, { Message: 'Transaction 999999 was not found.' });
    });

    test('GET Transaction/UserRequests/{username} with an OData $filter', async () => {
      const ours = await api('POST', '/Transaction', { body: loan({ ReferenceNumber: '01JXYZ9ABCDEF' }) });
      await api('POST', '/Transaction', { body: loan({ ReferenceNumber: '01JOTHER' }) });
      const all = await api('GET', '/Transaction/UserRequests/cwlee');
      assert.equal(all.status, 200);
      assert.ok(all.body.length >= 2);
      assert.ok(all.body.every((t: { Username: string }) => t.Username === 'cwlee'));
      const filter = encodeURIComponent("ReferenceNumber eq '01JXYZ9ABCDEF'");
      const one = await api('GET', `/Transaction/UserRequests/CWLEE?$filter=${filter}`);
      assert.equal(one.status, 200);
      assert.deepEqual(one.body.map((t: { TransactionNumber: number }) => t.TransactionNumber), [ours.body.TransactionNumber]);
      const open = encodeURIComponent("ProcessType eq 'Borrowing' and TransactionStatus ne 'Request Finished' and not startswith(TransactionStatus,'Cancelled')");
      assert.ok((await api('GET', `/Transaction/UserRequests/cwlee?$filter=${open}`)).body.length >= 2);
      // Ruby and form encoders write spaces as '+'.
      assert.equal((await api('GET', "/Transaction/UserRequests/cwlee?$filter=ReferenceNumber+eq+'01JXYZ9ABCDEF'")).body.length, 1);
      assert.deepEqual((await api('GET', '/Transaction/UserRequests/nobody')).body, []);
    });

    test('a $filter that does not parse is 400 with a Message', async () => {
      const reply = await api('GET', `/Transaction/UserRequests/cwlee?$filter=${encodeURIComponent('ReferenceNumber eq')}`);
      assert.equal(reply.status, 400);
      assert.deepEqual(reply.body, { Message: "The query specified in the URI is not valid. Syntax error at position 19 in 'ReferenceNumber eq'." });
    });

    test('PUT transaction/{n}/route changes the status', async () => {
      const created = await api('POST', '/Transaction', { body: loan() });
      const n = created.body.TransactionNumber;
      const reply = await api('PUT', `/transaction/${n}/route`, { body: { Status: 'Cancelled by ILL Staff' } });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.TransactionNumber, n);
      assert.equal(reply.body.TransactionStatus, 'Cancelled by ILL Staff');
      assert.equal(sim.store.transaction(n)?.TransactionStatus, 'Cancelled by ILL Staff');
      assert.deepEqual(sim.store.tracking(n).map((t) => t.ChangedTo), ['Awaiting Request Processing', 'Cancelled by ILL Staff']);
      assert.equal((await api('PUT', '/transaction/999999/route', { body: { Status: 'x' } })).status, 404);
      const missing = await api('PUT', `/transaction/${n}/route`, { body: {} });
      assert.deepEqual(missing.body.ModelState, { 'model.Status': ['The Status field is required.'] });
    });

    test('POST transaction/{n}/notes, and the singular /Note', async () => {
      const created = await api('POST', '/Transaction', { body: loan() });
      const n = created.body.TransactionNumber;
      const reply = await api('POST', `/transaction/${n}/notes`, { body: { Note: 'Exported by Interlend, request 01J…', NoteType: 'Staff' } });
      assert.equal(reply.status, 200);
      assert.deepEqual(Object.keys(reply.body), ['ID', 'TransactionNumber', 'Note', 'NoteType', 'AddedBy', 'NoteDate']);
      assert.equal(reply.body.TransactionNumber, n);
      assert.equal(reply.body.Note, 'Exported by Interlend, request 01J…');
      assert.equal(reply.body.NoteType, 'Staff');
      assert.match(reply.body.NoteDate, DATE);
      const singular = await api('POST', `/Transaction/${n}/Note`, { body: { note: 'no NoteType' } });
      assert.equal(singular.status, 200);
      assert.equal(singular.body.NoteType, 'Staff');
      assert.deepEqual(sim.store.notes(n).map((note) => note.Note), ['Exported by Interlend, request 01J…', 'no NoteType']);
      assert.equal((await api('POST', '/transaction/999999/notes', { body: { Note: 'x' } })).status, 404);
    });

    test('a routing rule can re-route a new transaction (Penn\'s "Awaiting RAPID Request Sending")', async () => {
      const routed = await startIlliadSimulator({
        apiKey: KEY,
        users: [{ UserName: 'cwlee' }],
        defaultTransactionStatus: 'Awaiting Copyright Clearance',
        routingRule: (t) => (t.RequestType === 'Article' ? 'Awaiting RAPID Request Sending' : undefined),
      });
      try {
        const article = await call(routed.url, 'POST', '/Transaction', { body: { Username: 'cwlee', RequestType: 'Article', PhotoJournalTitle: 'J' } });
        assert.equal(article.body.TransactionStatus, 'Awaiting RAPID Request Sending');
        const book = await call(routed.url, 'POST', '/Transaction', { body: loan() });
        assert.equal(book.body.TransactionStatus, 'Awaiting Copyright Clearance');
      } finally {
        await routed.close();
      }
    });
  });

  describe('bodies', () => {
    test('invalid JSON is 400 "The request is invalid."', async () => {
      const reply = await api('POST', '/Transaction', { body: '{"Username": "cwlee",' });
      assert.equal(reply.status, 400);
      assert.deepEqual(reply.body, { Message: INVALID, ModelState: { model: ['An error has occurred.'] } });
    });

    test('a media type without a formatter is 415', async () => {
      const reply = await api('POST', '/Users', { body: 'UserName=x', headers: { 'Content-Type': 'text/plain' } });
      assert.equal(reply.status, 415);
      assert.deepEqual(reply.body, { Message: "The request entity's media type 'text/plain' is not supported for this resource." });
    });

    test('a body over 1 MB is 413', async () => {
      const reply = await api('POST', '/Transaction', { body: loan({ SpecIns: 'x'.repeat(1024 * 1024) }) });
      assert.equal(reply.status, 413);
      assert.equal(typeof reply.body.Message, 'string');
    });
  });

  describe('faults', () => {
    test('latencyMs delays every call', async () => {
      sim.faults.latencyMs = 150;
      const started = performance.now();
      assert.equal((await api('GET', '/Users/cwlee')).status, 200);
      assert.ok(performance.now() - started >= 140);
    });

    test('failRate answers failStatus with "An error has occurred." before doing anything', async () => {
      const before = sim.store.transactions().length;
      sim.faults.failRate = 1;
      const reply = await api('POST', '/Transaction', { body: loan() });
      assert.equal(reply.status, 500);
      assert.deepEqual(reply.body, { Message: 'An error has occurred.' });
      assert.equal(sim.store.transactions().length, before);
      sim.faults.failStatus = 503;
      assert.equal((await api('GET', '/Users/cwlee')).status, 503);
    });

    test('badKey answers 401 even to the right key', async () => {
      sim.faults.badKey = true;
      const reply = await api('GET', '/Users/cwlee');
      assert.equal(reply.status, 401);
      assert.deepEqual(reply.body, { Message: 'Authorization has been denied for this request.' });
    });

    test('timeout after commit: the client gets no answer, but the transaction exists', async () => {
      sim.faults.timeoutAfterCommitRate = 1;
      sim.faults.timeoutAfterCommitMs = 5_000;
      const before = sim.store.transactions().length;
      lines.length = 0;
      await assert.rejects(
        fetch(`${sim.url}/Transaction`, {
          method: 'POST',
          headers: { ApiKey: KEY, 'Content-Type': 'application/json' },
          body: JSON.stringify(loan({ ReferenceNumber: '01JTIMEOUT' })),
          signal: AbortSignal.timeout(300),
        }),
        (error: Error) => error.name === 'TimeoutError',
      );
      const after = sim.store.transactions();
      assert.equal(after.length, before + 1);
      assert.equal(after.at(-1)?.ReferenceNumber, '01JTIMEOUT');
      assert.deepEqual(lines, ['POST /ILLiadWebPlatform/Transaction -> no answer (timeout after commit)']);
      // Only POST Transaction is held: other calls answer.
      assert.equal((await api('GET', '/Users/cwlee')).status, 200);
    });

    test('emptyBodyRate: a 200 with no body', async () => {
      sim.faults.emptyBodyRate = 1;
      const reply = await api('GET', '/Users/cwlee');
      assert.equal(reply.status, 200);
      assert.equal(reply.text, '');
      // Errors are not spoiled.
      assert.equal((await api('GET', '/Users/nobody')).text, '{"Message":"User nobody was not found."}');
    });

    test('invalidJsonRate: a 200 whose body is not JSON', async () => {
      sim.faults.invalidJsonRate = 1;
      const reply = await api('GET', '/Users/cwlee');
      assert.equal(reply.status, 200);
      assert.ok(reply.text.length > 0);
      assert.throws(() => JSON.parse(reply.text), SyntaxError);
    });

    test('rates draw from the injected random source', async () => {
      const drawn: number[] = [0.9, 0.1];
      const dice = await startIlliadSimulator({ apiKey: KEY, users: [{ UserName: 'cwlee' }], random: () => drawn.shift() ?? 1, faults: { failRate: 0.5 } });
      try {
        assert.equal((await call(dice.url, 'GET', '/Users/cwlee')).status, 200);
        assert.equal((await call(dice.url, 'GET', '/Users/cwlee')).status, 500);
      } finally {
        await dice.close();
      }
    });
  });

  describe('control API', () => {
    test('faults can be read and set', async () => {
      const set = await call(sim.origin, 'PUT', '/sim/faults', { key: null, body: { failRate: 1, failStatus: 502 } });
      assert.equal(set.status, 200);
      assert.equal(set.body.failRate, 1);
      assert.equal(sim.faults.failStatus, 502);
      assert.equal((await api('GET', '/Users/cwlee')).status, 502);
      assert.equal((await call(sim.origin, 'GET', '/sim/faults', { key: null })).body.failStatus, 502);
      const bad = await call(sim.origin, 'PUT', '/sim/faults', { key: null, body: { failRate: 2, nonsense: true } });
      assert.equal(bad.status, 400);
      assert.match(bad.body.Message, /failRate must be a number from 0 to 1; unknown fault setting nonsense/);
    });

    test('users and transactions can be seeded and read, with notes', async () => {
      const user = await call(sim.origin, 'POST', '/sim/users', { key: null, body: { UserName: 'seeded', Cleared: 'B' } });
      assert.equal(user.status, 200);
      assert.equal(user.body.Cleared, 'B');
      assert.ok((await call(sim.origin, 'GET', '/sim/users', { key: null })).body.some((u: { UserName: string }) => u.UserName === 'seeded'));
      assert.equal((await call(sim.origin, 'POST', '/sim/users', { key: null, body: { UserName: 'SEEDED' } })).status, 409);

      const lending = await call(sim.origin, 'POST', '/sim/transactions', { key: null, body: { ProcessType: 'Lending', RequestType: 'Loan', ItemNumber: '39000000000001', DueDate: '04/30/2025' } });
      assert.equal(lending.status, 200);
      assert.equal(lending.body.Username, 'Lending');
      assert.equal(lending.body.DueDate, '2025-04-30T00:00:00');
      const n = lending.body.TransactionNumber;
      await api('POST', `/transaction/${n}/notes`, { body: { Note: 'hello' } });
      const detail = await call(sim.origin, 'GET', `/sim/transactions/${n}`, { key: null });
      assert.equal(detail.status, 200);
      assert.equal(detail.body.transaction.TransactionNumber, n);
      assert.deepEqual(detail.body.notes.map((note: { Note: string }) => note.Note), ['hello']);
      assert.equal(detail.body.tracking[0].ChangedTo, 'Awaiting Request Processing');
      const patched = await call(sim.origin, 'PATCH', `/sim/transactions/${n}`, { key: null, body: { ItemNumber: '39000000000002' } });
      assert.equal(patched.body.ItemNumber, '39000000000002');
      assert.ok((await call(sim.origin, 'GET', '/sim/transactions', { key: null })).body.some((t: { TransactionNumber: number }) => t.TransactionNumber === n));
      assert.equal((await call(sim.origin, 'GET', '/sim/transactions/999999', { key: null })).status, 404);
    });

    test('reset returns to the seed users, an empty store and no faults', async () => {
      const other = await startIlliadSimulator({ apiKey: KEY, users: [{ UserName: 'cwlee' }] });
      try {
        await call(other.url, 'POST', '/Users', { body: { UserName: 'extra' } });
        await call(other.url, 'POST', '/Transaction', { body: loan() });
        other.faults.failRate = 1;
        const reply = await call(other.origin, 'POST', '/sim/reset', { key: null });
        assert.equal(reply.status, 200);
        assert.deepEqual(other.store.users().map((u) => u.UserName), ['cwlee']);
        assert.deepEqual(other.store.transactions(), []);
        assert.equal(other.faults.failRate, 0);
        assert.equal((await call(other.url, 'POST', '/Transaction', { body: loan() })).body.TransactionNumber, 1000);
      } finally {
        await other.close();
      }
    });
  });
});

describe('ILLiad simulator: External User ID mappings', () => {
  let sim: IlliadSimulator;
  before(async () => {
    sim = await startIlliadSimulator({
      apiKey: KEY,
      externalUserIdMapping: 'EmailAddress',
      users: [{ UserName: 'cwlee', EMailAddress: 'CWLee@Example.edu' }],
    });
  });
  after(() => sim.close());

  test('Users/ExternalUserId/{x} finds by the mapped column (e-mail), ignoring case', async () => {
    const reply = await call(sim.url, 'GET', `/Users/ExternalUserId/${encodeURIComponent('cwlee@example.edu')}`);
    assert.equal(reply.status, 200);
    assert.equal(reply.body.UserName, 'cwlee');
    assert.equal(reply.body.ExternalUserId, 'CWLee@Example.edu');
    const lower = await call(sim.url, 'GET', `/users/externaluserid/${encodeURIComponent('CWLEE@EXAMPLE.EDU')}`);
    assert.equal(lower.status, 200);
    const missing = await call(sim.url, 'GET', `/Users/ExternalUserId/${encodeURIComponent('nobody@example.edu')}`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { Message: 'User nobody@example.edu was not found.' });
  });

  test('POST Users: ExternalUserId fills the mapped column', async () => {
    const reply = await call(sim.url, 'POST', '/Users', { body: { Username: 'jdoe', ExternalUserId: 'jdoe@example.edu', LastName: 'Doe' } });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.EMailAddress, 'jdoe@example.edu');
    assert.equal(reply.body.ExternalUserId, 'jdoe@example.edu');
  });

  test('POST Users: ExternalUserId wins over the posted column, and leaving it out nulls the column (§1.3)', async () => {
    const wins = await call(sim.url, 'POST', '/Users', { body: { Username: 'amy', ExternalUserId: 'amy@example.edu', EmailAddress: 'other@example.edu' } });
    assert.equal(wins.body.EMailAddress, 'amy@example.edu');
    const nulled = await call(sim.url, 'POST', '/Users', { body: { Username: 'bob', EmailAddress: 'bob@example.edu' } });
    assert.equal(nulled.status, 200);
    assert.equal(nulled.body.EMailAddress, null);
    assert.equal(nulled.body.ExternalUserId, null);
  });

  test('POST Transaction with ExternalUserId instead of Username (NCSU)', async () => {
    const reply = await call(sim.url, 'POST', '/Transaction', { body: { ExternalUserId: 'cwlee@example.edu', RequestType: 'Loan', LoanTitle: 'x' } });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.Username, 'cwlee');
    const unknown = await call(sim.url, 'POST', '/Transaction', { body: { ExternalUserId: 'ghost@example.edu', RequestType: 'Loan' } });
    assert.deepEqual(unknown.body.ModelState, { 'model.Username': ['User ghost@example.edu does not exist.'] });
  });

  test('an SSN mapping: the posted ExternalUserId is the SSN', async () => {
    const ssn = await startIlliadSimulator({ apiKey: KEY, externalUserIdMapping: 'SSN' });
    try {
      const reply = await call(ssn.url, 'POST', '/Users', { body: { UserName: 'netid1', SSN: '111', ExternalUserId: '22222222' } });
      assert.equal(reply.body.SSN, '22222222');
      assert.equal((await call(ssn.url, 'GET', '/Users/ExternalUserId/22222222')).body.UserName, 'netid1');
      const lost = await call(ssn.url, 'POST', '/Users', { body: { UserName: 'netid2', SSN: '333' } });
      assert.equal(lost.body.SSN, null);
    } finally {
      await ssn.close();
    }
  });

  test('an unknown mapping column is refused at start', async () => {
    await assert.rejects(startIlliadSimulator({ apiKey: KEY, externalUserIdMapping: 'Shoe' }), /externalUserIdMapping Shoe is not a User column/);
  });

  test('with unknownUserPolicy accept, an unknown user is stored as posted', async () => {
    const lenient = await startIlliadSimulator({ apiKey: KEY, unknownUserPolicy: 'accept' });
    try {
      const reply = await call(lenient.url, 'POST', '/Transaction', { body: loan({ Username: 'ghost' }) });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.Username, 'ghost');
    } finally {
      await lenient.close();
    }
  });
});
