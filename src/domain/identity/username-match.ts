/**
 * The username match report's verdict for one patron (issue 7, item 4; docs/doctor-users.md): does the ILLiad
 * username that the identity rule derives (design.md decision 6) exist in ILLiad, and would the export (decision 7)
 * reach the right account?
 *
 * The guide's "ILLiad Requirements" section is why this exists: exports only work when the ILLiad username is the
 * e-mail's first part, the whole e-mail, or the primary id, exactly as the partner's User Identifier Type and Regex
 * derive it. illiad.md §4 items 1–2 and §5 are the traps met in practice: usernames that do not match, and a second
 * (duplicate) ILLiad account when the lookup does not find the one the patron already has.
 *
 * Pure: it is given what the identity rule said and what ILLiad answered, and says which outcome that is and why.
 */
import { InterlendError } from '../errors.ts';
import type { UsernameOutcome } from './illiad-username.ts';

export const USERNAME_MATCH_OUTCOMES = [
  /** ILLiad has the derived username (and it is not blocked): exports go there. */
  'match',
  /** ILLiad has neither the username nor (when searched) the e-mail, and Create User In ILLiad is on. */
  'would-create',
  /** ILLiad has no such user and Create User In ILLiad is off: every export for the patron fails. */
  'missing',
  /** The identity rule gives no username: the identifier is missing or the regex does not match it. */
  'cannot-derive',
  /** The patron's e-mail belongs to an ILLiad user with a different username: the duplicate-account trap. */
  'email-collision',
  /** The derived username exists but is Cleared B, BO (blocked) or DIS (disavowed): exports are refused. */
  'blocked',
  /** ILLiad could not be asked (unavailable after retries). */
  'lookup-failed',
  /** A guest, and the partner does not serve guests (Enable Service For Guest User = No): never exported. */
  'guest-not-served',
] as const;
export type UsernameMatchOutcome = (typeof USERNAME_MATCH_OUTCOMES)[number];

/** The outcomes that need a librarian's attention before go-live: the report exits 1 when any patron has one. */
export const NEEDS_ATTENTION: ReadonlySet<UsernameMatchOutcome> = new Set(['cannot-derive', 'missing', 'email-collision', 'blocked', 'lookup-failed']);

/**
 * ILLiad's `Cleared` codes that make the export refuse the user (illiad.md §1.3: `B`/`BO` blocked, `DIS`
 * disavowed). The same list as REFUSED_CLEARED in app/illiad-export.ts, which the export applies.
 */
export const REFUSED_CLEARED_CODES: Readonly<Record<string, string>> = { B: 'blocked', BO: 'blocked', DIS: 'disavowed' };

/** The parts of an ILLiad user the verdict reads (a subset of the app's IlliadUser). */
export interface IlliadAccount {
  readonly username: string;
  readonly email: string | null;
  readonly cleared: string | null;
}

export type IlliadLookup =
  /** What ILLiad answered: the user by the derived username, and the user found by the patron's e-mail (when searched). */
  | { readonly byUsername: IlliadAccount | undefined; readonly byEmail: IlliadAccount | undefined }
  /** ILLiad could not be asked; why, in a sentence. */
  | { readonly failed: string };

export interface UsernameMatchInput {
  /** What the identity rule derived (illiadUsername). */
  readonly identity: UsernameOutcome;
  readonly email: string | null;
  readonly isGuest: boolean;
  /** The partner's settings that decide what an export does. */
  readonly partner: {
    readonly createUserInIlliad: boolean;
    /** Search User In ILLiad Using = Email Address. */
    readonly searchesByEmail: boolean;
    readonly servesGuests: boolean;
  };
  /** What ILLiad said; undefined when it was not asked (no username, a guest not served). */
  readonly lookup: IlliadLookup | undefined;
}

export interface UsernameMatch {
  readonly outcome: UsernameMatchOutcome;
  /** The ILLiad account the outcome is about: the username's for match/blocked, the e-mail holder's for a collision. */
  readonly illiadUsername: string | null;
  /** What it means and what to do, in a librarian's words. */
  readonly detail: string;
}

const same = (a: string | null | undefined, b: string | null | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();
const refusal = (account: IlliadAccount) => REFUSED_CLEARED_CODES[(account.cleared ?? '').toUpperCase()];

/** Whether the e-mail search is to be made for this patron (and so whether `byEmail` can say anything). */
export function searchesEmail(input: Pick<UsernameMatchInput, 'email' | 'partner'>): boolean {
  return input.partner.searchesByEmail && !!input.email;
}

export function classifyUsernameMatch(input: UsernameMatchInput): UsernameMatch {
  const { identity, partner, email } = input;
  if (input.isGuest && !partner.servesGuests) {
    return { outcome: 'guest-not-served', illiadUsername: null, detail: "guest patron, and the partner's Enable Service For Guest User is No: requests never go to ILLiad, so the username does not matter" };
  }
  if (!identity.ok) return { outcome: 'cannot-derive', illiadUsername: null, detail: `${identity.reason}: every export for this patron fails` };
  const username = identity.username;
  const lookup = input.lookup;
  if (!lookup) throw new InterlendError('ILL_ERR_INTERNAL', `the username match of ${username} was asked for before ILLiad was`);
  if ('failed' in lookup) return { outcome: 'lookup-failed', illiadUsername: null, detail: lookup.failed };

  const { byUsername } = lookup;
  // The e-mail holder matters only when it is another account than the username's (ILLiad usernames ignore case).
  const other = lookup.byEmail && !same(lookup.byEmail.username, username) ? lookup.byEmail : undefined;
  const alsoOther = other ? `; ILLiad user ${other.username} also has the patron's e-mail ${email}` : '';

  if (byUsername) {
    const refused = refusal(byUsername);
    if (refused) {
      return {
        outcome: 'blocked',
        illiadUsername: byUsername.username,
        detail: `ILLiad user ${byUsername.username} is ${refused} (Cleared ${byUsername.cleared}): every export is refused until it is cleared in ILLiad${alsoOther}`,
      };
    }
    if (other) {
      // The export finds the username first and goes there (illiad.md §5 (a) 3), so it works; but the patron has two
      // ILLiad accounts (illiad.md §4 item 2), and what ILLiad knows under the other one is split off.
      return {
        outcome: 'email-collision',
        illiadUsername: other.username,
        detail: `ILLiad user ${byUsername.username} exists, and user ${other.username} also has the patron's e-mail ${email}: two ILLiad accounts for one patron (exports go to ${byUsername.username}); merge them in ILLiad`,
      };
    }
    const pending = same(byUsername.cleared, 'No') ? ' (Cleared No: ILLiad staff must clear the user before its requests are processed)' : '';
    return { outcome: 'match', illiadUsername: byUsername.username, detail: `ILLiad user ${byUsername.username} found: exports go to this user${pending}` };
  }

  if (other) {
    // No user by the derived name, but the e-mail search finds another: the export adopts that account under its own
    // username, and ILLiad's NCIP messages then name it, which the identity rule in reverse does not know (Unknown User).
    const blocked = refusal(other) ? ` (it is also ${refusal(other)}, Cleared ${other.cleared})` : '';
    return {
      outcome: 'email-collision',
      illiadUsername: other.username,
      detail: `ILLiad has no user ${username}, but user ${other.username} has the patron's e-mail ${email}${blocked}: exports would go to ${other.username}, and ILLiad's NCIP messages for ${other.username} would not find this patron; rename the ILLiad user to ${username} (or merge the accounts)`,
    };
  }
  if (lookup.byEmail) {
    // Found by e-mail under the derived username itself (only a case difference): the same account.
    return { outcome: 'match', illiadUsername: lookup.byEmail.username, detail: `ILLiad user ${lookup.byEmail.username} found by the patron's e-mail: exports go to this user` };
  }

  const searched = searchesEmail(input)
    ? ` nor a user with e-mail ${email}`
    : partner.searchesByEmail
      ? ' (the patron has no e-mail to search by)'
      : ' (the e-mail is not searched: Search User In ILLiad Using is not Email Address)';
  if (partner.createUserInIlliad) {
    return { outcome: 'would-create', illiadUsername: null, detail: `ILLiad has no user ${username}${searched}: the first export creates ${username}` };
  }
  return {
    outcome: 'missing',
    illiadUsername: null,
    detail: `ILLiad has no user ${username}${searched}, and Create User In ILLiad is off: every export for this patron fails until ${username} is created in ILLiad`,
  };
}
