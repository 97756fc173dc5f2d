/**
 * The username match report (issue 7 item 4; docs/doctor-users.md): for every active patron, or an evenly spread
 * sample, derive the ILLiad username with the partner's identity rule (design.md decision 6) and look it up in the
 * partner's ILLiad the way the export would (decision 7), creating nothing. Counts per outcome, examples, and one
 * CSV row per patron.
 *
 * Why before go-live: the guide's "ILLiad Requirements" say exports only work when the ILLiad username is what the
 * rule derives, and illiad.md §4 items 1–2 are the failures libraries met (usernames that do not match; duplicate
 * accounts when the lookup misses the patron's existing one). This finds them for every patron at once.
 *
 * A run over a real ILLiad is long and must be gentle: requests are spaced to a rate (default 10 a second), a few
 * lookups run at once so a slow ILLiad does not hold the rate down, progress is reported as it goes, and the run
 * can be stopped (an AbortSignal) and resumed from a state file that holds the position (the last patron's key),
 * the counts and the examples. The CSV only ever holds rows the state file counts: each checkpoint appends rows and
 * then saves the state with the CSV's new size, and a resume first cuts the CSV back to that size, so a row is never
 * there twice, whatever moment the run was stopped or killed at.
 */
import { Buffer } from 'node:buffer';
import { z } from 'zod';
import type { Partner } from '../domain/config/partner.ts';
import type { Patron } from '../domain/config/patron.ts';
import { USER_IDENTIFIER_TYPE } from '../domain/config/enums.ts';
import { InterlendError, notFound } from '../domain/errors.ts';
import { illiadUsername } from '../domain/identity/illiad-username.ts';
import {
  classifyUsernameMatch,
  type IlliadLookup,
  searchesEmail,
  type UsernameMatchInput,
  type UsernameMatchOutcome,
  USERNAME_MATCH_OUTCOMES,
} from '../domain/identity/username-match.ts';
import { csvRecord } from '../domain/csv.ts';
import type { IlliadCall, IlliadConnection } from './illiad-connection.ts';
import { RateLimiter, type ReportTimer, realTimer } from './rate-limiter.ts';
import { exportsThroughApi } from './illiad-export.ts';
import type { Clock, Stored, Storage } from './ports.ts';

/** Where the report writes: the CSV and the state file. The CLI keeps them on disk; the app only says what to write. */
export interface ReportFiles {
  /** Names for messages (file paths). */
  readonly where: { readonly csv: string; readonly state: string };
  /** The saved state, or undefined when there is none. */
  readState(): Promise<string | undefined>;
  /** Saves the state whole (a crash leaves the old one or the new one, never half). */
  writeState(text: string): Promise<void>;
  /** Starts the CSV over with this text (the header); its size in bytes. */
  resetCsv(text: string): Promise<number>;
  /** The CSV's size in bytes, or undefined when it does not exist. */
  csvSize(): Promise<number | undefined>;
  /** Cuts the CSV back to this many bytes. */
  truncateCsv(size: number): Promise<void>;
  /** Appends rows; the CSV's size in bytes afterwards. */
  appendCsv(text: string): Promise<number>;
}

/** One CSV row: one patron. */
export interface ReportRow {
  readonly primaryId: string;
  readonly email: string | null;
  /** The patron's identifier of the partner's User Identifier Type. */
  readonly identifier: string | null;
  readonly derivedUsername: string | null;
  readonly outcome: UsernameMatchOutcome;
  readonly illiadUsername: string | null;
  readonly detail: string;
}

export const CSV_COLUMNS = ['primaryId', 'email', 'identifier', 'derivedUsername', 'outcome', 'illiadUsername', 'detail'] as const satisfies readonly (keyof ReportRow)[];

export const CSV_HEADER = csvRecord(CSV_COLUMNS);
const csvRow = (row: ReportRow) => csvRecord(CSV_COLUMNS.map((column) => row[column]));

/** The partner settings the verdicts depend on; a resume refuses to mix verdicts made under different ones. */
const ruleSchema = z.object({
  userIdentifierType: z.string(),
  userIdentifierRegex: z.string().nullable(),
  createUserInIlliad: z.boolean(),
  searchesByEmail: z.boolean(),
  servesGuests: z.boolean(),
});
export type ReportRule = z.infer<typeof ruleSchema>;

const outcomeSchema = z.enum(USERNAME_MATCH_OUTCOMES);
const rowSchema = z.object({
  primaryId: z.string(),
  email: z.string().nullable(),
  identifier: z.string().nullable(),
  derivedUsername: z.string().nullable(),
  outcome: outcomeSchema,
  illiadUsername: z.string().nullable(),
  detail: z.string(),
});

const STATE_FORMAT = 'interlend-username-report/1';
const stateSchema = z.object({
  format: z.literal(STATE_FORMAT),
  partner: z.string(),
  rule: ruleSchema,
  /** The sample size asked for; null: every active patron. */
  sample: z.number().int().positive().nullable(),
  /** Every stride-th active patron is looked up (1 without a sample). */
  stride: z.number().int().positive(),
  /** Patrons to report: the active patrons (at the last page read), or the sample size. */
  total: z.number().int().nonnegative(),
  /** Active patrons passed in key order, up to and including the last one reported (for the sample's stride). */
  walked: z.number().int().nonnegative(),
  /** Patrons reported (CSV rows). */
  done: z.number().int().nonnegative(),
  /** The position: the primary id of the last patron reported; the run goes on after it. */
  lastKey: z.string().nullable(),
  /** The CSV's size when this state was saved; a resume cuts it back to this. */
  csvBytes: z.number().int().nonnegative(),
  counts: z.record(outcomeSchema, z.number().int().nonnegative()),
  examples: z.record(outcomeSchema, z.array(rowSchema)),
  /** ILLiad calls made, over every part of the run. */
  requests: z.number().int().nonnegative(),
  startedAt: z.string(),
  updatedAt: z.string(),
  complete: z.boolean(),
});
type ReportState = z.infer<typeof stateSchema>;

export type UsernameCounts = Readonly<Record<UsernameMatchOutcome, number>>;

export interface UsernameReport {
  readonly partner: string;
  readonly rule: ReportRule;
  readonly sample: number | null;
  readonly total: number;
  readonly done: number;
  readonly counts: UsernameCounts;
  /** Up to EXAMPLES_PER_OUTCOME rows of each outcome, the first ones in key order. */
  readonly examples: Readonly<Record<UsernameMatchOutcome, readonly ReportRow[]>>;
  readonly requests: number;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** Every patron was reported. */
  readonly complete: boolean;
  /** The run was stopped (the signal) before the end; `--resume` goes on. */
  readonly stopped: boolean;
  /** A resume found the report already complete, and asked ILLiad nothing. */
  readonly alreadyComplete: boolean;
}

export interface ReportProgress {
  readonly done: number;
  readonly total: number;
  readonly counts: UsernameCounts;
  readonly requests: number;
  /** Since this part of the run started. */
  readonly elapsedMs: number;
  /** Patrons reported in this part of the run (for a rate). */
  readonly doneThisRun: number;
}

export interface UsernameReportOptions {
  /** The partner's code; without it, the one partner that exports Using API (or the saved run's, on resume). */
  readonly partner?: string | undefined;
  /** Look up N patrons spread evenly over all active ones, instead of all. */
  readonly sample?: number | null | undefined;
  /** ILLiad requests a second at most; 0: no limit. Default 10. */
  readonly ratePerSecond?: number | undefined;
  /** Go on from the state file. */
  readonly resume?: boolean | undefined;
  /** Stops the run; what was reported is saved, `resume` goes on. */
  readonly signal?: AbortSignal | undefined;
  /** Once, when the run knows what it does: the partner, its rule, how many patrons, how many already done. */
  readonly onStart?: ((start: { partner: string; rule: ReportRule; total: number; done: number; resumed: boolean }) => void) | undefined;
  readonly onProgress?: ((progress: ReportProgress) => void) | undefined;
  /** Retries and stops, in a sentence each. */
  readonly onNotice?: ((line: string) => void) | undefined;
  /** Progress (and a checkpoint) after this many patrons at most; default 500. */
  readonly progressEvery?: number | undefined;
  /** … and after this many milliseconds at most; default 2000. */
  readonly progressIntervalMs?: number | undefined;
  /** Tries after the first when ILLiad is unavailable; default 3 (waits of 1, 2, 4 s). */
  readonly retries?: number | undefined;
  readonly backoffMs?: number | undefined;
  /** After this many patrons in a row whose lookup failed, the run stops (ILLiad is down); default 20. */
  readonly maxConsecutiveFailures?: number | undefined;
  /** Lookups at once; default 4. */
  readonly concurrency?: number | undefined;
  /** Patrons read from the database at a time; default 500. */
  readonly pageSize?: number | undefined;
}

/** The part of IlliadExporter the report uses. */
export interface IlliadConnections {
  connectionFor(partner: Partner, options: { signal: AbortSignal; onCall?: (call: IlliadCall) => void }): { ok: true; connection: IlliadConnection } | { ok: false; reason: string };
}

export interface UsernameReportDeps {
  readonly storage: Storage;
  readonly illiad: IlliadConnections;
  readonly clock: Clock;
  readonly timer?: ReportTimer;
}

export const DEFAULT_RATE_PER_SECOND = 10;
export const EXAMPLES_PER_OUTCOME = 10;
const ACTIVE = { status: 'ACTIVE' } as const;
/** Outcomes that mean ILLiad answered (and so is up). */
const ASKED_ILLIAD: ReadonlySet<UsernameMatchOutcome> = new Set(['match', 'would-create', 'missing', 'email-collision', 'blocked']);

const emptyCounts = () => Object.fromEntries(USERNAME_MATCH_OUTCOMES.map((o) => [o, 0])) as Record<UsernameMatchOutcome, number>;
const emptyExamples = () => Object.fromEntries(USERNAME_MATCH_OUTCOMES.map((o) => [o, []])) as unknown as Record<UsernameMatchOutcome, ReportRow[]>;
/** Keys are listed in byte order on both databases (storage's `byteOrder`); the same order here. */
const after = (key: string, than: string) => Buffer.compare(Buffer.from(key, 'utf8'), Buffer.from(than, 'utf8')) > 0;
const count = (n: number) => n.toLocaleString('en-US');
const sameText = (a: string | null | undefined, b: string | null | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

type NcipPartner = Extract<Partner, { profileType: 'NCIP' }>;

function ruleOf(partner: NcipPartner): ReportRule {
  const general = partner.ncip.generalInformation;
  const settings = partner.ncip.exportToThirdParty;
  return {
    userIdentifierType: general.userIdentifierType,
    userIdentifierRegex: general.userIdentifierRegex,
    createUserInIlliad: settings.createUserInIlliad,
    searchesByEmail: settings.searchUserInIlliadUsing === 'EMAIL_ADDRESS',
    servesGuests: general.enableServiceForGuestUser,
  };
}

/** A sentence for the rule the report applies: `User Identifier Type Email, regex ^[^@]*, …`. */
export function describeRule(rule: ReportRule): string {
  const type = USER_IDENTIFIER_TYPE.labels[rule.userIdentifierType as keyof typeof USER_IDENTIFIER_TYPE.labels] ?? rule.userIdentifierType;
  return [
    `User Identifier Type ${type}`,
    rule.userIdentifierRegex ? `regex ${rule.userIdentifierRegex}` : 'no regex',
    rule.searchesByEmail ? 'search by e-mail' : 'search by username only',
    `Create User In ILLiad ${rule.createUserInIlliad ? 'on' : 'off'}`,
  ].join(', ');
}

interface Walked {
  readonly stored: Stored<Patron>;
  /** 0-based place among the active patrons, in key order. */
  readonly index: number;
  /** Active patrons, as the page that held this one counted them. */
  readonly total: number;
}

export class UsernameReportService {
  private readonly timer: ReportTimer;
  constructor(private readonly deps: UsernameReportDeps) {
    this.timer = deps.timer ?? realTimer;
  }

  /** The codes of the partners that export to ILLiad Using API (the ones a report can be made for). */
  async illiadPartners(): Promise<string[]> {
    const partners = await this.deps.storage.read.config('partners').all();
    return partners.filter((p) => exportsThroughApi(p.doc)).map((p) => p.doc.code);
  }

  async run(options: UsernameReportOptions, files: ReportFiles): Promise<UsernameReport> {
    const savedText = await files.readState();
    // A state that cannot be read stops a resume; a new run just writes over it.
    const saved = savedText === undefined ? undefined : options.resume ? this.parseState(savedText, files) : this.tryParseState(savedText);
    const partner = await this.partnerFor(options.partner ?? (options.resume ? saved?.partner : undefined));
    const rule = ruleOf(partner);
    const sample = options.sample ?? null;
    if (sample !== null && !(Number.isInteger(sample) && sample > 0)) throw new InterlendError('ILL_ERR_BAD_REQUEST', `the sample must be a whole number above 0, not ${sample}`);

    // Whether ILLiad can be reached at all (an address and a key), before anything is written: opening a connection
    // makes no call. A report that could not start must not leave a state file behind that asks for --resume.
    const reachable = this.deps.illiad.connectionFor(partner, { signal: options.signal ?? new AbortController().signal });
    if (!reachable.ok) throw new InterlendError('ILL_ERR_NOT_ALLOWED', `the username match report cannot ask ILLiad: ${reachable.reason}`);

    let state: ReportState;
    if (options.resume) {
      if (!saved) throw new InterlendError('ILL_ERR_NOT_FOUND', `there is no report to resume: ${files.where.state} does not exist`);
      this.checkResumable(saved, partner.code, rule, options.sample, files);
      if (saved.complete) return { ...this.report(saved), stopped: false, alreadyComplete: true };
      const size = await files.csvSize();
      if (size === undefined || size < saved.csvBytes) {
        throw new InterlendError('ILL_ERR_NOT_ALLOWED', `${files.where.csv} is ${size === undefined ? 'missing' : 'shorter than the saved state says'}, so the report cannot go on; run it again without --resume to start over`);
      }
      // Rows appended after the last saved state (a run killed between the two writes) are cut off and made again.
      await files.truncateCsv(saved.csvBytes);
      state = saved;
    } else {
      if (saved && !saved.complete) {
        throw new InterlendError(
          'ILL_ERR_NOT_ALLOWED',
          `an unfinished report for partner ${saved.partner} is saved in ${files.where.state} (${count(saved.done)} of ${count(saved.total)} patrons); add --resume to go on with it, or delete that file to start over`,
        );
      }
      const total = (await this.deps.storage.read.config('patrons').list({ limit: 1, offset: 0, filters: ACTIVE })).total;
      const now = this.deps.clock.now();
      state = {
        format: STATE_FORMAT,
        partner: partner.code,
        rule,
        sample,
        // An even spread (every stride-th patron in key order) rather than the first N, which share an id range.
        stride: sample === null ? 1 : Math.max(1, Math.floor(total / sample)),
        total: sample === null ? total : Math.min(sample, total),
        walked: 0,
        done: 0,
        lastKey: null,
        csvBytes: await files.resetCsv(CSV_HEADER),
        counts: emptyCounts(),
        examples: emptyExamples(),
        requests: 0,
        startedAt: now,
        updatedAt: now,
        complete: false,
      };
      await files.writeState(JSON.stringify(state, null, 2));
    }
    return this.continueRun(state, partner, rule, options, files);
  }

  private async continueRun(state: ReportState, partner: NcipPartner, rule: ReportRule, options: UsernameReportOptions, files: ReportFiles): Promise<UsernameReport> {
    const internal = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, internal.signal]) : internal.signal;
    const opened = this.deps.illiad.connectionFor(partner, { signal, onCall: () => state.requests++ });
    if (!opened.ok) throw new InterlendError('ILL_ERR_NOT_ALLOWED', `the username match report cannot ask ILLiad: ${opened.reason}`);
    options.onStart?.({ partner: partner.code, rule, total: state.total, done: state.done, resumed: !!options.resume });
    const limiter = new RateLimiter(options.ratePerSecond ?? DEFAULT_RATE_PER_SECOND, this.timer);
    const connection = opened.connection;
    // Every ILLiad request waits for its slot, retries included.
    const lookups = {
      async userByUsername(username: string) {
        await limiter.acquire(signal);
        return connection.userByUsername(username);
      },
      async userByExternalId(id: string) {
        await limiter.acquire(signal);
        return connection.userByExternalId(id);
      },
    };
    const notice = options.onNotice ?? (() => {});
    const concurrency = Math.max(1, options.concurrency ?? 4);
    const progressEvery = Math.max(1, options.progressEvery ?? 500);
    const progressIntervalMs = options.progressIntervalMs ?? 2000;
    const maxFailures = Math.max(1, options.maxConsecutiveFailures ?? 20);
    const started = this.timer.now();
    const doneAtStart = state.done;
    let pendingRows: string[] = [];
    let reportedDone = state.done;
    let reportedAt = started;

    const checkpoint = async () => {
      if (pendingRows.length) {
        state.csvBytes = await files.appendCsv(pendingRows.join(''));
        pendingRows = [];
      }
      state.updatedAt = this.deps.clock.now();
      await files.writeState(JSON.stringify(state, null, 2));
    };
    const progress = () => {
      reportedDone = state.done;
      reportedAt = this.timer.now();
      options.onProgress?.({ done: state.done, total: state.total, counts: { ...state.counts }, requests: state.requests, elapsedMs: reportedAt - started, doneThisRun: state.done - doneAtStart });
    };
    const commit = async (walked: Walked, row: ReportRow) => {
      state.counts[row.outcome]++;
      if (state.examples[row.outcome].length < EXAMPLES_PER_OUTCOME) state.examples[row.outcome].push(row);
      pendingRows.push(csvRow(row));
      state.done++;
      state.lastKey = walked.stored.doc.primaryId;
      state.walked = walked.index + 1;
      if (state.done - reportedDone >= progressEvery || this.timer.now() - reportedAt >= progressIntervalMs) {
        await checkpoint();
        progress();
      }
    };

    type Job = { walked: Walked; result: Promise<ReportRow | 'aborted'> };
    const window: Job[] = [];
    /**
     * Rows held back behind a failed lookup: committed (in order) when ILLiad answers again, dropped when the run
     * stops for them, so a resume asks again. Rows that needed no lookup wait behind them, as rows go in key order.
     */
    let held: { walked: Walked; row: ReportRow }[] = [];
    let heldFailures = 0;
    let fatal: unknown;
    let tripped: InterlendError | undefined;
    let aborted = false;

    const settle = async (job: Job) => {
      const row = await job.result;
      if (row === 'aborted' || aborted || tripped || fatal) {
        aborted = true;
        return;
      }
      if (row.outcome === 'lookup-failed') {
        held.push({ walked: job.walked, row });
        if (++heldFailures >= maxFailures) {
          tripped = new InterlendError(
            'ILL_ERR_PARTNER_UNAVAILABLE',
            `ILLiad could not be asked about ${heldFailures} patrons in a row (the last: ${row.detail}); the report stopped after patron ${state.lastKey ?? '(none yet)'} with ${count(state.done)} of ${count(state.total)} done. Run it again with --resume when ILLiad answers.`,
          );
          internal.abort();
        }
        return;
      }
      if (held.length && !ASKED_ILLIAD.has(row.outcome)) {
        held.push({ walked: job.walked, row });
        return;
      }
      await flushHeld();
      await commit(job.walked, row);
    };
    const flushHeld = async () => {
      for (const waiting of held) await commit(waiting.walked, waiting.row);
      held = [];
      heldFailures = 0;
    };

    const limit = state.sample === null ? Infinity : state.sample;
    let taken = state.done;
    for await (const walked of this.walk(state.lastKey, state.walked, options.pageSize ?? 500)) {
      if (signal.aborted || aborted) break;
      if (state.sample === null) state.total = walked.total;
      if (walked.index % state.stride !== 0) continue;
      if (taken >= limit) break;
      taken++;
      const result = this.rowFor(walked.stored.doc, partner, rule, lookups, signal, options, notice).catch((error: unknown) => {
        fatal ??= error;
        internal.abort();
        return 'aborted' as const;
      });
      window.push({ walked, result });
      while (window.length >= concurrency) await settle(window.shift()!);
    }
    while (window.length) await settle(window.shift()!);

    if (fatal || tripped) {
      await checkpoint();
      progress();
      if (fatal instanceof InterlendError && fatal.code === 'ILL_ERR_PARTNER_AUTH') {
        throw new InterlendError('ILL_ERR_PARTNER_AUTH', `the username match report stopped: ${fatal.message}. Nothing else would work; ${count(state.done)} of ${count(state.total)} patrons are saved, and --resume goes on after the fix.`);
      }
      throw tripped ?? fatal;
    }
    const stopped = aborted || signal.aborted;
    if (!stopped) {
      // The end of the walk: rows still held back are the last patrons' real verdicts.
      await flushHeld();
      if (state.sample === null) state.total = state.done;
      state.complete = true;
    } else {
      notice(`stopped after ${count(state.done)} of ${count(state.total)} patrons (the last: ${state.lastKey ?? 'none'}); run again with --resume to go on`);
    }
    await checkpoint();
    progress();
    return { ...this.report(state), stopped, alreadyComplete: false };
  }

  /** The verdict for one patron; 'aborted' when the run was stopped meanwhile. Rejects only when nothing would work. */
  private async rowFor(
    patron: Patron,
    partner: NcipPartner,
    rule: ReportRule,
    lookups: Pick<IlliadConnection, 'userByUsername' | 'userByExternalId'>,
    signal: AbortSignal,
    options: UsernameReportOptions,
    notice: (line: string) => void,
  ): Promise<ReportRow | 'aborted'> {
    const identity = illiadUsername(patron, partner.ncip.generalInformation);
    const input: UsernameMatchInput = { identity, email: patron.email, isGuest: patron.isGuest, partner: rule, lookup: undefined };
    const row = (lookup: IlliadLookup | undefined): ReportRow => {
      const verdict = classifyUsernameMatch({ ...input, lookup });
      return {
        primaryId: patron.primaryId,
        email: patron.email,
        identifier: identity.identifier,
        derivedUsername: identity.ok ? identity.username : null,
        outcome: verdict.outcome,
        illiadUsername: verdict.illiadUsername,
        detail: verdict.detail,
      };
    };
    if (!identity.ok || (patron.isGuest && !rule.servesGuests)) return row(undefined);
    const username = identity.username;
    const retries = Math.max(0, options.retries ?? 3);
    const backoffMs = options.backoffMs ?? 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        const byUsername = await lookups.userByUsername(username);
        // The export searches by e-mail only when the username is not found (illiad.md §5 (a) 3); the report asks
        // anyway, to find a second account holding the e-mail (the duplicate-account trap, §4 item 2) — except when
        // the username's own account has the e-mail, which makes it the account ILLiad's e-mail search means.
        const askEmail = searchesEmail(input) && !(byUsername && sameText(byUsername.email, patron.email));
        const byEmail = askEmail ? await lookups.userByExternalId(patron.email!) : undefined;
        return row({ byUsername, byEmail });
      } catch (error) {
        if (signal.aborted) return 'aborted';
        if (!(error instanceof InterlendError)) throw error;
        // A refused key refuses every lookup: the caller stops the run.
        if (error.code === 'ILL_ERR_PARTNER_AUTH') throw error;
        if (error.code === 'ILL_ERR_PARTNER_REFUSED') return row({ failed: `ILLiad refused the lookup: ${error.message}` });
        if (error.code !== 'ILL_ERR_PARTNER_UNAVAILABLE') throw error;
        if (attempt > retries) return row({ failed: `ILLiad could not be asked after ${attempt} ${attempt === 1 ? 'try' : 'tries'}: ${error.message}` });
        const wait = backoffMs * 2 ** (attempt - 1);
        notice(`ILLiad unavailable while looking up patron ${patron.primaryId} (try ${attempt} of ${retries + 1}): ${error.message}; trying again in ${wait / 1000} s`);
        await this.timer.sleep(wait, signal);
        if (signal.aborted) return 'aborted';
      }
    }
  }

  /**
   * The active patrons in key order from just after `lastKey`, numbered on from `index`. Read a page at a time by
   * offset, each page overlapping the last by one patron: when that one is not where it was (patrons added or
   * removed meanwhile), the place after `lastKey` is found again, so no patron is skipped or reported twice.
   */
  private async *walk(lastKey: string | null, index: number, pageSize: number): AsyncGenerator<Walked> {
    const patrons = this.deps.storage.read.config('patrons');
    let previous = lastKey;
    let offset = previous === null ? 0 : await this.firstAfter(previous);
    let overlap = false;
    for (;;) {
      const page = await patrons.list({ limit: pageSize + (overlap ? 1 : 0), offset: offset - (overlap ? 1 : 0), filters: ACTIVE });
      let items = page.items;
      if (overlap) {
        if (items[0]?.doc.primaryId !== previous) {
          offset = await this.firstAfter(previous!);
          overlap = false;
          continue;
        }
        items = items.slice(1);
      }
      if (items.length === 0) return;
      for (const stored of items) yield { stored, index: index++, total: page.total };
      previous = items[items.length - 1]!.doc.primaryId;
      offset += items.length;
      overlap = true;
    }
  }

  /** The offset of the first active patron whose key sorts after `key` (a binary search over offsets). */
  private async firstAfter(key: string): Promise<number> {
    const patrons = this.deps.storage.read.config('patrons');
    let low = 0;
    let high = (await patrons.list({ limit: 1, offset: 0, filters: ACTIVE })).total;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      const probe = (await patrons.list({ limit: 1, offset: middle, filters: ACTIVE })).items[0];
      if (probe && !after(probe.doc.primaryId, key)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private async partnerFor(code: string | undefined): Promise<NcipPartner> {
    if (code === undefined) {
      const codes = await this.illiadPartners();
      if (codes.length === 0) throw new InterlendError('ILL_ERR_NOT_FOUND', 'no partner exports to ILLiad Using API (Export to third party); there is nothing to check usernames against');
      if (codes.length > 1) throw new InterlendError('ILL_ERR_BAD_REQUEST', `several partners export to ILLiad Using API (${codes.join(', ')}); name one with --partner`);
      code = codes[0]!;
    }
    const partner = (await this.deps.storage.read.config('partners').findByKey(code))?.doc;
    if (!partner) throw notFound(`partner ${code}`);
    if (!exportsThroughApi(partner)) throw new InterlendError('ILL_ERR_NOT_ALLOWED', `partner ${partner.code} does not export to ILLiad (Export to third party is not Using API), so its usernames are never looked up`);
    return partner;
  }

  private tryParseState(text: string): ReportState | undefined {
    try {
      return stateSchema.safeParse(JSON.parse(text)).data;
    } catch {
      return undefined;
    }
  }

  private parseState(text: string, files: ReportFiles): ReportState {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new InterlendError('ILL_ERR_NOT_ALLOWED', `${files.where.state} is not a username report state (not JSON); delete it to start over`);
    }
    const parsed = stateSchema.safeParse(json);
    if (!parsed.success) throw new InterlendError('ILL_ERR_NOT_ALLOWED', `${files.where.state} is not a username report state this version can read; delete it to start over`);
    return parsed.data;
  }

  private checkResumable(saved: ReportState, partner: string, rule: ReportRule, sample: number | null | undefined, files: ReportFiles): void {
    const refuse = (why: string) => new InterlendError('ILL_ERR_NOT_ALLOWED', `the report saved in ${files.where.state} cannot go on: ${why}; run it again without --resume to start over`);
    if (saved.partner !== partner) throw refuse(`it is for partner ${saved.partner}, not ${partner}`);
    if (sample !== undefined && sample !== saved.sample) throw refuse(`it was started ${saved.sample === null ? 'for every patron' : `with a sample of ${saved.sample}`}`);
    // Verdicts made under another identity rule would not add up with new ones.
    const changed = (Object.keys(ruleSchema.shape) as (keyof ReportRule)[]).some((field) => saved.rule[field] !== rule[field]);
    if (changed) throw refuse(`partner ${partner}'s settings changed since (then: ${describeRule(saved.rule)}; now: ${describeRule(rule)})`);
  }

  private report(state: ReportState): Omit<UsernameReport, 'stopped' | 'alreadyComplete'> {
    return {
      partner: state.partner,
      rule: state.rule,
      sample: state.sample,
      total: state.total,
      done: state.done,
      counts: state.counts,
      examples: state.examples,
      requests: state.requests,
      startedAt: state.startedAt,
      updatedAt: state.updatedAt,
      complete: state.complete,
    };
  }
}
