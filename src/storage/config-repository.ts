import { type Kysely, sql } from 'kysely';
import type { ConfigRepository, ListQuery, Page, Stored, Unsaved } from '../app/ports.ts';
import { type ConfigDocs, type ConfigKind, kindSpec } from '../domain/config/kinds.ts';
import { type Patron, patronLookupKeys } from '../domain/config/patron.ts';
import { CONFIG_TABLES } from './config-tables.ts';
import { type Dialect, isUniqueViolation } from './database.ts';
import { InterlendError } from '../domain/errors.ts';
import { fromStorageJson, toStorageJson } from './json.ts';
import type { ConfigObjectRow, Database } from './schema.ts';

export const CONFIG_VERSION_KEY = 'config.version';

export async function bumpConfigVersion(db: Kysely<Database>): Promise<void> {
  await sql`insert into setting (key, value) values (${CONFIG_VERSION_KEY}, '1')
    on conflict (key) do update set value = cast(cast(setting.value as integer) + 1 as text)`.execute(db);
}

/** Byte order on both databases, so lists and exports sort the same on SQLite and PostgreSQL. */
export function byteOrder(dialect: Dialect, column: string) {
  return dialect === 'postgres' ? sql`${sql.ref(column)} collate "C"` : sql.ref(column);
}

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** One repository for every kind of configuration object; the kind's table spec says what differs. */
export function configRepository<K extends ConfigKind>(typedDb: Kysely<Database>, dialect: Dialect, kind: K): ConfigRepository<K> {
  // Table names vary by kind, which Kysely's types cannot follow; rows are typed by ConfigObjectRow instead.
  const db = typedDb as unknown as Kysely<Record<string, ConfigObjectRow>>;
  const spec = kindSpec(kind);
  const table = CONFIG_TABLES[kind];
  const name = table.table;
  type Doc = ConfigDocs[K];

  const toStored = (row: ConfigObjectRow): Stored<Doc> => ({
    id: row.id,
    doc: fromStorageJson<Doc>(row.data),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(spec.ordered ? { position: row.position } : {}),
    revision: Number(row.revision),
  });

  const toRow = (object: Unsaved<Doc>): Omit<ConfigObjectRow, 'revision'> => ({
    id: object.id,
    code: spec.key(object.doc),
    search: table.search(object.doc).toLowerCase(),
    data: toStorageJson(object.doc),
    position: object.position ?? 0,
    created_at: object.createdAt,
    updated_at: object.updatedAt,
    ...table.columns(object.doc),
  });

  async function writeDependents(object: Unsaved<Doc>): Promise<void> {
    const key = spec.key(object.doc);
    const references = spec.references(object.doc);
    if (references.length) {
      await typedDb
        .insertInto('config_reference')
        .values(references.map((r) => ({ from_kind: kind, from_key: key, to_kind: r.kind, to_key: r.key, path: r.path })))
        .execute();
    }
    if (kind === 'patrons') {
      const keys = patronLookupKeys(object.doc as Patron);
      await typedDb
        .insertInto('patron_key')
        .values(keys.map((k) => ({ patron_id: object.id, key_type: k.type, key_value: k.value })))
        .execute();
    }
  }

  async function removeDependents(id: string, key: string): Promise<void> {
    await typedDb.deleteFrom('config_reference').where('from_kind', '=', kind).where('from_key', '=', key).execute();
    if (kind === 'patrons') await typedDb.deleteFrom('patron_key').where('patron_id', '=', id).execute();
  }

  function filtered(query: ListQuery) {
    let select = db.selectFrom(name);
    for (const [filter, value] of Object.entries(query.filters)) {
      const column = table.filterColumns[filter];
      if (!column) continue;
      const typed = value === 'true' ? 1 : value === 'false' ? 0 : value;
      select = select.where(sql.ref(column), '=', typed);
    }
    if (query.q) select = select.where(sql<boolean>`search like ${likePattern(query.q)} escape '\\'`);
    return select;
  }

  /** Two writers can both pass the app's "is this key free?" check; the database's unique index decides. */
  async function unique(work: () => Promise<unknown>, object: Unsaved<Doc>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const key = spec.key(object.doc);
      throw new InterlendError('ILL_ERR_DUPLICATE', `${spec.keyField}: a ${spec.singular} ${key} already exists, or one of its identifiers belongs to another`, [
        { path: spec.keyField, message: `a ${spec.singular} ${key} already exists, or one of its identifiers belongs to another` },
      ]);
    }
  }

  /**
   * Every configuration write moves a counter in the same transaction, so that a cache of the configuration (the
   * rota engine keeps one) can tell with one small read that it is stale, in this process or in another.
   */
  async function bumpVersion(): Promise<void> {
    await bumpConfigVersion(typedDb);
  }

  const order = spec.ordered ? sql.ref('position') : byteOrder(dialect, 'code');

  return {
    async list(query: ListQuery): Promise<Page<Stored<Doc>>> {
      const rows = await filtered(query).selectAll().orderBy(order).limit(query.limit).offset(query.offset).execute();
      const counted = await filtered(query).select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
      return { items: rows.map(toStored), total: Number(counted.count) };
    },
    async all() {
      const rows = await db.selectFrom(name).selectAll().orderBy(order).execute();
      return rows.map(toStored);
    },
    async findById(id) {
      const row = await db.selectFrom(name).selectAll().where('id', '=', id).executeTakeFirst();
      return row && toStored(row);
    },
    async findByKey(key) {
      const row = await db.selectFrom(name).selectAll().where('code', '=', key).executeTakeFirst();
      return row && toStored(row);
    },
    async insert(object) {
      await unique(async () => {
        await db.insertInto(name).values({ ...toRow(object), revision: 1 }).execute();
        await writeDependents(object);
      }, object);
      await bumpVersion();
    },
    async update(object, expectedRevision) {
      // The key before the write, for its references (a rule's name may change); read at the revision expected, so
      // it is the key the compare-and-set below finds, or the write does not happen.
      const before = await db.selectFrom(name).select('code').where('id', '=', object.id).where('revision', '=', expectedRevision).executeTakeFirst();
      if (!before) return undefined;
      const { id: _id, created_at: _created, ...changes } = toRow(object);
      let revision: number | undefined;
      await unique(async () => {
        // The compare-and-set: one statement, first of the write, so nothing is written when it finds another
        // revision. On PostgreSQL a second writer waits here for the first one's row lock and then finds the row
        // changed. The revision moves on only when the document does (writing the same document again keeps it).
        const result = await db
          .updateTable(name)
          .set({ ...changes, revision: sql<number>`case when data = ${changes.data} then revision else revision + 1 end` })
          .where('id', '=', object.id)
          .where('revision', '=', expectedRevision)
          .returning('revision')
          .executeTakeFirst();
        if (!result) return;
        revision = Number(result.revision);
        await removeDependents(object.id, before.code);
        await writeDependents(object);
      }, object);
      if (revision !== undefined) await bumpVersion();
      return revision;
    },
    async delete(id, expectedRevision) {
      const row = await db.selectFrom(name).select('code').where('id', '=', id).where('revision', '=', expectedRevision).executeTakeFirst();
      if (!row) return false;
      const result = await db.deleteFrom(name).where('id', '=', id).where('revision', '=', expectedRevision).executeTakeFirst();
      if (Number(result.numDeletedRows) !== 1) return false;
      await removeDependents(id, row.code);
      await bumpVersion();
      return true;
    },
    async reorder(idsInOrder) {
      for (const [index, id] of idsInOrder.entries()) {
        await db.updateTable(name).set({ position: index + 1 }).where('id', '=', id).execute();
      }
      await bumpVersion();
    },
  };
}
