/**
 * `GET /api/v1/services` (issue 9, item 3) over the guide's configuration: what a discovery system is told for a
 * patron and for a guest, each of the guide's three parameters changed through the API and followed, our holdings
 * (LENDING_HOLDINGS_FILE) deciding Disable Service When, and who must be said to be the user.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { EXAMPLE, EXAMPLE_ENV, PATRONS } from '../ui/helpers.ts';

const ARTICLE = 'url_ver=Z39.88-2004&rft.genre=article&rft.jtitle=Nature&rft.atitle=DNA&rft.aulast=Watson&rft.issn=0028-0836&rft_id=info%3Aoclcnum%2F1586310&rft.bogus=1';

describe('GET /api/v1/services', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp('sqlite', EXAMPLE_ENV, { lendingHoldings: ['1586310'] });
    await t.transfer.importYaml(EXAMPLE);
    await t.transfer.importYaml(PATRONS);
  });
  after(() => t.close());

  const ask = (query: string, token = t.tokenFor.discovery) => t.call('GET', `/api/v1/services?${query}`, { token });
  const setGeneral = async (patch: Record<string, unknown>) => {
    const partner = (await t.call('GET', '/api/v1/partners/ILLiad')).json();
    const response = await t.call('PATCH', '/api/v1/partners/ILLiad', { body: { ncip: { ...partner.ncip, generalInformation: { ...partner.ncip.generalInformation, ...patch } } } });
    assert.equal(response.statusCode, 200, response.body);
  };

  test("the guide's setup, for a patron: ILLiad's service, a link to our request form with the citation", async () => {
    const response = await ask(`${ARTICLE}&patron=100200300`);
    assert.equal(response.statusCode, 200, response.body);
    const answer = response.json();
    assert.deepEqual(answer.user, { guest: false, patron: '100200300' });
    assert.equal(answer.citation.citationType, 'ARTICLE');
    assert.deepEqual(answer.citation.ignored, [{ key: 'rft.bogus', reason: 'not a key Interlend knows' }], 'patron is ours, not the OpenURL’s');
    assert.deepEqual(answer.local, { held: true, available: true, reason: 'we hold 1586310' });
    assert.equal(answer.services.length, 1);
    const [service] = answer.services;
    assert.deepEqual([service.partner, service.offered, service.requestPushingMethod, service.hiddenBecause], ['ILLiad', true, 'LINK', []]);
    assert.match(service.url, /^http:\/\/localhost(:80)?\/openurl\?url_ver=Z39\.88-2004&ctx_ver=Z39\.88-2004&ctx_enc=info%3Aofi%2Fenc%3AUTF-8&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Ajournal&rft\.genre=article&rft\.jtitle=Nature&rft\.atitle=DNA/);
    assert.deepEqual(service.reasons, [
      'Request Pushing Method is Link and the URL Template is blank: the patron request form opens with the citation.',
      'Disable Service When is Never: offered whether or not the library has the item.',
    ]);
    // The link works: our intake opens the request page with the same citation.
    const intake = await t.app.inject({ method: 'GET', url: service.url.replace(/^http:\/\/localhost(:80)?/, '') });
    assert.equal(intake.statusCode, 303);
    assert.match(intake.headers.location as string, /^\/patron\/request\?url_ver=Z39\.88-2004/);
  });

  test('Enable Service For Guest User: No hides it from a guest (not signed in, or a guest patron), with the reason; Yes offers it', async () => {
    for (const who of ['guest=true', 'patron=guest-0001']) {
      const [service] = (await ask(`${ARTICLE}&${who}`)).json().services;
      assert.deepEqual([service.offered, service.url, service.hiddenBecause], [false, null, ['guest']], who);
      assert.ok(service.reasons.includes('Not offered: the user is a guest, and Enable Service For Guest User is No for ILLiad.'));
    }
    await setGeneral({ enableServiceForGuestUser: true });
    assert.equal((await ask(`${ARTICLE}&guest=true`)).json().services[0].offered, true);
    await setGeneral({ enableServiceForGuestUser: false });
  });

  test('Disable Service When: Held locally / Available locally hide what our holdings list; Never does not', async () => {
    for (const when of ['HELD_LOCALLY', 'AVAILABLE_LOCALLY']) {
      await setGeneral({ disableServiceWhen: when });
      const held = (await ask(`${ARTICLE}&patron=100200300`)).json().services[0];
      assert.equal(held.offered, false, when);
      assert.match(held.reasons.at(-1), /^Not offered: the library (holds|has an available copy of) the item \(we hold 1586310\)/);
      const other = (await ask('rft.btitle=Elsewhere&rft_id=info:oclcnum/999&patron=100200300')).json().services[0];
      assert.equal(other.offered, true, `${when}: not ours`);
      assert.match(other.reasons.at(-1), /and the library does not: we hold none of 999/);
    }
    await setGeneral({ disableServiceWhen: 'NEVER' });
    assert.equal((await ask(`${ARTICLE}&patron=100200300`)).json().services[0].offered, true);
  });

  test('Request Pushing Method: Link with a URL Template, then OpenURL', async () => {
    await setGeneral({ urlTemplate: 'https://illiad.example.edu/illiad.dll?Action=10&Form=22&title={title}&atitle={articleTitle}&oclc={oclc}' });
    assert.equal((await ask(`${ARTICLE}&patron=100200300`)).json().services[0].url, 'https://illiad.example.edu/illiad.dll?Action=10&Form=22&title=Nature&atitle=DNA&oclc=1586310');
    await setGeneral({ requestPushingMethod: 'OPEN_URL', urlTemplate: 'https://illiad.example.edu/illiad/OpenURL' });
    const service = (await ask(`${ARTICLE}&patron=100200300`)).json().services[0];
    assert.equal(service.requestPushingMethod, 'OPEN_URL');
    assert.match(service.url, /^https:\/\/illiad\.example\.edu\/illiad\/OpenURL\?url_ver=Z39\.88-2004&/);
    await setGeneral({ requestPushingMethod: 'LINK', urlTemplate: null });
  });

  test('a blocked patron is offered nothing, and told why', async () => {
    const [service] = (await ask(`${ARTICLE}&patron=100200303`)).json().services;
    assert.equal(service.offered, false);
    assert.ok(service.reasons.includes('Not offered: the library account is blocked (Fines over the limit).'));
  });

  test('the user must be said: a patron or guest=true, not both, not neither; an unknown patron is not found', async () => {
    const neither = await ask(ARTICLE);
    assert.equal(neither.statusCode, 400);
    assert.match(neither.json().error.message, /say who the user is: patron=<primary id>, or guest=true/);
    assert.equal((await ask(`${ARTICLE}&patron=100200300&guest=true`)).statusCode, 400);
    assert.equal((await ask(`${ARTICLE}&guest=maybe`)).statusCode, 400);
    assert.equal((await ask(`${ARTICLE}&patron=nobody`)).statusCode, 404);
    const garbage = await ask('%ZZ=%&&rft.btitle=%E0%A4&guest=true');
    assert.equal(garbage.statusCode, 200, 'a broken OpenURL is still answered');
    assert.ok(garbage.json().citation.ignored.length >= 1);
  });

  test('a discovery token reads services and nothing else; staff roles may too; a peer may not', async () => {
    assert.equal((await t.call('GET', '/api/v1/borrowing-requests', { token: t.tokenFor.discovery })).statusCode, 403);
    assert.equal((await t.call('GET', '/api/v1/patrons', { token: t.tokenFor.discovery })).statusCode, 403);
    assert.equal((await ask(`${ARTICLE}&guest=true`, t.tokenFor['read-only'])).statusCode, 200);
    assert.equal((await ask(`${ARTICLE}&guest=true`, t.tokenFor.peer)).statusCode, 403);
    const signIn = await t.app.inject({ method: 'POST', url: '/ui/sign-in', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${t.tokenFor.discovery}` });
    assert.equal(signIn.statusCode, 403, 'not a staff sign-in');
  });
});
