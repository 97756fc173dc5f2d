/**
 * What a role handler answers to an incoming message: a confirmation (HTTP 200), or a bare HTTP error (the
 * HTTP-ERROR-nnn scenarios, a body that is not ISO 18626). `after` runs once the answer is written: it schedules
 * the messages the mock sends next (they go out only after the confirmation, ISO 18626's one-message-one-answer).
 */
import type { Iso18626Confirmation } from '../../protocols/iso18626/messages.ts';

export type PeerReply =
  | { kind: 'confirmation'; confirmation: Iso18626Confirmation; after?: () => void }
  | { kind: 'http'; httpStatus: number; text: string };

export const httpReply = (httpStatus: number, text: string): PeerReply => ({ kind: 'http', httpStatus, text });
