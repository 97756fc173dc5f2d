/**
 * Whether a patron may place requests at all, in a phrase that reads in the services API's reasons and on the
 * patron's own page alike. The same conditions as BorrowingService refuses a request by (inactive, blocked,
 * expired), said for the patron: a block's note is shown (staff write it for the patron: "Fines over the limit"),
 * its code when it has none.
 */
import type { Patron } from '../config/patron.ts';

export function borrowingRefusal(patron: Patron, today: string): string | undefined {
  if (patron.status !== 'ACTIVE') return 'the library account is not active';
  if (patron.blocks.length) return `the library account is blocked (${patron.blocks.map((b) => b.note ?? b.code).join('; ')})`;
  if (patron.expiryDate && patron.expiryDate < today) return `the library account expired on ${patron.expiryDate}`;
  return undefined;
}
