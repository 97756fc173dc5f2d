/**
 * The ILLiad identity dry run in words: which partner is asked, the username the identity rule derives, what ILLiad
 * says, and the calls made. IlliadExporter.checkIdentity does the work (it only looks: it creates nothing).
 */
import { exportsThroughApi, type IlliadExporter } from '../../app/illiad-export.ts';
import { USER_IDENTIFIER_TYPE } from '../../domain/config/enums.ts';
import type { Partner } from '../../domain/config/partner.ts';

export type IdentityResult = Awaited<ReturnType<IlliadExporter['checkIdentity']>>;

export interface IdentityView {
  readonly partner: string;
  /** "Email (cwlee@example.edu), User Identifier Regex ^[^@]*" */
  readonly rule: string;
  readonly username: string | null;
  readonly outcome: string;
  /** Whether exports for this patron would go through as things are. */
  readonly fine: boolean;
  readonly user: readonly { label: string; value: string }[];
  readonly calls: readonly string[];
}

/** The partners a patron's identity can be checked against: those that export to ILLiad Using API. */
export const identityPartners = (partners: readonly Partner[]): Partner[] => partners.filter(exportsThroughApi);

export function identityViewOf(result: IdentityResult): IdentityView {
  const type = USER_IDENTIFIER_TYPE.labels[result.userIdentifierType as keyof typeof USER_IDENTIFIER_TYPE.labels] ?? result.userIdentifierType;
  const identifier = result.identifier ? ` (${result.identifier})` : ' (the patron has none)';
  const regex = result.userIdentifierRegex ? `, User Identifier Regex ${result.userIdentifierRegex}` : ', no User Identifier Regex (the whole identifier)';
  const user = result.illiadUser;
  return {
    partner: result.partner,
    rule: `User Identifier Type ${type}${identifier}${regex}`,
    username: result.username,
    outcome: result.outcome,
    fine: /found: exports go to this user|the first export creates it/.test(result.outcome),
    user: user
      ? [
          { label: 'Username', value: user.username },
          { label: 'Name', value: [user.firstName, user.lastName].filter(Boolean).join(' ') || '—' },
          { label: 'E-mail', value: user.email ?? '—' },
          { label: 'Cleared', value: user.cleared ?? '—' },
          { label: 'Status', value: user.status ?? '—' },
          { label: 'NVTGC', value: user.nvtgc ?? '—' },
        ]
      : [],
    calls: result.calls.map((c) => c.replace(/ \(\d+ ms\)$/, '')),
  };
}
