/**
 * The standard Problem Type wordings and their scheme URIs (illiad.md §3.3; protocols.md §8.1, which checked them
 * against NCIP 2.02 Appendix A and the XC NCIP2 Toolkit's `Version1*ProcessingError` / `Scheme` classes). NCIP 2
 * reuses the NCIP 1 scheme URIs. Use these exact strings: ILLiad routes its errors by substring (illiad.md §2.4).
 *
 * Not standard, so deliberately absent: "Unknown Service" (NCIP 1 only; use "Unsupported Service"), "User Unknown"
 * (NCIP 1 wording that ILLiad also matches), "Duplicate Item", and "User Blocked" for AcceptItem (illiad.md §3.3:
 * say "Cannot Accept Item" with a detail instead).
 */
import type { NcipProblem } from './messages.ts';

const PROCESSING = 'http://www.niso.org/ncip/v1_0/schemes/processingerrortype/';

export const MESSAGING_ERROR_SCHEME = 'http://www.niso.org/ncip/v1_0/schemes/messagingerrortype/messagingerrortype.scm';
export const GENERAL_PROCESSING_ERROR_SCHEME = `${PROCESSING}generalprocessingerror.scm`;

/** Messaging errors: the message itself could not be taken (protocols.md §8.1). */
export const MESSAGING_ERRORS = [
  'Invalid Message Syntax Error',
  'Protocol Error',
  'Unknown Element',
  'Unknown Scheme',
  'Unknown Value From Known Scheme',
] as const;

/** General processing errors, valid in any service (illiad.md §3.3). */
export const GENERAL_PROCESSING_ERRORS = [
  'Agency Authentication Failed',
  'Invalid Amount',
  'Invalid Date',
  'Needed Data Missing',
  'System Authentication Failed',
  'Temporary Processing Failure',
  'Unauthorized Combination Of Element Values For Agency/System',
  'Unauthorized Service For Agency/System',
  'Unknown Agency',
  'Unknown System',
  'Unsupported Service',
] as const;

/** Per-service processing errors and their schemes (illiad.md §3.3 for the first four, protocols.md §8.1 for the rest). */
export const SERVICE_PROCESSING_ERRORS = {
  AcceptItem: {
    scheme: `${PROCESSING}acceptitemprocessingerror.scm`,
    types: ['Cannot Accept Item', 'Cannot Guarantee Restrictions On Use', 'Element Rule Violated', 'Unknown Item', 'Unknown Request', 'Unknown User', 'User Ineligible To Check Out This Item'],
  },
  CheckInItem: {
    scheme: `${PROCESSING}checkinitemprocessingerror.scm`,
    types: ['Item Not Checked Out', 'Unknown Item'],
  },
  CheckOutItem: {
    scheme: `${PROCESSING}checkoutitemprocessingerror.scm`,
    types: [
      'Item Does Not Circulate',
      'Maximum Check Outs Exceeded',
      'Resource Cannot Be Provided',
      'Unknown Item',
      'Unknown Request',
      'Unknown User',
      'Unsupported Shipping Address Type',
      'User Authentication Failed',
      'User Blocked',
      'User Ineligible To Check Out This Item',
    ],
  },
  LookupUser: {
    scheme: `${PROCESSING}lookupuserprocessingerror.scm`,
    types: ['Element Rule Violated', 'Non-Unique User', 'Unknown User', 'User Access Denied', 'User Authentication Failed'],
  },
  RequestItem: {
    scheme: `${PROCESSING}requestitemprocessingerror.scm`,
    types: [
      'Duplicate Request',
      'Element Rule Violated',
      'Item Does Not Circulate',
      'Item Not Available By Need Before Date',
      'Unknown Item',
      'Unknown User',
      'User Authentication Failed',
      'User Blocked',
      'User Ineligible To Request This Item',
    ],
  },
  CancelRequestItem: {
    scheme: `${PROCESSING}cancelrequestitemprocessingerror.scm`,
    types: ['Element Rule Violated', 'Request Already Processed', 'Unknown Item', 'Unknown Request', 'Unknown User', 'User Authentication Failed'],
  },
  RenewItem: {
    scheme: `${PROCESSING}renewitemprocessingerror.scm`,
    types: [
      'Item Not Checked Out',
      'Item Not Renewable',
      'Maximum Renewals Exceeded',
      'Renewal Not Allowed - Item Has Outstanding Requests',
      'Unknown Item',
      'Unknown User',
      'User Authentication Failed',
      'User Blocked',
      'User Ineligible To Renew This Item',
    ],
  },
} as const;

type ServiceErrors = typeof SERVICE_PROCESSING_ERRORS;
export type MessagingErrorType = (typeof MESSAGING_ERRORS)[number];
export type GeneralProcessingErrorType = (typeof GENERAL_PROCESSING_ERRORS)[number];
/** The Problem types a service may answer with: its own, the general ones, the messaging ones. */
export type ProblemTypeFor<S extends keyof ServiceErrors> = ServiceErrors[S]['types'][number] | GeneralProcessingErrorType | MessagingErrorType;

const includes = (list: readonly string[], value: string) => list.includes(value);

/**
 * The scheme URI for a Problem type in a service: the service's own scheme when the type is one of its values, else
 * the general or messaging scheme; `undefined` for a non-standard wording (it is then sent without a Scheme).
 */
export function problemScheme(service: string | null, type: string): string | undefined {
  const own = service !== null && Object.hasOwn(SERVICE_PROCESSING_ERRORS, service) ? SERVICE_PROCESSING_ERRORS[service as keyof ServiceErrors] : undefined;
  if (own && includes(own.types, type)) return own.scheme;
  if (includes(GENERAL_PROCESSING_ERRORS, type)) return GENERAL_PROCESSING_ERROR_SCHEME;
  if (includes(MESSAGING_ERRORS, type)) return MESSAGING_ERROR_SCHEME;
  return undefined;
}

/** A Problem with its scheme filled in from the tables above. */
export function ncipProblem(service: string | null, type: string, detail: string, where: { element?: string; value?: string } = {}): NcipProblem {
  const scheme = problemScheme(service, type);
  return { type, ...(scheme === undefined ? {} : { scheme }), detail, ...where };
}

/**
 * Substrings ILLiad's add-on looks for in a response body to decide it failed (illiad.md §2.4, §5 (b) 10): a
 * success body must contain none of them, so never echo free text (titles, notes) into one.
 */
export const ILLIAD_FAILURE_MARKERS = ['Problem', 'Unknown', 'Not Checked Out', 'Ineligible', 'Authentication Failed', 'Service is not known'] as const;

/** The failure markers present in a body (empty for a body ILLiad would file as a success). */
export function illiadFailureMarkers(body: string): string[] {
  return ILLIAD_FAILURE_MARKERS.filter((marker) => body.includes(marker));
}
