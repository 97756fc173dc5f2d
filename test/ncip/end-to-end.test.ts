/**
 * ILLiad's whole loop over real HTTP (issue 5): export → ILLiad receives the item and its NCIP add-on sends
 * AcceptItem → our request is Physically received, the item on the hold shelf → staff check it out → the patron
 * returns it in ILLiad → CheckInItem → Request completed. The simulator files every answer as a success.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { type IlliadSimulator, startIlliadSimulator } from '../../src/sim/illiad/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { DIALECTS } from '../support/databases.ts';

const EXAMPLE = readFileSync(new URL('../../examples/lender-of-last-resort.yaml', import.meta.url), 'utf8');
const PATRONS = readFileSync(new URL('../../examples/demo-patrons.yaml', import.meta.url), 'utf8');

for (const { dialect, skip } of DIALECTS) {
  describe(`ILLiad and NCIP end to end on ${dialect}`, { skip }, () => {
    let app: TestApp | undefined;
    let sim: IlliadSimulator | undefined;
    after(async () => {
      await sim?.close();
      await app?.close();
    });

    test('export, AcceptItem, hold shelf, check-out, CheckInItem: Request completed, every answer filed as success', async () => {
      const env: Record<string, string> = {};
      app = await createTestApp(dialect, env, { illiad: true });
      const address = await app.app.listen({ port: 0, host: '127.0.0.1' });
      sim = await startIlliadSimulator({
        apiKey: 'e2e-key',
        externalUserIdMapping: 'EMailAddress',
        ncipUrl: `${address}/view/NCIPServlet`,
        ncip: { fromAgencyId: 'CSU_DEMO', toAgencyId: 'CSU_DEMO', applicationProfileType: 'ILLiad' },
      });
      Object.assign(env, { ILLIAD_URL: sim.url, ILLIAD_API_KEY: 'e2e-key' });
      await app.transfer.importYaml(EXAMPLE);
      await app.transfer.importYaml(PATRONS);
      assert.equal((await app.call('PATCH', '/api/v1/rota-templates/ILLiad', { body: { status: 'ACTIVE' } })).statusCode, 200);
      app.script.set('NORTH', [{ action: 'reject', reason: 'not owned' }]);
      app.script.set('SOUTH', [{ action: 'reject', reason: 'not owned' }]);

      const created = await app.call('POST', '/api/v1/borrowing-requests', { body: { patron: '100200300', title: 'The Problem of Pain', author: 'C. S. Lewis', oclcNumber: '12345' } });
      const id = created.json().id;
      await app.drain();
      const get = async () => (await app!.call('GET', `/api/v1/borrowing-requests/${id}`)).json();
      const exported = await get();
      assert.equal(exported.status, 'EXPORTED_TO_THIRD_PARTY');
      const tn = exported.exportedTo.transactionNumber;

      const accepted = await sim.event('borrowing-checked-in-from-lender', tn);
      assert.equal(accepted.filedAs, 'success note', accepted.response);
      const received = await get();
      assert.equal(received.status, 'PHYSICALLY_RECEIVED_BY_LIBRARY');
      const shelf = (await app.call('GET', '/api/v1/hold-shelf?pickupLibrary=MAIN')).json();
      assert.equal(shelf.total, 1);
      const items = (await app.call('GET', `/api/v1/items?borrowingRequest=${id}`)).json().items;
      assert.deepEqual(items.map((i: { barcode: string; status: string; kind: string }) => [i.barcode, i.status, i.kind]), [[String(tn), 'ON_HOLD_SHELF', 'TEMPORARY']]);
      assert.equal(shelf.items[0].patron, '100200300');

      // ILLiad staff reprocess the receipt: the same answer, still one item and one hold.
      assert.equal((await sim.event('borrowing-checked-in-from-lender', tn)).filedAs, 'success note');
      assert.equal((await app.call('GET', `/api/v1/items?barcode=${tn}`)).json().total, 1);
      assert.equal((await app.call('GET', '/api/v1/hold-shelf')).json().total, 1);

      const loan = await app.call('POST', '/api/v1/loans', { body: { barcode: String(tn), desk: 'RS_DESK' } });
      assert.equal(loan.statusCode, 201, loan.body);
      assert.equal((await get()).status, 'LOANED_TO_PATRON');

      const returned = await sim.event('borrowing-returned-by-patron', tn);
      assert.equal(returned.filedAs, 'success note', returned.response);
      const done = await get();
      assert.equal(done.status, 'REQUEST_COMPLETED');
      assert.deepEqual(done.history.slice(-3).map((h: { action: string; toStatus: string }) => `${h.action} -> ${h.toStatus}`), [
        'receive -> PHYSICALLY_RECEIVED_BY_LIBRARY',
        'loan -> LOANED_TO_PATRON',
        'partner-checked-in -> REQUEST_COMPLETED',
      ]);
      assert.equal((await app.call('GET', `/api/v1/loans?borrower=100200300&status=OPEN`)).json().total, 0);

      const messages = (await app.call('GET', `/api/v1/borrowing-requests/${id}/messages`)).json().items;
      assert.deepEqual(messages.map((m: { service: string; outcome: string; partner: string }) => `${m.partner} ${m.service} ${m.outcome}`), [
        'ILLiad AcceptItem success',
        'ILLiad AcceptItem success',
        'ILLiad CheckInItem success',
      ]);
      const notes = sim.store.notes(tn).map((n) => n.Note);
      assert.ok(notes.filter((n) => /received successfully/.test(n)).length >= 3, notes.join('\n'));
      assert.deepEqual(app.faults, []);
    });
  });
}
