/**
 * The services rules (issue 9, item 3), a test per value of each of the guide's three General Information
 * parameters: Request Pushing Method (Link with a template, Link blank, OpenURL), Enable Service For Guest User
 * (Yes, No), Disable Service When (Never, Held locally, Available locally), and the lender of last resort's say over
 * the patron request form.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseOpenUrl } from '../../src/domain/bib/openurl.ts';
import { partnerSchema, type NcipPartner, type Partner } from '../../src/domain/config/partner.ts';
import { decideService, fillUrlTemplate, type LocalCopy, requestFormDecision, requestServices, type ServiceContext } from '../../src/domain/patron/request-services.ts';

function illiad(general: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): NcipPartner {
  return partnerSchema.parse({ code: 'ILLiad', name: 'ILLiad', profileType: 'NCIP', systemType: 'ILLIAD', ncip: { generalInformation: general }, ...extra }) as NcipPartner;
}

const article = parseOpenUrl('url_ver=Z39.88-2004&rft.genre=article&rft.jtitle=Nature&rft.atitle=DNA+%26+you&rft.aulast=Watson&rft.aufirst=J.&rft.issn=0028-0836&rft.date=1953&rft_id=info:oclcnum/1586310&rft_id=info:pmid/13054692');
const UNKNOWN: LocalCopy = { held: null, available: null, reason: 'this library publishes no holdings' };
const HELD_AND_AVAILABLE: LocalCopy = { held: true, available: true, reason: 'we hold 1586310' };
const HELD_NOT_AVAILABLE: LocalCopy = { held: true, available: false, reason: 'our copy is on loan' };
const NOT_HELD: LocalCopy = { held: false, available: false, reason: 'we hold none of 1586310, 00280836' };

const context = (over: Partial<ServiceContext> = {}): ServiceContext => ({
  user: { guest: false },
  local: UNKNOWN,
  citation: { fields: article.fields, citationType: article.citationType, pmid: article.pmid },
  requestFormUrl: 'https://ill.example.edu/openurl',
  ...over,
});

describe('Request Pushing Method', () => {
  test('Link with a blank URL Template (the guide): our request form, opened with the citation as an OpenURL', () => {
    const decision = decideService(illiad(), context());
    assert.equal(decision.offered, true);
    assert.equal(decision.requestPushingMethod, 'LINK');
    const url = new URL(decision.url!);
    assert.equal(`${url.origin}${url.pathname}`, 'https://ill.example.edu/openurl');
    const back = parseOpenUrl(url.search);
    assert.deepEqual(back.fields, article.fields, 'the form gets the same citation');
    assert.equal(back.pmid, '13054692');
    assert.match(decision.reasons[0]!, /URL Template is blank: the patron request form opens/);
  });

  test('Link with a URL Template: every placeholder filled, URL-encoded; unknown ones left as written', () => {
    const template = 'https://illiad.example.edu/illiad.dll?Action=10&Form=22&PhotoJournalTitle={title}&PhotoArticleTitle={articleTitle}&PhotoArticleAuthor={articleAuthor}&ISSN={issn}&ESPNumber={oclc}&PMID={pmid}&PhotoJournalYear={year}&Genre={genre}&x={nothing}';
    const decision = decideService(illiad({ urlTemplate: template }), context());
    assert.equal(
      decision.url,
      'https://illiad.example.edu/illiad.dll?Action=10&Form=22&PhotoJournalTitle=Nature&PhotoArticleTitle=DNA%20%26%20you&PhotoArticleAuthor=Watson%2C%20J.&ISSN=0028-0836&ESPNumber=1586310&PMID=13054692&PhotoJournalYear=1953&Genre=article&x={nothing}',
    );
    assert.match(decision.reasons[0]!, /the URL Template is filled from the citation/);
    assert.match(fillUrlTemplate('https://r.example.edu/?{openurl}', context().citation), /^https:\/\/r\.example\.edu\/\?url_ver=Z39\.88-2004&/);
  });

  test('OpenURL: the template is the partner\'s OpenURL address, with the citation appended', () => {
    const decision = decideService(illiad({ requestPushingMethod: 'OPEN_URL', urlTemplate: 'https://illiad.example.edu/illiad/illiad.dll/OpenURL' }), context());
    assert.equal(decision.requestPushingMethod, 'OPEN_URL');
    assert.match(decision.url!, /^https:\/\/illiad\.example\.edu\/illiad\/illiad\.dll\/OpenURL\?url_ver=Z39\.88-2004&ctx_ver=Z39\.88-2004/);
    assert.match(decideService(illiad({ requestPushingMethod: 'OPEN_URL', urlTemplate: 'https://x.example.edu/?sid=interlend' }), context()).url!, /\?sid=interlend&url_ver=/);
  });
});

describe('Enable Service For Guest User', () => {
  test('No (the guide): hidden for a guest, with the reason; offered to a patron', () => {
    const guest = decideService(illiad({ enableServiceForGuestUser: false }), context({ user: { guest: true } }));
    assert.equal(guest.offered, false);
    assert.equal(guest.url, null);
    assert.deepEqual(guest.hiddenBecause, ['guest']);
    assert.ok(guest.reasons.includes('Not offered: the user is a guest, and Enable Service For Guest User is No for ILLiad.'));
    assert.equal(decideService(illiad({ enableServiceForGuestUser: false }), context()).offered, true);
  });

  test('Yes: offered to a guest too', () => {
    const guest = decideService(illiad({ enableServiceForGuestUser: true }), context({ user: { guest: true } }));
    assert.equal(guest.offered, true);
    assert.ok(guest.reasons.includes('Enable Service For Guest User is Yes: offered to guests.'));
  });
});

describe('Disable Service When', () => {
  test('Never (the guide): offered whatever the library has', () => {
    for (const local of [HELD_AND_AVAILABLE, NOT_HELD, UNKNOWN]) {
      const decision = decideService(illiad({ disableServiceWhen: 'NEVER' }), context({ local }));
      assert.equal(decision.offered, true);
      assert.ok(decision.reasons.includes('Disable Service When is Never: offered whether or not the library has the item.'));
    }
  });

  test('Held locally: hidden when the library holds the item, even with no copy available', () => {
    const partner = illiad({ disableServiceWhen: 'HELD_LOCALLY' });
    for (const local of [HELD_AND_AVAILABLE, HELD_NOT_AVAILABLE]) {
      const decision = decideService(partner, context({ local }));
      assert.equal(decision.offered, false);
      assert.deepEqual(decision.hiddenBecause, ['held-locally']);
      assert.ok(decision.reasons.some((r) => r.startsWith('Not offered: the library holds the item') && r.endsWith('Disable Service When is Held locally.')));
    }
    assert.equal(decideService(partner, context({ local: NOT_HELD })).offered, true);
    const unknown = decideService(partner, context({ local: UNKNOWN }));
    assert.equal(unknown.offered, true, 'never hidden on what is not known');
    assert.ok(unknown.reasons.includes('Disable Service When is Held locally, but this could not be checked (this library publishes no holdings): offered.'));
  });

  test('Available locally: hidden only when the library has an available copy', () => {
    const partner = illiad({ disableServiceWhen: 'AVAILABLE_LOCALLY' });
    const available = decideService(partner, context({ local: HELD_AND_AVAILABLE }));
    assert.equal(available.offered, false);
    assert.deepEqual(available.hiddenBecause, ['available-locally']);
    assert.equal(decideService(partner, context({ local: HELD_NOT_AVAILABLE })).offered, true, 'held but on loan: borrow elsewhere');
    assert.equal(decideService(partner, context({ local: NOT_HELD })).offered, true);
    assert.equal(decideService(partner, context({ local: UNKNOWN })).offered, true);
  });
});

describe('which services, and the request form', () => {
  const peer = partnerSchema.parse({ code: 'NORTH', name: 'North', profileType: 'ISO18626', iso18626: { url: 'https://north.example.edu/iso18626', agencyIdValue: 'US-NSU' } }) as Partner;

  test('one service per active NCIP partner that supports borrowing; peers and inactive partners have none', () => {
    const partners: Partner[] = [illiad(), peer, illiad({}, { code: 'OLD', status: 'INACTIVE' }), illiad({}, { code: 'LENDONLY', supportsBorrowing: false })];
    assert.deepEqual(requestServices(partners, context()).map((s) => s.partner), ['ILLiad']);
  });

  test('a patron who may not borrow is offered nothing, and is told why', () => {
    const decision = decideService(illiad(), context({ user: { guest: false, mayNotBorrow: 'the library account is blocked (Fines over the limit)' } }));
    assert.equal(decision.offered, false);
    assert.ok(decision.reasons.includes('Not offered: the library account is blocked (Fines over the limit).'));
  });

  test("the request form follows the lender of last resort's parameters; without one, nothing in the guide restricts it", () => {
    const guest = context({ user: { guest: true } });
    const refused = requestFormDecision([peer, illiad()], guest);
    assert.deepEqual([refused.offered, refused.partner, refused.hiddenBecause], [false, { code: 'ILLiad', name: 'ILLiad' }, ['guest']]);
    assert.equal(requestFormDecision([peer, illiad({ enableServiceForGuestUser: true })], guest).offered, true);
    const none = requestFormDecision([peer], guest);
    assert.deepEqual([none.offered, none.partner], [true, null]);
  });
});
