/**
 * `interlend doctor` and `GET /api/v1/doctor` (issue 7): the guide's setup as checks. The configuration checks are
 * pure (src/domain/doctor/configuration.ts); this adds what needs the outside world: whether ILLiad accepts the key,
 * whether it is at least 9.2 (the guide's "ILLiad Requirements"), and the address ILLiad's NCIP add-on must post to.
 */
import type { Env } from '../domain/config/env-refs.ts';
import { check, type DoctorCheck, exitCodeOf, summaryOf } from '../domain/doctor/check.ts';
import { checkConfiguration, type DoctorConfiguration, GUIDE_STEPS, illiadPartnerOf } from '../domain/doctor/configuration.ts';
import { InterlendError } from '../domain/errors.ts';
import type { IlliadConnector } from './illiad-connection.ts';
import type { IlliadExporter } from './illiad-export.ts';
import type { Repositories, Storage } from './ports.ts';

/** The guide: "ILLiad also needs to be at least version 9.2." */
export const MINIMUM_ILLIAD_VERSION = [9, 2] as const;
const LIVE_CHECK_TIMEOUT_MS = 10_000;

export interface DoctorReport {
  readonly checks: readonly DoctorCheck[];
  readonly summary: Record<DoctorCheck['status'], number>;
  /** 0 all pass, 1 warnings, 2 failures. */
  readonly exitCode: 0 | 1 | 2;
}

export interface DoctorOptions {
  /** This server's address as ILLiad reaches it (PUBLIC_URL, or the request's own address); shown, not called. */
  readonly serverAddress: string;
  /** Skip the calls to ILLiad (configuration only). */
  readonly offline?: boolean;
}

export interface DoctorServiceDeps {
  readonly storage: Storage;
  readonly env: Env;
  readonly illiad: IlliadExporter;
  readonly connect: IlliadConnector;
}

export async function loadDoctorConfiguration(repos: Repositories): Promise<DoctorConfiguration> {
  const docs = async <K extends 'partners' | 'rota-templates' | 'rota-rules' | 'libraries' | 'locations' | 'desks' | 'item-policies'>(kind: K) =>
    (await repos.config(kind).all()).map((stored) => stored.doc);
  return {
    institution: (await repos.institution.get())?.doc,
    partners: await docs('partners'),
    rotaTemplates: await docs('rota-templates'),
    rotaRules: await docs('rota-rules'),
    libraries: await docs('libraries'),
    locations: await docs('locations'),
    desks: await docs('desks'),
    itemPolicies: await docs('item-policies'),
  };
}

/** `9.2.3.0` ≥ 9.2? Compares numerically, part by part. */
export function atLeast(version: string, minimum: readonly number[]): boolean {
  const parts = version.split('.').map(Number);
  for (let i = 0; i < minimum.length; i++) {
    const part = parts[i] ?? 0;
    if (part !== minimum[i]) return part > minimum[i]!;
  }
  return true;
}

export class DoctorService {
  constructor(private readonly deps: DoctorServiceDeps) {}

  async run(options: DoctorOptions): Promise<DoctorReport> {
    const config = await loadDoctorConfiguration(this.deps.storage.read);
    const checks = checkConfiguration(config, this.deps.env);
    if (!options.offline) checks.push(...(await this.liveChecks(config)));
    checks.push(this.ncipAddress(config, options.serverAddress));
    return { checks, summary: summaryOf(checks), exitCode: exitCodeOf(checks) };
  }

  /** The key and the version, with one call (`SystemInfo/SecurePlatformVersion` needs the key). */
  private async liveChecks(config: DoctorConfiguration): Promise<DoctorCheck[]> {
    const partner = illiadPartnerOf(config.partners);
    if (!partner || partner.profileType !== 'NCIP' || partner.ncip.exportToThirdParty.exportToThirdParty !== 'USING_API') return [];
    const where = this.deps.illiad.target(partner);
    // An address or key that is not configured is already a configuration finding.
    if (!where.ok) return [];
    const key = check('illiad-key-accepted', 'ILLiad accepts the API key', GUIDE_STEPS.PARAMETERS('Export To Third Party → API Key'));
    const version = check('illiad-version', 'ILLiad is version 9.2 or later', GUIDE_STEPS.REQUIREMENTS);
    const connection = this.deps.connect(where.target, { signal: AbortSignal.timeout(LIVE_CHECK_TIMEOUT_MS), onCall: () => undefined });
    let found: string | null;
    try {
      found = await connection.platformVersion();
    } catch (error) {
      if (!(error instanceof InterlendError)) throw error;
      if (error.code === 'ILL_ERR_PARTNER_AUTH') {
        return [key.fail(`${error.message}. Make a new key in ILLiad's Customization Manager (WebPlatformConfig) and enter it on the partner.`)];
      }
      return [key.fail(`ILLiad could not be asked: ${error.message}. Check the URL (${where.target.url}) and that this server may reach it (hosted ILLiad may need a firewall opening).`)];
    }
    const checks = [key.pass(`ILLiad at ${where.target.url} accepts the key.`)];
    const minimum = MINIMUM_ILLIAD_VERSION.join('.');
    if (found === null) checks.push(version.warn(`ILLiad did not say its version; make sure it is ${minimum} or later.`));
    else if (atLeast(found, MINIMUM_ILLIAD_VERSION)) checks.push(version.pass(`ILLiad is version ${found}.`));
    else checks.push(version.fail(`ILLiad is version ${found}; the export needs ${minimum} or later. Upgrade ILLiad first.`));
    return checks;
  }

  private ncipAddress(config: DoctorConfiguration, serverAddress: string): DoctorCheck {
    const partner = illiadPartnerOf(config.partners);
    const agency = config.institution?.ncipAgencyId ?? '(the institution’s NCIP agency id)';
    const address = `${serverAddress.replace(/\/+$/, '')}/ncip`;
    return check('ncip-address', "Where ILLiad's NCIP add-on posts", 'ILLiad NCIP add-on (Alma NCIP Integration) settings').pass(
      `Point the add-on at ${address} (or …/view/NCIPServlet), with AgencyId ${agency} and ApplicationProfileType ${partner?.code ?? 'ILLiad'} (the partner code).`,
    );
  }
}
