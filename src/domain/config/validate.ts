/** Runs a schema and turns its findings into problems a librarian can read, each anchored at a field path. */
import type { z } from 'zod';
import { formatPath, type Problem } from '../errors.ts';

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

const NOUNS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a group of fields',
  null: 'null',
};

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a group of fields';
  return JSON.stringify(value);
}

function issueMessage(issue: z.core.$ZodIssue, input: unknown): { path: readonly PropertyKey[]; message: string }[] {
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      // A message the schema gave (rather than zod's "Invalid input: …") says more than "is required".
      if (value === undefined) return [{ path: issue.path, message: issue.message.startsWith('Invalid input') ? 'is required' : issue.message }];
      const wanted = NOUNS[issue.expected] ?? issue.expected;
      const hint = issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean') ? ' (put it in quotes)' : '';
      return [{ path: issue.path, message: `must be ${wanted}, not ${describeValue(value)}${hint}` }];
    }
    case 'invalid_value': {
      if (value === undefined) return [{ path: issue.path, message: 'is required' }];
      const allowed = issue.values.map((v) => String(v));
      return [{ path: issue.path, message: `${describeValue(value)} is not allowed here: use ${allowed.length > 1 ? 'one of ' : ''}${allowed.join(', ')}` }];
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...issue.path, key], message: 'is not a field here: check its spelling and its section' }));
    case 'invalid_union':
      if (value === undefined && issue.path.length > 0) return [{ path: issue.path, message: 'is required' }];
      return [{ path: issue.path, message: issue.message }];
    default:
      return [{ path: issue.path, message: issue.message }];
  }
}

export function toProblems(error: z.ZodError, input: unknown, prefix: readonly PropertyKey[] = []): Problem[] {
  return error.issues.flatMap((issue) =>
    issueMessage(issue, input).map((found) => ({ path: formatPath([...prefix, ...found.path]), message: found.message })),
  );
}

export function validate<T>(schema: z.ZodType<T, unknown>, input: unknown, prefix: readonly PropertyKey[] = []): Validated<T> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, problems: toProblems(result.error, input, prefix) };
}
