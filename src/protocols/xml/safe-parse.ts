/**
 * Untrusted XML bytes → a tree, with the guards protocols.md §6 and §8.1 ask for ("Size limit. No DTD or entity
 * resolution"; never fetch DTDs, XXE/SSRF) applied before any parser runs:
 *
 * 1. size (bytes, before decoding) — default 1 MiB;
 * 2. decoding by BOM / declaration (decode.ts); characters XML does not allow become U+FFFD (noted);
 * 3. any `<!ENTITY` is refused (external entities: XXE; internal ones: billion laughs). A DOCTYPE with an internal
 *    subset is refused too; a bare one such as SHAREit's NCIP 1 `<!DOCTYPE NCIPMessage PUBLIC "…" "…">` is blanked
 *    out, noted, and never loaded;
 * 4. one pass of reader.ts: well-formedness, depth and element count, a single root, and the tree. Values stay
 *    strings (stack.md §3.6's leading-zero trap cannot happen), and entities are decoded by escape.ts, which knows
 *    only the predefined ones and character references. When the only fault is bare `&`s (ILLiad builds its
 *    messages by string concatenation, illiad.md §2.3, §5 (b) 2) they are escaped, noted, and the text read again.
 *
 * The root's namespace is resolved from its start tag (the tree drops prefixes and `xmlns` declarations).
 */
import { decodeXml } from './decode.ts';
import { escapeBareAmpersands, xmlSafeChars } from './escape.ts';
import { readXml } from './reader.ts';
import type { XmlValue } from './tree.ts';

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

/** Reader messages can quote names; keep them short enough for a ProblemDetail and a log line. */
const clip = (message: string) => (message.length > 200 ? `${message.slice(0, 200)}…` : message);

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

  // XML 1.0 §2.2 allows no NUL or other C0 control but TAB, LF and CR, no lone surrogate, no U+FFFE/U+FFFF. ILLiad
  // copies titles from catalogue records, so such a character is read as U+FFFD (noted) rather than the message
  // refused; it can then reach no database (PostgreSQL text cannot hold a NUL) and no answer of ours.
  const safe = xmlSafeChars(text);
  if (safe !== text) {
    let count = 0;
    for (let i = 0; i < safe.length; i++) if (safe.charCodeAt(i) === 0xfffd && text.charCodeAt(i) !== 0xfffd) count++;
    notes.push(`${count} character${count === 1 ? '' : 's'} XML does not allow (NUL, control characters, lone surrogates) read as U+FFFD`);
    text = safe;
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

  const limits = { maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH, maxElements: options.maxElements ?? DEFAULT_MAX_ELEMENTS, isArray: options.isArray };
  let read = readXml(text, limits);
  if (!read.ok && read.bareAmpersand) {
    const repaired = escapeBareAmpersands(text);
    const again = readXml(repaired.text, limits);
    if (again.ok) {
      read = again;
      notes.push(`${repaired.count} unescaped '&' escaped`);
    }
  }
  if (!read.ok) return { ok: false, reason: read.reason, message: clip(read.message) };
  if (read.unknownReferences.length > 0) notes.push(`unknown entity references kept as text: ${read.unknownReferences.join(' ')}`);

  const qualifiedName = read.root.qualifiedName;
  const colon = qualifiedName.indexOf(':');
  const prefix = colon === -1 ? null : qualifiedName.slice(0, colon);
  const name = colon === -1 ? qualifiedName : qualifiedName.slice(colon + 1);
  const attributes = read.root.attributes;
  const namespace = (prefix === null ? attributes.xmlns : attributes[`xmlns:${prefix}`]) || null;
  const content = read.root.content;
  return { ok: true, root: { name, prefix, namespace, attributes, content }, doctype, encoding, notes };
}
