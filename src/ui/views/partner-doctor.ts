/**
 * The doctor's findings about one partner, for the top of its page. The doctor checks the partner the guide calls
 * ILLiad (src/domain/doctor/configuration.ts, illiadPartnerOf); its findings about that partner are the ones whose
 * guide step is a step of the partner profile ("Partner → …"). Another partner has none.
 */
import type { DoctorReport } from '../../app/doctor-service.ts';
import type { Partner } from '../../domain/config/partner.ts';
import { illiadPartnerOf } from '../../domain/doctor/configuration.ts';
import { doctorView, type DoctorView } from './doctor.ts';

const PARTNER_STEP = 'Partner →';

export interface PartnerDoctorView {
  /** Whether the doctor checks this partner at all. */
  readonly checked: boolean;
  /** The code of the partner the doctor checks, when it is another. */
  readonly checkedPartner?: string | undefined;
  readonly view: DoctorView;
}

export function partnerDoctorView(report: DoctorReport, partners: readonly Partner[], code: string): PartnerDoctorView {
  const checkedPartner = illiadPartnerOf(partners)?.code;
  const checks = checkedPartner === code ? report.checks.filter((c) => c.guideStep.startsWith(PARTNER_STEP)) : [];
  const summary = { pass: 0, warn: 0, fail: 0 };
  for (const c of checks) summary[c.status] += 1;
  const view = doctorView({ checks, summary, exitCode: summary.fail ? 2 : summary.warn ? 1 : 0 }, false);
  return { checked: checkedPartner === code, checkedPartner, view };
}
