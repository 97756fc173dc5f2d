/**
 * `POST /iso18626` (issue 6, item 4): bytes in, a confirmation out. A SupplyingAgencyMessage about one of our
 * borrowing requests is applied (requester side); lending to peers is not built yet, so an incoming Request or
 * RequestingAgencyMessage is answered with an ERROR confirmation saying so. Semantic errors are ERROR
 * confirmations (HTTP 200) with the standard errorData types; a body that is not ISO 18626 at all is HTTP 400.
 */
import { type PeerRequester, SHARED_SECRET_HEADER } from '../../app/peer-requester.ts';
import { InterlendError } from '../../domain/errors.ts';
import { buildIso18626 } from './build.ts';
import { confirmationForFailure, errorConfirmation, okConfirmation } from './confirmations.ts';
import type { Iso18626Confirmation } from './messages.ts';
import { parseIso18626 } from './parse.ts';
import { normaliseSupplierMessage, vendorOf } from './shims.ts';

export const ISO18626_MAX_BYTES = 1024 * 1024;

export interface Iso18626Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const xml = (confirmation: Iso18626Confirmation): Iso18626Answer => ({ status: 200, contentType: 'application/xml; charset=utf-8', body: buildIso18626(confirmation) });
const plain = (status: number, text: string): Iso18626Answer => ({ status, contentType: 'text/plain; charset=utf-8', body: text });

export function createIso18626Responder(deps: { peers: PeerRequester; onFault?: (error: unknown) => void }): (body: Buffer, headers?: Readonly<Record<string, string | undefined>>) => Promise<Iso18626Answer> {
  return async (body, headers = {}) => {
    const parsed = parseIso18626(body, { maxBytes: ISO18626_MAX_BYTES });
    if (!parsed.ok) {
      const confirmation = confirmationForFailure(parsed);
      return confirmation ? xml(confirmation) : plain(400, `not an ISO 18626 message: ${parsed.errorValue}`);
    }
    const message = parsed.message;
    switch (message.kind) {
      case 'supplyingAgencyMessage':
        try {
          // Known vendor quirks first (shims.ts), told by the sender's configured address.
          const vendor = vendorOf((await deps.peers.peerAddress(message.header.supplyingAgencyId?.value)) ?? '');
          const sam = normaliseSupplierMessage(message, vendor);
          await deps.peers.supplierMessage({
            sharedSecret: headers[SHARED_SECRET_HEADER] ?? null,
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
          if (!(error instanceof InterlendError)) deps.onFault?.(error);
          const detail = error instanceof InterlendError ? error.message : 'a fault here; send the message again';
          return xml(errorConfirmation(message, { errorType: 'UnrecognisedDataValue', errorValue: detail }));
        }
      case 'request':
      case 'requestingAgencyMessage':
        return xml(errorConfirmation(message, { errorType: 'UnrecognisedDataValue', errorValue: 'this library does not lend over ISO 18626 yet' }));
      default:
        return plain(400, 'a confirmation answers a message; it is not one');
    }
  };
}
