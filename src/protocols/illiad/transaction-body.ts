/**
 * Our borrowing request as an ILLiad Borrowing transaction (illiad.md §1.4 and §5 (a) 7): Loan or Article, the
 * citation in ILLiad's Loan* or Photo* fields cut to ILLiad's column lengths, the OCLC number in ESPNumber, our
 * request id in the field the partner names (Export Request ID Name Tag). Nulls are left out, as ILLiad's own
 * clients do. Pure.
 */
import type { BorrowingRequest } from '../../domain/request/borrowing-request.ts';
import type { NewIlliadTransactionRecord } from './dto.ts';

/** ILLiad column lengths (illiad.md §1.4, from Princeton's client; the rest are conservative guesses). */
export const FIELD_LIMITS: Readonly<Record<string, number>> = {
  LoanTitle: 255,
  LoanAuthor: 100,
  LoanPublisher: 40,
  LoanPlace: 30,
  LoanDate: 30,
  LoanEdition: 50,
  PhotoJournalTitle: 255,
  PhotoArticleTitle: 255,
  PhotoArticleAuthor: 100,
  PhotoItemAuthor: 100,
  PhotoItemPublisher: 40,
  PhotoItemPlace: 30,
  PhotoItemEdition: 50,
  PhotoJournalVolume: 30,
  PhotoJournalIssue: 30,
  PhotoJournalYear: 30,
  PhotoJournalInclusivePages: 30,
  ESPNumber: 32,
  ISSN: 20,
  DOI: 100,
  ReferenceNumber: 50,
  SpecIns: 255,
  DocumentType: 30,
};

const DOCUMENT_TYPE: Record<BorrowingRequest['citationType'], string> = {
  BOOK: 'Book',
  ARTICLE: 'Article',
  CHAPTER: 'Book Chapter',
  JOURNAL: 'Journal',
  THESIS: 'Thesis',
  CONFERENCE: 'Conference Paper',
  AUDIOVISUAL: 'Audio-Visual',
  OTHER: 'Other',
};

/**
 * A copy (Digital, or Physical non-returnable) or an article is an Article request; a returnable physical item of
 * anything else is a Loan.
 */
export function requestType(request: Pick<BorrowingRequest, 'requestedFormat' | 'citationType'>): 'Loan' | 'Article' {
  return request.requestedFormat !== 'PHYSICAL' || request.citationType === 'ARTICLE' ? 'Article' : 'Loan';
}

/** Cuts a value to the field's length, on a code-point boundary, with an ellipsis so staff see it was cut. */
export function fit(field: string, value: string): string {
  const limit = FIELD_LIMITS[field];
  const points = [...value];
  if (limit === undefined || points.length <= limit) return value;
  return `${points.slice(0, limit - 1).join('')}…`;
}

export function transactionBody(input: { username: string; request: BorrowingRequest; requestIdField: string }): NewIlliadTransactionRecord {
  const { request } = input;
  const c = request.citation;
  const type = requestType(request);
  const fields: Record<string, string | null> =
    type === 'Loan'
      ? { LoanTitle: c.title, LoanAuthor: c.author, LoanPublisher: c.publisher, LoanPlace: c.placeOfPublication, LoanDate: c.year, LoanEdition: c.edition }
      : {
          PhotoJournalTitle: c.title,
          PhotoArticleTitle: c.articleTitle,
          PhotoArticleAuthor: c.articleAuthor,
          PhotoItemAuthor: c.author,
          PhotoItemPublisher: c.publisher,
          PhotoItemPlace: c.placeOfPublication,
          PhotoItemEdition: c.edition,
          PhotoJournalVolume: c.volume,
          PhotoJournalIssue: c.issue,
          PhotoJournalYear: c.year,
          PhotoJournalInclusivePages: c.pages,
        };
  const body: NewIlliadTransactionRecord = { Username: input.username, RequestType: type, ProcessType: 'Borrowing' };
  const all: Record<string, string | null> = {
    ...fields,
    // ILLiad keeps ISBNs in its ISSN column (illiad.md §1.4).
    ISSN: c.issn ?? c.isbn,
    ESPNumber: c.oclcNumber,
    DOI: c.doi,
    DocumentType: DOCUMENT_TYPE[request.citationType],
    NotWantedAfter: request.neededBy,
    SpecIns: request.patronNote,
  };
  for (const [field, value] of Object.entries(all)) if (value !== null && value !== '') body[field] = fit(field, value);
  // Never cut: reconciliation finds the transaction by this exact value. A field too short for it is ILLiad's 400.
  body[input.requestIdField] = request.id;
  return body;
}
