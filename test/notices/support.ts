/** What the notice tests share: the guide's setup with its patrons, sending to a test SMTP server, and NCIP AcceptItem. */
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../support/app.ts';
import type { Dialect } from '../../src/storage/database.ts';
import { EXAMPLE, EXAMPLE_ENV, PATRONS } from '../ui/helpers.ts';

export const FROM = 'Interlibrary Loan <ill@example.edu>';

/** The guide's configuration and demo patrons; notices go to `smtpUrl` (none: SMTP_URL unset). */
export async function noticeApp(smtpUrl: string | undefined, dialect: Dialect = 'sqlite', env: Record<string, string> = {}): Promise<TestApp> {
  const app = await createTestApp(dialect, { ...EXAMPLE_ENV, ...(smtpUrl ? { SMTP_URL: smtpUrl, NOTICE_FROM: FROM } : {}), ...env });
  await app.transfer.importYaml(EXAMPLE);
  await app.transfer.importYaml(PATRONS);
  return app;
}

/** An AcceptItem as ILLiad's add-on sends it (protocols.md §5.2), with what a test varies. */
export function acceptItemXml(item: { requestId: string; itemId: string; user?: string; action: string; pickup?: string; expiry?: string; title: string; author?: string }): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><NCIPMessage xmlns="http://www.niso.org/2008/ncip" version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd"><AcceptItem>' +
    '<InitiationHeader><FromAgencyId><AgencyId>CSU_DEMO</AgencyId></FromAgencyId><ToAgencyId><AgencyId>CSU_DEMO</AgencyId></ToAgencyId><ApplicationProfileType>ILLiad</ApplicationProfileType></InitiationHeader>' +
    `<RequestId><AgencyId>CSU_DEMO</AgencyId><RequestIdentifierValue>${item.requestId}</RequestIdentifierValue></RequestId>` +
    `<RequestedActionType>${item.action}</RequestedActionType>` +
    `<UserId><AgencyId>CSU_DEMO</AgencyId><UserIdentifierType>Barcode Id</UserIdentifierType><UserIdentifierValue>${item.user ?? 'cwlee'}</UserIdentifierValue></UserId>` +
    `<ItemId><ItemIdentifierValue>${item.itemId}</ItemIdentifierValue></ItemId>` +
    '<DateForReturn>2026-12-26T23:59:00</DateForReturn>' +
    `<ItemOptionalFields><BibliographicDescription><Author>${item.author ?? 'C. S. Lewis'}</Author><Title>${item.title}</Title></BibliographicDescription></ItemOptionalFields>` +
    (item.pickup ? `<PickupLocation>${item.pickup}</PickupLocation>` : '') +
    (item.expiry ? `<PickupExpiryDate>${item.expiry}</PickupExpiryDate>` : '') +
    '</AcceptItem></NCIPMessage>'
  );
}

/** Posts NCIP to /ncip as ILLiad does and checks it was taken (HTTP 200, no Problem). */
export async function postAcceptItem(app: TestApp, xml: string): Promise<void> {
  const response = await app.app.inject({ method: 'POST', url: '/ncip', payload: xml, headers: { 'content-type': 'text/xml; charset=UTF-8' } });
  assert.equal(response.statusCode, 200);
  assert.ok(!response.body.includes('Problem'), response.body);
  assert.deepEqual(app.faults, []);
}

/** A request for the patron that every partner of the guide's rota (NORTH, SOUTH; ILLiad is inactive) rejects. */
export async function requestNobodyFills(app: TestApp, title: string): Promise<string> {
  app.script.set('NORTH', [{ action: 'reject', reason: 'not owned' }]);
  app.script.set('SOUTH', [{ action: 'reject', reason: 'not owned' }]);
  const created = await app.call('POST', '/api/v1/borrowing-requests', { body: { patron: '100200300', title, author: 'Anon', oclcNumber: '4242' } });
  assert.equal(created.statusCode, 201, created.body);
  return created.json().id as string;
}

export interface NoticeJson {
  type: string;
  status: string;
  recipient: string | null;
  subject: string | null;
  body: string | null;
  messageId: string | null;
  reason: string | null;
  attempts: number;
  borrowingRequest: string | null;
}

export async function noticesOf(app: TestApp, query = ''): Promise<NoticeJson[]> {
  const response = await app.call('GET', `/api/v1/notices${query}`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json().items;
}
