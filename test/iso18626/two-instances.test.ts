/**
 * Two Interlend instances lend to each other over ISO 18626, end to end over real HTTP (issue 6, "Done when"): site
 * A (US-ALD) and site B (US-BIR), each with its own database (SQLite, and PostgreSQL when it answers, as the storage
 * suites do) and each the other's ISO 18626 partner
 * (examples/two-sites/), listening on loopback. Nothing is mocked: A's worker POSTs its Request and its
 * RequestingAgencyMessages to B's /iso18626, B's worker POSTs its SupplyingAgencyMessages to A's, and staff act on
 * each side through the JSON API.
 *
 * - the whole loan: Request → B will supply → B ships (Loaned) → A receives (Received) → A lends to its patron and
 *   takes it back → A returns it (ShippedReturn) → B checks it in (LoanCompleted) → A's request is completed;
 * - a renewal while A has it on loan: Renew → RenewResponse Y with the due date one loan period later, kept by A;
 * - cancels while B has the request Created and while B will supply: B cancels (CancelResponse Y), A is cancelled;
 * - a conditional offer accepted across the sites: B's conditions reach A's staff (Conditional), A accepts, B will supply.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { DIALECTS } from '../support/databases.ts';

const SITE_A = readFileSync(new URL('../../examples/two-sites/site-a.yaml', import.meta.url), 'utf8');
const SITE_B = readFileSync(new URL('../../examples/two-sites/site-b.yaml', import.meta.url), 'utf8');

type History = { action: string; actor: string; reason: string | null; toStatus: string }[];
/** What the tests read of B's lending request. */
type Lent = { id: string; status: string; citation: Record<string, string | null>; serviceType: string | null };

for (const { dialect, skip } of DIALECTS) describe(`two Interlend sites lend to each other over ISO 18626 (${dialect})`, { skip }, () => {
  let a: TestApp;
  let b: TestApp;

  before(async () => {
    const envA: Record<string, string> = {};
    const envB: Record<string, string> = {};
    a = await createTestApp(dialect, envA, { peers: true });
    b = await createTestApp(dialect, envB, { peers: true });
    const addressA = await a.app.listen({ port: 0, host: '127.0.0.1' });
    const addressB = await b.app.listen({ port: 0, host: '127.0.0.1' });
    envA.SITE_B_URL = `${addressB}/iso18626`;
    envB.SITE_A_URL = `${addressA}/iso18626`;
    await a.transfer.importYaml(SITE_A);
    await b.transfer.importYaml(SITE_B);
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  const borrowing = async (id: string) => (await a.call('GET', `/api/v1/borrowing-requests/${id}`)).json();
  /** B's lending request for A's borrowing request (A's id is the requesterRequestId). */
  const lending = async (theirs: string) => {
    const list = (await b.call('GET', '/api/v1/lending-requests?requester=ALDER&limit=500')).json();
    const found = list.items.find((r: { requesterRequestId: string }) => r.requesterRequestId === theirs);
    return found ? (await b.call('GET', `/api/v1/lending-requests/${found.id}`)).json() : undefined;
  };
  /** Runs both sites' jobs (each sends over HTTP to the other) until `done` holds, or 15 s pass. */
  async function settle<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 15_000;
    let value = await read();
    while (!done(value) && Date.now() < deadline) {
      await a.drain();
      await b.drain();
      value = await read();
    }
    return value;
  }
  const actA = async (id: string, action: string, reason?: string) => {
    const response = await a.call('POST', `/api/v1/borrowing-requests/${id}/actions/${action}`, { body: reason ? { reason } : {} });
    assert.equal(response.statusCode, 200, response.body);
  };
  const actB = async (id: string, action: string, body: Record<string, unknown> = {}) => {
    const response = await b.call('POST', `/api/v1/lending-requests/${id}/actions/${action}`, { body });
    assert.equal(response.statusCode, 200, response.body);
  };
  async function borrow(title: string): Promise<{ id: string; lent: Lent }> {
    const created = await a.call('POST', '/api/v1/borrowing-requests', { body: { patron: 'A-0001', title, author: 'Somebody', isbn: '0306406152' } });
    assert.equal(created.statusCode, 201, created.body);
    const { id } = created.json();
    const lent = await settle(() => lending(id), (l) => l !== undefined);
    assert.ok(lent, 'B has the request');
    return { id, lent };
  }
  const calls = (history: History) => history.filter((h) => h.action === 'partner-call').map((h) => h.reason!.replace(/ \(\d+ ms\)$/, ''));

  test('the whole loan: Request, WillSupply, Loaned, Received, ShippedReturn, LoanCompleted', async () => {
    const { id, lent } = await borrow('A book B lends');
    assert.equal(lent.status, 'CREATED');
    assert.equal((await borrowing(id)).status, 'REQUEST_SENT_TO_PARTNER');
    assert.deepEqual([lent.citation.title, lent.citation.isbn, lent.serviceType], ['A book B lends', '0306406152', 'Loan']);

    await actB(lent.id, 'will-supply');
    assert.equal((await settle(() => borrowing(id), (r) => r.status === 'WILL_SUPPLY')).status, 'WILL_SUPPLY');
    await actB(lent.id, 'ship-physically', { itemId: 'B-ITEM-1' });
    const shipped = await settle(() => borrowing(id), (r) => r.status === 'SHIPPED_PHYSICALLY');
    assert.equal(shipped.status, 'SHIPPED_PHYSICALLY');
    assert.equal((shipped.history as History).at(-1)!.reason, 'due 2026-12-26T23:59:59Z', "B's due date (today on the test clock plus 28 days) is in A's history");

    await actA(id, 'receive');
    assert.equal((await settle(() => lending(id), (l) => l?.status === 'RECEIVED_BY_PARTNER'))?.status, 'RECEIVED_BY_PARTNER');
    await actA(id, 'loan');
    await actA(id, 'patron-return');
    await actA(id, 'return-to-partner');
    assert.equal((await settle(() => lending(id), (l) => l?.status === 'RETURNED_BY_PARTNER'))?.status, 'RETURNED_BY_PARTNER');
    await actB(lent.id, 'check-in');
    const completed = await settle(() => borrowing(id), (r) => r.status === 'REQUEST_COMPLETED');
    assert.equal(completed.status, 'REQUEST_COMPLETED', completed.statusReason ?? '');

    assert.deepEqual(calls(completed.history), [
      'ISO 18626 Request to US-BIR → OK',
      'ISO 18626 Received to US-BIR → OK',
      'ISO 18626 ShippedReturn to US-BIR → OK',
    ]);
    assert.deepEqual(
      completed.history.filter((h: History[number]) => h.actor === 'partner:BIRCH').map((h: History[number]) => `${h.action} → ${h.toStatus}`),
      ['will-supply → WILL_SUPPLY', 'shipped-physically → SHIPPED_PHYSICALLY', 'complete → REQUEST_COMPLETED'],
    );
    const lentDone = (await lending(id))!;
    assert.equal(lentDone.status, 'REQUEST_COMPLETED');
    assert.deepEqual(calls(lentDone.history), [
      'ISO 18626 RequestResponse WillSupply to US-ALD → OK',
      'ISO 18626 StatusChange Loaned to US-ALD → OK',
      'ISO 18626 StatusChange LoanCompleted to US-ALD → OK',
    ]);
    assert.deepEqual(a.faults, []);
    assert.deepEqual(b.faults, []);
  });

  test("a renewal: A renews while loaned; B answers RenewResponse Y with a new due date, and A keeps it", async () => {
    const { id, lent } = await borrow('A book renewed');
    await actB(lent.id, 'ship-physically', { dueDate: '2026-12-31' });
    await settle(() => borrowing(id), (r) => r.status === 'SHIPPED_PHYSICALLY');
    await actA(id, 'receive');
    await actA(id, 'loan');
    await actA(id, 'renew');
    const renewed = await settle(() => borrowing(id), (r) => (r.history as History).some((h) => /RenewResponse/.test(h.reason ?? '')));
    assert.equal(renewed.status, 'LOANED_TO_PATRON');
    // The loan period (28 days) again from the old due date, at 23:59:59Z.
    assert.match((renewed.history as History).findLast((h) => /RenewResponse/.test(h.reason ?? ''))!.reason!, /BIRCH says Loaned \(RenewResponse\), due 2027-01-28T23:59:59Z/);
    const lentRenewed = (await lending(id))!;
    assert.deepEqual([lentRenewed.dueDate, lentRenewed.renewals, lentRenewed.status], ['2027-01-28T23:59:59Z', 1, 'RECEIVED_BY_PARTNER']);
  });

  for (const when of ['CREATED', 'WILL_SUPPLY'] as const) {
    test(`a cancel while B has the request ${when}: B cancels it and says so, A is cancelled`, async () => {
      const { id, lent } = await borrow(`A book cancelled at ${when}`);
      if (when === 'WILL_SUPPLY') {
        await actB(lent.id, 'will-supply');
        await settle(() => borrowing(id), (r) => r.status === 'WILL_SUPPLY');
      }
      await actA(id, 'cancel', 'the patron no longer needs it');
      const cancelled = await settle(() => lending(id), (l) => l?.status === 'CANCELLED');
      assert.equal(cancelled?.status, 'CANCELLED');
      const told = await settle(() => borrowing(id), (r) => (r.history as History).some((h) => /says Cancelled \(CancelResponse\)/.test(h.reason ?? '')));
      assert.equal(told.status, 'CANCELLED_BY_STAFF');
      assert.ok((told.history as History).some((h) => /says Cancelled \(CancelResponse\)/.test(h.reason ?? '')), "B's answer is in A's history");
      assert.deepEqual(calls((await lending(id))!.history).at(-1), 'ISO 18626 CancelResponse Cancelled Y to US-ALD → OK');
    });
  }

  test("a conditional offer: B's conditions wait for A's staff, who accept them; B will supply", async () => {
    const { id, lent } = await borrow('A book with conditions');
    await actB(lent.id, 'conditional', { reason: 'library use only' });
    const conditional = await settle(() => borrowing(id), (r) => r.status === 'CONDITIONAL');
    assert.equal(conditional.status, 'CONDITIONAL');
    assert.match((conditional.history as History).at(-1)!.reason!, /library use only/);
    await actA(id, 'accept-condition');
    const accepted = await settle(() => lending(id), (l) => l?.status === 'WILL_SUPPLY');
    assert.equal(accepted?.status, 'WILL_SUPPLY');
    assert.equal((await borrowing(id)).status, 'WILL_SUPPLY');
  });
});
