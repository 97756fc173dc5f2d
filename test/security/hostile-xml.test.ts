/**
 * Hostile XML bodies at the protocol endpoints (issue 10, item 5; protocols.md §6, §8.1: size limit, no DTD, no
 * entity resolution, never fetch anything): /ncip and /view/NCIPServlet answer each with an NCIP Problem (HTTP
 * 200, as ILLiad needs), /iso18626 with a 400 or an ERROR confirmation; nothing is fetched (a listener counts any
 * attempt), no file is read, and a normal message is answered normally afterwards. Oversized bodies are refused on
 * a real socket before they are read whole. src/protocols/xml has the codec-level versions (xml-safety.test.ts).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { parseIso18626 } from '../../src/protocols/iso18626/parse.ts';
import { safeParseXml } from '../../src/protocols/xml/safe-parse.ts';
import type { TestApp } from '../support/app.ts';
import { DIALECTS } from '../support/databases.ts';
import { guideApp } from '../support/ncip.ts';
import { child, children, childText, elementNames } from '../../src/protocols/xml/tree.ts';

const NCIP_PATHS = ['/ncip', '/view/NCIPServlet'] as const;

/** A CheckInItem of an item nobody has: answered "Unknown Item" when it is read, so a refusal is told apart. */
const checkIn = (prolog = '', value = '4711', declaration = '<?xml version="1.0" encoding="UTF-8"?>') =>
  `${declaration}${prolog}<NCIPMessage xmlns="http://www.niso.org/2008/ncip"><CheckInItem><InitiationHeader><FromAgencyId><AgencyId>CSU_DEMO</AgencyId></FromAgencyId><ToAgencyId><AgencyId>CSU_DEMO</AgencyId></ToAgencyId><ApplicationProfileType>ILLiad</ApplicationProfileType></InitiationHeader><ItemId><ItemIdentifierValue>${value}</ItemIdentifierValue></ItemId></CheckInItem></NCIPMessage>`;

const isoRequest = (prolog = '', title = 'A book') =>
  `<?xml version="1.0" encoding="UTF-8"?>${prolog}<ISO18626Message xmlns="http://illtransactions.org/2013/iso18626" version="1.2"><request><header><supplyingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>US-CSUD</agencyIdValue></supplyingAgencyId><requestingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>US-XX</agencyIdValue></requestingAgencyId><multipleItemRequestId/><timestamp>2026-11-28T12:00:00Z</timestamp><requestingAgencyRequestId>X-1</requestingAgencyRequestId></header><bibliographicInfo><title>${title}</title></bibliographicInfo></request></ISO18626Message>`;

/** The Problems of an NCIP answer: [type, detail]. */
function problemsOf(xml: string): [string, string][] {
  const parsed = safeParseXml(xml, { isArray: (name) => name === 'Problem' });
  assert.ok(parsed.ok && parsed.root.name === 'NCIPMessage', xml);
  const first = elementNames(parsed.root.content)[0];
  const holder = first === 'Problem' ? parsed.root.content : child(parsed.root.content, first ?? '');
  return children(holder, 'Problem').map((p) => [childText(p, 'ProblemType') ?? '', childText(p, 'ProblemDetail') ?? '']);
}

describe('hostile XML at /ncip, /view/NCIPServlet and /iso18626', () => {
  let app: TestApp;
  let listener: Server;
  let fetched = 0;
  let evil = '';

  before(async () => {
    app = await guideApp();
    listener = createServer((request, response) => {
      fetched++;
      response.end('<!ENTITY x "fetched">');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const address = listener.address();
    evil = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/evil.dtd`;
  });
  after(async () => {
    await new Promise((resolve) => listener.close(resolve));
    await app.close();
  });

  const ncip = async (path: string, payload: string | Buffer, headers: Record<string, string> = {}) => {
    const response = await app.app.inject({ method: 'POST', url: path, payload, headers: { 'content-type': 'text/xml', ...headers } });
    assert.equal(response.statusCode, 200, response.body);
    assert.doesNotMatch(response.body, /root:x:0|fetched/);
    return problemsOf(response.body);
  };
  const iso = async (payload: string | Buffer) => {
    const response = await app.app.inject({ method: 'POST', url: '/iso18626', payload, headers: { 'content-type': 'application/xml' } });
    assert.ok(response.statusCode === 400 || response.statusCode === 200, `HTTP ${response.statusCode}`);
    assert.doesNotMatch(response.body, /root:x:0|fetched/);
    return response;
  };
  /** Refused as a message that cannot be read: NCIP's Invalid Message Syntax Error, ISO 18626's 400. */
  const refusedEverywhere = async (ncipBody: string | Buffer, isoBody: string | Buffer, detail: RegExp) => {
    for (const path of NCIP_PATHS) {
      const problems = await ncip(path, ncipBody);
      assert.equal(problems[0]?.[0], 'Invalid Message Syntax Error', `${path}: ${JSON.stringify(problems)}`);
      assert.match(problems[0]![1], detail);
    }
    const response = await iso(isoBody);
    assert.equal(response.statusCode, 400, response.body);
    assert.match(response.body, detail);
  };

  test('a normal message is answered: the unknown item is Unknown Item, a stranger’s Request an ERROR confirmation', async () => {
    for (const path of NCIP_PATHS) assert.equal((await ncip(path, checkIn()))[0]?.[0], 'Unknown Item');
    const parsed = parseIso18626(Buffer.from((await iso(isoRequest())).body));
    assert.ok(parsed.ok && parsed.message.kind === 'requestConfirmation' && parsed.message.header.messageStatus === 'ERROR');
  });

  test('XXE: an external entity naming /etc/passwd or an http URL is refused, and nothing is fetched', async () => {
    for (const prolog of [
      '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
      `<!DOCTYPE x [<!ENTITY e SYSTEM "${evil}">]>`,
      `<!DOCTYPE x [<!ENTITY % p SYSTEM "${evil}"> %p;]>`,
      `<!DOCTYPE x [<!ENTITY e PUBLIC "-//x//x" "${evil}">]>`,
    ]) {
      await refusedEverywhere(checkIn(prolog, '&e;'), isoRequest(prolog, '&e;'), /ENTITY/);
    }
    assert.equal(fetched, 0, 'no URL was fetched');
  });

  test('a DOCTYPE naming an external DTD is never loaded: ignored with a note, or refused with an internal subset', async () => {
    const external = `<!DOCTYPE NCIPMessage SYSTEM "${evil}">`;
    for (const path of NCIP_PATHS) assert.equal((await ncip(path, checkIn(external)))[0]?.[0], 'Unknown Item', 'read without its DTD');
    assert.equal((await iso(isoRequest(external))).statusCode, 200);
    await refusedEverywhere(checkIn('<!DOCTYPE x [<!ATTLIST ItemIdentifierValue a CDATA "b">]>'), isoRequest('<!DOCTYPE x [<!ATTLIST title a CDATA "b">]>'), /internal subset/);
    await refusedEverywhere(checkIn('<!DOCTYPE a><!DOCTYPE b>'), isoRequest('<!DOCTYPE a><!DOCTYPE b>'), /more than one DOCTYPE/);
    assert.equal(fetched, 0);
  });

  test('billion laughs and quadratic blowup are refused before any expansion', async () => {
    const lol = `<!DOCTYPE lolz [<!ENTITY lol0 "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('')}]>`;
    await refusedEverywhere(checkIn(lol, '&lol9;'), isoRequest(lol, '&lol9;'), /ENTITY/);
    // One 50 KB entity referenced 10,000 times would be 500 MB expanded; the body itself is about 100 KB.
    const quadratic = `<!DOCTYPE q [<!ENTITY a "${'a'.repeat(50_000)}">]>`;
    await refusedEverywhere(checkIn(quadratic, '&a;'.repeat(10_000)), isoRequest(quadratic, '&a;'.repeat(10_000)), /ENTITY/);
    // Undeclared references are kept as text, never resolved.
    for (const path of NCIP_PATHS) assert.equal((await ncip(path, checkIn('', '&a;&a;')))[0]?.[0], 'Unknown Item');
  });

  test('10,000 levels of nesting are refused by depth', async () => {
    const deep = `${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`;
    await refusedEverywhere(checkIn('', deep), isoRequest('', deep), /deeper than 64/);
  });

  test('over-long element and attribute names: refused or answered, and never echoed whole', async () => {
    const name = `X${'x'.repeat(200_000)}`;
    const bodies = [
      `<NCIPMessage xmlns="http://www.niso.org/2008/ncip"><${name}/></NCIPMessage>`,
      `<NCIPMessage xmlns="http://www.niso.org/2008/ncip"><${name}Response/></NCIPMessage>`,
      `<${name}/>`,
      checkIn().replace('<CheckInItem>', `<CheckInItem ${name}="1">`),
      checkIn().replace('<ItemId>', `<ItemId><${name}>1</${name}>`),
    ];
    for (const path of NCIP_PATHS) {
      for (const body of bodies) {
        const response = await app.app.inject({ method: 'POST', url: path, payload: body, headers: { 'content-type': 'text/xml' } });
        assert.equal(response.statusCode, 200);
        assert.ok(response.body.length < 5_000, `the answer to ${body.slice(0, 60)}… is ${response.body.length} characters long`);
        problemsOf(response.body);
      }
    }
    for (const body of [`<ISO18626Message xmlns="http://illtransactions.org/2013/iso18626"><${name}/></ISO18626Message>`, `<${name}/>`, isoRequest().replace('<request>', `<request ${name}="1">`)]) {
      const response = await iso(body);
      assert.ok(response.body.length < 5_000, `the answer to ${body.slice(0, 60)}… is ${response.body.length} characters long`);
    }
  });

  test('invalid UTF-8 is read as Windows-1252 (ILLiad’s habit), broken UTF-16 and unknown encodings are refused', async () => {
    const invalidUtf8 = Buffer.concat([Buffer.from(checkIn('', '47').slice(0, -80)), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(checkIn('', '47').slice(-80))]);
    for (const path of NCIP_PATHS) assert.ok((await ncip(path, invalidUtf8)).length > 0);
    assert.ok([200, 400].includes((await iso(invalidUtf8)).statusCode));
    // A UTF-16 BOM on an odd number of bytes, UTF-16 declared on 8-bit bytes, a lone surrogate in UTF-16.
    const oddUtf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(checkIn(), 'utf16le'), Buffer.from([0x00])]);
    await refusedEverywhere(oddUtf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(isoRequest(), 'utf16le'), Buffer.from([0x00])]), /not valid UTF-16LE/);
    await refusedEverywhere(checkIn('', '1', '<?xml version="1.0" encoding="UTF-16"?>'), isoRequest().replace('UTF-8', 'UTF-16'), /says UTF-16 but the body is not UTF-16/);
    const surrogate = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(checkIn('', 'X'), 'utf16le')]);
    const at = surrogate.indexOf(Buffer.from('X', 'utf16le'));
    surrogate.writeUInt16LE(0xd800, at);
    for (const path of NCIP_PATHS) assert.equal((await ncip(path, surrogate))[0]?.[0], 'Invalid Message Syntax Error');
    // A correct UTF-16 body with its BOM is read, whatever the declaration says.
    const utf16 = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(checkIn('', '4711', '<?xml version="1.0" encoding="UTF-8"?>'), 'utf16le').swap16()]);
    for (const path of NCIP_PATHS) assert.equal((await ncip(path, utf16))[0]?.[0], 'Unknown Item');
    await refusedEverywhere(checkIn('', '1', '<?xml version="1.0" encoding="EBCDIC-US"?>'), isoRequest().replace('UTF-8', 'EBCDIC-US'), /unsupported encoding "EBCDIC-US"/);
    await refusedEverywhere(checkIn('', '1', '<?xml version="1.0" encoding="Shift_JIS"?>'), isoRequest().replace('UTF-8', 'Shift_JIS'), /unsupported encoding/);
  });

  test('a message whose only body is bytes is refused; the server answers a normal message afterwards', async () => {
    await refusedEverywhere(Buffer.from([0x00, 0x01, 0xff, 0x3c]), Buffer.from([0x00, 0x01, 0xff, 0x3c]), /./);
    for (const path of NCIP_PATHS) assert.equal((await ncip(path, checkIn()))[0]?.[0], 'Unknown Item');
    assert.deepEqual(app.faults, []);
    assert.equal(fetched, 0);
  });
});

for (const { dialect, skip } of DIALECTS) {
  describe(`${dialect}: NUL and other characters XML forbids`, { skip }, () => {
    let app: TestApp;
    before(async () => {
      app = await guideApp(dialect);
    });
    after(() => app.close());

    test('are read as U+FFFD (noted), so an id holding one is simply not found, never a fault', async () => {
      for (const path of NCIP_PATHS) {
        for (const value of ['47\u000011', '47\u000b11', '\u0000', '&#0;']) {
          const response = await app.app.inject({ method: 'POST', url: path, payload: checkIn('', value), headers: { 'content-type': 'text/xml' } });
          assert.equal(problemsOf(response.body)[0]?.[0], 'Unknown Item', response.body);
        }
        const trailing = await app.app.inject({ method: 'POST', url: path, payload: Buffer.concat([Buffer.from(checkIn()), Buffer.alloc(16)]) });
        assert.equal(problemsOf(trailing.body)[0]?.[0], 'Invalid Message Syntax Error', 'NULs after the root are text after the root');
      }
      // A peer's Request with a NUL in its title and its id: read, answered, stored (a stranger's: refused in words).
      const response = await app.app.inject({ method: 'POST', url: '/iso18626', payload: isoRequest('', 'A\u0000B').replace('X-1', 'X\u0000-1'), headers: { 'content-type': 'application/xml' } });
      const parsed = parseIso18626(Buffer.from(response.body));
      assert.ok(parsed.ok && parsed.message.kind === 'requestConfirmation', response.body);
      assert.deepEqual(app.faults, [], 'no fault of ours');
    });
  });
}

describe('oversized bodies on a real socket: refused before they are read whole', () => {
  let app: TestApp;
  let port = 0;
  before(async () => {
    app = await guideApp();
    await app.app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  after(() => app.close());

  /**
   * Sends the head of a request and then body bytes in 64 KB pieces until the server answers (or `total` bytes are
   * sent); returns the answer and how much was sent before it came.
   */
  function send(path: string, headers: Record<string, string>, total: number, chunked: boolean): Promise<{ status: number; body: string; sent: number }> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let sent = 0;
      let answer = '';
      let answered = false;
      const piece = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!answered && sent < total) {
          sent += piece.length;
          const ok = socket.write(chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece);
          if (!ok) return socket.once('drain', pump);
        }
        if (!answered && chunked) socket.write('0\r\n\r\n');
      };
      socket.on('connect', () => {
        const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
        socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${head}${chunked ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${total}\r\n`}\r\n`);
        setImmediate(pump);
      });
      socket.on('data', (data) => {
        answer += data.toString('latin1');
        const end = answer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const length = /content-length: (\d+)/i.exec(answer.slice(0, end));
        if (length && answer.length - end - 4 >= Number(length[1])) {
          answered = true;
          socket.destroy();
          resolve({ status: Number(answer.slice(9, 12)), body: answer.slice(end + 4), sent });
        }
      });
      socket.on('error', (error) => (answered ? undefined : reject(error)));
      socket.on('close', () => {
        if (!answered) reject(new Error(`closed without an answer after ${sent} bytes: ${answer.slice(0, 200)}`));
      });
    });
  }

  const HUGE = 200 * 1024 * 1024;
  /**
   * What may be sent before the answer comes: the server reads at most its limit (1 MiB), but the kernel's socket
   * buffers take a few MB more on loopback (about 4 MB here). Reading 32 MiB, as /ncip once did, shows well above.
   */
  const IN_FLIGHT = 16 * 1024 * 1024;

  test('a declared Content-Length above the limit is answered at once, before the body is sent', async () => {
    for (const [path, type, status] of [['/api/v1/partners', 'application/json', 413], ['/iso18626', 'application/xml', 413], ['/ncip', 'text/xml', 200], ['/view/NCIPServlet', 'text/xml', 200], ['/ui/sign-in', 'application/x-www-form-urlencoded', 413]] as const) {
      const answer = await send(path, { 'content-type': type, authorization: `Bearer ${app.tokenFor.admin}` }, HUGE, false);
      assert.equal(answer.status, status, `${path}: ${answer.body}`);
      assert.ok(answer.sent < IN_FLIGHT, `${path}: ${answer.sent} bytes went in before the answer`);
      if (path.includes('NCIP') || path === '/ncip') assert.equal(problemsOf(answer.body)[0]?.[0], 'Invalid Message Syntax Error');
      if (path === '/api/v1/partners') assert.equal(JSON.parse(answer.body).error.code, 'ILL_ERR_PAYLOAD_TOO_LARGE');
    }
  });

  test('without a token, the API refuses a huge body before reading it', async () => {
    const answer = await send('/api/v1/partners', { 'content-type': 'application/json' }, HUGE, false);
    assert.equal(answer.status, 401);
    assert.ok(answer.sent < IN_FLIGHT);
  });

  test('a chunked body (no length given) is cut off once it passes the limit, not read to its end', async () => {
    for (const [path, type, status] of [['/api/v1/partners', 'application/json', 413], ['/iso18626', 'application/xml', 413], ['/ncip', 'text/xml', 200], ['/view/NCIPServlet', 'text/xml', 200]] as const) {
      const answer = await send(path, { 'content-type': type, authorization: `Bearer ${app.tokenFor.admin}` }, HUGE, true);
      assert.equal(answer.status, status, `${path}: ${answer.body}`);
      assert.ok(answer.sent < IN_FLIGHT, `${path}: ${answer.sent} bytes went in before the answer`);
      if (status === 200) assert.match(problemsOf(answer.body)[0]?.[1] ?? '', /larger than/);
    }
  });
});
