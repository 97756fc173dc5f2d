/**
 * The partner pages' fields as data: for each profile type, its sections in the guide's order
 * (`seed/ILLiad-as-Lender-of-Last-Resort.txt`: the General Information tab, then the Parameters tab section by
 * section), each field with the guide's label, what the guide says to enter (the help text), the field's path in
 * the partner document (src/domain/config/partner.ts, ncip-parameters.ts) and how it is edited. The pages render
 * these and nothing else; the tests read the guide and check the page against it.
 */
import {
  ACTIVE_STATUS,
  AUTH_TYPE,
  BIBLIOGRAPHIC_RECORD_ID_TYPE,
  CREATE_FEE_USING,
  DELIVERY_METHOD,
  DISABLE_SERVICE_WHEN,
  EXPORT_TO_THIRD_PARTY,
  LOCATE_PROFILE_TYPE,
  NOTIFICATION_METHOD,
  PROFILE_TYPE,
  REQUEST_PUSHING_METHOD,
  SEARCH_USER_IN_ILLIAD_USING,
  SYSTEM_TYPE,
  USER_IDENTIFIER_TYPE,
} from '../../domain/config/enums.ts';

/** Configuration objects a field may name (their codes are offered in a select). */
export type RefKind = 'libraries' | 'locations' | 'desks' | 'item-policies';

export type FieldKind =
  /** Free text; `nullable`: empty means blank (null). `raw`: not trimmed (a regex). */
  | { readonly type: 'text'; readonly nullable?: boolean; readonly raw?: boolean }
  /** A whole number of days; `nullable`: empty means none. */
  | { readonly type: 'number'; readonly nullable?: boolean }
  | { readonly type: 'checkbox' }
  /** One of a closed list (an enum's `labels`); `nullable`: a blank choice first. */
  | { readonly type: 'select'; readonly labels: Readonly<Record<string, string>>; readonly nullable?: boolean }
  /** The code of another configuration object, or blank; `required`: no blank (a location's library). */
  | { readonly type: 'ref'; readonly kind: RefKind; readonly required?: boolean }
  /** Write-only: the page says whether one is set (and the `${VAR}` it names), never the value. */
  | { readonly type: 'secret'; readonly noun: string }
  /** One value a line (a list of strings). */
  | { readonly type: 'lines' };

export interface FieldSpec {
  /** Dotted path in the partner document, also the form field's name: `ncip.generalInformation.loanPeriod`. */
  readonly path: string;
  /** The guide's label. */
  readonly label: string;
  /** What the guide says to enter, in its words. */
  readonly help: string;
  readonly kind: FieldKind;
  /** Shown but not editable once the partner exists (the code; the profile type chooses the parameter block). */
  readonly fixed?: boolean;
  /** Only shown for this locate profile type. */
  readonly when?: { readonly path: string; readonly value: string };
}

export interface SectionSpec {
  /** For ids and anchors. */
  readonly id: string;
  /** The tab of the guide's partner profile: "General Information tab", "Parameters". */
  readonly tab: string;
  /** The section's heading, as in the guide. */
  readonly title: string;
  readonly fields: readonly FieldSpec[];
}

const text: FieldKind = { type: 'text' };
const optionalText: FieldKind = { type: 'text', nullable: true };
const checkbox: FieldKind = { type: 'checkbox' };
const select = (labels: Readonly<Record<string, string>>, nullable = false): FieldKind => ({ type: 'select', labels, nullable });
const ref = (kind: RefKind): FieldKind => ({ type: 'ref', kind });

const GENERAL_TAB = 'General Information tab';
const PARAMETERS_TAB = 'Parameters tab';

/** The guide's General Information tab; every profile type has it. */
const generalInformationTab: SectionSpec = {
  id: 'general',
  tab: GENERAL_TAB,
  title: 'General Information',
  fields: [
    { path: 'code', label: 'Code', help: 'The guide: ILLiad. Unique, and it cannot be changed later: ILLiad’s NCIP add-on sends it as ApplicationProfileType.', kind: text, fixed: true },
    { path: 'profileType', label: 'Profile Type', help: 'The guide: NCIP (ILLiad). ISO 18626 for a peer library. It cannot be changed later.', kind: select(PROFILE_TYPE.labels), fixed: true },
    { path: 'systemType', label: 'System Type', help: 'The guide: ILLiad.', kind: select(SYSTEM_TYPE.labels) },
    { path: 'supportsBorrowing', label: 'Supports Borrowing', help: 'The guide: checked. Off, no borrowing request is sent to this partner.', kind: checkbox },
    { path: 'supportsLending', label: 'Supports Lending', help: 'The guide: checked.', kind: checkbox },
    { path: 'name', label: 'Name', help: 'The guide: ILLiad.', kind: text },
    { path: 'status', label: 'Status', help: 'The guide: Active. An Inactive partner is left out of every rota.', kind: select(ACTIVE_STATUS.labels) },
    { path: 'borrowingWorkflow', label: 'Borrowing Workflow', help: 'The guide: Borrowing NZ workflow.', kind: optionalText },
    { path: 'lendingWorkflow', label: 'Lending Workflow', help: 'The guide: Lending NZ Workflow.', kind: optionalText },
  ],
};

/** The guide's Parameters tab of an NCIP partner, section by section. */
const ncipParameters: SectionSpec[] = [
  {
    id: 'ncip-general',
    tab: PARAMETERS_TAB,
    title: 'General Information',
    fields: [
      {
        path: 'ncip.generalInformation.userIdentifierType',
        label: 'User Identifier Type',
        help: 'The field matching ILLiad Username or Primary Identifier (Email when the ILLiad username is the university e-mail or its first part).',
        kind: select(USER_IDENTIFIER_TYPE.labels),
      },
      {
        path: 'ncip.generalInformation.userIdentifierRegex',
        label: 'User Identifier Regex',
        help: '^[^@]* when the ILLiad username is the part of the university e-mail before the @; otherwise leave blank.',
        kind: { type: 'text', nullable: true, raw: true },
      },
      { path: 'ncip.generalInformation.brokerSystemNcipUrl', label: 'Broker System NCIP URL', help: 'The guide leaves it empty.', kind: optionalText },
      { path: 'ncip.generalInformation.disableServiceWhen', label: 'Disable Service When', help: 'The guide: Never.', kind: select(DISABLE_SERVICE_WHEN.labels) },
      { path: 'ncip.generalInformation.loanPeriod', label: 'Loan Period', help: 'The guide: 90 (days), for items ILLiad sends without a due date.', kind: { type: 'number' } },
      { path: 'ncip.generalInformation.requestPushingMethod', label: 'Request Pushing Method', help: 'The guide: Link.', kind: select(REQUEST_PUSHING_METHOD.labels) },
      { path: 'ncip.generalInformation.urlTemplate', label: 'URL Template', help: 'Leave Blank (needed only with OpenURL).', kind: optionalText },
      { path: 'ncip.generalInformation.enableServiceForGuestUser', label: 'Enable Service For Guest User', help: 'The guide: No (unchecked): ILLiad has no account for guests.', kind: checkbox },
      {
        path: 'ncip.generalInformation.defaultLibraryOwner',
        label: 'Default Library Owner',
        help: 'Your Library: the resource-sharing library that owns requests and items made through this partner.',
        kind: ref('libraries'),
      },
    ],
  },
  {
    id: 'ncip-request-item',
    tab: PARAMETERS_TAB,
    title: 'Request Item',
    fields: [
      { path: 'ncip.requestItem.bibliographicRecordIdType', label: 'Bibliographic Record ID Type', help: 'The guide: OCLC Number.', kind: select(BIBLIOGRAPHIC_RECORD_ID_TYPE.labels) },
      { path: 'ncip.requestItem.defaultLocation', label: 'Default Location', help: 'The guide: Resource Sharing Long Loan.', kind: ref('locations') },
      { path: 'ncip.requestItem.supportBorrowing', label: 'Support Borrowing', help: 'The guide: checked.', kind: checkbox },
      { path: 'ncip.requestItem.defaultPickupLibrary', label: 'Default Pickup Library', help: 'Your Library.', kind: ref('libraries') },
    ],
  },
  {
    id: 'ncip-check-out-item',
    tab: PARAMETERS_TAB,
    title: 'Check-Out Item',
    fields: [
      { path: 'ncip.checkOutItem.defaultLocation', label: 'Default Location', help: 'The guide: Resource Sharing Long Loan.', kind: ref('locations') },
      { path: 'ncip.checkOutItem.defaultItemPolicy', label: 'Default Item Policy', help: 'Your general checkout policy.', kind: ref('item-policies') },
    ],
  },
  {
    id: 'ncip-accept-item',
    tab: PARAMETERS_TAB,
    title: 'Accept Item',
    fields: [
      { path: 'ncip.acceptItem.defaultLocation', label: 'Default Location', help: 'The guide: Resource Sharing Long Loan.', kind: ref('locations') },
      { path: 'ncip.acceptItem.automaticReceive', label: 'Automatic Receive', help: 'The guide: checked, so items ILLiad receives are received here too.', kind: checkbox },
      { path: 'ncip.acceptItem.defaultPickupLibrary', label: 'Default Pickup Library', help: 'Your Library.', kind: ref('libraries') },
      { path: 'ncip.acceptItem.receiveDesk', label: 'Receive Desk', help: 'Your Circulation Desk.', kind: ref('desks') },
    ],
  },
  {
    id: 'ncip-look-up-user',
    tab: PARAMETERS_TAB,
    title: 'Look Up User',
    fields: [{ path: 'ncip.lookUpUser.requireAuthentication', label: 'Require Authentication', help: 'The guide: No (unchecked).', kind: checkbox }],
  },
  {
    id: 'ncip-export',
    tab: PARAMETERS_TAB,
    title: 'Export To Third Party',
    fields: [
      { path: 'ncip.exportToThirdParty.exportToThirdParty', label: 'Export to third party', help: 'The guide: Using API (the ILLiad Web Platform).', kind: select(EXPORT_TO_THIRD_PARTY.labels) },
      {
        path: 'ncip.exportToThirdParty.url',
        label: 'URL',
        help: 'https://[library].illiad.oclc.org/ILLiadWebPlatform: your ILLiad Web Platform. ${ILLIAD_URL} takes it from the server’s environment.',
        kind: optionalText,
      },
      { path: 'ncip.exportToThirdParty.exportRequestIdNameTag', label: 'Export Request ID Name Tag', help: 'The guide: ReferenceNumber (the ILLiad field that gets our request id).', kind: text },
      {
        path: 'ncip.exportToThirdParty.closeRequestWhenExported',
        label: 'Close Request When Exported',
        help: 'The guide leaves it unchecked: the request stays open for ILLiad’s NCIP messages.',
        kind: checkbox,
      },
      { path: 'ncip.exportToThirdParty.createUserInIlliad', label: 'Create User In ILLiad', help: 'Required if using the Regex.', kind: checkbox },
      {
        path: 'ncip.exportToThirdParty.searchUserInIlliadUsing',
        label: 'Search User In ILLiad Using',
        help: 'Email Address (if using the Regex); otherwise User Identifier.',
        kind: select(SEARCH_USER_IN_ILLIAD_USING.labels),
      },
      { path: 'ncip.exportToThirdParty.nvtgc', label: 'NVTGC', help: 'Leave Blank (ILLiad uses its default site).', kind: optionalText },
      { path: 'ncip.exportToThirdParty.status', label: 'Status', help: 'Leave Blank (the ILLiad status of users we create).', kind: optionalText },
      { path: 'ncip.exportToThirdParty.notificationPreference', label: 'Notification Preference', help: 'Leave Blank.', kind: optionalText },
      { path: 'ncip.exportToThirdParty.notificationMethod', label: 'Notification Method', help: 'The guide: Electronic.', kind: select(NOTIFICATION_METHOD.labels, true) },
      { path: 'ncip.exportToThirdParty.deliveryMethod', label: 'Delivery Method', help: 'The guide: Hold For Pickup.', kind: select(DELIVERY_METHOD.labels, true) },
      { path: 'ncip.exportToThirdParty.loanDeliveryMethod', label: 'Loan Delivery Method', help: 'The guide: Hold For Pickup.', kind: select(DELIVERY_METHOD.labels, true) },
      { path: 'ncip.exportToThirdParty.electronicDelivery', label: 'Electronic Delivery', help: 'The guide: No (unchecked).', kind: checkbox },
      { path: 'ncip.exportToThirdParty.authType', label: 'Auth type', help: 'The guide: Default.', kind: select(AUTH_TYPE.labels) },
      {
        path: 'ncip.exportToThirdParty.apiKey',
        label: 'API Key',
        help: 'Unique API Key created by ILLiad (Customization Manager, WebPlatformConfig), or ${ILLIAD_API_KEY} to take it from the server’s environment.',
        kind: { type: 'secret', noun: 'key' },
      },
    ],
  },
  {
    id: 'ncip-fiscal',
    tab: PARAMETERS_TAB,
    title: 'Create User Fiscal Transaction',
    fields: [{ path: 'ncip.createUserFiscalTransaction.createFeeUsing', label: 'Create Fee Using', help: 'The guide: Ignore Message.', kind: select(CREATE_FEE_USING.labels) }],
  },
];

const iso18626Parameters: SectionSpec[] = [
  {
    id: 'iso18626',
    tab: PARAMETERS_TAB,
    title: 'ISO 18626',
    fields: [
      { path: 'iso18626.url', label: 'URL', help: 'Where the peer receives ISO 18626 messages, such as https://peer.example.edu/iso18626; ${NAME} takes it from the environment.', kind: text },
      { path: 'iso18626.agencyIdType', label: 'Agency ID Type', help: 'How the peer names itself in its messages: usually ISIL.', kind: text },
      { path: 'iso18626.agencyIdValue', label: 'Agency ID Value', help: 'The peer’s symbol, such as US-NSU.', kind: text },
      { path: 'iso18626.sharedSecret', label: 'Shared Secret', help: 'Optional: a secret the peer sends in a header. ${NAME} takes it from the environment.', kind: { type: 'secret', noun: 'secret' } },
    ],
  },
];

const emailParameters: SectionSpec[] = [
  {
    id: 'email',
    tab: PARAMETERS_TAB,
    title: 'Email',
    fields: [
      { path: 'email.emailAddress', label: 'Email Address', help: 'Where requests to this partner are sent.', kind: text },
      { path: 'email.resendingOverdueMessageIntervalDays', label: 'Resending Overdue Message Interval (days)', help: 'Blank: overdue messages are not sent again.', kind: { type: 'number', nullable: true } },
    ],
  },
];

/** Not in the guide: how long a partner has to answer, and whether it is asked first if it holds the item. */
const rotaSection: SectionSpec = {
  id: 'rota',
  tab: 'Beyond the guide',
  title: 'Rota and locate',
  fields: [
    { path: 'respondWithinDays', label: 'Respond Within (days)', help: 'Days the partner has to answer before the request moves on to the next partner of the rota.', kind: { type: 'number' } },
    {
      path: 'locateProfile.type',
      label: 'Locate Profile',
      help: 'None: the partner stays in every rota it is part of, as ILLiad does. Otherwise it is asked first whether it holds the item, and left out when it does not.',
      kind: select(LOCATE_PROFILE_TYPE.labels, true),
    },
    { path: 'locateProfile.holdings', label: 'Holdings', help: 'Static holdings list: one OCLC number, ISBN or ISSN a line.', kind: { type: 'lines' }, when: { path: 'locateProfile.type', value: 'STATIC' } },
    { path: 'locateProfile.url', label: 'Interlend URL', help: 'Interlend availability: the peer’s Interlend address, such as https://interlend.north.example.edu.', kind: text, when: { path: 'locateProfile.type', value: 'INTERLEND' } },
    {
      path: 'locateProfile.token',
      label: 'Interlend Token',
      help: 'Interlend availability: a token the peer made for us with the role peer.',
      kind: { type: 'secret', noun: 'token' },
      when: { path: 'locateProfile.type', value: 'INTERLEND' },
    },
  ],
};

export type ProfileType = keyof typeof PROFILE_TYPE.labels;

/** Every section of a partner of this profile type, in the order the page shows them. */
export function partnerSections(profileType: ProfileType): readonly SectionSpec[] {
  const parameters = profileType === 'NCIP' ? ncipParameters : profileType === 'ISO18626' ? iso18626Parameters : emailParameters;
  return [generalInformationTab, ...parameters, rotaSection];
}

/** The new-partner form: code, name and profile type first, and what a peer or an e-mail partner cannot be without. */
export const NEW_PARTNER_FIELDS: readonly FieldSpec[] = [
  { path: 'code', label: 'Code', help: 'The guide: ILLiad. Unique, and it cannot be changed later.', kind: text },
  { path: 'name', label: 'Name', help: 'The guide: ILLiad.', kind: text },
  { path: 'profileType', label: 'Profile Type', help: 'The guide: NCIP (ILLiad). ISO 18626 for a peer library. It cannot be changed later.', kind: select(PROFILE_TYPE.labels) },
  { path: 'systemType', label: 'System Type', help: 'The guide: ILLiad.', kind: select(SYSTEM_TYPE.labels) },
  { path: 'iso18626.url', label: 'URL (ISO 18626 only)', help: 'Where the peer receives ISO 18626 messages.', kind: optionalText, when: { path: 'profileType', value: 'ISO18626' } },
  { path: 'iso18626.agencyIdValue', label: 'Agency ID Value (ISO 18626 only)', help: 'The peer’s symbol, such as US-NSU.', kind: optionalText, when: { path: 'profileType', value: 'ISO18626' } },
  { path: 'email.emailAddress', label: 'Email Address (Email only)', help: 'Where requests to this partner are sent.', kind: optionalText, when: { path: 'profileType', value: 'EMAIL' } },
];
