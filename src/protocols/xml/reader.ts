/**
 * One pass over XML text that checks well-formedness, enforces the depth and element limits, and builds the tree
 * safe-parse.ts hands out (tree.ts: local names, attributes under `@_`, text under `#text`, values as strings).
 *
 * Why our own: fast-xml-parser needs three passes for the same guarantees (our limit scan, its validator, its
 * parser) and spent about 100 µs on a 1 KB NCIP message, a sixth of an AcceptItem's whole cost. This reader does
 * all three at once in a tenth of that. It is deliberately small: no DTD (safe-parse.ts refuses or blanks every
 * DOCTYPE before we get here, and any other `<!` declaration is an error), no entities but the five predefined ones
 * and character references (escape.ts), and the same tree shape fast-xml-parser gave with stack.md §3.6's options,
 * which a differential test checks on every conformance sample.
 *
 * Well-formedness follows XML 1.0 §2–3 where it matters for safety and for telling a broken message from a good
 * one: one root, nothing but white space, comments and processing instructions around it, names, matching end
 * tags, quoted attribute values without `<`, no repeated attribute, and every `&` starting a reference.
 */
import { decodeReferences, escapeText } from './escape.ts';
import { ATTRIBUTE_PREFIX, TEXT_KEY, type XmlObject, type XmlValue } from './tree.ts';

export interface ReadLimits {
  readonly maxDepth: number;
  readonly maxElements: number;
  /** Element local names always returned as arrays. */
  readonly isArray?: ((localName: string) => boolean) | undefined;
}

export interface ReadRoot {
  /** The root's name as written, prefix included (`ns1:NCIPMessage`). */
  readonly qualifiedName: string;
  /** The root's attributes as written (qualified names, `xmlns` declarations kept), values decoded. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly content: XmlValue;
}

export type ReadFailureReason = 'too-deep' | 'too-many-elements' | 'not-well-formed';

export type ReadResult =
  | { ok: true; root: ReadRoot; /** named references that are not predefined, kept as text */ unknownReferences: string[] }
  | { ok: false; reason: ReadFailureReason; message: string; /** the failure is an `&` that starts no reference */ bareAmpersand: boolean };

/** XML 1.0 §2.3 Name, widened to every non-ASCII character (we check structure, not the Unicode tables). */
const NAME = /[A-Za-z_:\u00C0-\uFFFF][\w.\-:\u00B7\u00C0-\uFFFF]*/y;
const SPACE = /[ \t\r\n]*/y;
/** A reference at an `&` (XML 1.0 §4.1). */
const REFERENCE_AT = /&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z_:][\w.\-:]*);/y;

interface Open {
  readonly qualifiedName: string;
  readonly local: string;
  readonly node: XmlObject;
  /** Attributes or child elements seen: the element is an object, not a bare string. */
  structured: boolean;
  /** Text pieces, each trimmed and decoded, split where child elements sit. */
  readonly text: string[];
  /** Raw text since the last child element (CDATA already escaped into it). */
  raw: string;
}

class NotWellFormed extends Error {
  constructor(
    readonly reason: ReadFailureReason,
    readonly position: number,
    message: string,
    readonly bareAmpersand = false,
  ) {
    super(message);
  }
}

/** fast-xml-parser's removeNSPrefix: one prefix is dropped; `xmlns` declarations vanish (returns ''). */
function localName(qualified: string): string {
  const parts = qualified.split(':');
  if (parts[0] === 'xmlns') return '';
  return parts.length === 2 ? parts[1]! : qualified;
}

/** Sets or appends a child without ever touching the prototype (`__proto__` is a legal element name). */
function put(node: XmlObject, key: string, value: XmlValue, forceArray: boolean): void {
  const existing = Object.hasOwn(node, key) ? node[key] : undefined;
  if (Array.isArray(existing)) {
    existing.push(value);
    return;
  }
  const next = existing === undefined ? (forceArray ? [value] : value) : [existing, value];
  Object.defineProperty(node, key, { value: next, writable: true, enumerable: true, configurable: true });
}

function lineAndColumn(text: string, position: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return `line ${line}, column ${position - lineStart + 1}`;
}

export function readXml(text: string, limits: ReadLimits): ReadResult {
  try {
    return new Reader(text, limits).read();
  } catch (error) {
    if (!(error instanceof NotWellFormed)) throw error;
    const where = error.reason === 'not-well-formed' ? `${lineAndColumn(text, error.position)}: ` : '';
    return { ok: false, reason: error.reason, message: `${where}${error.message}`, bareAmpersand: error.bareAmpersand };
  }
}

class Reader {
  private readonly stack: Open[] = [];
  private root: ReadRoot | undefined;
  private rootAttributes: Record<string, string> = {};
  private elements = 0;
  private readonly unknown = new Set<string>();

  constructor(
    private readonly text: string,
    private readonly limits: ReadLimits,
  ) {}

  read(): ReadResult {
    const { text } = this;
    let i = 0;
    while (i < text.length) {
      const lt = text.indexOf('<', i);
      const end = lt === -1 ? text.length : lt;
      if (end > i) this.characters(i, end);
      if (lt === -1) break;
      i = this.markup(lt);
    }
    if (this.stack.length > 0) throw new NotWellFormed('not-well-formed', text.length, `<${this.stack.at(-1)!.qualifiedName}> is not closed`);
    if (!this.root) throw new NotWellFormed('not-well-formed', text.length, 'no root element');
    return { ok: true, root: this.root, unknownReferences: [...this.unknown] };
  }

  private fail(position: number, message: string, bareAmpersand = false): never {
    throw new NotWellFormed('not-well-formed', position, message, bareAmpersand);
  }

  /** Character data between `from` and `to`: only white space outside the root; references checked inside it. */
  private characters(from: number, to: number): void {
    const { text } = this;
    const open = this.stack.at(-1);
    if (!open) {
      if (/\S/.test(text.slice(from, to))) this.fail(from, this.root ? 'text after the root element' : 'text before the root element');
      return;
    }
    for (let amp = text.indexOf('&', from); amp !== -1 && amp < to; amp = text.indexOf('&', amp + 1)) {
      REFERENCE_AT.lastIndex = amp;
      if (!REFERENCE_AT.test(text) || REFERENCE_AT.lastIndex > to) this.fail(amp, "'&' that starts no entity or character reference", true);
    }
    open.raw += text.slice(from, to);
  }

  /** The markup starting at `lt`; returns where reading goes on. */
  private markup(lt: number): number {
    const { text } = this;
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      if (close === -1) this.fail(lt, 'unterminated comment');
      return close + 3;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const open = this.stack.at(-1);
      if (!open) this.fail(lt, 'CDATA outside the root element');
      const close = text.indexOf(']]>', lt + 9);
      if (close === -1) this.fail(lt, 'unterminated CDATA section');
      // Escaped into the raw text, so it is trimmed and decoded with its neighbours, exactly as before.
      open.raw += escapeText(text.slice(lt + 9, close));
      return close + 3;
    }
    if (text.startsWith('<?', lt)) {
      const close = text.indexOf('?>', lt + 2);
      if (close === -1) this.fail(lt, 'unterminated processing instruction');
      NAME.lastIndex = lt + 2;
      if (!NAME.test(text)) this.fail(lt + 2, 'a processing instruction needs a target name');
      if (/^xml$/i.test(text.slice(lt + 2, NAME.lastIndex)) && lt !== 0) this.fail(lt, 'the XML declaration must come first');
      return close + 2;
    }
    if (text.startsWith('<!', lt)) this.fail(lt, 'declarations (<!…>) are not accepted here');
    if (text.startsWith('</', lt)) return this.endTag(lt);
    return this.startTag(lt);
  }

  private name(at: number, what: string): string {
    NAME.lastIndex = at;
    if (!NAME.test(this.text)) this.fail(at, `${what} needs a name`);
    return this.text.slice(at, NAME.lastIndex);
  }

  private skipSpace(at: number): number {
    SPACE.lastIndex = at;
    SPACE.test(this.text);
    return SPACE.lastIndex;
  }

  private startTag(lt: number): number {
    const { text, limits } = this;
    if (!this.stack.length && this.root) this.fail(lt, 'more than one root element');
    const qualifiedName = this.name(lt + 1, 'a start tag');
    this.elements += 1;
    if (this.elements > limits.maxElements) throw new NotWellFormed('too-many-elements', lt, `more than ${limits.maxElements} elements`);
    if (this.stack.length + 1 > limits.maxDepth) throw new NotWellFormed('too-deep', lt, `elements nested deeper than ${limits.maxDepth} levels`);
    const parent = this.stack.at(-1);
    if (parent) this.flushText(parent);
    const open: Open = { qualifiedName, local: localName(qualifiedName), node: {}, structured: false, text: [], raw: '' };
    const isRoot = !parent;
    const seen = new Set<string>();
    let at = lt + 1 + qualifiedName.length;
    for (;;) {
      const afterSpace = this.skipSpace(at);
      if (text.startsWith('/>', afterSpace) || text[afterSpace] === '>') {
        const selfClosing = text[afterSpace] === '/';
        this.stack.push(open);
        if (selfClosing) this.close();
        return afterSpace + (selfClosing ? 2 : 1);
      }
      if (afterSpace >= text.length) this.fail(lt, `unterminated start tag <${qualifiedName}>`);
      if (afterSpace === at) this.fail(at, `white space is needed before an attribute in <${qualifiedName}>`);
      const attribute = this.name(afterSpace, `an attribute in <${qualifiedName}>`);
      if (seen.has(attribute)) this.fail(afterSpace, `attribute ${attribute} repeated in <${qualifiedName}>`);
      seen.add(attribute);
      let cursor = this.skipSpace(afterSpace + attribute.length);
      if (text[cursor] !== '=') this.fail(cursor, `attribute ${attribute} in <${qualifiedName}> has no value`);
      cursor = this.skipSpace(cursor + 1);
      const quote = text[cursor];
      if (quote !== '"' && quote !== "'") this.fail(cursor, `the value of ${attribute} in <${qualifiedName}> is not quoted`);
      const close = text.indexOf(quote, cursor + 1);
      if (close === -1) this.fail(cursor, `the value of ${attribute} in <${qualifiedName}> is not closed`);
      const raw = text.slice(cursor + 1, close);
      const ltInside = raw.indexOf('<');
      if (ltInside !== -1) this.fail(cursor + 1 + ltInside, `'<' in the value of ${attribute}`);
      for (let amp = raw.indexOf('&'); amp !== -1; amp = raw.indexOf('&', amp + 1)) {
        REFERENCE_AT.lastIndex = amp;
        if (!REFERENCE_AT.test(raw)) this.fail(cursor + 1 + amp, "'&' that starts no entity or character reference", true);
      }
      const value = this.decode(raw);
      if (isRoot) this.rootAttributes[attribute] = value;
      const local = localName(attribute);
      if (local !== '' && attribute !== 'xmlns') {
        put(open.node, ATTRIBUTE_PREFIX + local, value, false);
        open.structured = true;
      }
      at = close + 1;
    }
  }

  private endTag(lt: number): number {
    const qualifiedName = this.name(lt + 2, 'an end tag');
    const after = this.skipSpace(lt + 2 + qualifiedName.length);
    if (this.text[after] !== '>') this.fail(after, `end tag </${qualifiedName}> is not closed`);
    const open = this.stack.at(-1);
    if (!open) this.fail(lt, `end tag </${qualifiedName}> without a start tag`);
    if (open.qualifiedName !== qualifiedName) this.fail(lt, `end tag </${qualifiedName}> does not match <${open.qualifiedName}>`);
    this.close();
    return after + 1;
  }

  /** fast-xml-parser's trimValues: each piece of text is trimmed, then decoded; empty pieces vanish. */
  private flushText(open: Open): void {
    const trimmed = open.raw.trim();
    open.raw = '';
    if (trimmed !== '') open.text.push(this.decode(trimmed));
    open.structured = true;
  }

  private decode(raw: string): string {
    return decodeReferences(raw, (reference) => this.unknown.add(reference));
  }

  private close(): void {
    const open = this.stack.pop()!;
    const trimmed = open.raw.trim();
    if (trimmed !== '') open.text.push(this.decode(trimmed));
    const text = open.text.join('');
    let value: XmlValue;
    if (!open.structured) value = text;
    else {
      if (text !== '') put(open.node, TEXT_KEY, text, false);
      value = open.node;
    }
    const parent = this.stack.at(-1);
    if (!parent) {
      this.root = { qualifiedName: open.qualifiedName, attributes: this.rootAttributes, content: value };
      return;
    }
    put(parent.node, open.local, value, this.limits.isArray?.(open.local) ?? false);
  }
}
