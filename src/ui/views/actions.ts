/**
 * Staff actions as buttons: the label a librarian reads, and from the state model whether a reason is needed and
 * what the action does. Which actions appear is the state model's answer (`allowedActions`), never decided here.
 */
import { BORROWING_MODEL } from '../../domain/request/state-model.ts';

const LABELS: Record<string, string> = {
  relocate: 'Locate again',
  'accept-condition': 'Accept the condition',
  'refuse-condition': 'Refuse the condition',
  'cancel-partner': 'Cancel this partner',
  resend: 'Send again',
  'skip-partner': 'Skip this partner',
  receive: 'Receive',
  loan: 'Check out to the patron',
  renew: 'Ask for a renewal',
  'ask-status': 'Ask the lender for the status',
  'note-to-partner': 'Send a note to the lender',
  'patron-return': 'Returned by the patron',
  'return-to-partner': 'Return to the lender',
  complete: 'Complete',
  cancel: 'Cancel the request',
  'patron-cancel': 'Cancelled by the patron',
};

export interface ActionButton {
  readonly action: string;
  readonly label: string;
  readonly description: string;
  readonly needsReason: boolean;
}

export function actionButtons(allowed: readonly string[]): ActionButton[] {
  return allowed.map((action) => {
    const transition = BORROWING_MODEL.transitions.find((t) => t.action === action);
    return { action, label: LABELS[action] ?? action, description: transition?.description ?? '', needsReason: transition?.needsReason ?? false };
  });
}
