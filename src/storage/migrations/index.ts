import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-initial.ts';

/** Migrations listed in code, in order, so they ship inside the build and run the same from tsx and dist. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': m0001,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
