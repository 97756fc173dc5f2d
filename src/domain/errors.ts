/**
 * The one error type of Interlend. Every failure a user can meet carries a stable code; the edges translate
 * it (HTTP status in http/, NCIP Problem and ISO 18626 errorData in protocols/) and nothing else does.
 */
export const ERROR_CODES = [
  'ILL_ERR_BAD_REQUEST', // the request itself is malformed: not JSON, a bad query parameter
  'ILL_ERR_VALIDATION', // input does not fit the model; problems name each field
  'ILL_ERR_CONFIG_FILE', // a configuration file cannot be read as YAML
  'ILL_ERR_NOT_FOUND', // the addressed object does not exist
  'ILL_ERR_DUPLICATE', // a code (or other unique key) is taken
  'ILL_ERR_REFERENCE_NOT_FOUND', // the object names another object that does not exist
  'ILL_ERR_IN_USE', // the object cannot go: others still name it
  'ILL_ERR_IMMUTABLE', // a field that may not change after creation was changed
  'ILL_ERR_NOT_ALLOWED', // the input is well formed but the rules forbid it (a blocked patron)
  'ILL_ERR_INVALID_TRANSITION', // the request's status does not allow the action
  'ILL_ERR_CONFLICT', // someone else changed the object meanwhile; try again
  'ILL_ERR_STALE', // the caller's copy is an old version (If-Match, a page's hidden version): someone else saved since
  'ILL_ERR_UNAUTHENTICATED', // no valid token
  'ILL_ERR_FORBIDDEN', // a valid token whose role may not do this
  'ILL_ERR_TOO_MANY_ATTEMPTS', // too many failed sign-ins for a user name: wait, then try again
  'ILL_ERR_PAYLOAD_TOO_LARGE',
  'ILL_ERR_PARTNER_AUTH', // a partner's system refused our credentials (ILLiad 401/403): fix the configuration
  'ILL_ERR_PARTNER_REFUSED', // a partner's system refused the data (ILLiad 400 with ModelState): fix the request
  'ILL_ERR_PARTNER_UNAVAILABLE', // a partner's system did not answer usefully (timeout, network, 5xx): try later
  'ILL_ERR_NOT_YET', // an earlier step this one depends on is still being recorded here: send it again shortly
  'ILL_ERR_DATABASE_UNAVAILABLE', // our database does not answer (PostgreSQL down or restarting): send it again shortly
  // Circulation and partners' messages (NCIP Problem types at the NCIP edge).
  'ILL_ERR_UNKNOWN_AGENCY', // the message names a partner or an institution we do not know
  'ILL_ERR_UNKNOWN_USER', // no patron has the user id the partner sent (after its identity rule)
  'ILL_ERR_UNKNOWN_ITEM', // no item has that barcode
  'ILL_ERR_UNKNOWN_REQUEST', // no request has that id
  'ILL_ERR_ITEM_NOT_CHECKED_OUT', // a return of an item that is not on loan
  'ILL_ERR_USER_BLOCKED', // the patron may not borrow (blocked, inactive, expired)
  'ILL_ERR_USER_AUTHENTICATION_FAILED', // the partner must authenticate the patron and did not, or could not
  'ILL_ERR_UNSUPPORTED_SERVICE', // a message we do not handle
  // Notices to patrons by e-mail (issue 9).
  'ILL_ERR_MAIL_REFUSED', // the mail server refused the message for good (5xx): sending it again will not help
  'ILL_ERR_MAIL_UNAVAILABLE', // the mail server could not be reached or said "try later" (4xx): the job tries again
  'ILL_ERR_INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One thing wrong with an input, anchored where a librarian can find it. */
export interface Problem {
  /** Field path, e.g. `partners[0].ncip.generalInformation.userIdentifierRegex`; empty for the whole input. */
  readonly path: string;
  /** A sentence about the value, without the path. */
  readonly message: string;
  /** Line in a configuration file, when the input came from one. */
  readonly line?: number;
}

export class InterlendError extends Error {
  override readonly name = 'InterlendError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly problems: readonly Problem[] = [],
    /** What was underneath (a driver's error), for the server's log only; never shown to callers. */
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /**
   * Whether trying the same thing again later may succeed: a partner that did not answer usefully, a concurrent
   * change, a fault of ours. The job worker reads it (`retry: false` parks a job at once).
   */
  get retry(): boolean {
    return (
      this.code === 'ILL_ERR_PARTNER_UNAVAILABLE' ||
      this.code === 'ILL_ERR_MAIL_UNAVAILABLE' ||
      this.code === 'ILL_ERR_DATABASE_UNAVAILABLE' ||
      this.code === 'ILL_ERR_CONFLICT' ||
      this.code === 'ILL_ERR_INTERNAL'
    );
  }
}

/** `path: message`, or just the message for the input as a whole. */
export function describeProblem(problem: Problem): string {
  const where = problem.line === undefined ? '' : `line ${problem.line}: `;
  return problem.path ? `${where}${problem.path}: ${problem.message}` : `${where}${problem.message}`;
}

export function summarizeProblems(problems: readonly Problem[]): string {
  if (problems.length === 1) return describeProblem(problems[0]!);
  return `${problems.length} problems: ${problems.map(describeProblem).join('; ')}`;
}

export function problemError(code: ErrorCode, problems: readonly Problem[]): InterlendError {
  return new InterlendError(code, summarizeProblems(problems), problems);
}

export function invalid(problems: readonly Problem[]): InterlendError {
  return problemError('ILL_ERR_VALIDATION', problems);
}

export function notFound(what: string): InterlendError {
  return new InterlendError('ILL_ERR_NOT_FOUND', `${what} does not exist`);
}

/** Formats a path of keys and indexes the way the configuration file reads: `a.b[0].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

export function joinPath(prefix: string, path: string): string {
  if (!prefix) return path;
  if (!path) return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}
