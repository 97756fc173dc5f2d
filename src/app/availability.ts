/**
 * Availability for peers (issue 6, item 6), both ways. We publish whether we hold an item, for another Interlend
 * whose partner record of us has a locate profile of type INTERLEND; and we ask peers with such a profile before
 * a request is routed (design.md decision 4: a partner with a locate profile that does not hold the item leaves
 * the rota; one without a profile stays).
 */
import type { Env } from '../domain/config/env-refs.ts';
import { resolveEnv } from '../domain/config/env-refs.ts';
import type { Partner } from '../domain/config/partner.ts';
import { Secret } from '../domain/config/secret.ts';
import { InterlendError, problemError } from '../domain/errors.ts';
import { type LendingCitation, matchHoldings } from '../domain/request/lending-request.ts';
import type { Citation } from '../domain/request/borrowing-request.ts';
import type { LocateAnswer } from '../domain/rota/locate.ts';

export interface AvailabilityQuery {
  readonly oclcNumber?: string | null | undefined;
  readonly isbn?: string | null | undefined;
  readonly issn?: string | null | undefined;
}

export interface AvailabilityAnswer {
  readonly available: boolean;
  /** Which identifier matched, or which were looked up: `we hold 12345678`. */
  readonly reason: string;
}

const NO_CITATION: LendingCitation = {
  title: null, author: null, subtitle: null, edition: null, publisher: null, placeOfPublication: null, year: null, volume: null, issue: null, pages: null,
  articleTitle: null, articleAuthor: null, oclcNumber: null, isbn: null, issn: null, supplierUniqueRecordId: null,
};

/** What we publish: the same holdings the lending auto-responder reads (LENDING_HOLDINGS_FILE). */
export class AvailabilityService {
  constructor(private readonly holdings: ReadonlySet<string> | undefined) {}

  lookup(query: AvailabilityQuery): AvailabilityAnswer {
    if (!this.holdings) throw new InterlendError('ILL_ERR_NOT_FOUND', 'this library publishes no holdings (LENDING_HOLDINGS_FILE is not set)');
    const citation = { ...NO_CITATION, oclcNumber: query.oclcNumber?.trim() || null, isbn: query.isbn?.trim() || null, issn: query.issn?.trim() || null };
    if (!citation.oclcNumber && !citation.isbn && !citation.issn) throw problemError('ILL_ERR_BAD_REQUEST', [{ path: 'oclcNumber', message: 'give at least one of oclcNumber, isbn, issn' }]);
    const match = matchHoldings(citation, this.holdings);
    return { available: match.holds, reason: match.reason };
  }
}

/** The port to another Interlend's availability: `GET {url}/api/v1/availability` with its token. */
export type AvailabilityAsker = (peer: { url: string; token: string }, query: AvailabilityQuery) => Promise<AvailabilityAnswer>;

/** How long routing waits for a peer's answer before keeping it in the rota unasked. */
export const LOCATE_TIMEOUT_MS = 3000;

/**
 * Asks every peer with an INTERLEND locate profile, at once, whether it holds the citation. A peer that cannot be
 * asked (down, slow, wrong token, no holdings published) stays in the rota, with the reason: not knowing is not
 * "does not hold" (design.md decision 4 removes only partners that say they do not).
 */
export async function askPeers(partners: Iterable<Partner>, citation: Citation, ask: AvailabilityAsker, env: Env): Promise<Map<string, LocateAnswer>> {
  const asked = [...partners].filter((p) => p.status === 'ACTIVE' && p.locateProfile?.type === 'INTERLEND');
  const query = { oclcNumber: citation.oclcNumber, isbn: citation.isbn, issn: citation.issn };
  const answers = await Promise.all(
    asked.map(async (partner): Promise<[string, LocateAnswer]> => {
      const profile = partner.locateProfile as Extract<NonNullable<Partner['locateProfile']>, { type: 'INTERLEND' }>;
      if (!query.oclcNumber && !query.isbn && !query.issn) return [partner.code, { holds: true, reason: 'not asked: the citation has no OCLC number, ISBN or ISSN; kept in the rota' }];
      const url = resolveEnv(profile.url, env).value;
      const token = profile.token instanceof Secret ? profile.token.reveal(env) : undefined;
      if (!url || !token) return [partner.code, { holds: true, reason: `not asked: its locate profile has no ${url ? 'token' : 'address'} here; kept in the rota` }];
      try {
        const answer = await ask({ url, token }, query);
        return [partner.code, { holds: answer.available, reason: `${answer.available ? 'holds it' : 'does not hold it'} (it says: ${answer.reason})` }];
      } catch (error) {
        const why = error instanceof InterlendError ? error.message : String(error);
        return [partner.code, { holds: true, reason: `could not be asked (${why}); kept in the rota` }];
      }
    }),
  );
  return new Map(answers);
}
