/**
 * The add-on's HTTP call, as .NET's `WebClient.UploadString` makes it (illiad.md §2.3): a POST of the encoded
 * message with only the headers the add-on adds (none for AcceptItem, `Content-Type: text/xml; charset=UTF-8` for
 * the others) plus Host and Content-Length; no User-Agent (WebClient sends none by default). The answer is decoded
 * by the charset of its Content-Type, else by the client's ANSI code page (taken as Latin-1). A non-2xx status,
 * a network error or the timeout is an exception, as WebClient throws (WebException) and the Lua does not catch it.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface UploadResult {
  readonly status: number;
  readonly text: string;
}

/** WebClient threw: `reason` is what the add-on's log would show (`HTTP 500`, `ECONNREFUSED`, `timeout`). */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  constructor(
    readonly reason: string,
    readonly status?: number,
    readonly text?: string,
  ) {
    super(reason);
  }
}

function decode(body: Buffer, contentType: string | undefined): string {
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  return charset === 'utf-8' || charset === 'utf8' ? body.toString('utf8') : body.toString('latin1');
}

export function uploadString(url: string, body: Buffer, contentType: string | undefined, timeoutMs: number): Promise<UploadResult> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string | number> = { 'Content-Length': body.length };
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  return new Promise((resolve, reject) => {
    // A fresh connection per message (agent: false), so nothing is left open between events.
    const req = send(target, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => reject(new UploadError(error.message)));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const text = decode(Buffer.concat(chunks), res.headers['content-type']);
        if (status >= 200 && status < 300) resolve({ status, text });
        else reject(new UploadError(`HTTP ${status}`, status, text));
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new UploadError('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => reject(error instanceof UploadError ? error : new UploadError(error.code ?? error.message)));
    req.end(body);
  });
}
