/**
 * The request list's filters (from the query string) and rows. Filters map onto BorrowingService.list's query;
 * the search box finds requests by id, ILLiad TN, OCLC number, ISBN or words of the title or author.
 */
import type { RequestListQuery } from '../../app/ports.ts';
import type { BorrowingRequest } from '../../domain/request/borrowing-request.ts';
import { BORROWING_MODEL, BORROWING_STATUS, type BorrowingStatus } from '../../domain/request/state-model.ts';

export const PAGE_SIZE = 50;

export interface RequestFilters {
  readonly status?: BorrowingStatus;
  readonly patron?: string;
  /** The partner that has the request now (its code). */
  readonly partner?: string;
  /** Created on or after / on or before these days (YYYY-MM-DD). */
  readonly createdFrom?: string;
  readonly createdTo?: string;
  /** A request id, an ILLiad TN, an OCLC number, an ISBN, or words of the title or author. */
  readonly q?: string;
  /** Open requests unchanged for this many days (the dashboard's Stale queue). */
  readonly staleDays?: number;
  /** 1-based. */
  readonly page?: number;
}

export interface RequestRow {
  readonly id: string;
  readonly href: string;
  readonly title: string;
  readonly author: string | null;
  readonly patron: string;
  readonly status: string;
  readonly partner: string | null;
  readonly updatedAt: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim().slice(0, 200) : undefined);
const whole = (value: unknown, min: number, max: number): number | undefined => {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
};

const day = (value: unknown): string | undefined => {
  const t = text(value);
  if (!t || !/^\d{4}-\d{2}-\d{2}$/.test(t)) return undefined;
  const parsed = new Date(`${t}T00:00:00.000Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(t) ? t : undefined;
};

/** Unknown or malformed values are dropped, not refused: a filter link typed by hand shows the whole list. */
export function parseFilters(query: Record<string, unknown>): RequestFilters {
  const status = text(query.status);
  return {
    ...(status && (BORROWING_STATUS.values as readonly string[]).includes(status) ? { status: status as BorrowingStatus } : {}),
    ...(text(query.patron) ? { patron: text(query.patron)! } : {}),
    ...(text(query.partner) ? { partner: text(query.partner)! } : {}),
    ...(day(query.createdFrom) ? { createdFrom: day(query.createdFrom)! } : {}),
    ...(day(query.createdTo) ? { createdTo: day(query.createdTo)! } : {}),
    ...(text(query.q) ? { q: text(query.q)! } : {}),
    ...(whole(query.staleDays, 1, 365) ? { staleDays: whole(query.staleDays, 1, 365)! } : {}),
    ...(whole(query.page, 1, 100_000) ? { page: whole(query.page, 1, 100_000)! } : {}),
  };
}

export function requestListHref(filters: RequestFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value !== undefined && value !== '') params.set(key, String(value));
  const search = params.toString();
  return `/ui/requests${search ? `?${search}` : ''}`;
}

const OPEN: readonly BorrowingStatus[] = BORROWING_STATUS.values.filter((s) => !BORROWING_MODEL.terminal.includes(s));

export function listQueryOf(filters: RequestFilters, now: string): RequestListQuery {
  const page = filters.page ?? 1;
  const statuses = filters.status ? [filters.status] : filters.staleDays ? OPEN : undefined;
  return {
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
    ...(statuses ? { statuses } : {}),
    ...(filters.patron ? { patron: filters.patron } : {}),
    ...(filters.partner ? { partner: filters.partner } : {}),
    ...(filters.createdFrom ? { createdFrom: filters.createdFrom } : {}),
    ...(filters.createdTo ? { createdTo: filters.createdTo } : {}),
    ...(filters.q ? { q: filters.q } : {}),
    ...(filters.staleDays ? { unchangedSince: new Date(Date.parse(now) - filters.staleDays * 86_400_000).toISOString() } : {}),
  };
}

export function rowOf(request: BorrowingRequest): RequestRow {
  return {
    id: request.id,
    href: `/ui/requests/${encodeURIComponent(request.id)}`,
    title: request.citation.title,
    author: request.citation.author,
    patron: request.patron,
    status: BORROWING_STATUS.labels[request.status],
    partner: request.current === null ? null : (request.rota[request.current]?.partner ?? null),
    updatedAt: request.updatedAt,
  };
}

export const STATUS_OPTIONS = BORROWING_STATUS.values.map((value) => ({ value, label: BORROWING_STATUS.labels[value] }));
