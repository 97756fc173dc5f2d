/**
 * The ISO 18626 element names that may occur more than once somewhere (`maxOccurs` other than 1 on an element in
 * shared/conformance/schemas/iso18626/ISO-18626-v1_2.xsd and ISO-18626-2021-2.xsd). The parser asks safeParseXml
 * to return these as arrays always (stack.md §3.6: "Keep a REPEATABLE element set per schema, generated once from
 * the XSD and committed"); the 2021 ones are included because we read 2021 messages too. Taken from the XSDs with:
 *
 *   grep -o '<xs:element \(ref\|name\)="[A-Za-z]*"[^>]*maxOccurs="\(unbounded\|[2-9]\)"' <schema> | cut -d'"' -f2 | sort -u
 *
 * test/protocols/iso18626-parse.test.ts re-derives both lists from the schemas and fails if these copies drift.
 */
export const ISO18626_V1_2_REPEATABLE_ELEMENTS = [
  'address', 'bibliographicItemId', 'bibliographicRecordId', 'requestSubType', 'requestedDeliveryInfo', 'supplierInfo',
] as const;

export const ISO18626_2021_REPEATABLE_ELEMENTS = [
  'address', 'bibliographicItemId', 'bibliographicRecordId', 'courierName', 'deliveryCosts', 'deliveryMethod', 'edition',
  'errorData', 'insuranceCosts', 'itemFormat', 'itemId', 'loanCondition', 'offeredCosts', 'paymentMethod', 'requestSubType',
  'requestedDeliveryInfo', 'serviceLevel', 'supplierInfo', 'trackingId', 'volume',
] as const;

export const ISO18626_REPEATABLE: ReadonlySet<string> = new Set<string>([...ISO18626_V1_2_REPEATABLE_ELEMENTS, ...ISO18626_2021_REPEATABLE_ELEMENTS]);
