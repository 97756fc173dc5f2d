/**
 * What staff look at first: counts of requests by status, and the "needs attention" list — Ready to be sent,
 * Locate failed, Conditional, Expired after a rejection (no partner left), and requests that have not changed for
 * some days although they are not finished.
 */
import { BORROWING_MODEL, BORROWING_STATUS, type BorrowingStatus } from '../domain/request/state-model.ts';
import type { BorrowingRequest } from '../domain/request/borrowing-request.ts';
import type { Clock, Page, PartnerAlert, Storage } from './ports.ts';

const DAY_MS = 86_400_000;
const OPEN: BorrowingStatus[] = BORROWING_STATUS.values.filter((s) => !BORROWING_MODEL.terminal.includes(s));

export interface QueueCounts {
  readonly byStatus: Partial<Record<BorrowingStatus, number>>;
  readonly needsAttention: Record<string, number>;
  /** Partners whose configuration failed when last used (a refused ILLiad API key), until they work again. */
  readonly partnerAlerts: PartnerAlert[];
}

export class QueueService {
  constructor(private readonly deps: { storage: Storage; clock: Clock }) {}

  private staleBefore(staleDays: number): string {
    return new Date(Date.parse(this.deps.clock.now()) - staleDays * DAY_MS).toISOString();
  }

  async counts(staleDays: number): Promise<QueueCounts> {
    const repo = this.deps.storage.read.borrowing;
    const byStatus = await repo.countByStatus();
    const needsAttention: Record<string, number> = {};
    for (const status of BORROWING_MODEL.needsAttention) needsAttention[status] = byStatus[status] ?? 0;
    // Counted in the database: Expired requests pile up over the years, and only the count is needed here.
    needsAttention.REJECTED_NO_PARTNER_LEFT = (await repo.list({ statuses: ['EXPIRED'], rejectedByLastPartner: true, limit: 1, offset: 0 })).total;
    needsAttention.STALE = (await repo.list({ statuses: OPEN, limit: 1, offset: 0, unchangedSince: this.staleBefore(staleDays) })).total;
    return { byStatus, needsAttention, partnerAlerts: await this.deps.storage.read.partnerAlerts.list() };
  }

  /** The requests behind the needs-attention counts, most recently changed first. */
  async needsAttention(staleDays: number, limit: number, offset: number): Promise<Page<BorrowingRequest & { attention: string }>> {
    const repo = this.deps.storage.read.borrowing;
    const staleBefore = this.staleBefore(staleDays);
    const flagged = await repo.list({ statuses: [...BORROWING_MODEL.needsAttention], limit: 10_000, offset: 0 });
    const rejected = await repo.list({ statuses: ['EXPIRED'], rejectedByLastPartner: true, limit: 10_000, offset: 0 });
    const stale = await repo.list({ statuses: OPEN, limit: 10_000, offset: 0, unchangedSince: staleBefore });
    const seen = new Set<string>();
    const items: (BorrowingRequest & { attention: string })[] = [];
    for (const request of flagged.items) {
      seen.add(request.id);
      items.push({ ...request, attention: request.status });
    }
    for (const request of rejected.items) {
      seen.add(request.id);
      items.push({ ...request, attention: 'REJECTED_NO_PARTNER_LEFT' });
    }
    items.sort((a, b) => (a.updatedAt === b.updatedAt ? (a.id < b.id ? 1 : -1) : a.updatedAt < b.updatedAt ? 1 : -1));
    for (const request of stale.items) if (!seen.has(request.id)) items.push({ ...request, attention: 'STALE' });
    return { items: items.slice(offset, offset + limit), total: items.length };
  }
}
