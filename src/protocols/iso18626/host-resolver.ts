/** DNS for the peer source-address check (src/app/peer-auth.ts): every address a host name stands for. */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { HostResolver } from '../../app/peer-auth.ts';

export const resolveHost: HostResolver = async (host) => {
  if (isIP(host)) return [host];
  return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
};
