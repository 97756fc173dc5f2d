/** Due dates from partners' messages: with a zone as given; without, at the library's wall clock (protocols.md §8.1). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dueDateFrom, zonedToUtc } from '../../src/domain/circulation/circulation.ts';

const NOW = '2026-11-28T12:00:00.000Z';

test('a date with a zone is that instant', () => {
  assert.equal(dueDateFrom('2027-01-31T23:59:00Z', 90, NOW, 'America/Los_Angeles').dueDate, '2027-01-31T23:59:00.000Z');
  assert.equal(dueDateFrom('2027-01-31T23:59:00+02:00', 90, NOW).dueDate, '2027-01-31T21:59:00.000Z');
});

test("a date without a zone is the library's wall clock, in winter and in summer time", () => {
  assert.equal(dueDateFrom('2026-12-26T23:59:00', 90, NOW, 'America/Los_Angeles').dueDate, '2026-12-27T07:59:00.000Z');
  assert.equal(dueDateFrom('2027-07-01T23:59:00', 90, NOW, 'America/Los_Angeles').dueDate, '2027-07-02T06:59:00.000Z');
  assert.equal(dueDateFrom('2027-07-01T23:59:00', 90, NOW, 'Europe/Berlin').dueDate, '2027-07-01T21:59:00.000Z');
  assert.equal(dueDateFrom('2027-07-01', 90, NOW, 'UTC').dueDate, '2027-07-01T23:59:59.000Z', 'a bare date: the end of the day');
});

test('no date, or one that cannot be read, gives the loan period', () => {
  assert.deepEqual(dueDateFrom(null, 90, NOW), { dueDate: '2027-02-26T12:00:00.000Z', from: 'loan period' });
  assert.equal(dueDateFrom('soon', 10, NOW).from, 'loan period');
});

test('wall clock to instant holds minute by minute through daylight-saving changes, in zones with odd offsets too', () => {
  // zonedToUtc keeps one offset per zone and quarter hour: going back and forth across the changes checks that
  // what it kept is never used for the wrong side of one.
  const cases: [string, string][] = [
    ['America/New_York', '2027-03-14T00:00:00Z'],
    ['America/New_York', '2027-11-07T00:00:00Z'],
    ['Australia/Lord_Howe', '2027-04-03T12:00:00Z'],
    ['Asia/Kathmandu', '2027-01-01T00:00:00Z'],
    ['Europe/Berlin', '2027-10-31T00:00:00Z'],
  ];
  for (const [zone, start] of cases) {
    const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    const wallOf = (instant: number) => {
      const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
      return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
    };
    const from = Date.parse(start);
    const minutes = Array.from({ length: 24 * 60 / 7 }, (_, i) => from + i * 7 * 60_000);
    for (const wall of [...minutes, ...minutes.reverse()]) {
      const instant = zonedToUtc(wall, zone);
      // A wall time in the gap of a spring-forward does not exist (New York, 14 March 2027, 02:00 to 03:00): it lands
      // an hour off. Every other one, the doubled hours of a fall-back included, must come back exactly.
      const inGap = zone === 'America/New_York' && wall >= Date.parse('2027-03-14T02:00:00Z') && wall < Date.parse('2027-03-14T03:00:00Z');
      if (inGap) assert.equal(Math.abs(wallOf(instant) - wall), 3_600_000);
      else assert.equal(wallOf(instant), wall, `${zone} ${new Date(wall).toISOString()}`);
    }
  }
});
