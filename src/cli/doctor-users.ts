/**
 * `interlend doctor users`: the username match report (issue 7 item 4; docs/doctor-users.md). For every active
 * patron, or `--sample N`, the ILLiad username the partner's identity rule derives, looked up in ILLiad; a summary
 * with examples on stdout (or JSON), a line of progress per step on stderr, one CSV row per patron.
 *
 * Exit code 0 when every patron matches or would be created (guests the partner does not serve aside), 1 when some
 * cannot be derived, are missing, collide by e-mail, are blocked or could not be looked up, or when the run was
 * stopped before the end; 2 for wrong usage. Ctrl-C stops after the lookups under way and saves the position;
 * `--resume` goes on from it (a second Ctrl-C quits at once).
 */
import { Buffer } from 'node:buffer';
import { appendFile, mkdir, readFile, rename, stat, truncate, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import type { ReportTimer } from '../app/rate-limiter.ts';
import { systemClock } from '../app/system.ts';
import {
  DEFAULT_RATE_PER_SECOND,
  describeRule,
  type ReportFiles,
  type ReportProgress,
  type UsernameCounts,
  type UsernameReport,
  UsernameReportService,
} from '../app/username-report.ts';
import { InterlendError } from '../domain/errors.ts';
import { NEEDS_ATTENTION, USERNAME_MATCH_OUTCOMES } from '../domain/identity/username-match.ts';
import type { CliDeps } from './program.ts';

type Io = { out: (line: string) => void; err: (line: string) => void };

/** What tests change; the command itself uses none of it. */
export interface DoctorUsersHooks {
  /** Stops the run, as Ctrl-C does. */
  readonly signal?: AbortSignal;
  readonly timer?: ReportTimer;
  /** Default: sets process.exitCode. */
  readonly setExitCode?: (code: number) => void;
  /** The folder relative paths are taken from; default the current one. */
  readonly cwd?: string;
  /** Progress and checkpoint every N patrons (default 500). */
  readonly progressEvery?: number;
}

const isMissing = (error: unknown) => (error as { code?: string }).code === 'ENOENT';

/** The CSV and the state file on disk. The state is written to a temporary file and renamed, so it is never half. */
export function reportFiles(csv: string, state: string): ReportFiles {
  return {
    where: { csv, state },
    async readState() {
      try {
        return await readFile(state, 'utf8');
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async writeState(text) {
      await mkdir(dirname(state), { recursive: true });
      const temporary = `${state}.tmp`;
      await writeFile(temporary, text, 'utf8');
      await rename(temporary, state);
    },
    async resetCsv(text) {
      await mkdir(dirname(csv), { recursive: true });
      await writeFile(csv, text, 'utf8');
      return Buffer.byteLength(text, 'utf8');
    },
    async csvSize() {
      try {
        return (await stat(csv)).size;
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async truncateCsv(size) {
      await truncate(csv, size);
    },
    async appendCsv(text) {
      await appendFile(csv, text, 'utf8');
      return (await stat(csv)).size;
    },
  };
}

/** `username-report.csv` → `username-report.state.json`, in the same folder. */
export function defaultStatePath(csv: string): string {
  return `${csv.replace(/\.csv$/i, '')}.state.json`;
}

const number = (n: number) => n.toLocaleString('en-US');
const percent = (part: number, whole: number) => (whole === 0 ? '0.0%' : `${((100 * part) / whole).toFixed(1)}%`);

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('must be a whole number above 0');
  return value;
}

function rate(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new InvalidArgumentError('must be a number of requests a second (0: no limit)');
  return value;
}

/** `match 900 · would-create 300`: the outcomes met so far. */
function countsLine(counts: UsernameCounts): string {
  return USERNAME_MATCH_OUTCOMES.filter((o) => counts[o] > 0)
    .map((o) => `${o} ${number(counts[o])}`)
    .join(' · ');
}

export function progressLine(progress: ReportProgress): string {
  const seconds = progress.elapsedMs / 1000;
  const speed = seconds > 0 ? progress.doneThisRun / seconds : 0;
  const left = speed > 0 ? Math.round((progress.total - progress.done) / speed) : undefined;
  const eta = left === undefined || progress.done >= progress.total ? '' : ` · about ${left >= 120 ? `${Math.round(left / 60)} min` : `${left} s`} left`;
  const counts = countsLine(progress.counts);
  return `doctor users: ${number(progress.done)} of ${number(progress.total)} patrons (${percent(progress.done, progress.total)})${counts ? ` · ${counts}` : ''} · ${number(progress.requests)} ILLiad requests · ${speed.toFixed(1)} patrons/s${eta}`;
}

/** Patrons whose outcome needs a librarian's attention. */
export function needingAttention(counts: UsernameCounts): number {
  return USERNAME_MATCH_OUTCOMES.filter((o) => NEEDS_ATTENTION.has(o)).reduce((sum, o) => sum + counts[o], 0);
}

export function exitCodeFor(report: UsernameReport): number {
  return !report.complete || needingAttention(report.counts) > 0 ? 1 : 0;
}

export function printUsernameReport(report: UsernameReport, files: { csv: string; state: string }, out: (line: string) => void): void {
  out(`Username match report for partner ${report.partner} (${describeRule(report.rule)})`);
  const scope = report.sample === null ? 'active patrons' : `patrons of a sample of ${number(report.sample)} active patrons`;
  out(`${number(report.done)} of ${number(report.total)} ${scope} checked${report.complete ? '' : ' (not finished: run again with --resume)'}; ${number(report.requests)} ILLiad requests.`);
  out('');
  const width = Math.max(...USERNAME_MATCH_OUTCOMES.map((o) => o.length));
  out(`  ${'outcome'.padEnd(width)}  ${'patrons'.padStart(9)}  ${'share'.padStart(6)}`);
  for (const outcome of USERNAME_MATCH_OUTCOMES) {
    const flag = NEEDS_ATTENTION.has(outcome) && report.counts[outcome] > 0 ? '  ← needs attention' : '';
    out(`  ${outcome.padEnd(width)}  ${number(report.counts[outcome]).padStart(9)}  ${percent(report.counts[outcome], report.done).padStart(6)}${flag}`);
  }
  const shown = USERNAME_MATCH_OUTCOMES.filter((o) => o !== 'match' && report.examples[o].length > 0);
  if (shown.length) {
    out('');
    out('Examples:');
    for (const outcome of shown) {
      out(`  ${outcome} (${number(report.counts[outcome])}):`);
      for (const row of report.examples[outcome]) {
        const who = [row.primaryId, row.email ?? '(no e-mail)'].join('  ');
        out(`    ${who} → ${row.derivedUsername ?? '(no username)'}: ${row.detail}`);
      }
    }
  }
  out('');
  const attention = needingAttention(report.counts);
  out(attention === 0 ? 'Every patron checked matches or would be created.' : `${number(attention)} ${attention === 1 ? 'patron needs' : 'patrons need'} attention: what each outcome means and how to fix it is in docs/doctor-users.md.`);
  out(`CSV (one row per patron): ${files.csv}`);
  if (!report.complete) out(`State (for --resume): ${files.state}`);
}

export function registerDoctorUsers(doctor: Command, deps: CliDeps, io: Io, hooks: DoctorUsersHooks = {}): Command {
  return doctor
    .command('users')
    .description('the username match report: derive every active patron\'s ILLiad username and look it up in ILLiad (exit 0 all match or would be created, 1 some need attention)')
    .option('--partner <code>', 'the ILLiad partner (default: the one partner that exports to ILLiad Using API)')
    .option('--sample <n>', 'check N patrons spread evenly over the active ones instead of all', positiveInteger)
    .option('--rate <per-second>', 'ILLiad requests a second at most (0: no limit)', rate, DEFAULT_RATE_PER_SECOND)
    .option('--csv <file>', 'where to write one row per patron', 'username-report.csv')
    .option('--state <file>', 'where to keep the position for --resume (default: next to the CSV, .state.json)')
    .option('--resume', 'go on with a stopped run from its state file')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Outcomes: match, would-create, missing, cannot-derive, email-collision, blocked, lookup-failed,
guest-not-served. Progress goes to stderr; Ctrl-C stops and saves the position (--resume goes on).
Nothing is created in ILLiad: the report only looks users up.`,
    )
    .action(async (options: { partner?: string; sample?: number; rate: number; csv: string; state?: string; resume?: boolean; json?: boolean }) => {
      const cwd = hooks.cwd ?? process.cwd();
      const csv = resolve(cwd, options.csv);
      const state = options.state ? resolve(cwd, options.state) : defaultStatePath(csv);
      const files = reportFiles(csv, state);
      const stop = new AbortController();
      // Once: a second Ctrl-C finds no listener and ends the process at once, as usual.
      const onInterrupt = () => {
        io.err('doctor users: stopping after the lookups under way (Ctrl-C again quits at once)…');
        stop.abort();
      };
      process.once('SIGINT', onInterrupt);
      const signal = hooks.signal ? AbortSignal.any([stop.signal, hooks.signal]) : stop.signal;
      const instance = await deps.openInstance();
      let report: UsernameReport;
      try {
        const service = new UsernameReportService({ storage: instance.storage, illiad: instance.illiad, clock: systemClock, ...(hooks.timer ? { timer: hooks.timer } : {}) });
        report = await service.run(
          {
            partner: options.partner,
            sample: options.sample,
            ratePerSecond: options.rate,
            resume: !!options.resume,
            signal,
            progressEvery: hooks.progressEvery,
            onStart: (start) =>
              io.err(
                `doctor users: ${start.resumed ? `going on after ${number(start.done)} of` : 'checking'} ${number(start.total)} patrons of partner ${start.partner} (${describeRule(start.rule)}), ${options.rate > 0 ? `at most ${options.rate} ILLiad requests a second` : 'without a rate limit'}; CSV ${csv}`,
              ),
            onProgress: (progress) => io.err(progressLine(progress)),
            onNotice: (line) => io.err(`doctor users: ${line}`),
          },
          files,
        );
      } catch (error) {
        // Several ILLiad partners and none named, a bad sample: the command line is wrong (exit 2).
        if (error instanceof InterlendError && error.code === 'ILL_ERR_BAD_REQUEST') throw new InvalidArgumentError(error.message);
        throw error;
      } finally {
        process.removeListener('SIGINT', onInterrupt);
        await instance.close();
      }
      if (report.alreadyComplete) io.err(`doctor users: the report in ${state} is already complete; it is shown again (run without --resume to make a new one)`);
      if (options.json) {
        io.out(JSON.stringify({ ...report, needsAttention: needingAttention(report.counts), csv, state }, null, 2));
      } else {
        printUsernameReport(report, { csv, state }, io.out);
      }
      (hooks.setExitCode ?? ((code) => (process.exitCode = code)))(exitCodeFor(report));
    });
}
