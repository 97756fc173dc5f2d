/**
 * The NCIP 2.02 element names that may occur more than once somewhere (`maxOccurs="unbounded"` on an
 * `<xs:element ref="…">` in shared/conformance/schemas/ncip/ncip_v2_02.xsd; the schema has no other repetition).
 * The parser returns these as arrays always, so readers see one shape (stack.md §3.6: "Keep a REPEATABLE element
 * set per schema, generated once from the XSD and committed"). Taken from the XSD with:
 *
 *   grep -o '<xs:element ref="[A-Za-z]*"[^>]*maxOccurs="unbounded"' ncip_v2_02.xsd | cut -d'"' -f2 | sort -u
 *
 * test/protocols/ncip-parse.test.ts re-derives the list from the schema and fails if this copy drifts.
 */
export const NCIP_REPEATABLE_ELEMENTS = [
  'AccountDetails', 'AcknowledgedItemUseRestrictionType', 'AgencyAddressInformation', 'AgencyElementType', 'AgencyUserPrivilegeType', 'ApplicationProfileSupportedType',
  'AuthenticationInput', 'AuthenticationPrompt', 'BibInformation', 'BibliographicId', 'BibliographicRecordId', 'BlockOrTrap',
  'ChronologyLevelInstance', 'ConsortiumAgreement', 'CurrentRequester', 'DateRenewed', 'EnumerationLevelInstance', 'HoldingsSet',
  'HoldingsSetId', 'ItemElementType', 'ItemId', 'ItemInformation', 'ItemUseRestrictionType', 'LoanedItem',
  'LoanedItemsCount', 'Location', 'LocationNameInstance', 'NoticeItem', 'OrganizationNameInformation', 'PreviousUserId',
  'Problem', 'RelatedFiscalTransactionReferenceId', 'RequestElementType', 'RequestId', 'RequestedItem', 'RequestedItemsCount',
  'RequiredItemUseRestrictionType', 'StructuredHoldingsData', 'UserAddressInformation', 'UserElementType', 'UserFiscalAccount', 'UserId',
  'UserLanguage', 'UserPrivilege',] as const;

export const NCIP_REPEATABLE: ReadonlySet<string> = new Set(NCIP_REPEATABLE_ELEMENTS);
