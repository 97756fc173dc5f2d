/**
 * "My requests" follows a request the whole way (issue 9, item 4), over real HTTP to the ILLiad simulator: with a
 * partner library, ordered through ILLiad, ready for pickup at the library AcceptItem's hold names until the hold
 * shelf's last day, due on the loan's date, completed. The pickup date is read from the hold AcceptItem wrote.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { type IlliadSimulator, startIlliadSimulator } from '../../src/sim/illiad/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { guidePatrons, patronSignIn, textOf } from './patron-helpers.ts';

describe('my requests, from the request to the hold shelf and the loan', () => {
  let t: TestApp | undefined;
  let sim: IlliadSimulator | undefined;
  after(async () => {
    await sim?.close();
    await t?.close();
  });

  test('with a partner library → ordered through ILLiad → ready for pickup at Main Library until … → due … → completed', async () => {
    const env: Record<string, string> = { NORTH_PEER_URL: 'http://127.0.0.1:9/north', SOUTH_PEER_URL: 'http://127.0.0.1:9/south' };
    t = await createTestApp('sqlite', env, { illiad: true });
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    sim = await startIlliadSimulator({
      apiKey: 'pickup-key',
      externalUserIdMapping: 'EMailAddress',
      ncipUrl: `${address}/view/NCIPServlet`,
      ncip: { fromAgencyId: 'CSU_DEMO', toAgencyId: 'CSU_DEMO', applicationProfileType: 'ILLiad' },
    });
    Object.assign(env, { ILLIAD_URL: sim.url, ILLIAD_API_KEY: 'pickup-key' });
    await guidePatrons(t);
    assert.equal((await t.call('PATCH', '/api/v1/rota-templates/ILLiad', { body: { status: 'ACTIVE' } })).statusCode, 200);
    t.script.set('NORTH', [undefined]);
    t.script.set('SOUTH', [{ action: 'reject', reason: 'not owned' }]);

    const patron = await patronSignIn(t, '100200300');
    const placed = await patron.post('/patron/request', { citationType: 'BOOK', title: 'The Four Loves', author: 'Lewis, C. S.', oclcNumber: '123456', pickupLibrary: 'SCIENCE' });
    assert.equal(placed.statusCode, 303, placed.body);
    const id = new URL(placed.headers.location as string, 'http://x').searchParams.get('placed')!;
    const status = async () => /<p class="status">([^<]*)<\/p>/.exec((await patron.get(`/patron/requests/${id}`)).body)?.[1];

    await t.drain();
    assert.equal(await status(), 'With a partner library');
    const { request } = await t.borrowing.get(id);
    await t.borrowing.answer(id, request.current!, { action: 'reject', reason: 'North does not lend it' });
    await t.drain();
    assert.equal(await status(), 'Ordered through ILLiad');
    const tn = (await t.borrowing.get(id)).request.exportedTo!.transactionNumber;

    // ILLiad receives the item: its NCIP add-on sends AcceptItem (Hold For Pickup And Notify).
    assert.equal((await sim.event('borrowing-checked-in-from-lender', tn)).filedAs, 'success note');
    const hold = (await t.call('GET', '/api/v1/hold-shelf')).json().items[0];
    assert.equal(hold.pickupLibrary, 'MAIN', "the guide's Accept Item Default Pickup Library");
    // Held since 28 November, 04:00 in Los Angeles: a week on the hold shelf, through 5 December.
    assert.equal(hold.createdAt, '2026-11-28T12:00:00.000Z');
    assert.equal(await status(), 'Ready for pickup at Main Library until 5 December');
    const mine = textOf((await patron.get('/patron/requests')).body);
    assert.match(mine, /The Four Loves Lewis, C\. S\. Ready for pickup at Main Library until 5 December/);
    assert.doesNotMatch((await patron.get(`/patron/requests/${id}`)).body, /Cancel the request/, 'it is here: nothing to cancel');

    const loan = await t.call('POST', '/api/v1/loans', { body: { barcode: String(tn), desk: 'RS_DESK', dueDate: '2027-03-04T07:59:00.000Z' } });
    assert.equal(loan.statusCode, 201, loan.body);
    assert.equal(await status(), 'Due 3 March 2027');
    assert.match(textOf((await patron.get(`/patron/requests/${id}`)).body), /Renewal: ask the library to renew it \(it came from ILLiad, which renewals are not sent to from here\)\./);

    assert.equal((await sim.event('borrowing-returned-by-patron', tn)).filedAs, 'success note');
    assert.equal(await status(), 'Completed');
  });
});
