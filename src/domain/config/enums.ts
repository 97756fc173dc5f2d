/**
 * The closed value lists of the configuration, as codes (what files and the API use) with the labels that Alma and
 * the guide (`ILLiad-as-Lender-of-Last-Resort.txt`) show to librarians.
 */
function labelled<const T extends Record<string, string>>(labels: T) {
  return { values: Object.keys(labels) as [keyof T & string, ...(keyof T & string)[]], labels };
}

export const ACTIVE_STATUS = labelled({ ACTIVE: 'Active', INACTIVE: 'Inactive' });
export const PROFILE_TYPE = labelled({ NCIP: 'NCIP', ISO18626: 'ISO 18626', EMAIL: 'Email' });
export const SYSTEM_TYPE = labelled({ ILLIAD: 'ILLiad', ALMA: 'Alma', RESHARE: 'ReShare', INTERLEND: 'Interlend', OTHER: 'Other' });

/** Which patron identifier is matched against the broker's user id (guide: User Identifier Type). */
export const USER_IDENTIFIER_TYPE = labelled({
  PRIMARY_ID: 'Primary Identifier',
  EMAIL: 'Email',
  BARCODE: 'Barcode',
  UNIVERSITY_ID: 'University ID',
  ADDITIONAL_ID_1: 'Additional ID 1',
  ADDITIONAL_ID_2: 'Additional ID 2',
});
/** The identifiers a patron may carry besides primary id and e-mail. */
export const PATRON_IDENTIFIER_TYPE = labelled({
  BARCODE: 'Barcode',
  UNIVERSITY_ID: 'University ID',
  ADDITIONAL_ID_1: 'Additional ID 1',
  ADDITIONAL_ID_2: 'Additional ID 2',
});

export const DISABLE_SERVICE_WHEN = labelled({
  NEVER: 'Never',
  AVAILABLE_LOCALLY: 'Available locally',
  HELD_LOCALLY: 'Held locally',
});
export const REQUEST_PUSHING_METHOD = labelled({ LINK: 'Link', OPEN_URL: 'OpenURL' });
export const BIBLIOGRAPHIC_RECORD_ID_TYPE = labelled({
  OCLC_NUMBER: 'OCLC Number',
  ISBN: 'ISBN',
  ISSN: 'ISSN',
  LCCN: 'LCCN',
  SYSTEM_NUMBER: 'System number',
});
export const EXPORT_TO_THIRD_PARTY = labelled({ NO: 'No', USING_API: 'Using API' });
export const SEARCH_USER_IN_ILLIAD_USING = labelled({ USER_IDENTIFIER: 'User Identifier', EMAIL_ADDRESS: 'Email Address' });
/** ILLiad user NotificationMethod values (ILLiad Web Platform user record). */
export const NOTIFICATION_METHOD = labelled({ ELECTRONIC: 'Electronic', PHONE: 'Phone', MAIL: 'Mail' });
/** ILLiad user DeliveryMethod / LoanDeliveryMethod values. */
export const DELIVERY_METHOD = labelled({
  HOLD_FOR_PICKUP: 'Hold for Pickup',
  MAIL_TO_ADDRESS: 'Mail to Address',
  ELECTRONIC_DELIVERY: 'Electronic Delivery',
});
/** ILLiad user AuthType values. */
export const AUTH_TYPE = labelled({ DEFAULT: 'Default', ILLIAD: 'ILLiad', LDAP: 'LDAP', REMOTE_AUTH: 'RemoteAuth' });
export const CREATE_FEE_USING = labelled({ IGNORE_MESSAGE: 'Ignore Message', CREATE_FEE: 'Create fee' });

export const ROTA_TEMPLATE_TYPE = labelled({ ORDERED: 'Ordered', NON_ORDERED: 'Non Ordered' });
export const LOCATE_PROFILE_TYPE = labelled({ STATIC: 'Static holdings list', INTERLEND: 'Interlend availability' });

export const REQUESTED_FORMAT = labelled({
  PHYSICAL: 'Physical',
  DIGITAL: 'Digital',
  PHYSICAL_NON_RETURNABLE: 'Physical non-returnable',
});
export const CITATION_TYPE = labelled({
  BOOK: 'Book',
  ARTICLE: 'Article',
  CHAPTER: 'Chapter',
  JOURNAL: 'Journal',
  THESIS: 'Thesis',
  CONFERENCE: 'Conference paper',
  AUDIOVISUAL: 'Audio-visual',
  OTHER: 'Other',
});
export const LEVEL_OF_SERVICE = labelled({ STANDARD: 'Standard', RUSH: 'Rush', EXPRESS: 'Express' });

/** Request attributes a rota assignment rule can test (design.md, decision 2). */
export const RULE_PARAMETER = labelled({
  REQUESTED_FORMAT: 'Requested Format',
  CITATION_TYPE: 'Citation Type',
  USER_GROUP: 'User Group',
  PICKUP_LIBRARY: 'Pickup Library',
  RESOURCE_SHARING_LIBRARY: 'Resource Sharing Library',
  LEVEL_OF_SERVICE: 'Level of Service',
});
export const RULE_OPERATOR = labelled({
  EQUALS: '=',
  NOT_EQUALS: '!=',
  IN_LIST: 'In List',
  NOT_IN_LIST: 'Not In List',
  IS_EMPTY: 'Is Empty',
  IS_NOT_EMPTY: 'Is Not Empty',
});
