/**
 * XML text escaping for what we build, and the one entity decoder for what we read (XML 1.0 §2.4, §4.1, §4.6).
 *
 * Our reader (reader.ts) resolves no entities of its own, so the
 * five predefined entities and numeric character references are decoded here and nothing else is: a document can
 * declare no entities of its own (safe-parse.ts refuses any `<!ENTITY`), so an unknown `&name;` is kept as text
 * and reported, never resolved.
 */

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Characters XML 1.0 §2.2 does not allow anywhere (C0 controls but TAB/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces characters that cannot appear in an XML document by U+FFFD, so what we send is always well-formed. */
export function xmlSafeChars(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD');
}

/** Escapes element content: `&`, `<`, `>` (for `]]>`), and CR (which a parser would otherwise turn into LF). */
export function escapeText(text: string): string {
  return xmlSafeChars(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Escapes a double-quoted attribute value: as text, plus `"` and the whitespace that attribute normalisation eats. */
export function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

const REFERENCE = /&(#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z_][\w.-]*);/g;

/**
 * Decodes the predefined entities and character references in text that came through a well-formedness check.
 * References that are not allowed characters, and unknown named entities, are left as they are and reported
 * through `unknown` (the caller notes them for the audit log).
 */
export function decodeReferences(text: string, unknown?: (reference: string) => void): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      const char = code <= 0x10ffff ? String.fromCodePoint(code) : '';
      if (char !== '' && xmlSafeChars(char) === char && !(code >= 0xd800 && code <= 0xdfff)) return char;
      unknown?.(whole);
      return whole;
    }
    const value = PREDEFINED[name];
    if (value !== undefined) return value;
    unknown?.(whole);
    return whole;
  });
}

/** `&` that does not start a predefined entity or a character reference (what ILLiad-style string building leaves). */
const BARE_AMPERSAND = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/g;

/** Escapes bare `&`s (illiad.md §5 (b) 2: "try recovery, e.g. escape bare `&`"); returns the text and how many. */
export function escapeBareAmpersands(text: string): { text: string; count: number } {
  let count = 0;
  const escaped = text.replace(BARE_AMPERSAND, () => {
    count += 1;
    return '&amp;';
  });
  return { text: escaped, count };
}
