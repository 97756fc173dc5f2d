/**
 * The username match report (issue 7 item 4, `interlend doctor users`) over a real SQLite database and the ILLiad
 * simulator over HTTP. Done when: "The match report over 10,000 patrons against the simulator (seeded with users that
 * match, mismatch, and collide by email) gives the right counts, writes the CSV, and shows progress." Also: stopped
 * and resumed it ends with the same counts and the same CSV bytes as an uninterrupted run; its rate limit holds;
 * ILLiad being unavailable is retried, then counted; a refused key stops it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, appendFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Command } from 'commander';
import { IlliadExporter } from '../../src/app/illiad-export.ts';
import type { Instance } from '../../src/app/instance.ts';
import { RateLimiter, type ReportTimer } from '../../src/app/rate-limiter.ts';
import { type UsernameReport, UsernameReportService } from '../../src/app/username-report.ts';
import { type DoctorUsersHooks, registerDoctorUsers, reportFiles } from '../../src/cli/doctor-users.ts';
import type { CliDeps } from '../../src/cli/program.ts';
import { InterlendError } from '../../src/domain/errors.ts';
import { connectIlliad } from '../../src/protocols/illiad/connection.ts';
import { type IlliadSimulator, startIlliadSimulator } from '../../src/sim/illiad/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const EXAMPLE = readFileSync(new URL('../../examples/lender-of-last-resort.yaml', import.meta.url), 'utf8');
const KEY = 'sim-key-0123456789';
const PATRONS = 10_000;

/** The mix, as the issue asks: users that match, mismatch (would be created), and collide by e-mail. */
const MIX = {
  match: 6000, // ILLiad has u{i}, with the patron's e-mail
  'would-create': 2000, // ILLiad has no u{i} and nobody has the e-mail; half have an unrelated account (a mismatch)
  'cannot-derive': 500, // no e-mail: the guide's rule (E-mail, ^[^@]*) has nothing to work on
  'collision-adopted': 500, // no u{i}; legacy{i} has the patron's e-mail (exports would go to legacy{i})
  'collision-two-accounts': 500, // u{i} exists with an old e-mail, and legacy{i} has the patron's e-mail
  blocked: 500, // u{i} is Cleared B, BO or DIS
} as const;
type Kind = keyof typeof MIX;

/** mulberry32: a seeded shuffle, so the kinds are spread over the key order (samples and stops meet all of them). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function kinds(): Kind[] {
  const list = (Object.entries(MIX) as [Kind, number][]).flatMap(([kind, n]) => Array<Kind>(n).fill(kind));
  const next = random(7);
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

const id = (i: number) => `P${String(i).padStart(5, '0')}`;

/** The patrons as one configuration file, plus 100 INACTIVE ones in between that the report must leave out. */
function patronsYaml(mix: readonly Kind[]): string {
  const lines = ['version: 1', 'patrons:'];
  mix.forEach((kind, i) => {
    const email = kind === 'cannot-derive' ? '' : `, email: u${i}@example.edu`;
    lines.push(`  - { primaryId: "${id(i)}", firstName: Pat, lastName: "Ron ${i}"${email}, userGroup: FACULTY }`);
    if (i % 100 === 0) lines.push(`  - { primaryId: "${id(i)}-old", firstName: Old, lastName: Card, email: gone${i}@example.edu, userGroup: FACULTY, status: INACTIVE }`);
  });
  return lines.join('\n');
}

/** Seeds the simulator's users for the mix; how many. */
function seedIlliad(sim: IlliadSimulator, mix: readonly Kind[]): number {
  let unrelated = 0;
  mix.forEach((kind, i) => {
    const email = `u${i}@example.edu`;
    // Some usernames in capitals: ILLiad's usernames ignore case, and so must the report.
    const username = i % 7 === 0 ? `U${i}` : `u${i}`;
    if (kind === 'match') sim.store.addUser({ UserName: username, EMailAddress: email, Cleared: i % 11 === 0 ? 'No' : 'Yes' });
    if (kind === 'would-create' && unrelated++ % 2 === 0) sim.store.addUser({ UserName: `x${i}`, EMailAddress: `x${i}@elsewhere.org` });
    if (kind === 'collision-adopted') sim.store.addUser({ UserName: `legacy${i}`, EMailAddress: email });
    if (kind === 'collision-two-accounts') {
      sim.store.addUser({ UserName: username, EMailAddress: `old${i}@example.edu` });
      sim.store.addUser({ UserName: `legacy${i}`, EMailAddress: email });
    }
    if (kind === 'blocked') sim.store.addUser({ UserName: username, EMailAddress: email, Cleared: ['B', 'BO', 'DIS'][i % 3]! });
  });
  return sim.store.users().length;
}

const EXPECTED_COUNTS = {
  match: 6000,
  'would-create': 2000,
  missing: 0,
  'cannot-derive': 500,
  'email-collision': 1000,
  blocked: 500,
  'lookup-failed': 0,
  'guest-not-served': 0,
};
/** One lookup when the username's account has the e-mail; two when the e-mail must be searched too; none without a username. */
const EXPECTED_REQUESTS = 6000 * 1 + 2000 * 2 + 500 * 0 + 500 * 2 + 500 * 2 + 500 * 1;

/** A CSV line split into its fields (RFC 4180, as the report writes it). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field), rows.push(row), (row = []), (field = ''), i++;
    } else field += c;
  }
  assert.equal(field + row.join(''), '', 'the CSV ends with CRLF');
  return rows;
}

interface CliRun {
  code: number | undefined;
  out: string[];
  err: string[];
  error?: unknown;
}

describe('the username match report over 10,000 patrons (sqlite, ILLiad simulator over HTTP)', () => {
  let sim: IlliadSimulator;
  let app: TestApp;
  let exporter: IlliadExporter;
  let dir: string;
  let illiadRequests = 0;
  let illiadUsers = 0;
  let flaky: (() => number) | undefined;
  let uninterrupted: { csv: string; report: UsernameReport & { needsAttention: number } };
  const mix = kinds();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'interlend-users-'));
    sim = await startIlliadSimulator({
      apiKey: KEY,
      externalUserIdMapping: 'EMailAddress',
      // Every Web Platform call, counted on the simulator's side of the wire.
      log: (line) => void (line.includes(' /ILLiadWebPlatform/') && illiadRequests++),
      random: () => (flaky ? flaky() : 0),
    });
    app = await createTestApp('sqlite', { ILLIAD_URL: sim.url, ILLIAD_API_KEY: KEY });
    await app.transfer.importYaml(EXAMPLE);
    const started = performance.now();
    await app.transfer.importYaml(patronsYaml(mix));
    const imported = performance.now();
    illiadUsers = seedIlliad(sim, mix);
    const seeded = performance.now();
    assert.equal(illiadUsers, 6000 + 1000 + 500 + 1000 + 500);
    console.log(`# seeding: ${PATRONS + 100} patrons imported in ${Math.round(imported - started)} ms; ${illiadUsers} ILLiad users in ${Math.round(seeded - imported)} ms`);
    assert.ok(imported - started < 20_000, `importing ${PATRONS} patrons took ${Math.round(imported - started)} ms`);
    exporter = new IlliadExporter({ storage: app.storage, env: { ILLIAD_URL: sim.url, ILLIAD_API_KEY: KEY }, connect: connectIlliad });
  });
  after(async () => {
    await app?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const deps: CliDeps = {
    version: 'test',
    openInstance: async () => ({ storage: app.storage, illiad: exporter, close: async () => {} }) as unknown as Instance,
    serve: () => Promise.reject(new Error('not in this test')),
    illiadSim: () => Promise.reject(new Error('not in this test')),
    peerMock: () => Promise.reject(new Error('not in this test')),
  };

  /** `interlend doctor users …` through a small program of its own, as doctor.ts wires it. */
  async function cli(args: string[], hooks: DoctorUsersHooks = {}, onErr?: (line: string) => void): Promise<CliRun> {
    const run: CliRun = { code: undefined, out: [], err: [] };
    const io = { out: (line: string) => run.out.push(line), err: (line: string) => (run.err.push(line), onErr?.(line)) };
    const program = new Command('interlend').exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
    registerDoctorUsers(program.command('doctor'), deps, io, { cwd: dir, setExitCode: (code) => (run.code = code), ...hooks });
    try {
      await program.parseAsync(['doctor', 'users', ...args], { from: 'user' });
    } catch (error) {
      run.error = error;
    }
    return run;
  }

  const service = (timer?: ReportTimer) => new UsernameReportService({ storage: app.storage, illiad: exporter, clock: app.clock, ...(timer ? { timer } : {}) });

  test('every active patron: the right count per outcome, one CSV row each, progress along the way', async () => {
    illiadRequests = 0;
    const started = performance.now();
    const run = await cli(['--rate', '0', '--json', '--csv', 'full.csv']);
    const ms = performance.now() - started;
    assert.equal(run.error, undefined, String(run.error));
    const report = JSON.parse(run.out.join('\n'));
    console.log(`# report: ${PATRONS} patrons, ${report.requests} ILLiad requests in ${Math.round(ms)} ms (${Math.round(PATRONS / (ms / 1000))} patrons/s)`);
    assert.deepEqual(report.counts, EXPECTED_COUNTS);
    assert.equal(report.total, PATRONS, 'the 100 inactive patrons are left out');
    assert.equal(report.done, PATRONS);
    assert.equal(report.complete, true);
    assert.equal(report.needsAttention, 2000);
    assert.equal(run.code, 1, 'some patrons need attention');
    assert.equal(report.requests, EXPECTED_REQUESTS);
    assert.equal(illiadRequests, EXPECTED_REQUESTS, 'the simulator saw as many Web Platform calls as the report counted');
    assert.equal(sim.store.users().length, illiadUsers, 'nothing is created in ILLiad');

    // Progress: a line per step on stderr, more than once, counting up to the end.
    const progress = run.err.filter((line) => /^doctor users: [\d,]+ of 10,000 patrons/.test(line));
    assert.ok(progress.length >= 10, `progress lines: ${progress.length}`);
    assert.match(progress.at(-1)!, /^doctor users: 10,000 of 10,000 patrons \(100\.0%\) · match 6,000 · would-create 2,000 · cannot-derive 500 · email-collision 1,000 · blocked 500 · 12,500 ILLiad requests/);
    const dones = progress.map((line) => Number(/^doctor users: ([\d,]+)/.exec(line)![1]!.replace(/,/g, '')));
    assert.deepEqual(dones, [...dones].sort((a, b) => a - b), 'progress only goes forward');

    // The CSV: a header and one row per active patron, in key order, each patron once.
    const csv = readFileSync(join(dir, 'full.csv'), 'utf8');
    const rows = parseCsv(csv);
    assert.deepEqual(rows[0], ['primaryId', 'email', 'identifier', 'derivedUsername', 'outcome', 'illiadUsername', 'detail']);
    assert.equal(rows.length, PATRONS + 1);
    const ids = rows.slice(1).map((r) => r[0]);
    assert.deepEqual(ids, mix.map((_, i) => id(i)));
    const byOutcome = new Map<string, number>();
    for (const r of rows.slice(1)) byOutcome.set(r[4]!, (byOutcome.get(r[4]!) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(byOutcome), Object.fromEntries(Object.entries(EXPECTED_COUNTS).filter(([, n]) => n > 0)));
    // Each row's outcome is the one its patron was seeded for.
    const seededAs: Record<Kind, string> = {
      match: 'match',
      'would-create': 'would-create',
      'cannot-derive': 'cannot-derive',
      'collision-adopted': 'email-collision',
      'collision-two-accounts': 'email-collision',
      blocked: 'blocked',
    };
    rows.slice(1).forEach((r, i) => assert.equal(r[4], seededAs[mix[i]!], `${r[0]} (${mix[i]})`));

    const row = (kind: Kind) => {
      const i = mix.indexOf(kind);
      return { i, row: rows[i + 1]! };
    };
    const adopted = row('collision-adopted');
    assert.deepEqual(adopted.row.slice(0, 6), [id(adopted.i), `u${adopted.i}@example.edu`, `u${adopted.i}@example.edu`, `u${adopted.i}`, 'email-collision', `legacy${adopted.i}`]);
    assert.match(adopted.row[6]!, new RegExp(`^ILLiad has no user u${adopted.i}, but user legacy${adopted.i} has the patron's e-mail u${adopted.i}@example\\.edu: exports would go to legacy${adopted.i}`));
    const two = row('collision-two-accounts');
    assert.equal(two.row[5], `legacy${two.i}`);
    assert.match(two.row[6]!, /two ILLiad accounts for one patron/);
    const blank = row('cannot-derive');
    assert.deepEqual(blank.row.slice(0, 6), [id(blank.i), '', '', '', 'cannot-derive', '']);
    assert.equal(blank.row[6], `patron ${id(blank.i)} has no Email, which the partner's User Identifier Type asks for: every export for this patron fails`);
    const blocked = row('blocked');
    assert.match(blocked.row[6]!, /^ILLiad user u\d+ is (blocked|disavowed) \(Cleared (B|BO|DIS)\): every export is refused/i);
    const fresh = row('would-create');
    assert.equal(fresh.row[6], `ILLiad has no user u${fresh.i} nor a user with e-mail u${fresh.i}@example.edu: the first export creates u${fresh.i}`);
    // Details hold commas and are quoted; nothing of the key is ever written.
    assert.ok(csv.includes(`,would-create,,ILLiad has no user u${fresh.i} nor`), 'a field without a comma or quote is written as it is');
    assert.ok(csv.includes(`,cannot-derive,,"patron ${id(blank.i)} has no Email, which`), 'a field with a comma is quoted');
    assert.ok(!csv.includes(KEY) && !readFileSync(join(dir, 'full.state.json'), 'utf8').includes(KEY), 'no secret in the CSV or the state');

    // Ten examples per outcome met, the first ones in key order.
    assert.equal(report.examples['email-collision'].length, 10);
    assert.deepEqual(report.examples['cannot-derive'].map((r: { primaryId: string }) => r.primaryId), rows.slice(1).filter((r) => r[4] === 'cannot-derive').slice(0, 10).map((r) => r[0]));
    assert.deepEqual(report.examples.missing, []);
    uninterrupted = { csv, report };
  });

  test('stopped part way (then killed between the CSV and the state write), resumed: the same counts and the same CSV, no row twice', async () => {
    assert.ok(uninterrupted, 'runs after the uninterrupted report');
    // A sample of 2,500 is every 4th active patron: its uninterrupted report is every 4th row of the full one. (The
    // sample keeps the test short; it also carries the sample's stride across the stop.)
    const fullRows = parseCsv(uninterrupted.csv);
    const expectedRows = [fullRows[0]!, ...fullRows.slice(1).filter((_, i) => i % 4 === 0)];
    const expectedCsv = expectedRows.map((r) => r.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',') + '\r\n').join('');
    const expectedCounts = Object.fromEntries(Object.keys(EXPECTED_COUNTS).map((o) => [o, expectedRows.slice(1).filter((r) => r[4] === o).length]));
    assert.equal(expectedRows.length, 2501);

    illiadRequests = 0;
    const stop = new AbortController();
    // Stop once the report says it is past 1,000 patrons, as Ctrl-C would.
    const first = await cli(['--rate', '0', '--sample', '2500', '--csv', 'stopped.csv'], { signal: stop.signal, progressEvery: 100 }, (line) => {
      const done = /^doctor users: ([\d,]+) of/.exec(line)?.[1];
      if (done && Number(done.replace(/,/g, '')) >= 1000) stop.abort();
    });
    assert.equal(first.error, undefined, String(first.error));
    assert.equal(first.code, 1, 'a stopped run is not a clean bill');
    assert.ok(first.err.some((line) => /stopped after [\d,]+ of 2,500 patrons .*--resume/.test(line)), first.err.slice(-3).join('\n'));
    assert.ok(first.out.some((line) => line.includes('(not finished: run again with --resume)')), first.out.join('\n'));
    const saved = JSON.parse(readFileSync(join(dir, 'stopped.state.json'), 'utf8'));
    assert.ok(saved.done >= 1000 && saved.done < 2500, `stopped at ${saved.done}`);
    assert.equal(saved.complete, false);
    const partial = readFileSync(join(dir, 'stopped.csv'), 'utf8');
    assert.equal(parseCsv(partial).length, saved.done + 1, 'the CSV holds exactly the rows the state counts');
    assert.equal(Buffer.byteLength(partial), saved.csvBytes);
    assert.equal(saved.lastKey, id((saved.done - 1) * 4), 'the position is the last patron reported');

    // A kill between appending rows and saving the state leaves rows the state does not count: the resume drops them.
    appendFileSync(join(dir, 'stopped.csv'), partial.split('\r\n').slice(-40).join('\r\n'));
    const refused = await cli(['--rate', '0', '--sample', '2500', '--csv', 'stopped.csv']);
    assert.match(String(refused.error), /an unfinished report for partner ILLiad is saved in .*stopped\.state\.json .*add --resume/);

    const resumed = await cli(['--rate', '0', '--json', '--csv', 'stopped.csv', '--resume']);
    assert.equal(resumed.error, undefined, String(resumed.error));
    assert.ok(resumed.err.some((line) => line.startsWith(`doctor users: going on after ${saved.done.toLocaleString('en-US')} of 2,500 patrons of partner ILLiad`)), resumed.err[0]);
    const report = JSON.parse(resumed.out.join('\n'));
    assert.equal(report.complete, true);
    assert.equal(report.sample, 2500);
    assert.deepEqual(report.counts, expectedCounts);
    for (const [outcome, rows] of Object.entries(report.examples as Record<string, { primaryId: string }[]>)) {
      assert.deepEqual(rows.map((r) => r.primaryId), expectedRows.slice(1).filter((r) => r[4] === outcome).slice(0, 10).map((r) => r[0]), outcome);
    }
    assert.equal(readFileSync(join(dir, 'stopped.csv'), 'utf8'), expectedCsv, 'byte for byte the uninterrupted CSV');
    assert.equal(report.requests, illiadRequests, 'the requests of both parts, counted once each');

    // Resuming a finished report asks ILLiad nothing and shows it again.
    illiadRequests = 0;
    const again = await cli(['--csv', 'stopped.csv', '--resume']);
    assert.equal(illiadRequests, 0);
    assert.ok(again.err.some((line) => line.includes('is already complete')), again.err.join('\n'));
    const collisions = expectedCounts['email-collision']!;
    assert.ok(again.out.some((line) => new RegExp(`^ {2}email-collision\\s+${collisions.toLocaleString("en-US")}\\s+${((100 * collisions) / 2500).toFixed(1)}% {2}← needs attention$`).test(line)), again.out.join('\n'));
  });

  test('a sample of N spreads over all active patrons; the rate limit spaces every request, retries included', async () => {
    // A virtual clock: sleeping moves it, nothing else does, so the limiter's waits are what is measured.
    let now = 0;
    const waits: number[] = [];
    const timer: ReportTimer = {
      now: () => now,
      async sleep(ms) {
        waits.push(ms);
        const until = now + ms;
        await Promise.resolve();
        now = Math.max(now, until);
      },
    };
    illiadRequests = 0;
    const files = reportFiles(join(dir, 'rate.csv'), join(dir, 'rate.state.json'));
    const report = await service(timer).run({ sample: 10, ratePerSecond: 20 }, files);
    assert.equal(report.done, 10);
    const rows = parseCsv(readFileSync(join(dir, 'rate.csv'), 'utf8')).slice(1);
    assert.deepEqual(rows.map((r) => r[0]), [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000].map(id), 'every 1,000th active patron');
    assert.equal(report.requests, illiadRequests);
    assert.ok(illiadRequests >= 10, `${illiadRequests} requests`);
    // 20 a second: request k starts 50 ms after request k-1, so the last starts at (n-1) × 50 ms, and not before.
    assert.equal(now, (illiadRequests - 1) * 50, `virtual time ${now} ms for ${illiadRequests} requests`);
    assert.ok(waits.every((w) => w > 0), 'only real waits are slept');

    // With ILLiad failing every third call, each patron is retried after a backoff and still gets its real verdict
    // (one lookup at a time, so which call fails is known: a retry's two calls never meet a third failure).
    let calls = 0;
    flaky = () => (calls++ % 3 === 2 ? 0 : 0.99);
    sim.faults.failRate = 0.5;
    try {
      now = 0;
      illiadRequests = 0;
      const notices: string[] = [];
      const retried = await service(timer).run({ sample: 10, ratePerSecond: 20, backoffMs: 1000, concurrency: 1, onNotice: (l) => notices.push(l) }, reportFiles(join(dir, 'flaky.csv'), join(dir, 'flaky.state.json')));
      assert.deepEqual(retried.counts, report.counts, 'the same verdicts as without faults');
      assert.ok(notices.some((l) => /^ILLiad unavailable while looking up patron P\d+ \(try 1 of 4\): ILLiad failed on GET Users\/\S+ \(HTTP 500\).*trying again in 1 s$/.test(l)), String(notices[0]));
      assert.ok(now >= (illiadRequests - 1) * 50, 'retries wait for their slot too');
    } finally {
      sim.faults.failRate = 0;
      flaky = undefined;
    }
  });

  test('ILLiad unavailable: retried with backoff, then lookup-failed with the reason; a long run of failures stops the run for a resume', async () => {
    let now = 0;
    const waits: number[] = [];
    const timer: ReportTimer = { now: () => now, sleep: async (ms) => void (waits.push(ms), (now += ms)) };
    sim.faults.failRate = 1;
    try {
      illiadRequests = 0;
      const report = await service(timer).run({ sample: 5, ratePerSecond: 0, retries: 2, backoffMs: 500 }, reportFiles(join(dir, 'down.csv'), join(dir, 'down.state.json')));
      const rows = parseCsv(readFileSync(join(dir, 'down.csv'), 'utf8')).slice(1);
      const looked = rows.filter((r) => r[3] !== '');
      assert.equal(report.counts['lookup-failed'], looked.length);
      assert.ok(looked.length > 0, 'the sample has patrons with a username');
      for (const r of looked) assert.match(r[6]!, /^ILLiad could not be asked after 3 tries: ILLiad failed on GET Users\/u\d+ \(HTTP 500\): An error has occurred\.$/);
      assert.equal(illiadRequests, looked.length * 3, 'each patron: the first try and two retries');
      assert.deepEqual(waits.sort((a, b) => a - b), Array.from({ length: looked.length }, () => [500, 1000]).flat().sort((a, b) => a - b), 'backoff doubles');

      // 20 patrons in a row that cannot be looked up: ILLiad is down, and the run stops instead of filling the CSV.
      const files = reportFiles(join(dir, 'outage.csv'), join(dir, 'outage.state.json'));
      await assert.rejects(service(timer).run({ sample: 50, ratePerSecond: 0, retries: 0, maxConsecutiveFailures: 5 }, files), (error: InterlendError) => {
        assert.equal(error.code, 'ILL_ERR_PARTNER_UNAVAILABLE');
        assert.match(error.message, /^ILLiad could not be asked about 5 patrons in a row .* Run it again with --resume when ILLiad answers\.$/);
        return true;
      });
      const saved = JSON.parse((await files.readState())!);
      assert.ok(saved.counts['lookup-failed'] === 0, 'the failures that stopped it are not counted: the resume asks again');
      sim.faults.failRate = 0;
      const resumed = await service(timer).run({ resume: true, ratePerSecond: 0 }, files);
      assert.equal(resumed.done, 50);
      assert.equal(resumed.counts['lookup-failed'], 0);
      assert.equal(parseCsv(readFileSync(join(dir, 'outage.csv'), 'utf8')).length, 51);
    } finally {
      sim.faults.failRate = 0;
    }
  });

  test('a refused key stops the run at once with a clear error (exit 1); nothing else would work', async () => {
    sim.faults.badKey = true;
    try {
      illiadRequests = 0;
      const run = await cli(['--rate', '0', '--csv', 'badkey.csv', '--sample', '200']);
      assert.ok(run.error instanceof InterlendError, String(run.error));
      assert.equal(run.error.code, 'ILL_ERR_PARTNER_AUTH');
      assert.match(run.error.message, /^the username match report stopped: ILLiad refused the API key \(HTTP 401 on GET Users\/u\d+: Authorization has been denied for this request\.\); check the partner's API key and URL\. Nothing else would work/);
      assert.ok(illiadRequests <= 4, `stopped at once: ${illiadRequests} requests for a sample of 200`);
      assert.equal(JSON.parse(readFileSync(join(dir, 'badkey.state.json'), 'utf8')).done, 0);
    } finally {
      sim.faults.badKey = false;
    }
  });

  test('usage: several ILLiad partners need --partner (exit 2); a partner that does not export; nothing to resume', async () => {
    const run = await cli(['--partner', 'NORTH']);
    assert.match(String(run.error), /partner NORTH does not export to ILLiad/);
    const nothing = await cli(['--csv', 'never.csv', '--resume']);
    assert.match(String(nothing.error), /there is no report to resume: .*never\.state\.json does not exist/);
    assert.ok(!existsSync(join(dir, 'never.csv')), 'no CSV is started for nothing');
    // The key's variable not set: said before anything is written, so the next run needs no --resume.
    const keyless = new IlliadExporter({ storage: app.storage, env: { ILLIAD_URL: sim.url }, connect: connectIlliad });
    const files = reportFiles(join(dir, 'keyless.csv'), join(dir, 'keyless.state.json'));
    await assert.rejects(new UsernameReportService({ storage: app.storage, illiad: keyless, clock: app.clock }).run({ sample: 3 }, files), {
      message: 'the username match report cannot ask ILLiad: the ILLiad API key of partner ILLiad is ${ILLIAD_API_KEY}, which is not set in the server\'s environment',
    });
    assert.equal(await files.readState(), undefined);
    assert.equal(await files.csvSize(), undefined);
    const partner = (await app.call('GET', '/api/v1/partners/ILLiad')).json();
    const created = await app.call('POST', '/api/v1/partners', { body: { ...partner, id: undefined, code: 'ILLIAD2', name: 'Second ILLiad', createdAt: undefined, updatedAt: undefined } });
    assert.equal(created.statusCode, 201, created.body);
    try {
      const several = await cli(['--sample', '1']);
      assert.equal(several.error?.constructor.name, 'InvalidArgumentError', 'a usage error: runCli exits 2');
      assert.match(String(several.error), /several partners export to ILLiad Using API \(ILLIAD2, ILLiad\); name one with --partner/);
    } finally {
      assert.equal((await app.call('DELETE', '/api/v1/partners/ILLIAD2')).statusCode, 204);
    }
  });
});

describe('the username match report on the demo patrons: exit 0 when every patron matches or would be created', () => {
  test('the summary table and examples on stdout', async () => {
    const sim = await startIlliadSimulator({ apiKey: KEY, externalUserIdMapping: 'EMailAddress', users: [{ UserName: 'cwlee', EMailAddress: 'cwlee@example.edu' }] });
    const app = await createTestApp('sqlite', { ILLIAD_URL: sim.url, ILLIAD_API_KEY: KEY });
    const dir = mkdtempSync(join(tmpdir(), 'interlend-users-'));
    try {
      await app.transfer.importYaml(EXAMPLE);
      await app.transfer.importYaml(readFileSync(new URL('../../examples/demo-patrons.yaml', import.meta.url), 'utf8'));
      const exporter = new IlliadExporter({ storage: app.storage, env: { ILLIAD_URL: sim.url, ILLIAD_API_KEY: KEY }, connect: connectIlliad });
      const out: string[] = [];
      let code: number | undefined;
      const program = new Command('interlend').exitOverride();
      const deps = { openInstance: async () => ({ storage: app.storage, illiad: exporter, close: async () => {} }) as unknown as Instance } as CliDeps;
      registerDoctorUsers(program.command('doctor'), deps, { out: (l) => out.push(l), err: () => {} }, { cwd: dir, setExitCode: (c) => (code = c) });
      await program.parseAsync(['doctor', 'users', '--rate', '0'], { from: 'user' });
      const text = out.join('\n');
      assert.equal(code, 0, text);
      assert.match(text, /^Username match report for partner ILLiad \(User Identifier Type Email, regex \^\[\^@\]\*, search by e-mail, Create User In ILLiad on\)$/m);
      assert.match(text, /^5 of 5 active patrons checked; \d+ ILLiad requests\.$/m);
      assert.match(text, /^ {2}match\s+1\s+20\.0%$/m);
      assert.match(text, /^ {2}would-create\s+3\s+60\.0%$/m);
      assert.match(text, /^ {2}guest-not-served\s+1\s+20\.0%$/m);
      assert.match(text, /^ {4}guest-0001 {2}visitor@elsewhere\.org → visitor: guest patron, and the partner's Enable Service For Guest User is No/m);
      assert.match(text, /^Every patron checked matches or would be created\.$/m);
      assert.match(text, new RegExp(`^CSV \\(one row per patron\\): ${join(dir, 'username-report.csv').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
      assert.ok(existsSync(join(dir, 'username-report.state.json')), 'the state sits next to the CSV');
    } finally {
      await app.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('patrons added and removed during a run: each patron still there is reported once, none twice', async () => {
  const sim = await startIlliadSimulator({ apiKey: KEY, externalUserIdMapping: 'EMailAddress' });
  const app = await createTestApp('sqlite', { ILLIAD_URL: sim.url, ILLIAD_API_KEY: KEY });
  const dir = mkdtempSync(join(tmpdir(), 'interlend-users-'));
  try {
    await app.transfer.importYaml(EXAMPLE);
    const patron = (primaryId: string) => ({ primaryId, firstName: 'Pat', lastName: 'Ron', email: `${primaryId.toLowerCase()}@example.edu`, userGroup: 'FACULTY' });
    const ids = Array.from({ length: 30 }, (_, i) => `P${String(i).padStart(2, '0')}`);
    await app.transfer.importYaml(`version: 1\npatrons:\n${ids.map((p) => `  - ${JSON.stringify(patron(p))}`).join('\n')}`);
    // The real database, with the edits made just before the report reads its second page of patrons.
    let lists = 0;
    const edit = async () => {
      for (const added of ['A1', 'A2', 'P04a']) assert.equal((await app.call('POST', '/api/v1/patrons', { body: patron(added) })).statusCode, 201);
      for (const removed of ['P01', 'P20']) assert.equal((await app.call('DELETE', `/api/v1/patrons/${removed}`)).statusCode, 204);
    };
    const storage = {
      ...app.storage,
      read: {
        ...app.storage.read,
        config: ((kind: 'patrons') => {
          const repository = app.storage.read.config(kind);
          if (kind !== 'patrons') return repository;
          return { ...repository, list: async (query: Parameters<typeof repository.list>[0]) => ((++lists === 3 ? await edit() : undefined), repository.list(query)) };
        }) as typeof app.storage.read.config,
      },
    };
    const exporter = new IlliadExporter({ storage: app.storage, env: { ILLIAD_URL: sim.url, ILLIAD_API_KEY: KEY }, connect: connectIlliad });
    const service = new UsernameReportService({ storage, illiad: exporter, clock: app.clock });
    const report = await service.run({ ratePerSecond: 0, pageSize: 5, concurrency: 1 }, reportFiles(join(dir, 'edit.csv'), join(dir, 'edit.state.json')));
    assert.ok(lists >= 3, 'the edits were made during the run');
    const reported = parseCsv(readFileSync(join(dir, 'edit.csv'), 'utf8')).slice(1).map((r) => r[0]);
    // P01 was read before it went; A1, A2 came behind the position; P04a ahead of it; P20 went before its turn.
    assert.deepEqual(reported, ['P00', 'P01', 'P02', 'P03', 'P04', 'P04a', ...ids.slice(5).filter((p) => p !== 'P20')]);
    assert.equal(report.done, reported.length);
    assert.equal(report.counts['would-create'], reported.length);
  } finally {
    await app.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the rate limiter: evenly spaced slots, taken at once by callers running together; 0 is no limit', async () => {
  let now = 0;
  const timer: ReportTimer = { now: () => now, sleep: async () => {} };
  const limiter = new RateLimiter(20, timer);
  const signal = new AbortController().signal;
  assert.deepEqual(await Promise.all([1, 2, 3, 4, 5].map(() => limiter.acquire(signal))), [0, 50, 100, 150, 200]);
  now = 1000; // long after the last slot: no wait, and no burst saved up either
  assert.deepEqual([await limiter.acquire(signal), await limiter.acquire(signal)], [0, 50]);
  assert.deepEqual(await Promise.all([1, 2, 3].map(() => new RateLimiter(0, timer).acquire(signal))), [0, 0, 0]);
});
