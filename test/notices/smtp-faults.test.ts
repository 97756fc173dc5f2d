/**
 * When the mail server is not there or says no (issue 9, item 5): a notice is tried again with the worker's
 * backoff and sent once, refused for good is recorded as failed, a crash after the server took the message sends
 * nothing more, no SMTP_URL records "not sent", and the SMTP password shows nowhere.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { TestApp } from '../support/app.ts';
import { startTestSmtp, type TestSmtp } from '../support/smtp.ts';
import { noticeApp, noticesOf, requestNobodyFills } from './support.ts';
import { JOB_NOTICE_SEND, type NoticePayload } from '../../src/app/notice-queue.ts';

const MINUTE = 60_000;

describe('notices when the mail server fails', () => {
  let smtp: TestSmtp | undefined;
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    await smtp?.stop();
    app = undefined;
    smtp = undefined;
  });

  const noticeJob = async (t: TestApp) => {
    const jobs = (await t.call('GET', `/api/v1/jobs?type=${JOB_NOTICE_SEND}`)).json().items;
    assert.equal(jobs.length, 1);
    return jobs[0] as { id: string; state: string; attempts: number; runAt: string; lastError: string | null; payload: NoticePayload };
  };

  test('451 (try later), then accepted: tried again after a wait, and one e-mail arrives', async () => {
    smtp = await startTestSmtp();
    app = await noticeApp(smtp.url);
    smtp.refusals.push(451);
    await requestNobodyFills(app, 'Surprised by Joy');
    await app.drain();
    assert.equal(smtp.received.length, 0);
    const [waiting] = await noticesOf(app);
    assert.equal(waiting!.status, 'PENDING');
    assert.match(waiting!.reason!, /try 1 failed, trying again later: .*451/);
    const job = await noticeJob(app);
    assert.equal(job.state, 'ready');
    assert.ok(job.runAt > app.clock.now(), 'the job waits (backoff) before its next try');
    assert.equal(await app.drain(), 0, 'not before its time');

    app.clock.advance(10 * MINUTE);
    await app.drain();
    assert.equal(smtp.received.length, 1);
    const [sent] = await noticesOf(app);
    assert.equal(sent!.status, 'SENT');
    assert.equal(sent!.attempts, 2);
    assert.equal(smtp.received[0]!.messageId, sent!.messageId);
    assert.equal((await noticeJob(app)).state, 'done');
  });

  test('550 (never): recorded as failed with the server’s words, and the job parked for staff', async () => {
    smtp = await startTestSmtp();
    app = await noticeApp(smtp.url);
    smtp.refusals.push(550);
    await requestNobodyFills(app, 'Miracles');
    await app.drain();
    const [failed] = await noticesOf(app);
    assert.equal(failed!.status, 'FAILED');
    assert.match(failed!.reason!, /550/);
    const job = await noticeJob(app);
    assert.equal(job.state, 'failed');
    // Staff retry it once the address is fixed: it goes.
    assert.equal((await app.call('POST', `/api/v1/jobs/${job.id}/retry`)).statusCode, 200);
    await app.drain();
    assert.equal(smtp.received.length, 1);
    assert.equal((await noticesOf(app))[0]!.status, 'SENT');
  });

  test('the mail server down: the job retries with backoff, and nothing is lost once it is back', async () => {
    smtp = await startTestSmtp({ started: false });
    app = await noticeApp(smtp.url);
    await requestNobodyFills(app, 'The Abolition of Man');
    await app.drain();
    let job = await noticeJob(app);
    assert.equal(job.state, 'ready');
    assert.equal(job.attempts, 1);
    assert.match(job.lastError!, /mail server smtp:\/\/127\.0\.0\.1:\d+/);
    const first = Date.parse(job.runAt) - Date.parse(app.clock.now());

    app.clock.advance(first);
    await app.drain();
    job = await noticeJob(app);
    assert.equal(job.attempts, 2);
    const second = Date.parse(job.runAt) - Date.parse(app.clock.now());
    assert.ok(second > first, `the wait grows (${first} ms, then ${second} ms)`);
    assert.equal((await noticesOf(app))[0]!.status, 'PENDING');

    await smtp.start();
    app.clock.advance(second);
    await app.drain();
    assert.equal(smtp.received.length, 1);
    const [sent] = await noticesOf(app);
    assert.equal(sent!.status, 'SENT');
    assert.equal(sent!.attempts, 3);
  });

  test('a job run again after the notice went (a crash before the job was recorded done) sends nothing', async () => {
    smtp = await startTestSmtp();
    app = await noticeApp(smtp.url);
    await requestNobodyFills(app, 'Letters to Malcolm');
    // Run everything but the notice's job, then its handler by hand: the mail goes, the job stays unfinished.
    for (let ran = 0; ran < 20; ran++) {
      if ((await app.call('GET', `/api/v1/jobs?type=${JOB_NOTICE_SEND}`)).json().total > 0) break;
      await app.worker.runOnce();
    }
    const job = await noticeJob(app);
    assert.equal(job.state, 'ready');
    await app.notices.runSend(job.payload);
    assert.equal(smtp.received.length, 1);
    await app.drain();
    assert.equal(smtp.received.length, 1, 'the worker ran the job again and sent nothing');
    assert.equal((await noticeJob(app)).state, 'done');
  });

  test('without SMTP_URL a notice is recorded as not sent, with the reason', async () => {
    app = await noticeApp(undefined);
    await requestNobodyFills(app, 'Out of the Silent Planet');
    await app.drain();
    const [notice] = await noticesOf(app);
    assert.equal(notice!.status, 'NOT_SENT');
    assert.equal(notice!.reason, 'SMTP_URL is not set, so notices are not sent');
    const templates = (await app.call('GET', '/api/v1/notice-templates')).json();
    assert.deepEqual(templates.sending, { sending: false, reason: 'SMTP_URL is not set, so notices are not sent' });
  });

  test('the SMTP password is used to log in and shows in no notice, job or response, even when refused', async () => {
    const password = 'p@ss:w0rd/Secret-91';
    smtp = await startTestSmtp({ login: { user: 'library', password } });
    app = await noticeApp(smtp.url);
    await requestNobodyFills(app, 'That Hideous Strength');
    await app.drain();
    assert.equal(smtp.received.length, 1, 'logged in with the password from SMTP_URL');
    await app.close();

    const wrong = smtp.url.replace(encodeURIComponent(password), encodeURIComponent(`${password}-old`));
    app = await noticeApp(wrong);
    await requestNobodyFills(app, 'The Pilgrim’s Regress');
    await app.drain();
    assert.equal(smtp.refusedLogins, 1);
    const [notice] = await noticesOf(app);
    assert.equal(notice!.status, 'PENDING', 'a refused login is a setting to fix: tried again later');
    assert.match(notice!.reason!, /535/);
    for (const url of ['/api/v1/notices', '/api/v1/jobs', '/api/v1/notice-templates']) {
      const body = (await app.call('GET', url)).body;
      assert.ok(!body.includes(password) && !body.includes(encodeURIComponent(password)), `${url} shows the password`);
    }
  });
});
