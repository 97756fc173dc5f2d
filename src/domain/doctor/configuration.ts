/**
 * The configuration half of the setup doctor (issue 7, item 2): the guide `seed/ILLiad-as-Lender-of-Last-Resort.txt`
 * turned into checks, each naming the guide's step. A check that depends on another (the rule's place needs the
 * rule) is left out when its premise fails, so one fault is reported once, not as a cascade.
 */
import type { Env } from '../config/env-refs.ts';
import { resolveEnv } from '../config/env-refs.ts';
import { regexProblem } from '../config/fields.ts';
import type { Institution } from '../config/institution.ts';
import type { NcipPartner, Partner } from '../config/partner.ts';
import type { Desk, ItemPolicy, Library, Location } from '../config/places.ts';
import type { RotaRule } from '../config/rota-rule.ts';
import type { RotaTemplate } from '../config/rota-template.ts';
import { Secret } from '../config/secret.ts';
import { check, type DoctorCheck } from './check.ts';

export interface DoctorConfiguration {
  readonly institution: Institution | undefined;
  readonly partners: readonly Partner[];
  readonly rotaTemplates: readonly RotaTemplate[];
  /** In list order. */
  readonly rotaRules: readonly RotaRule[];
  readonly libraries: readonly Library[];
  readonly locations: readonly Location[];
  readonly desks: readonly Desk[];
  readonly itemPolicies: readonly ItemPolicy[];
}

const GENERAL_TAB = 'Partner → General Information tab';
const PARAMETERS = (section: string) => `Partner → Parameters → ${section}`;
const REQUIREMENTS = 'ILLiad Requirements';
const ROTA = 'Rota Template';
const RULE = 'Rota Assignment Rule';

/** The partner the guide calls ILLiad: System Type ILLiad, else an NCIP partner that exports Using API. */
export function illiadPartnerOf(partners: readonly Partner[]): Partner | undefined {
  return (
    partners.find((p) => p.systemType === 'ILLIAD' && p.profileType === 'NCIP') ??
    partners.find((p) => p.systemType === 'ILLIAD') ??
    partners.find((p) => p.profileType === 'NCIP' && p.ncip.exportToThirdParty.exportToThirdParty === 'USING_API')
  );
}

export function checkConfiguration(config: DoctorConfiguration, env: Env): DoctorCheck[] {
  const partner = illiadPartnerOf(config.partners);
  if (!partner) {
    return [
      check('illiad-partner', 'An ILLiad partner exists', GENERAL_TAB).fail(
        'No partner has System Type ILLiad, and no NCIP partner exports Using API. Add the partner with Code ILLiad, Profile Type NCIP, System Type ILLiad (Fulfillment → Resource Sharing → Partners → Add Partner).',
      ),
    ];
  }
  const checks: DoctorCheck[] = [check('illiad-partner', 'An ILLiad partner exists', GENERAL_TAB).pass(`Partner ${partner.code} (${partner.name}) is the lender of last resort.`)];
  checks.push(...partnerChecks(partner));
  if (partner.profileType === 'NCIP') checks.push(...parameterChecks(partner, config, env));
  checks.push(...rotaChecks(partner, config));
  return checks;
}

function partnerChecks(partner: Partner): DoctorCheck[] {
  const active = check('illiad-partner-active', 'Status: Active', GENERAL_TAB);
  const profile = check('illiad-partner-profile', 'Profile Type: NCIP', GENERAL_TAB);
  const system = check('illiad-partner-system-type', 'System Type: ILLiad', GENERAL_TAB);
  const borrowing = check('illiad-partner-borrowing', 'Supports Borrowing', GENERAL_TAB);
  return [
    partner.status === 'ACTIVE' ? active.pass('The partner is Active.') : active.fail(`Partner ${partner.code} is Inactive: no request reaches it. Set its Status to Active.`),
    partner.profileType === 'NCIP' ? profile.pass('Profile Type is NCIP.') : profile.fail(`Partner ${partner.code} has Profile Type ${partner.profileType}; ILLiad is reached through NCIP and its Web Platform API. Set Profile Type to NCIP.`),
    partner.systemType === 'ILLIAD' ? system.pass('System Type is ILLiad.') : system.fail(`Partner ${partner.code} has System Type ${partner.systemType}. Set it to ILLiad, so ILLiad's NCIP quirks are expected.`),
    partner.supportsBorrowing ? borrowing.pass('Supports Borrowing is on.') : borrowing.fail(`Supports Borrowing is off on partner ${partner.code}: borrowing requests are never sent to it. Turn it on.`),
  ];
}

function parameterChecks(partner: NcipPartner, config: DoctorConfiguration, env: Env): DoctorCheck[] {
  const general = partner.ncip.generalInformation;
  const exporting = partner.ncip.exportToThirdParty;
  const checks: DoctorCheck[] = [];

  // ILLiad Requirements and Parameters → General Information: the username rule.
  const regex = check('identity-regex', 'User Identifier Regex', PARAMETERS('General Information'));
  const regexWrong = general.userIdentifierRegex ? regexProblem(general.userIdentifierRegex) : undefined;
  if (regexWrong) checks.push(regex.fail(`${regexWrong}. For usernames that are the part of the e-mail before the @, use ^[^@]* ; otherwise leave it blank.`));
  else if (general.userIdentifierRegex) checks.push(regex.pass(`Usernames are derived from the ${general.userIdentifierType} with ${general.userIdentifierRegex}.`));
  else checks.push(regex.pass(`No regex: the ${general.userIdentifierType} itself is the ILLiad username.`));
  if (general.userIdentifierRegex) {
    const create = check('identity-create-user', 'Create User In ILLiad (required with the regex)', PARAMETERS('Export To Third Party'));
    checks.push(
      exporting.createUserInIlliad
        ? create.pass('Create User In ILLiad is on.')
        : create.fail('A User Identifier Regex is set but Create User In ILLiad is off: patrons without an ILLiad account cannot be exported. The guide requires it with the regex: turn it on.'),
    );
    const email = check('identity-search-by-email', 'Search User In ILLiad Using: Email Address (with the regex)', PARAMETERS('Export To Third Party'));
    checks.push(
      exporting.searchUserInIlliadUsing === 'EMAIL_ADDRESS'
        ? email.pass('Users are searched by e-mail address.')
        : email.fail('A User Identifier Regex is set but users are not searched by Email Address: a patron whose ILLiad account has another username gets a second account. Set Search User In ILLiad Using to Email Address.'),
    );
  }

  const guest = check('guest-service', 'Enable Service For Guest User: No', PARAMETERS('General Information'));
  checks.push(general.enableServiceForGuestUser ? guest.fail('Guests are offered ILLiad, which has no account for them. Set Enable Service For Guest User to No.') : guest.pass('Guests are not offered the service.'));

  const loan = check('loan-period', 'Loan Period', PARAMETERS('General Information'));
  checks.push(general.loanPeriod > 0 ? loan.pass(`Items without a due date are lent for ${general.loanPeriod} days.`) : loan.fail('Loan Period is not set. The guide uses 90 days.'));

  checks.push(ownerCheck(general.defaultLibraryOwner, config));
  checks.push(...exportChecks(partner, env));
  checks.push(placesCheck(partner, config));
  return checks;
}

function ownerCheck(owner: string | null, config: DoctorConfiguration): DoctorCheck {
  const c = check('default-library-owner', 'Default Library Owner: your library', PARAMETERS('General Information'));
  if (!owner) return c.fail('Default Library Owner is blank: items ILLiad tells us about have no owning library. Set it to your resource-sharing library.');
  const library = config.libraries.find((l) => l.code === owner);
  if (!library) return c.fail(`Default Library Owner ${owner} is not a library here. Pick one of ${config.libraries.map((l) => l.code).join(', ') || '(none defined)'}.`);
  if (!library.isResourceSharing) return c.warn(`Default Library Owner ${owner} is not marked as a resource-sharing library.`);
  return c.pass(`Requests and items made through ILLiad belong to ${library.name}.`);
}

function exportChecks(partner: NcipPartner, env: Env): DoctorCheck[] {
  const settings = partner.ncip.exportToThirdParty;
  const section = PARAMETERS('Export To Third Party');
  const method = check('export-using-api', 'Export to third party: Using API', section);
  if (settings.exportToThirdParty !== 'USING_API') {
    // Without the export, its address and key mean nothing: one finding, not three.
    return [method.fail(`Export to third party is ${settings.exportToThirdParty}: what no peer fills never reaches ILLiad. Set it to Using API.`)];
  }
  const checks = [method.pass('Requests are exported through the ILLiad Web Platform API.')];

  const url = check('export-url', 'URL of the ILLiad Web Platform', section);
  if (!settings.url) checks.push(url.fail('The URL is blank. Set it to https://[library].illiad.oclc.org/ILLiadWebPlatform (your ILLiad host).'));
  else {
    const resolved = resolveEnv(settings.url, env);
    checks.push(resolved.value === undefined ? url.fail(`The URL is ${settings.url}, but ${resolved.unset.join(', ')} is not set in the server's environment.`) : url.pass(`ILLiad is at ${resolved.value}.`));
  }

  const key = check('export-api-key', 'API Key', section);
  const secret = settings.apiKey instanceof Secret ? settings.apiKey : null;
  if (!secret) checks.push(key.fail("No API key. Create one in ILLiad's Customization Manager (WebPlatformConfig) and enter it here."));
  else if (!secret.reveal(env)) checks.push(key.fail(`The API key is \${${secret.envName}}, which is not set in the server's environment.`));
  else checks.push(key.pass(`An API key is set${secret.envName ? ` (from ${secret.envName})` : ''}.`));

  const tag = check('export-request-id-tag', 'Export Request ID Name Tag: ReferenceNumber', section);
  checks.push(
    settings.exportRequestIdNameTag === 'ReferenceNumber'
      ? tag.pass('Our request id goes into ReferenceNumber.')
      : tag.warn(`Our request id goes into ${settings.exportRequestIdNameTag}; the guide uses ReferenceNumber. Make sure ILLiad's NCIP add-on reads the same field.`),
  );
  return checks;
}

/** Every location, desk, policy and pickup library the parameters name must exist (Request Item, Check-Out, Accept Item). */
function placesCheck(partner: NcipPartner, config: DoctorConfiguration): DoctorCheck {
  const { acceptItem, checkOutItem, requestItem } = partner.ncip;
  const c = check('places', 'Locations, desk, item policy and pickup libraries exist', PARAMETERS('Accept Item, Check-Out Item, Request Item'));
  const problems: string[] = [];
  const location = (label: string, code: string | null) => {
    if (!code) problems.push(`${label} is blank (the guide: Resource Sharing Long Loan)`);
    else if (!config.locations.some((l) => l.code === code)) problems.push(`${label} ${code} is not a location here`);
  };
  const pickup = (label: string, code: string | null) => {
    if (!code) problems.push(`${label} is blank (the guide: your library)`);
    else if (!config.libraries.some((l) => l.code === code && l.isPickup)) problems.push(`${label} ${code} is not a pickup library here`);
  };
  location('Accept Item → Default Location', acceptItem.defaultLocation);
  pickup('Accept Item → Default Pickup Library', acceptItem.defaultPickupLibrary);
  if (!acceptItem.receiveDesk) problems.push('Accept Item → Receive Desk is blank (the guide: your circulation desk)');
  else if (!config.desks.some((d) => d.code === acceptItem.receiveDesk)) problems.push(`Accept Item → Receive Desk ${acceptItem.receiveDesk} is not a desk here`);
  location('Check-Out Item → Default Location', checkOutItem.defaultLocation);
  if (!checkOutItem.defaultItemPolicy) problems.push('Check-Out Item → Default Item Policy is blank (the guide: your general checkout policy)');
  else if (!config.itemPolicies.some((p) => p.code === checkOutItem.defaultItemPolicy)) problems.push(`Check-Out Item → Default Item Policy ${checkOutItem.defaultItemPolicy} is not an item policy here`);
  location('Request Item → Default Location', requestItem.defaultLocation);
  pickup('Request Item → Default Pickup Library', requestItem.defaultPickupLibrary);
  if (problems.length) return c.fail(`${problems.join('; ')}.`);
  if (!acceptItem.automaticReceive) return c.warn('Accept Item → Automatic Receive is off: items ILLiad receives wait for staff to receive them here too. The guide turns it on.');
  return c.pass(`Items arrive at ${acceptItem.defaultLocation} and desk ${acceptItem.receiveDesk}, held at ${acceptItem.defaultPickupLibrary}.`);
}

function rotaChecks(partner: Partner, config: DoctorConfiguration): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  const holding = config.rotaTemplates.filter((t) => t.members.includes(partner.code));
  const own = holding.filter((t) => t.members.length === 1);
  const rota = check('illiad-rota', 'A rota template with just ILLiad', ROTA);
  if (holding.length === 0) checks.push(rota.fail(`No rota template holds partner ${partner.code}. Make one (Code ILLiad, Type Ordered) with ${partner.code} as its only member.`));
  else if (own.length === 0) {
    checks.push(rota.fail(`Partner ${partner.code} is only in rotas with other partners (${holding.map((t) => `${t.code}: ${t.members.join(', ')}`).join('; ')}). The guide: a rota with just ILLiad, so it is asked last, after every peer.`));
  } else checks.push(rota.pass(`Rota template ${own[0]!.code} holds ${partner.code} alone.`));

  const live = own.find((t) => t.status === 'ACTIVE');
  if (own.length > 0) {
    const active = check('illiad-rota-active', 'The ILLiad rota is Active (at go live)', ROTA);
    checks.push(live ? active.pass(`Rota template ${live.code} is Active.`) : active.warn(`Rota template ${own[0]!.code} is Inactive: not live yet. Switch it to Active at go live.`));
  }

  const illiadTemplates = new Set(holding.map((t) => t.code));
  const outputsIlliad = (rule: RotaRule) => rule.templates.some((code) => illiadTemplates.has(code));
  const isGuideRule = (rule: RotaRule) => rule.conditions.some((c) => c.parameter === 'REQUESTED_FORMAT' && c.operator === 'IS_NOT_EMPTY') && outputsIlliad(rule);
  const rules = config.rotaRules.map((rule, index) => ({ rule, position: index + 1 }));
  const named = ({ rule, position }: { rule: RotaRule; position: number }) => `rule ${position} "${rule.name}"`;
  const enabled = rules.filter((r) => r.rule.enabled);
  const guide = [...enabled].reverse().find((r) => isGuideRule(r.rule));
  const ruleCheck = check('illiad-rule', 'A rule: Requested Format Is Not Empty → the ILLiad rota', RULE);
  if (holding.length === 0) return checks; // no rota to point a rule at: reported above
  if (!guide) {
    const disabled = rules.find((r) => !r.rule.enabled && isGuideRule(r.rule));
    checks.push(
      disabled
        ? ruleCheck.fail(`${named(disabled)} would send requests to ILLiad but is disabled. Enable it.`)
        : ruleCheck.fail(`No enabled rule with Requested Format Is Not Empty outputs the ILLiad rota (${[...illiadTemplates].join(', ')}). Add it, as the final rule.`),
    );
    return checks;
  }
  checks.push(ruleCheck.pass(`${named(guide)} sends every request with a format to ${guide.rule.templates.join(', ')}.`));

  const final = check('illiad-rule-final', 'It is the final rule', RULE);
  const after = enabled.filter((r) => r.position > guide.position);
  checks.push(
    after.length
      ? final.fail(`${named(guide)} is not the final rule: ${after.map(named).join(', ')} come${after.length === 1 ? 's' : ''} after it, so their rotas are asked after ILLiad. Move it to the end of the list.`)
      : final.pass(`${named(guide)} is the final enabled rule.`),
  );

  const reach = check('illiad-rule-reachable', 'No rule before it stops the walk', RULE);
  const stoppers = enabled.filter((r) => r.position < guide.position && r.rule.stopHere);
  const always = stoppers.find((r) => r.rule.conditions.length === 0);
  if (always) checks.push(reach.fail(`${named(always)} has no conditions and Stop Here: no request ever reaches ${named(guide)}. Turn off its Stop Here.`));
  else if (stoppers.length) checks.push(reach.warn(`${stoppers.map(named).join(', ')} stop${stoppers.length === 1 ? 's' : ''} the walk: requests they match never fall through to ILLiad.`));
  else checks.push(reach.pass('Every request with a format reaches it.'));
  return checks;
}

export const GUIDE_STEPS = { GENERAL_TAB, REQUIREMENTS, ROTA, RULE, PARAMETERS } as const;
