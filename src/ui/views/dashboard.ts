/**
 * The dashboard's queues (issue 8, item 2), from QueueService.counts: each a count and a link to the request list
 * filtered to it. Exported to third party counts only open requests: a request ILLiad closed is Request completed.
 */
import type { QueueCounts } from '../../app/queues.ts';
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

export interface DashboardView {
  readonly queues: readonly QueueTile[];
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

export function dashboardView(counts: QueueCounts, lendingNeedsAttention: number, staleDays: number): DashboardView {
  const queues: QueueTile[] = STATUS_QUEUES.map(({ status, attention, label }) => {
    const count = counts.byStatus[status] ?? 0;
    return { label: label ?? BORROWING_STATUS.labels[status], count, href: requestListHref({ status }), attention: attention && count > 0 };
  });
  const stale = counts.needsAttention.STALE ?? 0;
  queues.push({ label: `Stale (unchanged for ${staleDays} days)`, count: stale, href: requestListHref({ staleDays }), attention: stale > 0 });
  const rejected = counts.needsAttention.REJECTED_NO_PARTNER_LEFT ?? 0;
  queues.push({ label: 'Expired: every partner rejected', count: rejected, href: requestListHref({ status: 'EXPIRED' }), attention: rejected > 0 });
  return { queues, partnerAlerts: counts.partnerAlerts, lendingNeedsAttention, lendingHref: NEEDS_ATTENTION_HREF, staleDays };
}
