/**
 * An AcceptItem racing the export that records its TransactionNumber, on PostgreSQL (READ COMMITTED: each statement
 * sees what was committed before it). The AcceptItem looks the number up (not recorded yet), then asks whether a
 * request of the patron is still being exported; if the export commits between the two, neither sees the request,
 * and a second request was made on the same ILLiad number. Found twice: by the crash test on PostgreSQL (9 in 4,000
 * requests, no kill needed) and by the PostgreSQL restart test (test/outage/postgres-restart.test.ts), where the
 * AcceptItems refused during the outage came back in a burst with the exports that had waited. Here the export is made
 * to commit at exactly that moment; the AcceptItem looks for the number again after its check and finds it. SQLite
 * runs one write transaction at a time, so there the race cannot happen (and the hook below would wait for itself).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Repositories, Storage } from '../../src/app/ports.ts';
import type { IlliadSimulator } from '../../src/sim/illiad/index.ts';
import { acceptItem, encodeLatin1 } from '../../src/sim/illiad/ncip-messages.ts';
import type { TestApp } from '../support/app.ts';
import { DIALECTS } from '../support/databases.ts';
import { illiadOnlyApp } from '../support/illiad-only.ts';

const settings = { fromAgencyId: 'CSU_DEMO', toAgencyId: 'CSU_DEMO', applicationProfileType: 'ILLiad', pseudopatron: 'pseudopatron', requestIdPrefix: '', checkOutItemRequestIdPrefix: '' };
const postgres = DIALECTS.find((d) => d.dialect === 'postgres');

describe('AcceptItem while the export records the same number (PostgreSQL)', { skip: postgres ? postgres.skip : 'PostgreSQL not selected in DIALECTS' }, () => {
  let sim: IlliadSimulator;
  let app: TestApp;
  before(async () => {
    ({ app, sim } = await illiadOnlyApp('postgres'));
  });
  after(async () => {
    await app?.close();
    await sim?.close();
  });

  test('the export commits between the AcceptItem’s lookup and its check: the item goes to that request, never to a second one', async () => {
    // ILLiad makes the transaction and its answer never comes: the request stays with ILLiad, its number unrecorded.
    sim.faults.timeoutAfterCommitRate = 1;
    const created = await app.call('POST', '/api/v1/borrowing-requests', { body: { patron: '100200300', title: 'Raced' } });
    const id = created.json().id as string;
    await app.drain();
    sim.faults.timeoutAfterCommitRate = 0;
    const [transaction] = sim.store.transactions();
    assert.equal(transaction?.ReferenceNumber, id);
    assert.equal((await app.borrowing.get(id)).request.status, 'REQUEST_SENT_TO_PARTNER');

    // The AcceptItem's transaction: just before it asks for requests being exported, the export runs again (its
    // retry is due), adopts the transaction and commits, on another connection.
    const storage = app.storage as Storage & { transaction: Storage['transaction'] };
    const saved = storage.transaction;
    const original = saved.bind(storage);
    let raced = false;
    storage.transaction = <T>(work: (repos: Repositories) => Promise<T>): Promise<T> =>
      original<T>((repos: Repositories) =>
        work({
          ...repos,
          config: repos.config.bind(repos),
          configVersion: repos.configVersion.bind(repos),
          borrowing: {
            ...repos.borrowing,
            list: async (query) => {
              if (!raced && query.statuses?.includes('REQUEST_SENT_TO_PARTNER') && query.partner === 'ILLiad') {
                raced = true;
                app.clock.advance(60 * 60 * 1000);
                await app.drain();
              }
              return repos.borrowing.list(query);
            },
          },
        }),
      );
    const message = encodeLatin1(acceptItem(transaction!, settings, { itemId: String(transaction!.TransactionNumber), dateForReturn: '2027-01-31' }));
    const post = async () => (await app.app.inject({ method: 'POST', url: '/ncip', payload: message, headers: { 'content-type': 'text/xml' } })).body;
    try {
      const answer = await post();
      assert.ok(raced, 'the export ran inside the AcceptItem');
      assert.doesNotMatch(answer, /Problem/, answer);
    } finally {
      storage.transaction = saved;
    }
    const request = (await app.borrowing.get(id)).request;
    assert.deepEqual([request.status, request.exportedTo?.transactionNumber], ['PHYSICALLY_RECEIVED_BY_LIBRARY', transaction!.TransactionNumber]);
    assert.equal((await app.call('GET', '/api/v1/borrowing-requests')).json().total, 1, 'no second request on the same ILLiad number');
    assert.equal((await app.call('GET', `/api/v1/items?barcode=${transaction!.TransactionNumber}`)).json().items[0]?.borrowingRequest, id);
  });
});
