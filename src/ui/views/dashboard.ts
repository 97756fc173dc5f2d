/**
 * The dashboard's queues (issue 8, item 2), from QueueService.counts: each a count and a link to the request list
 * filtered to it. Exported to third party counts only open requests: a request ILLiad closed is Request completed.
 */
import type { PartnerOutageReport, QueueCounts } from '../../app/queues.ts';
import { staffTime } from '../../domain/clock-time.ts';
import { OUTAGE_HEADLINE } from '../../domain/partners/outage.ts';
import { BORROWING_STATUS, type BorrowingStatus } from '../../domain/request/state-model.ts';
import { NEEDS_ATTENTION_HREF } from './lending-list.ts';
import { requestListHref } from './request-list.ts';

export interface QueueTile {
  readonly label: string;
  readonly count: number;
  readonly href: string;
  /** Staff must act on these: the tile is marked when it is not empty. */
  readonly attention: boolean;
}

/** A partner that cannot be reached, in one sentence (and what its last call said, for whoever fixes it). */
export interface OutageLine {
  /** "ILLiad (lender of last resort)" */
  readonly who: string;
  /** "unreachable since 10:42: connection refused — 37 requests waiting to be sent again, next try 10:45" */
  readonly what: string;
  /** The last failed call as reported, e.g. "ILLiad did not answer GET Users/cwlee: ECONNREFUSED (…)". */
  readonly detail: string;
}

export interface DashboardView {
  readonly queues: readonly QueueTile[];
  /** Partners that cannot be reached now; empty once each answers again. */
  readonly outages: readonly OutageLine[];
  readonly partnerAlerts: QueueCounts['partnerAlerts'];
  readonly lendingNeedsAttention: number;
  /** The lending list filtered to the statuses that count (LENDING_MODEL.needsAttention). */
  readonly lendingHref: string;
  readonly staleDays: number;
}

const STATUS_QUEUES: readonly { status: BorrowingStatus; attention: boolean; label?: string }[] = [
  { status: 'READY_TO_BE_SENT', attention: true },
  { status: 'LOCATE_FAILED', attention: true },
  { status: 'CONDITIONAL', attention: true },
  { status: 'EXPORTED_TO_THIRD_PARTY', attention: false, label: 'Exported to third party, still open' },
  { status: 'PHYSICALLY_RECEIVED_BY_LIBRARY', attention: false },
  { status: 'LOANED_TO_PATRON', attention: false },
  { status: 'RETURNED_BY_PATRON', attention: false },
];

/** The statuses the dashboard counts (QueueService.counts counts those needing attention too). */
export const DASHBOARD_STATUSES: readonly BorrowingStatus[] = STATUS_QUEUES.map((queue) => queue.status);

/** "ILLiad (lender of last resort) unreachable since 10:42: connection refused — 37 requests waiting …, next try 10:45". */
export function outageLine(outage: PartnerOutageReport, timeZone: string, now: string): OutageLine {
  const at = (instant: string) => staffTime(instant, timeZone, now);
  const plural = (n: number) => (n === 1 ? '1 request' : `${n} requests`);
  const waiting =
    outage.waiting === 0 || outage.nextTry === null
      ? 'no request is waiting for it'
      : `${plural(outage.waiting)} waiting to be sent again, ${outage.nextTry <= now ? 'being tried again now' : `next try ${at(outage.nextTry)}`}`;
  return {
    who: `${outage.name}${outage.lenderOfLastResort ? ' (lender of last resort)' : ''}`,
    what: `${OUTAGE_HEADLINE[outage.kind]} since ${at(outage.since)}: ${outage.reason} — ${waiting}`,
    detail: `${outage.failures} failed call${outage.failures === 1 ? '' : 's'}, the last at ${at(outage.lastAt)}: ${outage.message}`,
  };
}

export function dashboardView(counts: QueueCounts, lendingNeedsAttention: number, staleDays: number, now: string): DashboardView {
  const queues: QueueTile[] = STATUS_QUEUES.map(({ status, attention, label }) => {
    const count = counts.byStatus[status] ?? 0;
    return { label: label ?? BORROWING_STATUS.labels[status], count, href: requestListHref({ status }), attention: attention && count > 0 };
  });
  const stale = counts.needsAttention.STALE ?? 0;
  queues.push({ label: `Stale (unchanged for ${staleDays} days)`, count: stale, href: requestListHref({ staleDays }), attention: stale > 0 });
  const rejected = counts.needsAttention.REJECTED_NO_PARTNER_LEFT ?? 0;
  queues.push({ label: 'Expired: every partner rejected', count: rejected, href: requestListHref({ status: 'EXPIRED' }), attention: rejected > 0 });
  const outages = counts.partnerOutages.map((outage) => outageLine(outage, counts.timeZone, now));
  return { queues, outages, partnerAlerts: counts.partnerAlerts, lendingNeedsAttention, lendingHref: NEEDS_ATTENTION_HREF, staleDays };
}
