/** Notices to patrons and the templates staff changed (issue 9), one row each. */
import type { Kysely } from 'kysely';
import type { NoticeRepository, NoticeTemplateRepository, StoredNoticeTemplate } from '../app/ports.ts';
import type { Notice, NoticeStatus } from '../domain/notices/notice.ts';
import type { NoticeType } from '../domain/notices/templates.ts';
import type { Database, NoticeRow, NoticeTemplateRow } from './schema.ts';

const toNotice = (r: NoticeRow): Notice => ({
  id: r.id,
  key: r.key,
  type: r.type as NoticeType,
  status: r.status as NoticeStatus,
  patron: r.patron,
  recipient: r.recipient,
  subject: r.subject,
  body: r.body,
  messageId: r.message_id,
  borrowingRequest: r.borrowing_request,
  loan: r.loan,
  reason: r.reason,
  attempts: Number(r.attempts),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  sentAt: r.sent_at,
});

const noticeRow = (n: Notice): NoticeRow => ({
  id: n.id,
  key: n.key,
  type: n.type,
  status: n.status,
  patron: n.patron,
  recipient: n.recipient,
  subject: n.subject,
  body: n.body,
  message_id: n.messageId,
  borrowing_request: n.borrowingRequest,
  loan: n.loan,
  reason: n.reason,
  attempts: n.attempts,
  created_at: n.createdAt,
  updated_at: n.updatedAt,
  sent_at: n.sentAt,
});

const toTemplate = (r: NoticeTemplateRow): StoredNoticeTemplate => ({
  type: r.type as NoticeType,
  enabled: Number(r.enabled) === 1,
  subject: r.subject,
  body: r.body,
  daysBefore: r.days_before === null ? null : Number(r.days_before),
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

export function noticeRepository(db: Kysely<Database>): NoticeRepository {
  const byKey = async (key: string) => {
    const row = await db.selectFrom('notice').selectAll().where('key', '=', key).executeTakeFirst();
    return row && toNotice(row);
  };
  return {
    byKey,
    async insertOrGet(notice) {
      // `on conflict do nothing`: a second run of the same job finds the first one's notice, and the transaction stays usable.
      await db
        .insertInto('notice')
        .values(noticeRow(notice))
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      return (await byKey(notice.key))!;
    },
    async update(notice) {
      const { id, key: _key, created_at: _created, ...rest } = noticeRow(notice);
      await db.updateTable('notice').set(rest).where('id', '=', id).execute();
    },
    async recent(query) {
      let select = db.selectFrom('notice');
      if (query.status) select = select.where('status', '=', query.status);
      if (query.type) select = select.where('type', '=', query.type);
      if (query.borrowingRequest) select = select.where('borrowing_request', '=', query.borrowingRequest);
      const rows = await select.selectAll().orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute();
      const total = await select.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
      return { items: rows.map(toNotice), total: Number(total.count) };
    },
  };
}

export function noticeTemplateRepository(db: Kysely<Database>): NoticeTemplateRepository {
  return {
    async all() {
      return (await db.selectFrom('notice_template').selectAll().orderBy('type').execute()).map(toTemplate);
    },
    async get(type) {
      const row = await db.selectFrom('notice_template').selectAll().where('type', '=', type).executeTakeFirst();
      return row && toTemplate(row);
    },
    async put(template) {
      const values: NoticeTemplateRow = {
        type: template.type,
        enabled: template.enabled ? 1 : 0,
        subject: template.subject,
        body: template.body,
        days_before: template.daysBefore,
        updated_at: template.updatedAt,
        updated_by: template.updatedBy,
      };
      const { type: _type, ...rest } = values;
      await db
        .insertInto('notice_template')
        .values(values)
        .onConflict((oc) => oc.column('type').doUpdateSet(rest))
        .execute();
    },
    async delete(type) {
      await db.deleteFrom('notice_template').where('type', '=', type).execute();
    },
  };
}
