/**
 * The parameters of an NCIP partner (a broker such as ILLiad), in the sections and with the labels of the guide
 * (`seed/ILLiad-as-Lender-of-Last-Resort.txt`, "Parameters"), field names in camelCase (design.md). Every section
 * has defaults, so a partner can be created first and completed later; `interlend doctor` says what is missing.
 */
import { z } from 'zod';
import {
  AUTH_TYPE,
  BIBLIOGRAPHIC_RECORD_ID_TYPE,
  CREATE_FEE_USING,
  DELIVERY_METHOD,
  DISABLE_SERVICE_WHEN,
  EXPORT_TO_THIRD_PARTY,
  NOTIFICATION_METHOD,
  REQUEST_PUSHING_METHOD,
  SEARCH_USER_IN_ILLIAD_USING,
  USER_IDENTIFIER_TYPE,
} from './enums.ts';
import { codeSchema, optionalAddressSchema, optionalTextSchema, positiveDaysSchema, regexSchema, secretInputSchema } from './fields.ts';

const optionalCode = codeSchema.nullable().default(null);

export const generalInformationSchema = z
  .strictObject({
    userIdentifierType: z.enum(USER_IDENTIFIER_TYPE.values).default('PRIMARY_ID'),
    /** Applied to the identifier; the first match is the ILLiad username (design.md, decision 6). */
    userIdentifierRegex: regexSchema,
    brokerSystemNcipUrl: optionalAddressSchema,
    disableServiceWhen: z.enum(DISABLE_SERVICE_WHEN.values).default('NEVER'),
    /** Days of a loan created through this partner when the message carries no due date. */
    loanPeriod: positiveDaysSchema.default(90),
    requestPushingMethod: z.enum(REQUEST_PUSHING_METHOD.values).default('LINK'),
    urlTemplate: optionalTextSchema,
    enableServiceForGuestUser: z.boolean().default(false),
    /** Resource-sharing library that owns requests and items created through this partner. */
    defaultLibraryOwner: optionalCode,
  })
  .superRefine((section, ctx) => {
    if (section.requestPushingMethod === 'OPEN_URL' && !section.urlTemplate) {
      ctx.addIssue({ code: 'custom', path: ['urlTemplate'], message: 'is required when Request Pushing Method is OpenURL' });
    }
  });

export const requestItemSchema = z.strictObject({
  bibliographicRecordIdType: z.enum(BIBLIOGRAPHIC_RECORD_ID_TYPE.values).default('OCLC_NUMBER'),
  defaultLocation: optionalCode,
  supportBorrowing: z.boolean().default(false),
  defaultPickupLibrary: optionalCode,
});

export const checkOutItemSchema = z.strictObject({
  defaultLocation: optionalCode,
  defaultItemPolicy: optionalCode,
});

export const acceptItemSchema = z.strictObject({
  defaultLocation: optionalCode,
  automaticReceive: z.boolean().default(false),
  defaultPickupLibrary: optionalCode,
  receiveDesk: optionalCode,
});

export const lookUpUserSchema = z.strictObject({
  requireAuthentication: z.boolean().default(false),
});

export const exportToThirdPartySchema = z
  .strictObject({
    exportToThirdParty: z.enum(EXPORT_TO_THIRD_PARTY.values).default('NO'),
    /** Base address of the ILLiad Web Platform, e.g. https://illiad.example.edu/ILLiadWebPlatform */
    url: optionalAddressSchema,
    /** The ILLiad transaction field that receives our request id, so the two records can be matched. */
    exportRequestIdNameTag: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]*$/, 'must be the name of an ILLiad transaction field, such as ReferenceNumber')
      .default('ReferenceNumber'),
    closeRequestWhenExported: z.boolean().default(false),
    createUserInIlliad: z.boolean().default(false),
    searchUserInIlliadUsing: z.enum(SEARCH_USER_IN_ILLIAD_USING.values).default('USER_IDENTIFIER'),
    nvtgc: optionalTextSchema,
    status: optionalTextSchema,
    notificationPreference: optionalTextSchema,
    notificationMethod: z.enum(NOTIFICATION_METHOD.values).nullable().default(null),
    deliveryMethod: z.enum(DELIVERY_METHOD.values).nullable().default(null),
    loanDeliveryMethod: z.enum(DELIVERY_METHOD.values).nullable().default(null),
    electronicDelivery: z.boolean().default(false),
    authType: z.enum(AUTH_TYPE.values).default('DEFAULT'),
    /** Write-only: responses and exports show `${ENV_VAR}` or `{ set: true }`, never the key. */
    apiKey: secretInputSchema,
  })
  .superRefine((section, ctx) => {
    if (section.exportToThirdParty !== 'USING_API') return;
    if (!section.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'is required when Export to third party is Using API' });
    if (!section.apiKey) ctx.addIssue({ code: 'custom', path: ['apiKey'], message: 'is required when Export to third party is Using API' });
  });

export const createUserFiscalTransactionSchema = z.strictObject({
  createFeeUsing: z.enum(CREATE_FEE_USING.values).default('IGNORE_MESSAGE'),
});

export const ncipParametersSchema = z.strictObject({
  generalInformation: generalInformationSchema.prefault({}),
  requestItem: requestItemSchema.prefault({}),
  checkOutItem: checkOutItemSchema.prefault({}),
  acceptItem: acceptItemSchema.prefault({}),
  lookUpUser: lookUpUserSchema.prefault({}),
  exportToThirdParty: exportToThirdPartySchema.prefault({}),
  createUserFiscalTransaction: createUserFiscalTransactionSchema.prefault({}),
});
export type NcipParameters = z.output<typeof ncipParametersSchema>;
export type GeneralInformation = z.output<typeof generalInformationSchema>;
export type ExportToThirdParty = z.output<typeof exportToThirdPartySchema>;
