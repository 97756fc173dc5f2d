/** Libraries, their shelf locations and circulation desks, and item policies. */
import { z } from 'zod';
import { codeSchema, nameSchema, positiveDaysSchema } from './fields.ts';

export const librarySchema = z.strictObject({
  code: codeSchema,
  name: nameSchema,
  isResourceSharing: z.boolean().default(false),
  isPickup: z.boolean().default(false),
});
export type Library = z.output<typeof librarySchema>;

/** Something that belongs to one library: a shelf location or a circulation desk. */
const inLibrary = { code: codeSchema, name: nameSchema, library: codeSchema };

/** Location codes are unique across the institution, so a partner can name one without its library. */
export const locationSchema = z.strictObject(inLibrary);
export type Location = z.output<typeof locationSchema>;

export const deskSchema = z.strictObject(inLibrary);
export type Desk = z.output<typeof deskSchema>;

export const itemPolicySchema = z.strictObject({
  code: codeSchema,
  name: nameSchema,
  loanPeriodDays: positiveDaysSchema,
});
export type ItemPolicy = z.output<typeof itemPolicySchema>;
