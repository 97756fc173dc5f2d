/**
 * Optimistic versions on the staff pages: every form that saves a configuration object carries the version it was
 * drawn from (a hidden field) and sends it to the use case as the API's If-Match. A save refused as stale (someone
 * else saved since) says who-did-what in words, keeps what was typed, and offers to reload the current values.
 */
import type { WriteOptions } from '../../app/config-service.ts';
import { InterlendError } from '../../domain/errors.ts';

/** The hidden field's name (beside `_csrf`). */
export const VERSION_FIELD = '_version';

/** The version a posted form was drawn from; undefined when it had none (a form from before versions). */
export function postedVersion(body: Record<string, unknown>): string | undefined {
  const raw = body[VERSION_FIELD];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The use case's options for a save from a form drawn at `version`. */
export const fromVersion = (version: string | undefined): WriteOptions => (version === undefined ? {} : { ifMatch: [version] });

export const isStale = (error: unknown): error is InterlendError => error instanceof InterlendError && error.code === 'ILL_ERR_STALE';

/** A stored time as staff read it: `2026-11-28 12:01:05 UTC`. */
export function readableTime(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

export interface StaleView {
  /** What was being saved, as the sentence names it: "partner", "rota template", "rule". */
  readonly thing: string;
  /** When the other save was (the object's updatedAt now), ISO and in words. */
  readonly at: string;
  readonly atText: string;
  /** "saved" or "deleted": what did not happen. */
  readonly nothing: 'saved' | 'deleted';
  /** The page that shows the current values. */
  readonly reload: string;
  /** Whether the form below still holds what was typed (and the old version, so saving it again is refused too). */
  readonly kept: boolean;
}

export function staleView(thing: string, updatedAt: string, reload: string, options: { nothing?: 'saved' | 'deleted'; kept?: boolean } = {}): StaleView {
  return { thing, at: updatedAt, atText: readableTime(updatedAt), nothing: options.nothing ?? 'saved', reload, kept: options.kept ?? true };
}

/** The first sentence, as text (for a list's status line). */
export const staleSentence = (view: Pick<StaleView, 'thing' | 'atText' | 'nothing'>): string =>
  `Someone else saved this ${view.thing} at ${view.atText} while you were editing; nothing was ${view.nothing}.`;
