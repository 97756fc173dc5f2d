/**
 * ILLiad glues prefixes to the transaction number (`TN-`, `LU-`, the add-on's `Use_Prefixes`, illiad.md §2.2) and
 * Pitt's variant adds piece suffixes (`-1OF1`, `-2OF3`, illiad.md §2.3). The parser passes ids through as sent;
 * callers looking up our request by the TN we stored at export try these candidates in order (illiad.md §5 (b) 4).
 */

const PREFIX = /^[A-Z]{1,4}-/;
const PIECE_SUFFIX = /-\d+OF\d+$/i;

/**
 * The id itself, then without a leading `[A-Z]{1,4}-` prefix, then without that prefix and a `-<n>OF<m>` piece
 * suffix; duplicates dropped. `TN-12345-1OF1` → `['TN-12345-1OF1', '12345-1OF1', '12345']`.
 */
export function transactionNumberCandidates(id: string): string[] {
  const itself = id.trim();
  const withoutPrefix = itself.replace(PREFIX, '');
  const bare = withoutPrefix.replace(PIECE_SUFFIX, '');
  return [...new Set([itself, withoutPrefix, bare])].filter((candidate) => candidate !== '');
}
