/** Due dates from partners' messages: with a zone as given; without, at the library's wall clock (protocols.md §8.1). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dueDateFrom } from '../../src/domain/circulation/circulation.ts';

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
