import type { Stored } from './ports.ts';

/** An object as plain JSON: secrets become `${ENV}` or `{ set: true }` (their toJSON), nothing else changes. */
export function plain<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** How the API shows a stored configuration object: its id, its fields, then its place and times. */
export function toView(object: Stored<unknown>): Record<string, unknown> {
  return {
    id: object.id,
    ...(plain(object.doc) as Record<string, unknown>),
    ...(object.position === undefined ? {} : { position: object.position }),
    createdAt: object.createdAt,
    updatedAt: object.updatedAt,
  };
}

/** RFC 7396 JSON Merge Patch: objects merge, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete base[key];
    else base[key] = mergePatch(base[key], value);
  }
  return base;
}
