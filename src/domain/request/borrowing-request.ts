/** A patron's borrowing request: what is asked for, by whom, and where it stands. */
import { z } from 'zod';
import { CITATION_TYPE, LEVEL_OF_SERVICE, REQUESTED_FORMAT } from '../config/enums.ts';
import { codeSchema, isoDateSchema } from '../config/fields.ts';
import type { RequestAttributes } from '../rota/rule-evaluation.ts';
import type { RotaEntry, RotaSkip } from '../rota/rota-building.ts';
import { isbnProblem, issnProblem, normalizeOclcNumber, oclcProblem } from './identifiers.ts';
import type { BorrowingStatus } from './state-model.ts';

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`).nullable().default(null).transform((v) => (v === '' ? null : v));

function checked(problem: (value: string) => string | undefined) {
  return text(64).superRefine((value, ctx) => {
    const found = value === null ? undefined : problem(value);
    if (found) ctx.addIssue({ code: 'custom', message: found });
  });
}

/** The citation, with ILLiad's and ISO 18626's fields in mind. */
export const citationSchema = z.strictObject({
  title: z.string({ error: 'is required: what is the patron asking for?' }).trim().min(1, 'must not be empty').max(1000),
  author: text(500),
  publisher: text(255),
  placeOfPublication: text(255),
  year: text(32),
  edition: text(100),
  oclcNumber: checked(oclcProblem).transform((v) => (v === null ? null : normalizeOclcNumber(v)!)),
  isbn: checked(isbnProblem),
  issn: checked(issnProblem),
  doi: text(255),
  volume: text(64),
  issue: text(64),
  pages: text(64),
  articleTitle: text(1000),
  articleAuthor: text(500),
});
export type Citation = z.output<typeof citationSchema>;

/** What `POST /api/v1/borrowing-requests` takes: the citation's fields at the top level, as design.md names them. */
export const newBorrowingRequestSchema = citationSchema.extend({
  patron: z.string({ error: 'is required: the primary id of the patron' }).trim().min(1, 'must not be empty'),
  requestedFormat: z.enum(REQUESTED_FORMAT.values).default('PHYSICAL'),
  citationType: z.enum(CITATION_TYPE.values).default('BOOK'),
  pickupLibrary: codeSchema.nullable().default(null),
  neededBy: isoDateSchema.nullable().default(null),
  levelOfService: z.enum(LEVEL_OF_SERVICE.values).default('STANDARD'),
  patronNote: text(2000),
});
export type NewBorrowingRequest = z.output<typeof newBorrowingRequestSchema>;

export const CITATION_FIELDS = Object.keys(citationSchema.shape) as (keyof Citation)[];

export interface BorrowingRequest {
  readonly id: string;
  readonly status: BorrowingStatus;
  /** The patron's primary id. */
  readonly patron: string;
  readonly userGroup: string;
  readonly citation: Citation;
  readonly requestedFormat: NewBorrowingRequest['requestedFormat'];
  readonly citationType: NewBorrowingRequest['citationType'];
  readonly pickupLibrary: string;
  readonly resourceSharingLibrary: string | null;
  readonly neededBy: string | null;
  readonly levelOfService: NewBorrowingRequest['levelOfService'];
  readonly patronNote: string | null;
  /**
   * What the rota assignment rules were given: the stored rule set (by content hash) and the request's values. The
   * rule trace is rebuilt from these on demand, exactly as it was when the rota was made (see `ruleTraceOf`).
   */
  readonly routing: { readonly ruleSet: string; readonly attributes: RequestAttributes } | null;
  readonly rota: readonly RotaEntry[];
  /** Templates and partners left out of the rota, and why. */
  readonly rotaSkips: readonly RotaSkip[];
  /** Index in `rota` of the partner that has the request now; null before the first and after the last. */
  readonly current: number | null;
  /** The lender of last resort's record of the request (ILLiad's TransactionNumber and username), once exported. */
  readonly exportedTo?: { readonly partner: string; readonly transactionNumber: number; readonly username: string; readonly at: string };
  /** Why the request is where it is, in words for staff (e.g. why it is Ready to be sent). */
  readonly statusReason: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Optimistic lock: each save increments it. */
  readonly version: number;
}
