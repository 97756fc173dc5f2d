/**
 * How patrons sign in, from the environment (docs/patrons.md):
 *
 * - `PATRON_AUTH=pin` (the default): an id and a PIN on our sign-in page. `PATRON_AUTH_ID_TYPE` says which
 *   identifier patrons type (PRIMARY_ID, the default; BARCODE, UNIVERSITY_ID, EMAIL, ADDITIONAL_ID_1/2).
 * - `PATRON_AUTH=header`: the campus single sign-on proxy (Shibboleth's mod_shib, a CAS or OIDC gateway) signs the
 *   patron in and names them in a header, `PATRON_AUTH_HEADER` (default `X-Remote-User`), whose value is matched
 *   against `PATRON_AUTH_ID_TYPE`. The header is believed only from `PATRON_AUTH_TRUSTED_PROXIES` (addresses or
 *   CIDR ranges, comma-separated; default loopback): from anywhere else anyone could send it.
 *
 * The trusted proxies are also the only ones whose X-Forwarded-For is read (for counting wrong PINs per client).
 */
import { BlockList, isIP } from 'node:net';
import { USER_IDENTIFIER_TYPE } from '../../domain/config/enums.ts';
import type { PatronIdType } from '../../app/patron-auth.ts';

export interface PatronAuthSettings {
  readonly method: 'pin' | 'header';
  readonly idType: PatronIdType;
  /** The header's name, lower-case (how node gives headers). */
  readonly header: string;
  /** The proxies as written, for messages. */
  readonly trustedProxies: readonly string[];
  readonly isTrustedProxy: (address: string | undefined) => boolean;
}

const LOOPBACK = ['127.0.0.1', '::1'];

function proxyList(entries: readonly string[]): (address: string | undefined) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = isIP(address ?? '');
    if (!family) throw new Error(`PATRON_AUTH_TRUSTED_PROXIES: ${JSON.stringify(entry)} is not an IP address or a CIDR range`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address!, type);
    else {
      const prefix = Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) throw new Error(`PATRON_AUTH_TRUSTED_PROXIES: ${JSON.stringify(entry)} has a bad prefix length`);
      list.addSubnet(address!, prefix, type);
    }
  }
  return (address) => {
    if (!address) return false;
    // An IPv4 client on a dual-stack socket is ::ffff:a.b.c.d.
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  };
}

export function patronAuthSettings(env: Readonly<Record<string, string | undefined>>): PatronAuthSettings {
  const method = (env.PATRON_AUTH?.trim() || 'pin').toLowerCase();
  if (method !== 'pin' && method !== 'header') throw new Error(`PATRON_AUTH must be pin or header, not ${JSON.stringify(env.PATRON_AUTH)}`);
  const idType = (env.PATRON_AUTH_ID_TYPE?.trim() || 'PRIMARY_ID').toUpperCase();
  if (!(USER_IDENTIFIER_TYPE.values as readonly string[]).includes(idType)) {
    throw new Error(`PATRON_AUTH_ID_TYPE must be one of ${USER_IDENTIFIER_TYPE.values.join(', ')}, not ${JSON.stringify(env.PATRON_AUTH_ID_TYPE)}`);
  }
  const header = (env.PATRON_AUTH_HEADER?.trim() || 'X-Remote-User').toLowerCase();
  if (!/^[a-z0-9-]+$/.test(header)) throw new Error(`PATRON_AUTH_HEADER must be a header name, not ${JSON.stringify(env.PATRON_AUTH_HEADER)}`);
  const trustedProxies = env.PATRON_AUTH_TRUSTED_PROXIES?.trim()
    ? env.PATRON_AUTH_TRUSTED_PROXIES.split(',').map((e) => e.trim()).filter(Boolean)
    : LOOPBACK;
  return { method, idType: idType as PatronIdType, header, trustedProxies, isTrustedProxy: proxyList(trustedProxies) };
}
