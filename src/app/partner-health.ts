/**
 * Whether a partner can be reached, kept from every call made to it (issue 10, outages): the outage record the
 * dashboard and /metrics read. Written in the same transaction as what the call changed.
 */
import { JOB_SEND } from './borrowing-service.ts';
import type { Repositories } from './ports.ts';

/**
 * A call to the partner that could not reach it (`unavailable`: what it met) starts or extends its outage. One it
 * answered, whatever it said, ends the outage; then the sends that were waiting for the partner are made due at once
 * instead of at their next backoff time (up to an hour away after a long outage). A send that made no call (a
 * configuration problem) says nothing either way: pass neither.
 */
export async function notePartnerCall(repos: Repositories, partner: string, call: { unavailable?: string | undefined; answered?: boolean }, now: string): Promise<void> {
  if (call.unavailable !== undefined) await repos.partnerOutages.failed(partner, call.unavailable, now);
  else if (call.answered && (await repos.partnerOutages.answered(partner))) await repos.operations.wakeSends(JOB_SEND, partner, now);
}
