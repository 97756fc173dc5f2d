/**
 * A private PostgreSQL for a test that restarts or crashes its database: its own cluster in a temporary folder, on a
 * free port, never the machine's cluster on 5432 (other tests and engineers use that one). Made with the server's own
 * initdb and pg_ctl (PostgreSQL 15 from Debian's packages: /usr/lib/postgresql/15/bin, or POSTGRES_BIN). PostgreSQL
 * refuses to run as root, so as root the commands run as the `postgres` user (runuser) in a folder it owns.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/processes.ts';

const BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

/** Why a private PostgreSQL cannot be made here, or undefined when it can. */
export function privatePostgresProblem(): string | undefined {
  for (const tool of ['initdb', 'pg_ctl', 'postgres']) if (!existsSync(join(BIN, tool))) return `${join(BIN, tool)} is missing (install postgresql-15, or set POSTGRES_BIN)`;
  if (process.getuid?.() === 0 && spawnSync('id', ['postgres']).status !== 0) return 'running as root, and there is no postgres user to run PostgreSQL as';
  return undefined;
}

export type StopMode = 'fast' | 'immediate';

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  readonly port: number;
  /** `pg_ctl restart -m <mode>`: stop, then start again; resolves when it accepts connections. */
  restart(mode: StopMode): Promise<void>;
  /** `pg_ctl stop -m <mode>`: `immediate` is a crash (no shutdown checkpoint; recovery replays the log at start). */
  stop(mode: StopMode): Promise<void>;
  start(): Promise<void>;
  /** Stops it (if running) and deletes its folder; safe to call twice. */
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const problem = privatePostgresProblem();
  if (problem) throw new Error(problem);
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'interlend-pg-'));
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()));
  const data = join(dir, 'data');
  const port = await freePort();
  // Asynchronous, so the test's own servers (the load, the ILLiad simulator) keep running while PostgreSQL restarts.
  const run = (tool: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const [command, all] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(BIN, tool), ...args]] : [join(BIN, tool), args];
      execFile(command, all as string[], { encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`${tool} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
        else resolve();
      });
    });
  // Loopback only, its socket in its own folder; fsync off: a crash here is the server's, never the machine's, so
  // what PostgreSQL wrote to the kernel survives it, and the test runs faster.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=on -c full_page_writes=off -c max_connections=50`;
  const pgCtl = (...args: string[]) => run('pg_ctl', ['-D', data, '-w', '-t', '60', ...args]);
  let running = false;
  const instance: { -readonly [K in keyof PrivatePostgres]: PrivatePostgres[K] } = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async restart(mode) {
      running = true;
      await pgCtl('restart', '-m', mode, '-o', options, '-l', join(dir, 'log'));
    },
    async stop(mode) {
      await pgCtl('stop', '-m', mode);
      running = false;
    },
    async start() {
      running = true;
      await pgCtl('start', '-o', options, '-l', join(dir, 'log'));
    },
    async destroy() {
      try {
        if (running) await instance.stop('immediate').catch(() => {});
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  // Should the test process end without destroy() (an uncaught error, a signal), do not leave a server behind.
  const atExit = () => {
    if (running) spawnSync(asRoot ? 'runuser' : join(BIN, 'pg_ctl'), [...(asRoot ? ['-u', 'postgres', '--', join(BIN, 'pg_ctl')] : []), '-D', data, 'stop', '-m', 'immediate'], { timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', atExit);
  const destroy = instance.destroy;
  instance.destroy = async () => {
    process.off('exit', atExit);
    await destroy();
  };
  try {
    await run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    await instance.start();
  } catch (error) {
    await instance.destroy();
    throw error;
  }
  return instance;
}
