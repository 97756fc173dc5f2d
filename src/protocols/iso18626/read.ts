/**
 * Small lenient readers over the parsed tree (src/protocols/xml/tree.ts) shared by parse.ts: by local name under
 * any prefix, empty = absent, whitespace trimmed, values kept as strings (protocols.md §6 "parse leniently", §8.2).
 * Everything tolerated is reported in `notes` for the audit log; nothing here throws.
 */
import { child, children, childText, elementNames, textOf, attribute, type XmlValue } from '../xml/tree.ts';
import { isXsDateTime } from './datetime.ts';
import type { Iso18626Address, Iso18626AgencyId, Iso18626Costs, Iso18626Identifier, Iso18626PhysicalAddress } from './messages.ts';

export interface ReadContext {
  readonly notes: string[];
}

/** Notes child elements of `node` not in `known` (the v1.2 names, plus the 2021 ones parse.ts maps). */
export function noteUnknown(node: XmlValue | undefined, path: string, known: readonly string[], context: ReadContext): void {
  const extra = elementNames(node).filter((name) => !known.includes(name));
  if (extra.length > 0) context.notes.push(`unknown elements ignored in ${path}: ${extra.slice(0, 10).join(', ')}${extra.length > 10 ? ', …' : ''}`);
}

/** The text of child `name`; notes when it repeats (the first is kept). */
export function single(node: XmlValue | undefined, name: string, path: string, context: ReadContext): string | null {
  const all = children(node, name);
  if (all.length > 1) context.notes.push(`${path}/${name} repeated ${all.length} times: the first is read`);
  return textOf(all[0]);
}

/**
 * A code from a closed list: kept as sent when unknown (noted: the use case decides how to answer); a value that
 * matches only ignoring case is read as the list's spelling (noted).
 */
export function code(node: XmlValue | undefined, name: string, list: readonly string[], path: string, context: ReadContext): string | null {
  const value = childText(node, name);
  return value === null ? null : closed(value, list, `${path}/${name}`, context);
}

export function closed(value: string, list: readonly string[], where: string, context: ReadContext): string {
  if (list.includes(value)) return value;
  const folded = list.find((entry) => entry.toLowerCase() === value.toLowerCase());
  if (folded !== undefined) {
    context.notes.push(`${where} "${value}" read as "${folded}"`);
    return folded;
  }
  context.notes.push(`${where} "${clip(value)}" is not in the ISO 18626 code list: kept as sent`);
  return value;
}

/** A date-time as sent; noted when it is not a valid xs:dateTime. */
export function dateTime(node: XmlValue | undefined, name: string, path: string, context: ReadContext): string | null {
  const value = childText(node, name);
  if (value !== null && !isXsDateTime(value)) context.notes.push(`${path}/${name} "${clip(value)}" is not an xs:dateTime: kept as sent`);
  return value;
}

/** xs:integer as a number; anything else is `null`, noted. */
export function integer(node: XmlValue | undefined, name: string, path: string, context: ReadContext): number | null {
  const value = childText(node, name);
  if (value === null) return null;
  if (/^[+-]?\d{1,15}$/.test(value)) return Number.parseInt(value, 10);
  context.notes.push(`${path}/${name} "${clip(value)}" is not an integer: ignored`);
  return null;
}

/** xs:boolean (`true`, `false`, `1`, `0`); anything else is `null`, noted. */
export function boolean(node: XmlValue | undefined, name: string, path: string, context: ReadContext): boolean | null {
  const value = childText(node, name);
  if (value === null) return null;
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  context.notes.push(`${path}/${name} "${clip(value)}" is not a boolean: ignored`);
  return null;
}

/** type_agencyId; `null` without an agencyIdValue. */
export function agencyId(node: XmlValue | undefined, name: string, path: string, context: ReadContext): Iso18626AgencyId | null {
  const element = child(node, name);
  if (element === undefined) return null;
  const type = childText(element, 'agencyIdType');
  const value = childText(element, 'agencyIdValue');
  if (value === null) {
    if (type !== null) context.notes.push(`${path}/${name} has no agencyIdValue: ignored`);
    return null;
  }
  return { type, value };
}

/** bibliographicItemId / bibliographicRecordId elements, in either child order (2021 puts the code first). */
export function identifiers(node: XmlValue | undefined, name: string, valueName: string, codeName: string, path: string, context: ReadContext): Iso18626Identifier[] {
  return children(node, name).flatMap((element) => {
    const read = identifier(element, valueName, codeName);
    if (read === null && elementNames(element).length > 0) context.notes.push(`${path}/${name} without ${valueName} ignored`);
    return read === null ? [] : [read];
  });
}

export function identifier(element: XmlValue | undefined, valueName: string, codeName: string): Iso18626Identifier | null {
  const value = childText(element, valueName);
  if (value === null) return null;
  const codeElement = child(element, codeName);
  const scheme = attribute(codeElement, 'scheme');
  return { code: textOf(codeElement), value, ...(scheme === null ? {} : { scheme }) };
}

/** type_costs; `null` without a monetaryValue. */
export function costs(node: XmlValue | undefined, name: string, path: string, context: ReadContext): Iso18626Costs | null {
  const all = children(node, name);
  if (all.length > 1) context.notes.push(`${path}/${name} repeated ${all.length} times: the first is read`);
  const element = all[0];
  const monetaryValue = childText(element, 'monetaryValue');
  if (monetaryValue === null) return null;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(monetaryValue)) context.notes.push(`${path}/${name}/monetaryValue "${clip(monetaryValue)}" is not a decimal: kept as sent`);
  return { currencyCode: childText(element, 'currencyCode'), monetaryValue };
}

export function physicalAddress(element: XmlValue | undefined): Iso18626PhysicalAddress | null {
  if (element === undefined) return null;
  const address: Iso18626PhysicalAddress = {
    line1: childText(element, 'line1'),
    line2: childText(element, 'line2'),
    locality: childText(element, 'locality'),
    postalCode: childText(element, 'postalCode'),
    region: childText(element, 'region'),
    country: childText(element, 'country'),
  };
  return allEmpty(address) ? null : address;
}

export function address(element: XmlValue | undefined): Iso18626Address | null {
  const electronic = child(element, 'electronicAddress');
  if (electronic !== undefined) {
    const electronicAddressType = childText(electronic, 'electronicAddressType');
    const electronicAddressData = childText(electronic, 'electronicAddressData');
    if (electronicAddressType !== null || electronicAddressData !== null) return { kind: 'electronic', electronicAddressType, electronicAddressData };
  }
  const physical = physicalAddress(child(element, 'physicalAddress'));
  return physical === null ? null : { kind: 'physical', ...physical };
}

export const addresses = (node: XmlValue | undefined): Iso18626Address[] => children(node, 'address').flatMap((each) => address(each) ?? []);

/** True when every field is `null` or an empty list (an element sent empty reads as absent). */
export function allEmpty(value: object): boolean {
  return Object.values(value).every((field) => field === null || field === undefined || (Array.isArray(field) && field.length === 0));
}

export const clip = (value: string): string => (value.length > 80 ? `${value.slice(0, 80)}…` : value);
