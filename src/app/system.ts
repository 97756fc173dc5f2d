import { randomBytes } from 'node:crypto';
import type { Clock, IdSource } from './ports.ts';

export const systemClock: Clock = { now: () => new Date().toISOString() };

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(bytes: Uint8Array, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += CROCKFORD[bytes[i]! % 32];
  return out;
}

/** ULID-style ids: 10 characters of time then 16 of randomness, so ids sort by creation. */
export function randomIdSource(clock: () => number = Date.now): IdSource {
  return {
    newId() {
      let time = clock();
      let head = '';
      for (let i = 0; i < 10; i++) {
        head = CROCKFORD[time % 32] + head;
        time = Math.floor(time / 32);
      }
      return head + base32(randomBytes(16), 16);
    },
    newToken: () => `il_${randomBytes(32).toString('base64url')}`,
  };
}
