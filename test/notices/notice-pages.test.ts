/**
 * The notice templates through the API and the staff page /ui/notices (issue 9, item 5): who may read and change
 * them, an unknown placeholder refused with its name (next to its field on the page), the preview filled with a
 * sample request, a changed template's placeholders filled in what is sent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestApp } from '../support/app.ts';
import { startTestSmtp, type TestSmtp } from '../support/smtp.ts';
import { signIn } from '../ui/helpers.ts';
import { noticeApp, requestNobodyFills } from './support.ts';

describe('notice templates: API and staff page', () => {
  let smtp: TestSmtp;
  let app: TestApp;
  before(async () => {
    smtp = await startTestSmtp();
    app = await noticeApp(smtp.url);
  });
  after(async () => {
    await app.close();
    await smtp.stop();
  });

  test('admin and operator read the templates; only admin changes them', async () => {
    for (const role of ['admin', 'operator'] as const) {
      const list = await app.call('GET', '/api/v1/notice-templates', { token: app.tokenFor[role] });
      assert.equal(list.statusCode, 200, role);
      assert.deepEqual(list.json().items.map((t: { type: string }) => t.type), ['READY_FOR_PICKUP', 'CANNOT_BE_FILLED', 'DUE_SOON']);
      assert.equal((await app.call('GET', '/api/v1/notices', { token: app.tokenFor[role] })).statusCode, 200);
    }
    for (const role of ['read-only', 'partners-manager', 'peer'] as const) {
      assert.equal((await app.call('GET', '/api/v1/notice-templates', { token: app.tokenFor[role] })).statusCode, 403, role);
      assert.equal((await app.call('GET', '/api/v1/notices', { token: app.tokenFor[role] })).statusCode, 403, role);
    }
    const body = { enabled: true, subject: 'Hello {{patronName}}', body: 'Hi' };
    assert.equal((await app.call('PUT', '/api/v1/notice-templates/DUE_SOON', { body, token: app.tokenFor.operator })).statusCode, 403);
    assert.equal((await app.call('DELETE', '/api/v1/notice-templates/DUE_SOON', { token: app.tokenFor.operator })).statusCode, 403);
    assert.equal((await app.call('GET', '/api/v1/notice-templates/NO_SUCH_NOTICE')).statusCode, 404);
  });

  test('an unknown placeholder is refused on save, named; the template stays as it was', async () => {
    const refused = await app.call('PUT', '/api/v1/notice-templates/READY_FOR_PICKUP', {
      body: { enabled: true, subject: 'Ready: {{title}}', body: 'Dear {{patronName}}, due {{dueDate}} and {{shoeSize}}.' },
    });
    assert.equal(refused.statusCode, 422);
    const problems = refused.json().error.problems as { path: string; message: string }[];
    assert.deepEqual(
      problems.map((p) => p.path),
      ['body', 'body'],
    );
    assert.match(problems[0]!.message, /^\{\{dueDate\}\} is not a placeholder of the ready for pickup notice; it has \{\{patronName\}\}/);
    assert.match(problems[1]!.message, /^\{\{shoeSize\}\} is not a placeholder/);
    const unclosed = await app.call('PUT', '/api/v1/notice-templates/READY_FOR_PICKUP', { body: { enabled: true, subject: 'Ready: {{title', body: 'x' } });
    assert.equal(unclosed.statusCode, 422);
    assert.equal(unclosed.json().error.problems[0].path, 'subject');
    assert.equal((await app.call('GET', '/api/v1/notice-templates/READY_FOR_PICKUP')).json().isDefault, true);
  });

  test('a changed template is what is sent, its placeholders filled', async () => {
    const saved = await app.call('PUT', '/api/v1/notice-templates/CANNOT_BE_FILLED', {
      body: { enabled: true, subject: '{{ title }} — not available', body: 'Hello {{patronName}},\n{{reason}}\nRequest {{requestId}}.\n-- {{institutionName}}' },
    });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(saved.json().isDefault, false);
    assert.equal(saved.json().updatedBy, 'test admin');
    const id = await requestNobodyFills(app, 'The Screwtape Letters');
    await app.drain();
    const mail = smtp.received.at(-1)!;
    assert.equal(mail.subject, 'The Screwtape Letters — not available');
    assert.equal(mail.text.trim(), `Hello Christopher Lee,\nNone of the libraries we asked was able to lend it to us.\nRequest ${id}.\n-- California State University Demo Library`);
    assert.equal((await app.call('DELETE', '/api/v1/notice-templates/CANNOT_BE_FILLED')).statusCode, 204);
    assert.equal((await app.call('GET', '/api/v1/notice-templates/CANNOT_BE_FILLED')).json().isDefault, true);
  });

  test('the preview fills a template with a sample request (the saved text, or one being written)', async () => {
    const saved = (await app.call('GET', '/api/v1/notice-templates/READY_FOR_PICKUP/preview')).json();
    assert.equal(saved.subject, 'Ready for pickup: The Problem of Pain');
    assert.match(saved.body, /^Dear Alex Sample,\n\nThe item you requested is ready for you to pick up at Main Library:/);
    const typed = await app.call('POST', '/api/v1/notice-templates/DUE_SOON/preview', { body: { subject: 'Due {{dueDate}}', body: '{{title}} by {{author}}' }, token: app.tokenFor.operator });
    assert.equal(typed.statusCode, 200, typed.body);
    assert.match(typed.json().subject, /^Due \w+day \d{1,2} \w+ 2026$/);
    assert.equal(typed.json().body, 'The Problem of Pain by C. S. Lewis\n');
  });

  test('the staff page shows each template with its preview and the recent notices', async () => {
    const browser = await signIn(app, 'admin');
    const page = await browser.get('/ui/notices');
    assert.equal(page.statusCode, 200);
    for (const heading of ['Ready for pickup', 'Request cannot be filled', 'Due date reminder', 'Recent notices']) assert.ok(page.body.includes(heading), heading);
    assert.ok(page.body.includes('Subject: Ready for pickup: The Problem of Pain'), 'the preview');
    assert.match(page.body, /Notices are sent by e-mail through smtp:\/\/127\.0\.0\.1:\d+\./);
    assert.ok(page.body.includes('The Screwtape Letters — not available'), 'a notice sent earlier is listed');
    assert.ok(page.body.includes('href="/ui/notices/DUE_SOON"'), 'admin may edit');
    assert.ok(page.body.includes('href="/ui/notices"'), 'the header links the page');
  });

  test('the page form: an unknown placeholder is refused next to its field; preview and save', async () => {
    const browser = await signIn(app, 'admin');
    const form = await browser.get('/ui/notices/DUE_SOON');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /<label for="daysBefore">Days before the due date<\/label>/);
    assert.match(form.body, /<label for="body">Text<\/label>/);

    const refused = await browser.post('/ui/notices/DUE_SOON', { intent: 'save', enabled: 'on', subject: 'Due {{dueDate}}', body: 'Pick up at {{pickupLibrary}}', daysBefore: '3' });
    assert.equal(refused.statusCode, 422);
    assert.match(refused.body, /<p class="error" id="body-error">\{\{pickupLibrary\}\} is not a placeholder of the due date reminder notice/);
    assert.match(refused.body, /aria-invalid="true"/);
    assert.ok(refused.body.includes('Pick up at {{pickupLibrary}}'), 'what was typed stays in the form');

    const badDays = await browser.post('/ui/notices/DUE_SOON', { intent: 'save', enabled: 'on', subject: 'Due {{dueDate}}', body: 'x', daysBefore: 'soon' });
    assert.equal(badDays.statusCode, 422);
    assert.match(badDays.body, /id="daysBefore-error">Must be a number, not &#34;soon&#34;\./);

    const preview = await browser.post('/ui/notices/DUE_SOON', { intent: 'preview', enabled: 'on', subject: 'Back by {{dueDate}}', body: 'Dear {{patronName}}', daysBefore: '5' });
    assert.equal(preview.statusCode, 200);
    assert.ok(preview.body.includes('Dear Alex Sample'));
    assert.equal((await app.call('GET', '/api/v1/notice-templates/DUE_SOON')).json().isDefault, true, 'a preview saves nothing');

    const saved = await browser.post('/ui/notices/DUE_SOON', { intent: 'save', subject: 'Back by {{dueDate}}', body: 'Dear {{patronName}}', daysBefore: '5' });
    assert.equal(saved.statusCode, 303);
    const template = (await app.call('GET', '/api/v1/notice-templates/DUE_SOON')).json();
    assert.deepEqual([template.enabled, template.daysBefore, template.subject], [false, 5, 'Back by {{dueDate}}'], 'an unchecked box switches it off');
    const reset = await browser.post('/ui/notices/DUE_SOON/reset', {});
    assert.equal(reset.statusCode, 303);
    assert.equal((await app.call('GET', '/api/v1/notice-templates/DUE_SOON')).json().isDefault, true);

    assert.equal((await browser.post('/ui/notices/DUE_SOON', { intent: 'save', subject: 'x', body: 'y' }, { csrf: false })).statusCode, 403, 'no CSRF token, no change');
  });

  test('operators see the page without edit links and may not open the form; read-only may not see it', async () => {
    const operator = await signIn(app, 'operator');
    const page = await operator.get('/ui/notices');
    assert.equal(page.statusCode, 200);
    assert.ok(!page.body.includes('href="/ui/notices/DUE_SOON"'));
    assert.equal((await operator.get('/ui/notices/DUE_SOON')).statusCode, 403);
    assert.equal((await operator.post('/ui/notices/DUE_SOON', { intent: 'save', subject: 'x', body: 'y' })).statusCode, 403);
    const readOnly = await signIn(app, 'read-only');
    assert.equal((await readOnly.get('/ui/notices')).statusCode, 403);
  });
});
