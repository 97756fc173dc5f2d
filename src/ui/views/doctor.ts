/** The doctor's report for the page: checks with their result in words, failures first. */
import type { DoctorReport } from '../../app/doctor-service.ts';
import type { CheckStatus, DoctorCheck } from '../../domain/doctor/check.ts';

const LABEL: Record<CheckStatus, string> = { fail: 'Fail', warn: 'Warning', pass: 'Pass' };
const ORDER: Record<CheckStatus, number> = { fail: 0, warn: 1, pass: 2 };

export interface DoctorView {
  readonly summary: string;
  readonly live: boolean;
  readonly checks: readonly (DoctorCheck & { statusLabel: string })[];
}

export function doctorView(report: DoctorReport, live: boolean): DoctorView {
  const { pass, warn, fail } = report.summary;
  return {
    summary: `${fail} failed, ${warn} warnings, ${pass} passed${live ? '' : ' (configuration only: ILLiad was not asked)'}.`,
    live,
    checks: [...report.checks].sort((a, b) => ORDER[a.status] - ORDER[b.status]).map((c) => ({ ...c, statusLabel: LABEL[c.status] })),
  };
}
