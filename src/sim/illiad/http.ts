/**
 * HTTP plumbing shared by the Web Platform routes and the control API: reading a body with a size limit, and the
 * answers as ASP.NET Web API writes them (`application/json; charset=utf-8`, errors as `{"Message": …}`,
 * illiad.md §1.6).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readLimitedBody } from '../http-server.ts';
import type { ModelState } from './binding.ts';

/** Bodies above this are refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** What a route answers; the server writes it (and may spoil it, see faults.ts). */
export interface Answer {
  readonly status: number;
  /** Serialised as JSON; undefined sends no body. */
  readonly body?: unknown;
}

export const json = (status: number, body: unknown): Answer => ({ status, body });
export const message = (status: number, text: string): Answer => ({ status, body: { Message: text } });
/** ASP.NET's answer to a model that did not validate (illiad.md §1.6). */
export const invalidRequest = (modelState: ModelState): Answer => ({ status: 400, body: { Message: 'The request is invalid.', ModelState: modelState } });

/** The body, or `too-large` once more than MAX_BODY_BYTES arrived. */
export const readBody = (request: IncomingMessage): Promise<Buffer | 'too-large'> => readLimitedBody(request, MAX_BODY_BYTES);

export function send(response: ServerResponse, status: number, text: string | undefined): void {
  const headers: Record<string, string | number> = { 'Content-Length': text === undefined ? 0 : Buffer.byteLength(text) };
  if (text !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
  response.writeHead(status, headers);
  response.end(text);
}

export function sendAnswer(response: ServerResponse, answer: Answer): void {
  send(response, answer.status, answer.body === undefined ? undefined : JSON.stringify(answer.body));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
