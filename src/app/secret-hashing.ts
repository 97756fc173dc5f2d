/**
 * Hashing of short secrets people type (patrons' PINs): scrypt with a random salt, so a copy of the database does
 * not give the PINs away and each guess costs the guesser real work. Stored as one text that says how it was made
 * (`scrypt$N$r$p$salt$hash`, base64url), so the parameters can grow without a migration.
 *
 * One small module on purpose: when the staff passwords' hashing (src/app/passwords.ts, another branch) lands,
 * patrons' PINs can use it by changing this file only (`SecretHasher` is all the rest sees).
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';

export interface SecretHasher {
  hash(secret: string): Promise<string>;
  /** Compares in constant time; false for a stored value it cannot read. */
  verify(secret: string, stored: string): Promise<boolean>;
}

interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** OWASP's minimum for scrypt (N=2^17 is its first choice; 2^14 keeps a sign-in near 30 ms on a small server). */
const DEFAULT_PARAMS: ScryptParams = { N: 2 ** 14, r: 8, p: 1 };
const KEY_LENGTH = 32;

function scrypt(secret: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(secret.normalize('NFC'), salt, KEY_LENGTH, { ...params, maxmem: 256 * params.N * params.r }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export function scryptHasher(params: ScryptParams = DEFAULT_PARAMS): SecretHasher {
  return {
    async hash(secret) {
      const salt = randomBytes(16);
      const key = await scrypt(secret, salt, params);
      return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
    },
    async verify(secret, stored) {
      const parts = stored.split('$');
      if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
      const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
      if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20) return false;
      const expected = Buffer.from(parts[5]!, 'base64url');
      const key = await scrypt(secret, Buffer.from(parts[4]!, 'base64url'), { N, r, p });
      return expected.length === key.length && timingSafeEqual(expected, key);
    },
  };
}
