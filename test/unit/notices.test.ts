/** The pure parts of notices (issue 9, item 5): placeholders, filling, which transitions tell the patron, dates. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { patronDate, remindLoansDueBefore } from '../../src/domain/notices/dates.ts';
import { DEFAULT_TEMPLATES, fillTemplate, NOTICE_TYPES, templateProblems } from '../../src/domain/notices/templates.ts';
import { asksToNotify, noticeForTransition } from '../../src/domain/notices/triggers.ts';

test('a line whose placeholder has no value is left out; values never break a line or the subject', () => {
  const filled = fillTemplate(
    { subject: 'Ready: {{title}} {{author}}', body: 'Dear {{patronName}},\n\n  {{title}}\n  {{author}}\n\nUntil {{holdUntil}}.\n\n\nBye' },
    { patronName: 'Ada', title: 'Line one\r\nBcc: someone@example.org', author: null },
  );
  assert.equal(filled.subject, 'Ready: Line one Bcc: someone@example.org');
  assert.equal(filled.body, 'Dear Ada,\n\n  Line one Bcc: someone@example.org\n\nBye\n');
});

test('the shipped templates use only their own placeholders', () => {
  for (const type of NOTICE_TYPES) assert.deepEqual(templateProblems(type, DEFAULT_TEMPLATES[type]), [], type);
});

test('an unknown placeholder is named, once, at its field; a stray {{ too', () => {
  const problems = templateProblems('CANNOT_BE_FILLED', { enabled: true, subject: 'About {{ holdUntil }}', body: '{{reason}} {{nope}} {{nope}} {{title' });
  assert.deepEqual(
    problems.map((p) => [p.path, p.message.split(';')[0]]),
    [
      ['subject', '{{holdUntil}} is not a placeholder of the request cannot be filled notice'],
      ['body', '{{nope}} is not a placeholder of the request cannot be filled notice'],
      ['body', 'has a {{ or }} that does not belong to a placeholder: write placeholders as {{name}}'],
    ],
  );
  assert.equal(templateProblems('READY_FOR_PICKUP', { enabled: true, subject: 'x', body: 'y', daysBefore: 3 })[0]?.path, 'daysBefore');
});

test('which transitions tell the patron', () => {
  const t = (action: string, by: 'staff' | 'partner' | 'system', from: string, to: string) => noticeForTransition({ action, by, from: from as never, to: to as never })?.type;
  assert.equal(t('reject', 'partner', 'REQUEST_SENT_TO_PARTNER', 'EXPIRED'), 'CANNOT_BE_FILLED');
  assert.equal(t('no-answer', 'system', 'REQUEST_SENT_TO_PARTNER', 'EXPIRED'), 'CANNOT_BE_FILLED');
  assert.equal(t('partner-cancelled', 'partner', 'WILL_SUPPLY', 'CANCELLED_BY_PARTNER'), 'CANNOT_BE_FILLED');
  assert.equal(t('reject', 'partner', 'REQUEST_SENT_TO_PARTNER', 'REQUEST_SENT_TO_PARTNER'), undefined, 'the next partner has it');
  assert.equal(t('cancel', 'staff', 'READY_TO_BE_SENT', 'CANCELLED_BY_STAFF'), undefined);
  assert.equal(t('patron-cancel', 'staff', 'READY_TO_BE_SENT', 'CANCELLED_BY_PATRON'), undefined);
  assert.equal(t('locate-failed', 'system', 'LOCATE_IN_PROCESS', 'LOCATE_FAILED'), undefined);
  assert.equal(t('receive', 'staff', 'SHIPPED_PHYSICALLY', 'PHYSICALLY_RECEIVED_BY_LIBRARY'), 'READY_FOR_PICKUP');
  assert.equal(t('receive', 'partner', 'EXPORTED_TO_THIRD_PARTY', 'PHYSICALLY_RECEIVED_BY_LIBRARY'), undefined, 'an AcceptItem decides by its RequestedActionType');
});

test('RequestedActionType: "… And Notify" asks us to tell the patron', () => {
  assert.equal(asksToNotify('Hold For Pickup And Notify'), true);
  assert.equal(asksToNotify(' hold for pickup and notify '), true);
  assert.equal(asksToNotify('Circulate And Notify'), true);
  assert.equal(asksToNotify('Hold For Pickup'), false);
  assert.equal(asksToNotify(null), false);
});

test('dates in words, on the library’s calendar day', () => {
  // 23:59 on 26 December in Los Angeles is already 27 December in UTC.
  assert.equal(patronDate('2026-12-27T07:59:00.000Z', 'America/Los_Angeles'), 'Saturday 26 December 2026');
  assert.equal(patronDate('2026-12-27T07:59:00.000Z', 'UTC'), 'Sunday 27 December 2026');
  // 28 November, 20:00 in Los Angeles (04:00 UTC the next day): three days ahead is up to the end of 1 December there.
  assert.equal(remindLoansDueBefore('2026-11-29T04:00:00.000Z', 3, 'America/Los_Angeles'), '2026-12-02T08:00:00.000Z');
  assert.equal(remindLoansDueBefore('2026-11-29T04:00:00.000Z', 3, 'UTC'), '2026-12-03T00:00:00.000Z');
});
