/**
 * ILLiad as lender of last resort over real HTTP: our server's export against the ILLiad simulator, with the
 * guide's configuration (issue 4). Every failure class, each username form, and no duplicate transaction ever.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type IlliadSimulator, startIlliadSimulator } from '../../src/sim/illiad/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { DIALECTS } from '../support/databases.ts';

const EXAMPLE = readFileSync(new URL('../../examples/lender-of-last-resort.yaml', import.meta.url), 'utf8');
const PATRONS = readFileSync(new URL('../../examples/demo-patrons.yaml', import.meta.url), 'utf8');
const KEY = 'sim-key-0123456789';
const book = { patron: '100200300', title: 'The Problem of Pain', author: 'C. S. Lewis', oclcNumber: '(OCoLC)00012345', requestedFormat: 'PHYSICAL', citationType: 'BOOK' };

type Request = { id: string; status: string; statusReason: string | null; exportedTo?: { transactionNumber: number; username: string }; history: { action: string; reason: string | null; toStatus: string }[] };

async function setUp(dialect: 'sqlite' | 'postgres', sim: IlliadSimulator, key = KEY): Promise<TestApp> {
  const app = await createTestApp(dialect, { ILLIAD_URL: sim.url, ILLIAD_API_KEY: key }, { illiad: true, illiadCallTimeoutMs: 400 });
  await app.transfer.importYaml(EXAMPLE);
  await app.transfer.importYaml(PATRONS);
  assert.equal((await app.call('PATCH', '/api/v1/rota-templates/ILLiad', { body: { status: 'ACTIVE' } })).statusCode, 200);
  // The peers say no, so every request reaches ILLiad.
  app.script.set('NORTH', Array(50).fill({ action: 'reject', reason: 'not owned' }));
  app.script.set('SOUTH', Array(50).fill({ action: 'reject', reason: 'not owned' }));
  return app;
}

async function exportSettings(app: TestApp, patch: Record<string, unknown>, general: Record<string, unknown> = {}) {
  const partner = (await app.call('GET', '/api/v1/partners/ILLiad')).json();
  const ncip = { ...partner.ncip, generalInformation: { ...partner.ncip.generalInformation, ...general }, exportToThirdParty: { ...partner.ncip.exportToThirdParty, ...patch } };
  const response = await app.call('PATCH', '/api/v1/partners/ILLiad', { body: { ncip } });
  assert.equal(response.statusCode, 200, response.body);
}

async function route(app: TestApp, body: Record<string, unknown> = book): Promise<Request> {
  const created = await app.call('POST', '/api/v1/borrowing-requests', { body });
  assert.equal(created.statusCode, 201, created.body);
  await app.drain();
  return (await app.call('GET', `/api/v1/borrowing-requests/${created.json().id}`)).json();
}

const calls = (request: Request) => request.history.filter((h) => h.action === 'partner-call').map((h) => h.reason!.replace(/ \(\d+ ms\)$/, ''));

for (const { dialect, skip } of DIALECTS) {
  describe(`ILLiad export end to end on ${dialect}`, { skip }, () => {
    let sim: IlliadSimulator;
    let app: TestApp | undefined;
    before(async () => {
      sim = await startIlliadSimulator({ apiKey: KEY, externalUserIdMapping: 'EMailAddress' });
    });
    after(async () => {
      await app?.close();
      await sim.close();
    });

    test('a request every peer rejects is exported once, for user cwlee, with the TransactionNumber and every call in its history', async () => {
      app = await setUp(dialect, sim);
      const request = await route(app);
      assert.equal(request.status, 'EXPORTED_TO_THIRD_PARTY', request.statusReason ?? '');
      const transactions = sim.store.transactions();
      assert.equal(transactions.length, 1);
      const [transaction] = transactions;
      assert.equal(transaction!.ReferenceNumber, request.id);
      assert.equal(transaction!.ESPNumber, '00012345');
      assert.equal(transaction!.Username, 'cwlee');
      assert.equal(transaction!.RequestType, 'Loan');
      assert.equal(transaction!.LoanTitle, 'The Problem of Pain');
      assert.deepEqual(request.exportedTo && [request.exportedTo.transactionNumber, request.exportedTo.username], [transaction!.TransactionNumber, 'cwlee']);
      const user = sim.store.user('cwlee');
      assert.deepEqual([user?.EMailAddress, user?.FirstName, user?.NotificationMethod, user?.DeliveryMethod, user?.LoanDeliveryMethod, user?.AuthType], [
        'cwlee@example.edu',
        'Christopher',
        'Electronic',
        'Hold for Pickup',
        'Hold for Pickup',
        'Default',
      ]);
      const tn = transaction!.TransactionNumber;
      assert.deepEqual(calls(request), [
        'ILLiad GET Users/cwlee → HTTP 404: no such user',
        'ILLiad GET Users/ExternalUserId/cwlee@example.edu → HTTP 404: no such user',
        'ILLiad POST Users → HTTP 200: created cwlee',
        'ILLiad GET Transaction/UserRequests/cwlee → HTTP 200: 0 transaction(s) listed',
        `ILLiad POST Transaction → HTTP 200: TransactionNumber ${tn}`,
        `ILLiad POST transaction/${tn}/notes → HTTP 200: note added`,
      ]);
      assert.match(sim.store.notes(tn)[0]?.Note ?? '', new RegExp(`Interlend borrowing request ${request.id} for patron 100200300\\. Tried before ILLiad: NORTH \\(rejected: not owned\\), SOUTH \\(rejected: not owned\\)`));
      const second = await route(app, { ...book, title: 'Mere Christianity' });
      assert.equal(second.status, 'EXPORTED_TO_THIRD_PARTY');
      assert.equal(calls(second)[0], 'ILLiad GET Users/cwlee → HTTP 200: found cwlee, Cleared Yes', 'the second export finds the user made by the first');
      assert.equal(sim.store.users().length, 1);
    });
  });
}

describe('ILLiad export: identity, failures and duplicates (sqlite)', () => {
  let sim: IlliadSimulator;
  let app: TestApp;
  before(async () => {
    sim = await startIlliadSimulator({ apiKey: KEY, externalUserIdMapping: 'EMailAddress' });
  });
  beforeEach(async () => {
    await app?.close();
    sim.store.reset();
    Object.assign(sim.faults, { latencyMs: 0, failRate: 0, failStatus: 500, timeoutAfterCommitRate: 0, timeoutAfterCommitMs: 120_000, badKey: false, emptyBodyRate: 0, invalidJsonRate: 0 });
    app = await setUp('sqlite', sim);
  });
  after(async () => {
    await app?.close();
    await sim.close();
  });

  for (const [form, general, username] of [
    ['the e-mail before @', { userIdentifierType: 'EMAIL', userIdentifierRegex: '^[^@]*' }, 'cwlee'],
    ['the whole e-mail', { userIdentifierType: 'EMAIL', userIdentifierRegex: null }, 'cwlee@example.edu'],
    ['the primary id', { userIdentifierType: 'PRIMARY_ID', userIdentifierRegex: null }, '100200300'],
  ] as const) {
    test(`username form: ${form}`, async () => {
      // The simulator's key maps ExternalUserId to the e-mail column, as searching by e-mail needs.
      await exportSettings(app, { searchUserInIlliadUsing: 'EMAIL_ADDRESS' }, general);
      const request = await route(app);
      assert.equal(request.status, 'EXPORTED_TO_THIRD_PARTY', request.statusReason ?? '');
      assert.deepEqual(sim.store.transactions().map((t) => t.Username), [username]);
      assert.equal(sim.store.user(username)?.EMailAddress, 'cwlee@example.edu');
      const identity = (await app.call('GET', '/api/v1/partners/ILLiad/identity?patron=100200300')).json();
      assert.equal(identity.username, username);
      assert.match(identity.outcome, new RegExp(`ILLiad user ${username.replace('.', '\\.')} found`));
    });
  }

  test('a regex that does not match: Ready to be sent with that reason, and ILLiad is never called', async () => {
    await exportSettings(app, {}, { userIdentifierType: 'PRIMARY_ID', userIdentifierRegex: '^[a-z]+' });
    const request = await route(app);
    assert.equal(request.status, 'READY_TO_BE_SENT');
    assert.equal(request.statusReason, 'User Identifier Regex ^[a-z]+ does not match Primary Identifier "100200300" of patron 100200300');
    assert.deepEqual(calls(request), []);
    assert.equal(sim.store.transactions().length + sim.store.users().length, 0);
  });

  test('no user and Create User In ILLiad off: a sentence staff can act on; staff fix it and resend', async () => {
    await exportSettings(app, { createUserInIlliad: false });
    const request = await route(app);
    assert.equal(request.status, 'READY_TO_BE_SENT');
    assert.match(request.statusReason!, /^ILLiad has no user cwlee \(nor one with e-mail cwlee@example\.edu\) and Create User In ILLiad is off/);
    sim.store.addUser({ UserName: 'cwlee', EMailAddress: 'cwlee@example.edu', FirstName: 'Christopher', LastName: 'Lee', Cleared: 'Yes' });
    assert.equal((await app.call('POST', `/api/v1/borrowing-requests/${request.id}/actions/resend`, { body: { reason: 'user made in ILLiad' } })).statusCode, 200);
    await app.drain();
    const resent = (await app.call('GET', `/api/v1/borrowing-requests/${request.id}`)).json();
    assert.equal(resent.status, 'EXPORTED_TO_THIRD_PARTY');
    assert.equal(sim.store.transactions().length, 1);
  });

  test('a user found by e-mail through the External User ID mapping is used as it is', async () => {
    sim.store.addUser({ UserName: 'chenwei.lee', EMailAddress: 'cwlee@example.edu', FirstName: 'Christopher', LastName: 'Lee', Cleared: 'Yes' });
    const request = await route(app);
    assert.equal(request.status, 'EXPORTED_TO_THIRD_PARTY');
    assert.deepEqual(sim.store.transactions().map((t) => t.Username), ['chenwei.lee']);
    assert.equal(sim.store.users().length, 1, 'no second account');
  });

  for (const [cleared, word] of [['B', 'blocked'], ['BO', 'blocked'], ['DIS', 'disavowed']] as const) {
    test(`an ILLiad user with Cleared ${cleared} is refused as ${word}`, async () => {
      sim.store.addUser({ UserName: 'cwlee', EMailAddress: 'cwlee@example.edu', FirstName: 'Christopher', LastName: 'Lee', Cleared: cleared });
      const request = await route(app);
      assert.equal(request.status, 'READY_TO_BE_SENT');
      assert.equal(request.statusReason, `ILLiad user cwlee is ${word} (Cleared = ${cleared}); clear the user in ILLiad, then resend`);
      assert.equal(sim.store.transactions().length, 0);
    });
  }

  test('a refused API key (401) is a configuration error: no retry, the partner is flagged until it works', async () => {
    sim.faults.badKey = true;
    const request = await route(app);
    assert.equal(request.status, 'READY_TO_BE_SENT');
    assert.match(request.statusReason!, /^ILLiad refused the API key \(HTTP 401 on GET Users\/cwlee: Authorization has been denied for this request\.\); check the partner's API key and URL$/);
    const jobs = (await app.call('GET', '/api/v1/jobs?state=failed')).json();
    assert.equal(jobs.total, 0, 'nothing left to retry');
    const alerts = (await app.call('GET', '/api/v1/queues')).json().partnerAlerts;
    assert.deepEqual(alerts.map((a: { partner: string }) => a.partner), ['ILLiad']);
    sim.faults.badKey = false;
    await app.call('POST', `/api/v1/borrowing-requests/${request.id}/actions/resend`, { body: {} });
    await app.drain();
    assert.deepEqual((await app.call('GET', '/api/v1/queues')).json().partnerAlerts, [], 'the flag goes once ILLiad takes the key');
  });

  test('refused data (400) is a data error: no retry, ILLiad\'s ModelState shown', async () => {
    // A mistyped Export Request ID Name Tag that names RequestType: our id is no Loan or Article.
    await exportSettings(app, { exportRequestIdNameTag: 'RequestType' });
    const request = await route(app);
    assert.equal(request.status, 'READY_TO_BE_SENT');
    assert.match(request.statusReason!, /^ILLiad refused POST Transaction \(HTTP 400\): The request is invalid\. RequestType: '.+' is not a valid RequestType\./);
    assert.equal(sim.store.transactions().length, 0);
  });

  test('5xx: the send job retries with backoff, and after its last try the request waits in Ready to be sent', async () => {
    sim.faults.failRate = 1;
    const created = (await app.call('POST', '/api/v1/borrowing-requests', { body: book })).json();
    await app.drain();
    let request: Request = (await app.call('GET', `/api/v1/borrowing-requests/${created.id}`)).json();
    assert.equal(request.status, 'REQUEST_SENT_TO_PARTNER', 'still with ILLiad while the job retries');
    assert.match(request.history.at(-1)!.reason!, /^ILLiad could not be reached \(try 1\); trying again later: ILLiad failed on GET Users\/cwlee \(HTTP 500\): An error has occurred\./);
    for (let i = 0; i < 40 && request.status === 'REQUEST_SENT_TO_PARTNER'; i++) {
      app.clock.advance(24 * 60 * 60 * 1000);
      await app.drain();
      request = (await app.call('GET', `/api/v1/borrowing-requests/${created.id}`)).json();
    }
    assert.equal(request.status, 'READY_TO_BE_SENT');
    assert.match(request.statusReason!, /^ILLiad could not be reached after 30 tries: ILLiad failed on GET Users\/cwlee \(HTTP 500\)/);
    assert.equal(sim.store.transactions().length, 0);
  });

  test('a timeout after ILLiad committed: the retry finds the transaction by our id and adopts it; one transaction', async () => {
    sim.faults.timeoutAfterCommitRate = 1;
    sim.faults.timeoutAfterCommitMs = 5_000;
    const created = (await app.call('POST', '/api/v1/borrowing-requests', { body: book })).json();
    await app.drain();
    let request: Request = (await app.call('GET', `/api/v1/borrowing-requests/${created.id}`)).json();
    assert.equal(request.status, 'REQUEST_SENT_TO_PARTNER');
    assert.equal(sim.store.transactions().length, 1, 'ILLiad committed the transaction');
    assert.match(calls(request).at(-1)!, /^ILLiad POST Transaction → timeout: no answer within 0\.4 s$/);
    sim.faults.timeoutAfterCommitRate = 0;
    app.clock.advance(60 * 60 * 1000);
    await app.drain();
    request = (await app.call('GET', `/api/v1/borrowing-requests/${created.id}`)).json();
    assert.equal(request.status, 'EXPORTED_TO_THIRD_PARTY');
    const [transaction] = sim.store.transactions();
    assert.equal(sim.store.transactions().length, 1, 'no second transaction');
    assert.equal(request.exportedTo?.transactionNumber, transaction!.TransactionNumber);
    assert.match(request.history.findLast((h) => h.action === 'exported')!.reason!, /made by an earlier try, adopted/);
  });

  test('Close Request When Exported closes the request once ILLiad has it', async () => {
    await exportSettings(app, { closeRequestWhenExported: true });
    const request = await route(app);
    assert.equal(request.status, 'REQUEST_COMPLETED');
    assert.deepEqual(request.history.slice(-2).map((h) => `${h.action} -> ${h.toStatus}`), ['exported -> EXPORTED_TO_THIRD_PARTY', 'complete -> REQUEST_COMPLETED']);
    assert.equal(sim.store.transactions().length, 1);
  });

  test('the identity dry run shows the derived username and what ILLiad says, and creates nothing', async () => {
    const identity = (await app.call('GET', '/api/v1/partners/ILLiad/identity?patron=100200300')).json();
    assert.deepEqual([identity.identifier, identity.username, identity.illiadUser, identity.outcome], ['cwlee@example.edu', 'cwlee', null, 'ILLiad has no user cwlee: the first export creates it']);
    assert.equal(sim.store.users().length, 0);
    assert.equal((await app.call('GET', '/api/v1/partners/ILLiad/identity')).statusCode, 400);
    assert.equal((await app.call('GET', '/api/v1/partners/NOPE/identity?patron=100200300')).statusCode, 404);
    assert.equal((await app.call('GET', '/api/v1/partners/NORTH/identity?patron=100200300')).statusCode, 422);
    const leaked = JSON.stringify(identity);
    assert.ok(!leaked.includes(KEY), 'the API key never appears');
  });
});
