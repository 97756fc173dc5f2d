/**
 * Who a peer is, for both sides of ISO 18626 (issue 6): a peer is known by the agency id its messages carry, which
 * must be the `agencyIdValue` of a configured ISO 18626 partner (compared without case, as peers write ISILs both
 * ways), and, when that partner has a shared secret, by the secret in the X-ISO18626-Shared-Secret header. Used by
 * PeerRequester (the supplier's messages about our borrowing requests) and LendingService (the borrower's Requests
 * and messages about our lending requests), so both sides authenticate the same way.
 */
import { timingSafeEqual } from 'node:crypto';
import { type Env, resolveEnv } from '../domain/config/env-refs.ts';
import type { Institution } from '../domain/config/institution.ts';
import type { Partner } from '../domain/config/partner.ts';
import { Secret } from '../domain/config/secret.ts';
import type { AgencyId } from './peer-connection.ts';

export type IsoPartner = Extract<Partner, { profileType: 'ISO18626' }>;

/** The header a peer with a shared secret sends it in, both ways (our messages to it carry it too). */
export const SHARED_SECRET_HEADER = 'x-iso18626-shared-secret';

export function isIsoPartner(partner: Partner): partner is IsoPartner {
  return partner.profileType === 'ISO18626';
}

/** The ISO 18626 partner that calls itself `agencyIdValue`, if one is configured. */
export function isoPartnerBySymbol(partners: Iterable<Partner>, agencyIdValue: string | null | undefined): IsoPartner | undefined {
  if (!agencyIdValue) return undefined;
  const wanted = agencyIdValue.toLowerCase();
  for (const partner of partners) if (isIsoPartner(partner) && partner.iso18626.agencyIdValue.toLowerCase() === wanted) return partner;
  return undefined;
}

/**
 * Whether a message carries the partner's shared secret: true when the partner has none. Fails closed: a secret
 * whose variable is unset in the environment refuses every message until it is set.
 */
export function carriesSecret(partner: IsoPartner, env: Env, given: string | null | undefined): boolean {
  const stored = partner.iso18626.sharedSecret;
  return !(stored instanceof Secret) || sameSecret(stored.reveal(env) ?? '', given ?? '');
}

/** Looks up the addresses a host name stands for (DNS); the port behind the source-address check. */
export type HostResolver = (host: string) => Promise<string[]>;

const plainAddress = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '').toLowerCase();

/**
 * Whether a message comes from the partner's configured address (issue 6, item 4: peers are known "by their symbol
 * and address"): the sender's IP must be one the host of its configured ISO 18626 URL resolves to. A partner with a
 * shared secret is known by the secret instead (an address can be shared, proxied or moved; a secret cannot be
 * guessed). Without a source address (not over HTTP) or a resolver there is nothing to compare.
 */
export async function comesFromItsAddress(partner: IsoPartner, env: Env, source: string | null | undefined, resolve: HostResolver | undefined): Promise<boolean> {
  if (partner.iso18626.sharedSecret instanceof Secret || !source || !resolve) return true;
  const url = resolveEnv(partner.iso18626.url, env).value;
  if (!url) return false;
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  const addresses = await resolve(host).catch(() => [] as string[]);
  return addresses.map(plainAddress).includes(plainAddress(source));
}

/** The partner's shared secret to send, when it has one and it is set. */
export function secretOf(partner: IsoPartner, env: Env): string | undefined {
  const stored = partner.iso18626.sharedSecret;
  return stored instanceof Secret ? stored.reveal(env) : undefined;
}

/** Us, as peers know us: the institution's ISIL, else its code. */
export function ourAgencyId(institution: Institution | undefined): AgencyId {
  return { type: 'ISIL', value: institution?.isil ?? institution?.code ?? 'INTERLEND' };
}

/** Compares secrets in time that does not depend on where they differ; an empty expected secret matches nothing. */
export function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length > 0 && a.length === b.length && timingSafeEqual(a, b);
}
