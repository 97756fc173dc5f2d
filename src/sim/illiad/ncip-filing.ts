/**
 * How ILLiad's NCIP add-on files the responder's answer (illiad.md §2.4; vculibraries/alma-ncip
 * `ALMA_NCIP_Client.lua`): it searches the raw body for fixed strings, in a fixed order per flow; the first found
 * routes the transaction to its error queue (the generic one for `Problem`) and the whole body becomes a note.
 * When none is found, the note "NCIP Response for <Flow> received successfully" is added.
 *
 * The Lua calls `string.find` with these strings as Lua *patterns*: in "Apply to circulation desk - Loan cannot be
 * renewed (no change in due date)" the `-` and the parentheses are pattern syntax, so the real add-on never matches
 * that text literally and falls through to `Problem`. The table of §2.4 (literal substrings) is followed here.
 */

export type AddonFlow = 'BorrowingAcceptItem' | 'BorrowingCheckInItem' | 'LendingCheckOutItem' | 'LendingCheckInItem';

/** The generic error queue per flow (the add-on's `…FailQueue` settings; defaults from its Config.xml). */
export type FailQueues = Readonly<Record<AddonFlow, string>>;

export const DEFAULT_FAIL_QUEUES: FailQueues = {
  BorrowingAcceptItem: 'NCIP Error: BorrowingAcceptItem Failed',
  BorrowingCheckInItem: 'NCIP Error: BorrowingCheckInItem Failed',
  LendingCheckOutItem: 'NCIP Error: LendingCheckOutItem Failed',
  LendingCheckInItem: 'NCIP Error: LendingCheckInItem Failed',
};

/** The specific strings, in the order the Lua tests them, before the generic `Problem`. */
const SPECIFIC: Readonly<Record<AddonFlow, readonly (readonly [text: string, queue: string])[]>> = {
  BorrowingAcceptItem: [
    ['Item Not Checked Out', 'NCIP Error: BorAcceptItem-NotCheckedOut'],
    ['User Authentication Failed', 'NCIP Error: BorAcceptItem-UserAuthFail'],
    // Seen with umlauts in titles (the Lua's comment).
    ['Service is not known', 'NCIP Error: BorAcceptItem-SrvcNotKnown'],
  ],
  BorrowingCheckInItem: [
    ['Unknown Item', 'NCIP Error: BorCheckIn-UnknownItem'],
    ['Item Not Checked Out', 'NCIP Error: BorCheckIn-NotCheckedOut'],
  ],
  LendingCheckOutItem: [
    ['Apply to circulation desk - Loan cannot be renewed (no change in due date)', 'NCIP Error: LCheckOut-No Change Due Date'],
    ['User Ineligible To Check Out This Item', 'NCIP Error: LCheckOut-User Ineligible'],
    ['User Unknown', 'NCIP Error: LCheckOut-User Unknown'],
  ],
  LendingCheckInItem: [
    ['Unknown Item', 'NCIP Error: LCheckIn-Unknown Item'],
    ['Item Not Checked Out', 'NCIP Error: LCheckIn-Not Checked Out'],
  ],
};

export type Filing =
  | { readonly kind: 'error'; readonly queue: string; readonly note: string }
  | { readonly kind: 'success'; readonly note: string };

/** What the add-on does with a 2xx answer: route + the raw body as a note, or the success note. */
export function fileResponse(flow: AddonFlow, response: string, failQueues: FailQueues = DEFAULT_FAIL_QUEUES): Filing {
  for (const [text, queue] of SPECIFIC[flow]) if (response.includes(text)) return { kind: 'error', queue, note: response };
  if (response.includes('Problem')) return { kind: 'error', queue: failQueues[flow], note: response };
  return { kind: 'success', note: `NCIP Response for ${flow} received successfully` };
}
