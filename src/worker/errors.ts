/**
 * A handler throws this (or any error with `retry: false`) when running the job again cannot help — the request it
 * names is gone, the partner refused it for good — so the job is parked as failed at once instead of retried.
 */
export class PermanentJobError extends Error {
  readonly retry = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** Duck-typed on `retry: false`, so handlers can mark their own error classes without importing this one. */
export function isPermanent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retry?: unknown }).retry === false;
}

const MAX_ERROR_LENGTH = 2000;

/** The text kept as the job's last error: the message, cut short so one noisy failure cannot bloat the row. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : typeof error === 'string' ? error : safeJson(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
