/**
 * Readers for the NCIP building blocks (InitiationHeader, UserId, ItemId, RequestId, scheme/value pairs,
 * BibliographicDescription), by local name, any prefix or none. Each falls back to the NCIP 1 shape where that is
 * easy (protocols.md §8.1: "Treat NCIP v1 bodies (`UniqueAgencyId`/`Scheme`+`Value` children) as a separate, optional
 * dialect"): `UniqueAgencyId/Value`, `UniqueUserId`, `VisibleUserId`, `UniqueItemId`, `UniqueRequestId`, and
 * `{Scheme, Value}` children in place of a SchemeValuePair's text. Using a fallback sets `context.v1`.
 */
import { child, children, childText, textOf, type XmlValue } from '../xml/tree.ts';
import type { InitiationHeader, NcipId, NcipUserId } from './messages.ts';

export interface ReadContext {
  /** Set when an NCIP 1 element shape was read. */
  v1: boolean;
}

/** A SchemeValuePair's text (NCIP 2), or its `Value` child (NCIP 1 `{Scheme, Value}`). */
export function schemeValue(node: XmlValue | undefined, context: ReadContext): string | null {
  const text = textOf(node);
  if (text !== null || node === undefined) return text;
  const value = childText(node, 'Value');
  if (value !== null) context.v1 = true;
  return value;
}

export const childValue = (parent: XmlValue | undefined, name: string, context: ReadContext) => schemeValue(child(parent, name), context);

/** `AgencyId` (NCIP 2) or `UniqueAgencyId/Value` (NCIP 1) inside `parent`. */
export function agencyOf(parent: XmlValue | undefined, context: ReadContext): string | null {
  const agency = child(parent, 'AgencyId');
  if (agency !== undefined) return schemeValue(agency, context);
  const unique = child(parent, 'UniqueAgencyId');
  if (unique === undefined) return null;
  context.v1 = true;
  return childText(unique, 'Value');
}

export function readHeader(service: XmlValue, context: ReadContext): { header: InitiationHeader; present: boolean } {
  const header = child(service, 'InitiationHeader');
  const authentication = childText(header, 'FromAgencyAuthentication');
  return {
    present: header !== undefined,
    header: {
      fromAgencyId: agencyOf(child(header, 'FromAgencyId'), context),
      toAgencyId: agencyOf(child(header, 'ToAgencyId'), context),
      applicationProfileType: childValue(header, 'ApplicationProfileType', context),
      ...(authentication === null ? {} : { fromAgencyAuthentication: authentication }),
    },
  };
}

/** An `ItemId`/`RequestId`-shaped element: AgencyId + `<valueElement>`; `null` without a value. */
function idFrom(node: XmlValue | undefined, valueElement: string, context: ReadContext): NcipId | null {
  const value = childText(node, valueElement);
  return value === null ? null : { agencyId: agencyOf(node, context), value };
}

function firstId(parent: XmlValue, name: string, v1Name: string, valueElement: string, context: ReadContext): NcipId | null {
  const own = child(parent, name);
  if (own !== undefined) return idFrom(own, valueElement, context);
  const v1 = child(parent, v1Name);
  if (v1 === undefined) return null;
  context.v1 = true;
  return idFrom(v1, valueElement, context);
}

export const readItemId = (parent: XmlValue, context: ReadContext) => firstId(parent, 'ItemId', 'UniqueItemId', 'ItemIdentifierValue', context);
export const readRequestId = (parent: XmlValue, context: ReadContext) => firstId(parent, 'RequestId', 'UniqueRequestId', 'RequestIdentifierValue', context);

/** Every `ItemId` (RequestItem may carry several), NCIP 1 `UniqueItemId`s included. */
export function readItemIds(parent: XmlValue, context: ReadContext): NcipId[] {
  const v1 = children(parent, 'UniqueItemId');
  if (v1.length > 0) context.v1 = true;
  return [...children(parent, 'ItemId'), ...v1].map((node) => idFrom(node, 'ItemIdentifierValue', context)).filter((id): id is NcipId => id !== null);
}

/** `UserId` (NCIP 2), else NCIP 1 `UniqueUserId` or `VisibleUserId`; `null` without a value. */
export function readUserId(parent: XmlValue, context: ReadContext): NcipUserId | null {
  const user = child(parent, 'UserId');
  if (user !== undefined) {
    const value = childText(user, 'UserIdentifierValue');
    return value === null ? null : { agencyId: agencyOf(user, context), type: childValue(user, 'UserIdentifierType', context), value };
  }
  const unique = child(parent, 'UniqueUserId');
  if (unique !== undefined) {
    context.v1 = true;
    const value = childText(unique, 'UserIdentifierValue');
    return value === null ? null : { agencyId: agencyOf(unique, context), type: null, value };
  }
  const visible = child(parent, 'VisibleUserId');
  if (visible !== undefined) {
    context.v1 = true;
    const value = childText(visible, 'VisibleUserIdentifierValue');
    return value === null ? null : { agencyId: null, type: childValue(visible, 'VisibleUserIdentifierType', context), value };
  }
  return null;
}

/** `ItemOptionalFields/BibliographicDescription` Title and Author, as sent (ILLiad's `&` → "and" included). */
export function readTitleAuthor(parent: XmlValue): { title: string | null; author: string | null } {
  const description = child(child(parent, 'ItemOptionalFields'), 'BibliographicDescription');
  return { title: childText(description, 'Title'), author: childText(description, 'Author') };
}

/** Every text of a repeatable SchemeValuePair element (`UserElementType`), empties dropped. */
export function readValues(parent: XmlValue, name: string, context: ReadContext): string[] {
  return children(parent, name)
    .map((node) => schemeValue(node, context))
    .filter((value): value is string => value !== null);
}

/** `BibliographicId`s: `BibliographicItemId` (identifier + code, e.g. ISBN) or `BibliographicRecordId` (+ code; `null` when it names an AgencyId instead). */
export function readBibliographicIds(parent: XmlValue, context: ReadContext): { type: string | null; value: string }[] {
  return children(parent, 'BibliographicId').flatMap((id) => {
    const item = child(id, 'BibliographicItemId');
    if (item !== undefined) {
      const value = childText(item, 'BibliographicItemIdentifier');
      return value === null ? [] : [{ type: childValue(item, 'BibliographicItemIdentifierCode', context), value }];
    }
    const record = child(id, 'BibliographicRecordId');
    const value = childText(record, 'BibliographicRecordIdentifier');
    return value === null ? [] : [{ type: childValue(record, 'BibliographicRecordIdentifierCode', context), value }];
  });
}
