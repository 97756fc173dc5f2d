/**
 * Every route the server registers, read from Fastify itself (`printRoutes`), so an access test cannot forget a
 * route: a route added without its line in the test's policy table fails that test.
 */
import type { FastifyInstance } from 'fastify';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** `METHOD /path` with every parameter written `:x` (Fastify prints `/:ref|:code` where two names share a place). */
export type RouteKey = `${Method} ${string}`;

const TREE_LINE = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+)(?: \(([^)]*)\))?$/;

export function registeredRoutes(app: FastifyInstance): RouteKey[] {
  const parents: string[] = [];
  const keys = new Set<RouteKey>();
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = TREE_LINE.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = (parents[depth - 1] ?? '') + match[2]!;
    parents[depth] = path;
    parents.length = depth + 1;
    for (const method of (match[3] ?? '').split(', ')) {
      if (!method || method === 'HEAD') continue;
      keys.add(`${method as Method} ${normalise(path)}`);
    }
  }
  return [...keys].sort();
}

/** `/api/v1/partners/:ref|:code/identity` → `/api/v1/partners/:x/identity`. */
export function normalise(path: string): string {
  return path.replace(/:[^/]+/g, ':x');
}

/** A URL for a route: each parameter is `X`, which names nothing. */
export function urlOf(key: RouteKey): { method: Method; url: string } {
  const [method, path] = key.split(' ') as [Method, string];
  return { method, url: path.replace(/:x/g, 'X') };
}
