/**
 * The ISO 18626 peer mock (src/sim/peer; protocols.md §3.5, §8.2) over real HTTP: the supplier scenarios, the
 * requester's RequestingAgencyMessages, the errors, the flows API, and the requester role against a second mock.
 * A tiny node:http "requester" records the SupplyingAgencyMessages it gets and answers each with an OK confirmation.
 * Every message the mock sends (each SAM and each confirmation) is validated against ISO-18626-v1_2.xsd.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { buildIso18626 } from '../../src/protocols/iso18626/build.ts';
import { okConfirmation } from '../../src/protocols/iso18626/confirmations.ts';
import type {
  Iso18626Confirmation,
  Iso18626Header,
  Iso18626Request,
  Iso18626RequestingAgencyMessage,
  Iso18626SupplyingAgencyMessage,
} from '../../src/protocols/iso18626/messages.ts';
import { parseIso18626 } from '../../src/protocols/iso18626/parse.ts';
import { type PeerMock, startPeerMock } from '../../src/sim/peer/server.ts';
import { iso18626Schema } from '../support/iso18626-xsd.ts';

const SYMBOL = 'NORTH';
let sequence = 0;
const nextId = (label: string) => `${label}-${++sequence}`;

interface Received {
  id: string | null;
  xml: string;
  message: Iso18626SupplyingAgencyMessage;
}

/** The test's requester: records SAMs (they must parse) and answers each with an OK confirmation. */
async function startRequester(): Promise<{ url: string; received: Received[]; forId(id: string): Iso18626SupplyingAgencyMessage[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const outcome = parseIso18626(body);
      if (!outcome.ok || outcome.message.kind !== 'supplyingAgencyMessage') {
        response.writeHead(400).end('expected a supplyingAgencyMessage');
        received.push({ id: null, xml: body.toString('utf8'), message: null as never });
        return;
      }
      received.push({ id: outcome.message.header.requestingAgencyRequestId, xml: body.toString('utf8'), message: outcome.message });
      const xml = buildIso18626(okConfirmation(outcome.message));
      response.writeHead(200, { 'Content-Type': 'application/xml; charset=utf-8' }).end(xml);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/iso18626`,
    received,
    forId: (id) => received.filter((each) => each.id === id).map((each) => each.message),
    close: () => new Promise<void>((resolve) => (server.close(() => resolve()), server.closeAllConnections())),
  };
}

const header = (id: string, overrides: Partial<Iso18626Header> = {}): Iso18626Header => ({
  supplyingAgencyId: { type: 'ISIL', value: SYMBOL },
  requestingAgencyId: { type: 'ISIL', value: 'SOUTH' },
  multipleItemRequestId: null,
  timestamp: new Date().toISOString(),
  requestingAgencyRequestId: id,
  supplyingAgencyRequestId: null,
  ...overrides,
});

function request(id: string, options: { scenario?: string | null; note?: string | null; serviceType?: string; address?: string; subTypes?: string[]; supplierDescription?: string } = {}): Iso18626Request {
  return {
    kind: 'request',
    header: header(id),
    bibliographicInfo: {
      supplierUniqueRecordId: options.scenario ?? null,
      title: 'The Problem of Pain', author: 'Lewis, C. S.', subtitle: null, seriesTitle: null, edition: null, titleOfComponent: null, authorOfComponent: null,
      volume: null, issue: null, pagesRequested: null, estimatedNoPages: null, bibliographicItemIds: [], sponsor: null, informationSource: null, bibliographicRecordIds: [],
    },
    publicationInfo: null,
    serviceInfo: {
      requestType: 'New', requestSubTypes: options.subTypes ?? [], requestingAgencyPreviousRequestId: null, serviceType: options.serviceType ?? 'Loan', serviceLevel: null,
      preferredFormat: null, needBeforeDate: null, copyrightCompliance: null, anyEdition: null, startDate: null, endDate: null, note: options.note ?? null,
    },
    supplierInfo: options.supplierDescription
      ? [{ sortOrder: 1, supplierCode: { type: 'ISIL', value: SYMBOL }, supplierDescription: options.supplierDescription, bibliographicRecordId: null, callNumber: null, summaryHoldings: null, availabilityNote: null }]
      : [],
    requestedDeliveryInfo: [],
    requestingAgencyInfo: options.address ? { name: 'South Library', contactName: null, addresses: [{ kind: 'electronic', electronicAddressType: 'URL', electronicAddressData: options.address }] } : null,
    patronInfo: null,
    billingInfo: null,
  };
}

const ram = (id: string, action: string, overrides: Partial<Iso18626Header> = {}): Iso18626RequestingAgencyMessage => ({
  kind: 'requestingAgencyMessage',
  header: header(id, overrides),
  action,
  note: null,
});

async function post(url: string, body: string): Promise<{ status: number; text: string; confirmation: Iso18626Confirmation | null }> {
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/xml; charset=utf-8' }, body });
  const text = await response.text();
  const outcome = parseIso18626(Buffer.from(text, 'utf8'));
  const confirmation = outcome.ok && outcome.message.kind.endsWith('Confirmation') ? (outcome.message as Iso18626Confirmation) : null;
  return { status: response.status, text, confirmation };
}

/** Polls until `check` holds, or fails after the deadline (no timing asserts: only a ceiling). */
async function until(check: () => boolean, what: string, deadlineMs = 5000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const schema = iso18626Schema();

/** Every message the mock sent validates against the v1.2 XSD. */
function assertSentValid(mock: PeerMock, id?: string): number {
  const sent = mock.flows(id === undefined ? {} : { requestingAgencyRequestId: id }).filter((flow) => flow.direction === 'out' && flow.kind !== 'http-error' && flow.kind !== 'transport-error');
  for (const flow of sent) assert.deepEqual(schema.validate(flow.xml), [], `${flow.kind} #${flow.seq}:\n${flow.xml}`);
  return sent.length;
}

describe('ISO 18626 peer mock: supplier', () => {
  let mock: PeerMock;
  let requester: Awaited<ReturnType<typeof startRequester>>;
  const lines: string[] = [];

  before(async () => {
    requester = await startRequester();
    mock = await startPeerMock({ symbol: SYMBOL, peerUrl: requester.url, messageDelayMs: 5, log: (line) => lines.push(line) });
  });
  after(async () => {
    await mock.close();
    await requester.close();
  });

  /** Sends a Request, waits until the mock has sent everything, and returns the confirmation and the SAMs. */
  async function play(id: string, options: Parameters<typeof request>[1]) {
    const reply = await post(mock.url, buildIso18626(request(id, options)));
    await mock.waitForIdle();
    assertSentValid(mock, id);
    return { reply, sams: requester.forId(id) };
  }

  test('url, origin, healthz, unknown paths', async () => {
    assert.match(mock.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(mock.url, `${mock.origin}/iso18626`);
    assert.equal((await fetch(`${mock.origin}/healthz`)).status, 200);
    assert.equal((await fetch(`${mock.origin}/nowhere`)).status, 404);
  });

  test('LOANED: OK confirmation, then one Loaned RequestResponse with due date and delivery; the requester confirmation is recorded', async () => {
    const id = nextId('LOANED');
    const { reply, sams } = await play(id, { scenario: 'LOANED' });
    assert.equal(reply.status, 200);
    assert.equal(reply.confirmation?.kind, 'requestConfirmation');
    assert.equal(reply.confirmation?.header.messageStatus, 'OK');
    assert.equal(sams.length, 1);
    const sam = sams[0]!;
    assert.equal(sam.messageInfo.reasonForMessage, 'RequestResponse');
    assert.equal(sam.statusInfo.status, 'Loaned');
    assert.match(sam.statusInfo.dueDate ?? '', /T23:59:59Z$/);
    assert.ok(Date.parse(sam.statusInfo.dueDate ?? '') > Date.now() + 20 * 24 * 3600 * 1000);
    assert.ok(sam.deliveryInfo?.dateSent);
    assert.ok(sam.deliveryInfo?.itemId);
    assert.equal(sam.header.requestingAgencyRequestId, id);
    assert.deepEqual(sam.header.supplyingAgencyId, { type: 'ISIL', value: SYMBOL });
    assert.deepEqual(sam.header.requestingAgencyId, { type: 'ISIL', value: 'SOUTH' });
    assert.ok(sam.header.supplyingAgencyRequestId);
    const flows = mock.flows({ requestingAgencyRequestId: id });
    assert.deepEqual(
      flows.map((flow) => [flow.direction, flow.kind]),
      [
        ['in', 'request'],
        ['out', 'requestConfirmation'],
        ['out', 'supplyingAgencyMessage'],
        ['in', 'supplyingAgencyMessageConfirmation'],
      ],
    );
    assert.equal(flows[2]?.status, 'Loaned');
    assert.equal(flows[2]?.url, requester.url);
    assert.equal(flows[3]?.messageStatus, 'OK');
    assert.equal(flows[3]?.reasonForMessage, 'RequestResponse');
  });

  test('UNFILLED: one Unfilled with reasonUnfilled; an unknown token and no token are Unfilled too', async () => {
    for (const scenario of ['UNFILLED', 'NO_SUCH_SCENARIO', null]) {
      const id = nextId('UNFILLED');
      const { reply, sams } = await play(id, { scenario });
      assert.equal(reply.confirmation?.header.messageStatus, 'OK');
      assert.equal(sams.length, 1, String(scenario));
      assert.equal(sams[0]?.statusInfo.status, 'Unfilled');
      assert.equal(sams[0]?.messageInfo.reasonForMessage, 'RequestResponse');
      assert.ok(sams[0]?.messageInfo.reasonUnfilled);
    }
  });

  test('WILLSUPPLY_LOANED: WillSupply (RequestResponse) then Loaned (StatusChange), in order', async () => {
    const id = nextId('WSL');
    const { sams } = await play(id, { scenario: 'WILLSUPPLY_LOANED' });
    assert.deepEqual(
      sams.map((sam) => [sam.messageInfo.reasonForMessage, sam.statusInfo.status]),
      [
        ['RequestResponse', 'WillSupply'],
        ['StatusChange', 'Loaned'],
      ],
    );
    assert.equal(sams[0]?.deliveryInfo, null);
    assert.ok(sams[1]?.deliveryInfo?.itemId);
  });

  test('COMPLETED: CopyCompleted for a copy, Loaned then LoanCompleted for a loan', async () => {
    const copy = await play(nextId('COMPLETED'), { scenario: 'COMPLETED', serviceType: 'Copy' });
    assert.deepEqual(copy.sams.map((sam) => sam.statusInfo.status), ['CopyCompleted']);
    const loan = await play(nextId('COMPLETED'), { scenario: 'COMPLETED' });
    assert.deepEqual(loan.sams.map((sam) => sam.statusInfo.status), ['Loaned', 'LoanCompleted']);
  });

  test('LOANED_RECALLED: Loaned then Recalled', async () => {
    const { sams } = await play(nextId('RECALL'), { scenario: 'LOANED_RECALLED' });
    assert.deepEqual(sams.map((sam) => sam.statusInfo.status), ['Loaned', 'Recalled']);
  });

  test('ERROR: a RequestConfirmation ERROR and no SAM', async () => {
    const id = nextId('ERROR');
    const { reply, sams } = await play(id, { scenario: 'ERROR' });
    assert.equal(reply.status, 200);
    assert.equal(reply.confirmation?.header.messageStatus, 'ERROR');
    assert.equal(reply.confirmation?.errorData?.errorType, 'UnrecognisedDataValue');
    assert.equal(sams.length, 0);
  });

  test('HTTP-ERROR-500 and HTTP-ERROR-400: the HTTP error, no confirmation, no SAM; recorded in the flows', async () => {
    for (const [scenario, status] of [['HTTP-ERROR-500', 500], ['HTTP-ERROR-400', 400]] as const) {
      const id = nextId('HTTP');
      const { reply, sams } = await play(id, { scenario });
      assert.equal(reply.status, status);
      assert.equal(reply.confirmation, null);
      assert.equal(sams.length, 0);
      const out = mock.flows({ requestingAgencyRequestId: id }).filter((flow) => flow.direction === 'out');
      assert.deepEqual(out.map((flow) => [flow.kind, flow.httpStatus]), [['http-error', status]]);
    }
  });

  test('RETRY:COND_…: RetryPossible, reasonRetry LoanCondition, the conditions in the note', async () => {
    const { sams } = await play(nextId('COND'), { scenario: 'RETRY:COND_LibraryUseOnly' });
    assert.equal(sams.length, 1);
    const sam = sams[0]!;
    assert.equal(sam.messageInfo.reasonForMessage, 'RequestResponse');
    assert.equal(sam.statusInfo.status, 'RetryPossible');
    assert.equal(sam.messageInfo.reasonRetry, 'LoanCondition');
    assert.match(sam.messageInfo.note ?? '', /Conditions: LibraryUseOnly/);
  });

  test('RETRY:COST_…, RETRY:ONLOAN_…, RETRY:NOTFOUNDASCITED', async () => {
    const cost = (await play(nextId('COST'), { scenario: 'RETRY:COST_EUR12.50' })).sams[0];
    assert.equal(cost?.messageInfo.reasonRetry, 'CostExceedsMaxCost');
    assert.deepEqual(cost?.messageInfo.offeredCosts, { currencyCode: 'EUR', monetaryValue: '12.50' });
    const onLoan = (await play(nextId('ONLOAN'), { scenario: 'RETRY:ONLOAN_2031-05-01' })).sams[0];
    assert.equal(onLoan?.messageInfo.reasonRetry, 'OnLoan');
    assert.equal(onLoan?.messageInfo.retryAfter, '2031-05-01T23:59:59Z');
    const notFound = (await play(nextId('NFAC'), { scenario: 'RETRY:NOTFOUNDASCITED' })).sams[0];
    assert.equal(notFound?.statusInfo.status, 'RetryPossible');
    assert.equal(notFound?.messageInfo.reasonRetry, 'NotFoundAsCited');
  });

  test('a Retry request with a RETRY token plays the token argument when it is a scenario, else LOANED', async () => {
    const retry = (id: string, scenario: string) => {
      const message = request(id, { scenario });
      message.serviceInfo!.requestType = 'Retry';
      message.serviceInfo!.requestingAgencyPreviousRequestId = 'EARLIER';
      return message;
    };
    const first = nextId('RETRIED');
    await post(mock.url, buildIso18626(retry(first, 'RETRY:COND_WILLSUPPLY')));
    const second = nextId('RETRIED');
    await post(mock.url, buildIso18626(retry(second, 'RETRY:COST_35')));
    await mock.waitForIdle();
    assert.deepEqual(requester.forId(first).map((sam) => sam.statusInfo.status), ['WillSupply']);
    assert.deepEqual(requester.forId(second).map((sam) => sam.statusInfo.status), ['Loaned']);
  });

  test('a duplicate requestingAgencyRequestId from the same requester: RequestConfirmation ERROR UnrecognisedDataValue', async () => {
    const id = nextId('DUP');
    const first = await post(mock.url, buildIso18626(request(id, { scenario: 'WILLSUPPLY' })));
    assert.equal(first.confirmation?.header.messageStatus, 'OK');
    const second = await post(mock.url, buildIso18626(request(id, { scenario: 'WILLSUPPLY' })));
    assert.equal(second.status, 200);
    assert.equal(second.confirmation?.kind, 'requestConfirmation');
    assert.equal(second.confirmation?.header.messageStatus, 'ERROR');
    assert.equal(second.confirmation?.errorData?.errorType, 'UnrecognisedDataValue');
    assert.match(second.confirmation?.errorData?.errorValue ?? '', /duplicate request id/);
    // The same id from another requester is another request.
    const other = request(id, { scenario: 'WILLSUPPLY' });
    other.header.requestingAgencyId = { type: 'ISIL', value: 'WEST' };
    assert.equal((await post(mock.url, buildIso18626(other))).confirmation?.header.messageStatus, 'OK');
    await mock.waitForIdle();
    assertSentValid(mock, id);
  });

  test('MOCK:<symbol>:<scenario> in the note: our token among others wins over supplierUniqueRecordId', async () => {
    const id = nextId('NOTE');
    const { sams } = await play(id, { scenario: 'UNFILLED', note: 'Please. MOCK:EAST:UNFILLED MOCK:NORTH:WILLSUPPLY_LOANED#MOCK:WEST:ERROR' });
    assert.deepEqual(sams.map((sam) => sam.statusInfo.status), ['WillSupply', 'Loaned']);
    const other = nextId('NOTE');
    const { sams: others } = await play(other, { note: 'MOCK:EAST:LOANED' });
    assert.deepEqual(others.map((sam) => sam.statusInfo.status), ['Unfilled'], 'no token for us: the default scenario');
    const retry = nextId('NOTE');
    const { sams: retries } = await play(retry, { note: 'MOCK:NORTH:RETRY:COND_NoReproduction, thanks' });
    assert.equal(retries[0]?.messageInfo.reasonRetry, 'LoanCondition');
  });

  test('SAMs go to the requestingAgencyInfo electronic address when the Request has one', async () => {
    const elsewhere = await startRequester();
    try {
      const id = nextId('ADDR');
      await post(mock.url, buildIso18626(request(id, { scenario: 'LOANED', address: elsewhere.url })));
      await mock.waitForIdle();
      assert.equal(elsewhere.forId(id).length, 1);
      assert.equal(requester.forId(id).length, 0);
    } finally {
      await elsewhere.close();
    }
  });

  describe('RequestingAgencyMessages', () => {
    async function send(message: Iso18626RequestingAgencyMessage) {
      const reply = await post(mock.url, buildIso18626(message));
      await mock.waitForIdle();
      assertSentValid(mock, message.header.requestingAgencyRequestId ?? undefined);
      return reply;
    }

    test('Cancel before the loan: CancelResponse, answerYesNo Y, Cancelled', async () => {
      const id = nextId('CANCEL');
      await play(id, { scenario: 'WILLSUPPLY' });
      const reply = await send(ram(id, 'Cancel'));
      assert.equal(reply.confirmation?.kind, 'requestingAgencyMessageConfirmation');
      assert.equal(reply.confirmation?.header.messageStatus, 'OK');
      assert.equal(reply.confirmation?.action, 'Cancel');
      const sams = requester.forId(id);
      assert.deepEqual(sams.map((sam) => [sam.messageInfo.reasonForMessage, sam.statusInfo.status, sam.messageInfo.answerYesNo]), [
        ['RequestResponse', 'WillSupply', null],
        ['CancelResponse', 'Cancelled', 'Y'],
      ]);
    });

    test('Cancel after the loan: CancelResponse, answerYesNo N, still Loaned', async () => {
      const id = nextId('CANCEL');
      await play(id, { scenario: 'LOANED' });
      await send(ram(id, 'Cancel'));
      const last = requester.forId(id).at(-1);
      assert.equal(last?.messageInfo.reasonForMessage, 'CancelResponse');
      assert.equal(last?.messageInfo.answerYesNo, 'N');
      assert.equal(last?.statusInfo.status, 'Loaned');
    });

    test('Received is acknowledged; ShippedReturn after Loaned brings LoanCompleted', async () => {
      const id = nextId('RETURN');
      await play(id, { scenario: 'LOANED' });
      const received = await send(ram(id, 'Received'));
      assert.equal(received.confirmation?.header.messageStatus, 'OK');
      assert.equal(requester.forId(id).length, 1, 'Received sends nothing');
      const returned = await send(ram(id, 'ShippedReturn'));
      assert.equal(returned.confirmation?.header.messageStatus, 'OK');
      assert.deepEqual(requester.forId(id).map((sam) => [sam.messageInfo.reasonForMessage, sam.statusInfo.status]), [
        ['RequestResponse', 'Loaned'],
        ['StatusChange', 'LoanCompleted'],
      ]);
    });

    test('Renew on LOANED_OVERDUE: Loaned, Overdue, then RenewResponse Y with a later due date', async () => {
      const id = nextId('RENEW');
      await play(id, { scenario: 'LOANED_OVERDUE' });
      await send(ram(id, 'Renew'));
      const sams = requester.forId(id);
      assert.deepEqual(sams.map((sam) => [sam.messageInfo.reasonForMessage, sam.statusInfo.status]), [
        ['RequestResponse', 'Loaned'],
        ['StatusChange', 'Overdue'],
        ['RenewResponse', 'Loaned'],
      ]);
      const renewal = sams[2]!;
      assert.equal(renewal.messageInfo.answerYesNo, 'Y');
      assert.ok(Date.parse(renewal.statusInfo.dueDate ?? '') > Date.parse(sams[0]!.statusInfo.dueDate ?? ''), 'a new, later due date');
    });

    test('Renew when nothing is on loan: RenewResponse N', async () => {
      const id = nextId('RENEW');
      await play(id, { scenario: 'WILLSUPPLY' });
      await send(ram(id, 'Renew'));
      const last = requester.forId(id).at(-1);
      assert.deepEqual([last?.messageInfo.reasonForMessage, last?.messageInfo.answerYesNo, last?.statusInfo.status], ['RenewResponse', 'N', 'WillSupply']);
    });

    test('StatusRequest: StatusRequestResponse with the current status', async () => {
      const id = nextId('STATUS');
      await play(id, { scenario: 'WILLSUPPLY_LOANED' });
      await send(ram(id, 'StatusRequest'));
      const last = requester.forId(id).at(-1);
      assert.equal(last?.messageInfo.reasonForMessage, 'StatusRequestResponse');
      assert.equal(last?.statusInfo.status, 'Loaned');
      assert.ok(last?.statusInfo.dueDate);
    });

    test('Notification is acknowledged and sends nothing', async () => {
      const id = nextId('NOTIFY');
      await play(id, { scenario: 'WILLSUPPLY' });
      const reply = await send({ ...ram(id, 'Notification'), note: 'ACCEPT' });
      assert.equal(reply.confirmation?.header.messageStatus, 'OK');
      assert.equal(requester.forId(id).length, 1);
    });

    test('an unknown request id: RequestingAgencyMessageConfirmation ERROR UnrecognisedDataValue', async () => {
      const reply = await send(ram(nextId('UNKNOWN'), 'Cancel'));
      assert.equal(reply.status, 200);
      assert.equal(reply.confirmation?.kind, 'requestingAgencyMessageConfirmation');
      assert.equal(reply.confirmation?.header.messageStatus, 'ERROR');
      assert.equal(reply.confirmation?.errorData?.errorType, 'UnrecognisedDataValue');
      assert.equal(reply.confirmation?.action, 'Cancel');
    });

    test('an action outside the v1.2 list: ERROR UnsupportedActionType', async () => {
      const id = nextId('ACTION');
      await play(id, { scenario: 'LOANED' });
      const xml = buildIso18626(ram(id, 'Received')).replace('>Received<', '>Lost<');
      const reply = await post(mock.url, xml);
      assert.equal(reply.status, 200);
      assert.equal(reply.confirmation?.header.messageStatus, 'ERROR');
      assert.equal(reply.confirmation?.errorData?.errorType, 'UnsupportedActionType');
      assert.equal(reply.confirmation?.errorData?.errorValue, 'Lost');
      assertSentValid(mock, id);
    });
  });

  describe('bodies that are not messages', () => {
    test('an unparsable body: HTTP 400, plain text', async () => {
      for (const body of ['not xml at all', '<hello/>']) {
        const response = await fetch(mock.url, { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body });
        assert.equal(response.status, 400);
        assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
        assert.ok((await response.text()).length > 0);
      }
    });

    test('a trailing slash is tolerated', async () => {
      const id = nextId('SLASH');
      const reply = await post(`${mock.url}/`, buildIso18626(request(id, { scenario: 'UNFILLED' })));
      assert.equal(reply.confirmation?.header.messageStatus, 'OK');
      await mock.waitForIdle();
    });

    test('a parse failure that has a confirmation: that ERROR confirmation, HTTP 200', async () => {
      const xml = buildIso18626(request(nextId('BROKEN'), {})).replace(/<ill:bibliographicInfo>.*<\/ill:bibliographicInfo>/, '');
      const reply = await post(mock.url, xml);
      assert.equal(reply.status, 200);
      assert.equal(reply.confirmation?.kind, 'requestConfirmation');
      assert.equal(reply.confirmation?.header.messageStatus, 'ERROR');
      assert.equal(reply.confirmation?.errorData?.errorType, 'BadlyFormedMessage');
      assert.deepEqual(schema.validate(reply.text), []);
    });

    test('a confirmation posted as a message: HTTP 400', async () => {
      const id = nextId('CONF');
      const reply = await post(mock.url, buildIso18626(okConfirmation(request(id))));
      assert.equal(reply.status, 400);
    });

    test('a SAM for a request the mock never sent: SAM confirmation ERROR', async () => {
      const sam: Iso18626SupplyingAgencyMessage = {
        kind: 'supplyingAgencyMessage',
        header: header(nextId('STRAY')),
        messageInfo: { reasonForMessage: 'StatusChange', answerYesNo: null, note: null, reasonUnfilled: null, reasonRetry: null, offeredCosts: null, retryAfter: null, retryBefore: null },
        statusInfo: { status: 'Loaned', expectedDeliveryDate: null, dueDate: null, lastChange: new Date().toISOString() },
        deliveryInfo: null,
        returnInfo: null,
      };
      const reply = await post(mock.url, buildIso18626(sam));
      assert.equal(reply.confirmation?.kind, 'supplyingAgencyMessageConfirmation');
      assert.equal(reply.confirmation?.header.messageStatus, 'ERROR');
      assert.equal(reply.confirmation?.reasonForMessage, 'StatusChange');
      assert.deepEqual(schema.validate(reply.text), []);
    });
  });

  test('the flows API filters by requestingAgencyRequestId', async () => {
    const id = nextId('API');
    await play(id, { scenario: 'WILLSUPPLY_LOANED' });
    const response = await fetch(`${mock.origin}/api/flows?requestingAgencyRequestId=${encodeURIComponent(id)}`);
    assert.equal(response.status, 200);
    const flows = (await response.json()) as { requestingAgencyRequestId: string; direction: string; kind: string; status?: string; xml: string }[];
    assert.equal(flows.length, 6);
    assert.ok(flows.every((flow) => flow.requestingAgencyRequestId === id));
    assert.deepEqual(flows.filter((flow) => flow.kind === 'supplyingAgencyMessage').map((flow) => flow.status), ['WillSupply', 'Loaned']);
    const all = (await (await fetch(`${mock.origin}/api/flows`)).json()) as unknown[];
    assert.ok(all.length > flows.length);
  });

  test('every message the mock sent validates against ISO-18626-v1_2.xsd, and every SAM parsed at the requester', async () => {
    await mock.waitForIdle();
    assert.ok(assertSentValid(mock) > 40);
    assert.ok(requester.received.length > 20);
    for (const each of requester.received) {
      assert.notEqual(each.id, null, each.xml);
      assert.deepEqual(schema.validate(each.xml), []);
    }
  });
});

describe('ISO 18626 peer mock: requester role against a supplier mock', () => {
  let supplier: PeerMock;
  let borrower: PeerMock;

  before(async () => {
    supplier = await startPeerMock({ symbol: SYMBOL, messageDelayMs: 2 });
    borrower = await startPeerMock({ symbol: 'SOUTH', peerUrl: supplier.url, messageDelayMs: 2 });
  });
  after(async () => {
    await borrower.close();
    await supplier.close();
  });

  /** Waits until both mocks are idle and stay so (a message in flight between them makes more work). */
  async function settle(): Promise<void> {
    for (let round = 0; round < 20; round++) {
      const before = supplier.flows().length + borrower.flows().length;
      await Promise.all([supplier.waitForIdle(), borrower.waitForIdle()]);
      await new Promise((resolve) => setTimeout(resolve, 10));
      await Promise.all([supplier.waitForIdle(), borrower.waitForIdle()]);
      if (supplier.flows().length + borrower.flows().length === before) return;
    }
  }

  const supplierSaw = (id: string) => supplier.flows({ requestingAgencyRequestId: id }).map((flow) => (flow.direction === 'in' ? `in:${flow.kind === 'requestingAgencyMessage' ? flow.action : flow.kind}` : `out:${flow.kind === 'supplyingAgencyMessage' ? flow.status : flow.kind}`)).filter((each) => !each.endsWith('Confirmation'));

  test('a PatronRequest with LOANED: Request, Loaned, Received, ShippedReturn, LoanCompleted', async () => {
    const id = nextId('PATRON');
    const reply = await post(borrower.url, buildIso18626(request(id, { scenario: 'LOANED', subTypes: ['PatronRequest'] })));
    assert.equal(reply.confirmation?.header.messageStatus, 'OK');
    await until(() => supplierSaw(id).includes('out:LoanCompleted'), 'LoanCompleted');
    await settle();
    assert.deepEqual(supplierSaw(id), ['in:request', 'out:Loaned', 'in:Received', 'in:ShippedReturn', 'out:LoanCompleted']);
    const sent = borrower.flows({ requestingAgencyRequestId: id }).filter((flow) => flow.direction === 'out' && flow.kind === 'request');
    assert.equal(sent.length, 1);
    assert.doesNotMatch(sent[0]!.xml, /PatronRequest/);
    assertSentValid(borrower, id);
    assertSentValid(supplier, id);
  });

  test('#CANCEL# cancels after the first SAM; #RENEW# renews on Overdue before returning', async () => {
    const cancelled = nextId('PATRON');
    await post(borrower.url, buildIso18626(request(cancelled, { note: `MOCK:${SYMBOL}:WILLSUPPLY #CANCEL#`, subTypes: ['PatronRequest'] })));
    await until(() => supplierSaw(cancelled).includes('out:Cancelled'), 'Cancelled');
    await settle();
    assert.deepEqual(supplierSaw(cancelled), ['in:request', 'out:WillSupply', 'in:Cancel', 'out:Cancelled']);

    const renewed = nextId('PATRON');
    await post(borrower.url, buildIso18626(request(renewed, { scenario: 'LOANED_OVERDUE', note: '#RENEW#', subTypes: ['PatronRequest'] })));
    await until(() => supplierSaw(renewed).includes('out:LoanCompleted'), 'LoanCompleted after renewal');
    await settle();
    // Received (from the borrower) and Overdue (the supplier's next scenario step) race; the rest is ordered.
    const seen = supplierSaw(renewed);
    assert.deepEqual([...seen.slice(0, 2), ...seen.slice(4)], ['in:request', 'out:Loaned', 'in:Renew', 'out:Loaned', 'in:ShippedReturn', 'out:LoanCompleted']);
    assert.deepEqual(seen.slice(2, 4).sort(), ['in:Received', 'out:Overdue']);
    assertSentValid(borrower);
    assertSentValid(supplier);
  });
});
