/**
 * One Interlend site for the outage tests (issue 10, item 3): a real `interlend serve` process (its worker inside) with
 * the guide's configuration gone live (the peers' rota, then the ILLiad rota: ILLiad is the lender of last resort),
 * the demo patrons, two ISO 18626 mock peers that answer Unfilled, and the ILLiad simulator with its NCIP add-on
 * pointed at the server. The simulators run in the test's process, so they outlive anything done to the server or
 * the database and are the witnesses of what was sent: the ILLiad transactions and the peers' flows.
 *
 * Everything is spoken to over real HTTP, the staff dashboard too (signed in with the admin token, as a browser).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type IlliadSimulator, startIlliadSimulator } from '../../src/sim/illiad/index.ts';
import { type PeerMock, startPeerMock } from '../../src/sim/peer/index.ts';
import { freePort, ROOT, type Running, start, waitForOk, waitUntil } from '../support/processes.ts';

export const ADMIN_TOKEN = 'outage-test-admin-token-0123456789';
const API_KEY = 'outage-test-illiad-key';
/** The demo patrons who may borrow (100200303 is blocked for fines, guest-0001 is a guest). */
export const PATRONS = ['100200300', '100200301', '100200302'];

/**
 * The guide's configuration with the ILLiad rota gone live (the guide's last step): peers first, then ILLiad; or,
 * `peers: false`, with the peers' rota Inactive, so every request goes straight to ILLiad.
 */
export function guideGoneLive(peers = true): string {
  const guide = readFileSync(join(ROOT, 'examples/lender-of-last-resort.yaml'), 'utf8');
  let live = guide.replace('status: INACTIVE\n    members: [ILLiad]', 'status: ACTIVE\n    members: [ILLiad]');
  assert.notEqual(live, guide, 'the example keeps the ILLiad rota Inactive until go-live');
  if (!peers) live = live.replace('status: ACTIVE\n    members: [NORTH, SOUTH]', 'status: INACTIVE\n    members: [NORTH, SOUTH]');
  return live;
}

export interface SiteOptions {
  /** postgres://… of the database to use; a SQLite file in a temporary folder when unset. */
  readonly databaseUrl?: string;
  /** More server environment (JOB_RETRY_BASE_MS, ILLIAD_CALL_TIMEOUT_MS, …). */
  readonly env?: Record<string, string>;
  /** The peers' rota first (default), or requests straight to ILLiad. */
  readonly peers?: boolean;
}

export interface Site {
  readonly base: string;
  readonly illiad: IlliadSimulator;
  readonly north: PeerMock;
  readonly south: PeerMock;
  readonly server: () => Running;
  /** A JSON API call as the admin; the body parsed when it is JSON. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Posts a borrowing request for the n-th test book; the status and the request id (when 201). */
  post(n: number): Promise<{ status: number; id?: string; body: any }>;
  /** /metrics as text, and one sample's value by its series (`name{labels}` as printed). */
  metrics(): Promise<{ status: number; text: string; value(series: string): number | undefined }>;
  /** The staff dashboard as the signed-in admin: its status and HTML. */
  dashboard(): Promise<{ status: number; html: string }>;
  /** Waits until `count` requests are Exported to third party and no job is running. */
  drained(count: number, ms: number): Promise<void>;
  stop(): Promise<number | null>;
}

export async function startSite(options: SiteOptions = {}): Promise<Site> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'interlend-outage-'));
  const illiad = await startIlliadSimulator({
    apiKey: API_KEY,
    port: 0,
    externalUserIdMapping: 'EMailAddress',
    ncipUrl: `${base}/ncip`,
    ncip: { fromAgencyId: 'CSU_DEMO', toAgencyId: 'CSU_DEMO', applicationProfileType: 'ILLiad', timeoutMs: 10_000 },
  });
  const peer = (symbol: string) => startPeerMock({ symbol, port: 0, peerUrl: `${base}/iso18626`, defaultScenario: 'UNFILLED', messageDelayMs: 20 });
  const north = await peer('US-NSU');
  const south = await peer('US-SCC');
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    INTERLEND_DEMO: '0',
    INTERLEND_ADMIN_TOKEN: ADMIN_TOKEN,
    ILLIAD_URL: illiad.url,
    ILLIAD_API_KEY: API_KEY,
    NORTH_PEER_URL: north.url,
    SOUTH_PEER_URL: south.url,
    LOG_LEVEL: 'warn',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { DATA_DIR: dir }),
    ...options.env,
  };
  let server: Running | undefined;
  const stopAll = async () => {
    const code = server ? await server.stop() : null;
    await north.close();
    await south.close();
    await illiad.close();
    rmSync(dir, { recursive: true, force: true });
    return code;
  };
  try {
    writeFileSync(join(dir, 'config.yaml'), guideGoneLive(options.peers ?? true));
    for (const file of [join(dir, 'config.yaml'), join(ROOT, 'examples/demo-patrons.yaml')]) {
      const imported = start(process.execPath, ['--import', 'tsx', 'src/main.ts', 'config', 'import', file], env);
      assert.equal(await imported.exited, 0, imported.output());
    }
    server = start(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], env);
    await waitForOk(`${base}/healthz`, 60_000, server);
  } catch (error) {
    await stopAll();
    throw error;
  }

  const api: Site['api'] = async (method, path, body) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: response.status, body: parsed };
  };

  // Signed in once, as a browser: the session cookie of the admin token.
  const signIn = await fetch(`${base}/ui/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: ADMIN_TOKEN }).toString(),
    redirect: 'manual',
  });
  assert.equal(signIn.status, 303, await signIn.text());
  const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;

  return {
    base,
    illiad,
    north,
    south,
    server: () => server!,
    api,
    async post(n) {
      const created = await api('POST', '/api/v1/borrowing-requests', { patron: PATRONS[n % PATRONS.length], title: `Outage test book ${n}`, oclcNumber: String(200000 + n) });
      return { status: created.status, body: created.body, ...(created.status === 201 ? { id: created.body.id as string } : {}) };
    },
    async metrics() {
      const response = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(30_000) });
      const text = await response.text();
      return {
        status: response.status,
        text,
        value(series: string) {
          const line = text.split('\n').find((l) => l.startsWith(`${series} `));
          return line === undefined ? undefined : Number(line.slice(series.length + 1));
        },
      };
    },
    async dashboard() {
      const response = await fetch(`${base}/ui`, { headers: { cookie, accept: 'text/html' }, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
      return { status: response.status, html: await response.text() };
    },
    async drained(count, ms) {
      await waitUntil(
        async () => {
          const open = (await api('GET', '/api/v1/borrowing-requests?status=EXPORTED_TO_THIRD_PARTY&limit=1')).body.total as number;
          if (open < count) return undefined;
          const jobs = (await api('GET', '/api/v1/jobs?state=running&limit=1')).body.total as number;
          return jobs === 0 ? true : undefined;
        },
        `${count} requests Exported to third party`,
        ms,
      );
    },
    stop: stopAll,
  };
}

/** Plain text of a page: tags out, entities of the few characters the pages escape back, spaces squeezed. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');
}
