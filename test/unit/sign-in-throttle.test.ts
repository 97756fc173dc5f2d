/** The sign-in throttle on its own: the window slides, a success starts afresh, and its memory is bounded. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SIGN_IN_THROTTLE, SignInThrottle } from '../../src/domain/access/sign-in-throttle.ts';

const MINUTE = 60_000;

test('failures older than the window do not count', () => {
  const throttle = new SignInThrottle();
  for (let i = 0; i < 4; i++) assert.deepEqual(throttle.begin('alice', i * 1000), {});
  // 16 minutes later those four have left the window: five more may be tried, and the sixth waits.
  let at = 16 * MINUTE;
  for (let i = 0; i < 5; i++) assert.deepEqual(throttle.begin('alice', (at += 1000)), {}, `attempt ${i}`);
  const fifth = at;
  assert.equal(throttle.begin('alice', (at += 1000)).lockedUntil, fifth + SIGN_IN_THROTTLE.lockMs, 'fifteen minutes from the fifth failure');
});

test('a success starts the name afresh', () => {
  const throttle = new SignInThrottle();
  for (let i = 0; i < 4; i++) throttle.begin('alice', i);
  throttle.succeeded('alice');
  for (let i = 0; i < 5; i++) assert.deepEqual(throttle.begin('alice', 10 + i), {});
  assert.ok(throttle.begin('alice', 20).lockedUntil);
});

test('it remembers at most maxNames names, forgetting stale ones first, then the oldest', () => {
  const throttle = new SignInThrottle({ ...SIGN_IN_THROTTLE, maxFailures: 2, maxNames: 3 });
  const base = 20 * MINUTE;
  throttle.begin('locked', base);
  throttle.begin('locked', base + 1);
  assert.ok(throttle.begin('locked', base + 2).lockedUntil);
  throttle.begin('stale', 0);
  throttle.begin('fresh', base + MINUTE);
  // Full: 'stale' (nothing in the window, no lock) goes; 'locked' is kept.
  throttle.begin('newcomer', base + MINUTE);
  assert.ok(throttle.begin('locked', base + MINUTE).lockedUntil, 'the lock survived');
  throttle.begin('another', base + MINUTE);
  // Full of live names: the oldest ('locked') is forgotten rather than the memory growing.
  assert.deepEqual(throttle.begin('locked', base + MINUTE + 1), {});
});
