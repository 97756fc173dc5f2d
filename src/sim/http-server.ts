/** HTTP plumbing the simulators share (the ILLiad simulator, the ISO 18626 mock peer): bodies with a limit, listening. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The body, or `too-large` once more than `limit` bytes arrived (the rest is read and dropped, so the answer gets through). */
export function readLimitedBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > limit ? 'too-large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Listens on the port (0: any free one) and host; resolves with the server and its `http://host:port` origin. */
export async function listen(handle: (request: IncomingMessage, response: ServerResponse) => void, port: number | undefined, host: string | undefined): Promise<{ server: Server; origin: string }> {
  const server = createServer(handle);
  await listenOn(server, port ?? 0, host ?? '127.0.0.1');
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, origin: `http://${shown}:${address.port}` };
}

function listenOn(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * An outage of the simulated system (issue 10, outages): the listener is closed and open connections dropped, so
 * callers meet "connection refused", while the simulator's state (transactions, flows) stays; `listenAgain` opens
 * the same port again.
 */
export function stopListening(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** Listens again on the address the server had before `stopListening`. */
export function listenAgain(server: Server, origin: string): Promise<void> {
  const url = new URL(origin);
  return listenOn(server, Number(url.port), url.hostname.replace(/^\[|\]$/g, ''));
}
