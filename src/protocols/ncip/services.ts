/**
 * NCIP wire constants: the namespace and version URI (protocols.md §1, §8.1), and the 47 services of NCIP 2.02 —
 * the initiation messages in `NCIPMessage`'s choice in shared/conformance/schemas/ncip/ncip_v2_02.xsd, each of
 * which has an `<Service>Response` whose content is `ResponseHeader?` then a choice that includes `Problem+`.
 */

/** NCIP 2.0, 2.01 and 2.02 share one namespace. */
export const NCIP_NAMESPACE = 'http://www.niso.org/2008/ncip';

/** What we put in `ns1:version` (the 2.02 schema location, as Alma's responder style does with its own). */
export const NCIP_VERSION_2_02 = 'http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd';

export const NCIP_SERVICES = [
  'AcceptItem', 'AgencyCreated', 'AgencyUpdated', 'CancelRecallItem', 'CancelRequestItem', 'CheckInItem',
  'CheckOutItem', 'CirculationStatusChangeReported', 'CirculationStatusUpdated', 'CreateAgency', 'CreateItem', 'CreateUser',
  'CreateUserFiscalTransaction', 'DeleteItem', 'DeleteUser', 'ItemCheckedIn', 'ItemCheckedOut', 'ItemCreated',
  'ItemRecallCancelled', 'ItemRecalled', 'ItemReceived', 'ItemRenewed', 'ItemRequestCancelled', 'ItemRequestUpdated',
  'ItemRequested', 'ItemShipped', 'ItemUpdated', 'LookupAgency', 'LookupItem', 'LookupItemSet',
  'LookupRequest', 'LookupUser', 'RecallItem', 'RenewItem', 'ReportCirculationStatusChange', 'RequestItem',
  'SendUserNotice', 'UndoCheckOutItem', 'UpdateAgency', 'UpdateCirculationStatus', 'UpdateItem', 'UpdateRequestItem',
  'UpdateUser', 'UserCreated', 'UserFiscalTransactionCreated', 'UserNoticeSent', 'UserUpdated',] as const;

export type NcipServiceName = (typeof NCIP_SERVICES)[number];

const SERVICES: ReadonlySet<string> = new Set(NCIP_SERVICES);

/** Whether `name` is an NCIP 2.02 initiation service (so `<name>Response` exists in the schema). */
export const isNcipService = (name: string): name is NcipServiceName => SERVICES.has(name);
