/**
 * Known peer quirks, one place per vendor (after indexdata/crosslink's broker/shim; protocols.md §3.2), applied to a
 * SupplyingAgencyMessage before it means anything here. The vendor is told by the peer's address: Alma/Rapido
 * (`alma.exlibrisgroup.com`, `rapido`), ReShare (`/rs/externalApi/iso18626`), ILLiad (`atlas-sys.com`, `illiad`).
 * What every vendor needs runs for all.
 */
import type { Iso18626SupplyingAgencyMessage } from './messages.ts';

export type PeerVendor = 'alma' | 'reshare' | 'illiad' | 'other';

export function vendorOf(url: string): PeerVendor {
  const text = url.toLowerCase();
  if (text.includes('alma.exlibrisgroup.com') || text.includes('rapido')) return 'alma';
  if (text.includes('/rs/externalapi/iso18626')) return 'reshare';
  if (text.includes('atlas-sys.com') || text.includes('illiad')) return 'illiad';
  return 'other';
}

type Sam = Iso18626SupplyingAgencyMessage;
type Shim = (message: Sam) => Sam;

const withInfo = (message: Sam, info: Partial<Sam['messageInfo']>, status?: Partial<Sam['statusInfo']>): Sam => ({
  ...message,
  messageInfo: { ...message.messageInfo, ...info },
  statusInfo: { ...message.statusInfo, ...status },
});

/** ReShare writes sequence markers into notes (`#seq:12#`): not for staff to read. */
const stripReShareSequence: Shim = (m) => (m.messageInfo.note?.includes('#seq:') ? withInfo(m, { note: m.messageInfo.note.replace(/#seq:\d+#\s*/g, '').trim() || null }) : m);

/**
 * Alma puts loan conditions in a Notification's note ("Conditions pending approval, please respond ACCEPT or
 * REJECT", crosslink's wording, protocols.md §3.2), with an empty status: that is a conditional offer,
 * RetryPossible for us (staff accept or refuse). Interlend lenders make their conditional offers the same way
 * (src/app/lending-service.ts, with status ExpectToSupply), and other vendors may too, so this runs for all.
 */
const conditionsNote: Shim = (m) =>
  m.messageInfo.reasonForMessage === 'Notification' && /conditions pending approval/i.test(m.messageInfo.note ?? '')
    ? withInfo(m, { reasonRetry: m.messageInfo.reasonRetry ?? 'LoanCondition' }, { status: 'RetryPossible' })
    : m;

/** Every vendor: an Unfilled whose note says DUPLICATE is refused as a duplicate (crosslink's rule). */
const duplicateNote: Shim = (m) =>
  m.statusInfo.status === 'Unfilled' && !m.messageInfo.reasonUnfilled && /\bDUPLICATE/i.test(m.messageInfo.note ?? '') ? withInfo(m, { reasonUnfilled: 'Duplicate' }) : m;

const SHIMS: Readonly<Record<PeerVendor, readonly Shim[]>> = {
  alma: [],
  reshare: [stripReShareSequence],
  illiad: [],
  other: [],
};
const FOR_ALL: readonly Shim[] = [conditionsNote, duplicateNote];

export function normaliseSupplierMessage(message: Sam, vendor: PeerVendor): Sam {
  return [...SHIMS[vendor], ...FOR_ALL].reduce((m, shim) => shim(m), message);
}
