/**
 * `POST /iso18626` (issue 6, item 4): bytes in, a confirmation out. A SupplyingAgencyMessage about one of our
 * borrowing requests is applied (requester side, PeerRequester); a Request makes a lending request and a
 * RequestingAgencyMessage acts on one (supplier side, LendingService). Semantic errors are ERROR confirmations
 * (HTTP 200) with the standard errorData types; a body that is not ISO 18626 at all is HTTP 400.
 *
 * errorData (ISO 18626 §4.10 as protocols.md §5.3 paraphrases it; the XSD spelling): an action outside the closed
 * list or one we do not handle is UnsupportedActionType with the action as value; everything else the use cases
 * refuse (an unknown agency or request, a wrong secret, a duplicate request id, an action that does not fit the
 * request's status) is UnrecognisedDataValue with "element: what is wrong" as value; a message missing its parts
 * was already answered BadlyFormedMessage by the parser (confirmations.ts).
 */
import { createHash } from 'node:crypto';
import type { IncomingLendingRequest, LendingService } from '../../app/lending-service.ts';
import { type PeerRequester, SHARED_SECRET_HEADER } from '../../app/peer-requester.ts';
import { InterlendError } from '../../domain/errors.ts';
import { buildIso18626 } from './build.ts';
import { type Iso18626Confirmable, type Iso18626ErrorInput, confirmationForFailure, errorConfirmation, okConfirmation } from './confirmations.ts';
import type { Iso18626Confirmation, Iso18626Identifier, Iso18626Request } from './messages.ts';
import { parseIso18626 } from './parse.ts';
import { normaliseSupplierMessage, vendorOf } from './shims.ts';
import { isIso18626Action } from './vocabulary.ts';

export const ISO18626_MAX_BYTES = 1024 * 1024;

export interface Iso18626Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Our database down (a restart, an outage): HTTP 503 with Retry-After, not an ERROR confirmation. ISO 18626 has no
 * errorType for "try again later" (§4.10: UnsupportedActionType, UnsupportedReasonForMessageType,
 * UnrecognisedDataElement, UnrecognisedDataValue, BadlyFormedMessage all say the message is wrong), and peers file an
 * ERROR as a refusal; a 5xx is what they (and our own client, peer-client.ts) send again.
 */
const TRY_AGAIN: Iso18626Answer = {
  status: 503,
  contentType: 'text/plain; charset=utf-8',
  body: 'the library system is briefly unavailable (its database is not answering); send the message again shortly',
  headers: { 'retry-after': '5' },
};

const xml = (confirmation: Iso18626Confirmation): Iso18626Answer => ({ status: 200, contentType: 'application/xml; charset=utf-8', body: buildIso18626(confirmation) });
const plain = (status: number, text: string): Iso18626Answer => ({ status, contentType: 'text/plain; charset=utf-8', body: text });

/** The first identifier whose code names the scheme, as sent (leading zeros kept). */
const identifierOf = (ids: readonly Iso18626Identifier[], code: RegExp): string | null => ids.find((id) => code.test(id.code ?? ''))?.value ?? null;

/**
 * A digest of the Request without its timestamp (which a resending peer renews): two Requests with one id and
 * the same digest are the same request sent twice, answered OK; a different digest is a duplicate id.
 */
export function requestFingerprint(message: Iso18626Request): string {
  return createHash('sha256')
    .update(JSON.stringify({ ...message, header: { ...message.header, timestamp: null } }))
    .digest('hex');
}

/** A Request as the lending use case takes it. */
export function incomingRequest(message: Iso18626Request, sharedSecret: string | null): IncomingLendingRequest {
  const bib = message.bibliographicInfo;
  const publication = message.publicationInfo;
  const service = message.serviceInfo;
  return {
    sharedSecret,
    requester: message.header.requestingAgencyId,
    supplier: message.header.supplyingAgencyId,
    requesterRequestId: message.header.requestingAgencyRequestId,
    requestType: service?.requestType ?? null,
    citation: {
      title: bib.title,
      author: bib.author,
      subtitle: bib.subtitle,
      edition: bib.edition,
      publisher: publication?.publisher ?? null,
      placeOfPublication: publication?.placeOfPublication ?? null,
      year: publication?.publicationDate ?? null,
      volume: bib.volume,
      issue: bib.issue,
      pages: bib.pagesRequested,
      articleTitle: bib.titleOfComponent,
      articleAuthor: bib.authorOfComponent,
      isbn: identifierOf(bib.bibliographicItemIds, /^isbn$/i),
      issn: identifierOf(bib.bibliographicItemIds, /^issn$/i),
      oclcNumber: identifierOf(bib.bibliographicRecordIds, /oclc/i),
      supplierUniqueRecordId: bib.supplierUniqueRecordId,
    },
    serviceType: service?.serviceType ?? null,
    serviceLevel: service?.serviceLevel ?? null,
    needBefore: service?.needBeforeDate ?? null,
    note: service?.note ?? null,
    patronReference: message.patronInfo?.patronId ?? null,
    fingerprint: requestFingerprint(message),
  };
}

export function createIso18626Responder(deps: {
  peers: PeerRequester;
  /** The supplier side; without it Requests and RequestingAgencyMessages are refused (this server does not lend). */
  lending?: LendingService;
  onFault?: (error: unknown) => void;
}): (body: Buffer, headers?: Readonly<Record<string, string | undefined>>, from?: { readonly remoteAddress?: string }) => Promise<Iso18626Answer> {
  /** The ERROR confirmation for a refusal; a fault of ours (not an InterlendError) is reported and answered too. */
  const refusal = (message: Iso18626Confirmable, error: unknown, action?: string): Iso18626Answer => {
    if (error instanceof InterlendError && error.code === 'ILL_ERR_DATABASE_UNAVAILABLE') return TRY_AGAIN;
    if (!(error instanceof InterlendError)) deps.onFault?.(error);
    const data: Iso18626ErrorInput =
      error instanceof InterlendError && error.code === 'ILL_ERR_UNSUPPORTED_SERVICE'
        ? { errorType: 'UnsupportedActionType', errorValue: action ?? error.message }
        : { errorType: 'UnrecognisedDataValue', errorValue: error instanceof InterlendError ? error.message : 'a fault here; send the message again' };
    return xml(errorConfirmation(message, data));
  };
  return async (body, headers = {}, from = {}) => {
    const parsed = parseIso18626(body, { maxBytes: ISO18626_MAX_BYTES });
    if (!parsed.ok) {
      const confirmation = confirmationForFailure(parsed);
      return confirmation ? xml(confirmation) : plain(400, `not an ISO 18626 message: ${parsed.errorValue}`);
    }
    const message = parsed.message;
    const sharedSecret = headers[SHARED_SECRET_HEADER] ?? null;
    const sourceAddress = from.remoteAddress ?? null;
    switch (message.kind) {
      case 'supplyingAgencyMessage':
        try {
          // Known vendor quirks first (shims.ts), told by the sender's configured address.
          const vendor = vendorOf((await deps.peers.peerAddress(message.header.supplyingAgencyId?.value)) ?? '');
          const sam = normaliseSupplierMessage(message, vendor);
          await deps.peers.supplierMessage({
            sharedSecret,
            sourceAddress,
            supplier: sam.header.supplyingAgencyId,
            requestId: sam.header.requestingAgencyRequestId,
            status: sam.statusInfo.status,
            reasonForMessage: sam.messageInfo.reasonForMessage,
            reasonUnfilled: sam.messageInfo.reasonUnfilled,
            reasonRetry: sam.messageInfo.reasonRetry,
            note: sam.messageInfo.note,
            dueDate: sam.statusInfo.dueDate,
          });
          return xml(okConfirmation(message));
        } catch (error) {
          return refusal(message, error);
        }
      case 'request':
        if (!deps.lending) return xml(errorConfirmation(message, { errorType: 'UnrecognisedDataValue', errorValue: 'this server does not lend over ISO 18626' }));
        try {
          await deps.lending.receiveRequest({ ...incomingRequest(message, sharedSecret), sourceAddress });
          return xml(okConfirmation(message));
        } catch (error) {
          return refusal(message, error);
        }
      case 'requestingAgencyMessage': {
        // Outside the v1.2 closed list (a 2021 HoldReturn or Lost, or anything else): the action is the value.
        if (!isIso18626Action(message.action)) return xml(errorConfirmation(message, { errorType: 'UnsupportedActionType', errorValue: message.action ?? '' }));
        if (!deps.lending) return xml(errorConfirmation(message, { errorType: 'UnrecognisedDataValue', errorValue: 'this server does not lend over ISO 18626' }));
        try {
          await deps.lending.receiveRequesterMessage({
            sharedSecret,
            sourceAddress,
            requester: message.header.requestingAgencyId,
            supplier: message.header.supplyingAgencyId,
            requesterRequestId: message.header.requestingAgencyRequestId,
            supplierRequestId: message.header.supplyingAgencyRequestId,
            action: message.action,
            note: message.note,
          });
          return xml(okConfirmation(message));
        } catch (error) {
          return refusal(message, error, message.action);
        }
      }
      default:
        return plain(400, 'a confirmation answers a message; it is not one');
    }
  };
}
