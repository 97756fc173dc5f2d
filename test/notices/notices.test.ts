/**
 * Notices to patrons (issue 9, item 5) against a real SMTP server on loopback: what each cause sends, read back from
 * what arrived — ready for pickup (NCIP AcceptItem with Hold For Pickup And Notify, and staff receiving on the
 * request page), cannot be filled, the due date reminder — and a type switched off sending nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestApp } from '../support/app.ts';
import { DIALECTS } from '../support/databases.ts';
import { startTestSmtp, type TestSmtp } from '../support/smtp.ts';
import { signIn } from '../ui/helpers.ts';
import { acceptItemXml, noticeApp, noticesOf, postAcceptItem, requestNobodyFills } from './support.ts';

const DAY = 86_400_000;

for (const { dialect, skip } of DIALECTS) {
  describe(`notices by e-mail on ${dialect}`, { skip }, () => {
    let smtp: TestSmtp;
    let app: TestApp;
    before(async () => {
      smtp = await startTestSmtp();
      app = await noticeApp(smtp.url, dialect);
    });
    after(async () => {
      await app.close();
      await smtp.stop();
    });

    test('an AcceptItem with Hold For Pickup And Notify sends the patron one e-mail naming the pickup library and the title', async () => {
      const before = smtp.received.length;
      const xml = acceptItemXml({ requestId: 'TN-7001', itemId: '7001', action: 'Hold For Pickup And Notify', pickup: 'SCIENCE', expiry: '2026-12-12', title: 'The Problem of Pain' });
      await postAcceptItem(app, xml);
      await app.drain();
      const mails = smtp.received.slice(before);
      assert.equal(mails.length, 1);
      const mail = mails[0]!;
      assert.deepEqual(mail.to, ['cwlee@example.edu']);
      assert.equal(mail.from, 'ill@example.edu');
      assert.equal(mail.subject, 'Ready for pickup: The Problem of Pain');
      assert.match(mail.text, /^Dear Christopher Lee,/);
      assert.match(mail.text, /ready for you to pick up at Science Library:/);
      assert.match(mail.text, /The Problem of Pain\n {2}C\. S\. Lewis/);
      // PickupExpiryDate without a zone is the end of that day in the library's zone (America/Los_Angeles).
      assert.match(mail.text, /kept for you until Saturday 12 December 2026\./);
      assert.match(mail.text, /California State University Demo Library/);
      assert.equal(mail.headers.get('auto-submitted'), 'auto-generated');

      const [notice] = await noticesOf(app, '?type=READY_FOR_PICKUP');
      assert.equal(notice!.status, 'SENT');
      assert.equal(notice!.recipient, 'cwlee@example.edu');
      assert.equal(notice!.messageId, mail.messageId, 'the Message-ID sent is the one recorded');
      assert.match(mail.messageId, /^<notice\.[^@]+@example\.edu>$/);

      // ILLiad staff reprocess the receipt: the same answer, and no second e-mail.
      await postAcceptItem(app, xml);
      await app.drain();
      assert.equal(smtp.received.length, before + 1);
    });

    test('an AcceptItem with Hold For Pickup (no Notify) sends nothing: the lender of last resort tells the patron', async () => {
      const before = smtp.received.length;
      const notices = (await noticesOf(app)).length;
      await postAcceptItem(app, acceptItemXml({ requestId: 'TN-7002', itemId: '7002', action: 'Hold For Pickup', title: 'Mere Christianity' }));
      await app.drain();
      assert.equal(smtp.received.length, before);
      assert.equal((await noticesOf(app)).length, notices);
      const shelf = (await app.call('GET', '/api/v1/hold-shelf')).json();
      assert.ok(shelf.items.some((h: { pickupLibrary: string; holdUntil: string | null }) => h.pickupLibrary === 'MAIN' && h.holdUntil === null), 'the item is on the shelf all the same');
    });

    test('staff receiving an item on the request page send the ready-for-pickup notice', async () => {
      app.script.set('NORTH', [{ action: 'shipped-physically' }]);
      const created = await app.call('POST', '/api/v1/borrowing-requests', { body: { patron: '100200301', title: 'The Four Loves', pickupLibrary: 'SCIENCE', oclcNumber: '777' } });
      const id = created.json().id as string;
      await app.drain();
      assert.equal((await app.call('GET', `/api/v1/borrowing-requests/${id}`)).json().status, 'SHIPPED_PHYSICALLY');
      const before = smtp.received.length;
      const browser = await signIn(app, 'operator');
      const received = await browser.post(`/ui/requests/${id}/actions/receive`, {});
      assert.equal(received.statusCode, 303, received.body);
      await app.drain();
      const mails = smtp.received.slice(before);
      assert.equal(mails.length, 1);
      assert.deepEqual(mails[0]!.to, ['mgarcia@example.edu']);
      assert.match(mails[0]!.text, /pick up at Science Library:\n\n {2}The Four Loves\n\n/, 'no author line, no hold-until line');
      assert.doesNotMatch(mails[0]!.text, /kept for you until/);
      assert.match(mails[0]!.text, new RegExp(`Your request number: ${id}`));
    });

    test('a request that no partner fills sends the "cannot be filled" notice once', async () => {
      const before = smtp.received.length;
      const id = await requestNobodyFills(app, 'A Grief Observed');
      await app.drain();
      assert.equal((await app.call('GET', `/api/v1/borrowing-requests/${id}`)).json().status, 'EXPIRED');
      const mails = smtp.received.slice(before);
      assert.equal(mails.length, 1);
      assert.equal(mails[0]!.subject, 'We could not get A Grief Observed for you');
      assert.match(mails[0]!.text, /None of the libraries we asked was able to lend it to us\./);
      assert.deepEqual(mails[0]!.to, ['cwlee@example.edu']);
      const notices = await noticesOf(app, `?borrowingRequest=${id}`);
      assert.deepEqual(notices.map((n) => `${n.type} ${n.status}`), ['CANNOT_BE_FILLED SENT']);
    });

    test('a loan due in 3 days gets one reminder; a second scan none; a renewal a new one', async () => {
      const item = await app.call('POST', '/api/v1/items', { body: { barcode: 'OWN-1', title: 'Till We Have Faces', author: 'C. S. Lewis', library: 'MAIN' } });
      assert.equal(item.statusCode, 201, item.body);
      const now = Date.parse(app.clock.now());
      const loan = await app.call('POST', '/api/v1/loans', { body: { barcode: 'OWN-1', patron: '100200302', dueDate: new Date(now + 3 * DAY).toISOString() } });
      assert.equal(loan.statusCode, 201, loan.body);
      // Another loan, due in ten days: not yet.
      await app.call('POST', '/api/v1/items', { body: { barcode: 'OWN-2', title: 'Perelandra', library: 'MAIN' } });
      await app.call('POST', '/api/v1/loans', { body: { barcode: 'OWN-2', patron: '100200302', dueDate: new Date(now + 10 * DAY).toISOString() } });

      const before = smtp.received.length;
      assert.equal(await app.notices.runDueScan(), 1);
      await app.drain();
      let mails = smtp.received.slice(before);
      assert.equal(mails.length, 1);
      assert.deepEqual(mails[0]!.to, ['sokafor@example.edu']);
      assert.equal(mails[0]!.subject, 'Due Tuesday 1 December 2026: Till We Have Faces');
      assert.match(mails[0]!.text, /due back on Tuesday 1 December 2026\./);
      assert.doesNotMatch(mails[0]!.text, /request number/, 'an own item has no request: the line is left out');

      assert.equal(await app.notices.runDueScan(), 0, 'a second scan queues nothing');
      await app.drain();
      assert.equal(smtp.received.length, before + 1);

      const renewed = await app.call('POST', `/api/v1/loans/${loan.json().id}/renew`, { body: { dueDate: new Date(now + 10 * DAY).toISOString() } });
      assert.equal(renewed.statusCode, 200, renewed.body);
      app.clock.advance(7 * DAY);
      assert.equal(await app.notices.runDueScan(), 2, 'the renewed loan and the other one are both due within three days now');
      await app.drain();
      mails = smtp.received.slice(before + 1);
      assert.deepEqual(mails.map((m) => m.subject).sort(), ['Due Tuesday 8 December 2026: Perelandra', 'Due Tuesday 8 December 2026: Till We Have Faces']);
      app.clock.advance(-7 * DAY);
    });

    test('a reminder for a loan returned before it went out is skipped, with the reason', async () => {
      await app.call('POST', '/api/v1/items', { body: { barcode: 'OWN-3', title: 'The Horse and His Boy', library: 'MAIN' } });
      const loan = await app.call('POST', '/api/v1/loans', { body: { barcode: 'OWN-3', patron: '100200302', dueDate: new Date(Date.parse(app.clock.now()) + 2 * DAY).toISOString() } });
      assert.equal(loan.statusCode, 201, loan.body);
      const before = smtp.received.length;
      assert.equal(await app.notices.runDueScan(), 1);
      assert.equal((await app.call('POST', '/api/v1/returns', { body: { barcode: 'OWN-3' } })).statusCode, 200);
      await app.drain();
      assert.equal(smtp.received.length, before);
      const skipped = (await noticesOf(app, '?type=DUE_SOON&status=SKIPPED')).map((n) => n.reason);
      assert.deepEqual(skipped, ['the loan ended before the reminder went out']);
    });

    test('a notice type switched off sends nothing and is recorded as skipped', async () => {
      const current = (await app.call('GET', '/api/v1/notice-templates/CANNOT_BE_FILLED')).json();
      const off = await app.call('PUT', '/api/v1/notice-templates/CANNOT_BE_FILLED', { body: { enabled: false, subject: current.subject, body: current.body } });
      assert.equal(off.statusCode, 200, off.body);
      const before = smtp.received.length;
      const id = await requestNobodyFills(app, 'The Great Divorce');
      await app.drain();
      assert.equal(smtp.received.length, before);
      const [notice] = await noticesOf(app, `?borrowingRequest=${id}`);
      assert.equal(notice!.status, 'SKIPPED');
      assert.equal(notice!.reason, 'the “Request cannot be filled” notice is switched off');
      assert.equal((await app.call('DELETE', '/api/v1/notice-templates/CANNOT_BE_FILLED')).statusCode, 204);
    });
  });
}
