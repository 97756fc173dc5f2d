/**
 * A partner outage in a librarian's words (issue 10, outages): what the last failed call met, told the way staff
 * would say it on the phone ("connection refused", "no answer within 15 s", "a server error (HTTP 500)"), from the
 * messages our protocol clients write (protocols/illiad/http.ts, protocols/iso18626/peer-client.ts). A message that
 * fits none of them is shown as it is.
 */

/** unreachable: nothing is listening or the address is wrong; silent: it takes the call and does not answer in time;
 * failing: it answers, with errors (5xx) or with something that is not an answer. */
export type OutageKind = 'unreachable' | 'silent' | 'failing';

export interface OutageWords {
  readonly kind: OutageKind;
  /** "connection refused", "no answer within 15 s", … */
  readonly reason: string;
}

const NETWORK: readonly [RegExp, OutageWords][] = [
  [/ECONNREFUSED/, { kind: 'unreachable', reason: 'connection refused' }],
  [/ENOTFOUND|EAI_AGAIN/, { kind: 'unreachable', reason: 'its address cannot be found (DNS)' }],
  [/EHOSTUNREACH|ENETUNREACH/, { kind: 'unreachable', reason: 'its network cannot be reached' }],
  [/ECONNRESET|EPIPE|socket hang up|other side closed/i, { kind: 'unreachable', reason: 'the connection was dropped' }],
  [/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS|SSL/, { kind: 'unreachable', reason: 'its certificate is not trusted' }],
  [/ETIMEDOUT|ConnectTimeoutError|UND_ERR_CONNECT_TIMEOUT/, { kind: 'unreachable', reason: 'the connection timed out' }],
];

export function outageWords(message: string): OutageWords {
  for (const [pattern, words] of NETWORK) if (pattern.test(message)) return words;
  const within = /no answer within (\d+(?:\.\d+)? s)/.exec(message);
  if (within) return { kind: 'silent', reason: `no answer within ${within[1]}` };
  if (/ran out of time/.test(message)) return { kind: 'silent', reason: 'too slow: the whole call ran out of time' };
  const status = /HTTP (\d{3})/.exec(message)?.[1];
  if (status && /not JSON|empty body|not a /.test(message)) return { kind: 'failing', reason: `answers that are not what was asked for (HTTP ${status})` };
  if (status === '429') return { kind: 'failing', reason: 'too many requests (HTTP 429)' };
  if (status === '408') return { kind: 'silent', reason: 'it gave up waiting for us (HTTP 408)' };
  if (status && status >= '500') return { kind: 'failing', reason: `a server error (HTTP ${status})` };
  if (/not a \w+Confirmation|without a (UserName|TransactionNumber)/.test(message)) return { kind: 'failing', reason: 'answers that are not what was asked for' };
  return { kind: 'failing', reason: message.length > 200 ? `${message.slice(0, 199)}…` : message };
}

/** How the dashboard's sentence starts for each kind. */
export const OUTAGE_HEADLINE: Readonly<Record<OutageKind, string>> = {
  unreachable: 'unreachable',
  silent: 'not answering',
  failing: 'answering with errors',
};
