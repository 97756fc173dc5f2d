/**
 * Which request services a user is offered for a citation (issue 9, item 3): `GET /api/v1/services`, which a
 * discovery system (Primo's Get It, VuFind) asks before it shows a patron the library's request links, and the
 * patron request page, which asks the same before it takes a request. The rules are domain/patron/request-services.ts;
 * this gathers what they need: the partners, who the user is, and whether the library holds the item.
 */
import { type OpenUrlCitation, parseOpenUrl } from '../domain/bib/openurl.ts';
import type { Patron } from '../domain/config/patron.ts';
import { InterlendError, problemError } from '../domain/errors.ts';
import { borrowingRefusal } from '../domain/patron/eligibility.ts';
import { type LocalCopy, requestFormDecision, type RequestFormDecision, requestServices, type ServiceContext, type ServiceDecision } from '../domain/patron/request-services.ts';
import type { AvailabilityService } from './availability.ts';
import { ConfigCache } from './config-snapshot.ts';
import type { Clock, Storage } from './ports.ts';

export interface ServicesQuery {
  /** The OpenURL, as the raw query string (its own encoding rules: domain/bib/openurl.ts). */
  readonly openUrl: string;
  /** The patron's primary id, when the discovery system knows who is signed in. */
  readonly patron?: string | undefined;
  /** Nobody is signed in. */
  readonly guest?: boolean | undefined;
  /** Our OpenURL intake's absolute address, where a Link service with a blank URL Template sends the patron. */
  readonly requestFormUrl: string;
}

export interface ServicesAnswer {
  readonly user: { readonly guest: boolean; readonly patron: string | null };
  readonly citation: OpenUrlCitation;
  readonly local: LocalCopy;
  readonly services: readonly ServiceDecision[];
}

export class RequestServices {
  private readonly configCache = new ConfigCache();

  constructor(private readonly deps: { storage: Storage; clock: Clock; availability: AvailabilityService }) {}

  /** The answer to `GET /api/v1/services`: a patron (by primary id) or a guest, never neither. */
  async offered(query: ServicesQuery): Promise<ServicesAnswer> {
    if (query.patron && query.guest) throw problemError('ILL_ERR_BAD_REQUEST', [{ path: 'guest', message: 'give either patron or guest=true, not both' }]);
    let patron: Patron | undefined;
    if (query.patron) {
      patron = (await this.deps.storage.read.config('patrons').findByKey(query.patron))?.doc;
      if (!patron) throw new InterlendError('ILL_ERR_NOT_FOUND', `patron ${query.patron} does not exist`, [{ path: 'patron', message: `names patron ${query.patron}, who does not exist` }]);
    } else if (!query.guest) {
      throw problemError('ILL_ERR_BAD_REQUEST', [{ path: 'patron', message: "say who the user is: patron=<primary id>, or guest=true when nobody is signed in" }]);
    }
    const citation = parseOpenUrl(query.openUrl);
    const context = this.contextFor(citation, patron ?? null, query.requestFormUrl);
    const { partners } = await this.configCache.get(this.deps.storage.read);
    return { user: { guest: context.user.guest, patron: patron?.primaryId ?? null }, citation, local: context.local, services: requestServices(partners.values(), context) };
  }

  /** Whether our patron request form takes a request from this patron for this citation, and why not. */
  async requestForm(citation: Pick<OpenUrlCitation, 'fields' | 'citationType' | 'pmid'>, patron: Patron): Promise<RequestFormDecision> {
    const { partners } = await this.configCache.get(this.deps.storage.read);
    return requestFormDecision(partners.values(), this.contextFor(citation, patron, ''));
  }

  private contextFor(citation: Pick<OpenUrlCitation, 'fields' | 'citationType' | 'pmid'>, patron: Patron | null, requestFormUrl: string): ServiceContext {
    const today = this.deps.clock.now().slice(0, 10);
    return {
      user: { guest: patron ? patron.isGuest : true, mayNotBorrow: patron ? borrowingRefusal(patron, today) : undefined },
      local: this.localCopy(citation),
      citation: { fields: citation.fields, citationType: citation.citationType, pmid: citation.pmid },
      requestFormUrl,
    };
  }

  /**
   * Whether the library has the item, from its published holdings (LENDING_HOLDINGS_FILE, the list of what it can
   * lend). Interlend knows holdings, not shelf status: an item in the list counts as held and as available.
   */
  private localCopy(citation: Pick<OpenUrlCitation, 'fields'>): LocalCopy {
    const { oclcNumber, isbn, issn } = citation.fields;
    if (!oclcNumber && !isbn && !issn) return { held: null, available: null, reason: 'the citation has no OCLC number, ISBN or ISSN to look up' };
    try {
      const answer = this.deps.availability.lookup({ oclcNumber, isbn, issn });
      return { held: answer.available, available: answer.available, reason: answer.reason };
    } catch (error) {
      if (error instanceof InterlendError && error.code !== 'ILL_ERR_INTERNAL') return { held: null, available: null, reason: error.message };
      throw error;
    }
  }
}
