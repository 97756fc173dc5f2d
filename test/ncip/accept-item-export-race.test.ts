/**
 * The race the crash test found on PostgreSQL (9 in 4,000 requests, with no kill needed): ILLiad's AcceptItem for a
 * new transaction arrives while our export of that request is recording the transaction's number. Under READ
 * COMMITTED each statement sees what was committed before it, so the export's commit can fall between the AcceptItem's
 * look for the number and its look for a request being exported; neither then found the request, and the item became
 * a second request of the patron on the same ILLiad number, leaving the real one waiting.
 *
 * The test puts the export's commit exactly there: the NCIP service runs over the real storage, except that the look
 * for a request being exported first lets the export's result commit through another connection. PostgreSQL only:
 * SQLite runs one writer at a time, so there the two cannot interleave.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NcipService } from '../../src/app/ncip-service.ts';
import type { Repositories, Storage } from '../../src/app/ports.ts';
import { randomIdSource } from '../../src/app/system.ts';
import { createNcipResponder } from '../../src/protocols/ncip/responder.ts';
import { acceptItem, encodeLatin1 } from '../../src/sim/illiad/ncip-messages.ts';
import type { IlliadTransaction } from '../../src/sim/illiad/index.ts';
import type { TestApp } from '../support/app.ts';
import { DIALECTS } from '../support/databases.ts';
import { guideApp } from '../support/ncip.ts';

const settings = { fromAgencyId: 'CSU_DEMO', toAgencyId: 'CSU_DEMO', applicationProfileType: 'ILLiad', pseudopatron: 'pseudopatron', requestIdPrefix: '', checkOutItemRequestIdPrefix: '' };
const postgres = DIALECTS.find((d) => d.dialect === 'postgres')!;

describe('AcceptItem while the export records its number (PostgreSQL)', { skip: postgres.skip }, () => {
  let app: TestApp;
  before(async () => {
    app = await guideApp('postgres');
  });
  after(async () => app?.close());

  test('the item goes to the request being exported, not to a new request', async () => {
    assert.equal((await app.call('PATCH', '/api/v1/rota-templates/ILLiad', { body: { status: 'ACTIVE' } })).statusCode, 200);
    assert.equal((await app.call('PATCH', '/api/v1/rota-templates/PEERS', { body: { status: 'INACTIVE' } })).statusCode, 200);
    app.script.set('ILLiad', [undefined]); // sent, no answer yet: the export is under way
    const created = await app.call('POST', '/api/v1/borrowing-requests', { body: { patron: '100200300', title: 'Raced' } });
    assert.equal(created.statusCode, 201, created.body);
    await app.drain();
    const id = created.json().id as string;
    assert.equal((await app.borrowing.get(id)).request.status, 'REQUEST_SENT_TO_PARTNER');

    // The export's result, as IlliadExporter hands it back (applyResult is the service's own step after a send).
    const recordExport = () =>
      app.borrowing['applyResult'](id, 0, { answer: { action: 'exported', reason: 'ILLiad transaction 9101 for user cwlee' }, exported: { transactionNumber: 9101, username: 'cwlee' } });
    let raced = 0;
    const racing: Storage = {
      ...app.storage,
      transaction: (work) =>
        app.storage.transaction((repos) => {
          const borrowing = new Proxy(repos.borrowing, {
            get(target, name, receiver) {
              if (name !== 'list') return Reflect.get(target, name, receiver);
              return async (query: Parameters<Repositories['borrowing']['list']>[0]) => {
                if (query.statuses?.includes('REQUEST_SENT_TO_PARTNER') && raced++ === 0) await recordExport();
                return target.list(query);
              };
            },
          });
          return work({ ...repos, borrowing } as Repositories);
        }),
    };
    const ncip = new NcipService({ storage: racing, clock: app.clock, ids: randomIdSource(), borrowing: app.borrowing });
    const respond = createNcipResponder({ service: ncip, storage: app.storage, clock: app.clock, ids: randomIdSource(), onFault: (error) => app.faults.push(error) });

    const transaction = { TransactionNumber: 9101, Username: 'cwlee', LoanTitle: 'Raced', LoanAuthor: 'A', RequestType: 'Loan' } as IlliadTransaction;
    const answer = await respond(encodeLatin1(acceptItem(transaction, settings, { itemId: '9101', dateForReturn: '2027-01-31' })));
    assert.equal(raced, 1, 'the export committed between the two looks');
    assert.doesNotMatch(answer, /Problem/, answer);
    const requests = (await app.call('GET', '/api/v1/borrowing-requests')).json();
    assert.equal(requests.total, 1, `no second request on ILLiad number 9101: ${JSON.stringify(requests.items.map((r: { id: string; status: string }) => [r.id, r.status]))}`);
    const request = (await app.borrowing.get(id)).request;
    assert.deepEqual([request.status, request.exportedTo?.transactionNumber], ['PHYSICALLY_RECEIVED_BY_LIBRARY', 9101]);
    const item = (await app.call('GET', '/api/v1/items?barcode=9101')).json().items[0];
    assert.equal(item.borrowingRequest, id);
    assert.deepEqual(app.faults, []);
  });
});
