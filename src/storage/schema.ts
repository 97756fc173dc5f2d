/** Table row types. Ids are made by the app; times are ISO-8601 UTC text; booleans are 0/1; JSON is text. */

export interface ConfigObjectRow {
  id: string;
  /** The object's key: code, a patron's primary id, or a rule's name. */
  code: string;
  /** Lower-cased text that `q=` searches. */
  search: string;
  data: string;
  /** Place in an ordered list (rota rules); 0 elsewhere. */
  position: number;
  created_at: string;
  updated_at: string;
  /** Changes to the stored document, from 1 (0011): the version compared by an If-Match write. */
  revision: number;
}

export interface LibraryRow extends ConfigObjectRow { is_pickup: number; is_resource_sharing: number }
export interface LocationRow extends ConfigObjectRow { library: string }
export interface DeskRow extends ConfigObjectRow { library: string }
export interface PatronRow extends ConfigObjectRow { user_group: string; status: string }
export interface PartnerRow extends ConfigObjectRow { status: string; profile_type: string }
export interface RotaTemplateRow extends ConfigObjectRow { status: string }
export interface RotaRuleRow extends ConfigObjectRow { enabled: number }

/** Who names whom, kept on every write so "in use" is one lookup. */
export interface ConfigReferenceRow {
  from_kind: string;
  from_key: string;
  to_kind: string;
  to_key: string;
  path: string;
}

/** Every way a patron can be found (primary id, e-mail, barcode, …), lower-cased and unique. */
export interface PatronKeyRow {
  patron_id: string;
  key_type: string;
  key_value: string;
}

export interface InstitutionRow {
  id: string;
  data: string;
  updated_at: string;
  /** As ConfigObjectRow.revision (0011). */
  revision: number;
}

export interface ApiTokenRow {
  id: string;
  name: string;
  role: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  /** A session token's end (0009); null for API tokens. */
  expires_at: string | null;
  /** The staff user of a session token (0009); null for API tokens. */
  user_id: string | null;
}

/** A staff user (0009): `username_key` is the lower-cased user name, unique; `password_hash` is `scrypt$…`. */
export interface StaffUserRow {
  id: string;
  username: string;
  username_key: string;
  name: string;
  role: string;
  password_hash: string;
  created_at: string;
  updated_at: string;
  disabled_at: string | null;
  last_sign_in_at: string | null;
}

export interface SettingRow {
  key: string;
  value: string;
}

/** A queued job (see JobRepository in app/ports.ts); payload is JSON text, state one of JOB_STATES. */
export interface JobRow {
  id: string;
  type: string;
  key: string;
  payload: string;
  state: string;
  attempts: number;
  max_attempts: number;
  run_at: string;
  locked_until: string | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface BorrowingRequestRow {
  id: string;
  status: string;
  patron: string;
  /** The whole request as JSON (citation, rota, the rule set and attributes it was routed by). */
  data: string;
  version: number;
  created_at: string;
  updated_at: string;
  /** The lender of last resort's number for the request (ILLiad's TransactionNumber), once exported. */
  third_party_number: string | null;
  /** The partner of the current rota entry, for the partner filter (0008). */
  current_partner: string | null;
  /** The title's and author's words, lower-cased, each after a space (0008; domain/request/search-keys.ts). */
  search_text: string | null;
  /** The OCLC number's digits without leading zeros (0008). */
  oclc_number: string | null;
  /** The ISBN as ISBN-13 without hyphens (0008). */
  isbn: string | null;
  /** The state of the last rota entry (REJECTED: the last partner said no), for the dashboard's count (0010). */
  last_entry_state: string | null;
}

export interface RequestHistoryRow {
  id: string;
  request_id: string;
  /** Order within the request's history. */
  seq: number;
  at: string;
  actor: string;
  action: string;
  from_status: string | null;
  to_status: string;
  reason: string | null;
  partner: string | null;
}

export interface LendingRequestRow {
  id: string;
  status: string;
  /** The requesting partner's code. */
  requester: string;
  /** Its agency id value (symbol); unique together with requester_request_id. */
  requester_symbol: string;
  requester_request_id: string;
  /** The whole lending request as JSON (citation, due date, conditions, the outbox of messages to the borrower). */
  data: string;
  version: number;
  created_at: string;
  updated_at: string;
}

/** A lending request's history: the shape of request_history, in its own table (see migration 0007). */
export type LendingHistoryRow = RequestHistoryRow;

export interface RuleSetRow {
  /** SHA-256 of `rules`. */
  id: string;
  /** The rota assignment rules in list order, as JSON. */
  rules: string;
  created_at: string;
}

export interface PartnerAlertRow {
  partner: string;
  message: string;
  at: string;
}

/** A partner whose calls fail (0014): since the first failure, until a call is answered again. */
export interface PartnerOutageRow {
  partner: string;
  since: string;
  last_at: string;
  message: string;
  failures: number;
}

export interface ItemRow {
  id: string;
  barcode: string;
  kind: string;
  status: string;
  title: string | null;
  author: string | null;
  library: string | null;
  location: string | null;
  item_policy: string | null;
  borrowing_request: string | null;
  partner: string | null;
  due_back: string | null;
  created_at: string;
  updated_at: string;
}

export interface HoldRow {
  id: string;
  item: string;
  patron: string;
  pickup_library: string;
  /** NCIP PickupExpiryDate, when the lender sent one (0013). */
  hold_until: string | null;
  status: string;
  borrowing_request: string | null;
  created_at: string;
  updated_at: string;
}

export interface LoanRow {
  id: string;
  item: string;
  borrower: string;
  status: string;
  due_date: string;
  renewals: number;
  desk: string | null;
  external_request: string | null;
  checked_out_at: string;
  returned_at: string | null;
  updated_at: string;
}

export interface NcipMessageRow {
  id: string;
  at: string;
  partner: string | null;
  service: string | null;
  borrowing_request: string | null;
  /** `success` or `problem`. */
  outcome: string;
  /** The Problem Type, when the answer was a Problem. */
  problem: string | null;
  duration_ms: number;
  request_body: string;
  response_body: string;
}

/** A notice template staff changed (0013); booleans 0/1. */
export interface NoticeTemplateRow {
  type: string;
  enabled: number;
  subject: string;
  body: string;
  days_before: number | null;
  updated_at: string;
  updated_by: string;
}

/** One notice to a patron (0013; domain/notices/notice.ts). */
export interface NoticeRow {
  id: string;
  key: string;
  type: string;
  status: string;
  patron: string | null;
  recipient: string | null;
  subject: string | null;
  body: string | null;
  message_id: string | null;
  borrowing_request: string | null;
  loan: string | null;
  reason: string | null;
  attempts: number;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

/** A patron's PIN as a scrypt hash (0012), by the patron's stored id. */
export interface PatronPinRow {
  patron_id: string;
  pin_hash: string;
  updated_at: string;
}

/** Wrong PINs per key (0012): `id:<typed id>` or `address:<client address>`. */
export interface SignInThrottleRow {
  key: string;
  failures: number;
  window_started_at: string;
  locked_until: string | null;
}

export interface Database {
  library: LibraryRow;
  location: LocationRow;
  desk: DeskRow;
  item_policy: ConfigObjectRow;
  patron: PatronRow;
  partner: PartnerRow;
  rota_template: RotaTemplateRow;
  rota_rule: RotaRuleRow;
  config_reference: ConfigReferenceRow;
  patron_key: PatronKeyRow;
  institution: InstitutionRow;
  api_token: ApiTokenRow;
  staff_user: StaffUserRow;
  setting: SettingRow;
  borrowing_request: BorrowingRequestRow;
  request_history: RequestHistoryRow;
  lending_request: LendingRequestRow;
  lending_history: LendingHistoryRow;
  rule_set: RuleSetRow;
  partner_alert: PartnerAlertRow;
  partner_outage: PartnerOutageRow;
  item: ItemRow;
  hold: HoldRow;
  loan: LoanRow;
  ncip_message: NcipMessageRow;
  job: JobRow;
  notice_template: NoticeTemplateRow;
  notice: NoticeRow;
  patron_pin: PatronPinRow;
  sign_in_throttle: SignInThrottleRow;
}
