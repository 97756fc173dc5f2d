import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';
import { guardedPool } from './unavailable.ts';

const CHECKPOINT_INTERVAL_MS = 200;

/** The checkpointer's code: a PASSIVE checkpoint (never waits for locks) every interval, on its own connection. */
const CHECKPOINTER = `
const { workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file);
db.pragma('busy_timeout = 0');
setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} }, workerData.intervalMs);
`;

function startCheckpointer(file: string): Worker {
  const worker = new Worker(CHECKPOINTER, { eval: true, workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3'), intervalMs: CHECKPOINT_INTERVAL_MS } });
  worker.unref();
  return worker;
}

export type DatabaseSettings = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
export type Dialect = DatabaseSettings['kind'];

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** Where the data lives, for log lines: a file, or the PostgreSQL address without its password. */
  readonly description: string;
  close(): Promise<void>;
}

/** `DATABASE_URL=postgres://…` selects PostgreSQL; otherwise SQLite in `DATA_DIR` (design.md, outside contracts). */
export function databaseSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): DatabaseSettings {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('DATABASE_URL must start with postgres:// (leave it unset for the embedded SQLite database)');
    return { kind: 'postgres', url };
  }
  const dir = env.DATA_DIR?.trim() || './data';
  return { kind: 'sqlite', file: join(dir, 'interlend.sqlite') };
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable address)';
  }
}

/** How long a query waits for a connection (a new one, or a free one of the pool) before it fails as unavailable. */
export const CONNECT_TIMEOUT_MS = 10_000;

export interface DatabaseEvents {
  /** A pooled connection lost its server (PostgreSQL restarted or crashed); the pool drops it and opens new ones. */
  readonly onConnectionLost?: (error: Error) => void;
}

export function openDatabase(settings: DatabaseSettings, events: DatabaseEvents = {}): DatabaseHandle {
  if (settings.kind === 'postgres') {
    // keepAlive: a server that vanished without a word (a dead host) is noticed by TCP instead of never.
    const pool = new pg.Pool({ connectionString: settings.url, max: 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
    const lost = (error: Error) => events.onConnectionLost?.(error);
    // pg emits 'error' on a client whose server went away. The pool listens on its idle clients (and then emits on
    // itself: handled here); a client in use has no listener, and an 'error' without one throws out of the process,
    // so every client gets one for its whole life. Its query fails too, and Kysely hands the dead client back, which
    // the pool then drops (pg-pool checks that it is still queryable): the pool heals by opening new connections.
    pool.on('connect', (client) => client.on('error', lost));
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guardedPool(pool) }) });
    return { db, dialect: 'postgres', description: redactUrl(settings.url), close: () => db.destroy() };
  }
  if (settings.file !== ':memory:') mkdirSync(join(settings.file, '..'), { recursive: true });
  const connection = new SQLite(settings.file);
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('busy_timeout = 5000');
  connection.pragma('foreign_keys = ON');
  connection.pragma('temp_store = MEMORY');
  // A checkpoint copies the write-ahead log back into the database file. Left to SQLite, it runs inside whichever
  // commit takes the log past 1000 pages, and that request pays for it (half the cost of a commit under load). A
  // worker thread with its own connection checkpoints instead, beside the requests; a high automatic threshold on
  // this connection stays as a backstop should the checkpointer fall behind.
  connection.pragma('wal_autocheckpoint = 10000');
  const checkpointer = settings.file === ':memory:' ? undefined : startCheckpointer(settings.file);
  // Kysely prepares every query anew; better-sqlite3 statements are reusable, so keep the recent ones. The driver
  // runs each statement to completion synchronously, so one statement is never in use twice at once.
  const statements = new Map<string, SQLite.Statement>();
  const database = {
    close: () => {
      void checkpointer?.terminate();
      connection.close();
    },
    prepare(text: string) {
      let statement = statements.get(text);
      if (!statement) {
        if (statements.size >= 500) statements.clear();
        statement = connection.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
  };
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return { db, dialect: 'sqlite', description: settings.file, close: () => db.destroy() };
}

/** Brings the schema up to date; safe to run on every start and from several processes (Kysely takes a lock). */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`database migration failed${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}

export async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}

/** A unique constraint refused the write (SQLite SQLITE_CONSTRAINT_UNIQUE/PRIMARYKEY, PostgreSQL 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
