/**
 * The identity rule (design.md, decision 6): the partner's User Identifier Type picks which of the patron's
 * identifiers is matched against the ILLiad username; the User Identifier Regex, when set, is applied to it and its
 * first match is the username (`^[^@]*` turns `cwlee@example.edu` into `cwlee`). A regex that does not match, or an
 * identifier the patron lacks, is a failure with that reason, never a silent fallback to another identifier.
 */
import { USER_IDENTIFIER_TYPE } from '../config/enums.ts';
import type { GeneralInformation } from '../config/ncip-parameters.ts';
import type { Patron } from '../config/patron.ts';

export type UsernameOutcome =
  | { readonly ok: true; readonly identifier: string; readonly username: string }
  | { readonly ok: false; readonly identifier: string | null; readonly reason: string };

type IdentityRule = Pick<GeneralInformation, 'userIdentifierType' | 'userIdentifierRegex'>;

/** The patron's identifier of the given type, or null when the patron has none. */
export function patronIdentifier(patron: Patron, type: IdentityRule['userIdentifierType']): string | null {
  if (type === 'PRIMARY_ID') return patron.primaryId;
  if (type === 'EMAIL') return patron.email;
  return patron.identifiers.find((identifier) => identifier.type === type)?.value ?? null;
}

export function illiadUsername(patron: Patron, rule: IdentityRule): UsernameOutcome {
  const label = USER_IDENTIFIER_TYPE.labels[rule.userIdentifierType];
  const identifier = patronIdentifier(patron, rule.userIdentifierType);
  if (!identifier) {
    return { ok: false, identifier: null, reason: `patron ${patron.primaryId} has no ${label}, which the partner's User Identifier Type asks for` };
  }
  if (!rule.userIdentifierRegex) return { ok: true, identifier, username: identifier };
  // The regex was checked when the partner was saved; the first match is the username (no flags, as configured).
  const match = new RegExp(rule.userIdentifierRegex).exec(identifier);
  if (!match || match[0] === '') {
    return { ok: false, identifier, reason: `User Identifier Regex ${rule.userIdentifierRegex} does not match ${label} "${identifier}" of patron ${patron.primaryId}` };
  }
  return { ok: true, identifier, username: match[0] };
}

/**
 * The rule in reverse (design.md decision 6: "the same rule is used in reverse for incoming NCIP user ids"): does
 * this patron's derived username equal the id a partner sent? Case-insensitive, as ILLiad's usernames are.
 */
export function hasUsername(patron: Patron, rule: IdentityRule, sent: string): boolean {
  const outcome = illiadUsername(patron, rule);
  return outcome.ok && outcome.username.toLowerCase() === sent.trim().toLowerCase();
}
