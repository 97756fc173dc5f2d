/**
 * A recording ISO 18626 borrower for lending tests: it answers every SupplyingAgencyMessage POSTed to it with an
 * OK confirmation (or, when told, HTTP 503 or an ERROR confirmation) and keeps the raw XML, the parsed message and
 * the shared-secret header of each, so a test can look at exactly what we sent. The full two-site loan runs
 * against a real Interlend instead (test/iso18626/two-instances.test.ts).
 */
import type { Server } from 'node:http';
import { buildIso18626 } from '../../src/protocols/iso18626/build.ts';
import { errorConfirmation, okConfirmation } from '../../src/protocols/iso18626/confirmations.ts';
import type { Iso18626SupplyingAgencyMessage } from '../../src/protocols/iso18626/messages.ts';
import { parseIso18626 } from '../../src/protocols/iso18626/parse.ts';
import { listen, readLimitedBody } from '../../src/sim/http-server.ts';

export interface ReceivedSam {
  readonly xml: string;
  readonly message: Iso18626SupplyingAgencyMessage;
  readonly sharedSecret: string | undefined;
}

export interface RecordingBorrower {
  readonly url: string;
  readonly received: ReceivedSam[];
  /** How the next messages are answered. */
  mode: 'ok' | 'http-503' | 'error';
  close(): Promise<void>;
}

export async function startRecordingBorrower(): Promise<RecordingBorrower> {
  const borrower: { mode: RecordingBorrower['mode']; received: ReceivedSam[] } = { mode: 'ok', received: [] };
  const { server, origin } = await listen(
    (request, response) => {
      void (async () => {
        const body = await readLimitedBody(request, 1024 * 1024);
        if (body === 'too-large' || borrower.mode === 'http-503') {
          response.writeHead(503).end('unavailable');
          return;
        }
        const parsed = parseIso18626(body);
        if (!parsed.ok || parsed.message.kind !== 'supplyingAgencyMessage') {
          response.writeHead(400).end('not a supplyingAgencyMessage');
          return;
        }
        const message = parsed.message;
        borrower.received.push({ xml: body.toString('utf8'), message, sharedSecret: request.headers['x-iso18626-shared-secret'] as string | undefined });
        const confirmation = borrower.mode === 'error' ? errorConfirmation(message, { errorType: 'UnrecognisedDataValue', errorValue: 'requestingAgencyRequestId: not ours' }) : okConfirmation(message);
        response.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' }).end(buildIso18626(confirmation));
      })();
    },
    0,
    '127.0.0.1',
  );
  return {
    url: `${origin}/iso18626`,
    received: borrower.received,
    get mode() {
      return borrower.mode;
    },
    set mode(value) {
      borrower.mode = value;
    },
    close: () => new Promise<void>((resolve) => (server as Server).close(() => resolve())),
  };
}
