import type { Kysely } from 'kysely';
import type { PatronPinRepository, SignInThrottleRepository } from '../app/ports.ts';
import type { Database } from './schema.ts';

/** Patrons' PIN hashes (migration 0012). */
export function patronPinRepository(db: Kysely<Database>): PatronPinRepository {
  return {
    async get(patronId) {
      const row = await db.selectFrom('patron_pin').selectAll().where('patron_id', '=', patronId).executeTakeFirst();
      return row && { patronId: row.patron_id, hash: row.pin_hash, updatedAt: row.updated_at };
    },
    async put(pin) {
      const values = { patron_id: pin.patronId, pin_hash: pin.hash, updated_at: pin.updatedAt };
      await db
        .insertInto('patron_pin')
        .values(values)
        .onConflict((oc) => oc.column('patron_id').doUpdateSet({ pin_hash: values.pin_hash, updated_at: values.updated_at }))
        .execute();
    },
    async delete(patronId) {
      await db.deleteFrom('patron_pin').where('patron_id', '=', patronId).execute();
    },
  };
}

/** Wrong PINs per typed id and per address (migration 0012). */
export function signInThrottleRepository(db: Kysely<Database>): SignInThrottleRepository {
  return {
    async get(key) {
      const row = await db.selectFrom('sign_in_throttle').selectAll().where('key', '=', key).executeTakeFirst();
      return row && { failures: Number(row.failures), windowStartedAt: row.window_started_at, lockedUntil: row.locked_until };
    },
    async put(key, state) {
      const values = { key, failures: state.failures, window_started_at: state.windowStartedAt, locked_until: state.lockedUntil };
      await db
        .insertInto('sign_in_throttle')
        .values(values)
        .onConflict((oc) => oc.column('key').doUpdateSet({ failures: values.failures, window_started_at: values.window_started_at, locked_until: values.locked_until }))
        .execute();
    },
    async delete(key) {
      await db.deleteFrom('sign_in_throttle').where('key', '=', key).execute();
    },
    async prune(windowStartedBefore, now) {
      await db
        .deleteFrom('sign_in_throttle')
        .where('window_started_at', '<', windowStartedBefore)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
        .execute();
    },
  };
}
