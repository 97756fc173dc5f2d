/**
 * Locate (design.md, decision 4): a partner with a locate profile is asked whether it holds the item; one without
 * (ILLiad) stays. The static profile answers from a list of identifiers, here and purely; profiles that ask over
 * the network are adapters behind the app's locate port.
 */
import type { Partner } from '../config/partner.ts';
import type { Citation } from '../request/borrowing-request.ts';

export interface LocateAnswer {
  readonly holds: boolean;
  readonly reason: string;
}

function identifiers(citation: Citation): string[] {
  return [citation.oclcNumber, citation.isbn?.replace(/[\s-]/g, ''), citation.issn?.replace(/[\s-]/g, '')].filter((v): v is string => !!v);
}

export function locateStatic(partner: Partner, citation: Citation): LocateAnswer {
  const holdings = new Set((partner.locateProfile?.type === 'STATIC' ? partner.locateProfile.holdings : []).map((h) => h.replace(/[\s-]/g, '').toUpperCase()));
  const wanted = identifiers(citation).map((i) => i.toUpperCase());
  if (wanted.length === 0) return { holds: false, reason: 'the citation has no OCLC number, ISBN or ISSN to look up' };
  const found = wanted.find((id) => holdings.has(id));
  return found ? { holds: true, reason: `holds ${found}` } : { holds: false, reason: `holds none of ${wanted.join(', ')}` };
}
