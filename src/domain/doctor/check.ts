/**
 * One finding of the setup doctor (issue 7): what was checked, whether it holds, a sentence saying what is wrong
 * and how to fix it, and the step of the guide (`seed/ILLiad-as-Lender-of-Last-Resort.txt`) the rule comes from.
 */

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface DoctorCheck {
  /** Stable id, for scripts and tests: `illiad-rule-final`. */
  readonly id: string;
  /** What is checked, in the guide's words. */
  readonly title: string;
  readonly status: CheckStatus;
  /** What holds, or what is wrong and how to fix it. */
  readonly message: string;
  /** Where the guide says so: `Parameters → Export To Third Party`. */
  readonly guideStep: string;
}

export const check = (id: string, title: string, guideStep: string) => ({
  pass: (message: string): DoctorCheck => ({ id, title, status: 'pass', message, guideStep }),
  warn: (message: string): DoctorCheck => ({ id, title, status: 'warn', message, guideStep }),
  fail: (message: string): DoctorCheck => ({ id, title, status: 'fail', message, guideStep }),
});

/** `interlend doctor`'s exit code: 0 when all pass, 1 with warnings, 2 with failures (issue 7). */
export function exitCodeOf(checks: readonly DoctorCheck[]): 0 | 1 | 2 {
  if (checks.some((c) => c.status === 'fail')) return 2;
  if (checks.some((c) => c.status === 'warn')) return 1;
  return 0;
}

export function summaryOf(checks: readonly DoctorCheck[]): Record<CheckStatus, number> {
  const counts = { pass: 0, warn: 0, fail: 0 };
  for (const c of checks) counts[c.status] += 1;
  return counts;
}
