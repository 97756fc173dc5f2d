/**
 * The setup doctor's configuration checks (issue 7): the guide's example passes, and broken configurations, one
 * fault at a time, are each named by exactly one check, and only that one.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { loadDoctorConfiguration } from '../../src/app/doctor-service.ts';
import type { NcipPartner, Partner } from '../../src/domain/config/partner.ts';
import type { RotaRule } from '../../src/domain/config/rota-rule.ts';
import { checkConfiguration, type DoctorConfiguration } from '../../src/domain/doctor/configuration.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const EXAMPLE = readFileSync(new URL('../../examples/lender-of-last-resort.yaml', import.meta.url), 'utf8');
const ENV = { ILLIAD_URL: 'https://illiad.example.edu/ILLiadWebPlatform', ILLIAD_API_KEY: 'key-0123456789', NORTH_PEER_URL: 'http://north.example', SOUTH_PEER_URL: 'http://south.example' };

/** Everything that is not a pass: `id:status`. */
const findings = (config: DoctorConfiguration, env: Record<string, string | undefined> = ENV) =>
  checkConfiguration(config, env)
    .filter((c) => c.status !== 'pass')
    .map((c) => `${c.id}:${c.status}`);

describe('the doctor on the configuration', () => {
  let app: TestApp;
  /** The guide's example, as imported: the ILLiad rota still Inactive (not live yet). */
  let example: DoctorConfiguration;
  /** The same at go live: the ILLiad rota Active. */
  let live: DoctorConfiguration;
  before(async () => {
    app = await createTestApp('sqlite', ENV);
    await app.transfer.importYaml(EXAMPLE);
    example = await loadDoctorConfiguration(app.storage.read);
    live = { ...example, rotaTemplates: example.rotaTemplates.map((t) => (t.code === 'ILLiad' ? { ...t, status: 'ACTIVE' } : t)) };
  });
  after(() => app.close());

  const illiad = (config: DoctorConfiguration) => config.partners.find((p) => p.code === 'ILLiad') as NcipPartner;
  const withPartner = (change: (p: NcipPartner) => Partner): DoctorConfiguration => ({ ...live, partners: live.partners.map((p) => (p.code === 'ILLiad' ? change(p as NcipPartner) : p)) });
  const withNcip = <S extends keyof NcipPartner['ncip']>(section: S, values: Partial<NcipPartner['ncip'][S]>) =>
    withPartner((p) => ({ ...p, ncip: { ...p.ncip, [section]: { ...p.ncip[section], ...values } } }));
  const withRules = (change: (rules: readonly RotaRule[]) => RotaRule[]): DoctorConfiguration => ({ ...live, rotaRules: change(live.rotaRules) });

  test('the example at go live passes every check; as shipped, its only finding is the Inactive ILLiad rota', () => {
    assert.deepEqual(findings(live), []);
    assert.deepEqual(findings(example), ['illiad-rota-active:warn']);
    const rotaActive = checkConfiguration(example, ENV).find((c) => c.id === 'illiad-rota-active')!;
    assert.match(rotaActive.message, /not live yet/);
    assert.equal(rotaActive.guideStep, 'Rota Template');
  });

  test('every check names its step of the guide and says something', () => {
    for (const c of checkConfiguration(live, ENV)) {
      assert.ok(c.guideStep.length > 0 && c.message.length > 10 && c.title.length > 0, c.id);
    }
  });

  const faults: [string, () => DoctorConfiguration, string, RegExp, Record<string, string | undefined>?][] = [
    ['the ILLiad rule is not the last rule', () => withRules((rules) => [...rules, { name: 'Local copies', enabled: true, stopHere: false, conditions: [], templates: ['PEERS'] }]), 'illiad-rule-final:fail', /Local copies.*Move it to the end/],
    ['the ILLiad rule is disabled', () => withRules((rules) => rules.map((r, i) => (i === rules.length - 1 ? { ...r, enabled: false } : r))), 'illiad-rule:fail', /is disabled\. Enable it/],
    ['no rule sends requests to ILLiad', () => withRules((rules) => rules.slice(0, -1)), 'illiad-rule:fail', /No enabled rule/],
    ['a rule before it stops every request', () => withRules((rules) => [{ name: 'Everything to peers', enabled: true, stopHere: true, conditions: [], templates: ['PEERS'] }, ...rules]), 'illiad-rule-reachable:fail', /Everything to peers.*Stop Here/],
    ['the ILLiad rota has two members', () => ({ ...live, rotaTemplates: live.rotaTemplates.map((t) => (t.code === 'ILLiad' ? { ...t, members: ['ILLiad', 'NORTH'] } : t)) }), 'illiad-rota:fail', /only in rotas with other partners/],
    ['the ILLiad rota is Inactive', () => example, 'illiad-rota-active:warn', /not live yet/],
    ['the API key is missing from the environment', () => live, 'export-api-key:fail', /ILLIAD_API_KEY.*not set/, { ...ENV, ILLIAD_API_KEY: undefined }],
    ['the ILLiad address is missing from the environment', () => live, 'export-url:fail', /ILLIAD_URL.*not set/, { ...ENV, ILLIAD_URL: undefined }],
    ['the regex does not compile', () => withNcip('generalInformation', { userIdentifierRegex: '^[^@*' }), 'identity-regex:fail', /not a valid regular expression/],
    ['the regex without Create User In ILLiad', () => withNcip('exportToThirdParty', { createUserInIlliad: false }), 'identity-create-user:fail', /Create User In ILLiad is off/],
    ['the regex without Search by Email Address', () => withNcip('exportToThirdParty', { searchUserInIlliadUsing: 'USER_IDENTIFIER' }), 'identity-search-by-email:fail', /second account/],
    ['the guest service is on', () => withNcip('generalInformation', { enableServiceForGuestUser: true }), 'guest-service:fail', /Enable Service For Guest User to No/],
    ['export is not Using API', () => withNcip('exportToThirdParty', { exportToThirdParty: 'NO' }), 'export-using-api:fail', /never reaches ILLiad/],
    ['the request id goes to another field', () => withNcip('exportToThirdParty', { exportRequestIdNameTag: 'ItemInfo3' }), 'export-request-id-tag:warn', /ItemInfo3/],
    ['the receive desk does not exist', () => ({ ...live, desks: [] }), 'places:fail', /Receive Desk RS_DESK is not a desk/],
    ['Automatic Receive is off', () => withNcip('acceptItem', { automaticReceive: false }), 'places:warn', /Automatic Receive is off/],
    ['no Default Library Owner', () => withNcip('generalInformation', { defaultLibraryOwner: null }), 'default-library-owner:fail', /blank/],
    ['the partner is Inactive', () => withPartner((p) => ({ ...p, status: 'INACTIVE' })), 'illiad-partner-active:fail', /Inactive/],
    ['the partner is not System Type ILLiad', () => withPartner((p) => ({ ...p, systemType: 'OTHER' })), 'illiad-partner-system-type:fail', /System Type OTHER/],
    ['the partner does not support borrowing', () => withPartner((p) => ({ ...p, supportsBorrowing: false })), 'illiad-partner-borrowing:fail', /Supports Borrowing is off/],
    ['there is no ILLiad partner', () => ({ ...live, partners: live.partners.filter((p) => p.code !== 'ILLiad') }), 'illiad-partner:fail', /Add the partner/],
  ];
  for (const [fault, build, expected, message, env] of faults) {
    test(`one fault: ${fault}`, () => {
      const config = build();
      assert.deepEqual(findings(config, env ?? ENV), [expected]);
      const finding = checkConfiguration(config, env ?? ENV).find((c) => `${c.id}:${c.status}` === expected)!;
      assert.match(finding.message, message);
    });
  }

  test('the ILLiad partner found is the one with System Type ILLiad', () => {
    assert.equal(illiad(live).code, 'ILLiad');
    const found = checkConfiguration(live, ENV).find((c) => c.id === 'illiad-partner')!;
    assert.match(found.message, /Partner ILLiad/);
  });
});
