import { z } from 'zod';
import { ACTIVE_STATUS, PATRON_IDENTIFIER_TYPE } from './enums.ts';
import { codeSchema, emailSchema, isoDateSchema, nameSchema } from './fields.ts';

export const patronIdentifierSchema = z.strictObject({
  type: z.enum(PATRON_IDENTIFIER_TYPE.values),
  value: z.string().trim().min(1, 'must not be empty'),
});

export const patronBlockSchema = z.strictObject({
  code: z.string().trim().min(1, 'must not be empty'),
  note: z.string().trim().nullable().default(null),
});

export const patronSchema = z
  .strictObject({
    primaryId: z.string().trim().min(1, 'must not be empty').max(255),
    firstName: nameSchema,
    lastName: nameSchema,
    email: emailSchema.nullable().default(null),
    userGroup: z.string().trim().min(1, 'must not be empty'),
    status: z.enum(ACTIVE_STATUS.values).default('ACTIVE'),
    isGuest: z.boolean().default(false),
    pickupLibrary: codeSchema.nullable().default(null),
    expiryDate: isoDateSchema.nullable().default(null),
    identifiers: z.array(patronIdentifierSchema).default([]),
    blocks: z.array(patronBlockSchema).default([]),
  })
  .superRefine((patron, ctx) => {
    const seen = new Set<string>();
    patron.identifiers.forEach((identifier, index) => {
      if (seen.has(identifier.type)) {
        ctx.addIssue({ code: 'custom', path: ['identifiers', index, 'type'], message: `a patron has one ${identifier.type} at most` });
      }
      seen.add(identifier.type);
    });
  });
export type Patron = z.output<typeof patronSchema>;

/** The identifiers by which the patron can be found, with lower-cased values, primary id and e-mail included. */
export function patronLookupKeys(patron: Patron): { type: string; value: string }[] {
  const keys = [{ type: 'PRIMARY_ID', value: patron.primaryId.toLowerCase() }];
  if (patron.email) keys.push({ type: 'EMAIL', value: patron.email.toLowerCase() });
  for (const identifier of patron.identifiers) keys.push({ type: identifier.type, value: identifier.value.toLowerCase() });
  return keys;
}
