import { Secret } from '../domain/config/secret.ts';

/**
 * JSON for the `data` columns. Secrets are written in their storage form here, and only here: everywhere else
 * their JSON form hides the value. (JSON.stringify calls toJSON before the replacer, so the replacer looks at
 * the holder's original value.)
 */
export function toStorageJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, replaced) {
    const original = this[key];
    return original instanceof Secret ? original.toStorage() : replaced;
  });
}

export function fromStorageJson<T>(text: string): T {
  return JSON.parse(text, (_key, value) => (Secret.isStored(value) ? Secret.fromStorage(value) : value)) as T;
}
