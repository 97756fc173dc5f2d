/**
 * How long a failed job waits before its next run. Pure: the caller passes the random number, so tests can fix it
 * and the worker decides where randomness comes from.
 *
 * Exponential, so a partner that is down for a while is not hammered (5 s, 10 s, 20 s, … after attempts 1, 2, 3),
 * and capped at an hour, so a job still runs soon after a long outage ends. With "equal jitter" the wait is between
 * half and all of that step: jobs that failed together (every export while ILLiad was down) spread out instead of
 * all retrying at the same instant, yet none retries almost at once, as "full jitter" (0 … step) would allow.
 */

export const RETRY_BASE_MS = 5_000;
export const RETRY_CAP_MS = 60 * 60 * 1000;

/**
 * @param attempt the run that just failed, 1-based (the job's attempts after its claim)
 * @param random a number in [0, 1), e.g. from Math.random
 * @param baseMs the first step (JOB_RETRY_BASE_MS, default 5 s); the cap stays an hour
 * @returns milliseconds to wait, a whole number in [step / 2, step] where step = min(cap, base · 2^(attempt-1))
 */
export function retryDelayMs(attempt: number, random: number, baseMs: number = RETRY_BASE_MS): number {
  const exponent = Number.isNaN(attempt) ? 0 : Math.max(0, Math.floor(attempt) - 1);
  const base = Number.isFinite(baseMs) && baseMs > 0 ? baseMs : RETRY_BASE_MS;
  // 2 ** large is Infinity, which min() turns into the cap; no overflow to worry about.
  const step = Math.min(RETRY_CAP_MS, base * 2 ** exponent);
  const r = Number.isFinite(random) ? Math.min(Math.max(random, 0), 1) : 0;
  return Math.floor(step / 2 + (step / 2) * r);
}
