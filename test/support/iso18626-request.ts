/** A peer's ISO 18626 Request to us (US-CSUD, the example's ISIL), as the lending tests post it to /iso18626. */
import type { Iso18626Request } from '../../src/protocols/iso18626/messages.ts';

export const OUR_ISIL = 'US-CSUD';

let counter = 0;

export interface PeerRequestOptions {
  /** The requester's own request id (default: a new REQ-n). */
  readonly id?: string;
  readonly title?: string;
  readonly author?: string;
  /** The supplier it is addressed to (default: us). */
  readonly to?: string;
  readonly note?: string;
  readonly needBeforeDate?: string;
}

/** A Request from `from` (an ISIL) with an ISBN and an OCLC number; each gets its own timestamp. */
export function peerRequest(from: string, options: PeerRequestOptions = {}): Iso18626Request {
  counter++;
  return {
    kind: 'request',
    header: {
      supplyingAgencyId: { type: 'ISIL', value: options.to ?? OUR_ISIL },
      requestingAgencyId: { type: 'ISIL', value: from },
      multipleItemRequestId: null,
      timestamp: new Date(Date.UTC(2026, 10, 28, 12, 0, counter)).toISOString(),
      requestingAgencyRequestId: options.id ?? `REQ-${counter}`,
      supplyingAgencyRequestId: null,
    },
    bibliographicInfo: {
      supplierUniqueRecordId: null, title: options.title ?? 'The Lent Book', author: options.author ?? 'A. Author', subtitle: null, seriesTitle: null, edition: null, titleOfComponent: null,
      authorOfComponent: null, volume: null, issue: null, pagesRequested: null, estimatedNoPages: null, bibliographicItemIds: [{ code: 'ISBN', value: '0306406152' }],
      sponsor: null, informationSource: null, bibliographicRecordIds: [{ code: 'OCLC', value: '0012345678' }],
    },
    publicationInfo: null,
    serviceInfo: { requestType: 'New', requestSubTypes: [], requestingAgencyPreviousRequestId: null, serviceType: 'Loan', serviceLevel: null, preferredFormat: null, needBeforeDate: options.needBeforeDate ?? null, copyrightCompliance: null, anyEdition: null, startDate: null, endDate: null, note: options.note ?? null },
    supplierInfo: [],
    requestedDeliveryInfo: [],
    requestingAgencyInfo: null,
    patronInfo: { patronId: 'P-1', surname: null, givenName: null, patronType: null, sendToPatron: null, addresses: [] },
    billingInfo: null,
  };
}
