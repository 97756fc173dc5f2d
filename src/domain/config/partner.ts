import { z } from 'zod';
import { ACTIVE_STATUS, LOCATE_PROFILE_TYPE, SYSTEM_TYPE } from './enums.ts';
import { addressSchema, codeSchema, emailSchema, nameSchema, optionalTextSchema, positiveDaysSchema, secretInputSchema } from './fields.ts';
import { ncipParametersSchema } from './ncip-parameters.ts';

/** How a partner is asked whether it holds an item (design.md, decision 4). No profile: it stays in the rota. */
export const locateProfileSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('STATIC' satisfies (typeof LOCATE_PROFILE_TYPE.values)[number]),
    /** Identifiers (OCLC numbers, ISBNs, ISSNs) the partner is known to hold. */
    holdings: z.array(z.string().trim().min(1)).default([]),
  }),
  z.strictObject({
    /** Another Interlend site, asked at `GET {url}/api/v1/availability` (issue 6, item 6). */
    type: z.literal('INTERLEND' satisfies (typeof LOCATE_PROFILE_TYPE.values)[number]),
    /** The peer's Interlend address, e.g. https://interlend.north.example.edu (may use ${ENV_VAR}). */
    url: addressSchema,
    /** A token the peer made for us with the role `peer` (write-only, like every secret). */
    token: secretInputSchema,
  }),
]);
export type LocateProfile = z.output<typeof locateProfileSchema>;

/** An ISO 18626 peer: where its messages go and how it names itself. */
export const iso18626ParametersSchema = z.strictObject({
  url: addressSchema,
  agencyIdType: z.string().trim().min(1).default('ISIL'),
  agencyIdValue: z.string().trim().min(1, 'must not be empty: it is the symbol the peer uses in its messages'),
  /** Optional shared secret the peer sends in a header. */
  sharedSecret: secretInputSchema,
});

export const emailParametersSchema = z.strictObject({
  emailAddress: emailSchema,
  resendingOverdueMessageIntervalDays: positiveDaysSchema.nullable().default(null),
});

const head = { code: codeSchema, name: nameSchema };
const common = {
  status: z.enum(ACTIVE_STATUS.values).default('ACTIVE'),
  systemType: z.enum(SYSTEM_TYPE.values).default('OTHER'),
  supportsBorrowing: z.boolean().default(true),
  supportsLending: z.boolean().default(false),
  borrowingWorkflow: optionalTextSchema,
  lendingWorkflow: optionalTextSchema,
  locateProfile: locateProfileSchema.nullable().default(null),
  /** Days the partner has to answer before the request moves to the next partner (design.md, decision 5). */
  respondWithinDays: positiveDaysSchema.default(5),
};

export const partnerSchema = z.discriminatedUnion(
  'profileType',
  [
    z.strictObject({ ...head, profileType: z.literal('NCIP'), ...common, ncip: ncipParametersSchema.prefault({}) }),
    z.strictObject({ ...head, profileType: z.literal('ISO18626'), ...common, iso18626: iso18626ParametersSchema }),
    z.strictObject({ ...head, profileType: z.literal('EMAIL'), ...common, email: emailParametersSchema }),
  ],
  { error: 'must be one of NCIP, ISO18626, EMAIL' },
);
export type Partner = z.output<typeof partnerSchema>;
export type NcipPartner = Extract<Partner, { profileType: 'NCIP' }>;
