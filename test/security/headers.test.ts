/**
 * Header tricks (issue 10, item 5): on a real socket, what node's HTTP parser must refuse (Content-Length and
 * Transfer-Encoding together, conflicting lengths, odd transfer codings, a giant header) is refused and the server
 * answers the next request; a duplicate Content-Type or a short body is answered in words. Through inject: the peer
 * address check (app/peer-auth.ts) reads the socket's address, never Host or X-Forwarded-For; an Authorization
 * header that is huge, malformed or not a bearer is a 401, never a 5xx.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { buildIso18626 } from '../../src/protocols/iso18626/build.ts';
import { parseIso18626 } from '../../src/protocols/iso18626/parse.ts';
import type { TestApp } from '../support/app.ts';
import { peerRequest } from '../support/iso18626-request.ts';
import { guideApp } from '../support/ncip.ts';

describe('header tricks on a real socket', () => {
  let app: TestApp;
  let port = 0;
  before(async () => {
    app = await guideApp();
    await app.app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  after(() => app.close());

  /** Sends raw bytes and collects what comes back until the server closes or `ms` pass with nothing new. */
  function raw(bytes: string, ms = 1500): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        socket.destroy();
        resolve(answer);
      };
      const wait = () => {
        clearTimeout(timer);
        timer = setTimeout(done, ms);
      };
      socket.on('connect', () => {
        socket.write(bytes);
        wait();
      });
      socket.on('data', (data) => {
        answer += data.toString('latin1');
        wait();
      });
      socket.on('close', done);
      socket.on('error', (error) => (answer ? done() : reject(error)));
    });
  }
  const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
  const statuses = (answer: string) => [...answer.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
  const health = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
  const token = () => app.tokenFor.admin;

  test('Content-Length with Transfer-Encoding, two different lengths, or an unknown coding: 400, nothing smuggled', async () => {
    const smuggled = 'GET /api/v1/tokens HTTP/1.1\r\nHost: x\r\n\r\n';
    for (const head of [
      'Content-Length: 4\r\nTransfer-Encoding: chunked\r\n',
      'Transfer-Encoding: chunked\r\nContent-Length: 4\r\n',
      'Content-Length: 4\r\nContent-Length: 40\r\n',
      'Transfer-Encoding: xchunked\r\n',
      'Transfer-Encoding: chunked, identity\r\n',
      'Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n',
      'Transfer-Encoding:\tchunked\r\nContent-Length: 0\r\n',
      'Content-Length: -1\r\n',
      'Content-Length: 1e3\r\n',
    ]) {
      const answer = await raw(`POST /ncip HTTP/1.1\r\nHost: x\r\n${head}\r\n0\r\n\r\n${smuggled}`);
      assert.equal(statusOf(answer), 400, `${JSON.stringify(head)} → ${answer.slice(0, 120)}`);
      assert.deepEqual(statuses(answer), [400], `${JSON.stringify(head)}: the request after it was not run`);
    }
    assert.equal(statusOf(await raw(health)), 200, 'the server answers the next client');
  });

  test('a header larger than 16 KB is 431; a body shorter than its Content-Length is never answered as complete', async () => {
    assert.equal(statusOf(await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`)), 431);
    assert.equal(statusOf(await raw(`GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'a'.repeat(64 * 1024)}\r\n\r\n`)), 431);
    // 5 bytes of a promised 100, then silence: no answer comes for a half-read body (the client gave up, not us).
    const short = await raw(`POST /api/v1/partners HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token()}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`, 500);
    assert.equal(short, '');
    assert.equal(statusOf(await raw(health)), 200);
  });

  test('a body longer than its Content-Length: the rest is read as the next request and refused', async () => {
    const answer = await raw(`POST /api/v1/partners HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token()}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}GARBAGE / HTTP/1.1\r\n\r\n`);
    const seen = statuses(answer);
    assert.ok(seen[0]! >= 400 && seen[0]! < 500, answer.slice(0, 200));
    assert.ok(seen.slice(1).every((status) => status === 400), answer);
  });

  test('a duplicate Content-Type: answered in words, never a 5xx', async () => {
    for (const types of [['application/json', 'text/plain'], ['text/plain', 'application/json'], ['application/json', 'application/json']]) {
      const body = '{"code":"X"}';
      const answer = await raw(`POST /api/v1/libraries HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token()}\r\n${types.map((t) => `Content-Type: ${t}\r\n`).join('')}Content-Length: ${body.length}\r\n\r\n${body}`);
      const status = statusOf(answer);
      assert.ok(status >= 400 && status < 500, `${types}: ${answer.slice(0, 200)}`);
    }
  });
});

describe('who is asking: the socket, not the headers', () => {
  let app: TestApp;
  before(async () => {
    app = await guideApp();
  });
  after(() => app.close());

  /** A Request from US-NSU, whose partner (no shared secret) is known by its address, 127.0.0.1. */
  const request = (id: string, remoteAddress: string, headers: Record<string, string>) =>
    app.app.inject({ method: 'POST', url: '/iso18626', remoteAddress, payload: buildIso18626(peerRequest('US-NSU', { id })), headers: { 'content-type': 'application/xml', ...headers } });

  test('a message from another address is refused whatever Host, X-Forwarded-For or Forwarded say', async () => {
    const spoofs: Record<string, string>[] = [{}, { 'x-forwarded-for': '127.0.0.1' }, { 'x-forwarded-for': '127.0.0.1, 127.0.0.1' }, { forwarded: 'for=127.0.0.1' }, { 'x-real-ip': '127.0.0.1' }, { host: '127.0.0.1:1' }, { 'x-forwarded-host': '127.0.0.1' }];
    for (const headers of spoofs) {
      const response = await request(`SPOOF-${Object.keys(headers).join('-')}`, '203.0.113.9', headers);
      const parsed = parseIso18626(Buffer.from(response.body));
      assert.ok(parsed.ok && parsed.message.kind === 'requestConfirmation', response.body);
      assert.equal(parsed.message.header.messageStatus, 'ERROR', JSON.stringify(headers));
      assert.match(parsed.message.errorData?.errorValue ?? '', /comes from 203\.0\.113\.9, not from NORTH's configured address/);
    }
    const fromPeer = parseIso18626(Buffer.from((await request('HONEST-1', '127.0.0.1', { 'x-forwarded-for': '203.0.113.9' })).body));
    assert.ok(fromPeer.ok && fromPeer.message.kind === 'requestConfirmation' && fromPeer.message.header.messageStatus === 'OK', 'the peer itself is let in');
    const lending = (await app.call('GET', '/api/v1/lending-requests')).json();
    assert.deepEqual(lending.items.map((item: { requesterRequestId: string }) => item.requesterRequestId), ['HONEST-1']);
  });

  test('an Authorization header that is huge, malformed or not a bearer token is a 401, never a 5xx', async () => {
    const real = app.tokenFor.admin;
    for (const authorization of [
      `Bearer ${'a'.repeat(15_000)}`,
      'Bearer',
      'Bearer ',
      `Bearer ${real} extra`,
      `Basic ${Buffer.from(`admin:${real}`).toString('base64')}`,
      `Token ${real}`,
      `${real}`,
      'Bearer ' + "' OR 1=1 --",
      'Bearer é😀',
      'Bearer %00',
      `Bearer ${real.slice(0, -1)}`,
      `Bearer ${real}x`,
      'Bearer\t',
      '',
    ]) {
      const response = await app.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization } });
      assert.equal(response.statusCode, 401, `${authorization.slice(0, 40)}: ${response.body.slice(0, 200)}`);
      assert.equal(response.json().error.code, 'ILL_ERR_UNAUTHENTICATED');
    }
    // Case and spacing of the scheme are the client's business (RFC 9110 §11.1): these are the admin's token.
    for (const authorization of [`bearer ${real}`, `BEARER   ${real}`, `Bearer ${real}  `]) {
      assert.equal((await app.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization } })).statusCode, 200, authorization.slice(0, 10));
    }
  });

  test('a cookie that is huge, malformed or forged does not open the staff pages', async () => {
    for (const cookie of [`interlend_session=${'a'.repeat(15_000)}`, 'interlend_session=%E0%A4%A', 'interlend_session=.', `interlend_session=${'0'.repeat(32)}.${app.tokenFor.peer}`, `interlend_session=${'0'.repeat(32)}.il_forged`, 'interlend_session']) {
      const response = await app.app.inject({ method: 'GET', url: '/ui/requests', headers: { cookie, accept: 'text/html' } });
      assert.equal(response.statusCode, 303, cookie.slice(0, 40));
      assert.equal(response.headers.location, '/ui/sign-in');
    }
  });
});
