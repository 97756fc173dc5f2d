import { type Kysely, sql } from 'kysely';
import type { ApiToken, ConfigRepository, Repositories } from '../app/ports.ts';
import type { Role } from '../domain/access/roles.ts';
import type { RotaRule } from '../domain/config/rota-rule.ts';
import type { Institution } from '../domain/config/institution.ts';
import type { ConfigKind } from '../domain/config/kinds.ts';
import { borrowingRepository } from './borrowing-repository.ts';
import { circulationRepository, ncipMessageRepository } from './circulation-repository.ts';
import { bumpConfigVersion, CONFIG_VERSION_KEY, configRepository } from './config-repository.ts';
import type { Dialect } from './database.ts';
import { jobRepository } from './job-repository.ts';
import { operationsRepository, partnerOutageRepository } from './operations-repository.ts';
import { lendingRepository } from './lending-repository.ts';
import { staffUserRepository } from './staff-user-repository.ts';
import { noticeRepository, noticeTemplateRepository } from './notice-repository.ts';
import { fromStorageJson, toStorageJson } from './json.ts';
import { patronPinRepository, signInThrottleRepository } from './patron-sign-in-repository.ts';
import type { ApiTokenRow, Database } from './schema.ts';

const INSTITUTION_ID = 'institution';

function toToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    expiresAt: row.expires_at,
    userId: row.user_id,
  };
}

/** The repositories over one connection or transaction. */
export function repositories(db: Kysely<Database>, dialect: Dialect): Repositories {
  const configs = new Map<ConfigKind, ConfigRepository<ConfigKind>>();
  return {
    config<K extends ConfigKind>(kind: K): ConfigRepository<K> {
      let repository = configs.get(kind);
      if (!repository) {
        repository = configRepository(db, dialect, kind) as unknown as ConfigRepository<ConfigKind>;
        configs.set(kind, repository);
      }
      return repository as unknown as ConfigRepository<K>;
    },
    references: {
      async referrersOf(kind, key) {
        const rows = await db
          .selectFrom('config_reference')
          .select(['from_kind', 'from_key', 'path'])
          .where('to_kind', '=', kind)
          .where('to_key', '=', key)
          .orderBy('from_kind')
          .orderBy('from_key')
          .execute();
        return rows.map((r) => ({ kind: r.from_kind as ConfigKind, key: r.from_key, path: r.path }));
      },
    },
    patronLookup: {
      async findPatronIdByKey(type, value) {
        const row = await db
          .selectFrom('patron_key')
          .select('patron_id')
          .where('key_type', '=', type)
          .where('key_value', '=', value.toLowerCase())
          .executeTakeFirst();
        return row?.patron_id;
      },
      async findPatronIdsByKeyPrefix(type, prefix, limit) {
        // Values are stored lower-cased; byte order on both databases (collate "C" on PostgreSQL), so this range
        // is exactly "starts with".
        const low = prefix.toLowerCase();
        const rows = await db
          .selectFrom('patron_key')
          .select('patron_id')
          .where('key_type', '=', type)
          .where('key_value', '>=', low)
          .where('key_value', '<', `${low}\uffff`)
          .orderBy('key_value')
          .limit(limit)
          .execute();
        return [...new Set(rows.map((r) => r.patron_id))];
      },
      async findPatronIdsByKeyContaining(type, fragment, limit) {
        const pattern = `%${fragment.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        const rows = await db
          .selectFrom('patron_key')
          .select('patron_id')
          .where('key_type', '=', type)
          .where(sql<boolean>`key_value like ${pattern} escape '\\'`)
          .orderBy('patron_id')
          .limit(limit)
          .execute();
        return [...new Set(rows.map((r) => r.patron_id))];
      },
    },
    institution: {
      async get() {
        const row = await db.selectFrom('institution').selectAll().where('id', '=', INSTITUTION_ID).executeTakeFirst();
        return row && { id: row.id, doc: fromStorageJson<Institution>(row.data), createdAt: row.updated_at, updatedAt: row.updated_at, revision: Number(row.revision) };
      },
      async put(object, expectedRevision) {
        const data = toStorageJson(object.doc);
        // Created once (a second creator finds it there, by the primary key, and writes nothing), then changed by
        // compare-and-set, as a configuration object's update (config-repository.ts).
        const written =
          expectedRevision === null
            ? await db
                .insertInto('institution')
                .values({ id: INSTITUTION_ID, data, updated_at: object.updatedAt, revision: 1 })
                .onConflict((oc) => oc.column('id').doNothing())
                .returning('revision')
                .executeTakeFirst()
            : await db
                .updateTable('institution')
                .set({ data, updated_at: object.updatedAt, revision: sql<number>`case when data = ${data} then revision else revision + 1 end` })
                .where('id', '=', INSTITUTION_ID)
                .where('revision', '=', expectedRevision)
                .returning('revision')
                .executeTakeFirst();
        if (!written) return undefined;
        await bumpConfigVersion(db);
        return Number(written.revision);
      },
    },
    tokens: {
      async insert(token, hash) {
        await db
          .insertInto('api_token')
          .values({
            id: token.id,
            name: token.name,
            role: token.role,
            token_hash: hash,
            created_at: token.createdAt,
            last_used_at: token.lastUsedAt,
            revoked_at: token.revokedAt,
            expires_at: token.expiresAt ?? null,
            user_id: token.userId ?? null,
          })
          .execute();
      },
      async findByHash(hash) {
        const row = await db.selectFrom('api_token').selectAll().where('token_hash', '=', hash).executeTakeFirst();
        return row && toToken(row);
      },
      async list(options = {}) {
        let select = db.selectFrom('api_token').selectAll();
        if (!options.sessions) select = select.where('user_id', 'is', null);
        return (await select.orderBy('created_at').orderBy('id').execute()).map(toToken);
      },
      async count() {
        const row = await db
          .selectFrom('api_token')
          .select((eb) => eb.fn.countAll().as('count'))
          .where('revoked_at', 'is', null)
          .where('user_id', 'is', null)
          .executeTakeFirstOrThrow();
        return Number(row.count);
      },
      async markUsed(id, at) {
        await db.updateTable('api_token').set({ last_used_at: at }).where('id', '=', id).execute();
      },
      async revoke(id, at) {
        const result = await db.updateTable('api_token').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
        return Number(result.numUpdatedRows) > 0;
      },
      async revokeSessionsOf(userId, at, exceptId) {
        let update = db.updateTable('api_token').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null);
        if (exceptId) update = update.where('id', '!=', exceptId);
        return Number((await update.executeTakeFirst()).numUpdatedRows);
      },
      async renameSessionsOf(userId, name) {
        await db.updateTable('api_token').set({ name }).where('user_id', '=', userId).execute();
      },
      async deleteExpiredSessions(before) {
        const result = await db.deleteFrom('api_token').where('user_id', 'is not', null).where('expires_at', '<', before).executeTakeFirst();
        return Number(result.numDeletedRows);
      },
    },
    staffUsers: staffUserRepository(db),
    configVersion: async () => (await db.selectFrom('setting').select('value').where('key', '=', CONFIG_VERSION_KEY).executeTakeFirst())?.value ?? '0',
    settings: {
      async get(key) {
        return (await db.selectFrom('setting').select('value').where('key', '=', key).executeTakeFirst())?.value;
      },
      async put(key, value) {
        await db
          .insertInto('setting')
          .values({ key, value })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
          .execute();
      },
    },
    jobs: jobRepository(db, dialect),
    borrowing: borrowingRepository(db),
    lending: lendingRepository(db),
    circulation: circulationRepository(db),
    ncipMessages: ncipMessageRepository(db),
    notices: noticeRepository(db),
    noticeTemplates: noticeTemplateRepository(db),
    patronPins: patronPinRepository(db),
    signInThrottle: signInThrottleRepository(db),
    partnerOutages: partnerOutageRepository(db),
    operations: operationsRepository(db, dialect),
    partnerAlerts: {
      async put(alert) {
        const values = { partner: alert.partner, message: alert.message, at: alert.at };
        await db
          .insertInto('partner_alert')
          .values(values)
          .onConflict((oc) => oc.column('partner').doUpdateSet({ message: values.message, at: values.at }))
          .execute();
      },
      async clear(partner) {
        await db.deleteFrom('partner_alert').where('partner', '=', partner).execute();
      },
      async list() {
        return db.selectFrom('partner_alert').selectAll().orderBy('partner').execute();
      },
    },
    ruleSets: {
      async save(id, rules, at) {
        // Rule docs are plain data (names, conditions, template codes): no secrets, so plain JSON.
        await db
          .insertInto('rule_set')
          .values({ id, rules: JSON.stringify(rules), created_at: at })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      },
      async get(id) {
        const row = await db.selectFrom('rule_set').select('rules').where('id', '=', id).executeTakeFirst();
        return row && (JSON.parse(row.rules) as RotaRule[]);
      },
    },
  };
}
