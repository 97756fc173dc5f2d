/**
 * Untrusted XML bytes → a tree, with the guards protocols.md §6 and §8.1 ask for ("Size limit. No DTD or entity
 * resolution"; never fetch DTDs, XXE/SSRF) applied before any parser runs:
 *
 * 1. size (bytes, before decoding) — default 1 MiB;
 * 2. decoding by BOM / declaration (decode.ts);
 * 3. any `<!ENTITY` is refused (external entities: XXE; internal ones: billion laughs). A DOCTYPE with an internal
 *    subset is refused too; a bare one such as SHAREit's NCIP 1 `<!DOCTYPE NCIPMessage PUBLIC "…" "…">` is blanked
 *    out, noted, and never loaded;
 * 4. depth, element count and a single root (scan.ts);
 * 5. well-formedness by fast-xml-parser's `XMLValidator.validate`; when that fails on bare `&`s (ILLiad builds its
 *    messages by string concatenation, illiad.md §2.3, §5 (b) 2) they are escaped, noted, and the check re-run;
 * 6. parsing with stack.md §3.6's options (`parseTagValue:false`, `parseAttributeValue:false`, `removeNSPrefix:true`,
 *    `ignoreAttributes:false`, `processEntities:false`): values stay strings, and entities are decoded by
 *    escape.ts, which knows only the predefined ones and character references.
 *
 * The root's namespace is resolved from its start tag (the parser drops prefixes and `xmlns` declarations).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeXml } from './decode.ts';
import { decodeReferences, escapeBareAmpersands, escapeText } from './escape.ts';
import { scanMarkup, startTagAttributes, startTagName } from './scan.ts';
import { ATTRIBUTE_PREFIX, TEXT_KEY, type XmlObject, type XmlValue } from './tree.ts';

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 64;
export const DEFAULT_MAX_ELEMENTS = 20_000;

export interface SafeParseOptions {
  /** Largest body accepted, in bytes (default 1 MiB). */
  readonly maxBytes?: number;
  /** Deepest element nesting accepted (default 64; NCIP messages nest about 10 deep). */
  readonly maxDepth?: number;
  /** Most elements accepted (default 20 000). */
  readonly maxElements?: number;
  /** Element local names always returned as arrays (the schema's repeatable elements). */
  readonly isArray?: (localName: string) => boolean;
}

export interface XmlRoot {
  /** Local name. */
  readonly name: string;
  readonly prefix: string | null;
  /** The namespace URI the root's prefix (or the default namespace) is bound to on the root; `null` when none. */
  readonly namespace: string | null;
  /** The root's attributes as written, qualified names kept (`ns1:version`, `xmlns:ns1`). */
  readonly attributes: Readonly<Record<string, string>>;
  /** The root's content: attributes under `@_<local name>`, child elements by local name, text under `#text`. */
  readonly content: XmlValue;
}

export type SafeParseFailureReason = 'too-large' | 'encoding' | 'entity-declaration' | 'doctype-subset' | 'too-deep' | 'too-many-elements' | 'not-well-formed';

export type SafeParseResult =
  | { ok: true; root: XmlRoot; /** the DOCTYPE as written, if a bare one was ignored */ doctype: string | null; encoding: string; notes: string[] }
  | { ok: false; reason: SafeParseFailureReason; message: string };

const byteLength = (input: Uint8Array | string) => (typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length);

/** Blanks `<!DOCTYPE …>` (keeping line breaks, so error positions still match) once it is known to have no subset. */
function blankDoctype(text: string, start: number, end: number): string {
  return text.slice(0, start) + text.slice(start, end).replace(/[^\n]/g, ' ') + text.slice(end);
}

/** Parser messages can quote the offending markup; keep them short enough for a ProblemDetail and a log line. */
const clip = (message: string) => (message.length > 200 ? `${message.slice(0, 200)}…` : message);

function formatValidationError(error: { code: string; msg: string; line: number; col: number }): string {
  return `line ${error.line}, column ${error.col}: ${clip(error.msg)}`;
}

export function safeParseXml(input: Uint8Array | string, options: SafeParseOptions = {}): SafeParseResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const size = byteLength(input);
  if (size > maxBytes) return { ok: false, reason: 'too-large', message: `the message is ${size} bytes; the limit is ${maxBytes} bytes` };

  const notes: string[] = [];
  let text: string;
  let encoding = 'UTF-8';
  if (typeof input === 'string') text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  else {
    const decoded = decodeXml(input);
    if (!decoded.ok) return { ok: false, reason: 'encoding', message: decoded.error };
    text = decoded.text;
    encoding = decoded.encoding;
    notes.push(...decoded.notes);
  }

  if (/<!ENTITY/i.test(text)) return { ok: false, reason: 'entity-declaration', message: 'entity declarations (<!ENTITY) are not accepted' };
  let doctype: string | null = null;
  const doctypes = [...text.matchAll(/<!DOCTYPE/gi)];
  if (doctypes.length > 1) return { ok: false, reason: 'not-well-formed', message: 'more than one DOCTYPE' };
  if (doctypes.length === 1) {
    const start = doctypes[0]!.index;
    const end = text.indexOf('>', start);
    const declaration = end === -1 ? text.slice(start) : text.slice(start, end + 1);
    if (end === -1 || declaration.includes('[')) return { ok: false, reason: 'doctype-subset', message: 'a DOCTYPE with an internal subset is not accepted' };
    doctype = declaration;
    text = blankDoctype(text, start, end + 1);
    notes.push(`DOCTYPE ignored, nothing loaded: ${declaration.replace(/\s+/g, ' ')}`);
  }

  if (/^\s+<\?xml[\s?]/.test(text)) {
    text = text.trimStart();
    notes.push('white space before the XML declaration removed');
  }

  const scan = scanMarkup(text, { maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH, maxElements: options.maxElements ?? DEFAULT_MAX_ELEMENTS });
  if (!scan.ok) return { ok: false, reason: scan.reason, message: scan.message };

  // CDATA sections become escaped text, so every text node goes through the same entity decoding below.
  text = text.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, content: string) => escapeText(content));

  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const repaired = escapeBareAmpersands(text);
    if (repaired.count === 0 || XMLValidator.validate(repaired.text) !== true) {
      return { ok: false, reason: 'not-well-formed', message: formatValidationError(validation.err) };
    }
    text = repaired.text;
    notes.push(`${repaired.count} unescaped '&' escaped`);
  }

  const unknownReferences = new Set<string>();
  const decode = (_name: string, value: string) => decodeReferences(value, (reference) => unknownReferences.add(reference));
  const parser = new XMLParser({
    parseTagValue: false,
    parseAttributeValue: false,
    removeNSPrefix: true,
    ignoreAttributes: false,
    processEntities: false,
    htmlEntities: false,
    attributeNamePrefix: ATTRIBUTE_PREFIX,
    textNodeName: TEXT_KEY,
    ignoreDeclaration: true,
    ignorePiTags: true,
    trimValues: true,
    maxNestedTags: (options.maxDepth ?? DEFAULT_MAX_DEPTH) + 1,
    isArray: (name, _path, _leaf, isAttribute) => !isAttribute && (options.isArray?.(name) ?? false),
    tagValueProcessor: decode,
    attributeValueProcessor: decode,
  });
  let document: XmlObject;
  try {
    document = parser.parse(text) as XmlObject;
  } catch (error) {
    return { ok: false, reason: 'not-well-formed', message: clip(error instanceof Error ? error.message : String(error)) };
  }
  if (unknownReferences.size > 0) notes.push(`unknown entity references kept as text: ${[...unknownReferences].join(' ')}`);

  const qualifiedName = startTagName(scan.rootTag);
  const colon = qualifiedName.indexOf(':');
  const prefix = colon === -1 ? null : qualifiedName.slice(0, colon);
  const name = colon === -1 ? qualifiedName : qualifiedName.slice(colon + 1);
  const attributes = Object.fromEntries(Object.entries(startTagAttributes(scan.rootTag)).map(([key, value]) => [key, decodeReferences(value)]));
  const namespace = (prefix === null ? attributes.xmlns : attributes[`xmlns:${prefix}`]) || null;
  const content = document[name];
  if (content === undefined) return { ok: false, reason: 'not-well-formed', message: `root element ${qualifiedName} could not be read` };
  return { ok: true, root: { name, prefix, namespace, attributes, content }, doctype, encoding, notes };
}
