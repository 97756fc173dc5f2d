/**
 * The lending request list's filters (from the query string) and rows. Filters map onto LendingService.list's
 * query, the same as GET /api/v1/lending-requests: one status or several (comma-separated, as the dashboard's
 * "needing attention" link sends them), the requesting partner, and the page.
 */
import type { LendingListQuery } from '../../app/ports.ts';
import type { LendingRequest } from '../../domain/request/lending-request.ts';
import { LENDING_MODEL, LENDING_STATUS, type LendingStatus } from '../../domain/request/state-model.ts';

export const LENDING_PATH = '/ui/lending';
export const LENDING_PAGE_SIZE = 50;

export const lendingHref = (id: string): string => `${LENDING_PATH}/${encodeURIComponent(id)}`;

export interface LendingFilters {
  /** One status or several, as given (comma-separated); only lending statuses are kept. */
  readonly statuses?: readonly LendingStatus[];
  /** The requesting partner's code. */
  readonly requester?: string;
  /** 1-based. */
  readonly page?: number;
}

export interface LendingRow {
  readonly id: string;
  readonly href: string;
  readonly title: string;
  readonly author: string | null;
  /** "NORTH (US-NSU)". */
  readonly requester: string;
  readonly requesterRequestId: string;
  readonly serviceType: string;
  readonly status: string;
  readonly updatedAt: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim().slice(0, 200) : undefined);

/** Unknown or malformed values are dropped, not refused: a filter link typed by hand shows the whole list. */
export function parseLendingFilters(query: Record<string, unknown>): LendingFilters {
  const statuses = (text(query.status) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is LendingStatus => (LENDING_STATUS.values as readonly string[]).includes(s));
  const page = typeof query.page === 'string' && /^\d{1,6}$/.test(query.page) ? Number(query.page) : 0;
  return {
    ...(statuses.length ? { statuses: [...new Set(statuses)] } : {}),
    ...(text(query.requester) ? { requester: text(query.requester)! } : {}),
    ...(page >= 1 ? { page } : {}),
  };
}

/** The status filter's value: the statuses comma-separated (the API's form). */
export const statusValue = (statuses: readonly LendingStatus[] | undefined): string => (statuses ?? []).join(',');

export function lendingListHref(filters: LendingFilters): string {
  const parts: string[] = [];
  // Commas left as they are: the link reads like the API's query.
  if (filters.statuses?.length) parts.push(`status=${filters.statuses.map(encodeURIComponent).join(',')}`);
  if (filters.requester) parts.push(`requester=${encodeURIComponent(filters.requester)}`);
  if (filters.page && filters.page > 1) parts.push(`page=${filters.page}`);
  return `${LENDING_PATH}${parts.length ? `?${parts.join('&')}` : ''}`;
}

/** The dashboard's "needing attention" count is these statuses; its link is the list filtered to them. */
export const NEEDS_ATTENTION_HREF = lendingListHref({ statuses: LENDING_MODEL.needsAttention });

export function lendingListQueryOf(filters: LendingFilters): LendingListQuery {
  const page = filters.page ?? 1;
  return {
    limit: LENDING_PAGE_SIZE,
    offset: (page - 1) * LENDING_PAGE_SIZE,
    ...(filters.statuses ? { statuses: filters.statuses } : {}),
    ...(filters.requester ? { requester: filters.requester } : {}),
  };
}

export const requesterText = (request: LendingRequest): string => `${request.requester.partner} (${request.requester.agencyIdValue})`;

export function lendingRowOf(request: LendingRequest): LendingRow {
  return {
    id: request.id,
    href: lendingHref(request.id),
    title: request.citation.title ?? request.citation.articleTitle ?? '(no title)',
    author: request.citation.author,
    requester: requesterText(request),
    requesterRequestId: request.requesterRequestId,
    serviceType: request.serviceType ?? '—',
    status: LENDING_STATUS.labels[request.status],
    updatedAt: request.updatedAt,
  };
}

export interface StatusOption {
  readonly value: string;
  readonly label: string;
}

/**
 * The status filter's options: each lending status by its label, and first the statuses the dashboard counts as
 * needing attention together. A set of statuses typed by hand that is neither is offered as it is, so the filter
 * shows what the list is filtered by.
 */
export function lendingStatusOptions(current: readonly LendingStatus[] | undefined): StatusOption[] {
  const attention = LENDING_MODEL.needsAttention;
  const options: StatusOption[] = [
    { value: statusValue(attention), label: `Needing attention (${attention.map((s) => LENDING_STATUS.labels[s]).join(', ')})` },
    ...LENDING_STATUS.values.map((value) => ({ value, label: LENDING_STATUS.labels[value] })),
  ];
  const value = statusValue(current);
  if (value && !options.some((o) => o.value === value)) options.push({ value, label: current!.map((s) => LENDING_STATUS.labels[s]).join(', ') });
  return options;
}
