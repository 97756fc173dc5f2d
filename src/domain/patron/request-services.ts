/**
 * Which request services a patron is offered for a citation (issue 9, item 3): the rules of the guide's General
 * Information parameters of an NCIP partner, as Alma applies them to the partner's service in Primo's Get It
 * (alma-domain.md §2.4 and §3.2; the Ex Libris article "Control when ILLiad request appears in Primo's GetIt tab"):
 *
 * - Request Pushing Method: Link → the URL Template filled from the citation; a blank template → our own patron
 *   request form, opened with the citation as an OpenURL (the guide: Link, URL Template blank). OpenURL → the
 *   template is the partner's OpenURL address, and the citation is appended to it as an OpenURL 1.0.
 * - Enable Service For Guest User: No → not offered to a guest (someone not signed in, or a patron marked guest).
 * - Disable Service When: Never → offered whatever the library has; Held locally → not offered when the library
 *   holds the item; Available locally → not offered when the library's copy is available.
 *
 * Pure: what is known about the user and the library's copy comes in; each answer says why, in a sentence.
 */
import { type CitationType, type OpenUrlField, toOpenUrl } from '../bib/openurl.ts';
import { DISABLE_SERVICE_WHEN, REQUEST_PUSHING_METHOD } from '../config/enums.ts';
import type { NcipPartner, Partner } from '../config/partner.ts';
import { illiadPartnerOf } from '../doctor/configuration.ts';

export interface ServiceUser {
  /** Not signed in (`guest=true`), or a patron whose record says guest. */
  readonly guest: boolean;
  /** Why this patron may not borrow at all (blocked, inactive, expired), if so. */
  readonly mayNotBorrow?: string | undefined;
}

/**
 * What is known of the library's own copy. `null`: not known (no holdings published, no identifier to look up),
 * and `reason` says why; a service is never hidden on what is not known.
 */
export interface LocalCopy {
  readonly held: boolean | null;
  readonly available: boolean | null;
  readonly reason: string;
}

export interface ServiceCitation {
  readonly fields: Readonly<Record<OpenUrlField, string | null>>;
  readonly citationType: CitationType;
  readonly pmid: string | null;
}

export interface ServiceDecision {
  readonly partner: string;
  readonly name: string;
  readonly offered: boolean;
  /** Where the patron goes when it is offered; null when it is not. */
  readonly url: string | null;
  readonly requestPushingMethod: (typeof REQUEST_PUSHING_METHOD.values)[number];
  /** One sentence per parameter, in the guide's order: what it says and what it did here. */
  readonly reasons: readonly string[];
  /** What hides it, as codes (for pages that say it in their own words); empty when it is offered. */
  readonly hiddenBecause: readonly HiddenBecause[];
}

export type HiddenBecause = 'may-not-borrow' | 'guest' | 'held-locally' | 'available-locally';

export interface ServiceContext {
  readonly user: ServiceUser;
  readonly local: LocalCopy;
  readonly citation: ServiceCitation;
  /** Our OpenURL intake's address (`https://…/openurl`): a Link service with a blank template goes there. */
  readonly requestFormUrl: string;
}

/** The placeholders of a URL Template (docs/patrons.md), each filled URL-encoded; `{openurl}` is the whole KEV. */
export const URL_TEMPLATE_PLACEHOLDERS = ['title', 'author', 'articleTitle', 'articleAuthor', 'isbn', 'issn', 'oclc', 'doi', 'pmid', 'year', 'volume', 'issue', 'pages', 'publisher', 'genre', 'openurl'] as const;

/** The URL Template with every known `{placeholder}` replaced; unknown ones stay as written. */
export function fillUrlTemplate(template: string, citation: ServiceCitation): string {
  const f = citation.fields;
  const openUrl = toOpenUrl(f, citation.citationType, { pmid: citation.pmid });
  const values: Record<(typeof URL_TEMPLATE_PLACEHOLDERS)[number], string | null> = {
    title: f.title,
    author: f.author ?? f.articleAuthor,
    articleTitle: f.articleTitle,
    articleAuthor: f.articleAuthor,
    isbn: f.isbn,
    issn: f.issn,
    oclc: f.oclcNumber,
    doi: f.doi,
    pmid: citation.pmid,
    year: f.year,
    volume: f.volume,
    issue: f.issue,
    pages: f.pages,
    publisher: f.publisher,
    genre: citation.citationType.toLowerCase(),
    openurl: null,
  };
  return template.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => {
    if (name === 'openurl') return openUrl;
    return name in values ? encodeURIComponent(values[name as keyof typeof values] ?? '') : whole;
  });
}

/** `base?kev`, or `base&kev` when the base has a query already. */
function withQuery(base: string, query: string): string {
  return `${base}${base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?'}${query}`;
}

/** The one service of an NCIP partner for this citation and user. */
export function decideService(partner: NcipPartner, context: ServiceContext): ServiceDecision {
  const general = partner.ncip.generalInformation;
  const reasons: string[] = [];
  const hiddenBecause: HiddenBecause[] = [];

  const template = general.urlTemplate;
  const openUrl = toOpenUrl(context.citation.fields, context.citation.citationType, { pmid: context.citation.pmid });
  let url: string;
  if (general.requestPushingMethod === 'OPEN_URL' && template) {
    url = withQuery(template, openUrl);
    reasons.push(`Request Pushing Method is OpenURL: the citation goes to ${template} as an OpenURL.`);
  } else if (template) {
    url = fillUrlTemplate(template, context.citation);
    reasons.push('Request Pushing Method is Link: the URL Template is filled from the citation.');
  } else {
    url = withQuery(context.requestFormUrl, openUrl);
    reasons.push("Request Pushing Method is Link and the URL Template is blank: the patron request form opens with the citation.");
  }

  if (context.user.mayNotBorrow) {
    hiddenBecause.push('may-not-borrow');
    reasons.push(`Not offered: ${context.user.mayNotBorrow}.`);
  }

  if (context.user.guest) {
    if (general.enableServiceForGuestUser) reasons.push('Enable Service For Guest User is Yes: offered to guests.');
    else {
      hiddenBecause.push('guest');
      reasons.push(`Not offered: the user is a guest, and Enable Service For Guest User is No for ${partner.name}.`);
    }
  }

  const when = general.disableServiceWhen;
  const label = DISABLE_SERVICE_WHEN.labels[when];
  if (when === 'NEVER') reasons.push('Disable Service When is Never: offered whether or not the library has the item.');
  else {
    const local = when === 'HELD_LOCALLY' ? context.local.held : context.local.available;
    const what = when === 'HELD_LOCALLY' ? 'holds' : 'has an available copy of';
    if (local === true) {
      hiddenBecause.push(when === 'HELD_LOCALLY' ? 'held-locally' : 'available-locally');
      reasons.push(`Not offered: the library ${what} the item (${context.local.reason}), and Disable Service When is ${label}.`);
    } else if (local === false) reasons.push(`Disable Service When is ${label}, and the library does not: ${context.local.reason}.`);
    else reasons.push(`Disable Service When is ${label}, but this could not be checked (${context.local.reason}): offered.`);
  }

  const offered = hiddenBecause.length === 0;
  return { partner: partner.code, name: partner.name, offered, url: offered ? url : null, requestPushingMethod: general.requestPushingMethod, reasons, hiddenBecause };
}

/** The partners with a patron-facing service: active NCIP partners that support borrowing. */
export function servicePartners(partners: Iterable<Partner>): NcipPartner[] {
  return [...partners].filter((p): p is NcipPartner => p.profileType === 'NCIP' && p.status === 'ACTIVE' && p.supportsBorrowing);
}

export function requestServices(partners: Iterable<Partner>, context: ServiceContext): ServiceDecision[] {
  return servicePartners(partners).map((partner) => decideService(partner, context));
}

/**
 * Whether our own patron request form takes this request: it is the lender of last resort's service (the guide's
 * ILLiad partner, Link with a blank URL Template), so its parameters decide. Without such a partner nothing in the
 * guide restricts the form.
 */
export function requestFormDecision(partners: Iterable<Partner>, context: ServiceContext): RequestFormDecision {
  const partner = illiadPartnerOf(servicePartners(partners));
  if (!partner || partner.profileType !== 'NCIP') {
    if (context.user.mayNotBorrow) return { offered: false, partner: null, reasons: [`Not offered: ${context.user.mayNotBorrow}.`], hiddenBecause: ['may-not-borrow'] };
    return { offered: true, partner: null, reasons: ['No lender of last resort sets conditions on the request form.'], hiddenBecause: [] };
  }
  const { offered, reasons, hiddenBecause } = decideService(partner, context);
  return { offered, partner: { code: partner.code, name: partner.name }, reasons, hiddenBecause };
}

export interface RequestFormDecision {
  readonly offered: boolean;
  /** The partner whose parameters decided (the lender of last resort), if any. */
  readonly partner: { readonly code: string; readonly name: string } | null;
  readonly reasons: readonly string[];
  readonly hiddenBecause: readonly HiddenBecause[];
}
