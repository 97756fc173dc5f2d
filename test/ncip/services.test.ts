/**
 * Each NCIP service beyond the ILLiad borrowing loop (issue 5): lending through ILLiad (CheckOutItem to the
 * pseudopatron, CheckInItem back), RenewItem, LookupUser with Require Authentication, RequestItem with Support
 * Borrowing, CancelRequestItem, CreateUserFiscalTransaction, Automatic Receive off, and the desk.
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { acceptItem, checkInItemLending, checkOutItemLending, encodeLatin1 } from '../../src/sim/illiad/ncip-messages.ts';
import type { IlliadTransaction } from '../../src/sim/illiad/index.ts';
import { illiadFailureMarkers } from '../../src/protocols/ncip/problems.ts';
import type { TestApp } from '../support/app.ts';
import { guideApp, postNcip } from '../support/ncip.ts';
import { ncipSchema } from '../support/ncip-xsd.ts';

const settings = { fromAgencyId: 'CSU_DEMO', toAgencyId: 'CSU_DEMO', applicationProfileType: 'ILLiad', pseudopatron: 'pseudopatron', requestIdPrefix: '', checkOutItemRequestIdPrefix: '' };
const header = '<InitiationHeader><FromAgencyId><AgencyId>BROKER</AgencyId></FromAgencyId><ToAgencyId><AgencyId>CSU_DEMO</AgencyId></ToAgencyId><ApplicationProfileType>ILLiad</ApplicationProfileType></InitiationHeader>';
const message = (service: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?><NCIPMessage xmlns="http://www.niso.org/2008/ncip" version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd"><${service}>${header}${body}</${service}></NCIPMessage>`;
const user = (value: string) => `<UserId><UserIdentifierValue>${value}</UserIdentifierValue></UserId>`;
const item = (value: string) => `<ItemId><ItemIdentifierValue>${value}</ItemIdentifierValue></ItemId>`;

describe('NCIP services', () => {
  let app: TestApp;
  const schema = ncipSchema();
  const post = (payload: string | Buffer) => postNcip(app, schema, payload, { 'content-type': 'text/xml' });
  const success = async (payload: string | Buffer) => {
    const body = await post(payload);
    assert.deepEqual(illiadFailureMarkers(body), [], body);
    return body;
  };
  const patchPartner = async (section: string, patch: Record<string, unknown>) => {
    const partner = (await app.call('GET', '/api/v1/partners/ILLiad')).json();
    const response = await app.call('PATCH', '/api/v1/partners/ILLiad', { body: { ncip: { ...partner.ncip, [section]: { ...partner.ncip[section], ...patch } } } });
    assert.equal(response.statusCode, 200, response.body);
  };
  beforeEach(async () => {
    await app?.close();
    app = await guideApp();
  });
  after(async () => {
    schema.dispose();
    await app.close();
  });

  test('lending through ILLiad: Mark Found loans our item to the pseudopatron; Lending Returns brings it back in transit', async () => {
    await app.call('POST', '/api/v1/items', { body: { barcode: '31234000111', title: 'Our book', library: 'MAIN', location: 'STACKS' } });
    const lending = { TransactionNumber: 7001, Username: 'Lending', ItemNumber: '31234000111', ProcessType: 'Lending' } as IlliadTransaction;
    const out = await success(encodeLatin1(checkOutItemLending(lending, settings, { desiredDateDue: '2027-02-15' })));
    assert.match(out, /<ns1:DateDue>2027-02-16T07:59:00(\.000)?Z<\/ns1:DateDue>/, '23:59 at the library (America/Los_Angeles), in UTC');
    const ours = (await app.call('GET', '/api/v1/items?barcode=31234000111')).json().items[0];
    assert.deepEqual([ours.status, ours.location, ours.itemPolicy], ['ON_LOAN', 'RS_LONG_LOAN', 'GENERAL'], "Check-Out Item's Default Location and Item Policy");
    const loans = (await app.call('GET', '/api/v1/loans?borrower=partner:ILLiad&status=OPEN')).json();
    assert.equal(loans.total, 1);
    assert.equal((await success(encodeLatin1(checkOutItemLending(lending, settings, { desiredDateDue: '2027-02-15' })))).length > 0, true, 'a repeat is answered as before');
    assert.equal((await app.call('GET', '/api/v1/loans?borrower=partner:ILLiad&status=OPEN')).json().total, 1, 'still one loan');
    await success(encodeLatin1(checkInItemLending(lending, settings)));
    assert.equal((await app.call('GET', `/api/v1/items/${ours.id}`)).json().status, 'IN_TRANSIT');
    assert.match(await post(encodeLatin1(checkInItemLending(lending, settings))), />Item Not Checked Out</, 'a second return: not on loan');
    assert.match(await post(encodeLatin1(checkOutItemLending({ ...lending, ItemNumber: 'NOPE' }, settings, { desiredDateDue: '2027-02-15' }))), />Unknown Item</);
  });

  test('RenewItem moves the due date of the open loan; an item not on loan cannot be renewed', async () => {
    await app.call('POST', '/api/v1/items', { body: { barcode: 'R-1', title: 'Renewable', library: 'MAIN' } });
    await success(message('CheckOutItem', `${user('pseudopatron')}${item('R-1')}<DesiredDateDue>2027-01-10T23:59:00</DesiredDateDue>`));
    const renewed = await success(message('RenewItem', `${user('pseudopatron')}${item('R-1')}<DesiredDateDue>2027-03-01T00:00:00Z</DesiredDateDue>`));
    assert.match(renewed, /<ns1:DateDue>2027-03-01T00:00:00(\.000)?Z<\/ns1:DateDue>/);
    const loan = (await app.call('GET', '/api/v1/loans?status=OPEN')).json().items[0];
    assert.deepEqual([loan.dueDate, loan.renewals], ['2027-03-01T00:00:00.000Z', 1]);
    await app.call('POST', '/api/v1/items', { body: { barcode: 'R-2', title: 'On the shelf', library: 'MAIN' } });
    assert.match(await post(message('RenewItem', item('R-2'))), />Item Not Checked Out</);
  });

  test('LookupUser: the elements asked for; Require Authentication refuses (no PINs kept); blocked patrons show BLOCKED', async () => {
    const found = await success(message('LookupUser', `${user('mgarcia')}<UserElementType>Name Information</UserElementType><UserElementType>User Address Information</UserElementType><UserElementType>User Privilege</UserElementType>`));
    assert.match(found, /<ns1:Surname>Garcia<\/ns1:Surname>/);
    assert.match(found, /mgarcia@example\.edu/);
    assert.match(found, /ACTIVE/);
    assert.doesNotMatch(await success(message('LookupUser', user('100200301'))), /Surname/, 'only what was asked for');
    const blocked = await success(message('LookupUser', `${user('pnatarajan')}<UserElementType>User Privilege</UserElementType><UserElementType>Block Or Trap</UserElementType>`));
    assert.match(blocked, /BLOCKED/);
    assert.match(await post(message('LookupUser', user('nobody-here'))), />Unknown User</);
    await patchPartner('lookUpUser', { requireAuthentication: true });
    assert.match(await post(message('LookupUser', user('mgarcia'))), />User Authentication Failed</);
  });

  test('RequestItem with Support Borrowing makes a request sourced by the broker; CancelRequestItem cancels it', async () => {
    const made = await success(
      message('RequestItem', `${user('cwlee')}<BibliographicId><BibliographicRecordId><BibliographicRecordIdentifier>987654</BibliographicRecordIdentifier><BibliographicRecordIdentifierCode>OCLC</BibliographicRecordIdentifierCode></BibliographicRecordId></BibliographicId><RequestType>Loan</RequestType><RequestScopeType>Bibliographic Item</RequestScopeType>`),
    );
    const id = /<ns1:RequestIdentifierValue>([^<]+)<\/ns1:RequestIdentifierValue>/.exec(made)?.[1];
    assert.ok(id, made);
    const request = (await app.call('GET', `/api/v1/borrowing-requests/${id}`)).json();
    assert.deepEqual([request.status, request.patron, request.citation.oclcNumber, request.rota.map((e: { partner: string }) => e.partner)], ['REQUEST_SENT_TO_PARTNER', '100200300', '987654', ['ILLiad']]);
    await success(message('CancelRequestItem', `${user('cwlee')}<RequestId><RequestIdentifierValue>${id}</RequestIdentifierValue></RequestId><RequestType>Loan</RequestType>`));
    assert.equal((await app.call('GET', `/api/v1/borrowing-requests/${id}`)).json().status, 'CANCELLED_BY_PARTNER');
    assert.match(await post(message('CancelRequestItem', `<RequestId><RequestIdentifierValue>${id}</RequestIdentifierValue></RequestId>`)), />Unknown Request</, 'no longer open');
    await patchPartner('requestItem', { supportBorrowing: false });
    assert.match(await post(message('RequestItem', `${user('cwlee')}<RequestType>Loan</RequestType><RequestScopeType>Bibliographic Item</RequestScopeType>`)), />Unsupported Service</);
  });

  test('CreateUserFiscalTransaction is acknowledged and nothing recorded with Ignore Message; refused otherwise', async () => {
    const fee = `${user('cwlee')}<FiscalTransactionInformation><FiscalActionType>Assess</FiscalActionType><FiscalTransactionType>Service Charge</FiscalTransactionType><Amount><CurrencyCode>USD</CurrencyCode><MonetaryValue>500</MonetaryValue></Amount></FiscalTransactionInformation>`;
    assert.match(await success(message('CreateUserFiscalTransaction', fee)), /FiscalTransactionReferenceId/);
    await patchPartner('createUserFiscalTransaction', { createFeeUsing: 'CREATE_FEE' });
    assert.match(await post(message('CreateUserFiscalTransaction', fee)), />Unsupported Service</);
  });

  test('an AcceptItem with a number we do not know, while a request of the same patron is being exported to ILLiad, is a temporary failure; once not, a new request', async () => {
    // The crash test's window: ILLiad made the transaction, we were killed before recording its number.
    assert.equal((await app.call('PATCH', '/api/v1/rota-templates/ILLiad', { body: { status: 'ACTIVE' } })).statusCode, 200);
    assert.equal((await app.call('PATCH', '/api/v1/rota-templates/PEERS', { body: { status: 'INACTIVE' } })).statusCode, 200);
    app.script.set('ILLiad', [undefined]);
    const created = await app.call('POST', '/api/v1/borrowing-requests', { body: { patron: '100200300', title: 'Being exported' } });
    assert.equal(created.statusCode, 201, created.body);
    await app.drain();
    const id = created.json().id as string;
    const request = (await app.borrowing.get(id)).request;
    assert.deepEqual([request.status, request.exportedTo ?? null], ['REQUEST_SENT_TO_PARTNER', null]);
    const transaction = { TransactionNumber: 9001, Username: 'cwlee', LoanTitle: 'Being exported', LoanAuthor: 'A', RequestType: 'Loan' } as IlliadTransaction;
    const refused = await post(encodeLatin1(acceptItem(transaction, settings, { itemId: '9001', dateForReturn: '2027-01-31' })));
    assert.match(refused, /Temporary Processing Failure/);
    assert.match(refused, new RegExp(`request ${id} of the same patron is being exported to ILLiad`));
    assert.equal((await app.call('GET', '/api/v1/items?barcode=9001')).json().total, 0, 'no item made');
    assert.equal((await app.call('GET', '/api/v1/borrowing-requests')).json().total, 1, 'no request made');
    // With no export under way, the same message is a new request ILLiad sourced, as before.
    await app.borrowing.act(id, 'cancel', 'staff', 'test', 'the patron bought it');
    await success(encodeLatin1(acceptItem(transaction, settings, { itemId: '9001', dateForReturn: '2027-01-31' })));
    assert.equal((await app.call('GET', '/api/v1/borrowing-requests')).json().total, 2);
  });

  test('Automatic Receive off: AcceptItem announces the item; staff receive it onto the hold shelf; the desk lends and takes it back', async () => {
    await patchPartner('acceptItem', { automaticReceive: false });
    const transaction = { TransactionNumber: 8001, Username: 'cwlee', LoanTitle: 'Announced', LoanAuthor: 'A', RequestType: 'Loan' } as IlliadTransaction;
    await success(encodeLatin1(acceptItem(transaction, settings, { itemId: '8001', dateForReturn: '2027-01-31' })));
    const announced = (await app.call('GET', '/api/v1/items?barcode=8001')).json().items[0];
    const requestOf = async () => (await app.call('GET', `/api/v1/borrowing-requests/${announced.borrowingRequest}`)).json();
    assert.deepEqual([announced.status, (await requestOf()).status], ['IN_TRANSIT', 'SHIPPED_PHYSICALLY']);
    assert.equal((await app.call('POST', '/api/v1/loans', { body: { barcode: '8001' } })).statusCode, 422, 'not on the hold shelf yet');
    const received = await app.call('POST', `/api/v1/items/${announced.id}/receive`);
    assert.equal(received.statusCode, 200, received.body);
    assert.equal(received.json().status, 'ON_HOLD_SHELF');
    assert.equal((await requestOf()).status, 'PHYSICALLY_RECEIVED_BY_LIBRARY');
    assert.equal((await app.call('POST', `/api/v1/items/${announced.id}/receive`)).statusCode, 409, 'received once');
    assert.equal((await app.call('GET', '/api/v1/hold-shelf?pickupLibrary=MAIN')).json().total, 1);
    assert.equal((await app.call('POST', '/api/v1/loans', { body: { barcode: '8001', patron: '100200301' } })).statusCode, 422, 'held for another patron');
    assert.equal((await app.call('POST', '/api/v1/loans', { body: { barcode: '8001' } })).statusCode, 201);
    assert.equal((await requestOf()).status, 'LOANED_TO_PATRON');
    assert.equal((await app.call('POST', '/api/v1/returns', { body: { barcode: '8001' } })).json().status, 'IN_TRANSIT');
    assert.equal((await requestOf()).status, 'RETURNED_BY_PATRON');
    // Returned at our desk, then checked in at ILLiad: the request is done.
    await success(message('CheckInItem', item('8001')));
    assert.equal((await requestOf()).status, 'REQUEST_COMPLETED');

    // A held item is lent to the patron it is held for, and only to them.
    await app.call('POST', '/api/v1/items', { body: { barcode: 'D-1', title: 'Desk copy', library: 'MAIN' } });
    assert.equal((await app.call('POST', '/api/v1/loans', { body: { barcode: 'D-1' } })).statusCode, 422, 'held for nobody: the patron is needed');
    const loan = await app.call('POST', '/api/v1/loans', { body: { barcode: 'D-1', patron: '100200301', desk: 'RS_DESK' } });
    assert.equal(loan.statusCode, 201, loan.body);
    assert.equal((await app.call('POST', '/api/v1/loans', { body: { barcode: 'D-1', patron: '100200302' } })).statusCode, 409, 'already on loan');
    assert.equal((await app.call('POST', '/api/v1/loans', { body: { barcode: 'D-1', patron: '100200303' } })).statusCode, 409);
    assert.equal((await app.call('POST', '/api/v1/returns', { body: { barcode: 'D-1' } })).json().status, 'AVAILABLE');
    assert.equal((await app.call('POST', '/api/v1/returns', { body: { barcode: 'D-1' } })).statusCode, 409, 'not on loan');
    const blocked = await app.call('POST', '/api/v1/loans', { body: { barcode: 'D-1', patron: '100200303' } });
    assert.equal(blocked.statusCode, 422, 'a blocked patron may not borrow');
    assert.equal(blocked.json().error.code, 'ILL_ERR_USER_BLOCKED');
  });
});
