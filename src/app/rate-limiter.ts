/**
 * Pacing calls to a production system (ILLiad, shared with staff and patrons): a timer that tests can replace and a
 * limiter that spaces calls evenly. Used by the username match report (username-report.ts).
 */
/** Time for the rate limiter, the backoff and the progress ticks; tests give a virtual one. */
export interface ReportTimer {
  /** Milliseconds on a clock that only goes forward. */
  now(): number;
  /** Resolves after `ms`, or as soon as the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realTimer: ReportTimer = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    }),
};

/**
 * Spaces requests at most `perSecond` a second, evenly (no bursts: ILLiad is a production system shared with staff
 * and patrons). Slots are taken synchronously, so lookups running at once queue up behind each other. 0: no limit.
 */
export class RateLimiter {
  private next = -Infinity;
  constructor(
    readonly perSecond: number,
    private readonly timer: ReportTimer,
  ) {}

  /** Waits for the next free slot; the wait in milliseconds. */
  async acquire(signal: AbortSignal): Promise<number> {
    if (!(this.perSecond > 0)) return 0;
    const now = this.timer.now();
    const slot = Math.max(now, this.next);
    this.next = slot + 1000 / this.perSecond;
    const wait = slot - now;
    if (wait > 0) await this.timer.sleep(wait, signal);
    return wait;
  }
}
