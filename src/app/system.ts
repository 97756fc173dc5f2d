import { randomBytes, randomFillSync } from 'node:crypto';
import type { Clock, IdSource } from './ports.ts';

export const systemClock: Clock = { now: () => new Date().toISOString() };

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(bytes: Uint8Array, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += CROCKFORD[bytes[i]! % 32];
  return out;
}

/** Random bytes drawn from a pool refilled 4 KiB at a time: one system call for 256 ids instead of one each. */
function randomPool(): (count: number) => Uint8Array {
  const pool = Buffer.alloc(4096);
  let used = pool.length;
  return (count) => {
    if (used + count > pool.length) {
      randomFillSync(pool);
      used = 0;
    }
    used += count;
    return pool.subarray(used - count, used);
  };
}

/** ULID-style ids: 10 characters of time then 16 of randomness, so ids sort by creation. */
export function randomIdSource(clock: () => number = Date.now): IdSource {
  const random = randomPool();
  return {
    newId() {
      let time = clock();
      let head = '';
      for (let i = 0; i < 10; i++) {
        head = CROCKFORD[time % 32] + head;
        time = Math.floor(time / 32);
      }
      return head + base32(random(16), 16);
    },
    newToken: () => `il_${randomBytes(32).toString('base64url')}`,
  };
}
