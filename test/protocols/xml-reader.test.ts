/**
 * The one-pass reader (src/protocols/xml/reader.ts) against fast-xml-parser, the parser it replaced: on every
 * conformance sample and on hand-made edge cases both give the same tree, and wherever fast-xml-parser's validator
 * refused a document the reader refuses it too. fast-xml-parser stays a dev dependency for this comparison only.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ISO18626_REPEATABLE } from '../../src/protocols/iso18626/repeatable.ts';
import { NCIP_REPEATABLE } from '../../src/protocols/ncip/repeatable.ts';
import { decodeXml } from '../../src/protocols/xml/decode.ts';
import { decodeReferences, escapeText } from '../../src/protocols/xml/escape.ts';
import { readXml } from '../../src/protocols/xml/reader.ts';

const SAMPLES = new URL('../../../shared/conformance/samples/', import.meta.url);
const LIMITS = { maxDepth: 64, maxElements: 20_000 };

/** The parse safe-parse.ts used to do: CDATA escaped into text, then fast-xml-parser with stack.md §3.6's options. */
function reference(text: string, isArray: (name: string) => boolean): unknown {
  const prepared = text.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, content: string) => escapeText(content));
  if (XMLValidator.validate(prepared) !== true) return 'not well-formed';
  const decode = (_name: string, value: string) => decodeReferences(value);
  const parser = new XMLParser({
    parseTagValue: false,
    parseAttributeValue: false,
    removeNSPrefix: true,
    ignoreAttributes: false,
    processEntities: false,
    htmlEntities: false,
    attributeNamePrefix: '@_',
    textNodeName: '#text',
    ignoreDeclaration: true,
    ignorePiTags: true,
    trimValues: true,
    isArray: (name, _path, _leaf, isAttribute) => !isAttribute && isArray(name),
    tagValueProcessor: decode,
    attributeValueProcessor: decode,
  });
  const document = parser.parse(prepared) as Record<string, unknown>;
  const keys = Object.keys(document);
  return document[keys[keys.length - 1]!];
}

function ours(text: string, isArray: (name: string) => boolean): unknown {
  const result = readXml(text, { ...LIMITS, isArray });
  return result.ok ? result.root.content : 'not well-formed';
}

/** Plain objects, so prototype and property-definition differences do not count, only content. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

function samples(folder: string): { name: string; text: string }[] {
  return readdirSync(new URL(`${folder}/`, SAMPLES))
    .filter((name) => name.endsWith('.xml'))
    .map((name) => {
      const decoded = decodeXml(readFileSync(new URL(`${folder}/${name}`, SAMPLES)));
      assert.ok(decoded.ok, name);
      // As safe-parse.ts does before reading: a bare DOCTYPE is blanked out.
      return { name, text: decoded.text.replace(/<!DOCTYPE[^>[]*>/i, '') };
    });
}

describe('the XML reader gives the tree fast-xml-parser gave', () => {
  for (const [folder, repeatable] of [['ncip', NCIP_REPEATABLE], ['iso18626', ISO18626_REPEATABLE]] as const) {
    for (const sample of samples(folder)) {
      test(`${folder}/${sample.name}`, () => {
        const isArray = (name: string) => repeatable.has(name);
        assert.deepEqual(plain(ours(sample.text, isArray)), plain(reference(sample.text, isArray)));
      });
    }
  }

  const cases: Record<string, string> = {
    'text only': '<a>hello</a>',
    'empty element': '<a><b/><c></c></a>',
    'attributes and text': '<a x="1" y=\'2\'>text</a>',
    'prefixed attributes and xmlns': '<ns1:a xmlns:ns1="urn:x" ns1:version="2" plain="p"><ns1:b>v</ns1:b></ns1:a>',
    'default namespace only': '<a xmlns="urn:x"><b xmlns="urn:y">v</b></a>',
    'repeated children': '<a><b>1</b><b>2</b><b>3</b><c/></a>',
    'mixed content': '<a> one <b>x</b> two <c/> three </a>',
    'references': '<a t="&lt;&amp;&#65;&#x42;">&quot;x&apos; &#233; &unknown;</a>',
    'CDATA': '<a><b><![CDATA[ <not> & markup ]]></b><c>x<![CDATA[y]]>z</c></a>',
    'comments and PIs': '<?xml version="1.0"?><!-- c --><a><!-- inside --><?pi data?><b>v</b></a><!-- after -->',
    'white space kept inside, trimmed outside': '<a>\n  two  words \n</a>',
    'leading zeros stay text': '<a><n>0012345</n><t>true</t></a>',
    'deep': '<a><b><c><d><e>deep</e></d></c></b></a>',
  };
  for (const [name, text] of Object.entries(cases)) {
    test(name, () => {
      const isArray = (local: string) => local === 'c';
      assert.deepEqual(plain(ours(text, isArray)), plain(reference(text, isArray)));
    });
  }
});

test('an element named __proto__ is data, and no prototype is touched (fast-xml-parser refused the document)', () => {
  const result = readXml('<a><__proto__><polluted>yes</polluted></__proto__><constructor>y</constructor></a>', LIMITS);
  assert.ok(result.ok);
  const content = result.root.content as Record<string, unknown>;
  assert.deepEqual(Object.getOwnPropertyDescriptor(content, '__proto__')?.value, { polluted: 'yes' });
  assert.equal(Object.getPrototypeOf(content), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(content.constructor, 'y');
});

describe('the XML reader refuses what is not well-formed', () => {
  const broken: Record<string, string> = {
    'mismatched end tag': '<a><b></c></a>',
    'unclosed root': '<a><b></b>',
    'two roots': '<a/><b/>',
    'text outside the root': 'x<a/>',
    'text after the root': '<a/>x',
    'unquoted attribute': '<a x=1/>',
    'attribute without a value': '<a x/>',
    'repeated attribute': '<a x="1" x="2"/>',
    '< in an attribute': '<a x="<"/>',
    'bare ampersand': '<a>A & B</a>',
    'bare ampersand in an attribute': '<a x="A & B"/>',
    'no white space between attributes': '<a x="1"y="2"/>',
    'unterminated comment': '<a><!-- x</a>',
    'unterminated CDATA': '<a><![CDATA[x</a>',
    'declaration inside': '<a><!ELEMENT a ANY></a>',
    'XML declaration not first': '<a/><?xml version="1.0"?>',
    'empty document': '   ',
    'end tag first': '</a>',
    'bad name': '<1a/>',
  };
  for (const [name, text] of Object.entries(broken)) {
    test(name, () => {
      const result = readXml(text, LIMITS);
      assert.equal(result.ok, false, JSON.stringify(result));
      if (!result.ok) assert.equal(result.reason, 'not-well-formed');
    });
  }

  test('a bare & is reported as such (so safe-parse can repair it), a broken tag is not', () => {
    const amp = readXml('<a>Tom & Jerry</a>', LIMITS);
    assert.ok(!amp.ok && amp.bareAmpersand);
    const tag = readXml('<a><b></a>', LIMITS);
    assert.ok(!tag.ok && !tag.bareAmpersand);
  });

  test('the error says where, by line and column', () => {
    const result = readXml('<a>\n  <b></c>\n</a>', LIMITS);
    assert.ok(!result.ok);
    assert.match(result.message, /^line 2, column 6: end tag <\/c> does not match <b>/);
  });

  test('depth and element limits', () => {
    const deep = readXml(`${'<a>'.repeat(10)}${'</a>'.repeat(10)}`, { maxDepth: 9, maxElements: 100 });
    assert.ok(!deep.ok && deep.reason === 'too-deep');
    const many = readXml(`<a>${'<b/>'.repeat(100)}</a>`, { maxDepth: 9, maxElements: 100 });
    assert.ok(!many.ok && many.reason === 'too-many-elements');
    assert.ok(readXml(`<a>${'<b/>'.repeat(99)}</a>`, { maxDepth: 9, maxElements: 100 }).ok);
  });

  test('the root keeps its qualified name and namespace declarations', () => {
    const result = readXml('<ns1:NCIPMessage xmlns:ns1="http://www.niso.org/2008/ncip" ns1:version="2.02"/>', LIMITS);
    assert.ok(result.ok);
    assert.equal(result.root.qualifiedName, 'ns1:NCIPMessage');
    assert.deepEqual(result.root.attributes, { 'xmlns:ns1': 'http://www.niso.org/2008/ncip', 'ns1:version': '2.02' });
  });
});
