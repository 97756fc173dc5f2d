/**
 * Property-based tests (issue 10, item 5): how many cases each property runs, how a failure is reproduced, and
 * hostile mutations of the real conformance samples.
 *
 * - `FUZZ_RUNS=100000 node scripts/test.mjs test/fuzz/ncip-codec.test.ts` runs more cases (default 10,000 per codec
 *   property, the floor; properties that go through HTTP or the XSD run a fraction, see `runs`).
 * - A failure prints fast-check's `{ seed, path }` and the shrunk counterexample; `FUZZ_SEED=<seed>` (and
 *   `FUZZ_PATH=<path>`) replays exactly that run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';

function positive(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new Error(`FUZZ_RUNS must be a positive whole number, not ${JSON.stringify(value)}`);
  return parsed;
}

/** Cases per codec property: at least 10,000 in CI (issue 10, "Done when"). */
export const FUZZ_RUNS = positive(process.env.FUZZ_RUNS, 10_000);

/**
 * fast-check's parameters for a property that runs `share` of FUZZ_RUNS (at least `floor` cases): 1 for the codec
 * properties; less for those that pay for an HTTP round trip or an XSD validation per case.
 */
export function runs(share = 1, floor = 50): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED;
  return {
    numRuns: Math.max(floor, Math.round(FUZZ_RUNS * share)),
    ...(seed === undefined || seed === '' ? {} : { seed: Number(seed), ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}) }),
  };
}

/** The real-world samples (shared/conformance/samples, read at run time, never copied into the repository). */
export function conformanceSamples(protocol: 'ncip' | 'iso18626'): { name: string; bytes: Buffer }[] {
  const folder = new URL(`../../../shared/conformance/samples/${protocol}/`, import.meta.url);
  return readdirSync(folder)
    .filter((name) => name.endsWith('.xml'))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(new URL(name, folder)) }));
}

/** Text that looks like what an attacker or a broken peer puts in a field: markup, references, controls, any Unicode. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '&',
    '&amp;',
    '&e;',
    '&#0;',
    '&#x110000;',
    '&#xD800;',
    '<',
    ']]>',
    '<![CDATA[x]]>',
    '<!-- c -->',
    '<?pi x?>',
    '"\'',
    '\u0000',
    '\uFFFE',
    '\uD800',
    '\r\n',
    "' OR 1=1 --",
    'Problem',
    '__proto__',
    'x'.repeat(5000),
  ),
);

/** XML split into markup and text, so elements can be found, dropped, repeated and moved. */
type Token = { kind: 'start' | 'end' | 'empty' | 'other' | 'text'; text: string };

function tokenize(xml: string): Token[] {
  return (xml.match(/<[^>]*>|[^<]+/g) ?? []).map((text): Token => {
    if (!text.startsWith('<')) return { kind: 'text', text };
    if (/^<[?!]/.test(text)) return { kind: 'other', text };
    if (text.startsWith('</')) return { kind: 'end', text };
    return { kind: text.endsWith('/>') ? 'empty' : 'start', text };
  });
}

/** [first, last] token index of every element (start tag to its matching end tag). */
function elementSpans(tokens: Token[]): [number, number][] {
  const spans: [number, number][] = [];
  const open: number[] = [];
  tokens.forEach((token, index) => {
    if (token.kind === 'empty') spans.push([index, index]);
    else if (token.kind === 'start') open.push(index);
    else if (token.kind === 'end') {
      const start = open.pop();
      if (start !== undefined) spans.push([start, index]);
    }
  });
  return spans;
}

const pick = <T>(list: T[], choice: number): T | undefined => (list.length === 0 ? undefined : list[choice % list.length]);

/** One structural or textual change to a document, chosen by `choice` numbers (so fast-check can shrink it). */
type Mutation = (xml: string, a: number, b: number, text: string) => string;

const MUTATIONS: Record<string, Mutation> = {
  dropElement(xml, a) {
    const tokens = tokenize(xml);
    const span = pick(elementSpans(tokens), a);
    if (!span) return xml;
    return [...tokens.slice(0, span[0]), ...tokens.slice(span[1] + 1)].map((t) => t.text).join('');
  },
  duplicateElement(xml, a) {
    const tokens = tokenize(xml);
    const span = pick(elementSpans(tokens), a);
    if (!span) return xml;
    const copy = tokens.slice(span[0], span[1] + 1);
    return [...tokens.slice(0, span[1] + 1), ...copy, ...tokens.slice(span[1] + 1)].map((t) => t.text).join('');
  },
  moveElement(xml, a, b) {
    // Cut one element out and put it in front of another token: reordering, and moving into another parent.
    const tokens = tokenize(xml);
    const span = pick(elementSpans(tokens), a);
    if (!span) return xml;
    const cut = tokens.slice(span[0], span[1] + 1);
    const rest = [...tokens.slice(0, span[0]), ...tokens.slice(span[1] + 1)];
    const at = rest.length === 0 ? 0 : b % rest.length;
    return [...rest.slice(0, at), ...cut, ...rest.slice(at)].map((t) => t.text).join('');
  },
  dropTag(xml, a) {
    const tokens = tokenize(xml);
    const tags = tokens.map((t, i) => [t, i] as const).filter(([t]) => t.kind !== 'text');
    const chosen = pick(tags, a);
    if (!chosen) return xml;
    return tokens.filter((_, i) => i !== chosen[1]).map((t) => t.text).join('');
  },
  replaceText(xml, a, _b, text) {
    const tokens = tokenize(xml);
    const texts = tokens.map((t, i) => [t, i] as const).filter(([t]) => t.kind === 'text' && t.text.trim() !== '');
    const chosen = pick(texts, a);
    if (!chosen) return xml;
    return tokens.map((t, i) => (i === chosen[1] ? text : t.text)).join('');
  },
  insertText(xml, a, _b, text) {
    const at = xml.length === 0 ? 0 : a % xml.length;
    return xml.slice(0, at) + text + xml.slice(at);
  },
  renameElement(xml, a, _b, text) {
    const tokens = tokenize(xml);
    const span = pick(elementSpans(tokens), a);
    if (!span) return xml;
    const name = /^<([^\s/>]+)/.exec(tokens[span[0]]!.text)?.[1] ?? '';
    const renamed = text.replace(/[\s<>/="']/g, '') || 'x';
    const rename = (token: Token) => ({ ...token, text: token.text.replace(name, renamed) });
    return tokens.map((t, i) => (i === span[0] || i === span[1] ? rename(t) : t).text).join('');
  },
  wrongNamespace(xml, a, _b, text) {
    const namespaces = [...xml.matchAll(/xmlns(:\w+)?="[^"]*"/g)];
    const chosen = pick(namespaces, a);
    const uri = ['', 'urn:wrong', 'http://www.niso.org/2008/ncip', 'http://illtransactions.org/2013/iso18626', text.replace(/"/g, '')][a % 5];
    if (!chosen) return xml.replace(/^(<\?xml[^>]*\?>)?\s*<([^\s>/]+)/, (whole) => `${whole} xmlns="${uri}"`);
    return xml.slice(0, chosen.index) + `xmlns${chosen[1] ?? ''}="${uri}"` + xml.slice(chosen.index + chosen[0].length);
  },
  stripPrefixes(xml, a) {
    // Half the documents lose their prefixes, half get a prefix nobody declared.
    return a % 2 === 0 ? xml.replace(/<(\/?)\w+:/g, '<$1') : xml.replace(/<(\/?)(?=[A-Za-z])/g, '<$1undeclared:');
  },
  prolog(xml, a) {
    const prologs = [
      '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
      '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]>',
      '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
      '<!DOCTYPE NCIPMessage PUBLIC "-//NISO//NCIP DTD Version 1//EN" "http://www.niso.org/ncip/v1_0/imp1/dtd/ncip_v1_0.dtd">',
      '<!DOCTYPE x>',
      '<?xml-stylesheet href="http://127.0.0.1:9/x.xsl"?>',
      '<!-- a comment -->',
      '\uFEFF',
    ];
    const chosen = prologs[a % prologs.length]!;
    const declaration = /^<\?xml[^>]*\?>/.exec(xml)?.[0] ?? '';
    return declaration + chosen + xml.slice(declaration.length);
  },
  encodingDeclaration(xml, a) {
    const labels = ['UTF-8', 'ISO-8859-1', 'US-ASCII', 'windows-1252', 'UTF-16', 'EBCDIC-US', 'Shift_JIS', '', 'utf-8"'];
    const label = labels[a % labels.length]!;
    const declaration = `<?xml version="1.0" encoding="${label}"?>`;
    return /^<\?xml[^>]*\?>/.test(xml) ? xml.replace(/^<\?xml[^>]*\?>/, declaration) : declaration + xml;
  },
  entityReference(xml, a) {
    const references = ['&e;', '&lol9;', '&#0;', '&#x1F600;', '&amp', '&', '&#65;', '&unknown;'];
    const tokens = tokenize(xml);
    const texts = tokens.map((t, i) => [t, i] as const).filter(([t]) => t.kind === 'text');
    const chosen = pick(texts, a);
    if (!chosen) return xml;
    return tokens.map((t, i) => (i === chosen[1] ? t.text + references[a % references.length] : t.text)).join('');
  },
  nest(xml, a) {
    // Deep nesting inside the first element, past the reader's depth limit or just under it.
    const depth = [10, 63, 64, 65, 200][a % 5]!;
    const tokens = tokenize(xml);
    const first = tokens.findIndex((t) => t.kind === 'start');
    if (first === -1) return xml;
    const inner = `${'<d>'.repeat(depth)}${'</d>'.repeat(depth)}`;
    return [...tokens.slice(0, first + 1).map((t) => t.text), inner, ...tokens.slice(first + 1).map((t) => t.text)].join('');
  },
};

const MUTATION_NAMES = Object.keys(MUTATIONS);
const STRUCTURAL = ['dropElement', 'duplicateElement', 'moveElement', 'wrongNamespace', 'stripPrefixes', 'encodingDeclaration'];

/** Changes to the encoded bytes: truncation, flipped and inserted bytes, a BOM of the wrong kind. */
const BYTE_MUTATIONS: Record<string, (bytes: Buffer, a: number, b: number) => Buffer> = {
  truncate: (bytes, a) => bytes.subarray(0, bytes.length === 0 ? 0 : a % bytes.length),
  flip(bytes, a, b) {
    if (bytes.length === 0) return bytes;
    const copy = Buffer.from(bytes);
    copy[a % copy.length] = b & 0xff;
    return copy;
  },
  insert(bytes, a, b) {
    const at = bytes.length === 0 ? 0 : a % bytes.length;
    const inserted = [[0x00], [0xff, 0xfe], [0xfe, 0xff], [0xef, 0xbb, 0xbf], [0xc3], [0xed, 0xa0, 0x80], [0x80, 0x9f], [b & 0xff]][b % 8]!;
    return Buffer.concat([bytes.subarray(0, at), Buffer.from(inserted), bytes.subarray(at)]);
  },
  utf16: (bytes, a) => {
    const text = bytes.toString('latin1');
    const le = Buffer.from(text, 'utf16le');
    if (a % 3 === 0) return Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
    if (a % 3 === 1) return le.swap16();
    return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
  },
};
const BYTE_MUTATION_NAMES = Object.keys(BYTE_MUTATIONS);

export interface MutatedSample {
  readonly sample: string;
  readonly steps: string[];
  readonly bytes: Buffer;
}

/** A real sample with one to four mutations, then sometimes a change to its bytes. */
export function mutatedSamples(samples: { name: string; bytes: Buffer }[]): fc.Arbitrary<MutatedSample> {
  // Changes that keep the document well-formed come up more often, so most cases reach the message readers.
  const name = fc.oneof({ arbitrary: fc.constantFrom(...STRUCTURAL), weight: 3 }, { arbitrary: fc.constantFrom(...MUTATION_NAMES), weight: 1 });
  const step = fc.record({ name, a: fc.nat(), b: fc.nat(), text: hostileText });
  const byteStep = fc.option(fc.record({ name: fc.constantFrom(...BYTE_MUTATION_NAMES), a: fc.nat(), b: fc.nat() }), { freq: 3 });
  return fc.record({ index: fc.nat({ max: samples.length - 1 }), steps: fc.array(step, { minLength: 1, maxLength: 4 }), byteStep, latin1: fc.boolean() }).map(({ index, steps, byteStep, latin1 }) => {
    const sample = samples[index]!;
    let xml = sample.bytes.toString('utf8');
    for (const { name, a, b, text } of steps) xml = MUTATIONS[name]!(xml, a, b, text);
    let bytes: Buffer = Buffer.from(xml, latin1 ? 'latin1' : 'utf8');
    const names = steps.map((s) => s.name);
    if (byteStep) {
      bytes = BYTE_MUTATIONS[byteStep.name]!(bytes, byteStep.a, byteStep.b);
      names.push(`bytes:${byteStep.name}`);
    }
    return { sample: sample.name, steps: names, bytes };
  });
}

/** Any bytes at all, and XML-ish text built from tags, references and junk. */
export const arbitraryBodies: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
  fc
    .array(fc.oneof(fc.constantFrom('<', '>', '</', '/>', '<?xml version="1.0"?>', '<!DOCTYPE', '<!ENTITY', '&', ';', '"', '=', ' ', 'NCIPMessage', 'ISO18626Message', 'xmlns="', 'request', 'header', ':'), hostileText), { maxLength: 40 })
    .map((parts) => Buffer.from(parts.join(''), 'utf8')),
);
