/**
 * OpenURL intake (issue 9, item 1): what a discovery system hands over when a patron asks for an item, read into our
 * borrowing request's citation. Two forms arrive in practice:
 *
 * - OpenURL 1.0, Key/Encoded-Value (ANSI/NISO Z39.88-2004): `url_ver=Z39.88-2004`, the referent's format in
 *   `rft_val_fmt` (`info:ofi/fmt:kev:mtx:book`, `…:journal`, `…:dissertation`), its fields as `rft.<key>`, its
 *   identifiers as one or more `rft_id` URIs (`info:oclcnum/…`, `urn:ISBN:…`, `info:doi/…`, `info:pmid/…`), the
 *   character encoding in `ctx_enc` (`info:ofi/enc:UTF-8`, the default, or `info:ofi/enc:ISO-8859-1`).
 * - OpenURL 0.1 (the 1999 draft most link resolvers still accept): bare keys (`genre`, `title`, `atitle`, `aulast`,
 *   `isbn`, …), `id=doi:…` / `id=pmid:…`, `sid` (the source) and `pid` (the source's private data).
 *
 * Hybrid links carry both: the `rft.` value wins, and a bare key saying the same is not reported. Everything is
 * pure: the raw query string in, the citation and a list of what was ignored (and why) out; nothing here throws on
 * input, however broken.
 */
import type { CITATION_TYPE } from '../config/enums.ts';
import { isbnProblem, issnProblem, normalizeOclcNumber, oclcProblem } from '../request/identifiers.ts';

export type CitationType = (typeof CITATION_TYPE.values)[number];

/** The citation fields an OpenURL can fill (the names of borrowing-request.ts's citation). */
export const OPENURL_FIELDS = [
  'title',
  'author',
  'publisher',
  'placeOfPublication',
  'year',
  'edition',
  'oclcNumber',
  'isbn',
  'issn',
  'doi',
  'volume',
  'issue',
  'pages',
  'articleTitle',
  'articleAuthor',
] as const;
export type OpenUrlField = (typeof OPENURL_FIELDS)[number];

/** The longest value kept per field: the citation schema's limits (borrowing-request.ts). */
export const FIELD_LIMITS: Readonly<Record<OpenUrlField, number>> = {
  title: 1000,
  author: 500,
  publisher: 255,
  placeOfPublication: 255,
  year: 32,
  edition: 100,
  oclcNumber: 64,
  isbn: 64,
  issn: 64,
  doi: 255,
  volume: 64,
  issue: 64,
  pages: 64,
  articleTitle: 1000,
  articleAuthor: 500,
};

/** More than this is not read (the rest is reported): a citation is a few hundred characters. */
export const MAX_OPENURL_LENGTH = 16 * 1024;
export const MAX_OPENURL_PAIRS = 200;

export interface IgnoredKey {
  readonly key: string;
  readonly reason: string;
}

export interface OpenUrlCitation {
  /** 1.0 when the link says Z39.88-2004 or uses `rft` keys, else 0.1. */
  readonly version: '1.0' | '0.1';
  readonly fields: Readonly<Record<OpenUrlField, string | null>>;
  /** From the genre, else from the format and what is there (an article title with a journal: an article). */
  readonly citationType: CitationType;
  /**
   * The PubMed id. Our citation has no field for it (neither ILLiad's transaction nor ISO 18626's
   * BibliographicInfo carries one), so the patron request puts it in the patron's note, which reaches the lender.
   */
  readonly pmid: string | null;
  /** Who sent the link: `rfr_id` (1.0) or `sid` (0.1), e.g. `info:sid/primo.exlibrisgroup.com`. */
  readonly source: string | null;
  readonly ignored: readonly IgnoredKey[];
}

/** What to ask for, from the citation type: a part of something (an article, a chapter, a paper) is a copy. */
export function requestedFormatFor(type: CitationType): 'PHYSICAL' | 'DIGITAL' {
  return type === 'ARTICLE' || type === 'CHAPTER' || type === 'CONFERENCE' ? 'DIGITAL' : 'PHYSICAL';
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the query string: bytes, then text in the link's character encoding.

interface Pair {
  readonly key: string;
  readonly value: string;
}

/** `%XX` and `+` (a space, as in HTML forms and every OpenURL in the wild) to bytes; undefined when malformed. */
function percentBytes(text: string): Uint8Array | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c === 0x2b) bytes.push(0x20);
    else if (c < 0x80) bytes.push(c);
    else bytes.push(...new TextEncoder().encode(text[i]!)); // a raw non-ASCII character: its UTF-8 bytes
  }
  return Uint8Array.from(bytes);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

type Encoding = 'UTF-8' | 'ISO-8859-1';

function encodingOf(raw: readonly [string, string][]): { encoding: Encoding; problem?: IgnoredKey } {
  const given = raw.find(([key]) => key === 'ctx_enc')?.[1];
  if (given === undefined) return { encoding: 'UTF-8' };
  const value = decodeURIComponentSafe(given)?.trim().toLowerCase();
  if (value === 'info:ofi/enc:utf-8') return { encoding: 'UTF-8' };
  if (value === 'info:ofi/enc:iso-8859-1') return { encoding: 'ISO-8859-1' };
  return { encoding: 'UTF-8', problem: { key: 'ctx_enc', reason: `${JSON.stringify(clip(given))} is not an encoding Interlend reads (info:ofi/enc:UTF-8 or info:ofi/enc:ISO-8859-1); read as UTF-8` } };
}

function decodeURIComponentSafe(text: string): string | undefined {
  const bytes = percentBytes(text);
  if (!bytes) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

/** A value shown back in a reason: short, and without control characters. */
function clip(text: string): string {
  const plain = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return plain.length > 60 ? `${plain.slice(0, 60)}…` : plain;
}

function readPairs(query: string): { pairs: Pair[]; ignored: IgnoredKey[] } {
  const ignored: IgnoredKey[] = [];
  let text = query.startsWith('?') ? query.slice(1) : query;
  if (text.length > MAX_OPENURL_LENGTH) {
    ignored.push({ key: '', reason: `the OpenURL is longer than ${MAX_OPENURL_LENGTH} characters: the rest was not read` });
    text = text.slice(0, text.lastIndexOf('&', MAX_OPENURL_LENGTH) + 1 || MAX_OPENURL_LENGTH);
  }
  let parts = text.split('&').filter((part) => part !== '');
  if (parts.length > MAX_OPENURL_PAIRS) {
    ignored.push({ key: '', reason: `the OpenURL has ${parts.length} keys; the first ${MAX_OPENURL_PAIRS} were read` });
    parts = parts.slice(0, MAX_OPENURL_PAIRS);
  }
  const raw = parts.map((part): [string, string] => {
    const at = part.indexOf('=');
    return at < 0 ? [part, ''] : [part.slice(0, at), part.slice(at + 1)];
  });
  const { encoding, problem } = encodingOf(raw);
  if (problem) ignored.push(problem);
  const pairs: Pair[] = [];
  for (const [rawKey, rawValue] of raw) {
    const key = decodeURIComponentSafe(rawKey);
    if (key === undefined || !/^[\x21-\x7e]{1,64}$/.test(key)) {
      ignored.push({ key: clip(key ?? rawKey), reason: 'not a key: a key is up to 64 printable ASCII characters, percent-encoded correctly' });
      continue;
    }
    const bytes = percentBytes(rawValue);
    if (!bytes) {
      ignored.push({ key, reason: 'its value is not percent-encoded correctly (a % must be followed by two hexadecimal digits)' });
      continue;
    }
    let value: string;
    if (encoding === 'ISO-8859-1') value = latin1.decode(bytes);
    else {
      try {
        value = utf8.decode(bytes);
      } catch {
        // Older referrers send Latin-1 without saying so: read the bytes as Latin-1 rather than lose the value.
        value = latin1.decode(bytes);
        ignored.push({ key, reason: 'its value is not valid UTF-8 and ctx_enc does not say ISO-8859-1: read as ISO-8859-1' });
      }
    }
    pairs.push({ key, value: value.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim() });
  }
  return { pairs, ignored };
}

// ---------------------------------------------------------------------------------------------------------------
// The keys.

/** Keys about the link itself (ContextObject administration, other entities, services): read or let pass. */
const ADMINISTRATIVE = /^(url_ver|url_tim|url_ctx_fmt|url_ctx_val|ctx_ver|ctx_enc|ctx_id|ctx_tim|rft_val_fmt|rfr_id|rfr_val_fmt|sid|pid|req_.*|req\..*|rfe_.*|rfe\..*|svc_.*|svc\..*|res_.*|res\..*|rfr\..*|rft_dat|rft_ref|rft_ref_fmt)$/;

/** Descriptive keys of the book, journal and dissertation formats (and 0.1) that our citation has no place for. */
const NOT_USED = new Set(['coden', 'sici', 'bici', 'artnum', 'part', 'ssn', 'quarter', 'chron', 'tpages', 'series', 'auinit', 'auinit1', 'auinitm', 'ausuffix', 'aucorp', 'degree', 'advisor', 'co', 'cc', 'format', 'contributor', 'lccn']);

/** The citation-level keys we read, after `rft.` is taken off (1.0) or as they are (0.1). */
const READ = new Set([
  'genre',
  'btitle',
  'jtitle',
  'title',
  'stitle',
  'atitle',
  'au',
  'aulast',
  'aufirst',
  'date',
  'volume',
  'issue',
  'spage',
  'epage',
  'pages',
  'isbn',
  'issn',
  'eissn',
  'pub',
  'publisher',
  'place',
  'edition',
  'inst',
  'oclcnum',
  'doi',
  'pmid',
]);

const GENRES: Readonly<Record<string, CitationType>> = {
  article: 'ARTICLE',
  preprint: 'ARTICLE',
  journal: 'JOURNAL',
  issue: 'JOURNAL',
  bookitem: 'CHAPTER',
  book: 'BOOK',
  report: 'BOOK',
  document: 'BOOK',
  proceeding: 'CONFERENCE',
  conference: 'CONFERENCE',
  dissertation: 'THESIS',
  thesis: 'THESIS',
};

const FORMATS: Readonly<Record<string, 'book' | 'journal' | 'dissertation'>> = {
  'info:ofi/fmt:kev:mtx:book': 'book',
  'info:ofi/fmt:kev:mtx:journal': 'journal',
  'info:ofi/fmt:kev:mtx:dissertation': 'dissertation',
};

const DOI = /^10\.\d{4,9}\/\S+$/;
const PMID = /^\d{1,10}$/;

/** An identifier URI of `rft_id` (1.0) or `id` (0.1): which kind, and its value. */
function identifierOf(uri: string): { kind: 'oclcnum' | 'isbn' | 'issn' | 'doi' | 'pmid'; value: string } | { unknown: string } {
  const patterns: [RegExp, 'oclcnum' | 'isbn' | 'issn' | 'doi' | 'pmid'][] = [
    [/^info:oclcnum\/(.+)$/i, 'oclcnum'],
    [/^urn:isbn:(.+)$/i, 'isbn'],
    [/^urn:issn:(.+)$/i, 'issn'],
    [/^info:doi\/(.+)$/i, 'doi'],
    [/^https?:\/\/(?:dx\.)?doi\.org\/(.+)$/i, 'doi'],
    [/^doi:(.+)$/i, 'doi'],
    [/^info:pmid\/(.+)$/i, 'pmid'],
    [/^pmid:(.+)$/i, 'pmid'],
  ];
  for (const [pattern, kind] of patterns) {
    const match = pattern.exec(uri);
    if (match) return { kind, value: match[1]!.trim() };
  }
  return { unknown: uri };
}

interface Collected {
  /** The first value of each read key, and the key it came under. */
  readonly values: Map<string, { value: string; key: string }>;
  readonly authors: { value: string; key: string }[];
  readonly ids: { kind: 'oclcnum' | 'isbn' | 'issn' | 'doi' | 'pmid'; value: string; key: string }[];
}

/**
 * Reads the raw query string of an OpenURL (without or with its leading `?`) into a citation. Unknown keys,
 * malformed values and values too long for their field are ignored or cut, and each is reported.
 */
export function parseOpenUrl(query: string): OpenUrlCitation {
  const read = readPairs(query);
  const ignored = [...read.ignored];
  const report = (key: string, reason: string) => ignored.push({ key, reason });
  const version =
    read.pairs.some((p) => (p.key === 'url_ver' || p.key === 'ctx_ver') && p.value === 'Z39.88-2004') || read.pairs.some((p) => p.key.startsWith('rft.') || p.key === 'rft_id') ? '1.0' : '0.1';

  // 1.0 keys first, so that in a hybrid link the rft. value is the one kept.
  const ordered = [...read.pairs.filter((p) => p.key.startsWith('rft')), ...read.pairs.filter((p) => !p.key.startsWith('rft'))];
  const collected: Collected = { values: new Map(), authors: [], ids: [] };
  let format: 'book' | 'journal' | 'dissertation' | undefined;
  let source: string | null = null;

  for (const { key, value } of ordered) {
    if (key === 'rft_id' || key === 'id') {
      if (!value) continue;
      const id = identifierOf(value);
      if ('unknown' in id) report(key, `${JSON.stringify(clip(value))} is not an identifier Interlend reads (info:oclcnum/, urn:ISBN:, urn:ISSN:, info:doi/, info:pmid/${key === 'id' ? ', doi:, pmid:' : ''})`);
      else collected.ids.push({ ...id, key });
      continue;
    }
    if (key === 'rft_val_fmt') {
      format = FORMATS[value.toLowerCase()];
      if (!format) report(key, `${JSON.stringify(clip(value))} is not a format Interlend reads (book, journal or dissertation); its keys are read as far as they are known`);
      continue;
    }
    if (key === 'rfr_id' || key === 'sid') {
      source ??= value ? value.slice(0, 255) : null;
      continue;
    }
    if (ADMINISTRATIVE.test(key)) continue;
    const name = key.startsWith('rft.') ? key.slice(4) : key;
    if (!key.startsWith('rft.') && key.startsWith('rft')) {
      report(key, 'not a key of OpenURL 1.0 (a referent key is rft.<name>, rft_id or rft_val_fmt)');
      continue;
    }
    if (NOT_USED.has(name)) {
      report(key, 'a key of the standard that Interlend does not use');
      continue;
    }
    if (!READ.has(name)) {
      report(key, 'not a key Interlend knows');
      continue;
    }
    if (!value) continue;
    if (name === 'au') {
      collected.authors.push({ value, key });
      continue;
    }
    const kept = collected.values.get(name);
    if (!kept) collected.values.set(name, { value, key });
    else if (kept.value !== value) report(key, `given again: the first value (from ${kept.key}) is kept`);
  }
  const fields: Record<OpenUrlField, string | null> = Object.fromEntries(OPENURL_FIELDS.map((f) => [f, null])) as Record<OpenUrlField, string | null>;
  const value = (name: string) => collected.values.get(name)?.value;
  const keyOf = (name: string) => collected.values.get(name)?.key ?? name;
  /** The first of these keys that was given: its value and the key it came under (for reports). */
  const first = (...names: string[]) => {
    const name = names.find((n) => collected.values.has(n));
    return name === undefined ? undefined : collected.values.get(name)!;
  };

  // Standard numbers: the identifiers, then the descriptive keys; the first valid one of each kind is kept.
  let pmid: string | null = null;
  const candidates = [
    ...collected.ids,
    ...(['isbn', 'issn', 'eissn', 'oclcnum', 'doi', 'pmid'] as const)
      .filter((name) => value(name) !== undefined)
      .map((name) => ({ kind: name === 'eissn' ? ('issn' as const) : name, value: value(name)!, key: keyOf(name) })),
  ];
  for (const id of candidates) {
    if (id.kind === 'isbn') {
      const problem = isbnProblem(id.value);
      if (problem) report(id.key, problem);
      else if (fields.isbn === null) fields.isbn = id.value;
      else if (fields.isbn !== id.value) report(id.key, `another ISBN (${clip(id.value)}): the first, ${fields.isbn}, is kept`);
    } else if (id.kind === 'issn') {
      const problem = issnProblem(id.value);
      if (problem) report(id.key, problem);
      else if (fields.issn === null) fields.issn = id.value;
      else if (fields.issn !== id.value) report(id.key, `another ISSN (${clip(id.value)}): the first, ${fields.issn}, is kept`);
    } else if (id.kind === 'oclcnum') {
      const problem = oclcProblem(id.value);
      if (problem) report(id.key, problem);
      else fields.oclcNumber ??= normalizeOclcNumber(id.value)!;
    } else if (id.kind === 'doi') {
      if (!DOI.test(id.value)) report(id.key, `${JSON.stringify(clip(id.value))} is not a DOI (10.<registrant>/<suffix>)`);
      else fields.doi ??= id.value;
    } else if (!PMID.test(id.value)) report(id.key, `${JSON.stringify(clip(id.value))} is not a PubMed id (digits)`);
    else pmid ??= id.value;
  }

  const genreText = value('genre')?.toLowerCase();
  const genre = genreText === undefined ? undefined : GENRES[genreText];
  if (genreText !== undefined && !genre && genreText !== 'unknown') report(keyOf('genre'), `${JSON.stringify(clip(genreText))} is not a genre Interlend knows; the type is taken from the rest`);
  const citationType = typeOf({ format, genre, atitle: value('atitle') !== undefined, container: first('btitle', 'jtitle', 'title', 'stitle') !== undefined, journal: value('jtitle') !== undefined || fields.issn !== null, book: value('btitle') !== undefined || fields.isbn !== null });
  // An article's or a chapter's author is the part's (ILLiad's PhotoArticleAuthor), not the container's.
  const isPart = citationType === 'ARTICLE' || citationType === 'CHAPTER' || (citationType === 'CONFERENCE' && value('atitle') !== undefined);
  const set = (field: OpenUrlField, given: { value: string; key: string } | undefined) => {
    if (!given || given.value === '') return;
    const limit = FIELD_LIMITS[field];
    if (given.value.length > limit) {
      report(given.key, `longer than ${limit} characters: cut to ${limit}`);
      fields[field] = given.value.slice(0, limit).trim();
    } else fields[field] = given.value;
  };
  const titled = first('btitle', 'jtitle', 'title', 'stitle');
  if (titled) {
    set('title', titled);
    set('articleTitle', first('atitle'));
  } else set('title', first('atitle')); // only a part's title: it is the title
  set(isPart ? 'articleAuthor' : 'author', authorOf(collected.authors, first('aulast'), first('aufirst')));
  set('publisher', first('pub', 'publisher', 'inst'));
  set('placeOfPublication', first('place'));
  set('edition', first('edition'));
  set('volume', first('volume'));
  set('issue', first('issue'));
  const date = first('date');
  if (date) set('year', { key: date.key, value: /^(\d{4})(?:$|-)/.exec(date.value)?.[1] ?? date.value });
  const spage = first('spage');
  const epage = first('epage');
  const pages = first('pages');
  if (pages) set('pages', pages);
  else if (spage) set('pages', { key: spage.key, value: epage ? `${spage.value}-${epage.value}` : spage.value });
  else if (epage) report(epage.key, 'an end page without a start page is not used');

  return { version, fields, citationType, pmid, source, ignored };
}

/**
 * The citation type: the genre when it names one; a dissertation by its format; else what is there — a part's title
 * (atitle) in a journal is an article, in a book a chapter; a journal or a book without one is the whole thing.
 */
function typeOf(known: { format: string | undefined; genre: CitationType | undefined; atitle: boolean; container: boolean; journal: boolean; book: boolean }): CitationType {
  if (known.format === 'dissertation') return 'THESIS';
  if (known.genre) return known.genre;
  const inJournal = known.format === 'journal' || (known.format === undefined && known.journal && !known.book);
  const inBook = known.format === 'book' || (known.format === undefined && known.book);
  if (inJournal) return known.atitle ? 'ARTICLE' : 'JOURNAL';
  if (inBook) return known.atitle && known.container ? 'CHAPTER' : 'BOOK';
  // Nothing says which: an article title with a title is, most often, an article in a journal.
  return known.atitle && known.container ? 'ARTICLE' : 'BOOK';
}

/** Every `au` (full names, repeats allowed: several authors) joined with `; `; else `aulast, aufirst`. */
function authorOf(full: readonly { value: string; key: string }[], last: { value: string; key: string } | undefined, first: { value: string; key: string } | undefined) {
  const names = [...new Set(full.map((a) => a.value))];
  if (names.length) return { value: names.join('; '), key: full[0]!.key };
  if (last && first) return { value: `${last.value}, ${first.value}`, key: last.key };
  return last ?? first;
}

// ---------------------------------------------------------------------------------------------------------------
// Writing one: the citation as an OpenURL 1.0 KEV (for links we hand out).

const GENRE_OF: Readonly<Record<CitationType, string>> = {
  BOOK: 'book',
  ARTICLE: 'article',
  CHAPTER: 'bookitem',
  JOURNAL: 'journal',
  THESIS: 'book',
  CONFERENCE: 'proceeding',
  AUDIOVISUAL: 'unknown',
  OTHER: 'unknown',
};

/** An OpenURL 1.0 KEV (Z39.88-2004, UTF-8) of a citation: what parseOpenUrl reads back into the same fields. */
export function toOpenUrl(fields: Partial<Record<OpenUrlField, string | null>>, type: CitationType, extra: { pmid?: string | null } = {}): string {
  const journal = type === 'ARTICLE' || type === 'JOURNAL' || (type === 'CONFERENCE' && !!fields.issn);
  const pairs: [string, string | null | undefined][] = [
    ['url_ver', 'Z39.88-2004'],
    ['ctx_ver', 'Z39.88-2004'],
    ['ctx_enc', 'info:ofi/enc:UTF-8'],
    ['rft_val_fmt', `info:ofi/fmt:kev:mtx:${journal ? 'journal' : 'book'}`],
    ['rft.genre', GENRE_OF[type]],
    [journal ? 'rft.jtitle' : 'rft.btitle', fields.title],
    ['rft.atitle', fields.articleTitle],
    ['rft.au', type === 'ARTICLE' || type === 'CHAPTER' || type === 'CONFERENCE' ? (fields.articleAuthor ?? fields.author) : (fields.author ?? fields.articleAuthor)],
    ['rft.date', fields.year],
    ['rft.volume', fields.volume],
    ['rft.issue', fields.issue],
    ['rft.pages', fields.pages],
    ['rft.pub', fields.publisher],
    ['rft.place', fields.placeOfPublication],
    ['rft.edition', fields.edition],
    ['rft.isbn', fields.isbn],
    ['rft.issn', fields.issn],
    ['rft_id', fields.oclcNumber ? `info:oclcnum/${fields.oclcNumber}` : null],
    ['rft_id', fields.doi ? `info:doi/${fields.doi}` : null],
    ['rft_id', extra.pmid ? `info:pmid/${extra.pmid}` : null],
  ];
  return pairs
    .filter((pair): pair is [string, string] => typeof pair[1] === 'string' && pair[1] !== '')
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join('&');
}
