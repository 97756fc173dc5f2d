/** The dashboard's queues and banner, and the doctor page, through inject(). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { type Browser, EXAMPLE, EXAMPLE_ENV, PATRONS, signIn } from './helpers.ts';

/** The count shown in the tile whose link is `href`. */
const tile = (html: string, href: string) => {
  const found = new RegExp(`<a href="${href.replace(/[?]/g, '\\?')}"><span class="count">(\\d+)</span><span class="label">([^<]+)</span>`).exec(html);
  assert.ok(found, `a tile links to ${href}`);
  return { count: Number(found[1]), label: found[2] };
};

describe('dashboard and doctor pages', () => {
  let app: TestApp;
  let operator: Browser;
  before(async () => {
    app = await createTestApp('sqlite', { ...EXAMPLE_ENV }, { demo: true });
    await app.transfer.importYaml(EXAMPLE);
    await app.transfer.importYaml(PATRONS);
    operator = await signIn(app, 'operator');
  });
  after(() => app.close());

  test('the queues show the counts of QueueService, each linking to the filtered list', async () => {
    const before = (await operator.get('/ui')).body;
    assert.equal(tile(before, '/ui/requests?status=CONDITIONAL').count, 0);
    const created = await app.borrowing.create({ patron: '100200300', title: 'Goes conditional' }, 'test');
    await app.borrowing.act(created.id, 'conditional', 'partner', 'partner:NORTH', 'only in the reading room');
    const html = (await operator.get('/ui')).body;
    const conditional = tile(html, '/ui/requests?status=CONDITIONAL');
    assert.deepEqual(conditional, { count: 1, label: 'Conditional' });
    assert.match(html, /<li class="queue attention"><a href="\/ui\/requests\?status=CONDITIONAL">/, 'a queue needing staff is marked');
    for (const [href, label] of [
      ['/ui/requests?status=READY_TO_BE_SENT', 'Ready to be sent'],
      ['/ui/requests?status=LOCATE_FAILED', 'Locate failed'],
      ['/ui/requests?status=EXPORTED_TO_THIRD_PARTY', 'Exported to third party, still open'],
      ['/ui/requests?status=PHYSICALLY_RECEIVED_BY_LIBRARY', 'Physically received by library'],
      ['/ui/requests?status=LOANED_TO_PATRON', 'Loaned to patron'],
      ['/ui/requests?status=RETURNED_BY_PATRON', 'Returned by patron'],
      ['/ui/requests?staleDays=7', 'Stale (unchanged for 7 days)'],
    ] as const) {
      assert.equal(tile(html, href).label, label);
    }
    const listed = (await operator.get('/ui/requests?status=CONDITIONAL')).body;
    assert.match(listed, /Goes conditional/);
  });

  test('the stale queue counts open requests unchanged for a week, and its list shows them', async () => {
    await app.borrowing.create({ patron: '100200301', title: 'Left alone' }, 'test');
    app.clock.advance(8 * 86_400_000);
    const html = (await operator.get('/ui')).body;
    assert.ok(tile(html, '/ui/requests?staleDays=7').count >= 1);
    assert.match((await operator.get('/ui/requests?staleDays=7')).body, /Left alone/);
  });

  test('demo mode shows the DEMO banner', async () => {
    assert.match((await operator.get('/ui')).body, /<div class="demo" role="note">DEMO MODE/);
    const plain = await createTestApp();
    try {
      const browser = await signIn(plain, 'operator');
      assert.doesNotMatch((await browser.get('/ui')).body, /DEMO MODE/);
    } finally {
      await plain.close();
    }
  });

  test('the doctor page lists the checks of DoctorService.run with result, message and guide step', async () => {
    const page = await operator.get('/ui/doctor');
    assert.equal(page.statusCode, 200);
    const report = await app.app.inject({ method: 'GET', url: '/api/v1/doctor?offline=true', headers: { authorization: `Bearer ${app.tokenFor.operator}` } });
    const checks = report.json().checks as { title: string; status: string; guideStep: string }[];
    assert.ok(checks.length > 3);
    const label = { pass: 'Pass', warn: 'Warning', fail: 'Fail' } as const;
    const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
    for (const check of checks) {
      assert.ok(page.body.includes(`<span class="badge ${check.status}">${label[check.status as keyof typeof label]}</span></td><td>${escape(check.title)}</td>`), check.title);
      assert.ok(page.body.includes(`<td>${escape(check.guideStep)}</td>`), check.guideStep);
    }
  });
});
