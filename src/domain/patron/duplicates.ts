/**
 * A patron asking again for what they already asked for (issue 9, item 2): a new request is compared with the
 * patron's open requests, and a match is shown before it is placed (the patron may still go ahead: a second copy,
 * a lost one). The same item is the same OCLC number, ISBN or DOI, or the same title and author once normalised
 * (case, accents and punctuation dropped: search-keys.ts), with the same article or chapter title if there is one.
 */
import type { BorrowingRequest, Citation } from '../request/borrowing-request.ts';
import { isbnSearchKey, oclcSearchKey, searchWords } from '../request/search-keys.ts';
import { BORROWING_MODEL } from '../request/state-model.ts';

export type DuplicateCitation = Pick<Citation, 'title' | 'author' | 'articleTitle' | 'articleAuthor' | 'oclcNumber' | 'isbn' | 'doi'>;

export interface Duplicate {
  readonly request: BorrowingRequest;
  /** What is the same, in words: "the same OCLC number (12345678)". */
  readonly because: string;
}

const words = (text: string | null | undefined) => (text ? searchWords(text).join(' ') : '');

function sameItem(a: DuplicateCitation, b: DuplicateCitation): string | undefined {
  const oclc = a.oclcNumber ? oclcSearchKey(a.oclcNumber) : undefined;
  if (oclc && b.oclcNumber && oclc === oclcSearchKey(b.oclcNumber)) return `the same OCLC number (${a.oclcNumber})`;
  const isbn = a.isbn ? isbnSearchKey(a.isbn) : undefined;
  // An ISBN names a book: two chapters of one book are two requests.
  if (isbn && b.isbn && isbn === isbnSearchKey(b.isbn) && words(a.articleTitle) === words(b.articleTitle)) return `the same ISBN (${a.isbn})`;
  if (a.doi && b.doi && a.doi.trim().toLowerCase() === b.doi.trim().toLowerCase()) return `the same DOI (${a.doi})`;
  const title = words(a.title);
  if (!title || title !== words(b.title) || words(a.articleTitle) !== words(b.articleTitle)) return undefined;
  const author = (c: DuplicateCitation) => words(c.articleTitle ? (c.articleAuthor ?? c.author) : (c.author ?? c.articleAuthor));
  return author(a) === author(b) ? 'the same title and author' : undefined;
}

/** The patron's open requests (not in a final status) for the same item, newest first as given. */
export function duplicatesOf(candidate: DuplicateCitation, requests: readonly BorrowingRequest[]): Duplicate[] {
  const found: Duplicate[] = [];
  for (const request of requests) {
    if (BORROWING_MODEL.terminal.includes(request.status)) continue;
    const because = sameItem(candidate, request.citation);
    if (because) found.push({ request, because });
  }
  return found;
}
