/**
 * The tree safe-parse.ts returns (reader.ts, in fast-xml-parser's object shape: local names, attributes under `@_`, mixed text
 * under `#text`) and small total accessors over it. Every accessor takes whatever shape an element came in (a
 * string, an object, or an array when it repeated) so readers never care whether a peer repeated an element the
 * schema says is single, or sent text where the schema wants children (stack.md §3.6: parse leniently).
 */

export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [name: string]: XmlValue | undefined;
}

export const ATTRIBUTE_PREFIX = '@_';
export const TEXT_KEY = '#text';

const isObject = (value: XmlValue | undefined): value is XmlObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every occurrence of the child element `name`, in document order. */
export function children(node: XmlValue | undefined, name: string): XmlValue[] {
  if (node === undefined) return [];
  if (Array.isArray(node)) return node.flatMap((each) => children(each, name));
  if (!isObject(node) || !Object.hasOwn(node, name)) return [];
  const value = node[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The first child element `name`, if any. */
export function child(node: XmlValue | undefined, name: string): XmlValue | undefined {
  return children(node, name)[0];
}

/** Child element names in document order (attributes and text left out). */
export function elementNames(node: XmlValue | undefined): string[] {
  if (!isObject(node)) return [];
  return Object.keys(node).filter((key) => key !== TEXT_KEY && !key.startsWith(ATTRIBUTE_PREFIX));
}

/** An element's own text, trimmed; `null` when it is empty, whitespace only, or absent. */
export function textOf(node: XmlValue | undefined): string | null {
  if (node === undefined) return null;
  if (Array.isArray(node)) return textOf(node[0]);
  const raw = typeof node === 'string' ? node : node[TEXT_KEY];
  if (typeof raw !== 'string') return null;
  const trimmed = raw.trim();
  return trimmed === '' ? null : trimmed;
}

/** The text of the first child element `name`. */
export function childText(node: XmlValue | undefined, name: string): string | null {
  return textOf(child(node, name));
}

/** An attribute by local name (prefixes are removed by the parser), trimmed; `null` when absent or empty. */
export function attribute(node: XmlValue | undefined, name: string): string | null {
  if (Array.isArray(node)) return attribute(node[0], name);
  if (!isObject(node)) return null;
  const value = node[ATTRIBUTE_PREFIX + name];
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
