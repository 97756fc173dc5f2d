/**
 * The peer mock's scenario vocabulary (protocols.md §3.5, after indexdata/crosslink's illmock): which token a
 * Request carries, and what the supplier answers to it: a plan of SupplyingAgencyMessage steps sent one after the
 * other after the OK RequestConfirmation, or a confirmation ERROR, or a bare HTTP error.
 *
 * Where the token comes from (`scenarioFor`): a `MOCK:<symbol>:<scenario>` token in `serviceInfo/note` naming OUR
 * symbol (several may appear, one per supplier of a rota; the others are ignored), else the whole
 * `bibliographicInfo/supplierUniqueRecordId`, else the default scenario. The note wins over the record id (as in
 * illmock) because a rota sends the same bibliographic data to every supplier; only the note can tell them apart.
 *
 * Retry scenarios (`RETRY:<kind>_<argument>`) answer RetryPossible with the ISO 18626 reasonRetry code:
 * - `COND_<text>`: reasonRetry `LoanCondition`, the condition text in messageInfo/note ("Conditions: <text>").
 *   This is how ISO 18626 v1.2 (and illmock) model "supply on conditions": the supplier asks the requester to send
 *   the Request again (requestType Retry) accepting the conditions. A conditional WillSupply would need
 *   deliveryInfo/loanCondition, but v1.2's deliveryInfo requires `dateSent`, and nothing has been sent yet; a
 *   Notification is free text with no status meaning. So RetryPossible + LoanCondition, condition in the note.
 * - `COST_<amount>`: reasonRetry `CostExceedsMaxCost` and messageInfo/offeredCosts (`35`, `12.50` or `EUR12.50`;
 *   USD by default).
 * - `ONLOAN_<date>`: reasonRetry `OnLoan` and messageInfo/retryAfter (a date → 23:59:59Z that day, or an
 *   xs:dateTime as given; now + 14 days when missing or unreadable).
 * - `NOTFOUNDASCITED`: reasonRetry `NotFoundAsCited`.
 * illmock reads the part after `_` differently: there it names the scenario to play when the Retry arrives. Here it
 * is the argument (the brief of issue 6 item 7); a Retry request (`requestType` Retry) carrying a RETRY token plays
 * the argument as a scenario when it is one, else LOANED (the retry is accepted), so a retry loop always ends.
 */
import type { Iso18626Costs, Iso18626Request } from '../../protocols/iso18626/messages.ts';
import type { Iso18626Status } from '../../protocols/iso18626/vocabulary.ts';

/** The tokens played as they are (RETRY tokens have an argument, see above). */
export const SCENARIO_TOKENS = [
  'LOANED',
  'LOANED_RECALLED',
  'LOANED_OVERDUE',
  'UNFILLED',
  'WILLSUPPLY',
  'WILLSUPPLY_LOANED',
  'WILLSUPPLY_LOANED_RECALLED',
  'WILLSUPPLY_LOANED_OVERDUE',
  'WILLSUPPLY_UNFILLED',
  'COMPLETED',
  'ERROR',
  'HTTP-ERROR-400',
  'HTTP-ERROR-500',
] as const;

/** One SupplyingAgencyMessage of a scenario; the supplier fills in ids, dates and deliveryInfo when it sends it. */
export interface ScenarioStep {
  status: Iso18626Status;
  reasonUnfilled?: string;
  reasonRetry?: string;
  note?: string;
  offeredCosts?: Iso18626Costs;
  retryAfter?: string;
}

export type ScenarioPlan =
  | { kind: 'messages'; token: string; steps: ScenarioStep[] }
  | { kind: 'confirmation-error'; token: string; errorValue: string }
  | { kind: 'http-error'; token: string; httpStatus: 400 | 500 };

export type ScenarioSource = 'note' | 'supplierUniqueRecordId' | 'default';

/** The `MOCK:<symbol>:<scenario>` tokens of a note (a token ends at blank, `#`, `,` or `;`). */
export function noteScenarios(note: string | null | undefined): { symbol: string; scenario: string }[] {
  if (!note) return [];
  return [...note.matchAll(/MOCK:([^:\s#,;]+):([^\s#,;]+)/g)].map((match) => ({ symbol: match[1] ?? '', scenario: match[2] ?? '' }));
}

export function scenarioFor(request: Iso18626Request, symbol: string, defaultScenario: string): { token: string; source: ScenarioSource } {
  const fromNote = noteScenarios(request.serviceInfo?.note).find((each) => each.symbol === symbol);
  if (fromNote) return { token: fromNote.scenario, source: 'note' };
  const recordId = request.bibliographicInfo.supplierUniqueRecordId;
  if (recordId) return { token: recordId, source: 'supplierUniqueRecordId' };
  return { token: defaultScenario, source: 'default' };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A date at 23:59:59Z (ISO 18626: when the time of day does not matter, protocols.md §5.3). */
export const endOfDay = (date: Date): string => `${date.toISOString().slice(0, 10)}T23:59:59Z`;
export const daysAfter = (date: Date, days: number): Date => new Date(date.getTime() + days * DAY_MS);

function offeredCosts(argument: string): Iso18626Costs {
  const match = /^([A-Za-z]{3})?(\d+(\.\d+)?)$/.exec(argument);
  return { currencyCode: match?.[1]?.toUpperCase() ?? 'USD', monetaryValue: match?.[2] ?? '35' };
}

function retryAfter(argument: string, now: Date): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(argument) && !Number.isNaN(Date.parse(argument))) return `${argument}T23:59:59Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(argument)) return argument;
  return endOfDay(daysAfter(now, 14));
}

const UNFILLED: ScenarioStep = { status: 'Unfilled', reasonUnfilled: 'NotHeld', note: 'not owned' };

export interface PlanContext {
  /** serviceInfo/serviceType of the request (Copy selects CopyCompleted for COMPLETED). */
  serviceType: string | null;
  /** serviceInfo/requestType (Retry changes what RETRY tokens do). */
  requestType: string | null;
  now: Date;
}

/** What the supplier does for a token; an unknown token is Unfilled. */
export function planScenario(token: string, context: PlanContext): ScenarioPlan {
  const messages = (...steps: ScenarioStep[]): ScenarioPlan => ({ kind: 'messages', token, steps });
  if (token.startsWith('RETRY:')) {
    const rest = token.slice('RETRY:'.length);
    const underscore = rest.indexOf('_');
    const kind = underscore < 0 ? rest : rest.slice(0, underscore);
    const argument = underscore < 0 ? '' : rest.slice(underscore + 1);
    if (context.requestType === 'Retry') {
      const next = argument !== '' && !argument.startsWith('RETRY:') && (SCENARIO_TOKENS as readonly string[]).includes(argument) ? argument : 'LOANED';
      return { ...planScenario(next, context), token };
    }
    switch (kind) {
      case 'COND':
        return messages({ status: 'RetryPossible', reasonRetry: 'LoanCondition', note: `Conditions: ${argument || 'LibraryUseOnly'}` });
      case 'COST':
        return messages({ status: 'RetryPossible', reasonRetry: 'CostExceedsMaxCost', offeredCosts: offeredCosts(argument) });
      case 'ONLOAN':
        return messages({ status: 'RetryPossible', reasonRetry: 'OnLoan', retryAfter: retryAfter(argument, context.now) });
      case 'NOTFOUNDASCITED':
        return messages({ status: 'RetryPossible', reasonRetry: 'NotFoundAsCited' });
      default:
        return messages(UNFILLED);
    }
  }
  switch (token) {
    case 'LOANED':
      return messages({ status: 'Loaned' });
    case 'LOANED_RECALLED':
      return messages({ status: 'Loaned' }, { status: 'Recalled' });
    case 'LOANED_OVERDUE':
      return messages({ status: 'Loaned' }, { status: 'Overdue' });
    case 'UNFILLED':
      return messages(UNFILLED);
    case 'WILLSUPPLY':
      return messages({ status: 'WillSupply' });
    case 'WILLSUPPLY_LOANED':
      return messages({ status: 'WillSupply' }, { status: 'Loaned' });
    case 'WILLSUPPLY_LOANED_RECALLED':
      return messages({ status: 'WillSupply' }, { status: 'Loaned' }, { status: 'Recalled' });
    case 'WILLSUPPLY_LOANED_OVERDUE':
      return messages({ status: 'WillSupply' }, { status: 'Loaned' }, { status: 'Overdue' });
    case 'WILLSUPPLY_UNFILLED':
      return messages({ status: 'WillSupply' }, UNFILLED);
    case 'COMPLETED':
      return context.serviceType === 'Copy' ? messages({ status: 'CopyCompleted' }) : messages({ status: 'Loaned' }, { status: 'LoanCompleted' });
    case 'ERROR':
      return { kind: 'confirmation-error', token, errorValue: 'MOCK ERROR' };
    case 'HTTP-ERROR-400':
      return { kind: 'http-error', token, httpStatus: 400 };
    case 'HTTP-ERROR-500':
      return { kind: 'http-error', token, httpStatus: 500 };
    default:
      return messages(UNFILLED);
  }
}
