/** Our request as ILLiad fields (illiad.md §1.4, §5 (a) 7), and ILLiad's error bodies as sentences (§1.6). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BorrowingRequest } from '../../src/domain/request/borrowing-request.ts';
import { citationSchema } from '../../src/domain/request/borrowing-request.ts';
import { illiadMessage, webPlatformBase } from '../../src/protocols/illiad/http.ts';
import { fit, requestType, transactionBody } from '../../src/protocols/illiad/transaction-body.ts';

function request(extra: Omit<Partial<BorrowingRequest>, 'citation'> & { citation?: Record<string, unknown> } = {}): BorrowingRequest {
  const { citation, ...rest } = extra;
  return {
    id: '01JREQUEST0000000000000000',
    status: 'REQUEST_SENT_TO_PARTNER',
    patron: '100200300',
    userGroup: 'FACULTY',
    citation: citationSchema.parse({ title: 'The Problem of Pain', author: 'C. S. Lewis', oclcNumber: '12345', isbn: '9780060652968', ...citation }),
    requestedFormat: 'PHYSICAL',
    citationType: 'BOOK',
    pickupLibrary: 'MAIN',
    resourceSharingLibrary: 'MAIN',
    neededBy: '2027-01-31',
    levelOfService: 'STANDARD',
    patronNote: null,
    routing: null,
    rota: [],
    rotaSkips: [],
    current: null,
    statusReason: null,
    createdAt: '2026-11-28T12:00:00.000Z',
    updatedAt: '2026-11-28T12:00:00.000Z',
    version: 1,
    ...rest,
  };
}

test('a returnable book is a Loan with the Loan fields, the OCLC number in ESPNumber and our id in the named field', () => {
  assert.deepEqual(transactionBody({ username: 'cwlee', request: request(), requestIdField: 'ReferenceNumber' }), {
    Username: 'cwlee',
    RequestType: 'Loan',
    ProcessType: 'Borrowing',
    LoanTitle: 'The Problem of Pain',
    LoanAuthor: 'C. S. Lewis',
    ISSN: '9780060652968',
    ESPNumber: '12345',
    DocumentType: 'Book',
    NotWantedAfter: '2027-01-31',
    ReferenceNumber: '01JREQUEST0000000000000000',
  });
  const other = transactionBody({ username: 'cwlee', request: request(), requestIdField: 'ItemInfo1' });
  assert.equal(other.ItemInfo1, '01JREQUEST0000000000000000');
  assert.equal(other.ReferenceNumber, undefined);
});

test('copies and articles are Article requests with the Photo fields', () => {
  assert.equal(requestType({ requestedFormat: 'DIGITAL', citationType: 'BOOK' }), 'Article');
  assert.equal(requestType({ requestedFormat: 'PHYSICAL_NON_RETURNABLE', citationType: 'CHAPTER' }), 'Article');
  assert.equal(requestType({ requestedFormat: 'PHYSICAL', citationType: 'ARTICLE' }), 'Article');
  assert.equal(requestType({ requestedFormat: 'PHYSICAL', citationType: 'CHAPTER' }), 'Loan');
  const body = transactionBody({
    username: 'cwlee',
    request: request({ requestedFormat: 'DIGITAL', citationType: 'ARTICLE', citation: { title: 'Journal of Things', articleTitle: 'On things', articleAuthor: 'Doe, J.', volume: '12', issue: '3', pages: '1-20', year: '2001', issn: '0028-0836', isbn: null } }),
    requestIdField: 'ReferenceNumber',
  });
  assert.deepEqual(
    [body.RequestType, body.PhotoJournalTitle, body.PhotoArticleTitle, body.PhotoArticleAuthor, body.PhotoJournalVolume, body.PhotoJournalIssue, body.PhotoJournalInclusivePages, body.PhotoJournalYear, body.ISSN, body.DocumentType, body.LoanTitle],
    ['Article', 'Journal of Things', 'On things', 'Doe, J.', '12', '3', '1-20', '2001', '0028-0836', 'Article', undefined],
  );
});

test("fields are cut to ILLiad's lengths, on characters, and marked as cut", () => {
  const title = 'T'.repeat(300);
  const author = 'é'.repeat(150);
  const body = transactionBody({ username: 'u', request: request({ citation: { title, author, publisher: 'P'.repeat(41) } }), requestIdField: 'ReferenceNumber' });
  assert.equal([...String(body.LoanTitle)].length, 255);
  assert.ok(String(body.LoanTitle).endsWith('…'));
  assert.equal([...String(body.LoanAuthor)].length, 100);
  assert.equal(String(body.LoanPublisher).length, 40);
  assert.equal(fit('LoanTitle', 'short'), 'short');
  assert.equal(fit('NoSuchField', 'x'.repeat(5000)).length, 5000, 'fields without a known limit are sent whole');
});

test("ILLiad's error bodies read as sentences; the base address is normalised", () => {
  assert.equal(illiadMessage({ Message: 'User abc123 was not found.' }), 'User abc123 was not found.');
  assert.equal(
    illiadMessage({ Message: 'The request is invalid.', ModelState: { 'model.UserName': ['The UserName field is required.'], LoanTitle: ['Too long.', 'Really.'] } }),
    'The request is invalid. UserName: The UserName field is required.; LoanTitle: Too long. Really.',
  );
  assert.equal(illiadMessage(undefined), 'no message');
  assert.equal(illiadMessage('Service Unavailable'), 'Service Unavailable');
  assert.equal(webPlatformBase('https://illiad.example.edu'), 'https://illiad.example.edu/ILLiadWebPlatform');
  assert.equal(webPlatformBase('https://illiad.example.edu/illiadwebplatform/'), 'https://illiad.example.edu/illiadwebplatform');
  assert.equal(webPlatformBase('https://x.example.edu/ILLiadWebPlatform'), 'https://x.example.edu/ILLiadWebPlatform');
});
