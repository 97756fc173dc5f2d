import { z } from 'zod';
import { codeSchema, nameSchema, optionalTextSchema, timeZoneSchema } from './fields.ts';

/** The library running Interlend; there is one per installation. */
export const institutionSchema = z.strictObject({
  code: codeSchema,
  name: nameSchema,
  /** The agency id ILLiad's NCIP add-on sends as ToAgencyId (NCIP 2.02 InitiationHeader). */
  ncipAgencyId: z.string().trim().min(1, 'must not be empty: it is the agency id ILLiad sends in NCIP messages'),
  isil: optionalTextSchema.refine((v) => v === null || /^[A-Za-z]{1,4}-[A-Za-z0-9:/-]{1,11}$/.test(v), 'is not an ISIL such as US-CStL'),
  timeZone: timeZoneSchema.default('UTC'),
  /** Pickup library for requests whose patron has none. */
  defaultPickupLibrary: codeSchema.nullable().default(null),
});
export type Institution = z.output<typeof institutionSchema>;
