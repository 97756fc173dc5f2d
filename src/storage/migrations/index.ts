import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-initial.ts';
import * as m0002 from './0002-jobs.ts';
import * as m0003 from './0003-borrowing-requests.ts';
import * as m0004 from './0004-rule-sets.ts';
import * as m0005 from './0005-exports.ts';
import * as m0006 from './0006-circulation.ts';
import * as m0007 from './0007-lending.ts';
import * as m0008 from './0008-request-search.ts';
import * as m0009 from './0009-staff-users.ts';
import * as m0010 from './0010-request-lists.ts';
import * as m0011 from './0011-config-revision.ts';
import * as m0012 from './0012-patron-sign-in.ts';
import * as m0013 from './0013-notices.ts';
import * as m0014 from './0014-partner-outages.ts';

/** Migrations listed in code, in order, so they ship inside the build and run the same from tsx and dist. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-jobs': m0002,
  '0003-borrowing-requests': m0003,
  '0004-rule-sets': m0004,
  '0005-exports': m0005,
  '0006-circulation': m0006,
  '0007-lending': m0007,
  '0008-request-search': m0008,
  '0009-staff-users': m0009,
  '0010-request-lists': m0010,
  '0011-config-revision': m0011,
  '0012-patron-sign-in': m0012,
  '0013-notices': m0013,
  '0014-partner-outages': m0014,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
