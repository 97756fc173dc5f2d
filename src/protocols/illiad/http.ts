/**
 * One call to the ILLiad Web Platform (illiad.md §1.1, §1.6): the `ApiKey` header, JSON both ways, a timeout per
 * call inside the caller's deadline, and ILLiad's answers sorted into our error codes. No retries here: the job
 * queue retries, and only after reconciling (design.md, decision 7).
 */
import type { IlliadCall } from '../../app/illiad-connection.ts';
import { InterlendError } from '../../domain/errors.ts';
import type { IlliadErrorRecord } from './dto.ts';

/** One call may take this long; the export as a whole has its own deadline (the caller's signal). */
export const CALL_TIMEOUT_MS = 15_000;
/** Bodies bigger than this are not read: no ILLiad answer we use comes near it. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface IlliadResponse {
  readonly status: number;
  /** The parsed JSON body, or undefined when there was none. */
  readonly body: unknown;
}

export interface CallContext {
  readonly base: string;
  readonly apiKey: string;
  readonly signal: AbortSignal;
  readonly onCall: (call: IlliadCall) => void;
  readonly callTimeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/** `https://host/ILLiadWebPlatform` whatever the configured form (with or without the path, trailing slash). */
export function webPlatformBase(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  return /\/illiadwebplatform$/i.test(trimmed) ? trimmed : `${trimmed}/ILLiadWebPlatform`;
}

/** ILLiad's error text: `Message`, then each ModelState entry (`UserName: Username foo already exists.`). */
export function illiadMessage(body: unknown): string {
  if (typeof body !== 'object' || body === null) return typeof body === 'string' && body ? body : 'no message';
  // Read defensively: the record's shape is what ILLiad should send (IlliadErrorRecord), not what it must.
  const { Message: message, ModelState: modelState } = body as { [K in keyof IlliadErrorRecord]?: unknown };
  const parts: string[] = [];
  if (typeof modelState === 'object' && modelState !== null) {
    for (const [field, errors] of Object.entries(modelState)) {
      const list = Array.isArray(errors) ? errors.map(String) : [String(errors)];
      parts.push(`${field.replace(/^model\./, '')}: ${list.join(' ')}`);
    }
  }
  const head = typeof message === 'string' ? message : '';
  return parts.length ? `${head ? `${head} ` : ''}${parts.join('; ')}` : head || 'no message';
}

export interface CallOptions {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Under the base, e.g. `Users/cwlee` (segments already encoded). */
  readonly path: string;
  readonly body?: unknown;
  /** Statuses that are answers for the caller (404 on a user lookup), not errors. */
  readonly accept?: readonly number[];
  /** A few words on a successful answer, for the history. */
  readonly summarize?: (response: IlliadResponse) => string;
}

export async function callIlliad(context: CallContext, options: CallOptions): Promise<IlliadResponse> {
  const started = performance.now();
  const report = (outcome: IlliadCall['outcome'], summary: string) =>
    context.onCall({ method: options.method, path: options.path, outcome, summary, ms: Math.round(performance.now() - started) });
  const timeoutMs = context.callTimeoutMs ?? CALL_TIMEOUT_MS;
  const signal = AbortSignal.any([context.signal, AbortSignal.timeout(timeoutMs)]);
  let response: Response;
  let text: string;
  try {
    response = await (context.fetch ?? fetch)(`${context.base}/${options.path}`, {
      method: options.method,
      headers: {
        ApiKey: context.apiKey,
        Accept: 'application/json',
        ...(options.body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal,
    });
    text = await readLimited(response);
  } catch (error) {
    const timedOut = signal.aborted && !context.signal.aborted;
    const outcome = timedOut ? 'timeout' : context.signal.aborted ? 'aborted' : 'network error';
    const detail = timedOut ? `no answer within ${timeoutMs / 1000} s` : context.signal.aborted ? 'the export ran out of time' : describeNetworkError(error);
    report(outcome, detail);
    throw new InterlendError('ILL_ERR_PARTNER_UNAVAILABLE', `ILLiad did not answer ${options.method} ${options.path}: ${detail}`);
  }
  let body: unknown;
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
      if (response.ok) {
        report(response.status, 'the answer is not JSON');
        throw new InterlendError('ILL_ERR_PARTNER_UNAVAILABLE', `ILLiad answered ${options.method} ${options.path} with something that is not JSON (HTTP ${response.status})`);
      }
    }
  }
  const result = { status: response.status, body: body ?? (text.trim() ? text.trim().slice(0, 500) : undefined) };
  if (response.ok || options.accept?.includes(response.status)) {
    if (response.ok && body === undefined && options.method !== 'PUT') {
      report(response.status, 'empty answer');
      throw new InterlendError('ILL_ERR_PARTNER_UNAVAILABLE', `ILLiad answered ${options.method} ${options.path} with an empty body (HTTP ${response.status})`);
    }
    report(response.status, options.summarize ? options.summarize(result) : response.ok ? 'ok' : illiadMessage(result.body));
    return result;
  }
  const message = illiadMessage(result.body);
  report(response.status, message);
  throw errorFor(response.status, `${options.method} ${options.path}`, message);
}

function errorFor(status: number, call: string, message: string): InterlendError {
  if (status === 401 || status === 403) {
    return new InterlendError('ILL_ERR_PARTNER_AUTH', `ILLiad refused the API key (HTTP ${status} on ${call}: ${message}); check the partner's API key and URL`);
  }
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return new InterlendError('ILL_ERR_PARTNER_REFUSED', `ILLiad refused ${call} (HTTP ${status}): ${message}`);
  }
  return new InterlendError('ILL_ERR_PARTNER_UNAVAILABLE', `ILLiad failed on ${call} (HTTP ${status}): ${message}`);
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

async function readLimited(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel();
    throw new Error(`the answer is larger than ${MAX_BODY_BYTES} bytes`);
  }
  const buffer = await response.arrayBuffer();
  if (buffer.byteLength > MAX_BODY_BYTES) throw new Error(`the answer is larger than ${MAX_BODY_BYTES} bytes`);
  return new TextDecoder().decode(buffer);
}
