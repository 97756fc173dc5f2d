/** The partner list: a row per partner with its profile, system and status in words, and a link to its page. */
import type { Stored } from '../../app/ports.ts';
import { ACTIVE_STATUS, PROFILE_TYPE, SYSTEM_TYPE } from '../../domain/config/enums.ts';
import type { Partner } from '../../domain/config/partner.ts';

export interface PartnerRow {
  readonly code: string;
  readonly name: string;
  readonly href: string;
  readonly profileType: string;
  readonly systemType: string;
  readonly status: string;
  readonly active: boolean;
}

export const partnerHref = (code: string): string => `/ui/partners/${encodeURIComponent(code)}`;

export function partnerRowOf({ doc }: Stored<Partner>): PartnerRow {
  return {
    code: doc.code,
    name: doc.name,
    href: partnerHref(doc.code),
    profileType: PROFILE_TYPE.labels[doc.profileType],
    systemType: SYSTEM_TYPE.labels[doc.systemType],
    status: ACTIVE_STATUS.labels[doc.status],
    active: doc.status === 'ACTIVE',
  };
}
