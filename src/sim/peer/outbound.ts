/**
 * Posting a message to the other side: one `fetch`, no retry (a test double says what happened once), a timeout,
 * and the answer read back as an ISO 18626 confirmation. Both the message and the answer go to the flow log.
 * Pending sends are counted so `waitForIdle()` can wait for them.
 */
import { buildIso18626 } from '../../protocols/iso18626/build.ts';
import type { Iso18626Confirmation, Iso18626Message } from '../../protocols/iso18626/messages.ts';
import { parseIso18626 } from '../../protocols/iso18626/parse.ts';
import { describeMessage, type FlowLog, type PeerRole } from './flows.ts';

export interface SendResult {
  /** The confirmation the other side answered, when it answered one. */
  confirmation: Iso18626Confirmation | null;
  httpStatus: number | null;
}

export interface Outbound {
  send(role: PeerRole, url: string | null, message: Iso18626Message): Promise<SendResult>;
}

export interface OutboundOptions {
  flows: FlowLog;
  timeoutMs: number;
  /** Aborted when the mock closes. */
  signal: AbortSignal;
  log: (line: string) => void;
}

export function createOutbound(options: OutboundOptions): Outbound {
  const { flows, log } = options;
  return {
    async send(role, url, message) {
      const xml = buildIso18626(message);
      const described = describeMessage(message);
      const ids = {
        requestingAgencyRequestId: described.requestingAgencyRequestId ?? null,
        requestingAgencyId: described.requestingAgencyId ?? null,
        supplyingAgencyId: described.supplyingAgencyId ?? null,
      };
      if (url === null) {
        flows.record(role, 'out', 'no address to send to (no requestingAgencyInfo electronic address and no peerUrl)', { ...ids, kind: 'transport-error' });
        log(`${role}: no address for ${message.kind} ${ids.requestingAgencyRequestId ?? ''}`);
        return { confirmation: null, httpStatus: null };
      }
      flows.record(role, 'out', xml, { ...described, url });
      let httpStatus: number;
      let body: string;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/xml; charset=utf-8' },
          body: xml,
          signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]),
        });
        httpStatus = response.status;
        body = await response.text();
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        flows.record(role, 'in', text, { ...ids, kind: 'transport-error', url });
        log(`${role}: POST ${url} failed: ${text}`);
        return { confirmation: null, httpStatus: null };
      }
      const parsed = parseIso18626(Buffer.from(body, 'utf8'));
      if (!parsed.ok || !parsed.message.kind.endsWith('Confirmation')) {
        flows.record(role, 'in', body, { ...ids, kind: httpStatus === 200 ? 'unparsable' : 'http-error', httpStatus, url });
        log(`${role}: POST ${url} -> ${httpStatus}, no confirmation`);
        return { confirmation: null, httpStatus };
      }
      const confirmation = parsed.message as Iso18626Confirmation;
      flows.record(role, 'in', body, { ...describeMessage(confirmation), httpStatus, url });
      log(`${role}: POST ${url} ${message.kind} -> ${httpStatus} ${confirmation.header.messageStatus ?? ''}`);
      return { confirmation, httpStatus };
    },
  };
}

/** Counts work in progress; `idle()` resolves once nothing is pending (work started meanwhile is waited for too). */
export class PendingWork {
  readonly #pending = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.#pending.add(work);
    const done = () => this.#pending.delete(work);
    work.then(done, done);
    return work;
  }

  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
