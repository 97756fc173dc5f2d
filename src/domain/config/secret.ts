/**
 * A secret such as the ILLiad API key. It is either a reference to an environment variable (`${ILLIAD_API_KEY}`,
 * resolved only when the secret is used) or a literal value. Its JSON form never contains the literal, so a
 * secret cannot leak through an API response, an export or a log line by accident: `JSON.stringify` shows
 * `"${ILLIAD_API_KEY}"` for a reference and `{ "set": true }` for a literal.
 */
export class Secret {
  readonly #value: string | undefined;
  private constructor(
    /** Name of the environment variable that holds the secret, when it is a reference. */
    readonly envName: string | undefined,
    value: string | undefined,
  ) {
    this.#value = value;
  }

  static fromEnv(name: string): Secret {
    return new Secret(name, undefined);
  }

  static literal(value: string): Secret {
    return new Secret(undefined, value);
  }

  /** `${NAME}` becomes a reference; anything else is the secret itself. */
  static parse(text: string): Secret {
    const match = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(text.trim());
    return match ? Secret.fromEnv(match[1]!) : Secret.literal(text);
  }

  /** The secret's value for use (e.g. the ApiKey header); undefined when the referenced variable is not set. */
  reveal(env: Readonly<Record<string, string | undefined>>): string | undefined {
    return this.envName === undefined ? this.#value : env[this.envName] || undefined;
  }

  /** What storage keeps: the reference, or the value. Only the storage layer calls this. */
  toStorage(): StoredSecret {
    return this.envName === undefined ? { $secret: { value: this.#value! } } : { $secret: { env: this.envName } };
  }

  static fromStorage(stored: StoredSecret): Secret {
    const inner = stored.$secret;
    return 'env' in inner ? Secret.fromEnv(inner.env) : Secret.literal(inner.value);
  }

  static isStored(value: unknown): value is StoredSecret {
    return typeof value === 'object' && value !== null && '$secret' in value;
  }

  /** The public form: the reference as written, or only the fact that a value is set. */
  toJSON(): SecretView {
    return this.envName === undefined ? { set: true } : `\${${this.envName}}`;
  }

  /** Keeps secrets out of `util.inspect` (console.log, assertion messages) too. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.envName === undefined ? 'Secret(set)' : `Secret(\${${this.envName}})`;
  }
}

export type StoredSecret = { $secret: { env: string } | { value: string } };
export type SecretView = string | { set: true };
