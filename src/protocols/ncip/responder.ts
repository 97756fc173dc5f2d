/**
 * The NCIP responder: bytes in, NCIP 2.02 out, always (illiad.md §5 (b); design.md decision 8). Parses leniently,
 * runs the use case, answers with the ids echoed and nothing else, turns our errors into the standard Problem
 * types, and logs every message with its answer. It never throws: a fault of ours is a "Temporary Processing
 * Failure" Problem, so ILLiad's add-on files it instead of losing it.
 */
import type { IdCandidates, NcipCaller, NcipService } from '../../app/ncip-service.ts';
import type { Clock, IdSource, NcipMessageRecord, Storage } from '../../app/ports.ts';
import { type ErrorCode, InterlendError } from '../../domain/errors.ts';
import { decodeXml } from '../xml/decode.ts';
import { xmlSafeChars } from '../xml/escape.ts';
import { buildNcipResponse } from './build.ts';
import { transactionNumberCandidates } from './ids.ts';
import type { NcipId, NcipProblem, NcipRequest, NcipResponse, ResponseHeader } from './messages.ts';
import { parseNcipRequest } from './parse.ts';
import { ncipProblem } from './problems.ts';

/** The largest message read (ILLiad's are about 1 KB). */
export const NCIP_MAX_BYTES = 1024 * 1024;
/** What the message log keeps of a body. */
const AUDIT_MAX_CHARS = 64 * 1024;
/** Message log lines written in one statement at most. */
const LOG_BATCH = 100;

export interface NcipResponderDeps {
  readonly service: NcipService;
  readonly storage: Storage;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** Faults of ours, for the server log. */
  readonly onFault?: (error: unknown) => void;
}

type Answer = { response: NcipResponse; borrowingRequest: string | null; partner: string | null };

const candidates = (id: NcipId | null): IdCandidates | null => (id ? { sent: id.value, candidates: transactionNumberCandidates(id.value) } : null);

/** Our error codes as NCIP Problem types, per service where the standard words differ (illiad.md §3.3). */
function problemType(service: string, code: ErrorCode): string {
  switch (code) {
    case 'ILL_ERR_UNKNOWN_AGENCY':
      return 'Unknown Agency';
    case 'ILL_ERR_UNKNOWN_USER':
      return 'Unknown User';
    case 'ILL_ERR_UNKNOWN_ITEM':
      return 'Unknown Item';
    case 'ILL_ERR_UNKNOWN_REQUEST':
      return 'Unknown Request';
    case 'ILL_ERR_ITEM_NOT_CHECKED_OUT':
      return 'Item Not Checked Out';
    case 'ILL_ERR_USER_AUTHENTICATION_FAILED':
      return 'User Authentication Failed';
    case 'ILL_ERR_UNSUPPORTED_SERVICE':
      return 'Unsupported Service';
    case 'ILL_ERR_USER_BLOCKED':
      return service === 'AcceptItem' ? 'User Ineligible To Check Out This Item' : service === 'LookupUser' ? 'User Access Denied' : 'User Blocked';
    case 'ILL_ERR_VALIDATION':
    case 'ILL_ERR_BAD_REQUEST':
    case 'ILL_ERR_REFERENCE_NOT_FOUND':
      return 'Needed Data Missing';
    case 'ILL_ERR_CONFLICT':
    case 'ILL_ERR_DUPLICATE':
    case 'ILL_ERR_NOT_ALLOWED':
    case 'ILL_ERR_INVALID_TRANSITION':
      return (
        { AcceptItem: 'Cannot Accept Item', CheckOutItem: 'Resource Cannot Be Provided', CancelRequestItem: 'Request Already Processed', RenewItem: 'Item Not Renewable', RequestItem: 'Duplicate Request' }[service] ??
        'Temporary Processing Failure'
      );
    default:
      return 'Temporary Processing Failure';
  }
}

function sentValue(request: NcipRequest, path: string): string | undefined {
  const r = request as Partial<Record<'userId' | 'itemId' | 'requestId', { value: string } | null>>;
  if (path.startsWith('UserId')) return r.userId?.value;
  if (path.startsWith('ItemId')) return r.itemId?.value;
  if (path.startsWith('RequestId')) return r.requestId?.value;
  if (path.endsWith('ApplicationProfileType')) return request.header.applicationProfileType ?? undefined;
  if (path.endsWith('ToAgencyId')) return request.header.toAgencyId ?? undefined;
  return undefined;
}

export function createNcipResponder(deps: NcipResponderDeps): (body: Buffer, refusal?: string) => Promise<string> {
  const { service } = deps;

  async function answer(request: Exclude<NcipRequest, { service: 'Unsupported' }>, header: ResponseHeader): Promise<Answer> {
    const caller: NcipCaller = request.header;
    const partner = request.header.applicationProfileType;
    const ours = header.fromAgencyId;
    switch (request.service) {
      case 'AcceptItem': {
        const done = await service.acceptItem(caller, {
          requestId: candidates(request.requestId),
          itemId: candidates(request.itemId),
          userId: request.userId?.value ?? null,
          dateForReturn: request.dateForReturn,
          pickupLocation: request.pickupLocation,
          pickupExpiryDate: request.pickupExpiryDate,
          requestedActionType: request.requestedActionType,
          title: request.title,
          author: request.author,
        });
        const requestId = request.requestId ?? { agencyId: ours, value: done.requestId };
        return { partner, borrowingRequest: done.borrowingRequest, response: { service: 'AcceptItem', header, requestId, itemId: request.itemId } };
      }
      case 'CheckInItem': {
        const done = await service.checkInItem(caller, { itemId: candidates(request.itemId) });
        return { partner, borrowingRequest: done.borrowingRequest, response: { service: 'CheckInItem', header, itemId: request.itemId ?? { agencyId: ours, value: done.barcode } } };
      }
      case 'CheckOutItem': {
        const done = await service.checkOutItem(caller, { itemId: candidates(request.itemId), userId: request.userId?.value ?? null, requestId: request.requestId?.value ?? null, desiredDateDue: request.desiredDateDue });
        return {
          partner,
          borrowingRequest: done.borrowingRequest,
          response: { service: 'CheckOutItem', header, itemId: request.itemId ?? { agencyId: ours, value: done.barcode }, userId: request.userId ?? { agencyId: ours, type: null, value: done.borrower }, dateDue: done.dueDate },
        };
      }
      case 'RenewItem': {
        const done = await service.renewItem(caller, { itemId: candidates(request.itemId), desiredDateDue: request.desiredDateDue });
        return { partner, borrowingRequest: done.borrowingRequest, response: { service: 'RenewItem', header, itemId: request.itemId ?? { agencyId: ours, value: done.barcode }, dateDue: done.dueDate } };
      }
      case 'LookupUser': {
        const done = await service.lookupUser(caller, { userId: request.userId?.value ?? null, authenticationInputs: request.authenticationInputs });
        const asked = new Set(request.userElementTypes.map((t) => t.toLowerCase()));
        const { patron } = done;
        return {
          partner,
          borrowingRequest: null,
          response: {
            service: 'LookupUser',
            header,
            userId: request.userId ?? { agencyId: ours, type: null, value: patron.primaryId },
            ...(asked.has('name information') ? { name: { first: patron.firstName, last: patron.lastName } } : {}),
            ...(asked.has('user address information') ? { email: patron.email } : {}),
            ...(asked.has('user privilege') ? { privilege: { agencyId: ours, type: patron.userGroup, status: done.blocked ? 'BLOCKED' : 'ACTIVE' } } : {}),
            ...(asked.has('block or trap') ? { blocks: patron.blocks.map((b) => b.code) } : {}),
          },
        };
      }
      case 'RequestItem': {
        const done = await service.requestItem(caller, {
          userId: request.userId?.value ?? null,
          requestId: request.requestId?.value ?? null,
          bibliographicIds: request.bibliographicIds,
          title: request.title,
          author: request.author,
          pickupLocation: request.pickupLocation,
        });
        return {
          partner,
          borrowingRequest: done.borrowingRequest,
          response: {
            service: 'RequestItem',
            header,
            requestId: request.requestId ?? { agencyId: ours, value: done.requestId },
            userId: request.userId ?? { agencyId: ours, type: null, value: done.patron },
            requestType: request.requestType ?? 'Loan',
            requestScopeType: request.requestScopeType ?? 'Bibliographic Item',
          },
        };
      }
      case 'CancelRequestItem': {
        const done = await service.cancelRequestItem(caller, { requestId: candidates(request.requestId), itemId: candidates(request.itemId) });
        return {
          partner,
          borrowingRequest: done.borrowingRequest,
          response: { service: 'CancelRequestItem', header, requestId: request.requestId ?? { agencyId: ours, value: done.requestId }, itemId: request.itemId, userId: request.userId ?? { agencyId: ours, type: null, value: '' } },
        };
      }
      case 'CreateUserFiscalTransaction': {
        const done = await service.createUserFiscalTransaction(caller, { userId: request.userId?.value ?? null });
        return {
          partner,
          borrowingRequest: null,
          response: { service: 'CreateUserFiscalTransaction', header, userId: request.userId ?? { agencyId: ours, type: null, value: done.patron }, fiscalTransactionReference: done.reference ?? deps.ids.newId() },
        };
      }
    }
  }

  // The message log is written in batches: a message waits until its line is stored (nothing is lost), but the
  // messages that arrive while one batch is written share the next one, and its commit.
  let pending: NcipMessageRecord[] = [];
  let writing: Promise<void> | undefined;
  let scheduled: Promise<void> | undefined;
  async function writeBatches(): Promise<void> {
    while (pending.length) {
      const batch = pending.slice(0, LOG_BATCH);
      pending = pending.slice(LOG_BATCH);
      try {
        await deps.storage.read.ncipMessages.insertAll(batch);
      } catch (error) {
        // The answer matters more than its log line: a log that cannot be written is reported, not fatal.
        deps.onFault?.(error);
      }
    }
  }

  function log(entry: { at: string; started: number; partner: string | null; service: string | null; borrowingRequest: string | null; body: Buffer; xml: string; problem: NcipProblem | null }): Promise<void> {
    const decoded = decodeXml(entry.body.subarray(0, AUDIT_MAX_CHARS));
    pending.push({
      id: deps.ids.newId(),
      at: entry.at,
      partner: entry.partner,
      service: entry.service,
      borrowingRequest: entry.borrowingRequest,
      outcome: entry.problem ? 'problem' : 'success',
      problem: entry.problem?.type ?? null,
      durationMs: Math.round(performance.now() - entry.started),
      // As read (safe-parse.ts): a NUL in the body would make PostgreSQL refuse the log line.
      requestBody: xmlSafeChars(decoded.ok ? decoded.text : entry.body.subarray(0, AUDIT_MAX_CHARS).toString('latin1')).slice(0, AUDIT_MAX_CHARS),
      responseBody: entry.xml.slice(0, AUDIT_MAX_CHARS),
    });
    // Written on the next turn of the event loop, with every line that arrived meanwhile: one statement (and
    // commit) for the messages answered together.
    scheduled ??= new Promise<void>((resolve) => {
      setImmediate(() => {
        scheduled = undefined;
        // After the batch before it, so lines are written in the order the messages were answered.
        const mine = (writing ?? Promise.resolve()).then(writeBatches);
        writing = mine;
        void mine.finally(() => {
          if (writing === mine) writing = undefined;
          resolve();
        });
      });
    });
    return scheduled;
  }

  return async function respond(body: Buffer, refusal?: string): Promise<string> {
    const started = performance.now();
    const at = deps.clock.now();
    let ours = 'INTERLEND';
    try {
      ours = await service.institutionCode();
    } catch (error) {
      deps.onFault?.(error);
    }
    const messageProblem = async (problem: NcipProblem, serviceName: string | null, to: string | null) => {
      const xml = buildNcipResponse({ service: serviceName ?? 'NCIPMessage', header: to ? { fromAgencyId: ours, toAgencyId: to } : null, problems: [problem] });
      await log({ at, started, partner: null, service: serviceName, borrowingRequest: null, body, xml, problem });
      return xml;
    };
    if (refusal) return messageProblem(ncipProblem(null, 'Invalid Message Syntax Error', refusal), null, null);
    if (body.length === 0) {
      // A GET, or an empty POST: the liveness envelope brokers use (protocols.md §8.1), a message-level Problem.
      return messageProblem(ncipProblem(null, 'Invalid Message Syntax Error', 'the message is empty'), null, null);
    }
    const parsed = parseNcipRequest(body, { maxBytes: NCIP_MAX_BYTES });
    if (!parsed.ok) return messageProblem(parsed.problem, parsed.service, parsed.header?.fromAgencyId ?? null);
    const request = parsed.request;
    const header: ResponseHeader = { fromAgencyId: ours, toAgencyId: request.header.fromAgencyId };
    const serviceName = request.service === 'Unsupported' ? request.name : request.service;
    let result: Answer;
    let problem: NcipProblem | null = null;
    if (request.service === 'Unsupported') {
      problem = ncipProblem(null, 'Unsupported Service', `${request.name} is not a service this library answers`, { element: `//${request.name}` });
      result = { partner: request.header.applicationProfileType, borrowingRequest: null, response: { service: request.name, header, problems: [problem] } };
    } else {
      try {
        result = await answer(request, header);
      } catch (error) {
        if (!(error instanceof InterlendError)) deps.onFault?.(error);
        const known = error instanceof InterlendError ? error : new InterlendError('ILL_ERR_INTERNAL', 'the message could not be processed because of a fault here; it can be sent again');
        const path = known.problems[0]?.path ?? '';
        const value = path ? sentValue(request, path) : undefined;
        const type = problemType(request.service, known.code);
        const detail = known.problems.length ? known.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ') : known.message;
        problem = ncipProblem(request.service, type, detail, { ...(path ? { element: `//${request.service}/${path}` } : {}), ...(value ? { value } : {}) });
        result = { partner: request.header.applicationProfileType, borrowingRequest: null, response: { service: request.service, header, problems: [problem] } };
      }
    }
    let xml: string;
    try {
      xml = buildNcipResponse(result.response);
    } catch (error) {
      // An answer we cannot build strictly (a required element we have no value for) is our fault, not the peer's.
      deps.onFault?.(error);
      problem = ncipProblem(serviceName, 'Temporary Processing Failure', 'the answer could not be built here; the message can be sent again');
      xml = buildNcipResponse({ service: serviceName, header, problems: [problem] });
    }
    await log({ at, started, partner: result.partner, service: serviceName, borrowingRequest: result.borrowingRequest, body, xml, problem });
    return xml;
  };
}
