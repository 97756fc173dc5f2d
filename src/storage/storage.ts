import type { Storage } from '../app/ports.ts';
import { type DatabaseEvents, type DatabaseSettings, migrateToLatest, openDatabase, ping } from './database.ts';
import { GroupCommit } from './group-commit.ts';
import { repositories } from './repositories.ts';

/** Opens the database, brings its schema up to date, and hands out repositories. */
export async function openStorage(settings: DatabaseSettings, events: DatabaseEvents = {}): Promise<Storage & { description: string; appliedMigrations: string[] }> {
  const handle = openDatabase(settings, events);
  let appliedMigrations: string[];
  try {
    appliedMigrations = await migrateToLatest(handle.db);
  } catch (error) {
    await handle.close();
    throw error;
  }
  const { db, dialect } = handle;
  // SQLite runs one transaction at a time anyway; grouping them shares the commit (group-commit.ts). PostgreSQL runs
  // them side by side on its pool and groups commits itself.
  const group = dialect === 'sqlite' ? new GroupCommit(db) : undefined;
  return {
    dialect,
    description: handle.description,
    appliedMigrations,
    read: repositories(db, dialect),
    transaction: (work) => (group ? group.run((trx) => work(repositories(trx, dialect))) : db.transaction().execute((trx) => work(repositories(trx, dialect)))),
    ping: () => ping(db),
    close: () => handle.close(),
  };
}
