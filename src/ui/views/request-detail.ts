/** A borrowing request as the detail page shows it: every value already in words, nothing left to decide. */
import type { HistoryEntry, NcipMessageRecord } from '../../app/ports.ts';
import { CITATION_TYPE, LEVEL_OF_SERVICE, REQUESTED_FORMAT, RULE_OPERATOR, RULE_PARAMETER } from '../../domain/config/enums.ts';
import type { BorrowingRequest, Citation } from '../../domain/request/borrowing-request.ts';
import { BORROWING_STATUS } from '../../domain/request/state-model.ts';
import type { RuleTrace } from '../../domain/rota/rule-evaluation.ts';
import { type ActionButton, actionButtons } from './actions.ts';

export interface Field {
  readonly label: string;
  readonly value: string;
}

export interface RequestDetailView {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly statusReason: string | null;
  readonly citation: readonly Field[];
  readonly patron: readonly Field[];
  readonly exported: readonly Field[];
  readonly rota: readonly { position: number; partner: string; template: string; state: string; reason: string | null; current: boolean }[];
  readonly skips: readonly { kind: string; code: string; reason: string }[];
  readonly rules: readonly { position: number; rule: string; matched: boolean; reason: string; conditions: readonly string[]; templates: string }[];
  readonly history: readonly { at: string; actor: string; action: string; change: string; partner: string | null; reason: string | null }[];
  readonly actions: readonly ActionButton[];
}

/** An NCIP message ILLiad's add-on sent about the request, and our answer, as the Messages section shows them. */
export interface NcipMessageView {
  readonly at: string;
  readonly service: string;
  readonly outcome: string;
  readonly problem: boolean;
  readonly durationMs: number;
  readonly request: string;
  readonly response: string;
}

export function ncipMessageViews(records: readonly NcipMessageRecord[]): NcipMessageView[] {
  return records.map((m) => ({
    at: m.at,
    service: m.service ?? 'unknown service',
    outcome: m.outcome === 'problem' ? `Answered with a Problem${m.problem ? `: ${m.problem}` : ''}` : 'Answered',
    problem: m.outcome === 'problem',
    durationMs: m.durationMs,
    request: m.requestBody,
    response: m.responseBody,
  }));
}

const CITATION_LABELS: Record<keyof Citation, string> = {
  title: 'Title',
  author: 'Author',
  publisher: 'Publisher',
  placeOfPublication: 'Place of publication',
  year: 'Year',
  edition: 'Edition',
  oclcNumber: 'OCLC number',
  isbn: 'ISBN',
  issn: 'ISSN',
  doi: 'DOI',
  volume: 'Volume',
  issue: 'Issue',
  pages: 'Pages',
  articleTitle: 'Article title',
  articleAuthor: 'Article author',
};

const fields = (pairs: readonly [string, string | null | undefined][]): Field[] =>
  pairs.filter((pair): pair is [string, string] => typeof pair[1] === 'string' && pair[1] !== '').map(([label, value]) => ({ label, value }));

const statusLabel = (status: string | null) => (status === null ? '—' : (BORROWING_STATUS.labels as Record<string, string>)[status] ?? status);

function ruleRow(trace: RuleTrace) {
  return {
    position: trace.position,
    rule: trace.rule,
    matched: trace.matched,
    reason: trace.reason,
    conditions: trace.conditions.map((c) => {
      const value = Array.isArray(c.value) ? c.value.join(', ') : (c.value ?? '');
      return `${RULE_PARAMETER.labels[c.parameter]} ${RULE_OPERATOR.labels[c.operator]} ${value}`.trim() + ` (is ${c.actual ?? 'empty'}: ${c.holds ? 'holds' : 'does not hold'})`;
    }),
    templates: trace.templates.join(', '),
  };
}

export function requestDetailView(found: { request: BorrowingRequest; ruleTrace: readonly RuleTrace[]; history: readonly HistoryEntry[]; allowedActions: readonly string[] }, canAct: boolean): RequestDetailView {
  const { request } = found;
  return {
    id: request.id,
    title: request.citation.title,
    status: statusLabel(request.status),
    statusReason: request.statusReason,
    citation: fields([
      ['Citation type', CITATION_TYPE.labels[request.citationType]],
      ['Requested format', REQUESTED_FORMAT.labels[request.requestedFormat]],
      ...(Object.keys(CITATION_LABELS) as (keyof Citation)[]).map((key) => [CITATION_LABELS[key], request.citation[key]] as [string, string | null]),
      ['Level of service', LEVEL_OF_SERVICE.labels[request.levelOfService]],
      ['Needed by', request.neededBy],
    ]),
    patron: fields([
      ['Patron', request.patron],
      ['User group', request.userGroup],
      ['Pickup library', request.pickupLibrary],
      ['Resource sharing library', request.resourceSharingLibrary],
      ['Patron note', request.patronNote],
    ]),
    exported: request.exportedTo
      ? fields([
          ['Lender of last resort', request.exportedTo.partner],
          ['Transaction number (TN)', String(request.exportedTo.transactionNumber)],
          ['Username', request.exportedTo.username],
          ['Exported at', request.exportedTo.at],
        ])
      : [],
    rota: request.rota.map((entry, i) => ({ position: i + 1, partner: entry.partner, template: entry.template, state: entry.state, reason: entry.reason, current: request.current === i })),
    skips: request.rotaSkips.map((s) => ({ kind: s.kind, code: s.code, reason: s.reason })),
    rules: found.ruleTrace.map(ruleRow),
    history: found.history.map((h) => ({
      at: h.at,
      actor: h.actor,
      action: h.action,
      change: h.fromStatus === h.toStatus ? statusLabel(h.toStatus) : `${statusLabel(h.fromStatus)} → ${statusLabel(h.toStatus)}`,
      partner: h.partner,
      reason: h.reason,
    })),
    actions: canAct ? actionButtons(found.allowedActions) : [],
  };
}
