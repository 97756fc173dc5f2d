/**
 * ILLiad's User object as the Web Platform returns it (illiad.md §1.3): every key, in the server's order, nulls
 * present. The order and the key set follow the captured bodies cited there (Princeton's and Penn's fixtures).
 * `ExternalUserId` is not a column of its own: it is the column the API key maps it to (`WebPlatformConfig`,
 * "External User ID Mapping"), so the store fills it from that column on every write.
 */
import type { FieldType } from './binding.ts';

export interface IlliadUser {
  UserName: string;
  ExternalUserId: string | null;
  LastName: string | null;
  FirstName: string | null;
  SSN: string | null;
  Status: string | null;
  EMailAddress: string | null;
  Phone: string | null;
  Department: string | null;
  NVTGC: string | null;
  NotificationMethod: string | null;
  DeliveryMethod: string | null;
  LoanDeliveryMethod: string | null;
  LastChangedDate: string | null;
  AuthorizedUsers: string | null;
  /** `Yes` cleared, `No` not yet cleared by staff, `B`/`BO` blocked, `DIS` disavowed (illiad.md §1.3). */
  Cleared: string | null;
  Web: boolean | null;
  Address: string | null;
  Address2: string | null;
  City: string | null;
  State: string | null;
  Zip: string | null;
  Site: string | null;
  ExpirationDate: string | null;
  Number: string | null;
  UserRequestLimit: number | null;
  Organization: string | null;
  Fax: string | null;
  ShippingAcctNo: string | null;
  ArticleBillingCategory: string | null;
  LoanBillingCategory: string | null;
  Country: string | null;
  SAddress: string | null;
  SAddress2: string | null;
  SCity: string | null;
  SState: string | null;
  SZip: string | null;
  SCountry: string | null;
  RSSID: string | null;
  AuthType: string | null;
  UserInfo1: string | null;
  UserInfo2: string | null;
  UserInfo3: string | null;
  UserInfo4: string | null;
  UserInfo5: string | null;
  MobilePhone: string | null;
}

export type UserField = keyof IlliadUser;

/** Every User key in the server's order, with the type the model binder converts posted values to. */
export const USER_FIELDS: Readonly<Record<UserField, FieldType>> = {
  UserName: 'string',
  ExternalUserId: 'string',
  LastName: 'string',
  FirstName: 'string',
  SSN: 'string',
  Status: 'string',
  EMailAddress: 'string',
  Phone: 'string',
  Department: 'string',
  NVTGC: 'string',
  NotificationMethod: 'string',
  DeliveryMethod: 'string',
  LoanDeliveryMethod: 'string',
  LastChangedDate: 'date',
  AuthorizedUsers: 'string',
  Cleared: 'string',
  Web: 'bool',
  Address: 'string',
  Address2: 'string',
  City: 'string',
  State: 'string',
  Zip: 'string',
  Site: 'string',
  ExpirationDate: 'date',
  Number: 'string',
  UserRequestLimit: 'int',
  Organization: 'string',
  Fax: 'string',
  ShippingAcctNo: 'string',
  ArticleBillingCategory: 'string',
  LoanBillingCategory: 'string',
  Country: 'string',
  SAddress: 'string',
  SAddress2: 'string',
  SCity: 'string',
  SState: 'string',
  SZip: 'string',
  SCountry: 'string',
  RSSID: 'string',
  AuthType: 'string',
  UserInfo1: 'string',
  UserInfo2: 'string',
  UserInfo3: 'string',
  UserInfo4: 'string',
  UserInfo5: 'string',
  MobilePhone: 'string',
};

/** A user with every key null, in the server's order; the caller fills what it knows. */
export function blankUser(userName: string): IlliadUser {
  const user = Object.fromEntries(Object.keys(USER_FIELDS).map((key) => [key, null])) as unknown as IlliadUser;
  user.UserName = userName;
  return user;
}

/**
 * The User column an External User ID Mapping names, spelled as the API spells it (`EmailAddress` → `EMailAddress`).
 * `ExternalUserId` itself is not a column and cannot be a mapping.
 */
export function userColumn(name: string): Exclude<UserField, 'ExternalUserId'> | undefined {
  const lower = name.trim().toLowerCase();
  const found = (Object.keys(USER_FIELDS) as UserField[]).find((key) => key.toLowerCase() === lower);
  return found === 'ExternalUserId' ? undefined : found;
}
