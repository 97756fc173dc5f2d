/**
 * A partner that cannot be reached, in process (issue 10, outages), once per database: the outage record a failed
 * send leaves, what the queues, /metrics and the dashboard make of it, the waiting sends made due at once when the
 * partner answers again, and /metrics and the pages when the database does not answer. Time is the FakeClock's, so
 * "made due at once" is seen without waiting for any backoff. test/outage/ does the same with real processes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { IlliadSimulator } from '../../src/sim/illiad/index.ts';
import { databaseUnavailable } from '../../src/storage/unavailable.ts';
import type { TestApp } from '../support/app.ts';
import { DIALECTS } from '../support/databases.ts';
import { illiadOnlyApp } from '../support/illiad-only.ts';
import { signIn } from '../ui/helpers.ts';


const scrape = async (app: TestApp) => {
  const text = (await app.call('GET', '/metrics', { token: null })).body;
  return { text, value: (series: string) => text.split('\n').find((l) => l.startsWith(`${series} `))?.slice(series.length + 1) };
};

for (const { dialect, skip } of DIALECTS) {
  describe(`partner outages on ${dialect}`, { skip }, () => {
    let sim: IlliadSimulator;
    let app: TestApp;
    const post = async (title: string) => {
      const created = await app.call('POST', '/api/v1/borrowing-requests', { body: { patron: '100200300', title } });
      assert.equal(created.statusCode, 201, created.body);
      return created.json().id as string;
    };
    before(async () => {
      ({ app, sim } = await illiadOnlyApp(dialect));
    });
    after(async () => {
      await app?.close();
      await sim?.close();
    });

    test('ILLiad refusing connections: an outage on record, shown in the queues, /metrics and the dashboard; gone, and the waiting sends due at once, when it answers', async () => {
      await sim.stopListening();
      const waiting = [await post('First while down'), await post('Second while down')];
      await app.drain();
      const [outage, ...others] = await app.queues.partnerOutages();
      assert.equal(others.length, 0);
      assert.deepEqual(
        { ...outage, since: undefined, lastAt: undefined, message: undefined },
        { partner: 'ILLiad', name: 'ILLiad', lenderOfLastResort: true, kind: 'unreachable', reason: 'connection refused', failures: 2, waiting: 2, nextTry: new Date(Date.parse(app.clock.now()) + 3750).toISOString(), since: undefined, lastAt: undefined, message: undefined },
      );
      assert.match(outage!.message, /^ILLiad did not answer GET Users\/cwlee: ECONNREFUSED/);
      assert.deepEqual((await app.call('GET', '/api/v1/queues')).json().partnerOutages.map((o: { partner: string; waiting: number }) => [o.partner, o.waiting]), [['ILLiad', 2]]);

      const during = await scrape(app);
      assert.equal(during.value('interlend_database_up'), '1');
      assert.equal(during.value('interlend_partner_failing{partner="ILLiad"}'), '1');
      assert.equal(during.value('interlend_partner_failing{partner="NORTH"}'), '0');
      assert.equal(during.value('interlend_partner_requests_waiting{partner="ILLiad"}'), '2');
      assert.equal(during.value('interlend_jobs{type="rota.send",state="ready"}'), '2');
      assert.equal(during.value('interlend_jobs_retrying{type="rota.send"}'), '2');
      assert.equal(during.value('interlend_job_oldest_due_age_seconds'), '0', 'their next tries are not due yet');

      // The example institution is in Los Angeles: 2026-11-28T12:00Z is 04:00 there.
      const staff = await signIn(app, 'operator');
      const page = (await staff.get('/ui')).body;
      assert.match(page, /<h2 id="outages-heading">Partners that cannot be reached now<\/h2>/);
      assert.ok(page.includes('<strong>ILLiad (lender of last resort)</strong> <span>unreachable since 04:00: connection refused — 2 requests waiting to be sent again, next try 04:00</span>'), page);

      // ILLiad back: a new request's send is answered, the outage ends, and the two waiting sends are due now
      // (the clock has not moved: without that they would wait for their backoff).
      await sim.listenAgain();
      const third = await post('After ILLiad is back');
      await app.drain();
      for (const id of [...waiting, third]) assert.equal((await app.borrowing.get(id)).request.status, 'EXPORTED_TO_THIRD_PARTY', id);
      assert.deepEqual(await app.queues.partnerOutages(), []);
      assert.doesNotMatch((await staff.get('/ui')).body, /Partners that cannot be reached now/);
      const after = await scrape(app);
      assert.equal(after.value('interlend_partner_failing{partner="ILLiad"}'), '0');
      assert.equal(after.value('interlend_partner_requests_waiting{partner="ILLiad"}'), '0');
      assert.equal(after.value('interlend_jobs_retrying{type="rota.send"}'), undefined);
      assert.equal(sim.store.transactions().length, 3);
    });

    test('the database not answering: /metrics answers with database_up 0 and no storage gauges; the API and the staff pages answer 503', async () => {
      const staff = await signIn(app, 'operator');
      const read = app.storage.read;
      const jobStats = read.operations.jobStats;
      const authenticate = app.tokens.authenticate;
      read.operations.jobStats = async () => {
        throw databaseUnavailable(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
      };
      app.tokens.authenticate = async () => {
        throw databaseUnavailable(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
      };
      try {
        const down = await scrape(app);
        assert.equal(down.value('interlend_database_up'), '0');
        assert.doesNotMatch(down.text, /^interlend_(jobs|jobs_retrying|job_oldest_due_age_seconds|partner_failing|partner_requests_waiting)[ {]/m);
        assert.match(down.text, /^interlend_http_requests_total/m, 'the process metrics are still there');

        const api = await app.call('GET', '/api/v1/borrowing-requests');
        assert.equal(api.statusCode, 503);
        assert.equal(api.headers['retry-after'], '5');
        assert.equal(api.json().error.code, 'ILL_ERR_DATABASE_UNAVAILABLE');
        assert.doesNotMatch(api.body, /5432|ECONNREFUSED/, 'what the driver said stays in the log');

        const page = await staff.get('/ui');
        assert.equal(page.statusCode, 503);
        assert.match(page.body, /<h1>The database is not answering<\/h1>/);
        assert.match(page.body, /Requests are kept and will resume/);
      } finally {
        read.operations.jobStats = jobStats;
        app.tokens.authenticate = authenticate;
      }
      assert.equal((await scrape(app)).value('interlend_database_up'), '1');
    });
  });
}
