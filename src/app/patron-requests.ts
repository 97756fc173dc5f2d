/**
 * The patron's side of borrowing requests (issue 9, items 2 and 4): placing a request from the patron request page
 * (through BorrowingService.create, the same use case as the staff form and the API), and "my requests": only the
 * patron's own, in plain words, with cancel while the state model lets the patron cancel and a renewal asked for
 * where the lender can be asked.
 *
 * Another patron's request is "not found", never "not allowed": its id is not confirmed to exist.
 */
import { OPENURL_FIELDS, type OpenUrlCitation, type OpenUrlField, requestedFormatFor } from '../domain/bib/openurl.ts';
import { DEFAULT_HOLD_SHELF_DAYS, heldUntil } from '../domain/circulation/pickup.ts';
import { CITATION_TYPE } from '../domain/config/enums.ts';
import type { Patron } from '../domain/config/patron.ts';
import { InterlendError, invalid, notFound, type Problem } from '../domain/errors.ts';
import { type Duplicate, duplicatesOf } from '../domain/patron/duplicates.ts';
import { patronDate, type PatronStatus, patronStatus } from '../domain/patron/patron-status.ts';
import type { RequestFormDecision } from '../domain/patron/request-services.ts';
import type { BorrowingRequest } from '../domain/request/borrowing-request.ts';
import { allowedActions, BORROWING_MODEL } from '../domain/request/state-model.ts';
import type { BorrowingService } from './borrowing-service.ts';
import { ConfigCache } from './config-snapshot.ts';
import type { Clock, Storage } from './ports.ts';
import type { RequestServices } from './request-services.ts';

export type CitationType = (typeof CITATION_TYPE.values)[number];

/** What the patron request page sends: the citation as edited, and the request's own fields. */
export interface PatronRequestInput {
  readonly fields: Readonly<Partial<Record<OpenUrlField, string>>>;
  readonly citationType: string;
  readonly pmid: string;
  readonly pickupLibrary: string;
  readonly neededBy: string;
  readonly note: string;
}

export type PlaceOutcome =
  | { readonly placed: BorrowingRequest }
  /** The patron has open requests for the same item: shown, and placed only when the patron says so. */
  | { readonly duplicates: readonly DuplicateSummary[] }
  | { readonly refused: RequestFormDecision };

/** An open request of the patron's for the same item, as the request page shows it. */
export interface DuplicateSummary {
  readonly id: string;
  readonly title: string;
  /** "3 March". */
  readonly requestedOn: string;
  readonly status: string;
  /** What is the same: "the same OCLC number (12345678)". */
  readonly because: string;
}

export interface PatronRequestView {
  readonly id: string;
  readonly title: string;
  /** The article or chapter, when the request is for one. */
  readonly part: string | null;
  readonly author: string | null;
  readonly citationType: string;
  readonly requestedOn: string;
  readonly pickupLibrary: string;
  readonly status: PatronStatus;
  readonly mayCancel: boolean;
  /** Whether the patron may ask for a renewal now, or why not (null: renewals are not a question in this status). */
  readonly renewal: { readonly offered: true } | { readonly offered: false; readonly why: string } | null;
}

const PMID = /^\d{1,10}$/;
const MAX_LISTED = 100;

export interface PatronRequestsDeps {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly borrowing: BorrowingService;
  readonly services: RequestServices;
  /** Days an item waits on the hold shelf (HOLD_SHELF_DAYS): the "until" of "ready for pickup". */
  readonly holdShelfDays?: number;
}

export class PatronRequests {
  private readonly configCache = new ConfigCache();

  constructor(private readonly deps: PatronRequestsDeps) {}

  /** What the request page needs before anything is placed: may this patron ask, where to collect, duplicates. */
  async form(patron: Patron, citation: Pick<OpenUrlCitation, 'fields' | 'citationType' | 'pmid'>) {
    const config = await this.configCache.get(this.deps.storage.read);
    const pickupLibraries = [...config.libraries.values()].filter((l) => l.isPickup).map((l) => ({ code: l.code, name: l.name })).sort((a, b) => (a.name < b.name ? -1 : 1));
    const defaultPickup = patron.pickupLibrary ?? config.institution?.defaultPickupLibrary ?? null;
    return {
      decision: await this.deps.services.requestForm(citation, patron),
      pickupLibraries,
      defaultPickup,
      duplicates: citation.fields.title ? await this.summaries(await this.duplicates(patron, citation.fields)) : [],
    };
  }

  /** Places the request as the patron, unless it is refused or duplicates one of theirs and is not confirmed. */
  async place(patron: Patron, input: PatronRequestInput, options: { confirmDuplicate: boolean }): Promise<PlaceOutcome> {
    const problems: Problem[] = [];
    const type = (CITATION_TYPE.values as readonly string[]).includes(input.citationType) ? (input.citationType as CitationType) : undefined;
    if (!type) problems.push({ path: 'citationType', message: `must be one of ${CITATION_TYPE.values.map((v) => CITATION_TYPE.labels[v]).join(', ')}` });
    const pmid = input.pmid.trim();
    if (pmid && !PMID.test(pmid)) problems.push({ path: 'pmid', message: 'is not a PubMed id: it is digits only, such as 13054692' });
    const today = this.deps.clock.now().slice(0, 10);
    const neededBy = input.neededBy.trim();
    if (neededBy && /^\d{4}-\d{2}-\d{2}$/.test(neededBy) && neededBy < today) problems.push({ path: 'neededBy', message: 'is in the past' });
    if (problems.length) throw invalid(problems);

    const decision = await this.deps.services.requestForm({ fields: fieldsOf(input.fields), citationType: type!, pmid: pmid || null }, patron);
    if (!decision.offered) return { refused: decision };
    if (!options.confirmDuplicate) {
      const duplicates = await this.duplicates(patron, input.fields);
      if (duplicates.length) return { duplicates: await this.summaries(duplicates) };
    }
    // The PubMed id has no field of its own (neither ILLiad nor ISO 18626 carries one): the note does, and the
    // note reaches the lender (ILLiad's SpecIns, ISO 18626's note).
    const note = [input.note.trim(), pmid ? `PMID: ${pmid}` : ''].filter(Boolean).join('\n');
    const body: Record<string, unknown> = {
      patron: patron.primaryId,
      ...Object.fromEntries(Object.entries(input.fields).filter(([, value]) => value !== undefined && value.trim() !== '')),
      citationType: type,
      requestedFormat: requestedFormatFor(type!),
      ...(input.pickupLibrary.trim() ? { pickupLibrary: input.pickupLibrary.trim() } : {}),
      ...(neededBy ? { neededBy } : {}),
      ...(note ? { patronNote: note } : {}),
    };
    return { placed: await this.deps.borrowing.create(body, `patron:${patron.primaryId}`) };
  }

  /** The patron's requests, most recently changed first (the latest hundred). */
  async list(patron: Patron): Promise<PatronRequestView[]> {
    const page = await this.deps.storage.read.borrowing.list({ patron: patron.primaryId, limit: MAX_LISTED, offset: 0 });
    return this.views(patron, page.items);
  }

  /** One of the patron's requests; another patron's is not found. */
  async one(patron: Patron, id: string): Promise<PatronRequestView> {
    const [view] = await this.views(patron, [await this.own(patron, id)]);
    return view!;
  }

  async cancel(patron: Patron, id: string): Promise<void> {
    await this.own(patron, id);
    await this.deps.borrowing.act(id, 'patron-cancel', 'patron', `patron:${patron.primaryId}`);
  }

  /** Asks the lender for more time, where the patron may (see `renewalOf`). */
  async renew(patron: Patron, id: string): Promise<void> {
    const request = await this.own(patron, id);
    const [view] = await this.views(patron, [request]);
    if (!view!.renewal?.offered) {
      const why = view!.renewal && !view!.renewal.offered ? view!.renewal.why : 'a renewal is not possible now';
      throw new InterlendError('ILL_ERR_INVALID_TRANSITION', why.charAt(0).toUpperCase() + why.slice(1));
    }
    await this.deps.borrowing.act(id, 'renew', 'patron', `patron:${patron.primaryId}`, 'the patron asked for a renewal');
  }

  private async own(patron: Patron, id: string): Promise<BorrowingRequest> {
    const request = await this.deps.storage.read.borrowing.get(id);
    if (!request || request.patron !== patron.primaryId) throw notFound(`request ${id}`);
    return request;
  }

  private async duplicates(patron: Patron, fields: Readonly<Partial<Record<OpenUrlField, string | null>>>): Promise<Duplicate[]> {
    const open = await this.deps.storage.read.borrowing.list({ patron: patron.primaryId, limit: MAX_LISTED, offset: 0 });
    const f = fieldsOf(fields);
    return duplicatesOf({ title: f.title ?? '', author: f.author, articleTitle: f.articleTitle, articleAuthor: f.articleAuthor, oclcNumber: f.oclcNumber, isbn: f.isbn, doi: f.doi }, open.items);
  }

  private async summaries(duplicates: readonly Duplicate[]): Promise<DuplicateSummary[]> {
    const config = await this.configCache.get(this.deps.storage.read);
    const timeZone = config.institution?.timeZone ?? 'UTC';
    const now = this.deps.clock.now();
    const partnerName = (code: string) => config.partners.get(code)?.name ?? code;
    return duplicates.map(({ request, because }) => ({
      id: request.id,
      title: request.citation.articleTitle ? `${request.citation.articleTitle} (in ${request.citation.title})` : request.citation.title,
      requestedOn: patronDate(request.createdAt, timeZone, now),
      status: patronStatus(request, { partnerName, timeZone, now }).text,
      because,
    }));
  }

  private async views(patron: Patron, requests: readonly BorrowingRequest[]): Promise<PatronRequestView[]> {
    const read = this.deps.storage.read;
    const config = await this.configCache.get(read);
    const timeZone = config.institution?.timeZone ?? 'UTC';
    const now = this.deps.clock.now();
    const libraryName = (code: string) => config.libraries.get(code)?.name ?? code;
    const partnerName = (code: string) => config.partners.get(code)?.name ?? code;
    // The hold shelf and loans AcceptItem and check-out wrote, by the request they belong to.
    const holds = new Map<string, { library: string; until: string }>();
    for (const hold of (await read.circulation.holds({ patron: patron.primaryId, status: 'ON_SHELF', limit: MAX_LISTED, offset: 0 })).items) {
      if (!hold.borrowingRequest) continue;
      const item = await read.circulation.getItem(hold.item);
      holds.set(hold.borrowingRequest, { library: libraryName(hold.pickupLibrary), until: heldUntil(hold, item?.dueBack ?? null, this.deps.holdShelfDays ?? DEFAULT_HOLD_SHELF_DAYS, timeZone) });
    }
    const loans = new Map<string, { dueDate: string }>();
    for (const loan of (await read.circulation.loans({ borrower: patron.primaryId, status: 'OPEN', limit: MAX_LISTED, offset: 0 })).items) {
      const item = await read.circulation.getItem(loan.item);
      if (item?.borrowingRequest) loans.set(item.borrowingRequest, { dueDate: loan.dueDate });
    }
    const views: PatronRequestView[] = [];
    for (const request of requests) {
      const c = request.citation;
      const patronActions = allowedActions(BORROWING_MODEL, request.status, 'patron');
      views.push({
        id: request.id,
        title: c.title,
        part: c.articleTitle,
        author: c.articleTitle ? (c.articleAuthor ?? c.author) : (c.author ?? c.articleAuthor),
        citationType: CITATION_TYPE.labels[request.citationType],
        requestedOn: patronDate(request.createdAt, timeZone, now),
        pickupLibrary: libraryName(request.pickupLibrary),
        status: patronStatus(request, { partnerName, hold: holds.get(request.id), loan: loans.get(request.id), timeZone, now }),
        mayCancel: patronActions.includes('patron-cancel'),
        renewal: patronActions.includes('renew') ? await this.renewalOf(request, partnerName, (at) => patronDate(at, timeZone, now)) : null,
      });
    }
    return views;
  }

  /**
   * A renewal is asked of the lender, so only a lender we can ask (an ISO 18626 peer: its Renew); what ILLiad or a
   * lender by e-mail supplied is renewed by the library. Once asked, not again until the lender answers.
   */
  private async renewalOf(request: BorrowingRequest, partnerName: (code: string) => string, day: (at: string) => string): Promise<PatronRequestView['renewal']> {
    const code = request.current === null ? undefined : request.rota[request.current]?.partner;
    const partner = code ? (await this.configCache.get(this.deps.storage.read)).partners.get(code) : undefined;
    if (!partner || partner.profileType !== 'ISO18626') {
      return { offered: false, why: `ask the library to renew it${partner ? ` (it came from ${partnerName(partner.code)}, which renewals are not sent to from here)` : ''}` };
    }
    const history = await this.deps.storage.read.borrowing.history(request.id);
    const lastLoan = history.map((h) => h.action).lastIndexOf('loan');
    const asked = history.slice(lastLoan + 1).filter((h) => h.action === 'renew').pop();
    if (asked) return { offered: false, why: `a renewal was asked for on ${day(asked.at)}; the library will tell you the answer` };
    return { offered: true };
  }
}

function fieldsOf(given: Readonly<Partial<Record<OpenUrlField, string | null>>>): Record<OpenUrlField, string | null> {
  const out = {} as Record<OpenUrlField, string | null>;
  for (const field of OPENURL_FIELDS) {
    const value = given[field]?.trim();
    out[field] = value ? value : null;
  }
  return out;
}
