/**
 * Optimistic concurrency at the HTTP edge (RFC 9110 §8.8.3, §13.1.1): a configuration object's version is its
 * `ETag`, and a write that sends `If-Match` is made only when the stored object is still at one of the versions
 * sent (412 ILL_ERR_STALE otherwise, from ConfigService). Without If-Match (or with `*`) a write is not checked.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { versionOf } from '../app/config-service.ts';
import type { Stored } from '../app/ports.ts';
import { InterlendError } from '../domain/errors.ts';

/** One entity tag of a list: optionally weak (`W/`), quoted, then a comma or the end. */
const TAG = /\s*(?:W\/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|$)/y;

/**
 * The versions If-Match names, or undefined for no check (no header, or `*`: "any version", and every write needs
 * the object to exist anyway). A weak tag (`W/"…"`) counts as its version: the tag names the stored revision, not
 * the bytes, and a proxy that compresses the answer may have weakened it.
 */
export function ifMatchOf(request: FastifyRequest): readonly string[] | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const text = (Array.isArray(header) ? header.join(', ') : header).trim();
  if (text === '*') return undefined;
  const versions: string[] = [];
  TAG.lastIndex = 0;
  while (TAG.lastIndex < text.length) {
    const start = TAG.lastIndex;
    const found = TAG.exec(text);
    if (!found || TAG.lastIndex === start) {
      throw new InterlendError('ILL_ERR_BAD_REQUEST', 'If-Match: must be * or the ETag of the object as a GET gave it, quoted ("…"), or several separated by commas', [
        { path: 'If-Match', message: 'must be * or one or more quoted versions as ETag gives them' },
      ]);
    }
    versions.push(found[1]!);
  }
  if (!versions.length) throw new InterlendError('ILL_ERR_BAD_REQUEST', 'If-Match: is empty; leave it out, or send the ETag of the object', [{ path: 'If-Match', message: 'is empty' }]);
  return versions;
}

/** The object's version as the answer's ETag. */
export function withVersion(reply: FastifyReply, object: Pick<Stored<unknown>, 'id' | 'revision'>): FastifyReply {
  return reply.header('etag', `"${versionOf(object)}"`);
}

/** For OpenAPI only (fastify does not check headers here): If-Match is read by `ifMatchOf`. */
export const writeHeaders = z.object({
  'if-match': z
    .string()
    .optional()
    .describe('The ETag of the object as read (GET): the write is made only if nobody has changed it since, else 412 ILL_ERR_STALE. Leave it out to write whatever is stored.'),
});
