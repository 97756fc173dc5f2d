/** OpenURL intake (issue 9, item 1): each form a discovery system sends, read into our citation. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_OPENURL_LENGTH, parseOpenUrl, requestedFormatFor, toOpenUrl } from '../../src/domain/bib/openurl.ts';

const V1 = 'url_ver=Z39.88-2004&ctx_ver=Z39.88-2004';
const only = (fields: Record<string, string | null>) => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));

describe('OpenURL 1.0 (Z39.88-2004 KEV)', () => {
  test('a book', () => {
    const parsed = parseOpenUrl(
      `${V1}&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Abook&rft.genre=book&rft.btitle=The+Problem+of+Pain&rft.au=Lewis%2C+C.+S.&rft.date=1940&rft.pub=Geoffrey+Bles&rft.place=London&rft.edition=1st&rft.isbn=0-306-40615-2&rfr_id=info%3Asid%2Fprimo.exlibrisgroup.com`,
    );
    assert.equal(parsed.version, '1.0');
    assert.equal(parsed.citationType, 'BOOK');
    assert.deepEqual(only(parsed.fields), {
      title: 'The Problem of Pain',
      author: 'Lewis, C. S.',
      year: '1940',
      publisher: 'Geoffrey Bles',
      placeOfPublication: 'London',
      edition: '1st',
      isbn: '0-306-40615-2',
    });
    assert.equal(parsed.source, 'info:sid/primo.exlibrisgroup.com');
    assert.deepEqual(parsed.ignored, []);
    assert.equal(requestedFormatFor(parsed.citationType), 'PHYSICAL');
  });

  test('a journal article', () => {
    const parsed = parseOpenUrl(
      `${V1}&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.genre=article&rft.atitle=Molecular+structure+of+nucleic+acids&rft.jtitle=Nature&rft.aulast=Watson&rft.aufirst=J.+D.&rft.date=1953-04-25&rft.volume=171&rft.issue=4356&rft.spage=737&rft.epage=738&rft.issn=0028-0836&rft.eissn=1476-4687`,
    );
    assert.equal(parsed.citationType, 'ARTICLE');
    assert.deepEqual(only(parsed.fields), {
      title: 'Nature',
      articleTitle: 'Molecular structure of nucleic acids',
      articleAuthor: 'Watson, J. D.',
      year: '1953',
      volume: '171',
      issue: '4356',
      pages: '737-738',
      issn: '0028-0836',
    });
    assert.deepEqual(parsed.ignored, [{ key: 'rft.eissn', reason: 'another ISSN (1476-4687): the first, 0028-0836, is kept' }]);
    assert.equal(requestedFormatFor(parsed.citationType), 'DIGITAL');
  });

  test('a chapter of a book (genre bookitem): the book is the title, the chapter the article title', () => {
    const parsed = parseOpenUrl(`${V1}&rft_val_fmt=info:ofi/fmt:kev:mtx:book&rft.genre=bookitem&rft.btitle=Handbook+of+Things&rft.atitle=On+Widgets&rft.au=Doe%2C+Jane&rft.pages=12-30&rft.isbn=9780306406157`);
    assert.equal(parsed.citationType, 'CHAPTER');
    assert.deepEqual(only(parsed.fields), { title: 'Handbook of Things', articleTitle: 'On Widgets', articleAuthor: 'Doe, Jane', pages: '12-30', isbn: '9780306406157' });
    assert.equal(requestedFormatFor(parsed.citationType), 'DIGITAL');
  });

  test('a dissertation: its format makes it a thesis, the institution its publisher', () => {
    const parsed = parseOpenUrl(`${V1}&rft_val_fmt=info:ofi/fmt:kev:mtx:dissertation&rft.title=On+Rotas&rft.au=Roe%2C+R.&rft.inst=Example+University&rft.date=2019&rft.degree=PhD`);
    assert.equal(parsed.citationType, 'THESIS');
    assert.deepEqual(only(parsed.fields), { title: 'On Rotas', author: 'Roe, R.', publisher: 'Example University', year: '2019' });
    assert.deepEqual(parsed.ignored, [{ key: 'rft.degree', reason: 'a key of the standard that Interlend does not use' }]);
  });

  test('without a genre, the type follows the format and what is there', () => {
    assert.equal(parseOpenUrl(`${V1}&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.jtitle=Nature`).citationType, 'JOURNAL');
    assert.equal(parseOpenUrl(`${V1}&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.jtitle=Nature&rft.atitle=X`).citationType, 'ARTICLE');
    assert.equal(parseOpenUrl(`${V1}&rft_val_fmt=info:ofi/fmt:kev:mtx:book&rft.btitle=B&rft.atitle=C`).citationType, 'CHAPTER');
    assert.equal(parseOpenUrl(`${V1}&rft_val_fmt=info:ofi/fmt:kev:mtx:book&rft.title=B`).citationType, 'BOOK');
    assert.equal(parseOpenUrl(`${V1}&rft.genre=proceeding&rft.atitle=A+paper&rft.jtitle=Proc.`).citationType, 'CONFERENCE');
    assert.equal(parseOpenUrl(`${V1}&rft.genre=unknown&rft.title=Something`).citationType, 'BOOK');
  });

  describe('each kind of rft_id', () => {
    test('info:oclcnum/ (the OCLC number, leading zeros kept)', () => {
      const parsed = parseOpenUrl(`${V1}&rft.btitle=A&rft_id=info%3Aoclcnum%2F0012345678`);
      assert.equal(parsed.fields.oclcNumber, '0012345678');
      assert.deepEqual(parsed.ignored, []);
    });
    test('urn:ISBN:', () => assert.equal(parseOpenUrl(`${V1}&rft.btitle=A&rft_id=urn%3AISBN%3A978-0-306-40615-7`).fields.isbn, '978-0-306-40615-7'));
    test('urn:ISSN:', () => assert.equal(parseOpenUrl(`${V1}&rft.jtitle=A&rft_id=urn:ISSN:0028-0836`).fields.issn, '0028-0836'));
    test('info:doi/ (and a doi.org address)', () => {
      assert.equal(parseOpenUrl(`${V1}&rft.jtitle=A&rft_id=info%3Adoi%2F10.1038%2F171737a0`).fields.doi, '10.1038/171737a0');
      assert.equal(parseOpenUrl(`${V1}&rft.jtitle=A&rft_id=https%3A%2F%2Fdoi.org%2F10.1038%2F171737a0`).fields.doi, '10.1038/171737a0');
    });
    test('info:pmid/ (kept apart: the citation has no PubMed field)', () => {
      const parsed = parseOpenUrl(`${V1}&rft.jtitle=A&rft_id=info%3Apmid%2F13054692`);
      assert.equal(parsed.pmid, '13054692');
    });
    test('several rft_id at once, and ones that are not read', () => {
      const parsed = parseOpenUrl(`${V1}&rft.btitle=A&rft_id=info:oclcnum/123456&rft_id=urn:ISBN:0306406152&rft_id=info:doi/10.1000/xyz&rft_id=info:pmid/42&rft_id=info:lccn/2001012345&rft_id=info:oclcnum/12ab`);
      assert.deepEqual([parsed.fields.oclcNumber, parsed.fields.isbn, parsed.fields.doi, parsed.pmid], ['123456', '0306406152', '10.1000/xyz', '42']);
      assert.deepEqual(
        parsed.ignored.map((i) => i.key),
        ['rft_id', 'rft_id'],
      );
      assert.match(parsed.ignored[0]!.reason, /"info:lccn\/2001012345" is not an identifier Interlend reads/);
      assert.match(parsed.ignored[1]!.reason, /"12ab" is not an OCLC number/);
    });
  });
});

describe('OpenURL 0.1', () => {
  test('a book', () => {
    const parsed = parseOpenUrl('sid=Google&genre=book&title=Mere+Christianity&aulast=Lewis&aufirst=C.+S.&isbn=0060652926&date=1952');
    assert.equal(parsed.version, '0.1');
    assert.equal(parsed.citationType, 'BOOK');
    assert.deepEqual(only(parsed.fields), { title: 'Mere Christianity', author: 'Lewis, C. S.', isbn: '0060652926', year: '1952' });
    assert.equal(parsed.source, 'Google');
    assert.deepEqual(parsed.ignored, []);
  });

  test('an article', () => {
    const parsed = parseOpenUrl('genre=article&atitle=A+study&title=Journal+of+Studies&stitle=J+Stud&aulast=Smith&issn=0028-0836&volume=12&issue=3&spage=45&epage=67&date=2001');
    assert.equal(parsed.citationType, 'ARTICLE');
    assert.deepEqual(only(parsed.fields), {
      title: 'Journal of Studies',
      articleTitle: 'A study',
      articleAuthor: 'Smith',
      issn: '0028-0836',
      volume: '12',
      issue: '3',
      pages: '45-67',
      year: '2001',
    });
  });

  test('an article without a genre: a title with an article title and an ISSN', () => {
    assert.equal(parseOpenUrl('atitle=A&title=J&issn=0028-0836').citationType, 'ARTICLE');
    assert.equal(parseOpenUrl('stitle=J+Stud&atitle=A').fields.title, 'J Stud');
  });

  test('id=doi: and id=pmid:, and pid (the source\'s private data) passes unreported', () => {
    const parsed = parseOpenUrl('genre=article&atitle=A&title=J&id=doi:10.1038/171737a0&id=pmid:13054692&pid=%3Cauthor%3EWatson%3C%2Fauthor%3E');
    assert.equal(parsed.fields.doi, '10.1038/171737a0');
    assert.equal(parsed.pmid, '13054692');
    assert.deepEqual(parsed.ignored, []);
  });

  test('a hybrid link (0.1 and 1.0 keys): the rft. value wins, the same value again is not reported', () => {
    const parsed = parseOpenUrl(`title=Old+Title&${V1}&rft.btitle=New+Title&rft.isbn=0306406152&isbn=0306406152&rft.genre=book&genre=book`);
    assert.equal(parsed.fields.title, 'New Title');
    assert.equal(parsed.fields.isbn, '0306406152');
    assert.deepEqual(parsed.ignored, []);
  });
});

describe('what cannot be read is ignored and reported, never a crash', () => {
  test('repeated keys: several authors are kept; a second title, date or ISBN is reported', () => {
    const parsed = parseOpenUrl(`${V1}&rft.btitle=First&rft.btitle=Second&rft.au=Doe%2C+J.&rft.au=Roe%2C+R.&rft.au=Doe%2C+J.&rft.date=2001&rft.date=2002&rft.isbn=0306406152&rft.isbn=9780306406157`);
    assert.equal(parsed.fields.title, 'First');
    assert.equal(parsed.fields.author, 'Doe, J.; Roe, R.');
    assert.equal(parsed.fields.year, '2001');
    assert.equal(parsed.fields.isbn, '0306406152');
    assert.deepEqual(parsed.ignored, [
      { key: 'rft.btitle', reason: 'given again: the first value (from rft.btitle) is kept' },
      { key: 'rft.date', reason: 'given again: the first value (from rft.date) is kept' },
      { key: 'rft.isbn', reason: 'given again: the first value (from rft.isbn) is kept' },
    ]);
  });

  test('garbage: unknown keys, broken percent-encoding, bad numbers, keys without values, a key that is not text', () => {
    const parsed = parseOpenUrl(
      'rft.btitle=Fine&foo=bar&rft.isbn=123&rft.issn=1234-5678&rft.title=%ZZ&&=&novalue&rft_xyz=1&rft.genre=poem&%FF%FE=x&rft_id=info:doi/not-a-doi&rft_id=info:pmid/abc&rft.date=&rft.tpages=300&rft_val_fmt=info:ofi/fmt:kev:mtx:patent',
    );
    assert.equal(parsed.fields.title, 'Fine');
    assert.equal(parsed.citationType, 'BOOK');
    const reasons = Object.fromEntries(parsed.ignored.map((i) => [i.key, i.reason]));
    assert.equal(reasons.foo, 'not a key Interlend knows');
    assert.match(reasons['rft.isbn']!, /"123" is not an ISBN/);
    assert.match(reasons['rft.issn']!, /"1234-5678" is not a valid ISSN/);
    assert.match(reasons['rft.title']!, /not percent-encoded correctly/);
    assert.equal(reasons.novalue, 'not a key Interlend knows');
    assert.match(reasons.rft_xyz!, /not a key of OpenURL 1.0/);
    assert.match(reasons['rft.genre']!, /"poem" is not a genre Interlend knows/);
    assert.match(reasons['ÿþ']!, /not a key/);
    assert.match(reasons['rft.tpages']!, /does not use/);
    assert.match(reasons.rft_val_fmt!, /not a format Interlend reads/);
    assert.equal(parsed.ignored.filter((i) => i.key === 'rft_id').length, 2);
    for (const input of ['', '&&&', '=', '%', '%%%%', 'a=%E0%A4%A', '?', 'rft.btitle', '\u0000=\u0000', 'x'.repeat(100_000)]) {
      assert.doesNotThrow(() => parseOpenUrl(input), input.slice(0, 20));
    }
  });

  test('values are cut to their field, control characters go, and a huge link is read only so far', () => {
    const long = 'a'.repeat(1200);
    const parsed = parseOpenUrl(`${V1}&rft.btitle=${long}&rft.au=Line%0Aone%09two`);
    assert.equal(parsed.fields.title!.length, 1000);
    assert.deepEqual(parsed.ignored, [{ key: 'rft.btitle', reason: 'longer than 1000 characters: cut to 1000' }]);
    assert.equal(parsed.fields.author, 'Line one two');
    const huge = parseOpenUrl(`rft.btitle=Kept&${'x=1&'.repeat(MAX_OPENURL_LENGTH)}`);
    assert.equal(huge.fields.title, 'Kept');
    assert.match(huge.ignored[0]!.reason, /longer than 16384 characters/);
    assert.ok(huge.ignored.length < 250, 'the report is bounded too');
  });

  test('percent-encoding, + as a space, and a literal + written %2B', () => {
    const parsed = parseOpenUrl(`${V1}&rft.btitle=C%2B%2B+for+beginners&rft.au=O%27Brien%2C+Flann&rft.pub=A+%26+B`);
    assert.deepEqual([parsed.fields.title, parsed.fields.author, parsed.fields.publisher], ['C++ for beginners', "O'Brien, Flann", 'A & B']);
  });

  test('UTF-8 (the default), ISO-8859-1 when ctx_enc says so, and Latin-1 bytes sent without saying so', () => {
    assert.equal(parseOpenUrl(`${V1}&rft.btitle=%C3%89tudes+%E6%97%A5%E6%9C%AC`).fields.title, 'Études 日本');
    const latin = parseOpenUrl(`${V1}&ctx_enc=info%3Aofi%2Fenc%3AISO-8859-1&rft.btitle=%C9tudes+fran%E7aises`);
    assert.equal(latin.fields.title, 'Études françaises');
    assert.deepEqual(latin.ignored, []);
    const unsaid = parseOpenUrl(`${V1}&rft.btitle=%C9tudes`);
    assert.equal(unsaid.fields.title, 'Études');
    assert.deepEqual(unsaid.ignored, [{ key: 'rft.btitle', reason: 'its value is not valid UTF-8 and ctx_enc does not say ISO-8859-1: read as ISO-8859-1' }]);
    assert.match(parseOpenUrl(`${V1}&ctx_enc=info:ofi/enc:UTF-16&rft.btitle=A`).ignored[0]!.reason, /not an encoding Interlend reads/);
  });
});

describe('writing an OpenURL', () => {
  test('what toOpenUrl writes, parseOpenUrl reads back the same', () => {
    const cases = [
      { type: 'BOOK' as const, fields: { title: 'C++ & you', author: 'Doe, J.', year: '2001', isbn: '0306406152', oclcNumber: '0012345', publisher: 'P', placeOfPublication: 'Q', edition: '2nd' } },
      { type: 'ARTICLE' as const, fields: { title: 'Nature', articleTitle: 'Études', articleAuthor: 'Watson, J.', issn: '0028-0836', volume: '1', issue: '2', pages: '3-4', doi: '10.1000/x', year: '1953' } },
      { type: 'CHAPTER' as const, fields: { title: 'Handbook', articleTitle: 'Chapter', articleAuthor: 'Roe', isbn: '9780306406157' } },
    ];
    for (const { type, fields } of cases) {
      const back = parseOpenUrl(toOpenUrl(fields, type, { pmid: '42' }));
      assert.equal(back.citationType, type);
      assert.deepEqual(only(back.fields), fields);
      assert.equal(back.pmid, '42');
      assert.deepEqual(back.ignored, []);
    }
  });
});
