/**
 * parseIso18626 on hand-written variants of what peers send (protocols.md §5.3, §6): prefixes, default namespace
 * and none, 2014/2017/2021 versions and shapes, Alma's empty status, unknown elements and codes, and bodies that
 * are not ISO 18626 or not XML at all (including the XXE and billion-laughs attacks safeParseXml refuses).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Iso18626Message, ParseOutcome } from '../../src/protocols/iso18626/messages.ts';
import { parseIso18626 } from '../../src/protocols/iso18626/parse.ts';
import { ISO18626_2021_REPEATABLE_ELEMENTS, ISO18626_V1_2_REPEATABLE_ELEMENTS } from '../../src/protocols/iso18626/repeatable.ts';
import { ISO18626_2021_SCHEMA_URL, ISO18626_V1_2_SCHEMA_URL } from '../support/iso18626-xsd.ts';

const parse = (xml: string): ParseOutcome => parseIso18626(Buffer.from(xml, 'utf8'));

function ok(xml: string): Extract<ParseOutcome, { ok: true }> {
  const outcome = parse(xml);
  if (!outcome.ok) assert.fail(JSON.stringify(outcome));
  return outcome;
}

function as<K extends Iso18626Message['kind']>(message: Iso18626Message, kind: K): Iso18626Message & { kind: K } {
  assert.equal(message.kind, kind);
  return message as Iso18626Message & { kind: K };
}

const NS = 'http://illtransactions.org/2013/iso18626';

/** A RAM with the given prefix (`''` for the default namespace, `null` for none). */
function ram(prefix: string | null, version = '1.2', action = 'Cancel'): string {
  const p = prefix ? `${prefix}:` : '';
  const declaration = prefix === null ? '' : prefix === '' ? ` xmlns="${NS}"` : ` xmlns:${prefix}="${NS}"`;
  const versionAttribute = prefix ? ` ${prefix}:version="${version}"` : ` version="${version}"`;
  return `<?xml version="1.0"?>
<${p}ISO18626Message${declaration}${versionAttribute}>
  <${p}requestingAgencyMessage>
    <${p}header>
      <${p}supplyingAgencyId><${p}agencyIdType>ISIL</${p}agencyIdType><${p}agencyIdValue> SUP </${p}agencyIdValue></${p}supplyingAgencyId>
      <${p}requestingAgencyId><${p}agencyIdType>ISIL</${p}agencyIdType><${p}agencyIdValue>REQ</${p}agencyIdValue></${p}requestingAgencyId>
      <${p}multipleItemRequestId/>
      <${p}timestamp>2026-03-01T10:15:00Z</${p}timestamp>
      <${p}requestingAgencyRequestId>00123</${p}requestingAgencyRequestId>
    </${p}header>
    <${p}action>${action}</${p}action>
    <${p}note>  hello  </${p}note>
  </${p}requestingAgencyMessage>
</${p}ISO18626Message>`;
}

test('prefixed, default-namespace and no-namespace messages read the same', () => {
  const expected = {
    kind: 'requestingAgencyMessage',
    header: {
      supplyingAgencyId: { type: 'ISIL', value: 'SUP' },
      requestingAgencyId: { type: 'ISIL', value: 'REQ' },
      multipleItemRequestId: null,
      timestamp: '2026-03-01T10:15:00Z',
      requestingAgencyRequestId: '00123',
      supplyingAgencyRequestId: null,
    },
    action: 'Cancel',
    note: 'hello',
  };
  for (const prefix of ['ill', 'tag0', '', null]) {
    const outcome = ok(ram(prefix));
    assert.deepEqual(outcome.message, expected, `prefix ${prefix}`);
    assert.equal(outcome.version, '1.2');
  }
  assert.deepEqual(ok(ram('ill')).notes, []);
  assert.ok(ok(ram('')).notes.includes('version attribute not namespace-qualified'));
  assert.ok(ok(ram(null)).notes.includes('no namespace: read as ISO 18626'));
});

test('a 2014 message (version 1.0, no multipleItemRequestId) is read', () => {
  const outcome = ok(ram('ill', '1.0').replace(/<ill:multipleItemRequestId\/>/, ''));
  assert.equal(outcome.version, '1.0');
  assert.equal(as(outcome.message, 'requestingAgencyMessage').header.multipleItemRequestId, null);
});

test('a 2021 message: code-first bibliographicItemId, retryInfo, repeated itemId, 2021 status and action', () => {
  const request = ok(`<ISO18626Message xmlns="${NS}" xmlns:ill="${NS}" ill:version="2021">
    <request>
      <header>
        <requestingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>REQ</agencyIdValue></requestingAgencyId>
        <consortialId><agencyIdType>ISIL</agencyIdType><agencyIdValue>CONS</agencyIdValue></consortialId>
        <timestamp>2026-03-01T10:15:00Z</timestamp>
        <requestingAgencyRequestId>R1</requestingAgencyRequestId>
      </header>
      <bibliographicInfo>
        <title>T</title>
        <bibliographicItemId><bibliographicItemIdentifierCode>ISBN</bibliographicItemIdentifierCode><bibliographicItemIdentifier>0123456789</bibliographicItemIdentifier></bibliographicItemId>
      </bibliographicInfo>
      <serviceInfo><serviceType>Copy</serviceType><itemFormat>PDF</itemFormat></serviceInfo>
    </request>
  </ISO18626Message>`);
  const message = as(request.message, 'request');
  assert.equal(request.version, '2021');
  assert.equal(message.header.supplyingAgencyId, null);
  assert.deepEqual(message.bibliographicInfo.bibliographicItemIds, [{ code: 'ISBN', value: '0123456789' }]);
  assert.equal(message.serviceInfo?.serviceType, 'Copy');
  assert.ok(request.notes.some((note) => note.includes('consortialId')));

  const sam = ok(`<ISO18626Message xmlns="${NS}" xmlns:ill="${NS}" ill:version="2021">
    <supplyingAgencyMessage>
      <header>
        <supplyingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>SUP</agencyIdValue></supplyingAgencyId>
        <requestingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>REQ</agencyIdValue></requestingAgencyId>
        <timestamp>2026-03-01T10:15:00Z</timestamp>
        <requestingAgencyRequestId>R1</requestingAgencyRequestId>
      </header>
      <messageInfo><reasonForMessage>RequestResponse</reasonForMessage></messageInfo>
      <statusInfo><status>HoldReturn</status><lastChange>2026-03-01T10:15:00Z</lastChange></statusInfo>
      <retryInfo><offeredCosts><currencyCode>EUR</currencyCode><monetaryValue>7.50</monetaryValue></offeredCosts><retryBefore>2026-04-01T23:59:59Z</retryBefore></retryInfo>
      <deliveryInfo><dateSent>2026-03-01T10:15:00Z</dateSent><itemId>A1</itemId><itemId>A2</itemId><deliveryMethod>Courier</deliveryMethod><itemFormat>Printed</itemFormat></deliveryInfo>
    </supplyingAgencyMessage>
  </ISO18626Message>`);
  const message2 = as(sam.message, 'supplyingAgencyMessage');
  assert.equal(message2.statusInfo.status, 'HoldReturn');
  assert.deepEqual(message2.messageInfo.offeredCosts, { currencyCode: 'EUR', monetaryValue: '7.50' });
  assert.equal(message2.messageInfo.retryBefore, '2026-04-01T23:59:59Z');
  assert.deepEqual([message2.deliveryInfo?.itemId, message2.deliveryInfo?.sentVia, message2.deliveryInfo?.deliveredFormat], ['A1', 'Courier', 'Printed']);
  assert.ok(sam.notes.some((note) => note.includes('itemId repeated 2 times')));
});

const ALMA_NOTIFICATION = `<?xml version="1.0" encoding="UTF-8"?>
<ISO18626Message xmlns="${NS}" version="1.1">
  <supplyingAgencyMessage>
    <header>
      <supplyingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>01ALMA</agencyIdValue></supplyingAgencyId>
      <requestingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>REQ</agencyIdValue></requestingAgencyId>
      <timestamp>2026-03-01T10:15:00Z</timestamp>
      <requestingAgencyRequestId>R1</requestingAgencyRequestId>
    </header>
    <messageInfo><reasonForMessage>Notification</reasonForMessage><note>Please ACCEPT the cost of 10 USD</note></messageInfo>
    <statusInfo><status/><lastChange>2026-03-01T10:15:00Z</lastChange></statusInfo>
  </supplyingAgencyMessage>
</ISO18626Message>`;

test("Alma's empty <status/> is null, with a note", () => {
  const outcome = ok(ALMA_NOTIFICATION);
  const message = as(outcome.message, 'supplyingAgencyMessage');
  assert.equal(message.statusInfo.status, null);
  assert.equal(message.messageInfo.note, 'Please ACCEPT the cost of 10 USD');
  assert.equal(message.deliveryInfo, null);
  assert.ok(outcome.notes.some((note) => note.includes('status is missing or empty')));
});

test('unknown codes are kept as sent and noted; case-only differences are read as the code list spells them', () => {
  const unknown = ok(ram('ill', '1.2', 'WeCancelThisMessage'));
  assert.equal(as(unknown.message, 'requestingAgencyMessage').action, 'WeCancelThisMessage');
  assert.ok(unknown.notes.some((note) => note.includes('"WeCancelThisMessage" is not in the ISO 18626 code list')));
  const folded = ok(ram('ill', '1.2', 'cancel'));
  assert.equal(as(folded.message, 'requestingAgencyMessage').action, 'Cancel');
  assert.ok(folded.notes.some((note) => note.includes('read as "Cancel"')));
});

test('unknown extra elements are ignored with a note; identifiers keep their leading zeros', () => {
  const outcome = ok(ram('ill').replace('<ill:note>', '<ill:extra>x</ill:extra><ill:note>'));
  assert.ok(outcome.notes.some((note) => note === 'unknown elements ignored in requestingAgencyMessage: extra'));
  assert.equal(as(outcome.message, 'requestingAgencyMessage').header.requestingAgencyRequestId, '00123');
});

test('a known root with a required part missing is ok:false, answerable (unparsable:false)', () => {
  const noHeader = parse(ram('ill').replace(/<ill:header>[\s\S]*<\/ill:header>/, ''));
  assert.deepEqual(noHeader, { ok: false, errorType: 'BadlyFormedMessage', errorValue: 'requestingAgencyMessage/header is missing', unparsable: false, kind: 'requestingAgencyMessage', header: null });

  const noStatusInfo = parse(ALMA_NOTIFICATION.replace(/<statusInfo>.*<\/statusInfo>/, ''));
  assert.ok(!noStatusInfo.ok);
  assert.equal(noStatusInfo.errorValue, 'supplyingAgencyMessage/statusInfo is missing');
  assert.equal(noStatusInfo.header?.requestingAgencyRequestId, 'R1', 'the header is kept to echo');

  const unknownMessage = parse(`<ISO18626Message xmlns="${NS}" version="1.2"><bogusMessage/></ISO18626Message>`);
  assert.deepEqual(unknownMessage, { ok: false, errorType: 'UnrecognisedDataElement', errorValue: 'bogusMessage', unparsable: false, kind: null, header: null });

  const empty = parse(`<ISO18626Message xmlns="${NS}" version="1.2"/>`);
  assert.ok(!empty.ok && !empty.unparsable && empty.errorType === 'BadlyFormedMessage');

  const noBib = parse(`<request xmlns="${NS}"><header><requestingAgencyRequestId>1</requestingAgencyRequestId></header></request>`);
  assert.ok(!noBib.ok && !noBib.unparsable && noBib.kind === 'request' && noBib.errorValue === 'request/bibliographicInfo is missing');
});

test('not XML, not ISO 18626, too big: unparsable', () => {
  for (const body of ['this is not xml', '{"json":true}', '<a><b></a>', `<NCIPMessage xmlns="http://www.niso.org/2008/ncip"/>`, '']) {
    const outcome = parse(body);
    assert.ok(!outcome.ok, body);
    assert.equal(outcome.unparsable, true, body);
    assert.equal(outcome.errorType, 'BadlyFormedMessage');
  }
  const big = parseIso18626(Buffer.from(ram('ill')), { maxBytes: 100 });
  assert.ok(!big.ok && big.unparsable && big.errorValue.includes('too-large'));
});

test('XXE and billion laughs are refused before parsing', () => {
  const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${ram('ill').replace(/^<\?xml[^>]*>/, '').replace('hello', '&x;')}`;
  const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><ISO18626Message xmlns="${NS}">&lol2;</ISO18626Message>`;
  for (const body of [xxe, laughs]) {
    const outcome = parse(body);
    assert.ok(!outcome.ok);
    assert.equal(outcome.unparsable, true);
    assert.match(outcome.errorValue, /entity-declaration/);
  }
});

test('encodings: a UTF-8 BOM and an ISO-8859-1 body are decoded', () => {
  const latin1 = Buffer.from(ram('ill').replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="ISO-8859-1"?>').replace('hello', 'café'), 'latin1');
  const outcome = parseIso18626(latin1);
  assert.ok(outcome.ok);
  assert.equal(as(outcome.message, 'requestingAgencyMessage').note, 'café');
  const bom = parseIso18626(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ram('ill'))]));
  assert.ok(bom.ok);
});

/** The repeatable elements, re-derived from the schemas: fails when repeatable.ts drifts. */
function repeatableIn(schema: URL): string[] {
  const text = readFileSync(schema, 'utf8');
  return [...new Set([...text.matchAll(/<xs:element (?:ref|name)="([A-Za-z]+)"[^>]*maxOccurs="(?:unbounded|[2-9])"/g)].map((match) => match[1]!))].sort();
}

test('repeatable.ts matches the schemas', () => {
  assert.deepEqual([...ISO18626_V1_2_REPEATABLE_ELEMENTS].sort(), repeatableIn(ISO18626_V1_2_SCHEMA_URL));
  assert.deepEqual([...ISO18626_2021_REPEATABLE_ELEMENTS].sort(), repeatableIn(ISO18626_2021_SCHEMA_URL));
});
