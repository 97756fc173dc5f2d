/**
 * What staff look at first: counts of requests by status, and the "needs attention" list — Ready to be sent,
 * Locate failed, Conditional, Expired after a rejection (no partner left), and requests that have not changed for
 * some days although they are not finished.
 */
import { BORROWING_MODEL, BORROWING_STATUS, type BorrowingStatus } from '../domain/request/state-model.ts';
import type { BorrowingRequest } from '../domain/request/borrowing-request.ts';
import { type OutageKind, outageWords } from '../domain/partners/outage.ts';
import { JOB_SEND } from './borrowing-service.ts';
import { ConfigCache } from './config-snapshot.ts';
import { exportsThroughApi } from './illiad-export.ts';
import type { Clock, Page, PartnerAlert, Storage } from './ports.ts';

const DAY_MS = 86_400_000;
const OPEN: BorrowingStatus[] = BORROWING_STATUS.values.filter((s) => !BORROWING_MODEL.terminal.includes(s));

export interface QueueCounts {
  readonly byStatus: Partial<Record<BorrowingStatus, number>>;
  readonly needsAttention: Record<string, number>;
  /** Partners whose configuration failed when last used (a refused ILLiad API key), until they work again. */
  readonly partnerAlerts: PartnerAlert[];
  /** Partners that cannot be reached now (their last call failed), with the requests waiting for them. */
  readonly partnerOutages: PartnerOutageReport[];
  /** The institution's time zone, for showing times. */
  readonly timeZone: string;
}

/** A partner that cannot be reached, as staff are told: who, since when, why, and what waits for it. */
export interface PartnerOutageReport {
  readonly partner: string;
  /** The partner's name (its code when it no longer exists). */
  readonly name: string;
  /** An ILLiad partner exporting Using API: the lender of last resort of the guide. */
  readonly lenderOfLastResort: boolean;
  readonly since: string;
  readonly lastAt: string;
  readonly kind: OutageKind;
  /** The last failure in words ("connection refused"). */
  readonly reason: string;
  /** The last failure as the call reported it. */
  readonly message: string;
  readonly failures: number;
  /** Requests whose send to this partner failed and will be tried again. */
  readonly waiting: number;
  /** When the first of them is tried again; null when none waits. */
  readonly nextTry: string | null;
}

export class QueueService {
  private readonly configCache = new ConfigCache();

  constructor(private readonly deps: { storage: Storage; clock: Clock }) {}

  /**
   * Partners whose calls fail now, oldest outage first, each with the send jobs waiting to try it again (issue 10,
   * outages). Reads the outage records (a few rows) and the retried send jobs, never the requests as a whole.
   */
  async partnerOutages(): Promise<PartnerOutageReport[]> {
    const read = this.deps.storage.read;
    const outages = await read.partnerOutages.list();
    if (outages.length === 0) return [];
    const { partners } = await this.configCache.get(read);
    const waiting = new Map((await read.operations.waitingSends(JOB_SEND)).map((w) => [w.partner, w]));
    return outages.map((outage) => {
      const partner = partners.get(outage.partner);
      const words = outageWords(outage.message);
      const waits = waiting.get(outage.partner);
      return {
        partner: outage.partner,
        name: partner?.name ?? outage.partner,
        lenderOfLastResort: partner ? exportsThroughApi(partner) : false,
        since: outage.since,
        lastAt: outage.lastAt,
        kind: words.kind,
        reason: words.reason,
        message: outage.message,
        failures: outage.failures,
        waiting: waits?.count ?? 0,
        nextTry: waits?.nextTry ?? null,
      };
    });
  }

  private staleBefore(staleDays: number): string {
    return new Date(Date.parse(this.deps.clock.now()) - staleDays * DAY_MS).toISOString();
  }

  /**
   * The counts. `statuses`: those to count by status (every status unless given; those needing attention always):
   * the dashboard asks for the ones it shows, so the requests finished over the years are not counted at each look.
   */
  async counts(staleDays: number, statuses?: readonly BorrowingStatus[]): Promise<QueueCounts> {
    const repo = this.deps.storage.read.borrowing;
    const byStatus = await repo.countByStatus(statuses && [...new Set([...statuses, ...BORROWING_MODEL.needsAttention])]);
    const needsAttention: Record<string, number> = {};
    for (const status of BORROWING_MODEL.needsAttention) needsAttention[status] = byStatus[status] ?? 0;
    // Counted in the database: Expired requests pile up over the years, and only the count is needed here.
    needsAttention.REJECTED_NO_PARTNER_LEFT = (await repo.list({ statuses: ['EXPIRED'], rejectedByLastPartner: true, limit: 1, offset: 0 })).total;
    needsAttention.STALE = (await repo.list({ statuses: OPEN, limit: 1, offset: 0, unchangedSince: this.staleBefore(staleDays) })).total;
    const timeZone = (await this.configCache.get(this.deps.storage.read)).institution?.timeZone ?? 'UTC';
    return { byStatus, needsAttention, partnerAlerts: await this.deps.storage.read.partnerAlerts.list(), partnerOutages: await this.partnerOutages(), timeZone };
  }

  /**
   * The requests behind the needs-attention counts: those flagged (a status staff must act on, or Expired after a
   * rejection), most recently changed first, then the stale ones not flagged. Each part is read a page at a time
   * from the database (the flagged ones are two lists merged, up to offset + limit of each), not whole.
   */
  async needsAttention(staleDays: number, limit: number, offset: number): Promise<Page<BorrowingRequest & { attention: string }>> {
    const repo = this.deps.storage.read.borrowing;
    const upToPage = { limit: offset + limit, offset: 0 };
    const flagged = await repo.list({ statuses: [...BORROWING_MODEL.needsAttention], ...upToPage });
    const rejected = await repo.list({ statuses: ['EXPIRED'], rejectedByLastPartner: true, ...upToPage });
    const first = [...flagged.items.map((r) => ({ ...r, attention: r.status as string })), ...rejected.items.map((r) => ({ ...r, attention: 'REJECTED_NO_PARTNER_LEFT' }))];
    first.sort((a, b) => (a.updatedAt === b.updatedAt ? (a.id < b.id ? 1 : -1) : a.updatedAt < b.updatedAt ? 1 : -1));
    const items = first.slice(offset, offset + limit);
    const flaggedTotal = flagged.total + rejected.total;
    // Stale and not flagged: the open statuses staff are not asked to act on anyway.
    const stale = await repo.list({
      statuses: OPEN.filter((s) => !BORROWING_MODEL.needsAttention.includes(s)),
      unchangedSince: this.staleBefore(staleDays),
      limit: limit - items.length,
      offset: Math.max(0, offset - flaggedTotal),
    });
    return { items: [...items, ...stale.items.map((r) => ({ ...r, attention: 'STALE' }))], total: flaggedTotal + stale.total };
  }
}
