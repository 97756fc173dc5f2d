/**
 * The static files of the staff pages, read once at start: htmx from its npm package (no CDN, no copy in the
 * repository, no build step) our stylesheet and icon. Each is cached by the browser for an hour; a new htmx version
 * comes with a restart anyway.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';

export const HTMX_PATH = '/ui/static/htmx.min.js';
export const CSS_PATH = '/ui/static/ui.css';
export const ICON_PATH = '/ui/static/favicon.svg';

export async function staticRoutes(app: FastifyInstance): Promise<void> {
  const htmx = await readFile(createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'));
  const css = await readFile(new URL('./static/ui.css', import.meta.url));
  const icon = await readFile(new URL('./static/favicon.svg', import.meta.url));
  for (const [path, body, type] of [
    [HTMX_PATH, htmx, 'text/javascript; charset=utf-8'],
    [CSS_PATH, css, 'text/css; charset=utf-8'],
    [ICON_PATH, icon, 'image/svg+xml'],
  ] as const) {
    app.get(path, { schema: { hide: true } }, async (_request, reply) => reply.type(type).header('cache-control', 'public, max-age=3600').send(body));
  }
}
