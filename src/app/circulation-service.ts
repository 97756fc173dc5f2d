/**
 * Circulation at the library's desks (issue 5): the library's own items, the hold shelf, receiving an item that
 * was announced but not received automatically, checking items out to patrons and back in, renewing. A temporary
 * item's borrowing request follows along: received, Loaned to patron, Returned by patron.
 */
import { z } from 'zod';
import { type Hold, type Item, ITEM_STATUSES, type Loan } from '../domain/circulation/circulation.ts';
import { codeSchema } from '../domain/config/fields.ts';
import { validate } from '../domain/config/validate.ts';
import { invalid, notFound, problemError } from '../domain/errors.ts';
import type { BorrowingService } from './borrowing-service.ts';
import type { NcipService } from './ncip-service.ts';
import type { Clock, IdSource, Page, Repositories, Storage } from './ports.ts';

export const newItemSchema = z.strictObject({
  barcode: z.string().trim().min(1, 'must not be empty').max(100),
  title: z.string().trim().min(1).max(1000),
  author: z.string().trim().max(500).nullable().default(null),
  library: codeSchema,
  location: codeSchema.nullable().default(null),
  itemPolicy: codeSchema.nullable().default(null),
});

export const checkOutSchema = z.strictObject({
  barcode: z.string().trim().min(1, 'must not be empty'),
  /** The patron's primary id; for an item on the hold shelf, the patron it is held for (default). */
  patron: z.string().trim().min(1).nullable().default(null),
  desk: codeSchema.nullable().default(null),
  /** Default: the date the lender wants the item back (temporary items), else 28 days. */
  dueDate: z.iso.datetime({ offset: true }).nullable().default(null),
});

export const itemStatusSchema = z.enum(ITEM_STATUSES);

const DEFAULT_LOAN_DAYS = 28;
const DAY_MS = 86_400_000;

export class CirculationService {
  constructor(private readonly deps: { storage: Storage; clock: Clock; ids: IdSource; borrowing: BorrowingService; ncip: NcipService }) {}

  items(query: { barcode?: string; status?: Item['status']; borrowingRequest?: string; limit: number; offset: number }): Promise<Page<Item>> {
    return this.deps.storage.read.circulation.items(query);
  }

  async item(id: string): Promise<{ item: Item; holds: Hold[]; loans: Loan[] }> {
    const repos = this.deps.storage.read;
    const item = await repos.circulation.getItem(id);
    if (!item) throw notFound(`item ${id}`);
    return { item, holds: await repos.circulation.holdsOfItem(id), loans: (await repos.circulation.loans({ item: id, limit: 100, offset: 0 })).items };
  }

  /** One of the library's own items (lendable through partners). */
  async createItem(input: unknown): Promise<Item> {
    const parsed = validate(newItemSchema, input);
    if (!parsed.ok) throw invalid(parsed.problems);
    const now = this.deps.clock.now();
    return this.deps.storage.transaction(async (repos) => {
      const library = (await repos.config('libraries').findByKey(parsed.value.library))?.doc;
      if (!library) throw problemError('ILL_ERR_REFERENCE_NOT_FOUND', [{ path: 'library', message: `names library ${parsed.value.library}, which does not exist` }]);
      const item: Item = { id: this.deps.ids.newId(), kind: 'OWN', status: 'AVAILABLE', borrowingRequest: null, partner: null, dueBack: null, createdAt: now, updatedAt: now, ...parsed.value };
      await repos.circulation.insertItem(item);
      return item;
    });
  }

  holdShelf(query: { pickupLibrary?: string; limit: number; offset: number }): Promise<Page<Hold>> {
    return this.deps.storage.read.circulation.holds({ ...query, status: 'ON_SHELF' });
  }

  loans(query: { borrower?: string; status?: Loan['status']; limit: number; offset: number }): Promise<Page<Loan>> {
    return this.deps.storage.read.circulation.loans(query);
  }

  /** An item announced by the partner (Automatic Receive off) is received at the desk: on the hold shelf, held. */
  async receive(itemId: string, actor: string): Promise<Item> {
    return this.deps.storage.transaction(async (repos) => {
      const now = this.deps.clock.now();
      const item = await this.itemById(repos, itemId);
      if (item.kind !== 'TEMPORARY' || item.status !== 'IN_TRANSIT' || !item.borrowingRequest) {
        throw problemError('ILL_ERR_INVALID_TRANSITION', [{ path: 'item', message: `item ${item.barcode} is not waiting to be received (it is ${item.status})` }]);
      }
      const request = await this.deps.borrowing.actWithin(repos, item.borrowingRequest, 'receive', 'staff', actor, `item ${item.barcode} received at the desk`);
      const received = { ...item, status: 'ON_HOLD_SHELF' as const, updatedAt: now };
      await repos.circulation.updateItem(received);
      await repos.circulation.insertHold({ id: this.deps.ids.newId(), item: item.id, patron: request.patron, pickupLibrary: item.library ?? request.pickupLibrary, holdUntil: null, status: 'ON_SHELF', borrowingRequest: request.id, createdAt: now, updatedAt: now });
      return received;
    });
  }

  /** Check-out at a desk: the patron collects a held item (the request becomes Loaned to patron), or borrows ours. */
  async checkOut(input: unknown, actor: string): Promise<Loan> {
    const parsed = validate(checkOutSchema, input);
    if (!parsed.ok) throw invalid(parsed.problems);
    const { barcode, desk, dueDate } = parsed.value;
    return this.deps.storage.transaction(async (repos) => {
      const now = this.deps.clock.now();
      const item = await repos.circulation.itemByBarcode(barcode);
      if (!item) throw problemError('ILL_ERR_UNKNOWN_ITEM', [{ path: 'barcode', message: `no item here has barcode ${barcode}` }]);
      if (await repos.circulation.openLoanOf(item.id)) throw problemError('ILL_ERR_CONFLICT', [{ path: 'barcode', message: `item ${barcode} is already on loan` }]);
      const held = (await repos.circulation.holdsOfItem(item.id)).find((h) => h.status === 'ON_SHELF');
      const patronId = parsed.value.patron ?? held?.patron;
      if (!patronId) throw problemError('ILL_ERR_VALIDATION', [{ path: 'patron', message: `is required: item ${barcode} is held for nobody` }]);
      if (held && held.patron !== patronId) throw problemError('ILL_ERR_NOT_ALLOWED', [{ path: 'patron', message: `item ${barcode} is held for patron ${held.patron}` }]);
      if (item.kind === 'TEMPORARY' && !held) throw problemError('ILL_ERR_NOT_ALLOWED', [{ path: 'barcode', message: `item ${barcode} is not on the hold shelf (it is ${item.status})` }]);
      const patron = (await repos.config('patrons').findByKey(patronId))?.doc;
      if (!patron) throw problemError('ILL_ERR_UNKNOWN_USER', [{ path: 'patron', message: `no patron has primary id ${patronId}` }]);
      this.deps.ncip.mayBorrow(patron, now);
      const due = dueDate ?? item.dueBack ?? new Date(Date.parse(now) + DEFAULT_LOAN_DAYS * DAY_MS).toISOString();
      const loan: Loan = { id: this.deps.ids.newId(), item: item.id, borrower: patron.primaryId, status: 'OPEN', dueDate: new Date(due).toISOString(), renewals: 0, desk, externalRequest: null, checkedOutAt: now, returnedAt: null, updatedAt: now };
      await repos.circulation.insertLoan(loan);
      if (held) await repos.circulation.updateHold({ ...held, status: 'PICKED_UP', updatedAt: now });
      await repos.circulation.updateItem({ ...item, status: 'ON_LOAN', updatedAt: now });
      if (item.borrowingRequest) {
        await this.deps.borrowing.actWithin(repos, item.borrowingRequest, 'loan', 'staff', actor, `item ${barcode} checked out${desk ? ` at ${desk}` : ''}, due ${loan.dueDate.slice(0, 10)}`);
      }
      return loan;
    });
  }

  /** Check-in at a desk: the loan ends; a borrowed item goes back towards the lender (Returned by patron). */
  async checkIn(barcode: string, actor: string): Promise<Item> {
    return this.deps.storage.transaction(async (repos) => {
      const now = this.deps.clock.now();
      const item = await repos.circulation.itemByBarcode(barcode.trim());
      if (!item) throw problemError('ILL_ERR_UNKNOWN_ITEM', [{ path: 'barcode', message: `no item here has barcode ${barcode}` }]);
      const loan = await repos.circulation.openLoanOf(item.id);
      if (!loan) throw problemError('ILL_ERR_ITEM_NOT_CHECKED_OUT', [{ path: 'barcode', message: `item ${barcode} is not on loan` }]);
      await repos.circulation.updateLoan({ ...loan, status: 'RETURNED', returnedAt: now, updatedAt: now });
      const next = { ...item, status: item.kind === 'OWN' && !loan.borrower.startsWith('partner:') ? ('AVAILABLE' as const) : ('IN_TRANSIT' as const), updatedAt: now };
      await repos.circulation.updateItem(next);
      if (item.borrowingRequest) {
        const request = await repos.borrowing.get(item.borrowingRequest);
        if (request?.status === 'LOANED_TO_PATRON') await this.deps.borrowing.actWithin(repos, request.id, 'patron-return', 'staff', actor, `item ${barcode} returned at the desk`);
      }
      return next;
    });
  }

  /** A new due date for an open loan: the one given, else one more loan period from the current due date. */
  async renew(loanId: string, dueDate: string | null): Promise<Loan> {
    return this.deps.storage.transaction(async (repos) => {
      const now = this.deps.clock.now();
      const loan = await repos.circulation.getLoan(loanId);
      if (!loan) throw notFound(`loan ${loanId}`);
      if (loan.status !== 'OPEN') throw problemError('ILL_ERR_INVALID_TRANSITION', [{ path: 'loan', message: `loan ${loanId} is ${loan.status.toLowerCase()}` }]);
      const next = dueDate ? new Date(dueDate).toISOString() : new Date(Date.parse(loan.dueDate) + DEFAULT_LOAN_DAYS * DAY_MS).toISOString();
      if (Number.isNaN(Date.parse(next))) throw problemError('ILL_ERR_VALIDATION', [{ path: 'dueDate', message: 'is not a date' }]);
      const renewed = { ...loan, dueDate: next, renewals: loan.renewals + 1, updatedAt: now };
      await repos.circulation.updateLoan(renewed);
      return renewed;
    });
  }

  private async itemById(repos: Repositories, id: string): Promise<Item> {
    const item = await repos.circulation.getItem(id);
    if (!item) throw notFound(`item ${id}`);
    return item;
  }
}
