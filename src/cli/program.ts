/**
 * The `interlend` command. Every command honours the server's environment variables (DATA_DIR, DATABASE_URL, …).
 * Exit codes: 0 done, 1 failed, 2 wrong usage.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { ImportReport } from '../app/config-transfer.ts';
import type { Instance } from '../app/instance.ts';
import { ROLES } from '../domain/access/roles.ts';
import { describeProblem, InterlendError } from '../domain/errors.ts';
import { registerDoctor } from './doctor.ts';
import { registerUsers } from './users.ts';

/** What `interlend illiad-sim` is given; main.ts starts the simulator. */
export interface IlliadSimCommandOptions {
  readonly port: number;
  readonly host: string;
  readonly apiKey: string;
  readonly externalUserIdMapping: string;
  readonly ncipUrl?: string;
  readonly agencyId: string;
  readonly applicationProfileType: string;
}

export interface CliDeps {
  readonly version: string;
  openInstance(): Promise<Instance>;
  serve(): Promise<void>;
  /** Runs the ILLiad simulator until the process is stopped. */
  illiadSim(options: IlliadSimCommandOptions, out: (line: string) => void): Promise<void>;
  /** Runs an ISO 18626 mock peer until the process is stopped. */
  peerMock(options: { port: number; host: string; symbol: string; peerUrl?: string; scenario: string }, out: (line: string) => void): Promise<void>;
}

function portNumber(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new InvalidArgumentError('must be a port number (0 for any free port)');
  return value;
}

const ENVIRONMENT_HELP = `
Environment:
  DATA_DIR              folder of the embedded SQLite database (default ./data)
  DATABASE_URL          postgres://… to use PostgreSQL instead
  PORT, HOST            where the server listens (default 8080 on all interfaces)
  INTERLEND_DEMO=0      start on an empty database without the demo
  INTERLEND_ADMIN_TOKEN the first admin token (otherwise one is generated and printed once)
  INTERLEND_PASSWORD    the password for interlend users add / set-password (or --password-stdin)`;

function printReport(report: ImportReport, out: (line: string) => void): void {
  out(report.applied ? 'Configuration applied.' : 'Configuration checked (dry run): nothing was written.');
  for (const [section, c] of Object.entries(report.sections)) {
    out(`  ${section.padEnd(14)} ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.deleted} deleted`);
  }
  for (const warning of report.warnings) out(`  warning: ${describeProblem(warning)}`);
}

async function withInstance<T>(deps: CliDeps, work: (instance: Instance) => Promise<T>): Promise<T> {
  const instance = await deps.openInstance();
  try {
    return await work(instance);
  } finally {
    await instance.close();
  }
}

export function buildProgram(deps: CliDeps, io: { out: (line: string) => void; err: (line: string) => void }): Command {
  const program = new Command('interlend')
    .description('Interlend: resource sharing with ILLiad as lender of last resort')
    .version(deps.version)
    .addHelpText('after', ENVIRONMENT_HELP)
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();

  program
    .command('serve')
    .description('run the server (what npm start does)')
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(() => deps.serve());

  program
    .command('migrate')
    .description('bring the database schema up to date (the server also does this when it starts)')
    .action(async () => {
      const applied = await withInstance(deps, async (instance) => instance.storage.appliedMigrations);
      io.out(applied.length ? `Applied: ${applied.join(', ')}` : 'The database schema is up to date.');
    });

  const config = program.command('config').description('configuration as code: one YAML file for the whole configuration');
  config
    .command('import')
    .description('apply a configuration file; it is checked as a whole and a bad file changes nothing')
    .argument('<file>', 'the YAML (or JSON) file')
    .option('--prune', 'in each section the file has, remove the objects it does not list')
    .option('--dry-run', 'check and report, write nothing')
    .action(async (file: string, options: { prune?: boolean; dryRun?: boolean }) => {
      const text = await readFile(file, 'utf8');
      io.err(`Checking ${file}…`);
      const report = await withInstance(deps, (instance) => instance.transfer.importYaml(text, { prune: !!options.prune, dryRun: !!options.dryRun }));
      printReport(report, io.out);
    });
  config
    .command('export')
    .description('write the whole configuration as YAML (secrets show as ${ENV_VAR} or { set: true })')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .action(async (options: { output?: string }) => {
      const yaml = await withInstance(deps, (instance) => instance.transfer.exportYaml());
      if (options.output) {
        await writeFile(options.output, yaml, 'utf8');
        io.err(`Configuration written to ${options.output}`);
      } else {
        io.out(yaml.trimEnd());
      }
    });

  const token = program.command('token').description('staff API tokens');
  token
    .command('create')
    .description('create a token; its secret is printed this once')
    .requiredOption('--name <name>', 'who or what uses it')
    .addOption(new Option('--role <role>', 'what it may do').choices([...ROLES]).makeOptionMandatory())
    .action(async (options: { name: string; role: string }) => {
      const { token: created, secret } = await withInstance(deps, (instance) => instance.tokens.create(options));
      io.err(`Token ${created.id} (${created.role}) created. Its secret, shown once:`);
      io.out(secret);
    });
  token
    .command('list')
    .description('list tokens (never their secrets)')
    .action(async () => {
      const tokens = await withInstance(deps, (instance) => instance.tokens.list());
      for (const t of tokens) io.out(`${t.id}  ${t.role.padEnd(16)} ${t.revokedAt ? 'revoked ' : 'active  '} ${t.name}`);
    });
  token
    .command('revoke')
    .description('revoke a token')
    .argument('<id>')
    .action(async (id: string) => {
      await withInstance(deps, (instance) => instance.tokens.revoke(id));
      io.err(`Token ${id} revoked.`);
    });
  registerUsers(program, io, (work) => withInstance(deps, work));
  registerDoctor(program, deps, io, () => deps.openInstance());

  program
    .command('illiad-sim')
    .description('run the ILLiad simulator: the Web Platform API (users, transactions, notes) and the NCIP add-on, for tests and demos')
    .option('--port <n>', 'port to listen on (0: any free port)', portNumber, 8090)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--api-key <key>', 'the ApiKey the simulator accepts (default: $ILLIAD_API_KEY)')
    .option('--external-user-id-mapping <column>', "the User column the key's External User ID maps to (EMailAddress, Username, SSN, …)", 'EMailAddress')
    .option('--ncip-url <url>', "where the NCIP add-on posts (Interlend's /ncip); without it ILLiad events are refused")
    .option('--agency-id <code>', 'FromAgencyId and ToAgencyId of NCIP messages (your institution code)', 'CSU_DEMO')
    .option('--application-profile-type <code>', 'ApplicationProfileType of NCIP messages (the partner code)', 'ILLiad')
    .addHelpText(
      'after',
      `
Control API (no key, loopback): GET /sim/users, GET /sim/transactions[/N], PUT /sim/faults,
POST /sim/events/{borrowing-checked-in-from-lender|borrowing-returned-by-patron|lending-marked-found|lending-returned}
with {"transactionNumber": N}, POST /sim/reset.`,
    )
    .action(async (options: { port: number; host: string; apiKey?: string; externalUserIdMapping: string; ncipUrl?: string; agencyId: string; applicationProfileType: string }) => {
      const apiKey = options.apiKey ?? process.env.ILLIAD_API_KEY;
      if (!apiKey) throw new InvalidArgumentError('give --api-key, or set ILLIAD_API_KEY');
      await deps.illiadSim({ ...options, apiKey, ...(options.ncipUrl ? { ncipUrl: options.ncipUrl } : {}) }, io.out);
    });

  program
    .command('peer-mock')
    .description('run an ISO 18626 mock peer that answers by scenario (LOANED, UNFILLED, WILLSUPPLY_LOANED, RETRY:COND_…), for tests and demos')
    .requiredOption('--symbol <symbol>', "the peer's agency id (ISIL), e.g. US-NSU")
    .option('--port <n>', 'port to listen on (0: any free port)', portNumber, 8091)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--peer-url <url>', "where to send its answers when the Request names no address (Interlend's /iso18626)")
    .option('--scenario <token>', 'what to answer when the request names no scenario', 'UNFILLED')
    .addHelpText('after', '\nA request picks a scenario with MOCK:<symbol>:<token> in its note. Flows: GET /api/flows?requestingAgencyRequestId=…')
    .action(async (options: { port: number; host: string; symbol: string; peerUrl?: string; scenario: string }) => {
      await deps.peerMock({ port: options.port, host: options.host, symbol: options.symbol, scenario: options.scenario, ...(options.peerUrl ? { peerUrl: options.peerUrl } : {}) }, io.out);
    });

  return program;
}

/** Runs the command line and sets the exit code. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<void> {
  const io = { out: (line: string) => process.stdout.write(`${line}\n`), err: (line: string) => process.stderr.write(`${line}\n`) };
  const program = buildProgram(deps, io);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof InvalidArgumentError) {
      io.err(`interlend: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (error instanceof InterlendError) {
      io.err(`interlend: ${error.problems.length ? 'the input has problems:' : error.message}`);
      for (const problem of error.problems) io.err(`  ${describeProblem(problem)}`);
    } else {
      io.err(`interlend: ${(error as Error).message}`);
    }
    process.exitCode = 1;
  }
}
