/**
 * The four NCIP messages ILLiad's Alma NCIP add-on sends, byte for byte as its Lua builders make them (illiad.md
 * §2.3; vculibraries/alma-ncip `ALMA_NCIP_Client.lua`): one line, no indentation, an ISO-8859-1 declaration, the
 * NCIP 2.02 default namespace, built by string concatenation. The only "escaping" is AcceptItem's `&` → `and` in
 * Author and Title; nothing else is escaped, faithfully (a `<` in a title makes the message malformed, a nil field
 * is a Lua error). Element order per message:
 *
 * - AcceptItem: InitiationHeader, RequestId, RequestedActionType, UserId (AgencyId, "Barcode Id", Username), ItemId
 *   (TN, no AgencyId), DateForReturn, [PickupLocation, Northwestern's variant], ItemOptionalFields.
 * - CheckInItem (borrowing): InitiationHeader, UserId (no AgencyId), ItemId, RequestId.
 * - CheckOutItem (lending): InitiationHeader, UserId (the pseudopatron), ItemId (ItemNumber), RequestId, DesiredDateDue.
 * - CheckInItem (lending): as borrowing, with ItemNumber as the ItemId and as the RequestId.
 *
 * The Lua uses one institution code for FromAgencyId, ToAgencyId and every inner AgencyId; with the two set apart
 * here, the inner AgencyIds carry `toAgencyId` (the responder's institution, whose ids they are).
 */
import type { IlliadTransaction } from './transaction.ts';

export interface NcipMessageSettings {
  readonly fromAgencyId: string;
  readonly toAgencyId: string;
  /** The partner code the responder knows ILLiad by. */
  readonly applicationProfileType: string;
  readonly pseudopatron: string;
  /** Glued to the TN in RequestIdentifierValue (the Lua's `checkInItem_Transaction_Prefix`). */
  readonly requestIdPrefix: string;
  /** The CheckOutItem RequestIdentifierValue prefix (the Lua's `checkOutItem_RequestIdentifierValue_Prefix`). */
  readonly checkOutItemRequestIdPrefix: string;
  /** The Lua's `Use_Prefixes`: prefixes chosen by LibraryUseOnly / RenewalsAllowed (`LU-`, `TN-`, illiad.md §2.2). */
  readonly prefixes?: { readonly libraryUseOnly: string; readonly renewalsAllowed: string; readonly both: string } | undefined;
  /** PickupLocation in AcceptItem (Northwestern's variant); absent in VCU's, so omitted unless given. */
  readonly pickupLocation?: ((transaction: IlliadTransaction) => string | undefined) | undefined;
}

/** A Lua runtime error in a builder (a nil concatenated): the add-on fails before anything is sent. */
export class AddonScriptError extends Error {
  override readonly name = 'AddonScriptError';
}

const DECLARATION = '<?xml version="1.0" encoding="ISO-8859-1"?>';
const ROOT = '<NCIPMessage xmlns="http://www.niso.org/2008/ncip" version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd">';

/** A transaction field as Lua's `..` needs it: a nil is an error, a number prints as digits. */
function field(transaction: IlliadTransaction, name: keyof IlliadTransaction): string {
  const value = transaction[name];
  if (value === null || value === undefined) throw new AddonScriptError(`attempt to concatenate a nil value (Transaction.${name})`);
  return String(value);
}

function header(settings: NcipMessageSettings): string {
  return (
    '<InitiationHeader>' +
    `<FromAgencyId><AgencyId>${settings.fromAgencyId}</AgencyId></FromAgencyId>` +
    `<ToAgencyId><AgencyId>${settings.toAgencyId}</AgencyId></ToAgencyId>` +
    `<ApplicationProfileType>${settings.applicationProfileType}</ApplicationProfileType>` +
    '</InitiationHeader>'
  );
}

const wrap = (service: string, settings: NcipMessageSettings, body: string) => `${DECLARATION}${ROOT}<${service}>${header(settings)}${body}</${service}></NCIPMessage>`;

/** The borrowing RequestIdentifierValue: prefix + TN, the prefix chosen as the Lua's `Use_Prefixes` branch does. */
export function borrowingRequestId(transaction: IlliadTransaction, settings: NcipMessageSettings): string {
  const tn = String(transaction.TransactionNumber);
  const prefixes = settings.prefixes;
  if (!prefixes) return settings.requestIdPrefix + tn;
  const libraryUseOnly = transaction.LibraryUseOnly === true;
  const renewalsAllowed = transaction.RenewalsAllowed === true;
  if (libraryUseOnly && renewalsAllowed) return prefixes.both + tn;
  if (libraryUseOnly) return prefixes.libraryUseOnly + tn;
  if (renewalsAllowed) return prefixes.renewalsAllowed + tn;
  return settings.requestIdPrefix + tn;
}

/** The `&` → "and" of the Lua's AcceptItem builder, and nil → "" for blank authors and titles. */
const andForAmpersand = (text: string | null) => (text ?? '').replaceAll('&', 'and');

/** AcceptItem: the borrowed item arrived (Check In From Lending Library). `dateForReturn` is `YYYY-MM-DD`. */
export function acceptItem(transaction: IlliadTransaction, settings: NcipMessageSettings, item: { itemId: string; dateForReturn: string }): string {
  const agency = settings.toAgencyId;
  const pickup = settings.pickupLocation?.(transaction);
  return wrap(
    'AcceptItem',
    settings,
    `<RequestId><AgencyId>${agency}</AgencyId><RequestIdentifierValue>${borrowingRequestId(transaction, settings)}</RequestIdentifierValue></RequestId>` +
      '<RequestedActionType>Hold For Pickup And Notify</RequestedActionType>' +
      `<UserId><AgencyId>${agency}</AgencyId><UserIdentifierType>Barcode Id</UserIdentifierType><UserIdentifierValue>${field(transaction, 'Username')}</UserIdentifierValue></UserId>` +
      `<ItemId><ItemIdentifierValue>${item.itemId}</ItemIdentifierValue></ItemId>` +
      `<DateForReturn>${item.dateForReturn}T23:59:00</DateForReturn>` +
      (pickup === undefined ? '' : `<PickupLocation>${pickup}</PickupLocation>`) +
      '<ItemOptionalFields><BibliographicDescription>' +
      `<Author>${andForAmpersand(transaction.LoanAuthor)}</Author><Title>${andForAmpersand(transaction.LoanTitle)}</Title>` +
      '</BibliographicDescription></ItemOptionalFields>',
  );
}

/** CheckInItem, borrowing: the patron returned the item to ILL (Check Item In). */
export function checkInItemBorrowing(transaction: IlliadTransaction, settings: NcipMessageSettings, item: { itemId: string }): string {
  const agency = settings.toAgencyId;
  return wrap(
    'CheckInItem',
    settings,
    `<UserId><UserIdentifierValue>${field(transaction, 'Username')}</UserIdentifierValue></UserId>` +
      `<ItemId><AgencyId>${agency}</AgencyId><ItemIdentifierValue>${item.itemId}</ItemIdentifierValue></ItemId>` +
      `<RequestId><AgencyId>${agency}</AgencyId><RequestIdentifierValue>${borrowingRequestId(transaction, settings)}</RequestIdentifierValue></RequestId>`,
  );
}

/** CheckOutItem, lending: our item goes out to the pseudopatron (Mark Found). `desiredDateDue` is `YYYY-MM-DD`. */
export function checkOutItemLending(transaction: IlliadTransaction, settings: NcipMessageSettings, item: { desiredDateDue: string }): string {
  const agency = settings.toAgencyId;
  return wrap(
    'CheckOutItem',
    settings,
    `<UserId><UserIdentifierValue>${settings.pseudopatron}</UserIdentifierValue></UserId>` +
      `<ItemId><AgencyId>${agency}</AgencyId><ItemIdentifierValue>${field(transaction, 'ItemNumber')}</ItemIdentifierValue></ItemId>` +
      `<RequestId><AgencyId>${agency}</AgencyId><RequestIdentifierValue>${settings.checkOutItemRequestIdPrefix}${transaction.TransactionNumber}</RequestIdentifierValue></RequestId>` +
      `<DesiredDateDue>${item.desiredDateDue}T23:59:00</DesiredDateDue>`,
  );
}

/** CheckInItem, lending: our item came back (Lending Returns); ItemNumber is both ItemId and RequestId. */
export function checkInItemLending(transaction: IlliadTransaction, settings: NcipMessageSettings): string {
  const agency = settings.toAgencyId;
  const itemNumber = field(transaction, 'ItemNumber');
  return wrap(
    'CheckInItem',
    settings,
    `<UserId><UserIdentifierValue>${field(transaction, 'Username')}</UserIdentifierValue></UserId>` +
      `<ItemId><AgencyId>${agency}</AgencyId><ItemIdentifierValue>${itemNumber}</ItemIdentifierValue></ItemId>` +
      `<RequestId><AgencyId>${agency}</AgencyId><RequestIdentifierValue>${itemNumber}</RequestIdentifierValue></RequestId>`,
  );
}

/**
 * The bytes on the wire. `WebClient.UploadString` encodes with the client's ANSI code page whatever the declaration
 * or Content-Type say; the declaration says ISO-8859-1, so that is what is written: a character above U+00FF
 * becomes `?`, as .NET's encoder does (Windows-1252's extra characters in 0x80–0x9F are not reproduced).
 */
export function encodeLatin1(text: string): Buffer {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes.push(code <= 0xff ? code : 0x3f);
  }
  return Buffer.from(bytes);
}
