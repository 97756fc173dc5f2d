/**
 * A linear pre-scan of the markup, run before any parser sees the text: it bounds nesting depth and element count
 * (so a deeply nested or huge tree is refused without building anything), checks there is exactly one root element
 * with nothing but markup around it (fast-xml-parser's validator lets `<a/><b/>` through), and hands back the root's
 * start tag so its namespace can be resolved (the parser drops prefixes and `xmlns` attributes).
 *
 * It is not a parser: it only needs to be right on well-formed input and to terminate on anything; the
 * well-formedness check proper comes after it (safe-parse.ts).
 */

export interface ScanLimits {
  readonly maxDepth: number;
  readonly maxElements: number;
}

export type ScanResult =
  | { ok: true; /** the root's start tag, `<` to `>` */ rootTag: string; elements: number; depth: number }
  | { ok: false; reason: 'too-deep' | 'too-many-elements' | 'not-well-formed'; message: string };

/** Index of the `>` that closes the tag starting at `start`, skipping quoted attribute values; -1 if none. */
function tagEnd(text: string, start: number): number {
  let quote = '';
  for (let i = start + 1; i < text.length; i += 1) {
    const char = text[i];
    if (quote) {
      if (char === quote) quote = '';
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '>') return i;
    else if (char === '<') return -1;
  }
  return -1;
}

const hasNonSpace = (text: string, from: number, to: number) => /\S/.test(text.slice(from, to));

export function scanMarkup(text: string, limits: ScanLimits): ScanResult {
  const fail = (reason: 'too-deep' | 'too-many-elements' | 'not-well-formed', message: string): ScanResult => ({ ok: false, reason, message });
  let depth = 0;
  let maxSeen = 0;
  let elements = 0;
  let rootTag: string | null = null;
  let rootClosed = false;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (depth === 0 && hasNonSpace(text, i, lt === -1 ? text.length : lt)) return fail('not-well-formed', 'text outside the root element');
    if (lt === -1) break;
    const skipTo = (terminator: string, from: number) => {
      const end = text.indexOf(terminator, from);
      return end === -1 ? -1 : end + terminator.length;
    };
    let next: number;
    if (text.startsWith('<!--', lt)) next = skipTo('-->', lt + 4);
    else if (text.startsWith('<![CDATA[', lt)) {
      if (depth === 0) return fail('not-well-formed', 'CDATA outside the root element');
      next = skipTo(']]>', lt + 9);
    } else if (text.startsWith('<?', lt)) next = skipTo('?>', lt + 2);
    else if (text.startsWith('<!', lt)) next = skipTo('>', lt + 2);
    else if (text.startsWith('</', lt)) {
      next = skipTo('>', lt + 2);
      depth -= 1;
      if (depth < 0) return fail('not-well-formed', 'end tag without a start tag');
      if (depth === 0) rootClosed = true;
    } else {
      const end = tagEnd(text, lt);
      if (end === -1) return fail('not-well-formed', 'unterminated start tag');
      next = end + 1;
      elements += 1;
      if (elements > limits.maxElements) return fail('too-many-elements', `more than ${limits.maxElements} elements`);
      if (depth === 0) {
        if (rootTag !== null) return fail('not-well-formed', 'more than one root element');
        rootTag = text.slice(lt, end + 1);
      }
      const level = depth + 1;
      if (level > limits.maxDepth) return fail('too-deep', `elements nested deeper than ${limits.maxDepth} levels`);
      maxSeen = Math.max(maxSeen, level);
      if (text[end - 1] !== '/') depth = level;
      else if (depth === 0) rootClosed = true;
    }
    if (next === -1) return fail('not-well-formed', 'unterminated markup');
    i = next;
  }
  if (rootTag === null) return fail('not-well-formed', 'no root element');
  if (!rootClosed || depth !== 0) return fail('not-well-formed', 'the root element is not closed');
  return { ok: true, rootTag, elements, depth: maxSeen };
}

/** Attributes of a start tag as written (qualified names), e.g. `{ 'xmlns:ns1': '…', 'ns1:version': '…' }`. */
export function startTagAttributes(tag: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  const pattern = /\s([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (const match of tag.matchAll(pattern)) attributes[match[1]!] = match[2] ?? match[3] ?? '';
  return attributes;
}

/** The qualified name of a start tag, e.g. `ns1:NCIPMessage`. */
export function startTagName(tag: string): string {
  return /^<([^\s/>]+)/.exec(tag)?.[1] ?? '';
}
