/**
 * What NCIP messages do here (issue 5; design.md decision 8; illiad.md §5 (b)): Interlend answers as the library's
 * circulation system for ILLiad's NCIP add-on and other brokers. The protocol edge (`protocols/ncip/`) parses the
 * message and turns our errors into NCIP Problems; each use case here runs in one transaction, so an item, its
 * hold and the request's status change together or not at all, and a message repeated gives the same answer.
 */
import type { Partner } from '../domain/config/partner.ts';
import type { Patron } from '../domain/config/patron.ts';
import { dueDateFrom, type Hold, type Item, type Loan, partnerBorrower } from '../domain/circulation/circulation.ts';
import { InterlendError, problemError } from '../domain/errors.ts';
import { hasUsername, patronIdentifier } from '../domain/identity/illiad-username.ts';
import type { BorrowingRequest } from '../domain/request/borrowing-request.ts';
import { BORROWING_MODEL } from '../domain/request/state-model.ts';
import { asksToNotify } from '../domain/notices/triggers.ts';
import { noticeKey } from '../domain/rota/walk.ts';
import type { BorrowingService } from './borrowing-service.ts';
import { ConfigCache } from './config-snapshot.ts';
import { noticeJob } from './notice-queue.ts';
import type { Clock, IdSource, Repositories, Storage } from './ports.ts';

type NcipPartner = Extract<Partner, { profileType: 'NCIP' }>;

/** Who sent the message: the InitiationHeader. */
export interface NcipCaller {
  readonly applicationProfileType: string | null;
  readonly fromAgencyId: string | null;
  readonly toAgencyId: string | null;
}

/** Ids as the protocol edge found them: each value with its likely forms (`TN-1234-1OF1` → also `1234`). */
export interface IdCandidates {
  readonly sent: string;
  readonly candidates: readonly string[];
}

export interface AcceptItemCommand {
  readonly requestId: IdCandidates | null;
  readonly itemId: IdCandidates | null;
  readonly userId: string | null;
  readonly dateForReturn: string | null;
  readonly pickupLocation: string | null;
  /** The last day the item may wait for the patron (PickupExpiryDate), as sent. */
  readonly pickupExpiryDate: string | null;
  /** "Hold For Pickup And Notify" asks us to tell the patron (domain/notices/triggers.ts). */
  readonly requestedActionType: string | null;
  readonly title: string | null;
  readonly author: string | null;
}

export interface NcipOutcome {
  /** The borrowing request the message concerned, for the message log. */
  readonly borrowingRequest: string | null;
}

const MAX_TRIES = 3;
const TERMINAL = new Set<string>(BORROWING_MODEL.terminal);

export interface NcipServiceDeps {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly borrowing: BorrowingService;
}

const unknownUser = (value: string, path = 'UserId') => problemError('ILL_ERR_UNKNOWN_USER', [{ path, message: `no patron is known by ${value}` }]);

export class NcipService {
  /** Partners and the institution, re-read only when the configuration changed (one small read per message). */
  private readonly configCache = new ConfigCache();

  constructor(private readonly deps: NcipServiceDeps) {}

  /**
   * The partner the message comes from (ApplicationProfileType is its code; ToAgencyId must be our institution's
   * NCIP agency id, code or ISIL) and the library's time zone, in which dates without a zone are read.
   */
  async partnerFor(caller: NcipCaller): Promise<NcipPartner & { readonly timeZone: string }> {
    const code = caller.applicationProfileType?.trim();
    if (!code) throw problemError('ILL_ERR_UNKNOWN_AGENCY', [{ path: 'InitiationHeader/ApplicationProfileType', message: 'is missing: it names the partner (its code here)' }]);
    const config = await this.configCache.get(this.deps.storage.read);
    const partner = config.partners.get(code);
    if (!partner || partner.profileType !== 'NCIP') {
      throw problemError('ILL_ERR_UNKNOWN_AGENCY', [{ path: 'InitiationHeader/ApplicationProfileType', message: `${code} is not an NCIP partner here` }]);
    }
    if (partner.status !== 'ACTIVE') throw problemError('ILL_ERR_UNKNOWN_AGENCY', [{ path: 'InitiationHeader/ApplicationProfileType', message: `partner ${code} is inactive` }]);
    const institution = config.institution;
    const to = caller.toAgencyId?.trim().toLowerCase();
    const ours = institution ? [institution.ncipAgencyId, institution.code, institution.isil].filter((id): id is string => !!id) : [];
    if (to && institution && !ours.some((id) => id.toLowerCase() === to)) {
      throw problemError('ILL_ERR_UNKNOWN_AGENCY', [{ path: 'InitiationHeader/ToAgencyId', message: `${caller.toAgencyId} is not this institution (${institution.ncipAgencyId})` }]);
    }
    return { ...partner, timeZone: institution?.timeZone ?? 'UTC' };
  }

  /**
   * The patron a partner's user id means, by the partner's identity rule in reverse: the identifier itself, or the
   * one whose derived username it is (`cwlee` for `cwlee@example.edu` with `^[^@]*`).
   */
  async patronFor(repos: Repositories, partner: NcipPartner, sent: string): Promise<Patron | undefined> {
    const rule = partner.ncip.generalInformation;
    const value = sent.trim();
    const patrons = repos.config('patrons');
    if (rule.userIdentifierRegex) {
      // A regex anchored at the start (`^[^@]*`) derives a prefix of the identifier: an index range finds it.
      const ids = rule.userIdentifierRegex.startsWith('^')
        ? await repos.patronLookup.findPatronIdsByKeyPrefix(rule.userIdentifierType, value, 50)
        : await repos.patronLookup.findPatronIdsByKeyContaining(rule.userIdentifierType, value, 50);
      const matches: Patron[] = [];
      let whole: Patron | undefined;
      for (const id of ids) {
        const patron = (await patrons.findById(id))?.doc;
        if (patron && hasUsername(patron, rule, value)) matches.push(patron);
        else if (patron && patronIdentifier(patron, rule.userIdentifierType)?.toLowerCase() === value.toLowerCase()) whole = patron;
      }
      if (matches.length > 1) {
        throw problemError('ILL_ERR_UNKNOWN_USER', [{ path: 'UserId', message: `${value} is the username of several patrons (${matches.map((p) => p.primaryId).join(', ')})` }]);
      }
      if (matches[0] ?? whole) return matches[0] ?? whole;
    } else {
      // No regex: the identifier itself is the username.
      const direct = await repos.patronLookup.findPatronIdByKey(rule.userIdentifierType, value);
      const patron = direct ? (await patrons.findById(direct))?.doc : undefined;
      if (patron) return patron;
    }
    // The primary id always works too: other brokers send it whatever the partner's rule.
    return (await patrons.findByKey(value))?.doc;
  }

  /**
   * AcceptItem: the item arrived for our patron. A temporary item (barcode = the ItemId sent) on the hold shelf of
   * the pickup library, held for the patron; the request Physically received by library. The request is the one
   * we exported under that TransactionNumber, else the one whose id is the RequestId, else a new one.
   */
  async acceptItem(caller: NcipCaller, command: AcceptItemCommand): Promise<NcipOutcome & { barcode: string; requestId: string }> {
    const partner = await this.partnerFor(caller);
    const barcode = command.itemId?.sent ?? command.requestId?.sent;
    if (!barcode) throw problemError('ILL_ERR_VALIDATION', [{ path: 'ItemId', message: 'is missing, and so is RequestId: nothing names the item' }]);
    return this.retrying(async (repos) => {
      const now = this.deps.clock.now();
      const patron = command.userId ? await this.patronFor(repos, partner, command.userId) : undefined;
      if (command.userId && !patron) throw unknownUser(command.userId);
      const linked = await this.linkedRequest(repos, partner, [command.itemId, command.requestId]);

      const existing = await repos.circulation.itemByBarcode(barcode);
      if (existing) {
        // The same message again (ILLiad staff "reprocess"): the same answer, nothing new.
        if (existing.partner === partner.code && existing.borrowingRequest && (!linked || linked.id === existing.borrowingRequest)) {
          return { borrowingRequest: existing.borrowingRequest, barcode, requestId: existing.borrowingRequest };
        }
        throw problemError('ILL_ERR_CONFLICT', [{ path: 'ItemId', message: `item ${barcode} is already in use here${existing.borrowingRequest ? ` for request ${existing.borrowingRequest}` : ''}` }]);
      }
      if (linked && patron && linked.patron !== patron.primaryId) {
        throw problemError('ILL_ERR_CONFLICT', [{ path: 'UserId', message: `${command.userId} is patron ${patron.primaryId}, but the request is patron ${linked.patron}'s` }]);
      }
      const owner = patron ?? (linked ? (await repos.config('patrons').findByKey(linked.patron))?.doc : undefined);
      if (!owner) throw problemError('ILL_ERR_VALIDATION', [{ path: 'UserId', message: 'is missing, and no request of ours names the item: whose is it?' }]);

      const settings = partner.ncip.acceptItem;
      const pickupLibrary = await this.pickupLibrary(repos, command.pickupLocation, settings.defaultPickupLibrary ?? linked?.pickupLibrary ?? owner.pickupLibrary);
      const actor = `partner:${partner.code}`;
      let request: BorrowingRequest;
      if (linked) {
        const action = settings.automaticReceive ? 'receive' : 'shipped-physically';
        const reason = settings.automaticReceive ? `item ${barcode} received (NCIP AcceptItem, Automatic Receive)` : `item ${barcode} announced (NCIP AcceptItem); staff receive it at the desk`;
        request = await this.deps.borrowing.actWithin(repos, linked.id, action, 'partner', actor, reason);
      } else {
        await this.refuseWhileExporting(repos, partner, owner.primaryId, barcode, [command.itemId, command.requestId]);
        const number = Number(command.itemId?.candidates.find((c) => /^\d+$/.test(c)) ?? NaN);
        request = await this.deps.borrowing.createReceived(repos, {
          patron: owner,
          partner: partner.code,
          title: command.title ?? `Item ${barcode}`,
          author: command.author,
          pickupLibrary,
          owner: partner.ncip.generalInformation.defaultLibraryOwner,
          transactionNumber: Number.isSafeInteger(number) ? number : null,
          username: command.userId,
          received: settings.automaticReceive,
          actor,
        });
      }
      const due = dueDateFrom(command.dateForReturn, partner.ncip.generalInformation.loanPeriod, now, partner.timeZone);
      const received = request.status === 'PHYSICALLY_RECEIVED_BY_LIBRARY';
      const item: Item = {
        id: this.deps.ids.newId(),
        barcode,
        kind: 'TEMPORARY',
        status: received ? 'ON_HOLD_SHELF' : 'IN_TRANSIT',
        title: command.title ?? request.citation.title,
        author: command.author ?? request.citation.author,
        library: pickupLibrary,
        location: settings.defaultLocation,
        itemPolicy: null,
        borrowingRequest: request.id,
        partner: partner.code,
        dueBack: due.dueDate,
        createdAt: now,
        updatedAt: now,
      };
      await repos.circulation.insertItem(item);
      if (received) {
        const holdUntil = command.pickupExpiryDate ? dueDateFrom(command.pickupExpiryDate, 0, now, partner.timeZone) : null;
        await repos.circulation.insertHold(this.hold(item, owner.primaryId, pickupLibrary, holdUntil?.from === 'message' ? holdUntil.dueDate : null, now));
        // The patron hears when the partner asks for it (Hold For Pickup And Notify), in this same transaction.
        if (asksToNotify(command.requestedActionType)) {
          const key = noticeKey(request.id, 'READY_FOR_PICKUP', request.version);
          await repos.jobs.enqueue(noticeJob({ type: 'READY_FOR_PICKUP', key, requestId: request.id, loanId: null, endedAs: null }), this.deps.ids.newId(), now);
        }
      }
      return { borrowingRequest: request.id, barcode, requestId: request.id };
    });
  }

  /**
   * CheckInItem. A temporary item (borrowing): the patron returned it to the lender of last resort; any open loan
   * ends, the item is retired, the request is completed. Our own item (lending): back from the partner's
   * pseudopatron, in transit home.
   */
  async checkInItem(caller: NcipCaller, command: { itemId: IdCandidates | null }): Promise<NcipOutcome & { barcode: string }> {
    const partner = await this.partnerFor(caller);
    if (!command.itemId) throw problemError('ILL_ERR_VALIDATION', [{ path: 'ItemId', message: 'is missing' }]);
    return this.retrying(async (repos) => {
      const now = this.deps.clock.now();
      const item = await this.itemFor(repos, command.itemId!).catch(async (error: unknown) => {
        // The same CheckInItem again (ILLiad staff reprocess it): the temporary item is already retired; same answer.
        const retired = await this.retiredItem(repos, command.itemId!);
        if (retired) return retired;
        throw error;
      });
      if (item.status === 'RETIRED') return { borrowingRequest: item.borrowingRequest, barcode: item.barcode };
      const loan = await repos.circulation.openLoanOf(item.id);
      if (item.kind === 'OWN') {
        if (!loan) throw problemError('ILL_ERR_ITEM_NOT_CHECKED_OUT', [{ path: 'ItemId', message: `item ${item.barcode} is not on loan` }]);
        await repos.circulation.updateLoan(this.returned(loan, now));
        await repos.circulation.updateItem({ ...item, status: 'IN_TRANSIT', updatedAt: now });
        return { borrowingRequest: null, barcode: item.barcode };
      }
      const onShelf = (await repos.circulation.holdsOfItem(item.id)).filter((h) => h.status === 'ON_SHELF');
      // Returned at our desk already (in transit back) is fine; never received is not.
      const returnedHere = item.status === 'IN_TRANSIT' && (await repos.circulation.loans({ item: item.id, limit: 1, offset: 0 })).total > 0;
      if (!loan && onShelf.length === 0 && !returnedHere) {
        throw problemError('ILL_ERR_ITEM_NOT_CHECKED_OUT', [{ path: 'ItemId', message: `item ${item.barcode} has not been received here: it is neither on loan nor on the hold shelf` }]);
      }
      if (loan) await repos.circulation.updateLoan(this.returned(loan, now));
      for (const hold of onShelf) await repos.circulation.updateHold({ ...hold, status: 'CANCELLED', updatedAt: now });
      await repos.circulation.updateItem({ ...item, status: 'RETIRED', updatedAt: now });
      if (item.borrowingRequest) {
        const reason = `item ${item.barcode} checked in at ${partner.code} (NCIP CheckInItem)`;
        await this.deps.borrowing.actWithin(repos, item.borrowingRequest, 'partner-checked-in', 'partner', `partner:${partner.code}`, reason, { onlyIfAllowed: true });
      }
      return { borrowingRequest: item.borrowingRequest, barcode: item.barcode };
    });
  }

  /**
   * CheckOutItem. Lending through the partner (ILLiad "Mark Found"): our own item on loan to the partner's
   * pseudopatron, at Check-Out Item's Default Location and Item Policy. A broker's check-out of an item to one of
   * our patrons (a temporary item on the hold shelf) is a loan to that patron.
   */
  async checkOutItem(caller: NcipCaller, command: { itemId: IdCandidates | null; userId: string | null; requestId: string | null; desiredDateDue: string | null }): Promise<NcipOutcome & { barcode: string; dueDate: string; borrower: string }> {
    const partner = await this.partnerFor(caller);
    if (!command.itemId) throw problemError('ILL_ERR_VALIDATION', [{ path: 'ItemId', message: 'is missing' }]);
    return this.retrying(async (repos) => {
      const now = this.deps.clock.now();
      const item = await this.itemFor(repos, command.itemId!);
      const open = await repos.circulation.openLoanOf(item.id);
      const patron = command.userId ? await this.patronFor(repos, partner, command.userId) : undefined;
      const borrower = item.kind === 'TEMPORARY' && patron ? patron.primaryId : partnerBorrower(partner.code);
      if (open) {
        if (open.borrower === borrower) return { borrowingRequest: item.borrowingRequest, barcode: item.barcode, dueDate: open.dueDate, borrower };
        throw problemError('ILL_ERR_CONFLICT', [{ path: 'ItemId', message: `item ${item.barcode} is already on loan` }]);
      }
      if (item.kind === 'TEMPORARY') {
        if (!patron) throw command.userId ? unknownUser(command.userId) : problemError('ILL_ERR_VALIDATION', [{ path: 'UserId', message: 'is missing' }]);
        this.mayBorrow(patron, now);
        const loan = await this.lend(repos, item, patron.primaryId, dueDateFrom(command.desiredDateDue, partner.ncip.generalInformation.loanPeriod, now, partner.timeZone).dueDate, null, command.requestId, now);
        await this.pickedUp(repos, item, now);
        if (item.borrowingRequest) await this.loanRequest(repos, item.borrowingRequest, `partner:${partner.code}`, 'partner');
        return { borrowingRequest: item.borrowingRequest, barcode: item.barcode, dueDate: loan.dueDate, borrower: patron.primaryId };
      }
      const settings = partner.ncip.checkOutItem;
      const due = dueDateFrom(command.desiredDateDue, partner.ncip.generalInformation.loanPeriod, now, partner.timeZone).dueDate;
      await repos.circulation.updateItem({ ...item, status: 'ON_LOAN', location: settings.defaultLocation ?? item.location, itemPolicy: settings.defaultItemPolicy ?? item.itemPolicy, updatedAt: now });
      const loan = await this.lend(repos, item, borrower, due, null, command.requestId, now);
      return { borrowingRequest: null, barcode: item.barcode, dueDate: loan.dueDate, borrower };
    });
  }

  /** RenewItem: a new due date for an open loan (the one asked for, else one more Loan Period). */
  async renewItem(caller: NcipCaller, command: { itemId: IdCandidates | null; desiredDateDue: string | null }): Promise<NcipOutcome & { barcode: string; dueDate: string }> {
    const partner = await this.partnerFor(caller);
    if (!command.itemId) throw problemError('ILL_ERR_VALIDATION', [{ path: 'ItemId', message: 'is missing' }]);
    return this.retrying(async (repos) => {
      const now = this.deps.clock.now();
      const item = await this.itemFor(repos, command.itemId!);
      const loan = await repos.circulation.openLoanOf(item.id);
      if (!loan) throw problemError('ILL_ERR_ITEM_NOT_CHECKED_OUT', [{ path: 'ItemId', message: `item ${item.barcode} is not on loan` }]);
      const dueDate = dueDateFrom(command.desiredDateDue, partner.ncip.generalInformation.loanPeriod, loan.dueDate, partner.timeZone).dueDate;
      await repos.circulation.updateLoan({ ...loan, dueDate, renewals: loan.renewals + 1, updatedAt: now });
      return { borrowingRequest: item.borrowingRequest, barcode: item.barcode, dueDate };
    });
  }

  /** LookupUser: who the patron is, honouring Require Authentication. */
  async lookupUser(caller: NcipCaller, command: { userId: string | null; authenticationInputs: readonly { type: string | null; value: string }[] }): Promise<NcipOutcome & { patron: Patron; blocked: boolean }> {
    const partner = await this.partnerFor(caller);
    const idInput = command.authenticationInputs.find((input) => !/pin|password/i.test(input.type ?? ''));
    const sent = command.userId ?? idInput?.value ?? null;
    if (!sent) throw problemError('ILL_ERR_VALIDATION', [{ path: 'UserId', message: 'is missing (no UserId and no AuthenticationInput naming the user)' }]);
    if (partner.ncip.lookUpUser.requireAuthentication) {
      // Interlend keeps no patron PINs or passwords, so a partner that must authenticate patrons here cannot.
      throw problemError('ILL_ERR_USER_AUTHENTICATION_FAILED', [{ path: 'AuthenticationInput', message: `partner ${partner.code} has Require Authentication on, and this library keeps no patron PINs or passwords to check` }]);
    }
    const patron = await this.patronFor(this.deps.storage.read, partner, sent);
    if (!patron) throw unknownUser(sent);
    return { borrowingRequest: null, patron, blocked: !this.canBorrow(patron, this.deps.clock.now()) };
  }

  /**
   * RequestItem, borrowing (the broker tells us a patron asked for something it will source): with Support Borrowing
   * on, a borrowing request with the broker as its one partner, the record id of Bibliographic Record ID Type as
   * the OCLC number. Lending by RequestItem is not handled.
   */
  async requestItem(
    caller: NcipCaller,
    command: { userId: string | null; requestId: string | null; bibliographicIds: readonly { type: string | null; value: string }[]; title: string | null; author: string | null; pickupLocation: string | null },
  ): Promise<NcipOutcome & { requestId: string; patron: string }> {
    const partner = await this.partnerFor(caller);
    if (!partner.ncip.requestItem.supportBorrowing) {
      throw problemError('ILL_ERR_UNSUPPORTED_SERVICE', [{ path: 'RequestItem', message: `partner ${partner.code} does not take borrowing requests by RequestItem (Support Borrowing is off)` }]);
    }
    if (!command.userId) throw problemError('ILL_ERR_VALIDATION', [{ path: 'UserId', message: 'is missing' }]);
    return this.retrying(async (repos) => {
      const patron = await this.patronFor(repos, partner, command.userId!);
      if (!patron) throw unknownUser(command.userId!);
      this.mayBorrow(patron, this.deps.clock.now());
      const oclc = partner.ncip.requestItem.bibliographicRecordIdType === 'OCLC_NUMBER' ? command.bibliographicIds.find((id) => !id.type || /oclc/i.test(id.type))?.value ?? null : null;
      const pickupLibrary = await this.pickupLibrary(repos, command.pickupLocation, partner.ncip.requestItem.defaultPickupLibrary ?? patron.pickupLibrary);
      const request = await this.deps.borrowing.createForPartner(repos, {
        patron,
        partner: partner.code,
        title: command.title ?? (oclc ? `OCLC ${oclc}` : `Requested through ${partner.code}`),
        author: command.author,
        oclcNumber: oclc,
        pickupLibrary,
        owner: partner.ncip.generalInformation.defaultLibraryOwner,
        externalRequest: command.requestId,
        actor: `partner:${partner.code}`,
      });
      return { borrowingRequest: request.id, requestId: request.id, patron: patron.primaryId };
    });
  }

  /** Our institution's NCIP agency id: the From of every answer. */
  async institutionCode(): Promise<string> {
    return (await this.configCache.get(this.deps.storage.read)).institution?.ncipAgencyId ?? 'INTERLEND';
  }

  /** CancelRequestItem: the partner cancels one of our requests it holds (before the item has come). */
  async cancelRequestItem(caller: NcipCaller, command: { requestId: IdCandidates | null; itemId: IdCandidates | null }): Promise<NcipOutcome & { requestId: string }> {
    const partner = await this.partnerFor(caller);
    return this.retrying(async (repos) => {
      const request = await this.linkedRequest(repos, partner, [command.requestId, command.itemId]);
      if (!request) throw problemError('ILL_ERR_UNKNOWN_REQUEST', [{ path: 'RequestId', message: `no open request of ours is known to ${partner.code} by ${command.requestId?.sent ?? command.itemId?.sent ?? '(nothing sent)'}` }]);
      await this.deps.borrowing.actWithin(repos, request.id, 'partner-cancelled', 'partner', `partner:${partner.code}`, 'cancelled by the partner (NCIP CancelRequestItem)');
      return { borrowingRequest: request.id, requestId: request.id };
    });
  }

  /**
   * CreateUserFiscalTransaction: with Create Fee Using = Ignore Message it is acknowledged and nothing is recorded
   * (the guide's setting); fees are not kept yet, so the other choice is refused rather than silently dropped.
   */
  async createUserFiscalTransaction(caller: NcipCaller, command: { userId: string | null }): Promise<NcipOutcome & { patron: string; reference: string | null }> {
    const partner = await this.partnerFor(caller);
    if (!command.userId) throw problemError('ILL_ERR_VALIDATION', [{ path: 'UserId', message: 'is missing' }]);
    const patron = await this.patronFor(this.deps.storage.read, partner, command.userId);
    if (!patron) throw unknownUser(command.userId);
    if (partner.ncip.createUserFiscalTransaction.createFeeUsing === 'IGNORE_MESSAGE') return { borrowingRequest: null, patron: patron.primaryId, reference: null };
    throw problemError('ILL_ERR_UNSUPPORTED_SERVICE', [{ path: 'FiscalTransactionInformation', message: 'fees are not recorded by this version of Interlend; set Create Fee Using to Ignore Message' }]);
  }

  // --- helpers -------------------------------------------------------------------------------------------------

  /** Runs the work in a transaction; a concurrent identical message (a unique barcode or loan) is retried once seen. */
  private async retrying<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.storage.transaction(work);
      } catch (error) {
        // A duplicate: the same message, handled at the same moment, made the item or loan first; look again.
        const again = error instanceof InterlendError && (error.code === 'ILL_ERR_DUPLICATE' || (error.code === 'ILL_ERR_CONFLICT' && /changed by someone else/.test(error.message)));
        if (!again || attempt >= MAX_TRIES) throw error;
      }
    }
  }

  /** Our open request that the partner knows by one of these ids: its TransactionNumber, or our own request id. */
  /**
   * An AcceptItem naming a transaction number we do not know, while a request of the same patron is being exported
   * to this partner: after a crash between ILLiad making the transaction and our recording its number (until the
   * export job's lease passes and it runs again), the item may well be that request's. Making a new request of it
   * would leave two requests on one ILLiad number (found by the crash test), so the message is refused as a
   * temporary failure; ILLiad's staff send it again, and by then the export has recorded the number.
   */
  private async refuseWhileExporting(repos: Repositories, partner: NcipPartner, patron: string, barcode: string, ids: readonly (IdCandidates | null)[]): Promise<void> {
    if (partner.ncip.exportToThirdParty.exportToThirdParty !== 'USING_API') return;
    const exporting = await repos.borrowing.list({ limit: 1, offset: 0, statuses: ['REQUEST_SENT_TO_PARTNER'], patron, partner: partner.code });
    const request = exporting.items[0];
    if (request) {
      throw new InterlendError(
        'ILL_ERR_NOT_YET',
        `item ${barcode} names no request of ours, but request ${request.id} of the same patron is being exported to ${partner.code} and its transaction number is not recorded yet: send AcceptItem again in a few minutes`,
      );
    }
    // On PostgreSQL each statement sees what was committed before it (READ COMMITTED): the export may have recorded
    // the number, and so taken its request out of Request sent to partner, between the caller's lookup by number and
    // the list above. Looked up again after the list, it is seen (found by the PostgreSQL restart test, where the
    // AcceptItems refused during the outage came back in a burst with the exports that had waited).
    if (await this.linkedRequest(repos, partner, ids)) {
      throw new InterlendError('ILL_ERR_NOT_YET', `item ${barcode} belongs to a request whose transaction number was being recorded at this moment: send AcceptItem again`);
    }
  }

  private async linkedRequest(repos: Repositories, partner: NcipPartner, ids: readonly (IdCandidates | null)[]): Promise<BorrowingRequest | undefined> {
    const candidates = [...new Set(ids.flatMap((id) => (id ? id.candidates : [])))];
    for (const candidate of candidates) {
      const found = (await repos.borrowing.byThirdPartyNumber(candidate)).find((r) => r.exportedTo?.partner === partner.code && !TERMINAL.has(r.status));
      if (found) return found;
    }
    // Our own request ids (brokers that echo them) are ULIDs, never all digits like ILLiad's numbers.
    for (const candidate of candidates.filter((c) => !/^\d+$/.test(c))) {
      const found = await repos.borrowing.get(candidate);
      if (found && !TERMINAL.has(found.status)) return found;
    }
    return undefined;
  }

  private async retiredItem(repos: Repositories, id: IdCandidates): Promise<Item | undefined> {
    for (const candidate of [id.sent, ...id.candidates]) {
      const [latest] = (await repos.circulation.items({ barcode: candidate, limit: 1, offset: 0 })).items;
      if (latest?.status === 'RETIRED' && latest.kind === 'TEMPORARY') return latest;
    }
    return undefined;
  }

  private async itemFor(repos: Repositories, id: IdCandidates): Promise<Item> {
    for (const candidate of [id.sent, ...id.candidates]) {
      const item = await repos.circulation.itemByBarcode(candidate);
      if (item) return item;
    }
    throw problemError('ILL_ERR_UNKNOWN_ITEM', [{ path: 'ItemId', message: `no item here has barcode ${id.sent}` }]);
  }

  private async pickupLibrary(repos: Repositories, asked: string | null, fallback: string | null): Promise<string> {
    if (asked) {
      const library = (await repos.config('libraries').findByKey(asked.trim()))?.doc;
      if (library?.isPickup) return library.code;
    }
    if (fallback) return fallback;
    const institution = (await repos.institution.get())?.doc;
    if (institution?.defaultPickupLibrary) return institution.defaultPickupLibrary;
    throw problemError('ILL_ERR_VALIDATION', [{ path: 'PickupLocation', message: 'is missing, and neither the partner nor the institution has a default pickup library' }]);
  }

  private hold(item: Item, patron: string, pickupLibrary: string, holdUntil: string | null, now: string): Hold {
    return { id: this.deps.ids.newId(), item: item.id, patron, pickupLibrary, holdUntil, status: 'ON_SHELF', borrowingRequest: item.borrowingRequest, createdAt: now, updatedAt: now };
  }

  private returned(loan: Loan, now: string): Loan {
    return { ...loan, status: 'RETURNED', returnedAt: now, updatedAt: now };
  }

  private async lend(repos: Repositories, item: Item, borrower: string, dueDate: string, desk: string | null, externalRequest: string | null, now: string): Promise<Loan> {
    const loan: Loan = { id: this.deps.ids.newId(), item: item.id, borrower, status: 'OPEN', dueDate, renewals: 0, desk, externalRequest, checkedOutAt: now, returnedAt: null, updatedAt: now };
    await repos.circulation.insertLoan(loan);
    return loan;
  }

  private async pickedUp(repos: Repositories, item: Item, now: string): Promise<void> {
    for (const hold of await repos.circulation.holdsOfItem(item.id)) {
      if (hold.status === 'ON_SHELF') await repos.circulation.updateHold({ ...hold, status: 'PICKED_UP', updatedAt: now });
    }
    await repos.circulation.updateItem({ ...item, status: 'ON_LOAN', updatedAt: now });
  }

  private async loanRequest(repos: Repositories, requestId: string, actor: string, by: 'staff' | 'partner'): Promise<void> {
    const request = await repos.borrowing.get(requestId);
    if (request?.status === 'PHYSICALLY_RECEIVED_BY_LIBRARY') await this.deps.borrowing.actWithin(repos, requestId, 'loan', by, actor, 'checked out to the patron');
  }

  canBorrow(patron: Patron, now: string): boolean {
    return patron.status === 'ACTIVE' && patron.blocks.length === 0 && !(patron.expiryDate && patron.expiryDate < now.slice(0, 10));
  }

  mayBorrow(patron: Patron, now: string): void {
    if (!this.canBorrow(patron, now)) throw problemError('ILL_ERR_USER_BLOCKED', [{ path: 'UserId', message: `patron ${patron.primaryId} may not borrow (blocked, inactive or expired)` }]);
  }
}
