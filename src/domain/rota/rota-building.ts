/**
 * From templates to the request's rota (design.md, decisions 3 and 4): Ordered templates keep their member order,
 * Non Ordered ones are shuffled with a seed from the request id (the same request always gets the same order);
 * inactive templates and partners are skipped, a partner already in the rota keeps its first place, and every
 * skip is recorded with its reason.
 */
import type { Partner } from '../config/partner.ts';
import type { RotaTemplate } from '../config/rota-template.ts';

export const ROTA_ENTRY_STATES = ['WAITING', 'SENT', 'WILL_SUPPLY', 'CONDITIONAL', 'REJECTED', 'EXPIRED', 'CANCELLED', 'FILLED', 'EXPORTED', 'FAILED'] as const;
export type RotaEntryState = (typeof ROTA_ENTRY_STATES)[number];

export interface RotaEntry {
  readonly partner: string;
  readonly template: string;
  readonly state: RotaEntryState;
  /** Why the entry ended as it did ("rejected: not owned", "no answer within 5 days"). */
  readonly reason: string | null;
  readonly sentAt: string | null;
  readonly answeredAt: string | null;
  /** When the partner's time to answer ends. */
  readonly answerBy: string | null;
}

export interface RotaSkip {
  readonly kind: 'template' | 'partner';
  readonly code: string;
  readonly template: string | null;
  readonly reason: string;
}

/** A small, well-mixed PRNG (mulberry32) seeded by a string hash (FNV-1a): reproducible shuffles. */
export function seededRandom(seed: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export interface RotaInput {
  readonly templates: readonly string[];
  readonly templateByCode: ReadonlyMap<string, RotaTemplate>;
  readonly partnerByCode: ReadonlyMap<string, Partner>;
  /** The request id: the seed of Non Ordered shuffles. */
  readonly seed: string;
  /** A partner the request may not go to, with the reason (e.g. a guest patron and a partner that serves no guests). */
  readonly exclude?: (partner: Partner) => string | undefined;
}

export function buildRota(input: RotaInput): { entries: RotaEntry[]; skips: RotaSkip[] } {
  const entries: RotaEntry[] = [];
  const skips: RotaSkip[] = [];
  const placed = new Map<string, string>();
  for (const code of input.templates) {
    const template = input.templateByCode.get(code);
    if (!template) {
      skips.push({ kind: 'template', code, template: null, reason: `rota template ${code} does not exist` });
      continue;
    }
    if (template.status !== 'ACTIVE') {
      skips.push({ kind: 'template', code, template: null, reason: `rota template ${code} (${template.name}) is Inactive` });
      continue;
    }
    const members = template.type === 'NON_ORDERED' ? shuffled(template.members, seededRandom(`${input.seed}:${code}`)) : template.members;
    for (const member of members) {
      const partner = input.partnerByCode.get(member);
      const skip = (reason: string) => skips.push({ kind: 'partner', code: member, template: code, reason });
      if (!partner) skip(`partner ${member} does not exist`);
      else if (placed.has(member)) skip(`already in the rota from template ${placed.get(member)}`);
      else if (partner.status !== 'ACTIVE') skip(`partner ${member} is Inactive`);
      else if (!partner.supportsBorrowing) skip(`partner ${member} does not support borrowing`);
      else {
        const excluded = input.exclude?.(partner);
        if (excluded) skip(excluded);
        else {
          placed.set(member, code);
          entries.push({ partner: member, template: code, state: 'WAITING', reason: null, sentAt: null, answeredAt: null, answerBy: null });
        }
      }
    }
  }
  return { entries, skips };
}
