import type { PartnerAdapter } from './ports.ts';

/**
 * For partners without a protocol adapter yet (and EMAIL partners): the request waits with the partner, and staff
 * record its answer (`POST /api/v1/borrowing-requests/{id}/partner-answer`) or the answer timer moves it on.
 */
export const manualAdapter: PartnerAdapter = {
  send: async () => ({}),
};
