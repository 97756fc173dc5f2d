/**
 * Form bodies on the patron pages and the OpenURL intake: kept raw too, because `POST /openurl` hands its body on
 * unread (an OpenURL's encoding is its own: ctx_enc may say ISO-8859-1), while the forms read their fields.
 */
import type { FastifyInstance } from 'fastify';

export interface PatronBody {
  readonly raw: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** Forms and OpenURLs are small: a citation, a note. */
export const PATRON_BODY_LIMIT = 64 * 1024;

export function patronFormParser(app: FastifyInstance): void {
  // Latin-1 keeps every byte as one character, so the OpenURL reader gets the bytes as they came.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: PATRON_BODY_LIMIT }, (_request, body, done) => {
    const raw = (body as Buffer).toString('latin1');
    let fields: Record<string, string> = {};
    try {
      fields = Object.fromEntries(new URLSearchParams((body as Buffer).toString('utf8')));
    } catch {
      fields = {};
    }
    done(null, { raw, fields } satisfies PatronBody);
  });
}
