/**
 * Patrons' PINs and the brake on guessing them (issue 9, item 2). A PIN is short by nature (libraries issue four
 * digits), so what protects it is the number of guesses: a few wrong PINs for one id, or many from one address,
 * lock that id or address for a while, whatever the id (so the lock tells nobody whether an id exists).
 */

export const PIN_MIN_LENGTH = 4;
export const PIN_MAX_LENGTH = 64;

/** Why a PIN cannot be used, or undefined. Not trimmed: a space is a character like any other. */
export function pinProblem(pin: unknown): string | undefined {
  if (typeof pin !== 'string' || pin === '') return 'is required';
  if (pin.length < PIN_MIN_LENGTH) return `must be at least ${PIN_MIN_LENGTH} characters`;
  if (pin.length > PIN_MAX_LENGTH) return `must be at most ${PIN_MAX_LENGTH} characters`;
  return undefined;
}

export interface ThrottleState {
  /** Wrong PINs in the current window. */
  readonly failures: number;
  readonly windowStartedAt: string;
  readonly lockedUntil: string | null;
}

export const SIGN_IN_LIMITS = {
  /** Wrong PINs for one id before it is locked. */
  perIdentifier: 5,
  /** Wrong PINs from one address (any ids) before it is locked: one PIN tried over many ids. */
  perAddress: 30,
  /** Failures count within this many minutes of the first; the lock lasts as long. */
  windowMinutes: 15,
} as const;

const MINUTE = 60_000;

/** Until when sign-in is locked, or undefined when it is not. */
export function lockedUntil(state: ThrottleState | undefined, now: string): string | undefined {
  return state?.lockedUntil && state.lockedUntil > now ? state.lockedUntil : undefined;
}

/** The state after one more wrong PIN: a new window when the last one is over; locked at the limit. */
export function afterFailure(state: ThrottleState | undefined, now: string, limit: number): ThrottleState {
  const windowOver = !state || Date.parse(now) - Date.parse(state.windowStartedAt) >= SIGN_IN_LIMITS.windowMinutes * MINUTE;
  const failures = windowOver ? 1 : state.failures + 1;
  const windowStartedAt = windowOver ? now : state.windowStartedAt;
  const locked = failures >= limit ? new Date(Date.parse(now) + SIGN_IN_LIMITS.windowMinutes * MINUTE).toISOString() : null;
  return { failures, windowStartedAt, lockedUntil: locked ?? (windowOver ? null : state.lockedUntil) };
}

/** Whether a kept state can go: its window and its lock are over. */
export function throttleExpired(state: ThrottleState, now: string): boolean {
  return Date.parse(now) - Date.parse(state.windowStartedAt) >= SIGN_IN_LIMITS.windowMinutes * MINUTE && !lockedUntil(state, now);
}
