/**
 * What staff search borrowing requests by (issue 8): the words of the title and author, the OCLC number and the
 * ISBN, each in one normal form, so that the form stored with a request (storage keeps them as columns) and the
 * form of what staff type are compared as equals.
 *
 * - Words: lower-cased, accents dropped, split on anything that is not a letter or a digit. Kept as one text with a
 *   space before every word, so "a word starting with w" is `like '% w%'` and no search term can hold a wildcard.
 * - OCLC numbers: the digits without a prefix ((OCoLC), ocm, ocn, on) and without leading zeros.
 * - ISBNs: without hyphens or spaces, upper-case X, and an ISBN-10 as its ISBN-13 (978…), so either form finds
 *   the other.
 */
import { isbnProblem, normalizeOclcNumber } from './identifiers.ts';

export interface SearchKeys {
  /** " word word …" (a space before each word), or null when there are none. */
  readonly words: string | null;
  readonly oclcNumber: string | null;
  readonly isbn: string | null;
}

/** The words of a text in their search form, in order, without repeats. */
export function searchWords(text: string): string[] {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
  return [...new Set(words)];
}

/** An OCLC number in its search form (digits, no leading zeros), or undefined when the text is not one. */
export function oclcSearchKey(text: string): string | undefined {
  const digits = normalizeOclcNumber(text);
  return digits === undefined ? undefined : digits.replace(/^0+(?=\d)/, '');
}

/** An ISBN in its search form (ISBN-13, no hyphens), or undefined when the text is not a valid ISBN. */
export function isbnSearchKey(text: string): string | undefined {
  if (isbnProblem(text) !== undefined) return undefined;
  const isbn = text.replace(/[\s-]/g, '').toUpperCase();
  if (isbn.length === 13) return isbn;
  const twelve = `978${isbn.slice(0, 9)}`;
  const sum = [...twelve].reduce((total, c, i) => total + Number(c) * (i % 2 === 0 ? 1 : 3), 0);
  return `${twelve}${(10 - (sum % 10)) % 10}`;
}

/** The keys stored with a request, from its citation. The words are capped so a long title cannot bloat the row. */
export function searchKeysOf(citation: {
  readonly title: string;
  readonly author?: string | null;
  readonly articleTitle?: string | null;
  readonly articleAuthor?: string | null;
  readonly oclcNumber?: string | null;
  readonly isbn?: string | null;
}): SearchKeys {
  const words = searchWords([citation.title, citation.author, citation.articleTitle, citation.articleAuthor].filter((t) => t).join(' '));
  let text = '';
  for (const word of words) {
    if (text.length + word.length + 1 > 1000) break;
    text += ` ${word}`;
  }
  return {
    words: text || null,
    oclcNumber: citation.oclcNumber ? (oclcSearchKey(citation.oclcNumber) ?? null) : null,
    isbn: citation.isbn ? (isbnSearchKey(citation.isbn) ?? null) : null,
  };
}

/** What a search box's text can mean: any of these finds a request (storage ORs them). */
export interface SearchTerms {
  /** The text as typed (trimmed): a request id, or an ILLiad transaction number when it is digits. */
  readonly reference: string;
  /** Every word must start a word of the title or author. Empty when the text has no words. */
  readonly words: readonly string[];
  readonly oclcNumber?: string;
  readonly isbn?: string;
}

export function searchTermsOf(text: string): SearchTerms | undefined {
  const reference = text.trim();
  if (!reference) return undefined;
  const oclcNumber = oclcSearchKey(reference);
  const isbn = isbnSearchKey(reference);
  return { reference, words: searchWords(reference).slice(0, 10), ...(oclcNumber ? { oclcNumber } : {}), ...(isbn ? { isbn } : {}) };
}
