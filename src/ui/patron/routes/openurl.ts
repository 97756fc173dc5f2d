/**
 * The OpenURL intake (issue 9, item 1): `GET /openurl?…` and `POST /openurl` (form-encoded, for long citations)
 * open the patron request page with the citation. The OpenURL travels on unread, as the raw query string, so its
 * own encoding (ctx_enc) is read once, by the OpenURL reader; the patron signs in on the way if they must.
 */
import type { FastifyInstance } from 'fastify';
import { MAX_OPENURL_LENGTH } from '../../../domain/bib/openurl.ts';
import type { PatronBody } from '../body.ts';

export const REQUEST_PATH = '/patron/request';

/**
 * The query as a valid address: what clients send percent-encoded stays as it is; a raw byte outside printable
 * ASCII (a client that did not encode) is percent-encoded as the byte it was, so the OpenURL reader still sees it.
 */
function addressQuery(raw: string): string {
  return raw.replace(/[^\x21-\x7e]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : encodeURIComponent(c);
  });
}

const toRequestPage = (query: string) => (query ? `${REQUEST_PATH}?${addressQuery(query)}` : REQUEST_PATH);

export function openUrlRoutes(app: FastifyInstance): void {
  app.get('/openurl', async (request, reply) => {
    const at = request.url.indexOf('?');
    const query = at < 0 ? '' : request.url.slice(at + 1);
    return reply.redirect(toRequestPage(query), 303);
  });
  app.post('/openurl', async (request, reply) => {
    const raw = (request.body as PatronBody | undefined)?.raw ?? '';
    // A redirect carries the citation in its address: one too long for that is cut where a key ends.
    const query = raw.length > MAX_OPENURL_LENGTH ? raw.slice(0, Math.max(0, raw.lastIndexOf('&', MAX_OPENURL_LENGTH))) : raw;
    return reply.redirect(toRequestPage(query), 303);
  });
}
