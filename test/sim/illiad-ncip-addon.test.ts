/**
 * The ILLiad simulator's NCIP add-on (src/sim/illiad/ncip-*.ts; illiad.md §2.3–2.4, §5 (c) 7–10) against a tiny
 * recording responder: the exact bytes and headers of each message, and how each kind of answer is filed.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type IlliadSimulator, type IlliadSimulatorOptions, startIlliadSimulator } from '../../src/sim/illiad/server.ts';

interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}
interface Canned {
  status?: number;
  body: string;
  contentType?: string;
}

/** A responder that keeps every request's raw bytes and answers the queued bodies (a success body when none). */
class Recorder {
  readonly requests: Recorded[] = [];
  readonly answers: Canned[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        const answer = this.answers.shift() ?? { body: SUCCESS };
        res.writeHead(answer.status ?? 200, { 'Content-Type': answer.contentType ?? 'text/xml' });
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/ncip`;
  }
  last(): Recorded {
    const request = this.requests.at(-1);
    assert.ok(request, 'the responder received nothing');
    return request;
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

const NS = 'xmlns:ns1="http://www.niso.org/2008/ncip"';
const SUCCESS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><ns1:NCIPMessage ${NS}><ns1:AcceptItemResponse><ns1:RequestId><ns1:RequestIdentifierValue>4711</ns1:RequestIdentifierValue></ns1:RequestId></ns1:AcceptItemResponse></ns1:NCIPMessage>`;
const problem = (type: string) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><ns1:NCIPMessage ${NS}><ns1:AcceptItemResponse><ns1:Problem><ns1:ProblemType>${type}</ns1:ProblemType><ns1:ProblemDetail>${type}</ns1:ProblemDetail></ns1:Problem></ns1:AcceptItemResponse></ns1:NCIPMessage>`;

/** The AcceptItem ILLiad's add-on sends for transaction 4711 (illiad.md §2.3), with the simulator's default ids. */
const GOLDEN_ACCEPT_ITEM =
  '<?xml version="1.0" encoding="ISO-8859-1"?>' +
  '<NCIPMessage xmlns="http://www.niso.org/2008/ncip" version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd">' +
  '<AcceptItem>' +
  '<InitiationHeader><FromAgencyId><AgencyId>INTERLEND</AgencyId></FromAgencyId><ToAgencyId><AgencyId>INTERLEND</AgencyId></ToAgencyId><ApplicationProfileType>ILLiad</ApplicationProfileType></InitiationHeader>' +
  '<RequestId><AgencyId>INTERLEND</AgencyId><RequestIdentifierValue>4711</RequestIdentifierValue></RequestId>' +
  '<RequestedActionType>Hold For Pickup And Notify</RequestedActionType>' +
  '<UserId><AgencyId>INTERLEND</AgencyId><UserIdentifierType>Barcode Id</UserIdentifierType><UserIdentifierValue>cwlee</UserIdentifierValue></UserId>' +
  '<ItemId><ItemIdentifierValue>4711</ItemIdentifierValue></ItemId>' +
  '<DateForReturn>2025-04-11T23:59:00</DateForReturn>' +
  '<ItemOptionalFields><BibliographicDescription><Author>Brontë, Charlotte and Anne</Author><Title>Poems by Currer, Ellis and Acton Bell</Title></BibliographicDescription></ItemOptionalFields>' +
  '</AcceptItem>' +
  '</NCIPMessage>';

/** Feb 14 2025, 10:30 local: the default due date (28 days on) is Mar 14 2025. */
const NOW = () => new Date(2025, 1, 14, 10, 30);

describe('ILLiad simulator: NCIP add-on', () => {
  const recorder = new Recorder();
  let sim: IlliadSimulator;

  const start = (extra: Partial<IlliadSimulatorOptions> = {}) =>
    startIlliadSimulator({ apiKey: 'k', ncipUrl: recorder.url, now: NOW, users: [{ UserName: 'cwlee' }], ...extra });
  const borrowing = (extra: Record<string, unknown> = {}) =>
    sim.store.addTransaction({ Username: 'cwlee', RequestType: 'Loan', ProcessType: 'Borrowing', TransactionStatus: 'Request Sent', LoanTitle: 'A Title', LoanAuthor: 'An Author', ...extra });
  const lending = (extra: Record<string, unknown> = {}) =>
    sim.store.addTransaction({ Username: 'Lending', RequestType: 'Loan', ProcessType: 'Lending', TransactionStatus: 'In Stacks Searching', ItemNumber: '39000001234567', ...extra });

  before(async () => {
    await recorder.start();
    sim = await start();
  });
  after(async () => {
    await sim.close();
    await recorder.close();
  });
  beforeEach(() => {
    recorder.requests.length = 0;
    recorder.answers.length = 0;
  });

  describe('AcceptItem (borrowing-checked-in-from-lender)', () => {
    test('the exact bytes: ISO-8859-1, one line, & → and, no Content-Type', async () => {
      sim.store.addTransaction({
        TransactionNumber: 4711,
        Username: 'cwlee',
        RequestType: 'Loan',
        ProcessType: 'Borrowing',
        LoanAuthor: 'Brontë, Charlotte & Anne',
        LoanTitle: 'Poems by Currer, Ellis & Acton Bell',
        DueDate: '2025-04-11T00:00:00',
      });
      const result = await sim.event('borrowing-checked-in-from-lender', 4711);
      const request = recorder.last();
      assert.equal(request.method, 'POST');
      assert.equal(request.url, '/ncip');
      assert.ok(request.body.equals(Buffer.from(GOLDEN_ACCEPT_ITEM, 'latin1')), `sent:\n${request.body.toString('latin1')}`);
      // "ë" is the single Latin-1 byte 0xEB, not UTF-8's 0xC3 0xAB.
      assert.ok(request.body.includes(Buffer.from([0x42, 0x72, 0x6f, 0x6e, 0x74, 0xeb])));
      assert.ok(!request.body.includes(Buffer.from([0xc3, 0xab])));
      assert.equal(request.headers['content-type'], undefined);
      assert.equal(request.headers['content-length'], String(request.body.length));
      assert.equal(request.headers['user-agent'], undefined);
      assert.deepEqual(result, { sent: true, message: GOLDEN_ACCEPT_ITEM, httpStatus: 200, response: SUCCESS, filedAs: 'success note' });
      assert.deepEqual(sim.store.notes(4711).map((n) => n.Note), ['NCIP Response for BorrowingAcceptItem received successfully']);
      assert.equal(sim.store.transaction(4711)?.TransactionStatus, 'Customer Notified via E-Mail');
    });

    test('é goes out as the Latin-1 byte 0xE9; a character outside Latin-1 as ?', async () => {
      const t = borrowing({ LoanTitle: 'Les Misérables', LoanAuthor: 'Łukasz' });
      await sim.event('borrowing-checked-in-from-lender', t.TransactionNumber);
      const body = recorder.last().body;
      assert.ok(body.includes(Buffer.from('<Title>Les Mis\xe9rables</Title>', 'latin1')));
      assert.ok(body.includes(Buffer.from('<Author>?ukasz</Author>', 'latin1')));
    });

    test('no due date: staff\'s default, 28 days after the event', async () => {
      const t = borrowing();
      await sim.event('borrowing-checked-in-from-lender', t.TransactionNumber);
      assert.match(recorder.last().body.toString('latin1'), /<DateForReturn>2025-03-14T23:59:00<\/DateForReturn>/);
      assert.equal(sim.store.transaction(t.TransactionNumber)?.DueDate, '2025-03-14T00:00:00');
    });

    test('blank author and title are sent empty; nothing else is escaped', async () => {
      const t = borrowing({ LoanAuthor: null, LoanTitle: 'Tom <Jerry>' });
      await sim.event('borrowing-checked-in-from-lender', t.TransactionNumber);
      assert.match(recorder.last().body.toString('latin1'), /<Author><\/Author><Title>Tom <Jerry><\/Title>/);
    });

    test('"Problem" in the answer: the generic queue, and the raw answer as a note', async () => {
      const t = borrowing();
      const answer = problem('Unknown User');
      recorder.answers.push({ body: answer });
      const result = await sim.event('borrowing-checked-in-from-lender', t.TransactionNumber);
      assert.equal(result.filedAs, 'NCIP Error: BorrowingAcceptItem Failed');
      assert.equal(sim.store.transaction(t.TransactionNumber)?.TransactionStatus, 'NCIP Error: BorrowingAcceptItem Failed');
      assert.deepEqual(sim.store.notes(t.TransactionNumber).map((n) => n.Note), [answer]);
    });

    test('"Item Not Checked Out": its own queue', async () => {
      const t = borrowing();
      recorder.answers.push({ body: problem('Item Not Checked Out') });
      const result = await sim.event('borrowing-checked-in-from-lender', t.TransactionNumber);
      assert.equal(result.filedAs, 'NCIP Error: BorAcceptItem-NotCheckedOut');
      assert.equal(sim.store.transaction(t.TransactionNumber)?.TransactionStatus, 'NCIP Error: BorAcceptItem-NotCheckedOut');
    });

    test('"User Authentication Failed" and "Service is not known" have their own queues too', async () => {
      const a = borrowing();
      recorder.answers.push({ body: problem('User Authentication Failed') });
      assert.equal((await sim.event('borrowing-checked-in-from-lender', a.TransactionNumber)).filedAs, 'NCIP Error: BorAcceptItem-UserAuthFail');
      const b = borrowing();
      recorder.answers.push({ body: 'Service is not known' });
      assert.equal((await sim.event('borrowing-checked-in-from-lender', b.TransactionNumber)).filedAs, 'NCIP Error: BorAcceptItem-SrvcNotKnown');
    });

    test('HTTP 500 is an add-on exception: nothing routed, no note', async () => {
      const t = borrowing();
      recorder.answers.push({ status: 500, body: 'Internal Server Error' });
      const result = await sim.event('borrowing-checked-in-from-lender', t.TransactionNumber);
      assert.equal(result.filedAs, 'exception: HTTP 500');
      assert.equal(result.sent, true);
      assert.equal(result.httpStatus, 500);
      assert.deepEqual(sim.store.notes(t.TransactionNumber), []);
      // The staff action's status stays.
      assert.equal(sim.store.transaction(t.TransactionNumber)?.TransactionStatus, 'Customer Notified via E-Mail');
    });

    test('an Article sends nothing', async () => {
      const t = borrowing({ RequestType: 'Article', PhotoJournalTitle: 'J' });
      const result = await sim.event('borrowing-checked-in-from-lender', t.TransactionNumber);
      assert.deepEqual(result, { sent: false, filedAs: 'skipped: article' });
      assert.equal(recorder.requests.length, 0);
      assert.deepEqual(sim.store.notes(t.TransactionNumber), []);
    });

    test('staff can re-process: AcceptItem is sent again for the same TN', async () => {
      const t = borrowing();
      recorder.answers.push({ body: problem('Unknown User') });
      await sim.event('borrowing-checked-in-from-lender', t.TransactionNumber);
      const again = await sim.event('borrowing-checked-in-from-lender', t.TransactionNumber);
      assert.equal(again.filedAs, 'success note');
      assert.equal(recorder.requests.length, 2);
      assert.ok(recorder.requests[0]!.body.equals(recorder.requests[1]!.body));
      assert.equal(sim.store.notes(t.TransactionNumber).length, 2);
      assert.equal(sim.store.transaction(t.TransactionNumber)?.TransactionStatus, 'Customer Notified via E-Mail');
    });

    test('a network failure is an exception too', async () => {
      const offline = await startIlliadSimulator({ apiKey: 'k', ncipUrl: 'http://127.0.0.1:1/ncip', users: [{ UserName: 'cwlee' }] });
      try {
        const t = offline.store.addTransaction({ Username: 'cwlee', RequestType: 'Loan', ProcessType: 'Borrowing' });
        const result = await offline.event('borrowing-checked-in-from-lender', t.TransactionNumber);
        assert.equal(result.filedAs, 'exception: ECONNREFUSED');
        assert.deepEqual(offline.store.notes(t.TransactionNumber), []);
      } finally {
        await offline.close();
      }
    });
  });

  describe('CheckInItem (borrowing-returned-by-patron)', () => {
    test('the exact bytes, with Content-Type text/xml; charset=UTF-8', async () => {
      const t = borrowing();
      const n = t.TransactionNumber;
      const result = await sim.event('borrowing-returned-by-patron', n);
      const request = recorder.last();
      assert.equal(request.headers['content-type'], 'text/xml; charset=UTF-8');
      assert.equal(
        request.body.toString('latin1'),
        '<?xml version="1.0" encoding="ISO-8859-1"?><NCIPMessage xmlns="http://www.niso.org/2008/ncip" version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd"><CheckInItem>' +
          '<InitiationHeader><FromAgencyId><AgencyId>INTERLEND</AgencyId></FromAgencyId><ToAgencyId><AgencyId>INTERLEND</AgencyId></ToAgencyId><ApplicationProfileType>ILLiad</ApplicationProfileType></InitiationHeader>' +
          `<UserId><UserIdentifierValue>cwlee</UserIdentifierValue></UserId>` +
          `<ItemId><AgencyId>INTERLEND</AgencyId><ItemIdentifierValue>${n}</ItemIdentifierValue></ItemId>` +
          `<RequestId><AgencyId>INTERLEND</AgencyId><RequestIdentifierValue>${n}</RequestIdentifierValue></RequestId>` +
          '</CheckInItem></NCIPMessage>',
      );
      assert.equal(result.filedAs, 'success note');
      assert.deepEqual(sim.store.notes(n).map((note) => note.Note), ['NCIP Response for BorrowingCheckInItem received successfully']);
    });

    test('"Unknown Item" and "Item Not Checked Out" have their own queues', async () => {
      const a = borrowing();
      recorder.answers.push({ body: problem('Unknown Item') });
      assert.equal((await sim.event('borrowing-returned-by-patron', a.TransactionNumber)).filedAs, 'NCIP Error: BorCheckIn-UnknownItem');
      const b = borrowing();
      recorder.answers.push({ body: problem('Item Not Checked Out') });
      assert.equal((await sim.event('borrowing-returned-by-patron', b.TransactionNumber)).filedAs, 'NCIP Error: BorCheckIn-NotCheckedOut');
      const c = borrowing();
      recorder.answers.push({ body: problem('Temporary Processing Failure') });
      assert.equal((await sim.event('borrowing-returned-by-patron', c.TransactionNumber)).filedAs, 'NCIP Error: BorrowingCheckInItem Failed');
    });

    test('nothing is sent when EnablePatronBorrowingReturns is off', async () => {
      const off = await start({ ncip: { enablePatronBorrowingReturns: false } });
      try {
        const t = off.store.addTransaction({ Username: 'cwlee', RequestType: 'Loan', ProcessType: 'Borrowing' });
        const result = await off.event('borrowing-returned-by-patron', t.TransactionNumber);
        assert.equal(result.sent, false);
        assert.match(result.filedAs, /^skipped: /);
        assert.equal(recorder.requests.length, 0);
      } finally {
        await off.close();
      }
    });

    test('prefixes, the prefixed ItemId and Pitt\'s retry with the bare TN after "Unknown Item"', async () => {
      const pitt = await start({ ncip: { requestIdPrefix: 'TN-', itemIdentifier: 'requestId', retryUnknownItemWithBareTransactionNumber: true } });
      try {
        const t = pitt.store.addTransaction({ Username: 'cwlee', RequestType: 'Loan', ProcessType: 'Borrowing' });
        const n = t.TransactionNumber;
        recorder.answers.push({ body: problem('Unknown Item') }, { body: SUCCESS });
        const result = await pitt.event('borrowing-returned-by-patron', n);
        assert.equal(recorder.requests.length, 2);
        const [first, second] = recorder.requests.map((r) => r.body.toString('latin1'));
        assert.match(first!, new RegExp(`<ItemIdentifierValue>TN-${n}</ItemIdentifierValue>.*<RequestIdentifierValue>TN-${n}</RequestIdentifierValue>`));
        assert.match(second!, new RegExp(`<ItemIdentifierValue>${n}</ItemIdentifierValue>.*<RequestIdentifierValue>TN-${n}</RequestIdentifierValue>`));
        assert.equal(result.filedAs, 'success note');
        assert.equal(result.retriedWithBareTransactionNumber, true);
      } finally {
        await pitt.close();
      }
    });

    test('Use_Prefixes: LU- and TN- by LibraryUseOnly and RenewalsAllowed', async () => {
      const prefixed = await start({ ncip: { prefixes: { libraryUseOnly: 'LU-', renewalsAllowed: 'TN-', both: 'LT-' } } });
      try {
        const ids: string[] = [];
        for (const flags of [{ LibraryUseOnly: true }, { RenewalsAllowed: true }, { LibraryUseOnly: true, RenewalsAllowed: true }, {}]) {
          const t = prefixed.store.addTransaction({ Username: 'cwlee', RequestType: 'Loan', ProcessType: 'Borrowing', ...flags });
          await prefixed.event('borrowing-checked-in-from-lender', t.TransactionNumber);
          ids.push(/<RequestIdentifierValue>([^<]*)</.exec(recorder.last().body.toString('latin1'))![1]!.replace(String(t.TransactionNumber), 'n'));
        }
        assert.deepEqual(ids, ['LU-n', 'TN-n', 'LT-n', 'n']);
      } finally {
        await prefixed.close();
      }
    });

    test('piece-numbered item ids: one AcceptItem per piece, and a PickupLocation when configured', async () => {
      const pieces = await start({ ncip: { itemIdentifier: 'piece', pickupLocation: 'MAIN' } });
      try {
        const t = pieces.store.addTransaction({ Username: 'cwlee', RequestType: 'Loan', ProcessType: 'Borrowing', Pieces: 2, DueDate: '2025-05-01' });
        const n = t.TransactionNumber;
        const result = await pieces.event('borrowing-checked-in-from-lender', n);
        const ids = recorder.requests.map((r) => /<ItemIdentifierValue>([^<]*)</.exec(r.body.toString('latin1'))![1]);
        assert.deepEqual(ids, [`${n}-1OF2`, `${n}-2OF2`]);
        assert.match(recorder.last().body.toString('latin1'), /<DateForReturn>2025-05-01T23:59:00<\/DateForReturn><PickupLocation>MAIN<\/PickupLocation><ItemOptionalFields>/);
        assert.equal(result.pieces?.length, 2);
        assert.equal(result.filedAs, 'success note');
      } finally {
        await pieces.close();
      }
    });
  });

  describe('lending', () => {
    test('CheckOutItem (lending-marked-found): pseudopatron, ItemNumber, DesiredDateDue', async () => {
      const created = await fetch(`${sim.url}/Transaction`, {
        method: 'POST',
        headers: { ApiKey: 'k', 'Content-Type': 'application/json' },
        body: JSON.stringify({ ProcessType: 'Lending', RequestType: 'Loan', ItemNumber: '39000001234567', DueDate: '2025-06-30' }),
      });
      const n = ((await created.json()) as { TransactionNumber: number }).TransactionNumber;
      const result = await sim.event('lending-marked-found', n);
      const request = recorder.last();
      assert.equal(request.headers['content-type'], 'text/xml; charset=UTF-8');
      assert.equal(
        request.body.toString('latin1'),
        '<?xml version="1.0" encoding="ISO-8859-1"?><NCIPMessage xmlns="http://www.niso.org/2008/ncip" version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd"><CheckOutItem>' +
          '<InitiationHeader><FromAgencyId><AgencyId>INTERLEND</AgencyId></FromAgencyId><ToAgencyId><AgencyId>INTERLEND</AgencyId></ToAgencyId><ApplicationProfileType>ILLiad</ApplicationProfileType></InitiationHeader>' +
          '<UserId><UserIdentifierValue>pseudopatron</UserIdentifierValue></UserId>' +
          '<ItemId><AgencyId>INTERLEND</AgencyId><ItemIdentifierValue>39000001234567</ItemIdentifierValue></ItemId>' +
          `<RequestId><AgencyId>INTERLEND</AgencyId><RequestIdentifierValue>${n}</RequestIdentifierValue></RequestId>` +
          '<DesiredDateDue>2025-06-30T23:59:00</DesiredDateDue>' +
          '</CheckOutItem></NCIPMessage>',
      );
      assert.equal(result.filedAs, 'success note');
      assert.deepEqual(sim.store.notes(n).map((note) => note.Note), ['NCIP Response for LendingCheckOutItem received successfully']);
      assert.equal(sim.store.transaction(n)?.TransactionStatus, 'Item Shipped');
    });

    test('CheckOutItem answers: User Ineligible, User Unknown, Problem', async () => {
      for (const [answer, queue] of [
        ['User Ineligible To Check Out This Item', 'NCIP Error: LCheckOut-User Ineligible'],
        ['User Unknown', 'NCIP Error: LCheckOut-User Unknown'],
        ['Item Does Not Circulate', 'NCIP Error: LendingCheckOutItem Failed'],
      ] as const) {
        const t = lending();
        recorder.answers.push({ body: problem(answer) });
        assert.equal((await sim.event('lending-marked-found', t.TransactionNumber)).filedAs, queue);
        assert.equal(sim.store.transaction(t.TransactionNumber)?.TransactionStatus, queue);
      }
    });

    test('CheckInItem (lending-returned): ItemNumber as ItemId and RequestId', async () => {
      const t = lending({ ItemNumber: '39000007654321' });
      await sim.event('lending-returned', t.TransactionNumber);
      assert.match(
        recorder.last().body.toString('latin1'),
        /<CheckInItem><InitiationHeader>.*<\/InitiationHeader><UserId><UserIdentifierValue>Lending<\/UserIdentifierValue><\/UserId><ItemId><AgencyId>INTERLEND<\/AgencyId><ItemIdentifierValue>39000007654321<\/ItemIdentifierValue><\/ItemId><RequestId><AgencyId>INTERLEND<\/AgencyId><RequestIdentifierValue>39000007654321<\/RequestIdentifierValue><\/RequestId><\/CheckInItem>/,
      );
      const u = lending();
      recorder.answers.push({ body: problem('Unknown Item') });
      assert.equal((await sim.event('lending-returned', u.TransactionNumber)).filedAs, 'NCIP Error: LCheckIn-Unknown Item');
      const v = lending();
      recorder.answers.push({ body: problem('Item Not Checked Out') });
      assert.equal((await sim.event('lending-returned', v.TransactionNumber)).filedAs, 'NCIP Error: LCheckIn-Not Checked Out');
    });

    test('no ItemNumber: the add-on fails before sending (a Lua nil)', async () => {
      const t = lending({ ItemNumber: null });
      const result = await sim.event('lending-marked-found', t.TransactionNumber);
      assert.equal(result.sent, false);
      assert.equal(result.filedAs, 'exception: attempt to concatenate a nil value (Transaction.ItemNumber)');
      assert.equal(recorder.requests.length, 0);
    });

    test('agency ids, profile type and pseudopatron come from the options', async () => {
      const custom = await start({ ncip: { fromAgencyId: 'ILL_SITE', toAgencyId: '01XYZ_INST', applicationProfileType: 'ILLIAD', pseudopatron: 'RS_PSEUDO', requestIdPrefix: 'TN-' } });
      try {
        const t = custom.store.addTransaction({ Username: 'Lending', RequestType: 'Loan', ProcessType: 'Lending', ItemNumber: '390001' });
        await custom.event('lending-marked-found', t.TransactionNumber);
        const body = recorder.last().body.toString('latin1');
        assert.match(body, /<FromAgencyId><AgencyId>ILL_SITE<\/AgencyId><\/FromAgencyId><ToAgencyId><AgencyId>01XYZ_INST<\/AgencyId><\/ToAgencyId><ApplicationProfileType>ILLIAD<\/ApplicationProfileType>/);
        assert.match(body, /<UserIdentifierValue>RS_PSEUDO<\/UserIdentifierValue>/);
        assert.match(body, new RegExp(`<RequestId><AgencyId>01XYZ_INST</AgencyId><RequestIdentifierValue>TN-${t.TransactionNumber}</RequestIdentifierValue>`));
      } finally {
        await custom.close();
      }
    });
  });

  describe('events', () => {
    test('a UTF-8 answer is decoded by its charset', async () => {
      const t = borrowing();
      recorder.answers.push({ body: '<Problem>Müller</Problem>', contentType: 'text/xml; charset=utf-8' });
      const result = await sim.event('borrowing-checked-in-from-lender', t.TransactionNumber);
      assert.equal(result.response, '<Problem>Müller</Problem>');
    });

    test('an event that does not fit the transaction is refused', async () => {
      const t = borrowing();
      await assert.rejects(sim.event('lending-marked-found', t.TransactionNumber), /lending-marked-found applies to Lending transactions/);
      await assert.rejects(sim.event('borrowing-checked-in-from-lender', 999_999), /Transaction 999999 was not found/);
      assert.equal(recorder.requests.length, 0);
    });

    test('without ncipUrl, events are refused with a clear error', async () => {
      const silent = await startIlliadSimulator({ apiKey: 'k', users: [{ UserName: 'cwlee' }] });
      try {
        const t = silent.store.addTransaction({ Username: 'cwlee', RequestType: 'Loan', ProcessType: 'Borrowing' });
        await assert.rejects(silent.event('borrowing-checked-in-from-lender', t.TransactionNumber), /no responder URL: start the ILLiad simulator with ncipUrl/);
        const reply = await fetch(`${silent.origin}/sim/events/borrowing-checked-in-from-lender`, { method: 'POST', body: JSON.stringify({ transactionNumber: t.TransactionNumber }) });
        assert.equal(reply.status, 409);
      } finally {
        await silent.close();
      }
    });

    test('the control API fires events: POST /sim/events/{kind}', async () => {
      const t = borrowing();
      const reply = await fetch(`${sim.origin}/sim/events/borrowing-checked-in-from-lender`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ transactionNumber: t.TransactionNumber }),
      });
      assert.equal(reply.status, 200);
      const result = (await reply.json()) as { sent: boolean; filedAs: string };
      assert.equal(result.sent, true);
      assert.equal(result.filedAs, 'success note');
      const unknown = await fetch(`${sim.origin}/sim/events/shelved`, { method: 'POST', body: JSON.stringify({ transactionNumber: t.TransactionNumber }) });
      assert.equal(unknown.status, 404);
      const missing = await fetch(`${sim.origin}/sim/events/lending-returned`, { method: 'POST', body: JSON.stringify({ transactionNumber: 999_999 }) });
      assert.equal(missing.status, 404);
      const wrong = await fetch(`${sim.origin}/sim/events/lending-returned`, { method: 'POST', body: JSON.stringify({ transactionNumber: t.TransactionNumber }) });
      assert.equal(wrong.status, 400);
    });
  });
});
