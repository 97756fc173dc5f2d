/**
 * What the benchmarks share: a throwaway database of either kind (a temp-dir SQLite file, or a PostgreSQL database
 * made at TEST_POSTGRES_URL and dropped after), and a percentile. The benches print figures and assert nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseSettings } from '../../src/storage/database.ts';

export type DatabaseKind = 'sqlite' | 'postgres';

export const PG_ADMIN = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A throwaway database as `interlend serve` would be given it: settings, and the environment that names it. */
export interface ThrowawayDatabase {
  readonly settings: DatabaseSettings;
  /** DATA_DIR (SQLite: the server makes interlend.sqlite there) or DATABASE_URL. */
  readonly env: Record<string, string>;
  /** The SQLite file, or the PostgreSQL database's name (for its size afterwards). */
  readonly where: { kind: 'sqlite'; file: string } | { kind: 'postgres'; name: string };
}

/** Why PostgreSQL cannot be used, or undefined when it answers. */
export async function postgresProblem(): Promise<string | undefined> {
  const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    await admin.query('select 1');
    return undefined;
  } catch (error) {
    return `not reachable at ${PG_ADMIN} (${(error as Error).message})`;
  } finally {
    await admin.end().catch(() => {});
  }
}

let made = 0;

/**
 * Runs `work` on `count` fresh databases of the kind, removed afterwards whatever happens. The PostgreSQL ones are
 * named interlend_bench_<label>_<pid>_<n>, so a run never touches a database it did not make.
 */
export async function withDatabases<T>(kind: DatabaseKind, label: string, count: number, work: (databases: ThrowawayDatabase[]) => Promise<T>): Promise<T> {
  if (kind === 'sqlite') {
    const dirs = Array.from({ length: count }, () => mkdtempSync(join(tmpdir(), `interlend-bench-${label}-`)));
    try {
      return await work(dirs.map((dir) => ({ settings: { kind: 'sqlite', file: join(dir, 'interlend.sqlite') }, env: { DATA_DIR: dir }, where: { kind: 'sqlite', file: join(dir, 'interlend.sqlite') } })));
    } finally {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  }
  const names = Array.from({ length: count }, () => `interlend_bench_${label}_${process.pid}_${++made}`);
  const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  await admin.connect();
  try {
    for (const name of names) {
      await admin.query(`drop database if exists ${name}`);
      await admin.query(`create database ${name}`);
    }
    return await work(
      names.map((name) => {
        const url = new URL(PG_ADMIN);
        url.pathname = `/${name}`;
        return { settings: { kind: 'postgres', url: url.toString() }, env: { DATABASE_URL: url.toString() }, where: { kind: 'postgres', name } };
      }),
    );
  } finally {
    for (const name of names) await admin.query(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end();
  }
}

export const withDatabase = <T>(kind: DatabaseKind, label: string, work: (database: ThrowawayDatabase) => Promise<T>): Promise<T> =>
  withDatabases(kind, label, 1, ([database]) => work(database!));

/** The q-quantile of ascending-sorted values (nearest rank below). */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

export const DATABASE_NAME: Record<DatabaseKind, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };
