/**
 * The pure rules of the patron's side (issue 9): statuses in the patron's words, how long an item waits on the
 * hold shelf, what counts as asking twice for the same item, who may place requests, and the PIN brake.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pickupDeadline } from '../../src/domain/circulation/pickup.ts';
import { patronSchema } from '../../src/domain/config/patron.ts';
import { duplicatesOf } from '../../src/domain/patron/duplicates.ts';
import { borrowingRefusal } from '../../src/domain/patron/eligibility.ts';
import { patronDate, patronStatus } from '../../src/domain/patron/patron-status.ts';
import { afterFailure, lockedUntil, pinProblem, SIGN_IN_LIMITS } from '../../src/domain/patron/sign-in.ts';
import type { BorrowingRequest, Citation } from '../../src/domain/request/borrowing-request.ts';
import type { BorrowingStatus } from '../../src/domain/request/state-model.ts';

const NOW = '2026-11-28T20:00:00.000Z';
const LA = 'America/Los_Angeles';
const facts = { partnerName: (code: string) => (code === 'ILLiad' ? 'ILLiad' : code), timeZone: LA, now: NOW };

const EMPTY: Citation = { title: '', author: null, publisher: null, placeOfPublication: null, year: null, edition: null, oclcNumber: null, isbn: null, issn: null, doi: null, volume: null, issue: null, pages: null, articleTitle: null, articleAuthor: null };
const request = (id: string, status: BorrowingStatus, citation: Partial<Citation>): BorrowingRequest =>
  ({ id, status, patron: 'p', citation: { ...EMPTY, ...citation }, createdAt: NOW }) as unknown as BorrowingRequest;

describe('statuses in the patron’s words', () => {
  test('where it is, what to do, how it ended', () => {
    const says = (status: BorrowingStatus, more: Partial<Parameters<typeof patronStatus>[1]> = {}, exportedTo?: BorrowingRequest['exportedTo']) =>
      patronStatus({ status, exportedTo }, { ...facts, ...more }).text;
    assert.equal(says('REQUEST_SENT_TO_PARTNER'), 'with a partner library');
    assert.equal(says('CONDITIONAL'), 'with a partner library');
    assert.equal(says('READY_TO_BE_SENT'), 'being looked at by library staff');
    assert.equal(says('EXPORTED_TO_THIRD_PARTY', {}, { partner: 'ILLiad', transactionNumber: 1, username: 'u', at: NOW }), 'ordered through ILLiad');
    assert.equal(says('PHYSICALLY_RECEIVED_BY_LIBRARY', { hold: { library: 'Main Library', until: '2026-12-13T07:59:59.000Z' } }), 'ready for pickup at Main Library until 12 December');
    assert.equal(says('PHYSICALLY_RECEIVED_BY_LIBRARY'), 'arrived at the library, being made ready for you');
    assert.equal(says('LOANED_TO_PATRON', { loan: { dueDate: '2027-03-04T07:59:00.000Z' } }), 'due 3 March 2027', 'the library’s day, and the year when not this one');
    assert.equal(says('CANCELLED_BY_PATRON'), 'cancelled');
    assert.equal(says('EXPIRED'), 'could not be supplied');
    assert.equal(says('CANCELLED_BY_PARTNER'), 'could not be supplied');
    assert.equal(patronStatus({ status: 'PHYSICALLY_RECEIVED_BY_LIBRARY' }, { ...facts, hold: { library: 'Main', until: NOW } }).tone, 'action');
  });

  test('dates are the library’s: 3 March this year, with the year otherwise', () => {
    assert.equal(patronDate('2026-03-03T12:00:00Z', LA, NOW), '3 March');
    assert.equal(patronDate('2026-12-01T05:00:00Z', LA, NOW), '30 November', 'still 30 November in Los Angeles');
  });
});

describe('the hold shelf', () => {
  test('until the end of the library’s day a week after it arrived', () => {
    // Arrived 28 November 12:00 in Los Angeles; held through 5 December, 23:59:59 there (08:00 UTC the next day).
    assert.equal(pickupDeadline('2026-11-28T20:00:00.000Z', null, 7, LA), '2026-12-06T07:59:59.000Z');
    assert.equal(pickupDeadline('2026-11-28T20:00:00.000Z', null, 14, 'UTC'), '2026-12-12T23:59:59.000Z');
  });

  test('never after the lender wants it back: the day before its due-back date', () => {
    assert.equal(pickupDeadline('2026-11-28T20:00:00.000Z', '2026-12-03T07:59:00.000Z', 7, LA), '2026-12-02T07:59:59.000Z', 'due back 2 December there: held through 1 December');
    assert.equal(pickupDeadline('2026-11-28T20:00:00.000Z', '2026-11-29T07:59:00.000Z', 7, LA), '2026-11-29T07:59:59.000Z', 'due back at once: still the day it arrived');
  });
});

describe('asking twice for the same item', () => {
  const open = [
    request('r1', 'REQUEST_SENT_TO_PARTNER', { title: 'The Problem of Pain', author: 'Lewis, C. S.', oclcNumber: '0012345' }),
    request('r2', 'EXPORTED_TO_THIRD_PARTY', { title: 'Mere Christianity', isbn: '0-306-40615-2' }),
    request('r3', 'LOANED_TO_PATRON', { title: 'Nature', articleTitle: 'DNA', doi: '10.1038/171737a0' }),
    request('r4', 'CANCELLED_BY_PATRON', { title: 'Surprised by Joy', author: 'Lewis' }),
    request('r5', 'WILL_SUPPLY', { title: 'Handbook', isbn: '9780306406157', articleTitle: 'Chapter one' }),
  ];
  const found = (c: Partial<Citation>) => duplicatesOf({ ...EMPTY, ...c }, open).map((d) => `${d.request.id}: ${d.because}`);

  test('the same OCLC number (leading zeros and prefixes aside), ISBN (10 or 13) or DOI (any case)', () => {
    assert.deepEqual(found({ title: 'x', oclcNumber: '(OCoLC)12345' }), ['r1: the same OCLC number ((OCoLC)12345)']);
    assert.deepEqual(found({ title: 'x', isbn: '9780306406157' }), ['r2: the same ISBN (9780306406157)'], 'not r5: a chapter of it is another request');
    assert.deepEqual(found({ title: 'x', doi: '10.1038/171737A0' }), ['r3: the same DOI (10.1038/171737A0)']);
  });

  test('the same title and author once normalised; an open request only', () => {
    assert.deepEqual(found({ title: 'the problem of pain!', author: 'LEWIS C S' }), ['r1: the same title and author']);
    assert.deepEqual(found({ title: 'The Problem of Pain', author: 'Someone Else' }), []);
    assert.deepEqual(found({ title: 'Surprised by Joy', author: 'Lewis' }), [], 'the cancelled one is not open');
    assert.deepEqual(found({ title: 'Nature', articleTitle: 'Another article' }), [], 'another article of the same journal');
  });
});

describe('who may place requests', () => {
  const patron = (over: Record<string, unknown>) => patronSchema.parse({ primaryId: 'p', firstName: 'A', lastName: 'B', userGroup: 'G', ...over });
  test('inactive, blocked (the note, else the code) or expired: the reason; otherwise nothing', () => {
    assert.equal(borrowingRefusal(patron({}), '2026-11-28'), undefined);
    assert.equal(borrowingRefusal(patron({ status: 'INACTIVE' }), '2026-11-28'), 'the library account is not active');
    assert.equal(borrowingRefusal(patron({ blocks: [{ code: 'FINES', note: 'Fines over the limit' }, { code: 'LOST' }] }), '2026-11-28'), 'the library account is blocked (Fines over the limit; LOST)');
    assert.equal(borrowingRefusal(patron({ expiryDate: '2026-11-27' }), '2026-11-28'), 'the library account expired on 2026-11-27');
  });
});

describe('PINs and the brake on guessing them', () => {
  test('a PIN is 4 to 64 characters', () => {
    assert.equal(pinProblem('123'), 'must be at least 4 characters');
    assert.equal(pinProblem('1234'), undefined);
    assert.equal(pinProblem('x'.repeat(65)), 'must be at most 64 characters');
    assert.equal(pinProblem(undefined), 'is required');
  });

  test('locked at the limit for the window; a new window after it', () => {
    let state = undefined as ReturnType<typeof afterFailure> | undefined;
    for (let i = 1; i < SIGN_IN_LIMITS.perIdentifier; i++) {
      state = afterFailure(state, NOW, SIGN_IN_LIMITS.perIdentifier);
      assert.equal(lockedUntil(state, NOW), undefined, `not locked after ${i}`);
    }
    state = afterFailure(state, NOW, SIGN_IN_LIMITS.perIdentifier);
    assert.equal(lockedUntil(state, NOW), '2026-11-28T20:15:00.000Z');
    assert.equal(lockedUntil(state, '2026-11-28T20:15:00.000Z'), undefined, 'over at its time');
    const later = afterFailure(state, '2026-11-28T20:16:00.000Z', SIGN_IN_LIMITS.perIdentifier);
    assert.deepEqual([later.failures, later.lockedUntil], [1, null], 'a new window');
  });
});
