/**
 * A test app whose requests all go straight to ILLiad: the guide's configuration and the demo patrons, the real export
 * (to a simulator started here) with a short call timeout, the ILLiad rota template on and the peers' off.
 */
import assert from 'node:assert/strict';
import { type IlliadSimulator, startIlliadSimulator } from '../../src/sim/illiad/index.ts';
import type { Dialect } from '../../src/storage/database.ts';
import { EXAMPLE, PATRONS } from '../ui/helpers.ts';
import { createTestApp, type TestApp } from './app.ts';

export const ILLIAD_SIM_KEY = 'sim-key-0123456789';

export async function illiadOnlyApp(dialect: Dialect): Promise<{ app: TestApp; sim: IlliadSimulator; close(): Promise<void> }> {
  const sim = await startIlliadSimulator({ apiKey: ILLIAD_SIM_KEY, externalUserIdMapping: 'EMailAddress' });
  // The peers' addresses are set (the configuration names them) but nobody listens there.
  const app = await createTestApp(dialect, { ILLIAD_URL: sim.url, ILLIAD_API_KEY: ILLIAD_SIM_KEY, NORTH_PEER_URL: 'http://127.0.0.1:9/', SOUTH_PEER_URL: 'http://127.0.0.1:9/' }, { illiad: true, illiadCallTimeoutMs: 400 });
  await app.transfer.importYaml(EXAMPLE);
  await app.transfer.importYaml(PATRONS);
  assert.equal((await app.call('PATCH', '/api/v1/rota-templates/ILLiad', { body: { status: 'ACTIVE' } })).statusCode, 200);
  assert.equal((await app.call('PATCH', '/api/v1/rota-templates/PEERS', { body: { status: 'INACTIVE' } })).statusCode, 200);
  return {
    app,
    sim,
    async close() {
      await app.close();
      await sim.close();
    },
  };
}
