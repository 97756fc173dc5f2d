import type { Clock, IdSource } from '../../src/app/ports.ts';

/** A clock that stands still until moved. */
export class FakeClock implements Clock {
  constructor(private time = Date.parse('2026-11-28T12:00:00.000Z')) {}
  now(): string {
    return new Date(this.time).toISOString();
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

/** Ids and tokens that count up, so tests can predict them. */
export class SequentialIds implements IdSource {
  private next = 0;
  newId(): string {
    return `id${String(++this.next).padStart(6, '0')}`;
  }
  newToken(): string {
    return `il_test_token_${String(++this.next).padStart(6, '0')}_abcdefghijklmnop`;
  }
}
