/**
 * Fault injection for the Web Platform routes (illiad.md §5 (c) 6, and the failure stories of §4 item 4: ILLiad
 * down or slow makes clients resubmit and create duplicates). Settings are mutable at run time, directly or through
 * the control API. Every rate is drawn from the injectable random source only when it is above zero, so a test that
 * sets one rate and `random: () => 0` knows exactly what fires.
 */

export interface FaultSettings {
  /** Delay before every Web Platform call is handled, in milliseconds. */
  latencyMs: number;
  /** Share of calls answered `failStatus` with `{"Message":"An error has occurred."}` before anything is done. */
  failRate: number;
  failStatus: number;
  /**
   * Share of `POST Transaction` calls where the transaction IS created and then no answer is sent: the socket is held
   * open for `timeoutAfterCommitMs` and then destroyed, so the client's own timeout fires first.
   */
  timeoutAfterCommitRate: number;
  timeoutAfterCommitMs: number;
  /** Every call answers 401, whatever key is sent (a key revoked in the Customization Manager). */
  badKey: boolean;
  /** Share of 200 answers sent with an empty body. */
  emptyBodyRate: number;
  /** Share of 200 answers sent with a body cut in half (not JSON). */
  invalidJsonRate: number;
}

export function defaultFaults(): FaultSettings {
  return {
    latencyMs: 0,
    failRate: 0,
    failStatus: 500,
    timeoutAfterCommitRate: 0,
    timeoutAfterCommitMs: 120_000,
    badKey: false,
    emptyBodyRate: 0,
    invalidJsonRate: 0,
  };
}

const RATES = ['failRate', 'timeoutAfterCommitRate', 'emptyBodyRate', 'invalidJsonRate'] as const;
const DURATIONS = ['latencyMs', 'timeoutAfterCommitMs'] as const;

/**
 * Applies a partial update (the control API's `PUT /sim/faults` body) to the settings in place. Returns the
 * problems found; nothing is changed when there is any.
 */
export function updateFaults(target: FaultSettings, patch: unknown): string[] {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return ['the body must be a JSON object of fault settings'];
  const problems: string[] = [];
  const known = new Set<string>(Object.keys(defaultFaults()));
  const entries = Object.entries(patch);
  for (const [key, value] of entries) {
    if (!known.has(key)) problems.push(`unknown fault setting ${key}`);
    else if ((RATES as readonly string[]).includes(key) && !(typeof value === 'number' && value >= 0 && value <= 1)) problems.push(`${key} must be a number from 0 to 1`);
    else if ((DURATIONS as readonly string[]).includes(key) && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) problems.push(`${key} must be a number of milliseconds`);
    else if (key === 'failStatus' && !(Number.isInteger(value) && (value as number) >= 400 && (value as number) <= 599)) problems.push('failStatus must be an HTTP status from 400 to 599');
    else if (key === 'badKey' && typeof value !== 'boolean') problems.push('badKey must be true or false');
  }
  if (problems.length === 0) Object.assign(target, Object.fromEntries(entries));
  return problems;
}

/** Draws whether a fault with the given rate fires. */
export function fires(rate: number, random: () => number): boolean {
  return rate > 0 && random() < rate;
}
