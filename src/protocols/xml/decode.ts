/**
 * Bytes → text for an XML body: by BOM first, then the XML declaration's `encoding` (XML 1.0 §4.3.3, Appendix F),
 * UTF-8 when neither says anything (protocols.md §8.1: "Decode by BOM, then XML declaration").
 *
 * ILLiad's NCIP add-on declares ISO-8859-1 but writes with the Windows ANSI code page (illiad.md §2.3), so bytes
 * 0x80–0x9F in an "ISO-8859-1" or "US-ASCII" body are read as Windows-1252 (smart quotes, €, …), as browsers do
 * (WHATWG Encoding maps the label latin1 to windows-1252); a body that says UTF-8 (or nothing) but is not valid
 * UTF-8 is read as Windows-1252 too. Each such fallback is reported in `notes` for the audit log. An encoding we do
 * not know is an error: guessing would silently corrupt names and titles.
 */

export type XmlEncoding = 'UTF-8' | 'UTF-16LE' | 'UTF-16BE' | 'ISO-8859-1' | 'windows-1252' | 'US-ASCII';

export type DecodeResult =
  | { ok: true; text: string; encoding: XmlEncoding; /** the declaration's label as written, if any */ declared: string | null; notes: string[] }
  | { ok: false; error: string };

/** Encoding labels we accept (lower case), after IANA's character-set registry aliases. */
const LABELS: Readonly<Record<string, XmlEncoding | 'UTF-16'>> = {
  'utf-8': 'UTF-8',
  utf8: 'UTF-8',
  'utf-16': 'UTF-16',
  utf16: 'UTF-16',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
  'iso-8859-1': 'ISO-8859-1',
  iso8859_1: 'ISO-8859-1',
  'iso8859-1': 'ISO-8859-1',
  'iso_8859-1': 'ISO-8859-1',
  'iso-ir-100': 'ISO-8859-1',
  latin1: 'ISO-8859-1',
  l1: 'ISO-8859-1',
  cp819: 'ISO-8859-1',
  ibm819: 'ISO-8859-1',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
  'x-cp1252': 'windows-1252',
  'us-ascii': 'US-ASCII',
  ascii: 'US-ASCII',
  'ansi_x3.4-1968': 'US-ASCII',
  'iso646-us': 'US-ASCII',
};

/** Windows-1252 bytes 0x80–0x9F (the five undefined ones map to the same C1 code point, as WHATWG does). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  let text = '';
  for (let start = 0; start < bytes.length; start += 8192) {
    const chunk = bytes.subarray(start, start + 8192);
    text += String.fromCharCode(...Array.from(chunk, (byte) => (byte >= 0x80 && byte <= 0x9f ? CP1252_HIGH[byte - 0x80]! : byte)));
  }
  return text;
}

function hasC1Bytes(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80 && bytes[i]! <= 0x9f) return true;
  return false;
}

/** The same bytes as a Buffer, without copying them (Buffer.from(uint8Array) would copy). */
const view = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);

/** Decoders keep no state between calls with `fatal`, so one serves every message. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf16(bytes: Uint8Array, bigEndian: boolean): string | null {
  if (bytes.length % 2 !== 0) return null;
  const copy = Buffer.from(bytes);
  if (bigEndian) copy.swap16();
  try {
    return new TextDecoder('utf-16le', { fatal: true }).decode(copy);
  } catch {
    return null;
  }
}

/** The `encoding` pseudo-attribute of a leading `<?xml …?>` declaration, read as ASCII. */
function declaredEncoding(bytes: Uint8Array): string | null {
  const head = view(bytes.subarray(0, 512)).toString('latin1');
  const declaration = /^\s*<\?xml\s[^?]*\?>/.exec(head)?.[0];
  if (!declaration) return null;
  return /\sencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(declaration)?.slice(1).find((value) => value !== undefined) ?? null;
}

export function decodeXml(input: Uint8Array): DecodeResult {
  const notes: string[] = [];
  let bytes = input;
  let bom: 'UTF-8' | 'UTF-16LE' | 'UTF-16BE' | null = null;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bom = 'UTF-8';
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) bom = 'UTF-16LE';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) bom = 'UTF-16BE';
  if (bom) bytes = bytes.subarray(bom === 'UTF-8' ? 3 : 2);
  // UTF-16 without a BOM still starts with '<' as 3C 00 (LE) or 00 3C (BE) (XML 1.0 Appendix F.1).
  const sniffed: 'UTF-16LE' | 'UTF-16BE' | null = bom ? null : bytes[0] === 0x3c && bytes[1] === 0x00 ? 'UTF-16LE' : bytes[0] === 0x00 && bytes[1] === 0x3c ? 'UTF-16BE' : null;

  if (bom === 'UTF-16LE' || bom === 'UTF-16BE' || sniffed) {
    const encoding = (bom ?? sniffed) as 'UTF-16LE' | 'UTF-16BE';
    const text = decodeUtf16(bytes, encoding === 'UTF-16BE');
    if (text === null) return { ok: false, error: `the body is not valid ${encoding}` };
    const declared = /^<\?xml\s[^?]*encoding\s*=\s*["']([^"']*)["']/.exec(text)?.[1] ?? null;
    return { ok: true, text, encoding, declared, notes };
  }

  const declared = declaredEncoding(bytes);
  let encoding: XmlEncoding = 'UTF-8';
  if (declared !== null) {
    const known = LABELS[declared.trim().toLowerCase()];
    if (known === undefined) return { ok: false, error: `unsupported encoding "${declared}" in the XML declaration` };
    if (known === 'UTF-16' || known === 'UTF-16LE' || known === 'UTF-16BE') {
      return { ok: false, error: `the XML declaration says ${declared} but the body is not UTF-16` };
    }
    if (bom === 'UTF-8' && known !== 'UTF-8') notes.push(`byte order mark says UTF-8, declaration says ${declared}: read as UTF-8`);
    else encoding = known;
  }

  switch (encoding) {
    case 'UTF-8': {
      try {
        return { ok: true, text: UTF8.decode(bytes), encoding, declared, notes };
      } catch {
        notes.push(`${declared === null ? 'no encoding declared' : `declared ${declared}`} but the bytes are not valid UTF-8: read as Windows-1252`);
        return { ok: true, text: decodeWindows1252(bytes), encoding: 'windows-1252', declared, notes };
      }
    }
    case 'ISO-8859-1':
    case 'US-ASCII': {
      const outside = encoding === 'US-ASCII' ? bytes.some((byte) => byte > 0x7f) : hasC1Bytes(bytes);
      if (outside) {
        notes.push(`declared ${declared} but bytes ${encoding === 'US-ASCII' ? 'above 0x7F' : 'in 0x80–0x9F'} occur: read as Windows-1252`);
        return { ok: true, text: decodeWindows1252(bytes), encoding: 'windows-1252', declared, notes };
      }
      return { ok: true, text: view(bytes).toString('latin1'), encoding, declared, notes };
    }
    case 'windows-1252':
      return { ok: true, text: decodeWindows1252(bytes), encoding, declared, notes };
    default:
      return { ok: false, error: `unsupported encoding ${encoding}` };
  }
}
