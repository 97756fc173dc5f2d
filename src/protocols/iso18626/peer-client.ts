/**
 * Talking to a peer (implements the app's PeerConnector): as requester, the borrowing request as an ISO 18626 v1.2
 * Request and our RequestingAgencyMessages; as supplier, our SupplyingAgencyMessages about a lending request. Each
 * is POSTed as XML and the matching confirmation read back. Network errors, timeouts and 5xx are
 * ILL_ERR_PARTNER_UNAVAILABLE (the job retries); an ERROR confirmation is the peer's refusal.
 */
import type { OutgoingPeerRequest, OutgoingSupplierMessage, PeerConfirmation, PeerConnector } from '../../app/peer-connection.ts';
import { SHARED_SECRET_HEADER } from '../../app/peer-requester.ts';
import { InterlendError } from '../../domain/errors.ts';
import { buildIso18626 } from './build.ts';
import type { Iso18626Confirmation, Iso18626ConfirmationKind, Iso18626Identifier, Iso18626Request, Iso18626SupplyingAgencyMessage } from './messages.ts';
import { parseIso18626 } from './parse.ts';

export const PEER_CALL_TIMEOUT_MS = 15_000;

/** Our request as an ISO 18626 Request: a Loan for a returnable item, a Copy otherwise (protocols.md §8.2). */
export function requestMessage(message: OutgoingPeerRequest, now: Date): Iso18626Request {
  const { request, patron } = message;
  const c = request.citation;
  const itemIds: Iso18626Identifier[] = [
    ...(c.isbn ? [{ code: 'ISBN', value: c.isbn }] : []),
    ...(c.issn ? [{ code: 'ISSN', value: c.issn }] : []),
  ];
  return {
    kind: 'request',
    header: {
      supplyingAgencyId: message.supplier,
      requestingAgencyId: message.requester,
      multipleItemRequestId: null,
      timestamp: now.toISOString(),
      requestingAgencyRequestId: request.id,
      supplyingAgencyRequestId: null,
    },
    bibliographicInfo: {
      supplierUniqueRecordId: null,
      title: c.title,
      author: c.author,
      subtitle: null,
      seriesTitle: null,
      edition: c.edition,
      titleOfComponent: c.articleTitle,
      authorOfComponent: c.articleAuthor,
      volume: c.volume,
      issue: c.issue,
      pagesRequested: c.pages,
      estimatedNoPages: null,
      bibliographicItemIds: itemIds,
      sponsor: null,
      informationSource: null,
      // The OCLC number as a string: leading zeros are part of it.
      bibliographicRecordIds: c.oclcNumber ? [{ code: 'OCLC', value: c.oclcNumber }] : [],
    },
    publicationInfo: c.publisher || c.year || c.placeOfPublication ? { publisher: c.publisher, publicationType: null, publicationDate: c.year, placeOfPublication: c.placeOfPublication } : null,
    serviceInfo: {
      requestType: 'New',
      requestSubTypes: [],
      requestingAgencyPreviousRequestId: null,
      serviceType: request.requestedFormat === 'PHYSICAL' ? 'Loan' : 'Copy',
      serviceLevel: null,
      preferredFormat: null,
      needBeforeDate: request.neededBy ? `${request.neededBy}T23:59:59Z` : null,
      copyrightCompliance: null,
      anyEdition: null,
      startDate: null,
      endDate: null,
      note: request.patronNote,
    },
    supplierInfo: [],
    requestedDeliveryInfo: [],
    requestingAgencyInfo: null,
    patronInfo: { patronId: patron.primaryId, surname: patron.lastName, givenName: patron.firstName, patronType: patron.userGroup, sendToPatron: null, addresses: [] },
    billingInfo: null,
  };
}

/**
 * What we say as supplier, as an ISO 18626 v1.2 SupplyingAgencyMessage. `deliveryInfo` only with a shipment
 * (dateSent is required in it); a Loaned item goes by Mail unless staff said otherwise, and its loan conditions go
 * in `loanCondition` as well as in the note of the conditional offer that came before.
 */
export function supplierMessage(message: OutgoingSupplierMessage, now: Date): Iso18626SupplyingAgencyMessage {
  const delivery = message.delivery;
  return {
    kind: 'supplyingAgencyMessage',
    header: {
      supplyingAgencyId: message.supplier,
      requestingAgencyId: message.requester,
      multipleItemRequestId: null,
      timestamp: now.toISOString(),
      requestingAgencyRequestId: message.requesterRequestId,
      supplyingAgencyRequestId: message.supplierRequestId,
    },
    messageInfo: {
      reasonForMessage: message.reasonForMessage,
      answerYesNo: message.answerYesNo,
      note: message.note,
      reasonUnfilled: message.reasonUnfilled,
      reasonRetry: null,
      offeredCosts: null,
      retryAfter: null,
      retryBefore: null,
    },
    statusInfo: { status: message.status, expectedDeliveryDate: null, dueDate: message.dueDate, lastChange: message.lastChange },
    deliveryInfo: delivery && {
      dateSent: delivery.dateSent,
      itemId: delivery.itemId,
      sentVia: delivery.sentVia,
      sentToPatron: null,
      loanCondition: delivery.loanCondition,
      deliveredFormat: null,
      deliveryCosts: null,
    },
    returnInfo: null,
  };
}

/**
 * POSTs one message and reads the confirmation of the expected kind: OK or ERROR. Network errors, timeouts, 5xx
 * and an answer that is not that confirmation are ILL_ERR_PARTNER_UNAVAILABLE.
 */
async function exchange(url: string, xml: string, expected: Iso18626ConfirmationKind, label: string, onCall: (line: string) => void, sharedSecret: string | undefined): Promise<PeerConfirmation> {
  const started = performance.now();
  const report = (outcome: string) => onCall(`ISO 18626 ${label} → ${outcome} (${Math.round(performance.now() - started)} ms)`);
  let response: Response;
  let body: Buffer;
  try {
    const headers: Record<string, string> = { 'Content-Type': 'application/xml; charset=utf-8' };
    if (sharedSecret !== undefined) headers[SHARED_SECRET_HEADER] = sharedSecret;
    response = await fetch(url, { method: 'POST', headers, body: xml, signal: AbortSignal.timeout(PEER_CALL_TIMEOUT_MS) });
    body = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    const detail = (error as Error).name === 'TimeoutError' ? `no answer within ${PEER_CALL_TIMEOUT_MS / 1000} s` : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
    report(`no answer: ${detail}`);
    throw new InterlendError('ILL_ERR_PARTNER_UNAVAILABLE', `${label}: no answer (${detail})`);
  }
  if (response.status >= 500 || response.status === 408 || response.status === 429) {
    report(`HTTP ${response.status}`);
    throw new InterlendError('ILL_ERR_PARTNER_UNAVAILABLE', `${label}: HTTP ${response.status}`);
  }
  const parsed = parseIso18626(body);
  if (!parsed.ok || parsed.message.kind !== expected) {
    if (response.status >= 400) {
      report(`HTTP ${response.status}`);
      return { ok: false, errorType: 'BadlyFormedMessage', errorValue: `HTTP ${response.status}: ${body.toString('utf8').slice(0, 200)}` };
    }
    report(`HTTP ${response.status}, not a ${expected}`);
    throw new InterlendError('ILL_ERR_PARTNER_UNAVAILABLE', `${label}: the answer is not a ${expected}`);
  }
  const { header, errorData } = parsed.message as Iso18626Confirmation;
  if (header.messageStatus === 'OK') {
    report('OK');
    return { ok: true };
  }
  report(`ERROR ${errorData?.errorType ?? ''}`.trim());
  return { ok: false, errorType: errorData?.errorType ?? 'ERROR', errorValue: errorData?.errorValue ?? null };
}

export const connectPeer: PeerConnector = (url, options) => ({
  sendRequest: (message) => exchange(url, buildIso18626(requestMessage(message, new Date())), 'requestConfirmation', `Request to ${message.supplier.value}`, options.onCall, options.sharedSecret),
  sendAction: (message) =>
    exchange(
      url,
      buildIso18626({
        kind: 'requestingAgencyMessage',
        header: {
          supplyingAgencyId: message.supplier,
          requestingAgencyId: message.requester,
          multipleItemRequestId: null,
          timestamp: new Date().toISOString(),
          requestingAgencyRequestId: message.requestId,
          supplyingAgencyRequestId: null,
        },
        action: message.action,
        note: message.note,
      }),
      'requestingAgencyMessageConfirmation',
      `${message.action} to ${message.supplier.value}`,
      options.onCall,
      options.sharedSecret,
    ),
  sendSupplierMessage: (message) =>
    exchange(
      url,
      buildIso18626(supplierMessage(message, new Date())),
      'supplyingAgencyMessageConfirmation',
      `${message.reasonForMessage} ${message.status}${message.answerYesNo ? ` ${message.answerYesNo}` : ''} to ${message.requester.value}`,
      options.onCall,
      options.sharedSecret,
    ),
});
