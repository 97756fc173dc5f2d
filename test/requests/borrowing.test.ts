/**
 * Borrowing requests through the API and the worker, with scripted partners: the rota is built from the guide's
 * rules, walked partner by partner, and every step is kept in the history. Runs on both databases.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, beforeEach, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { DIALECTS } from '../support/databases.ts';

const EXAMPLE = readFileSync(new URL('../../examples/lender-of-last-resort.yaml', import.meta.url), 'utf8');
const PATRONS = readFileSync(new URL('../../examples/demo-patrons.yaml', import.meta.url), 'utf8');
const DAY = 86_400_000;
const book = { patron: '100200300', title: 'The Problem of Pain', author: 'C. S. Lewis', oclcNumber: '(OCoLC)00012345', requestedFormat: 'PHYSICAL', citationType: 'BOOK' };

for (const { dialect, skip } of DIALECTS) {
  describe(`borrowing requests on ${dialect}`, { skip }, () => {
    let t: TestApp | undefined;
    let app: TestApp;
    beforeEach(async () => {
      await t?.close();
      t = await createTestApp(dialect, { ILLIAD_URL: 'http://127.0.0.1:1/ILLiadWebPlatform', ILLIAD_API_KEY: 'k' });
      app = t;
      await app.transfer.importYaml(EXAMPLE);
      await app.transfer.importYaml(PATRONS);
      // Go-live, as the guide says: the ILLiad rota template is switched on.
      assert.equal((await app.call('PATCH', '/api/v1/rota-templates/ILLiad', { body: { status: 'ACTIVE' } })).statusCode, 200);
    });
    after(() => t?.close());

    const create = async (body: Record<string, unknown> = book) => {
      const response = await app.call('POST', '/api/v1/borrowing-requests', { body });
      assert.equal(response.statusCode, 201, response.body);
      return response.json();
    };
    const get = async (id: string) => (await app.call('GET', `/api/v1/borrowing-requests/${id}`)).json();

    test("the guide's rules give peers first and ILLiad last, with the trace", async () => {
      const request = await create();
      assert.equal(request.status, 'REQUEST_SENT_TO_PARTNER');
      assert.deepEqual(request.rota.map((e: { partner: string; template: string }) => `${e.partner}@${e.template}`), ['NORTH@PEERS', 'SOUTH@PEERS', 'ILLiad@ILLiad']);
      assert.equal(request.current, 0);
      assert.equal(request.citation.oclcNumber, '00012345', 'OCLC prefix dropped, leading zeros kept');
      assert.deepEqual(request.ruleTrace.map((r: { rule: string; matched: boolean }) => `${r.rule}: ${r.matched}`), ['Network peers first: true', 'ILLiad lender of last resort: true']);
      const jobs = (await app.call('GET', '/api/v1/jobs')).json().items.map((j: { type: string }) => j.type).sort();
      assert.deepEqual(jobs, ['rota.answer-timer', 'rota.send'], 'the send and the answer timer were written with the request');
    });

    test('the rule trace stays as it was when the rota was made, after the rules change', async () => {
      const { id } = await create();
      const rules = (await app.call('GET', '/api/v1/rota-rules')).json().items;
      assert.equal((await app.call('PATCH', `/api/v1/rota-rules/${rules[0].id}`, { body: { enabled: false } })).statusCode, 200);
      const later = await create();
      const trace = (request: { ruleTrace: { rule: string; matched: boolean; reason: string }[] }) => request.ruleTrace.map((r) => `${r.rule}: ${r.reason}`);
      assert.deepEqual(trace(await get(id)), ['Network peers first: all conditions hold', 'ILLiad lender of last resort: all conditions hold']);
      assert.deepEqual(trace(await get(later.id)), ['Network peers first: disabled', 'ILLiad lender of last resort: all conditions hold']);
      assert.deepEqual(trace(later), trace(await get(later.id)), 'the trace answered at creation is the one rebuilt later');
    });

    test('rejections walk the rota to the lender of last resort, and the history shows each hop', async () => {
      app.script.set('NORTH', [{ action: 'reject', reason: 'not owned' }]);
      app.script.set('SOUTH', [{ action: 'reject', reason: 'in use' }]);
      app.script.set('ILLiad', [{ action: 'exported' }]);
      const { id } = await create();
      await app.drain();
      const done = await get(id);
      assert.equal(done.status, 'EXPORTED_TO_THIRD_PARTY');
      assert.deepEqual(app.sent, ['NORTH', 'SOUTH', 'ILLiad']);
      assert.deepEqual(done.rota.map((e: { state: string; reason: string | null }) => `${e.state}:${e.reason}`), ['REJECTED:not owned', 'REJECTED:in use', 'EXPORTED:null']);
      assert.deepEqual(
        done.history.map((h: { action: string; toStatus: string; partner: string | null; actor: string }) => `${h.actor} ${h.action} -> ${h.toStatus}${h.partner ? ` (${h.partner})` : ''}`),
        [
          'test admin create -> CREATED',
          'system locate -> LOCATE_IN_PROCESS',
          'system send-to-first -> REQUEST_SENT_TO_PARTNER (NORTH)',
          'partner:NORTH reject -> REQUEST_SENT_TO_PARTNER (NORTH)',
          'partner:SOUTH reject -> REQUEST_SENT_TO_PARTNER (SOUTH)',
          'system exported -> EXPORTED_TO_THIRD_PARTY (ILLiad)',
        ],
      );
    });

    test('the end of the rota is Expired, and it shows in the needs-attention queue', async () => {
      await app.call('PATCH', '/api/v1/rota-templates/ILLiad', { body: { status: 'INACTIVE' } });
      app.script.set('NORTH', [{ action: 'reject', reason: 'not owned' }]);
      app.script.set('SOUTH', [{ action: 'reject', reason: 'lost' }]);
      const request = await create();
      assert.deepEqual(request.rotaSkips.map((s: { reason: string }) => s.reason), ['rota template ILLiad (ILLiad Partner) is Inactive']);
      await app.drain();
      const done = await get(request.id);
      assert.equal(done.status, 'EXPIRED');
      assert.equal(done.statusReason, 'no partner is left in the rota (the last, SOUTH: lost)');
      const queue = (await app.call('GET', '/api/v1/queues/needs-attention')).json();
      assert.deepEqual(queue.items.map((r: { id: string; attention: string }) => [r.id, r.attention]), [[request.id, 'REJECTED_NO_PARTNER_LEFT']]);
      // Counted in the database from the last rota entry's state (SQLite json_extract, PostgreSQL jsonb).
      assert.equal((await app.call('GET', '/api/v1/queues')).json().needsAttention.REJECTED_NO_PARTNER_LEFT, 1);
    });

    test('a Conditional answer waits for staff; accept or refuse decides', async () => {
      app.script.set('NORTH', [{ action: 'conditional', reason: 'library use only' }, { action: 'conditional', reason: 'library use only' }]);
      const first = await create();
      const second = await create({ ...book, title: 'Another' });
      await app.drain();
      app.clock.advance(30 * DAY);
      await app.drain();
      assert.equal((await get(first.id)).status, 'CONDITIONAL', 'no timer moves a conditional request');
      assert.deepEqual((await get(first.id)).allowedActions.sort(), ['accept-condition', 'ask-status', 'cancel', 'cancel-partner', 'note-to-partner', 'patron-cancel', 'refuse-condition']);
      const accepted = await app.call('POST', `/api/v1/borrowing-requests/${first.id}/actions/accept-condition`, { body: {} });
      assert.equal(accepted.json().status, 'WILL_SUPPLY');
      const noReason = await app.call('POST', `/api/v1/borrowing-requests/${second.id}/actions/refuse-condition`, { body: {} });
      assert.equal(noReason.statusCode, 409);
      assert.match(noReason.json().error.message, /needs a reason/);
      const refused = await app.call('POST', `/api/v1/borrowing-requests/${second.id}/actions/refuse-condition`, { body: { reason: 'patron needs to take it home' } });
      assert.equal(refused.json().status, 'REQUEST_SENT_TO_PARTNER');
      assert.equal(refused.json().rota[refused.json().current].partner, 'SOUTH');
    });

    test('a partner that does not answer in its days loses the request to the next one', async () => {
      const { id } = await create();
      await app.drain();
      app.clock.advance(4 * DAY);
      await app.drain();
      assert.equal((await get(id)).current, 0, 'still within the 5 days');
      app.clock.advance(1 * DAY + 1000);
      await app.drain();
      const moved = await get(id);
      assert.equal(moved.current, 1);
      assert.deepEqual([moved.rota[0].state, moved.rota[0].reason], ['EXPIRED', 'no answer within 5 days']);
      assert.equal(moved.history.at(-1).actor, 'system');
    });

    test('a partner without the item is removed by locate, with its reason', async () => {
      await app.call('PATCH', '/api/v1/partners/NORTH', { body: { locateProfile: { type: 'STATIC', holdings: ['99999'] } } });
      const request = await create();
      assert.deepEqual(request.rota.map((e: { partner: string }) => e.partner), ['SOUTH', 'ILLiad']);
      assert.deepEqual(request.rotaSkips, [{ kind: 'partner', code: 'NORTH', template: 'PEERS', reason: 'not located: holds none of 00012345' }]);
      const held = await create({ ...book, oclcNumber: '99999' });
      assert.deepEqual(held.rota.map((e: { partner: string }) => e.partner), ['NORTH', 'SOUTH', 'ILLiad']);
    });

    test('no matching rule: Locate failed, and staff can locate again after fixing the rules', async () => {
      const rules = (await app.call('GET', '/api/v1/rota-rules')).json().items;
      for (const rule of rules) await app.call('PATCH', `/api/v1/rota-rules/${rule.id}`, { body: { enabled: false } });
      const request = await create();
      assert.equal(request.status, 'LOCATE_FAILED');
      assert.equal(request.statusReason, 'no rota assignment rule matched the request');
      assert.equal((await app.call('GET', '/api/v1/queues')).json().needsAttention.LOCATE_FAILED, 1);
      await app.call('PATCH', `/api/v1/rota-rules/${rules.at(-1).id}`, { body: { enabled: true } });
      const again = await app.call('POST', `/api/v1/borrowing-requests/${request.id}/actions/relocate`, { body: {} });
      assert.equal(again.statusCode, 200, again.body);
      assert.deepEqual(again.json().rota.map((e: { partner: string }) => e.partner), ['ILLiad']);
    });

    test('an export failure waits in Ready to be sent with its reason; staff resend', async () => {
      app.script.set('NORTH', [{ action: 'reject' }]);
      app.script.set('SOUTH', [{ action: 'reject' }]);
      app.script.set('ILLiad', [{ action: 'export-failed', reason: 'ILLiad has no user cwlee and Create User In ILLiad is off' }, { action: 'exported' }]);
      const { id } = await create();
      await app.drain();
      const waiting = await get(id);
      assert.equal(waiting.status, 'READY_TO_BE_SENT');
      assert.equal(waiting.statusReason, 'ILLiad has no user cwlee and Create User In ILLiad is off');
      assert.equal((await app.call('GET', '/api/v1/queues')).json().needsAttention.READY_TO_BE_SENT, 1);
      await app.call('POST', `/api/v1/borrowing-requests/${id}/actions/resend`, { body: {} });
      await app.drain();
      assert.equal((await get(id)).status, 'EXPORTED_TO_THIRD_PARTY');
    });

    test('an action the status does not allow is refused, naming the status and what is allowed', async () => {
      const { id } = await create();
      const response = await app.call('POST', `/api/v1/borrowing-requests/${id}/actions/loan`, { body: {} });
      assert.equal(response.statusCode, 409);
      assert.equal(response.json().error.code, 'ILL_ERR_INVALID_TRANSITION');
      assert.equal(response.json().error.message, 'loan is not allowed while the request is Request sent to partner; allowed now: cancel-partner, ask-status, note-to-partner, cancel, patron-cancel');
      const cancel = await app.call('POST', `/api/v1/borrowing-requests/${id}/actions/cancel`, { body: { reason: 'duplicate request' } });
      assert.equal(cancel.json().status, 'CANCELLED_BY_STAFF');
      assert.equal(cancel.json().rota[0].state, 'CANCELLED', "the partner's entry is over too");
      assert.equal(cancel.json().rota[0].reason, 'duplicate request');
      await app.drain();
      assert.equal((await get(id)).status, 'CANCELLED_BY_STAFF', 'the queued send finds the request cancelled and does nothing');
      assert.deepEqual(app.sent, []);
    });

    test('staff take the request from a partner; the next one gets it', async () => {
      const { id } = await create();
      const moved = await app.call('POST', `/api/v1/borrowing-requests/${id}/actions/cancel-partner`, { body: { reason: 'slow lender' } });
      assert.equal(moved.json().rota[0].state, 'CANCELLED');
      assert.equal(moved.json().rota[moved.json().current].partner, 'SOUTH');
    });

    test('bad requests: unknown, blocked and guest patrons, missing title, bad numbers', async () => {
      const problems = async (body: Record<string, unknown>) => {
        const response = await app.call('POST', '/api/v1/borrowing-requests', { body });
        assert.equal(response.statusCode, 422, response.body);
        return response.json().error.problems.map((p: { path: string; message: string }) => `${p.path}: ${p.message}`);
      };
      assert.deepEqual(await problems({ ...book, patron: 'nobody' }), ['patron: names patron nobody, who does not exist']);
      assert.deepEqual(await problems({ ...book, patron: '100200303' }), ['patron: patron 100200303 is blocked: OVERDUE_FINES (Fines over the limit)']);
      assert.deepEqual(await problems({ patron: '100200300' }), ['title: is required: what is the patron asking for?']);
      assert.deepEqual(await problems({ ...book, isbn: '978-0-306-40615-8', issn: '1234', oclcNumber: 'abc' }), [
        'oclcNumber: "abc" is not an OCLC number: use its digits, such as 12345678 or (OCoLC)12345678',
        'isbn: "978-0-306-40615-8" is not a valid ISBN: its check digit does not match',
        'issn: "1234" is not an ISSN: use 8 characters such as 0028-0836',
      ]);
      // A guest: ILLiad (Enable Service For Guest User: No) drops out of the rota; with only ILLiad left, no one serves.
      const guest = await create({ ...book, patron: 'guest-0001' });
      assert.deepEqual(guest.rota.map((e: { partner: string }) => e.partner), ['NORTH', 'SOUTH']);
      assert.ok(guest.rotaSkips.some((s: { reason: string }) => s.reason === 'partner ILLiad does not serve guest users'));
      assert.deepEqual(await problems({ ...book, patron: 'guest-0001', requestedFormat: 'PHYSICAL_NON_RETURNABLE' }), [
        'patron: guest-0001 is a guest user, and no partner of the rota serves guests (ILLiad)',
      ]);
    });

    test('a worker killed between claim and completion: the job is taken over after its lease, with the same outcome', async () => {
      app.script.set('NORTH', [{ action: 'reject', reason: 'not owned' }, { action: 'reject', reason: 'not owned' }]);
      const crashed = await create();
      const control = await create({ ...book, title: 'Control' });
      // The dead worker claims the first send job and never finishes it.
      const claimed = await app.storage.read.jobs.claim(app.clock.now(), 60_000, 'killed-worker');
      assert.equal(claimed?.type, 'rota.send');
      assert.equal((claimed?.payload as { requestId: string }).requestId, crashed.id);
      await app.drain();
      assert.equal((await get(crashed.id)).current, 0, 'while the lease holds, nobody else runs the job');
      assert.equal((await get(control.id)).current, 1);
      app.clock.advance(61_000);
      await app.drain();
      const after = await get(crashed.id);
      const reference = await get(control.id);
      assert.equal(after.status, reference.status);
      assert.deepEqual(after.rota.map((e: { state: string }) => e.state), reference.rota.map((e: { state: string }) => e.state));
      assert.equal((await app.storage.read.jobs.get(claimed!.id))?.state, 'done');
    });
  });
}
