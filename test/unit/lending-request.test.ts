/** The lending request's pure parts: its state model, due dates, the outbox numbering, and matching our holdings. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  applyLendingAction,
  dueDateAfter,
  holdingsSet,
  type LendingCitation,
  type LendingRequest,
  matchHoldings,
  parseDueDate,
  queueMessage,
  renewedDueDate,
} from '../../src/domain/request/lending-request.ts';
import { allowedActions, checkStateModel, LENDING_MODEL } from '../../src/domain/request/state-model.ts';

const NOW = '2026-11-28T12:00:00.000Z';
const citation = (extra: Partial<LendingCitation> = {}): LendingCitation => ({
  title: 'T', author: null, subtitle: null, edition: null, publisher: null, placeOfPublication: null, year: null, volume: null, issue: null, pages: null,
  articleTitle: null, articleAuthor: null, isbn: null, issn: null, oclcNumber: null, supplierUniqueRecordId: null, ...extra,
});
const request = (status: LendingRequest['status']): LendingRequest => ({
  id: 'l-1', status, requester: { partner: 'P', agencyIdType: 'ISIL', agencyIdValue: 'US-P' }, requesterRequestId: 'R', citation: citation(), serviceType: 'Loan',
  serviceLevel: null, needBefore: null, requesterNote: null, patronReference: null, dueDate: null, conditions: null, renewals: 0, itemId: null, statusReason: null,
  fingerprint: 'f', answered: false, outbox: [], messageSeq: 0, createdAt: NOW, updatedAt: NOW, version: 1,
});

test('the lending model is sound, and says who may do what when', () => {
  assert.deepEqual(checkStateModel('lending', LENDING_MODEL), []);
  assert.deepEqual(allowedActions(LENDING_MODEL, 'SHIPPED_PHYSICALLY', 'partner').sort(), ['received', 'renew', 'returned']);
  assert.deepEqual(allowedActions(LENDING_MODEL, 'SHIPPED_PHYSICALLY', 'staff'), ['check-in']);
  assert.ok(!allowedActions(LENDING_MODEL, 'SHIPPED_PHYSICALLY', 'partner').includes('cancel'), 'no cancel once shipped');
  const renewed = applyLendingAction(request('SHIPPED_PHYSICALLY'), 'renew', 'partner', { now: NOW });
  assert.ok(renewed.ok);
  assert.equal(renewed.to, 'RECEIVED_BY_PARTNER', 'a Renew shows the borrower has the item');
  const rejected = applyLendingAction(request('CREATED'), 'reject', 'staff', { now: NOW });
  assert.deepEqual(rejected.ok ? 'applied' : rejected.reason, 'reject needs a reason');
  const withReason = applyLendingAction(request('CREATED'), 'reject', 'staff', { now: NOW, reason: ' not on shelf ' });
  assert.ok(withReason.ok);
  assert.deepEqual([withReason.request.status, withReason.request.statusReason], ['REJECTED', 'not on shelf']);
});

test('due dates: the loan period at 23:59:59Z; what staff type; renewals from the old due date or today', () => {
  assert.equal(dueDateAfter(NOW, 28), '2026-12-26T23:59:59Z');
  assert.equal(parseDueDate('2027-02-01'), '2027-02-01T23:59:59Z');
  assert.equal(parseDueDate('2027-02-01T10:00:00+02:00'), '2027-02-01T08:00:00Z');
  for (const bad of ['2027-02-30', '2026-13-45', 'next week', '2027-02-01T10:00:00']) assert.equal(parseDueDate(bad), undefined, bad);
  assert.equal(renewedDueDate('2026-12-26T23:59:59Z', NOW, 28), '2027-01-23T23:59:59Z');
  assert.equal(renewedDueDate('2026-11-01T23:59:59Z', NOW, 28), '2026-12-26T23:59:59Z', 'overdue: from today');
});

test('messages are numbered in order, and the first RequestResponse marks the request answered', () => {
  const base = { status: 'WillSupply', answerYesNo: null, note: null, reasonUnfilled: null, dueDate: null, shipped: null, at: NOW, cause: 'x' } as const;
  const first = queueMessage(request('CREATED'), { ...base, reasonForMessage: 'Notification' });
  assert.deepEqual([first.seq, first.request.answered], [1, false]);
  const second = queueMessage(first.request, { ...base, reasonForMessage: 'RequestResponse' });
  assert.deepEqual([second.seq, second.request.answered, second.request.outbox.map((m) => m.seq)], [2, true, [1, 2]]);
});

test('our holdings match OCLC numbers with or without leading zeros, ISBNs without hyphens, and nothing else', () => {
  const holdings = holdingsSet(['(OCoLC)0012345678', '0-306-40615-2', ' ', '1234-5679']);
  assert.ok(matchHoldings(citation({ oclcNumber: '12345678' }), holdings).holds);
  assert.ok(matchHoldings(citation({ oclcNumber: 'ocm0012345678' }), holdings).holds);
  assert.ok(matchHoldings(citation({ isbn: '0306406152' }), holdings).holds);
  assert.ok(matchHoldings(citation({ issn: '12345679' }), holdings).holds);
  assert.equal(matchHoldings(citation({ isbn: '0306406153' }), holdings).holds, false, 'another ISBN');
  assert.deepEqual(matchHoldings(citation({ oclcNumber: '999' }), holdings), { holds: false, reason: 'we hold none of 999' });
  assert.equal(matchHoldings(citation(), holdings).holds, false);
  assert.match(matchHoldings(citation(), holdings).reason, /names no OCLC number/);
});
