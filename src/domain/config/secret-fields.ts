/** What happens to secrets and `${ENV}` addresses when an object is written. */
import type { Problem } from '../errors.ts';
import { joinPath } from '../errors.ts';
import { type Env, hasEnvReference, resolveEnv } from './env-refs.ts';
import { addressProblem } from './fields.ts';
import type { Partner } from './partner.ts';
import { Secret } from './secret.ts';

function isKeepMarker(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !(value instanceof Secret) && Object.keys(value).length === 1 && (value as { set?: unknown }).set === true;
}

/**
 * Replaces each `{ set: true }` (keep the stored secret: the form an export writes) by the stored secret at the
 * same place. Where nothing is stored, that is a problem: there is nothing to keep.
 */
export function keepStoredSecrets<T>(doc: T, stored: unknown, pathPrefix = ''): { doc: T; problems: Problem[] } {
  const problems: Problem[] = [];
  const walk = (value: unknown, before: unknown, path: string): unknown => {
    if (isKeepMarker(value)) {
      if (before instanceof Secret) return before;
      problems.push({ path: joinPath(pathPrefix, path), message: '{ set: true } keeps the stored secret, but none is stored: give the secret itself or ${ENV_VAR}' });
      return null;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, Array.isArray(before) ? before[i] : undefined, `${path}[${i}]`));
    if (value !== null && typeof value === 'object' && !(value instanceof Secret)) {
      const prior = before !== null && typeof before === 'object' ? (before as Record<string, unknown>) : {};
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, prior[k], joinPath(path, k))]));
    }
    return value;
  };
  return { doc: walk(doc, stored, '') as T, problems };
}

/** The address fields of a partner, with their paths. */
export function partnerAddresses(partner: Partner): { path: string; value: string }[] {
  const found: { path: string; value: string | null }[] =
    partner.profileType === 'NCIP'
      ? [
          { path: 'ncip.generalInformation.brokerSystemNcipUrl', value: partner.ncip.generalInformation.brokerSystemNcipUrl },
          { path: 'ncip.exportToThirdParty.url', value: partner.ncip.exportToThirdParty.url },
        ]
      : partner.profileType === 'ISO18626'
        ? [{ path: 'iso18626.url', value: partner.iso18626.url }]
        : [];
  if (partner.locateProfile?.type === 'INTERLEND') found.push({ path: 'locateProfile.url', value: partner.locateProfile.url });
  return found.filter((a): a is { path: string; value: string } => a.value !== null);
}

/**
 * Checks `${ENV}` addresses against the environment: a variable that is not set is a warning (the address is
 * resolved when used, and the doctor reports it); a resolved value that is not a URL is a problem.
 */
export function checkAddressReferences(addresses: { path: string; value: string }[], env: Env, pathPrefix = ''): { problems: Problem[]; warnings: Problem[] } {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  for (const address of addresses) {
    if (!hasEnvReference(address.value)) continue;
    const path = joinPath(pathPrefix, address.path);
    const resolved = resolveEnv(address.value, env);
    if (resolved.value === undefined) {
      warnings.push({ path, message: `${resolved.unset.join(', ')} ${resolved.unset.length > 1 ? 'are' : 'is'} not set in the environment; the address stays unresolved until it is` });
      continue;
    }
    const problem = addressProblem(resolved.value);
    if (problem) problems.push({ path, message: `${address.value} resolves to ${problem}` });
  }
  return { problems, warnings };
}
