/**
 * A borrowing request and its patron as plain objects, for the baselines that make the same protocol calls as
 * Interlend without its database (the ILLiad export's calls, the ISO 18626 messages of a loan). Shaped like one the
 * export bench and the ISO bench create: a physical book with a title and an OCLC number.
 */
import { citationSchema, type BorrowingRequest } from '../../src/domain/request/borrowing-request.ts';
import type { Patron } from '../../src/domain/config/patron.ts';
import { patronSchema } from '../../src/domain/config/patron.ts';

export function sampleRequest(n: number, patron: string): BorrowingRequest {
  const now = new Date().toISOString();
  return {
    id: `bench-${process.pid}-${n}`,
    status: 'REQUEST_SENT_TO_PARTNER',
    patron,
    userGroup: 'FACULTY',
    citation: citationSchema.parse({ title: `Book ${n}`, oclcNumber: String(10_000 + n) }),
    requestedFormat: 'PHYSICAL',
    citationType: 'BOOK',
    pickupLibrary: 'MAIN',
    resourceSharingLibrary: 'MAIN',
    neededBy: null,
    levelOfService: 'STANDARD',
    patronNote: null,
    routing: null,
    rota: [],
    rotaSkips: [],
    current: null,
    statusReason: null,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

export function samplePatron(primaryId: string, email: string): Patron {
  return patronSchema.parse({ primaryId, firstName: 'Christopher', lastName: 'Lee', email, userGroup: 'FACULTY', pickupLibrary: 'MAIN' });
}
