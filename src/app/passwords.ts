/**
 * Password hashing with scrypt (node:crypto), always the asynchronous form: it runs on libuv's thread pool, so a
 * sign-in never stops the server from answering others. Each password gets its own random salt; the parameters are
 * stored with the hash (domain/access/staff-user.ts), so they can be raised later and old hashes still verify (and
 * are hashed again with the new ones at their next sign-in).
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { formatPasswordHash, normalizePassword, parsePasswordHash, type ScryptParameters } from '../domain/access/staff-user.ts';

/**
 * N = 2^15, r = 8, p = 1: 32 MiB and some 50–100 ms a hash on a small server, the usual choice for interactive
 * sign-in (OWASP's minimum for scrypt is N = 2^17 with 128 MiB; we stay lower so that a few sign-ins at once do not
 * take the memory of a small instance, and rely on the sign-in throttle against guessing).
 */
export const DEFAULT_SCRYPT: ScryptParameters = { N: 2 ** 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, keyLength: number, params: ScryptParameters): Promise<Buffer> {
  // scrypt needs 128 · N · r bytes; allow that and a margin (Node's default ceiling is 32 MiB, exactly our need).
  const maxmem = 256 * params.N * params.r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(normalizePassword(password), salt, keyLength, { N: params.N, r: params.r, p: params.p, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export class PasswordHasher {
  constructor(readonly params: ScryptParameters = DEFAULT_SCRYPT) {}

  /** `scrypt$N$r$p$salt$key`: what is stored instead of the password. */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, KEY_BYTES, this.params);
    return formatPasswordHash({ ...this.params, salt: salt.toString('base64url'), key: key.toString('base64url') });
  }

  /**
   * Whether the password is the one the hash was made from, compared in constant time. A hash we cannot read
   * matches nothing (it still costs one hash with today's parameters, so it takes as long as a wrong password).
   */
  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parsePasswordHash(stored);
    if (!parsed) {
      await derive(password, randomBytes(SALT_BYTES), KEY_BYTES, this.params);
      return false;
    }
    const expected = Buffer.from(parsed.key, 'base64url');
    const actual = await derive(password, Buffer.from(parsed.salt, 'base64url'), expected.length, parsed);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
