import type { Storage } from '../app/ports.ts';
import { type DatabaseSettings, migrateToLatest, openDatabase, ping } from './database.ts';
import { repositories } from './repositories.ts';

/** Opens the database, brings its schema up to date, and hands out repositories. */
export async function openStorage(settings: DatabaseSettings): Promise<Storage & { description: string; appliedMigrations: string[] }> {
  const handle = openDatabase(settings);
  let appliedMigrations: string[];
  try {
    appliedMigrations = await migrateToLatest(handle.db);
  } catch (error) {
    await handle.close();
    throw error;
  }
  const { db, dialect } = handle;
  return {
    dialect,
    description: handle.description,
    appliedMigrations,
    read: repositories(db, dialect),
    transaction: (work) => db.transaction().execute((trx) => work(repositories(trx, dialect))),
    ping: () => ping(db),
    close: () => handle.close(),
  };
}
