/** The configuration API: what it accepts, what it refuses and how it says so. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { isoPartner, ncipPartner, seedPlaces } from '../support/fixtures.ts';

describe('configuration API', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await seedPlaces((m, u, o) => t.call(m, u, o));
  });
  after(() => t.close());

  test('a partner is created with its id and every NCIP section filled with defaults', async () => {
    const response = await t.call('POST', '/api/v1/partners', { body: ncipPartner('ILLiad') });
    assert.equal(response.statusCode, 201, response.body);
    const partner = response.json();
    assert.match(partner.id, /^id\d+$/);
    assert.equal(partner.ncip.generalInformation.loanPeriod, 90);
    assert.equal(partner.ncip.exportToThirdParty.exportRequestIdNameTag, 'ReferenceNumber');
    assert.deepEqual(partner.ncip.exportToThirdParty.apiKey, { set: true });
    assert.deepEqual(Object.keys(partner.ncip), ['generalInformation', 'requestItem', 'checkOutItem', 'acceptItem', 'lookUpUser', 'exportToThirdParty', 'createUserFiscalTransaction']);
    assert.equal((await t.call('GET', `/api/v1/partners/${partner.id}`)).json().code, 'ILLiad');
    assert.equal((await t.call('GET', '/api/v1/partners/ILLiad')).json().id, partner.id, 'found by code as well as by id');
  });

  test('a regex that does not compile is refused with the field and a sentence', async () => {
    const body = ncipPartner('BROKEN');
    (body.ncip.generalInformation as Record<string, unknown>).userIdentifierRegex = '^[^@*';
    const response = await t.call('POST', '/api/v1/partners', { body });
    assert.equal(response.statusCode, 422);
    const { error } = response.json();
    assert.equal(error.code, 'ILL_ERR_VALIDATION');
    assert.equal(error.message, 'ncip.generalInformation.userIdentifierRegex: "^[^@*" is not a valid regular expression: missing ]');
    assert.deepEqual(error.problems, [{ path: 'ncip.generalInformation.userIdentifierRegex', message: '"^[^@*" is not a valid regular expression: missing ]' }]);
  });

  test('every problem of a body is reported at once', async () => {
    const body = {
      code: 'bad code!',
      name: '',
      profileType: 'NCIP',
      ncip: {
        generalInformation: { loanPeriod: -5, requestPushingMethod: 'CARRIER_PIGEON', userIdentifierType: 'EMAIL', brokerSystemNcipUrl: 'illiad.example.edu/ncip' },
        exportToThirdParty: { exportToThirdParty: 'USING_API', searchUserInIlliadUsing: 'EMAIL', colour: 'blue' },
      },
    };
    const response = await t.call('POST', '/api/v1/partners', { body });
    assert.equal(response.statusCode, 422);
    const problems = Object.fromEntries(response.json().error.problems.map((p: { path: string; message: string }) => [p.path, p.message]));
    assert.match(problems.code, /must be 1 to 64 letters/);
    assert.equal(problems.name, 'must not be empty');
    assert.equal(problems['ncip.generalInformation.loanPeriod'], 'must be a positive number of days');
    assert.equal(problems['ncip.generalInformation.requestPushingMethod'], '"CARRIER_PIGEON" is not allowed here: use one of LINK, OPEN_URL');
    assert.match(problems['ncip.generalInformation.brokerSystemNcipUrl'], /is not a URL/);
    assert.equal(problems['ncip.exportToThirdParty.searchUserInIlliadUsing'], '"EMAIL" is not allowed here: use one of USER_IDENTIFIER, EMAIL_ADDRESS');
    assert.match(problems['ncip.exportToThirdParty.colour'], /is not a field here/);
  });

  test('using the API for export needs an address and a key', async () => {
    const body = ncipPartner('NOKEY');
    body.ncip.exportToThirdParty = { exportToThirdParty: 'USING_API' } as never;
    const response = await t.call('POST', '/api/v1/partners', { body });
    assert.equal(response.statusCode, 422);
    const paths = response.json().error.problems.map((p: { path: string }) => p.path);
    assert.deepEqual(paths, ['ncip.exportToThirdParty.url', 'ncip.exportToThirdParty.apiKey']);
  });

  test('a duplicate code gives 409', async () => {
    const response = await t.call('POST', '/api/v1/partners', { body: ncipPartner('ILLiad') });
    assert.equal(response.statusCode, 409);
    assert.equal(response.json().error.code, 'ILL_ERR_DUPLICATE');
    assert.equal(response.json().error.message, 'code: a partner ILLiad already exists');
  });

  test('references to objects that do not exist give 422 naming them', async () => {
    const body = ncipPartner('GHOSTS');
    body.ncip.acceptItem = { defaultLocation: 'NO_SUCH_SHELF', receiveDesk: 'NO_SUCH_DESK' } as never;
    const response = await t.call('POST', '/api/v1/partners', { body });
    assert.equal(response.statusCode, 422);
    const { error } = response.json();
    assert.equal(error.code, 'ILL_ERR_REFERENCE_NOT_FOUND');
    assert.deepEqual(error.problems, [
      { path: 'ncip.acceptItem.defaultLocation', message: 'names location NO_SUCH_SHELF, which does not exist' },
      { path: 'ncip.acceptItem.receiveDesk', message: 'names circulation desk NO_SUCH_DESK, which does not exist' },
    ]);
    const template = await t.call('POST', '/api/v1/rota-templates', { body: { code: 'T', name: 'T', members: ['ILLiad', 'NOBODY'] } });
    assert.equal(template.statusCode, 422);
    assert.equal(template.json().error.message, 'members[1]: names partner NOBODY, which does not exist');
  });

  test('deleting a partner still in a rota template is refused with the template name', async () => {
    const template = await t.call('POST', '/api/v1/rota-templates', { body: { code: 'ILLiad', name: 'ILLiad Partner', type: 'ORDERED', members: ['ILLiad'] } });
    assert.equal(template.statusCode, 201, template.body);
    const response = await t.call('DELETE', '/api/v1/partners/ILLiad');
    assert.equal(response.statusCode, 409);
    assert.equal(response.json().error.code, 'ILL_ERR_IN_USE');
    assert.match(response.json().error.message, /^partner ILLiad is still used by rota template ILLiad \(ILLiad Partner\)/);
    assert.equal((await t.call('GET', '/api/v1/partners/ILLiad')).statusCode, 200, 'the partner is still there');
  });

  test('deleting a library still named elsewhere is refused, naming each user', async () => {
    const response = await t.call('DELETE', '/api/v1/libraries/MAIN');
    assert.equal(response.statusCode, 409);
    const message = response.json().error.message;
    for (const user of ['circulation desk RS_DESK', 'location RS_LONG_LOAN', 'partner ILLiad']) assert.ok(message.includes(user), `${message} names ${user}`);
  });

  test('codes cannot change; everything else can, through PUT or PATCH', async () => {
    const current = (await t.call('GET', '/api/v1/partners/ILLiad')).json();
    const renamed = await t.call('PUT', '/api/v1/partners/ILLiad', { body: { ...current, code: 'ILLIAD2' } });
    assert.equal(renamed.statusCode, 422);
    assert.equal(renamed.json().error.code, 'ILL_ERR_IMMUTABLE');
    // A body copied from GET (with id, createdAt, updatedAt and the hidden key) can be sent back as it is.
    const same = await t.call('PUT', '/api/v1/partners/ILLiad', { body: { ...current, name: 'ILLiad (main)' } });
    assert.equal(same.statusCode, 200, same.body);
    assert.equal(same.json().name, 'ILLiad (main)');
    assert.deepEqual(same.json().ncip.exportToThirdParty.apiKey, { set: true });
    const patched = await t.call('PATCH', '/api/v1/partners/ILLiad', { body: { ncip: { generalInformation: { loanPeriod: 60 } } } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().ncip.generalInformation.loanPeriod, 60);
    assert.equal(patched.json().ncip.generalInformation.userIdentifierRegex, '^[^@]*');
    const stored = await t.storage.read.config('partners').findByKey('ILLiad');
    const key = (stored!.doc as { ncip: { exportToThirdParty: { apiKey: { reveal(env: object): string } } } }).ncip.exportToThirdParty.apiKey;
    assert.equal(key.reveal({}), 'a-literal-api-key-1234', 'the stored key survives PUT and PATCH');
  });

  test('keeping a secret that was never stored is a clear error', async () => {
    const body = ncipPartner('KEEPER');
    (body.ncip.exportToThirdParty as Record<string, unknown>).apiKey = { set: true };
    const response = await t.call('POST', '/api/v1/partners', { body });
    assert.equal(response.statusCode, 422);
    assert.match(response.json().error.message, /ncip\.exportToThirdParty\.apiKey: \{ set: true \} keeps the stored secret, but none is stored/);
  });

  test('rota rules: create at a position, move, make final', async () => {
    await t.call('POST', '/api/v1/rota-templates', { body: { code: 'PEERS', name: 'Peers', type: 'NON_ORDERED', members: [] } });
    const last = { name: 'ILLiad last', conditions: [{ parameter: 'REQUESTED_FORMAT', operator: 'IS_NOT_EMPTY' }], templates: ['ILLiad'] };
    assert.equal((await t.call('POST', '/api/v1/rota-rules', { body: last })).json().position, 1);
    const peers = { name: 'Peers', conditions: [{ parameter: 'REQUESTED_FORMAT', operator: 'IN_LIST', value: ['PHYSICAL'] }], templates: ['PEERS'] };
    assert.equal((await t.call('POST', '/api/v1/rota-rules', { body: peers })).json().position, 2);
    const made = await t.call('POST', '/api/v1/rota-rules/ILLiad last/make-final');
    assert.equal(made.statusCode, 200, made.body);
    assert.equal(made.json().position, 2);
    const third = await t.call('POST', '/api/v1/rota-rules', { body: { name: 'Rush first', position: 1, conditions: [{ parameter: 'LEVEL_OF_SERVICE', operator: 'EQUALS', value: 'RUSH' }], templates: ['PEERS'] } });
    assert.equal(third.json().position, 1);
    const names = async () => (await t.call('GET', '/api/v1/rota-rules')).json().items.map((r: { name: string; position: number }) => `${r.position}:${r.name}`);
    assert.deepEqual(await names(), ['1:Rush first', '2:Peers', '3:ILLiad last']);
    assert.equal((await t.call('POST', '/api/v1/rota-rules/Rush first/move', { body: { position: 2 } })).statusCode, 200);
    assert.deepEqual(await names(), ['1:Peers', '2:Rush first', '3:ILLiad last']);
    const bad = await t.call('POST', '/api/v1/rota-rules/Peers/move', { body: { position: 9 } });
    assert.equal(bad.statusCode, 422);
    assert.equal(bad.json().error.message, 'position: must be a whole number from 1 to 3');
    assert.equal((await t.call('DELETE', '/api/v1/rota-rules/Peers')).statusCode, 204);
    assert.deepEqual(await names(), ['1:Rush first', '2:ILLiad last'], 'positions close up after a delete');
  });

  test('rule conditions are checked against their operator and parameter', async () => {
    const response = await t.call('POST', '/api/v1/rota-rules', {
      body: {
        name: 'Broken',
        conditions: [
          { parameter: 'REQUESTED_FORMAT', operator: 'EQUALS', value: 'VINYL' },
          { parameter: 'CITATION_TYPE', operator: 'IN_LIST', value: 'BOOK' },
          { parameter: 'USER_GROUP', operator: 'IS_EMPTY', value: 'FACULTY' },
        ],
        templates: [],
      },
    });
    assert.equal(response.statusCode, 422);
    assert.deepEqual(
      response.json().error.problems.map((p: { path: string; message: string }) => `${p.path}: ${p.message}`),
      [
        'conditions[0].value: "VINYL" is not a Requested Format: use one of PHYSICAL, DIGITAL, PHYSICAL_NON_RETURNABLE',
        'conditions[1].value: must be a list of one or more values for In List',
        'conditions[2].value: must be left out: Is Empty takes no value',
        'templates: must name at least one rota template',
      ],
    );
    const library = await t.call('POST', '/api/v1/rota-rules', {
      body: { name: 'Pickup', conditions: [{ parameter: 'PICKUP_LIBRARY', operator: 'IN_LIST', value: ['MAIN', 'ATLANTIS'] }], templates: ['PEERS'] },
    });
    assert.equal(library.statusCode, 422);
    assert.equal(library.json().error.message, 'conditions[0].value[1]: names library ATLANTIS, which does not exist');
  });

  test('lists page and filter, and refuse filters they do not have', async () => {
    for (const code of ['P1', 'P2', 'P3']) assert.equal((await t.call('POST', '/api/v1/partners', { body: isoPartner(code) })).statusCode, 201);
    const page = (await t.call('GET', '/api/v1/partners?profileType=ISO18626&limit=2&offset=1')).json();
    assert.equal(page.total, 3);
    assert.deepEqual(page.items.map((p: { code: string }) => p.code), ['P2', 'P3']);
    assert.equal(page.limit, 2);
    const unknown = await t.call('GET', '/api/v1/partners?colour=red');
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().error.message, 'colour: is not a filter of partners: use status, profileType, q, limit or offset');
    const badValue = await t.call('GET', '/api/v1/partners?status=SLEEPING');
    assert.equal(badValue.json().error.message, 'status: "SLEEPING" is not allowed here: use ACTIVE, INACTIVE');
    const tooMany = await t.call('GET', '/api/v1/partners?limit=100000');
    assert.equal(tooMany.statusCode, 400);
    assert.equal(tooMany.json().error.message, 'limit: must be at most 500');
  });

  test('patrons: an identifier belongs to one patron only', async () => {
    const first = { primaryId: 'P-1', firstName: 'Christopher', lastName: 'Lee', email: 'cwlee@example.edu', userGroup: 'FACULTY', identifiers: [{ type: 'BARCODE', value: 'B1' }] };
    assert.equal((await t.call('POST', '/api/v1/patrons', { body: first })).statusCode, 201);
    const clash = await t.call('POST', '/api/v1/patrons', { body: { ...first, primaryId: 'P-2', email: 'CWLEE@example.edu', identifiers: [{ type: 'BARCODE', value: 'b1' }] } });
    assert.equal(clash.statusCode, 409);
    assert.deepEqual(clash.json().error.problems, [
      { path: 'email', message: 'cwlee@example.edu already belongs to patron P-1' },
      { path: 'identifiers[0].value', message: 'b1 already belongs to patron P-1' },
    ]);
    const edited = await t.call('PATCH', '/api/v1/patrons/P-1', { body: { userGroup: 'EMERITUS' } });
    assert.equal(edited.statusCode, 200, 'a patron does not clash with itself');
  });

  test('bad bodies and unknown addresses get JSON errors, not 500s', async () => {
    const notJson = await t.call('POST', '/api/v1/libraries', { body: '{"code": ', headers: { 'content-type': 'application/json' } });
    assert.equal(notJson.statusCode, 400);
    assert.equal(notJson.json().error.code, 'ILL_ERR_BAD_REQUEST');
    const big = await t.call('POST', '/api/v1/libraries', { body: JSON.stringify({ code: 'X', name: 'x'.repeat(2 * 1024 * 1024) }), headers: { 'content-type': 'application/json' } });
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().error.code, 'ILL_ERR_PAYLOAD_TOO_LARGE');
    const missing = await t.call('GET', '/api/v1/partners/NOPE');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.message, 'partner NOPE does not exist');
    const nowhere = await t.call('GET', '/api/v1/nowhere');
    assert.equal(nowhere.statusCode, 404);
    const patchArray = await t.call('PATCH', '/api/v1/libraries/MAIN', { body: [1, 2] });
    assert.equal(patchArray.statusCode, 422);
  });

  test('the institution is set once and names its default pickup library', async () => {
    assert.equal((await t.call('GET', '/api/v1/institution')).statusCode, 404);
    const bad = await t.call('PUT', '/api/v1/institution', { body: { code: 'CSU', name: 'CSU', ncipAgencyId: 'CSU', timeZone: 'Mars/Olympus', defaultPickupLibrary: 'MAIN' } });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.json().error.message, /timeZone: "Mars\/Olympus" is not a time zone/);
    const good = await t.call('PUT', '/api/v1/institution', { body: { code: 'CSU', name: 'CSU', ncipAgencyId: 'CSU', timeZone: 'America/Los_Angeles', defaultPickupLibrary: 'MAIN' } });
    assert.equal(good.statusCode, 200, good.body);
    assert.equal((await t.call('GET', '/api/v1/institution')).json().timeZone, 'America/Los_Angeles');
  });
});
