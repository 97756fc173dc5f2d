/**
 * Asking another Interlend whether it holds an item: `GET {url}/api/v1/availability?oclcNumber=…&isbn=…&issn=…` with
 * the token that library made for us (role `peer`). Failures are InterlendErrors: a refused token is
 * ILL_ERR_PARTNER_AUTH, anything else that gives no answer ILL_ERR_PARTNER_UNAVAILABLE.
 */
import { type AvailabilityAsker, LOCATE_TIMEOUT_MS } from '../../app/availability.ts';
import { InterlendError } from '../../domain/errors.ts';

export const askAvailability: AvailabilityAsker = async (peer, query) => {
  const address = new URL(`${peer.url.replace(/\/+$/, '')}/api/v1/availability`);
  for (const [name, value] of Object.entries(query)) if (value) address.searchParams.set(name, value);
  let response: Response;
  try {
    response = await fetch(address, { headers: { Authorization: `Bearer ${peer.token}`, Accept: 'application/json' }, signal: AbortSignal.timeout(LOCATE_TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new InterlendError('ILL_ERR_PARTNER_UNAVAILABLE', `no answer from ${address.origin} (${cause})`);
  }
  const body = (await response.json().catch(() => undefined)) as { available?: unknown; reason?: unknown; error?: { message?: unknown } } | undefined;
  if (response.status === 401 || response.status === 403) throw new InterlendError('ILL_ERR_PARTNER_AUTH', `${address.origin} refused our token (HTTP ${response.status})`);
  if (!response.ok || typeof body?.available !== 'boolean') {
    const said = typeof body?.error?.message === 'string' ? `: ${body.error.message}` : '';
    throw new InterlendError('ILL_ERR_PARTNER_UNAVAILABLE', `${address.origin} gave no availability (HTTP ${response.status}${said})`);
  }
  return { available: body.available, reason: typeof body.reason === 'string' ? body.reason.slice(0, 200) : '' };
};
