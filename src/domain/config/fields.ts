/** Field types shared by the configuration objects, each with the sentence a librarian reads when it is wrong. */
import { z } from 'zod';
import { envReferences, hasEnvReference } from './env-refs.ts';
import { Secret } from './secret.ts';

/** Codes identify objects in files and URLs, so they stay short and plain. */
export const codeSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1 to 64 letters, digits, "_", "-" or ".", starting with a letter or digit');

export const nameSchema = z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters');

/** Optional free text: empty means blank, as in the guide's "(Leave Blank)". */
export const optionalTextSchema = z
  .string()
  .trim()
  .max(255, 'must be at most 255 characters')
  .nullable()
  .default(null)
  .transform((v) => (v === '' ? null : v));

export const positiveDaysSchema = z
  .number({ error: 'must be a number of days' })
  .int('must be a whole number of days')
  .positive('must be a positive number of days');

/** Translates V8's regular expression errors into words a librarian can act on. */
export function explainRegexError(message: string): string {
  const reason = message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  const plain: Record<string, string> = {
    'Unterminated character class': 'missing ]',
    'Unterminated group': 'missing )',
    "Unmatched ')'": 'a ) has no matching (',
    'Nothing to repeat': 'a *, + or ? has nothing before it to repeat',
    'Lone quantifier brackets': 'a { or } stands alone',
    '\\ at end of pattern': 'it ends with a lone \\',
    'Invalid group': 'a group starting with (? is not valid',
    'numbers out of order in {} quantifier': 'the numbers in {} are in the wrong order',
    'Range out of order in character class': 'a range in [] runs backwards',
  };
  return plain[reason] ?? reason.charAt(0).toLowerCase() + reason.slice(1);
}

export function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (error) {
    return `${JSON.stringify(pattern)} is not a valid regular expression: ${explainRegexError((error as Error).message)}`;
  }
}

/** An optional text that a check must accept; blank means none. */
function optionalChecked(check: (text: string) => string | undefined, options: { trim: boolean }) {
  const text = options.trim ? z.string().trim() : z.string();
  return text
    .nullable()
    .default(null)
    .transform((v) => (v === '' ? null : v))
    .superRefine((value, ctx) => {
      const problem = value === null ? undefined : check(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/** Not trimmed: spaces can matter in a pattern. */
export const regexSchema = optionalChecked(regexProblem, { trim: false });

/**
 * An http(s) address. It may contain `${ENV_VAR}` references; then only the references are checked here and the
 * resolved address is checked where the environment is known (configuration import, the doctor).
 */
export function addressProblem(text: string): string | undefined {
  if (hasEnvReference(text)) {
    const { malformed } = envReferences(text);
    return malformed.length ? `${JSON.stringify(text)} has a malformed \${…} reference: use \${NAME} with letters, digits and _` : undefined;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${JSON.stringify(text)} is not a URL: write it in full, such as https://illiad.example.edu/ILLiadWebPlatform`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${JSON.stringify(text)} must start with http:// or https://`;
  return undefined;
}

export const addressSchema = z
  .string()
  .trim()
  .superRefine((text, ctx) => {
    const problem = addressProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const optionalAddressSchema = optionalChecked(addressProblem, { trim: true });

/**
 * How a secret is written in input: the value, `${ENV_VAR}`, `{ set: true }` to keep the stored one (the form an
 * export writes), or null for none. The app turns it into a `Secret`.
 */
export const KEEP_SECRET = { set: true } as const;
export type KeepSecret = { readonly set: true };

export const secretInputSchema = z
  .union(
    [
      z
        .string()
        .min(1, 'must not be empty; use null for no key')
        .transform((text) => Secret.parse(text)),
      z.strictObject({ set: z.literal(true) }),
    ],
    { error: 'must be the secret itself, ${ENV_VAR}, { set: true } to keep the stored one, or null' },
  )
  .nullable()
  .default(null);
/** After parsing: a secret, the request to keep the stored one, or none. */
export type SecretField = Secret | KeepSecret | null;

export const emailSchema = z
  .string()
  .trim()
  .regex(/^[^\s@]+@[^\s@]+$/, 'is not an e-mail address');

export const timeZoneSchema = z.string().superRefine((zone, ctx) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(zone)} is not a time zone: use an IANA name such as America/Los_Angeles` });
  }
});

export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  // Date.parse rolls 2030-02-31 over to 3 March; a real date reads back as itself.
  .refine((s) => {
    const time = Date.parse(`${s}T00:00:00Z`);
    return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === s;
  }, 'is not a real date');
