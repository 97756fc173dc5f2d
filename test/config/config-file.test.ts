/** Configuration as code: the guide's example, round trips, and files that must change nothing. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, beforeEach, describe, test } from 'node:test';
import { InterlendError } from '../../src/domain/errors.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { DIALECTS } from '../support/databases.ts';

const EXAMPLE = readFileSync(new URL('../../examples/lender-of-last-resort.yaml', import.meta.url), 'utf8');
const PATRONS = readFileSync(new URL('../../examples/demo-patrons.yaml', import.meta.url), 'utf8');
const ENV = { ILLIAD_URL: 'https://illiad.example.edu/ILLiadWebPlatform', ILLIAD_API_KEY: 'env-key-9999', NORTH_PEER_URL: 'http://127.0.0.1:9001/iso18626' };

async function problemsOf(work: Promise<unknown>): Promise<InterlendError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof InterlendError) return error;
    throw error;
  }
  assert.fail('the import should have been refused');
}

for (const { dialect, skip } of DIALECTS) {
  describe(`configuration file on ${dialect}`, { skip }, () => {
    let t: TestApp | undefined;
    let app: TestApp;
    beforeEach(async () => {
      await t?.close();
      t = await createTestApp(dialect, ENV);
      app = t;
    });
    after(() => t?.close());

    test('the guide example imports into an empty database with every value of the guide', async () => {
      const report = await app.transfer.importYaml(EXAMPLE);
      assert.equal(report.applied, true);
      assert.equal(report.sections.partners!.created, 3);
      assert.deepEqual(report.warnings.map((w) => w.path), ['partners[2].iso18626.url'], 'only SOUTH_PEER_URL is not set');
      const illiad = (await app.call('GET', '/api/v1/partners/ILLiad')).json();
      assert.equal(illiad.profileType, 'NCIP');
      assert.equal(illiad.systemType, 'ILLIAD');
      assert.equal(illiad.borrowingWorkflow, 'Borrowing NZ workflow');
      assert.equal(illiad.lendingWorkflow, 'Lending NZ Workflow');
      assert.deepEqual(illiad.ncip.generalInformation, {
        userIdentifierType: 'EMAIL',
        userIdentifierRegex: '^[^@]*',
        brokerSystemNcipUrl: null,
        disableServiceWhen: 'NEVER',
        loanPeriod: 90,
        requestPushingMethod: 'LINK',
        urlTemplate: null,
        enableServiceForGuestUser: false,
        defaultLibraryOwner: 'MAIN',
      });
      assert.deepEqual(illiad.ncip.requestItem, { bibliographicRecordIdType: 'OCLC_NUMBER', defaultLocation: 'RS_LONG_LOAN', supportBorrowing: true, defaultPickupLibrary: 'MAIN' });
      assert.deepEqual(illiad.ncip.checkOutItem, { defaultLocation: 'RS_LONG_LOAN', defaultItemPolicy: 'GENERAL' });
      assert.deepEqual(illiad.ncip.acceptItem, { defaultLocation: 'RS_LONG_LOAN', automaticReceive: true, defaultPickupLibrary: 'MAIN', receiveDesk: 'RS_DESK' });
      assert.deepEqual(illiad.ncip.lookUpUser, { requireAuthentication: false });
      assert.deepEqual(illiad.ncip.exportToThirdParty, {
        exportToThirdParty: 'USING_API',
        url: '${ILLIAD_URL}',
        exportRequestIdNameTag: 'ReferenceNumber',
        closeRequestWhenExported: false,
        createUserInIlliad: true,
        searchUserInIlliadUsing: 'EMAIL_ADDRESS',
        nvtgc: null,
        status: null,
        notificationPreference: null,
        notificationMethod: 'ELECTRONIC',
        deliveryMethod: 'HOLD_FOR_PICKUP',
        loanDeliveryMethod: 'HOLD_FOR_PICKUP',
        electronicDelivery: false,
        authType: 'DEFAULT',
        apiKey: '${ILLIAD_API_KEY}',
      });
      assert.deepEqual(illiad.ncip.createUserFiscalTransaction, { createFeeUsing: 'IGNORE_MESSAGE' });
      const template = (await app.call('GET', '/api/v1/rota-templates/ILLiad')).json();
      assert.deepEqual([template.name, template.type, template.status, template.members], ['ILLiad Partner', 'ORDERED', 'INACTIVE', ['ILLiad']]);
      const rules = (await app.call('GET', '/api/v1/rota-rules')).json().items;
      const final = rules.at(-1);
      assert.equal(final.position, rules.length, 'the ILLiad rule is the final rule');
      assert.deepEqual(final.conditions, [{ parameter: 'REQUESTED_FORMAT', operator: 'IS_NOT_EMPTY', value: null }]);
      assert.deepEqual(final.templates, ['ILLiad']);
      assert.deepEqual(rules[0].templates, ['PEERS']);
      assert.deepEqual((await app.call('GET', '/api/v1/rota-templates/PEERS')).json().members, ['NORTH', 'SOUTH']);
    });

    test('export, import into an empty database, export again: byte-identical', async () => {
      await app.transfer.importYaml(EXAMPLE);
      await app.transfer.importYaml(PATRONS);
      // A literal key, set through the API, travels as { set: true } and is kept by the import.
      const patched = await app.call('PATCH', '/api/v1/partners/SOUTH', { body: { iso18626: { sharedSecret: 'literal-secret-42' } } });
      assert.equal(patched.statusCode, 200, patched.body);
      const first = await app.transfer.exportYaml();
      assert.ok(!first.includes('literal-secret-42'));
      assert.ok(first.includes('apiKey: ${ILLIAD_API_KEY}'));
      assert.match(first, /sharedSecret:\n\s+set: true/);

      const again = await app.transfer.importYaml(first);
      assert.ok(Object.values(again.sections).every((s) => s.created === 0 && s.updated === 0 && s.deleted === 0), 'importing its own export changes nothing');
      assert.equal(await app.transfer.exportYaml(), first);

      const other = await createTestApp(dialect, ENV);
      try {
        // Into an empty database a { set: true } has nothing to keep: that is reported, not silently dropped.
        const refused = await problemsOf(other.transfer.importYaml(first));
        assert.equal(refused.problems.length, 1);
        assert.match(refused.problems[0]!.path, /^partners\[\d\]\.iso18626\.sharedSecret$/);
        assert.equal(refused.problems[0]!.line, first.split('\n').findIndex((l) => /sharedSecret:\s*$/.test(l)) + 1);
        const portable = first.replace(/sharedSecret:\n\s+set: true/, 'sharedSecret: ${SOUTH_SECRET}');
        await other.transfer.importYaml(portable);
        const second = await other.transfer.exportYaml();
        await other.transfer.importYaml(second);
        assert.equal(await other.transfer.exportYaml(), second);
        assert.equal(second, portable, 'export -> import -> export is byte-identical');
      } finally {
        await other.close();
      }
    });

    test('a bad file changes nothing and reports every problem with its line', async () => {
      await app.transfer.importYaml(EXAMPLE);
      const before = await app.transfer.exportYaml();
      const bad = EXAMPLE.replace('userIdentifierRegex: ^[^@]*', 'userIdentifierRegex: ^[^@*')
        .replace('loanPeriod: 90', 'loanPeriod: ninety')
        .replace('members: [NORTH, SOUTH]', 'members: [NORTH, SOUTH, WEST]')
        .replace('name: Science Library', 'name: Science Library\n    colour: green');
      const error = await problemsOf(app.transfer.importYaml(bad));
      const lines = bad.split('\n');
      const lineOf = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;
      assert.deepEqual(
        error.problems.map((p) => [p.line, p.path, p.message]),
        [
          [lineOf('colour: green'), 'libraries[1].colour', 'is not a field here: check its spelling and its section'],
          [lineOf('userIdentifierRegex: ^[^@*'), 'partners[0].ncip.generalInformation.userIdentifierRegex', '"^[^@*" is not a valid regular expression: missing ]'],
          [lineOf('loanPeriod: ninety'), 'partners[0].ncip.generalInformation.loanPeriod', 'must be a number, not "ninety"'],
        ],
      );
      assert.equal(await app.transfer.exportYaml(), before, 'nothing was written');
      // Shape problems come first; references are checked once the shapes hold.
      const dangling = EXAMPLE.replace('members: [NORTH, SOUTH]', 'members: [NORTH, SOUTH, WEST]');
      const refs = await problemsOf(app.transfer.importYaml(dangling));
      assert.equal(refs.code, 'ILL_ERR_REFERENCE_NOT_FOUND');
      const danglingLine = dangling.split('\n').findIndex((l) => l.includes('members: [NORTH, SOUTH, WEST]')) + 1;
      assert.deepEqual(refs.problems.map((p) => [p.line, p.path, p.message]), [[danglingLine, 'rotaTemplates[0].members[2]', 'names partner WEST, which does not exist']]);
      assert.equal(await app.transfer.exportYaml(), before);
    });

    test('YAML that does not parse is refused with its line', async () => {
      const error = await problemsOf(app.transfer.importYaml('version: 1\nlibraries:\n  - code: MAIN\n    name: [unclosed\n'));
      assert.equal(error.code, 'ILL_ERR_CONFIG_FILE');
      assert.ok(error.problems[0]!.line! >= 4, `line ${error.problems[0]!.line}`);
      const dup = await problemsOf(app.transfer.importYaml('version: 1\nlibraries: []\nlibraries: []\n'));
      assert.equal(dup.problems[0]!.line, 3);
      const unknown = await problemsOf(app.transfer.importYaml('version: 2\nlibrarys: []\n'));
      assert.deepEqual(unknown.problems.map((p) => `${p.line} ${p.path}`), ['1 version', '2 librarys']);
    });

    test('duplicate keys within a section are reported', async () => {
      const error = await problemsOf(app.transfer.importYaml('libraries:\n  - { code: A, name: A }\n  - { code: A, name: Again }\n'));
      assert.deepEqual(error.problems.map((p) => [p.line, p.path, p.message]), [[3, 'libraries[1].code', 'A is already used by libraries[0]']]);
    });

    test('sections merge by key; prune removes what a listed section leaves out; dry runs write nothing', async () => {
      await app.transfer.importYaml(EXAMPLE);
      await app.transfer.importYaml('itemPolicies:\n  - { code: SHORT, name: Short loan, loanPeriodDays: 7 }\n');
      assert.equal((await app.call('GET', '/api/v1/item-policies')).json().total, 2, 'merged: GENERAL stays');
      const blocked = await problemsOf(app.transfer.importYaml('itemPolicies:\n  - { code: SHORT, name: Short loan, loanPeriodDays: 7 }\n', { prune: true }));
      assert.match(blocked.problems[0]!.message, /names item policy GENERAL, which does not exist/, 'pruning GENERAL would leave the ILLiad partner pointing at nothing');
      const dry = await app.transfer.importYaml('locations:\n  - { code: RS_LONG_LOAN, name: Long loans, library: MAIN }\n  - { code: RS_LENDING, name: Lending, library: MAIN }\n', { dryRun: true });
      assert.equal(dry.applied, false);
      assert.equal(dry.sections.locations!.updated, 2);
      assert.equal((await app.call('GET', '/api/v1/locations/RS_LONG_LOAN')).json().name, 'Resource Sharing Long Loan', 'a dry run writes nothing');
      const pruned = await app.transfer.importYaml('locations:\n  - { code: RS_LONG_LOAN, name: Resource Sharing Long Loan, library: MAIN }\n', { prune: true });
      assert.equal(pruned.sections.locations!.deleted, 1);
      assert.equal((await app.call('GET', '/api/v1/locations')).json().total, 1);
    });

    test('POST /api/v1/config takes YAML and JSON and answers with the report', async () => {
      const yaml = await app.call('POST', '/api/v1/config', { body: EXAMPLE, headers: { 'content-type': 'application/yaml' } });
      assert.equal(yaml.statusCode, 200, yaml.body);
      assert.equal(yaml.json().sections.partners.created, 3);
      const bad = await app.call('POST', '/api/v1/config', { body: EXAMPLE.replace('loanPeriod: 90', 'loanPeriod: 0'), headers: { 'content-type': 'text/yaml' } });
      assert.equal(bad.statusCode, 422);
      assert.equal(bad.json().error.problems[0].line, EXAMPLE.split('\n').findIndex((l) => l.includes('loanPeriod: 90')) + 1);
      const json = await app.call('POST', '/api/v1/config?dryRun=true', { body: { libraries: [{ code: 'LAW', name: 'Law Library' }] } });
      assert.equal(json.statusCode, 200, json.body);
      // Counts are of the objects the file lists; MAIN and SCIENCE, not listed, are kept as they are.
      assert.deepEqual(json.json().sections.libraries, { created: 1, updated: 0, unchanged: 0, deleted: 0 });
      const exported = await app.call('GET', '/api/v1/config');
      assert.equal(exported.headers['content-type'], 'application/yaml; charset=utf-8');
      assert.equal(exported.body, await app.transfer.exportYaml());
      const asJson = await app.call('GET', '/api/v1/config', { headers: { accept: 'application/json' } });
      assert.equal(asJson.json().partners.length, 3);
    });
  });
}
