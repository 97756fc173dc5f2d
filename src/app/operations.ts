/**
 * What an operator's monitoring reads at each scrape of /metrics (issue 10, outages): whether the database answers,
 * the job queue by type and state, how many jobs wait for another try, how long the oldest due job has waited, and
 * per partner whether its last call failed and how many requests wait for it. Read from storage at scrape time, so
 * every instance on one database reports the same numbers.
 *
 * A scrape must answer quickly even when the database does not: the reads get a time limit, and past it (or on any
 * error) the snapshot says only that the database is down.
 */
import { JOB_SEND } from './borrowing-service.ts';
import { ConfigCache } from './config-snapshot.ts';
import type { Clock, JobStats, Storage } from './ports.ts';

/** How long a scrape waits for the database before reporting it down. */
export const SNAPSHOT_TIMEOUT_MS = 2_000;

export interface PartnerHealth {
  readonly partner: string;
  /** Its last call failed (refused, no answer, a 5xx) and none has been answered since. */
  readonly failing: boolean;
  /** Requests whose send to it failed and will be tried again. */
  readonly waiting: number;
}

export interface OperationsSnapshot {
  readonly databaseUp: boolean;
  /** Absent when the database did not answer. */
  readonly storage?: {
    readonly jobs: JobStats;
    /** How long the oldest due job has been due, in seconds; 0 when none is. */
    readonly oldestDueAgeSeconds: number;
    /** Every configured partner, and any partner with an outage on record. */
    readonly partners: readonly PartnerHealth[];
  };
}

export class OperationsService {
  private readonly configCache = new ConfigCache();

  constructor(private readonly deps: { storage: Storage; clock: Clock; timeoutMs?: number }) {}

  async snapshot(): Promise<OperationsSnapshot> {
    const timeoutMs = this.deps.timeoutMs ?? SNAPSHOT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    const read = this.read().catch(() => undefined);
    try {
      const storage = await Promise.race([read, timedOut]);
      return storage ? { databaseUp: true, storage } : { databaseUp: false };
    } finally {
      clearTimeout(timer);
    }
  }

  private async read(): Promise<NonNullable<OperationsSnapshot['storage']>> {
    const { storage, clock } = this.deps;
    const now = clock.now();
    const jobs = await storage.read.operations.jobStats(now);
    const outages = await storage.read.partnerOutages.list();
    const waiting = new Map((await storage.read.operations.waitingSends(JOB_SEND)).map((w) => [w.partner, w.count]));
    const { partners } = await this.configCache.get(storage.read);
    const failing = new Set(outages.map((o) => o.partner));
    const codes = [...new Set([...partners.keys(), ...failing])].sort();
    return {
      jobs,
      oldestDueAgeSeconds: jobs.oldestDueAt === null ? 0 : Math.max(0, (Date.parse(now) - Date.parse(jobs.oldestDueAt)) / 1000),
      partners: codes.map((partner) => ({ partner, failing: failing.has(partner), waiting: waiting.get(partner) ?? 0 })),
    };
  }
}
