/**
 * `${ENV_VAR}` references in addresses and secrets (design.md: configuration files may use them for secrets and
 * addresses). Addresses keep the reference as written and are resolved when used, so a configuration exported
 * from one machine imports on another with its own environment.
 */
const REFERENCE = /\$\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type Env = Readonly<Record<string, string | undefined>>;

/** Names referenced by a text, and the malformed references in it. */
export function envReferences(text: string): { names: string[]; malformed: string[] } {
  const names: string[] = [];
  const malformed: string[] = [];
  for (const match of text.matchAll(REFERENCE)) {
    const name = match[1]!;
    (NAME.test(name) ? names : malformed).push(name);
  }
  if (text.replace(REFERENCE, '').includes('${')) malformed.push(text);
  return { names, malformed };
}

export function hasEnvReference(text: string): boolean {
  return text.includes('${');
}

/** Replaces each reference with its value; names of unset variables are returned, and the text is then undefined. */
export function resolveEnv(text: string, env: Env): { value: string | undefined; unset: string[] } {
  const unset: string[] = [];
  const value = text.replace(REFERENCE, (_all, name: string) => {
    const found = env[name];
    if (found === undefined || found === '') unset.push(name);
    return found ?? '';
  });
  return unset.length ? { value: undefined, unset } : { value, unset };
}
