/**
 * Partner outages (issue 10, item 3), on a real `interlend serve` (test/outage/site.ts): the guide's configuration
 * gone live, so every request goes to the two peers (which answer Unfilled) and then to ILLiad, the lender of last
 * resort.
 *
 * ILLiad down: requests are posted while the ILLiad simulator (i) refuses connections (its listener closed), (ii)
 * answers every call HTTP 500, (iii) is slow — first slower than our call timeout, then just under it — and then
 * recovers. While it is down the requests are accepted (201) and wait; the dashboard (as staff read it) says ILLiad
 * cannot be reached, since when, why, and how many requests wait; /metrics says the partner is failing and jobs wait
 * to retry. After: every request is Exported to third party with exactly one ILLiad transaction (by ReferenceNumber),
 * no job failed or is stuck, and the dashboard and /metrics are clear again.
 *
 * A peer down: North (the first of the rota) stops listening while requests come; they wait for it with North (the
 * design walks the rota on a rejection, a missed answer deadline or staff; an unreachable partner has done none of
 * these, so the send is retried, and only its last try gives the request to staff: docs/operations.md), and go on
 * once North listens again on the same port: each request reaches North once, South once, ILLiad once.
 *
 * The retry schedule is the real one, made faster by its setting (JOB_RETRY_BASE_MS=2000: tries after 1–2 s, 2–4 s,
 * …; the eighth and last comes two minutes after the first at the earliest, well after these outages end), and the
 * call timeout by ILLIAD_CALL_TIMEOUT_MS=500. Size: OUTAGE_REQUESTS requests a phase (default 4).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitUntil } from '../support/processes.ts';
import { type Site, startSite, textOf } from './site.ts';

const PER_PHASE = Number(process.env.OUTAGE_REQUESTS ?? 4);
const WAIT_MS = 60_000;

describe('partner outages on a running server: requests wait and resume, the dashboard and /metrics show it', () => {
  let site: Site;
  let posted = 0;
  before(async () => {
    site = await startSite({ env: { JOB_RETRY_BASE_MS: '2000', ILLIAD_CALL_TIMEOUT_MS: '500' } });
  });
  after(async () => {
    const code = await site?.stop();
    assert.equal(code, 0, 'the server stops cleanly');
  });

  /** Posts `n` requests; each is accepted (201) whatever the partners do. */
  const postBatch = async (n: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const created = await site.post(posted++);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      ids.push(created.id!);
    }
    return ids;
  };

  /** The dashboard's outage section as text, once it says all of `words`. */
  const dashboardSays = (words: readonly string[]) =>
    waitUntil(
      async () => {
        const page = await site.dashboard();
        assert.equal(page.status, 200);
        const section = /<section class="alerts outages"[\s\S]*?<\/section>/.exec(page.html)?.[0];
        const text = section && textOf(section);
        return text && words.every((w) => text.includes(w)) ? text : undefined;
      },
      `the dashboard says ${words.map((w) => JSON.stringify(w)).join(', ')}`,
      WAIT_MS,
    );

  /** The requests exported so far. */
  const exported = async () => (await site.api('GET', '/api/v1/borrowing-requests?status=EXPORTED_TO_THIRD_PARTY&limit=1')).body.total as number;

  /** After an outage: every request exported once, nothing failed, and the dashboard and /metrics clear. */
  const checkRecovered = async (ids: readonly string[], partner: string) => {
    for (const id of ids) {
      const request = (await site.api('GET', `/api/v1/borrowing-requests/${id}`)).body;
      assert.equal(request.status, 'EXPORTED_TO_THIRD_PARTY', `${id}: ${request.statusReason}`);
      assert.equal(request.history.filter((h: { action: string }) => h.action === 'exported').length, 1, `${id} exported once`);
    }
    const byReference = new Map<string, number>();
    for (const t of site.illiad.store.transactions()) byReference.set(t.ReferenceNumber ?? '', (byReference.get(t.ReferenceNumber ?? '') ?? 0) + 1);
    for (const id of ids) assert.equal(byReference.get(id), 1, `exactly one ILLiad transaction for ${id}`);
    assert.equal(site.illiad.store.transactions().length, posted, 'no ILLiad transaction names anything else');

    const failed = await site.api('GET', '/api/v1/jobs?state=failed&limit=5');
    assert.equal(failed.body.total, 0, `no job failed: ${JSON.stringify(failed.body.items)}`);
    const page = await site.dashboard();
    assert.doesNotMatch(page.html, /Partners that cannot be reached now/, 'the outage is gone from the dashboard');
    const metrics = await site.metrics();
    assert.equal(metrics.value(`interlend_partner_failing{partner="${partner}"}`), 0);
    assert.equal(metrics.value(`interlend_partner_requests_waiting{partner="${partner}"}`), 0);
    assert.equal(metrics.value('interlend_jobs_retrying{type="rota.send"}') ?? 0, 0, 'no send waits for a retry');
    assert.equal(metrics.value('interlend_jobs{type="rota.send",state="failed"}') ?? 0, 0);
    assert.equal(metrics.value('interlend_job_oldest_due_age_seconds'), 0, 'no job is due and left waiting');
  };

  test('ILLiad refusing connections, then answering 500, then slow, then back: requests wait, then each is exported once', { timeout: 300_000 }, async () => {
    const before = await site.metrics();
    assert.equal(before.status, 200);
    assert.equal(before.value('interlend_database_up'), 1);
    assert.equal(before.value('interlend_partner_failing{partner="ILLiad"}'), 0, before.text);
    const ids: string[] = [];

    // (i) ILLiad's port refuses connections.
    await site.illiad.stopListening();
    ids.push(...(await postBatch(PER_PHASE)));
    let said = await dashboardSays(['ILLiad (lender of last resort) unreachable since', 'connection refused', 'waiting to be sent again']);
    const waiting = Number(/(\d+) requests? waiting/.exec(said)?.[1]);
    assert.ok(waiting >= 1 && waiting <= ids.length, said);
    const during = await site.metrics();
    assert.equal(during.status, 200);
    assert.equal(during.value('interlend_database_up'), 1);
    assert.equal(during.value('interlend_partner_failing{partner="ILLiad"}'), 1, during.text);
    assert.ok((during.value('interlend_partner_requests_waiting{partner="ILLiad"}') ?? 0) >= 1, during.text);
    assert.ok((during.value('interlend_jobs_retrying{type="rota.send"}') ?? 0) >= 1, during.text);
    assert.ok((during.value('interlend_job_failures_total{type="rota.send"}') ?? 0) >= 1, during.text);
    assert.equal(await exported(), 0, 'nothing reached ILLiad');

    // (ii) Back on its port, answering every call HTTP 500.
    site.illiad.faults.failRate = 1;
    await site.illiad.listenAgain();
    ids.push(...(await postBatch(PER_PHASE)));
    said = await dashboardSays(['ILLiad (lender of last resort) answering with errors since', 'a server error (HTTP 500)']);
    assert.equal(await exported(), 0);

    // (iii) Slow: every call takes longer than our call timeout (0.5 s)…
    site.illiad.faults.failRate = 0;
    site.illiad.faults.latencyMs = 1000;
    ids.push(...(await postBatch(PER_PHASE)));
    said = await dashboardSays(['ILLiad (lender of last resort) not answering since', 'no answer within 0.5 s']);
    assert.equal((await site.metrics()).value('interlend_partner_failing{partner="ILLiad"}'), 1);
    // …then just under it: the calls are answered, the outage ends, and the waiting requests are sent at once.
    site.illiad.faults.latencyMs = 350;
    ids.push(...(await postBatch(1)));
    await waitUntil(async () => ((await exported()) > 0 ? true : undefined), 'a first export while ILLiad is slow', WAIT_MS);
    await waitUntil(async () => (/Partners that cannot be reached now/.test((await site.dashboard()).html) ? undefined : true), 'the dashboard clear once ILLiad answers', WAIT_MS);

    // Recovered.
    site.illiad.faults.latencyMs = 0;
    ids.push(...(await postBatch(PER_PHASE)));
    await site.drained(posted, 120_000);
    await checkRecovered(ids, 'ILLiad');
  });

  test('a peer down while requests are routed to it: they wait for it and go on once it is back, each Request sent once', { timeout: 300_000 }, async () => {
    await site.north.stopListening();
    const ids = await postBatch(PER_PHASE);
    const said = await dashboardSays(['North State University Library unreachable since', 'connection refused', `${PER_PHASE === 1 ? '1 request' : `${PER_PHASE} requests`} waiting to be sent again`]);
    assert.doesNotMatch(said, /lender of last resort/);
    const during = await site.metrics();
    assert.equal(during.value('interlend_partner_failing{partner="NORTH"}'), 1, during.text);
    assert.equal(during.value('interlend_partner_requests_waiting{partner="NORTH"}'), PER_PHASE, during.text);
    assert.equal(during.value('interlend_partner_failing{partner="ILLiad"}'), 0);
    // They wait with North: not moved down the rota, not given to staff.
    for (const id of ids) {
      const request = (await site.api('GET', `/api/v1/borrowing-requests/${id}`)).body;
      assert.deepEqual([request.status, request.rota[request.current].partner], ['REQUEST_SENT_TO_PARTNER', 'NORTH'], id);
    }

    await site.north.listenAgain();
    await site.drained(posted, 120_000);
    // Each request reached North once (its Request, confirmed), South once, and ILLiad once.
    for (const [peer, symbol] of [
      [site.north, 'US-NSU'],
      [site.south, 'US-SCC'],
    ] as const) {
      for (const id of ids) {
        const requests = peer.flows({ requestingAgencyRequestId: id }).filter((f) => f.direction === 'in' && f.kind === 'request');
        assert.equal(requests.length, 1, `${symbol} received the Request for ${id} once`);
      }
    }
    await checkRecovered(ids, 'NORTH');
  });
});
