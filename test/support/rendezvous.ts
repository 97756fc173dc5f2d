import { setTimeout as delay } from 'node:timers/promises';

/**
 * Holds each caller until `parties` have arrived, so that their transactions overlap; gives up waiting after `ms`
 * (on SQLite the second transaction cannot start before the first one ends).
 */
export function rendezvous(parties: number, ms = 300): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return async () => {
    if (++arrived >= parties) release();
    await Promise.race([all, delay(ms)]);
  };
}
