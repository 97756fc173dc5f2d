/** The patron list: a row per patron in words, the search and the pages (50 a page). */
import type { Page, Stored } from '../../app/ports.ts';
import { ACTIVE_STATUS } from '../../domain/config/enums.ts';
import type { Patron } from '../../domain/config/patron.ts';

export const PATRONS_PATH = '/ui/patrons';
export const PATRON_IMPORT_PATH = '/ui/patrons/import';
export const PATRON_PAGE_SIZE = 50;

export const patronHref = (primaryId: string): string => `${PATRONS_PATH}/${encodeURIComponent(primaryId)}`;

export interface PatronRow {
  readonly primaryId: string;
  readonly href: string;
  readonly name: string;
  readonly email: string;
  readonly userGroup: string;
  readonly status: string;
  readonly active: boolean;
  /** "2 blocks", or empty. */
  readonly blocks: string;
}

export interface PatronListQuery {
  readonly q: string;
  readonly status: string;
  readonly offset: number;
}

export function patronListQueryOf(query: Record<string, unknown>): PatronListQuery {
  const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string).trim() : '');
  const status = (ACTIVE_STATUS.values as readonly string[]).includes(text('status')) ? text('status') : '';
  const offset = Number.parseInt(text('offset'), 10);
  return { q: text('q'), status, offset: Number.isInteger(offset) && offset > 0 ? offset : 0 };
}

export function patronRowOf({ doc }: Stored<Patron>): PatronRow {
  return {
    primaryId: doc.primaryId,
    href: patronHref(doc.primaryId),
    name: `${doc.firstName} ${doc.lastName}`,
    email: doc.email ?? '',
    userGroup: doc.userGroup,
    status: ACTIVE_STATUS.labels[doc.status],
    active: doc.status === 'ACTIVE',
    blocks: doc.blocks.length === 0 ? '' : doc.blocks.length === 1 ? '1 block' : `${doc.blocks.length} blocks`,
  };
}

function listHref(query: PatronListQuery, offset: number): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.status) params.set('status', query.status);
  if (offset) params.set('offset', String(offset));
  const text = params.toString();
  return text ? `${PATRONS_PATH}?${text}` : PATRONS_PATH;
}

export function patronListView(query: PatronListQuery, page: Page<Stored<Patron>>) {
  const rows = page.items.map(patronRowOf);
  const first = rows.length ? query.offset + 1 : 0;
  const found = query.q || query.status ? ' found' : '';
  const summary = rows.length ? `Patrons ${first}–${query.offset + rows.length} of ${page.total}${found}` : query.q || query.status ? 'No patron matches.' : 'No patron yet.';
  return {
    rows,
    summary,
    previous: query.offset > 0 ? listHref(query, Math.max(0, query.offset - PATRON_PAGE_SIZE)) : undefined,
    next: query.offset + rows.length < page.total ? listHref(query, query.offset + PATRON_PAGE_SIZE) : undefined,
  };
}
