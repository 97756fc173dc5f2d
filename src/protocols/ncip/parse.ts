/**
 * Any incoming NCIP body → a typed request, leniently (protocols.md §6 "parse leniently", §8.1; illiad.md §5 (b)
 * 1–2): the NCIP namespace as default, under any prefix, or no namespace at all; `version` qualified, unqualified
 * or absent, any 2.0x URI; a bare NCIP 1 DOCTYPE in front; NCIP 1 element shapes where easy (read.ts); ILLiad's
 * ISO-8859-1 bodies and unescaped `&`s. Whitespace is trimmed and empty elements are `null`; ids, titles and dates
 * are passed through as sent (normalising them is the caller's job, see ids.ts).
 *
 * What cannot be read is an `ok: false` outcome carrying the Problem to answer with (never an exception):
 * - too big, not decodable, not well-formed, entity declarations, too deep/many elements, root not `NCIPMessage`,
 *   no service element → "Invalid Message Syntax Error" (messaging scheme), detail saying why;
 * - a *response* (`…Response`) or a message-level `Problem` sent to us → "Unsupported Service" (general
 *   scheme), message-level (`service: null`): we are a responder and take initiation messages only.
 * An initiation service we do not implement is `ok: true` with `{ service: 'Unsupported', name }`, so the caller
 * can answer "Unsupported Service" inside `<name>Response` with the header echoed.
 */
import { safeParseXml } from '../xml/safe-parse.ts';
import { child, children, childText, elementNames, TEXT_KEY, type XmlValue } from '../xml/tree.ts';
import type { InitiationHeader, NcipRequest, NcipRequestService, ParseOutcome } from './messages.ts';
import { ncipProblem } from './problems.ts';
import { childValue, readBibliographicIds, readHeader, readItemId, readItemIds, readRequestId, readTitleAuthor, readUserId, readValues, type ReadContext } from './read.ts';
import { NCIP_REPEATABLE } from './repeatable.ts';
import { NCIP_NAMESPACE } from './services.ts';

function syntaxError(detail: string, where: { element?: string; value?: string } = {}): ParseOutcome {
  return { ok: false, problem: ncipProblem(null, 'Invalid Message Syntax Error', detail, where), service: null, header: null };
}

/** An element name as it may be echoed: at most 100 characters. */
const clipName = (name: string): string => (name.length > 100 ? `${name.slice(0, 100)}…` : name);

type Reader = (service: XmlValue, header: InitiationHeader, context: ReadContext) => NcipRequest;

const READERS: Readonly<Record<NcipRequestService, Reader>> = {
  AcceptItem: (node, header, context) => ({
    service: 'AcceptItem',
    header,
    requestId: readRequestId(node, context),
    requestedActionType: childValue(node, 'RequestedActionType', context),
    userId: readUserId(node, context),
    itemId: readItemId(node, context),
    dateForReturn: childText(node, 'DateForReturn'),
    pickupLocation: childValue(node, 'PickupLocation', context),
    pickupExpiryDate: childText(node, 'PickupExpiryDate'),
    ...readTitleAuthor(node),
  }),
  CheckInItem: (node, header, context) => ({
    service: 'CheckInItem',
    header,
    userId: readUserId(node, context),
    itemId: readItemId(node, context),
    requestId: readRequestId(node, context),
  }),
  CheckOutItem: (node, header, context) => ({
    service: 'CheckOutItem',
    header,
    userId: readUserId(node, context),
    itemId: readItemId(node, context),
    requestId: readRequestId(node, context),
    desiredDateDue: childText(node, 'DesiredDateDue'),
  }),
  LookupUser: (node, header, context) => ({
    service: 'LookupUser',
    header,
    userId: readUserId(node, context),
    authenticationInputs: children(node, 'AuthenticationInput').flatMap((input) => {
      const value = childText(input, 'AuthenticationInputData');
      return value === null ? [] : [{ type: childValue(input, 'AuthenticationInputType', context), value }];
    }),
    userElementTypes: readValues(node, 'UserElementType', context),
  }),
  RequestItem: (node, header, context) => ({
    service: 'RequestItem',
    header,
    userId: readUserId(node, context),
    requestId: readRequestId(node, context),
    itemIds: readItemIds(node, context),
    bibliographicIds: readBibliographicIds(node, context),
    requestType: childValue(node, 'RequestType', context),
    requestScopeType: childValue(node, 'RequestScopeType', context),
    pickupLocation: childValue(node, 'PickupLocation', context),
    ...readTitleAuthor(node),
  }),
  CancelRequestItem: (node, header, context) => ({
    service: 'CancelRequestItem',
    header,
    userId: readUserId(node, context),
    requestId: readRequestId(node, context),
    itemId: readItemId(node, context),
  }),
  RenewItem: (node, header, context) => ({
    service: 'RenewItem',
    header,
    userId: readUserId(node, context),
    itemId: readItemId(node, context),
    desiredDateDue: childText(node, 'DesiredDateDue'),
  }),
  CreateUserFiscalTransaction: (node, header, context) => {
    const fiscal = child(node, 'FiscalTransactionInformation');
    const amount = child(fiscal, 'Amount');
    const value = childText(amount, 'MonetaryValue');
    return {
      service: 'CreateUserFiscalTransaction',
      header,
      userId: readUserId(node, context),
      fiscalActionType: childValue(fiscal, 'FiscalActionType', context),
      fiscalTransactionType: childValue(fiscal, 'FiscalTransactionType', context),
      amount: value === null ? null : { currency: childValue(amount, 'CurrencyCode', context), value },
      description: childText(fiscal, 'FiscalTransactionDescription'),
    };
  },
};

const isRequestService = (name: string): name is keyof typeof READERS => Object.hasOwn(READERS, name);

/** What the root says about itself, for the audit notes. */
function rootNotes(namespace: string | null, attributes: Readonly<Record<string, string>>, version: string | null): string[] {
  const notes: string[] = [];
  if (namespace === null) notes.push('no namespace: read as NCIP');
  else if (namespace !== NCIP_NAMESPACE) notes.push(`namespace ${namespace} is not NCIP's: read as NCIP`);
  if (version === null) notes.push('no version attribute');
  else if (Object.hasOwn(attributes, 'version')) notes.push('version attribute not namespace-qualified');
  return notes;
}

export interface ParseOptions {
  /** Largest body accepted, in bytes (default 1 MiB). */
  readonly maxBytes?: number;
}

export function parseNcipRequest(body: Buffer, options: ParseOptions = {}): ParseOutcome {
  const parsed = safeParseXml(body, { ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }), isArray: (name) => NCIP_REPEATABLE.has(name) });
  if (!parsed.ok) return syntaxError(parsed.message);
  const { root } = parsed;
  if (root.name !== 'NCIPMessage') {
    const name = clipName(root.name);
    return syntaxError(`the root element is ${name}, not NCIPMessage`, { element: name });
  }

  const version = Object.entries(root.attributes).find(([name]) => name === 'version' || name.endsWith(':version'))?.[1]?.trim() || null;
  const notes = [...parsed.notes, ...rootNotes(root.namespace, root.attributes, version)];
  const names = elementNames(root.content);
  const element = names[0];
  if (element === undefined) return syntaxError('NCIPMessage contains no service element', { element: 'NCIPMessage' });
  // The name goes into the answer (Problem detail and element) and the message log: a peer's 1 MB name is clipped.
  const name = clipName(element);
  if (names.length > 1) notes.push(`elements after ${name} ignored: ${names.slice(1, 11).map(clipName).join(', ')}${names.length > 11 ? ', …' : ''}`);
  if (typeof root.content === 'object' && !Array.isArray(root.content) && root.content[TEXT_KEY] !== undefined) notes.push('stray text in NCIPMessage ignored');

  if (element === 'Problem' || element.endsWith('Response')) {
    const what = name === 'Problem' ? 'a message-level Problem' : `${name}, a response`;
    return {
      ok: false,
      problem: ncipProblem(null, 'Unsupported Service', `this is ${what}; this endpoint takes NCIP initiation messages only`, { element: `NCIPMessage/${name}` }),
      service: null,
      header: null,
    };
  }

  const service = child(root.content, element) ?? '';
  const context: ReadContext = { v1: false };
  const { header, present } = readHeader(service, context);
  if (!present) notes.push('no InitiationHeader');
  const request: NcipRequest = isRequestService(element) ? READERS[element](service, header, context) : { service: 'Unsupported', name, header };
  if (context.v1 || version?.includes('v1_0')) notes.push('NCIP 1 element names read');
  return { ok: true, request, version, notes };
}
