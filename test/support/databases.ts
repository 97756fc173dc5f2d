/**
 * The databases every storage suite runs on (kysely's test-setup pattern): SQLite always, PostgreSQL when it
 * answers. With CI=true a missing PostgreSQL fails the run instead of skipping.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseSettings, Dialect } from '../../src/storage/database.ts';

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function postgresAnswers(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

const postgresProblem = process.env.DIALECTS?.split(',').includes('postgres') === false ? 'not selected in DIALECTS' : await postgresAnswers();
if (postgresProblem && process.env.CI === 'true') {
  throw new Error(`PostgreSQL is required with CI=true but is not reachable at ${POSTGRES_ADMIN_URL}: ${postgresProblem}`);
}

export interface TestDialect {
  readonly dialect: Dialect;
  /** Why the suite is skipped on this machine, if it is. */
  readonly skip: string | false;
}

const selected = (dialect: Dialect) => !process.env.DIALECTS || process.env.DIALECTS.split(',').includes(dialect);

export const DIALECTS: readonly TestDialect[] = [
  { dialect: 'sqlite' as const, skip: selected('sqlite') ? (false as const) : 'not selected in DIALECTS' },
  {
    dialect: 'postgres' as const,
    skip: postgresProblem ? `PostgreSQL not reachable at ${POSTGRES_ADMIN_URL} (${postgresProblem}); skipped, CI=true makes this a failure` : (false as const),
  },
].filter((d) => selected(d.dialect) || d.skip);

export interface TestDatabase {
  readonly settings: DatabaseSettings;
  drop(): Promise<void>;
}

/** A fresh, empty database of the dialect, removed again by `drop()`. */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'interlend-test-'));
    return { settings: { kind: 'sqlite', file: join(dir, 'interlend.sqlite') }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `interlend_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    settings: { kind: 'postgres', url: url.toString() },
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
