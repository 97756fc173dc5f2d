/**
 * Guessing passwords, slowed down: after 5 failed sign-ins for one user name within 15 minutes, that name may not
 * try again for 15 minutes, whether the user exists or not (so the throttle does not tell which names exist), and
 * whether the password is then right or not.
 *
 * An attempt counts as a failure from the moment it starts until it succeeds: six guesses sent at the same instant
 * cannot all be checked before the first five are counted.
 *
 * It lives in memory, in one process: enough for one instance (docs/ui.md says so). Time is given by the caller,
 * in milliseconds; the throttle has no clock of its own.
 */
export const SIGN_IN_THROTTLE = {
  maxFailures: 5,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  /** Names remembered at most; past that the oldest are forgotten, so a flood of names cannot fill the memory. */
  maxNames: 10_000,
} as const;

export type ThrottleSettings = typeof SIGN_IN_THROTTLE;

interface Attempts {
  /** Start times of the attempts that have not succeeded, within the window. */
  failures: number[];
  /** Set by the attempt that made the failures reach the limit: unless that one succeeds, the name waits until then. */
  lockedUntil?: number;
}

export class SignInThrottle {
  private readonly names = new Map<string, Attempts>();

  constructor(private readonly settings: { readonly maxFailures: number; readonly windowMs: number; readonly lockMs: number; readonly maxNames: number } = SIGN_IN_THROTTLE) {}

  /**
   * Before a password is checked. `{ lockedUntil }` (milliseconds): refused, do not check it. Otherwise the attempt
   * is counted as a failure until `succeeded` is called.
   */
  begin(name: string, now: number): { lockedUntil?: number } {
    let attempts = this.names.get(name);
    if (attempts?.lockedUntil !== undefined) {
      if (now < attempts.lockedUntil) return { lockedUntil: attempts.lockedUntil };
      attempts = undefined;
      this.names.delete(name);
    }
    if (!attempts) {
      attempts = { failures: [] };
      this.remember(name, attempts, now);
    }
    attempts.failures = attempts.failures.filter((at) => at > now - this.settings.windowMs);
    attempts.failures.push(now);
    if (attempts.failures.length >= this.settings.maxFailures) attempts.lockedUntil = now + this.settings.lockMs;
    return {};
  }

  /** The password was right: the name starts afresh. */
  succeeded(name: string): void {
    this.names.delete(name);
  }

  /** An administrator set a new password: a locked-out user may try at once. */
  clear(name: string): void {
    this.names.delete(name);
  }

  private remember(name: string, attempts: Attempts, now: number): void {
    if (this.names.size >= this.settings.maxNames) {
      for (const [other, entry] of this.names) {
        const stale = (entry.lockedUntil ?? 0) <= now && !entry.failures.some((at) => at > now - this.settings.windowMs);
        if (stale) this.names.delete(other);
      }
      // Still full: forget the oldest (a Map keeps insertion order).
      while (this.names.size >= this.settings.maxNames) this.names.delete(this.names.keys().next().value!);
    }
    this.names.set(name, attempts);
  }
}
