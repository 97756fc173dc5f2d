/** Items, holds and loans, one row each; and the NCIP message log. */
import { type Kysely, sql } from 'kysely';
import type { CirculationRepository, NcipMessageRecord, NcipMessageRepository } from '../app/ports.ts';
import type { Hold, HoldStatus, Item, ItemKind, ItemStatus, Loan, LoanStatus } from '../domain/circulation/circulation.ts';
import { InterlendError } from '../domain/errors.ts';
import { isUniqueViolation } from './database.ts';
import type { Database, HoldRow, ItemRow, LoanRow, NcipMessageRow } from './schema.ts';

const toItem = (r: ItemRow): Item => ({
  id: r.id,
  barcode: r.barcode,
  kind: r.kind as ItemKind,
  status: r.status as ItemStatus,
  title: r.title,
  author: r.author,
  library: r.library,
  location: r.location,
  itemPolicy: r.item_policy,
  borrowingRequest: r.borrowing_request,
  partner: r.partner,
  dueBack: r.due_back,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
const itemRow = (i: Item): ItemRow => ({
  id: i.id,
  barcode: i.barcode,
  kind: i.kind,
  status: i.status,
  title: i.title,
  author: i.author,
  library: i.library,
  location: i.location,
  item_policy: i.itemPolicy,
  borrowing_request: i.borrowingRequest,
  partner: i.partner,
  due_back: i.dueBack,
  created_at: i.createdAt,
  updated_at: i.updatedAt,
});
const toHold = (r: HoldRow): Hold => ({
  id: r.id,
  item: r.item,
  patron: r.patron,
  pickupLibrary: r.pickup_library,
  holdUntil: r.hold_until,
  status: r.status as HoldStatus,
  borrowingRequest: r.borrowing_request,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
const holdRow = (h: Hold): HoldRow => ({
  id: h.id,
  item: h.item,
  patron: h.patron,
  pickup_library: h.pickupLibrary,
  hold_until: h.holdUntil,
  status: h.status,
  borrowing_request: h.borrowingRequest,
  created_at: h.createdAt,
  updated_at: h.updatedAt,
});
const toLoan = (r: LoanRow): Loan => ({
  id: r.id,
  item: r.item,
  borrower: r.borrower,
  status: r.status as LoanStatus,
  dueDate: r.due_date,
  renewals: Number(r.renewals),
  desk: r.desk,
  externalRequest: r.external_request,
  checkedOutAt: r.checked_out_at,
  returnedAt: r.returned_at,
  updatedAt: r.updated_at,
});
const loanRow = (l: Loan): LoanRow => ({
  id: l.id,
  item: l.item,
  borrower: l.borrower,
  status: l.status,
  due_date: l.dueDate,
  renewals: l.renewals,
  desk: l.desk,
  external_request: l.externalRequest,
  checked_out_at: l.checkedOutAt,
  returned_at: l.returnedAt,
  updated_at: l.updatedAt,
});

/** A unique index refused the write (a second item with a barcode in use, a second open loan): ILL_ERR_DUPLICATE. */
async function unique(write: Promise<unknown>, message: string): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (isUniqueViolation(error)) throw new InterlendError('ILL_ERR_DUPLICATE', message);
    throw error;
  }
}

export function circulationRepository(db: Kysely<Database>): CirculationRepository {
  return {
    async insertItem(item) {
      await unique(db.insertInto('item').values(itemRow(item)).execute(), `barcode ${item.barcode} is in use by another item`);
    },
    async updateItem(item) {
      const { id, created_at: _created, ...rest } = itemRow(item);
      await db.updateTable('item').set(rest).where('id', '=', id).execute();
    },
    async getItem(id) {
      const row = await db.selectFrom('item').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toItem(row);
    },
    async itemByBarcode(barcode) {
      // The literal (not a parameter) lets the planner use the partial unique index item_barcode_in_use.
      const row = await db.selectFrom('item').selectAll().where('barcode', '=', barcode).where('status', '<>', sql.lit('RETIRED')).executeTakeFirst();
      return row && toItem(row);
    },
    async items(query) {
      let select = db.selectFrom('item');
      if (query.barcode) select = select.where('barcode', '=', query.barcode);
      if (query.status) select = select.where('status', '=', query.status);
      if (query.borrowingRequest) select = select.where('borrowing_request', '=', query.borrowingRequest);
      const rows = await select.selectAll().orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute();
      const total = await select.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
      return { items: rows.map(toItem), total: Number(total.count) };
    },
    async insertHold(hold) {
      await db.insertInto('hold').values(holdRow(hold)).execute();
    },
    async updateHold(hold) {
      const { id, created_at: _created, ...rest } = holdRow(hold);
      await db.updateTable('hold').set(rest).where('id', '=', id).execute();
    },
    async holdsOfItem(item) {
      return (await db.selectFrom('hold').selectAll().where('item', '=', item).orderBy('created_at').orderBy('id').execute()).map(toHold);
    },
    async holds(query) {
      let select = db.selectFrom('hold');
      if (query.pickupLibrary) select = select.where('pickup_library', '=', query.pickupLibrary);
      if (query.status) select = select.where('status', '=', query.status);
      if (query.patron) select = select.where('patron', '=', query.patron);
      const rows = await select.selectAll().orderBy('created_at').orderBy('id').limit(query.limit).offset(query.offset).execute();
      const total = await select.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
      return { items: rows.map(toHold), total: Number(total.count) };
    },
    async insertLoan(loan) {
      await unique(db.insertInto('loan').values(loanRow(loan)).execute(), 'the item is already on loan');
    },
    async updateLoan(loan) {
      const { id, ...rest } = loanRow(loan);
      await db.updateTable('loan').set(rest).where('id', '=', id).execute();
    },
    async getLoan(id) {
      const row = await db.selectFrom('loan').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toLoan(row);
    },
    async openLoanOf(item) {
      // The literal lets the planner use the partial unique index loan_open_per_item.
      const row = await db.selectFrom('loan').selectAll().where('item', '=', item).where('status', '=', sql.lit('OPEN')).executeTakeFirst();
      return row && toLoan(row);
    },
    async loans(query) {
      let select = db.selectFrom('loan');
      if (query.borrower) select = select.where('borrower', '=', query.borrower);
      if (query.item) select = select.where('item', '=', query.item);
      if (query.status) select = select.where('status', '=', query.status);
      if (query.dueFrom) select = select.where('due_date', '>=', query.dueFrom);
      if (query.dueBefore) select = select.where('due_date', '<', query.dueBefore);
      // A window of due dates (the reminder scan) is read in due-date order; lists show the latest loans first.
      const ordered = query.dueFrom || query.dueBefore ? select.selectAll().orderBy('due_date').orderBy('id') : select.selectAll().orderBy('checked_out_at', 'desc').orderBy('id', 'desc');
      const rows = await ordered.limit(query.limit).offset(query.offset).execute();
      const total = await select.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
      return { items: rows.map(toLoan), total: Number(total.count) };
    },
  };
}

const toMessage = (r: NcipMessageRow): NcipMessageRecord => ({
  id: r.id,
  at: r.at,
  partner: r.partner,
  service: r.service,
  borrowingRequest: r.borrowing_request,
  outcome: r.outcome as NcipMessageRecord['outcome'],
  problem: r.problem,
  durationMs: Number(r.duration_ms),
  requestBody: r.request_body,
  responseBody: r.response_body,
});

export function ncipMessageRepository(db: Kysely<Database>): NcipMessageRepository {
  return {
    async insert(m) {
      await this.insertAll([m]);
    },
    async insertAll(records) {
      if (records.length === 0) return;
      await db
        .insertInto('ncip_message')
        .values(
          records.map((m) => ({
            id: m.id,
            at: m.at,
            partner: m.partner,
            service: m.service,
            borrowing_request: m.borrowingRequest,
            outcome: m.outcome,
            problem: m.problem,
            duration_ms: m.durationMs,
            request_body: m.requestBody,
            response_body: m.responseBody,
          })),
        )
        .execute();
    },
    async ofRequest(borrowingRequest) {
      return (await db.selectFrom('ncip_message').selectAll().where('borrowing_request', '=', borrowingRequest).orderBy('at').orderBy('id').execute()).map(toMessage);
    },
    async recent(query) {
      const rows = await db.selectFrom('ncip_message').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute();
      const total = await db.selectFrom('ncip_message').select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
      return { items: rows.map(toMessage), total: Number(total.count) };
    },
  };
}
