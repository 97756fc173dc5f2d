/**
 * Rota templates for the pages: the list's rows, a template's fields and members in words, the partners that may
 * still join, what the forms send, and each refusal placed next to its field. ConfigService decides what is valid.
 */
import type { Stored } from '../../app/ports.ts';
import { ACTIVE_STATUS, ROTA_TEMPLATE_TYPE } from '../../domain/config/enums.ts';
import type { Partner } from '../../domain/config/partner.ts';
import type { RotaTemplate } from '../../domain/config/rota-template.ts';
import type { Problem } from '../../domain/errors.ts';
import type { StaleView } from './stale.ts';

export interface Option {
  readonly value: string;
  readonly label: string;
}

export const TYPE_OPTIONS: readonly Option[] = Object.entries(ROTA_TEMPLATE_TYPE.labels).map(([value, label]) => ({ value, label }));
export const STATUS_OPTIONS: readonly Option[] = Object.entries(ACTIVE_STATUS.labels).map(([value, label]) => ({ value, label }));

export interface TemplateRow {
  readonly code: string;
  readonly href: string;
  readonly name: string;
  readonly type: string;
  readonly status: string;
  readonly members: string;
}

export const templateHref = (code: string) => `/ui/rota-templates/${encodeURIComponent(code)}`;

const typeLabel = (type: string) => (ROTA_TEMPLATE_TYPE.labels as Record<string, string>)[type] ?? type;
const statusLabel = (status: string) => (ACTIVE_STATUS.labels as Record<string, string>)[status] ?? status;

export function templateRow(template: Stored<RotaTemplate>): TemplateRow {
  const t = template.doc;
  return { code: t.code, href: templateHref(t.code), name: t.name, type: typeLabel(t.type), status: statusLabel(t.status), members: t.members.length ? t.members.join(', ') : '(none)' };
}

/** The fields of the general-information form, as typed (after a refusal) or as stored. */
export interface TemplateFormValues {
  readonly code: string;
  readonly name: string;
  readonly type: string;
  readonly status: string;
}

/** Field name → what is wrong with it; problems of no field go to `form`. */
export interface FieldErrors {
  readonly fields: Readonly<Record<string, string>>;
  readonly form: readonly string[];
}

export const NO_ERRORS: FieldErrors = { fields: {}, form: [] };

const text = (value: unknown) => (typeof value === 'string' ? value : '');

export function templateFormOf(body: Record<string, unknown>): TemplateFormValues {
  return { code: text(body.code).trim(), name: text(body.name), type: text(body.type) || 'ORDERED', status: text(body.status) || 'ACTIVE' };
}

export function templateFormOfStored(template: RotaTemplate): TemplateFormValues {
  return { code: template.code, name: template.name, type: template.type, status: template.status };
}

/** Places problems by the first part of their path (`members[2]` goes to members). */
export function placeProblems(problems: readonly Problem[], fieldNames: readonly string[]): FieldErrors {
  const fields: Record<string, string> = {};
  const form: string[] = [];
  for (const p of problems) {
    const head = p.path.split(/[.[]/)[0] ?? '';
    if (fieldNames.includes(head)) fields[head] = fields[head] ? `${fields[head]}; ${p.message}` : p.message;
    else form.push(p.path ? `${p.path}: ${p.message}` : p.message);
  }
  return { fields, form };
}

export interface MemberView {
  readonly position: number;
  readonly code: string;
  readonly name: string;
  readonly status: string;
  readonly first: boolean;
  readonly last: boolean;
}

export interface MembersView {
  readonly code: string;
  /** The template's version the members were drawn at, sent with every member button. */
  readonly version: string;
  /** A member button refused because someone else saved the template first. */
  readonly stale?: StaleView | undefined;
  readonly members: readonly MemberView[];
  /** Partners not in the template, for the add select. */
  readonly candidates: readonly Option[];
  readonly canWrite: boolean;
  /** What the last change did, said to screen readers too. */
  readonly message?: string | undefined;
  readonly error?: string | undefined;
  /** The control to focus after a change: `up:CODE`, `down:CODE`, `remove:CODE` or `add`. */
  readonly focus?: string | undefined;
}

export function membersView(
  template: RotaTemplate,
  partners: readonly Stored<Partner>[],
  canWrite: boolean,
  extra: Pick<MembersView, 'version'> & Partial<Pick<MembersView, 'message' | 'error' | 'focus' | 'stale'>>,
): MembersView {
  const byCode = new Map(partners.map((p) => [p.doc.code, p.doc]));
  const members = template.members.map((code, i) => {
    const partner = byCode.get(code);
    return {
      position: i + 1,
      code,
      name: partner?.name ?? '(no such partner)',
      status: partner ? statusLabel(partner.status) : '—',
      first: i === 0,
      last: i === template.members.length - 1,
    };
  });
  const candidates = partners.filter((p) => !template.members.includes(p.doc.code)).map((p) => ({ value: p.doc.code, label: `${p.doc.name} (${p.doc.code})` }));
  return { code: template.code, members, candidates, canWrite, ...extra };
}

export type MemberOp = 'add' | 'up' | 'down' | 'remove';
export const MEMBER_OPS: readonly MemberOp[] = ['add', 'up', 'down', 'remove'];

/** The members after one step; undefined when the step does not apply (a stale page: the partner is gone, or already first). */
export function membersAfter(members: readonly string[], op: MemberOp, partner: string): string[] | undefined {
  const list = [...members];
  const at = list.indexOf(partner);
  if (op === 'add') return [...list, partner]; // a partner already in it is refused by the domain, in words
  if (at < 0) return undefined;
  if (op === 'remove') return list.filter((m) => m !== partner);
  const to = op === 'up' ? at - 1 : at + 1;
  if (to < 0 || to >= list.length) return undefined;
  [list[at], list[to]] = [list[to]!, list[at]!];
  return list;
}

/** "Rota template X was deleted.", for the list after a delete (the code from the address, escaped on the page). */
export const deletedMessage = (code: unknown): string | undefined => (typeof code === 'string' && code ? `Rota template ${code} was deleted.` : undefined);

/** The use case's refusal of a delete ("rota template X is still used by …") as a sentence. */
export const deleteRefusalSentence = (message: string): string => `Not deleted: ${message}.`;

export function memberMessage(op: MemberOp, partner: string, members: readonly string[]): string {
  const position = members.indexOf(partner) + 1;
  if (op === 'add') return `Added ${partner} as member ${position}.`;
  if (op === 'remove') return `Removed ${partner}.`;
  return `Moved ${partner} to position ${position}.`;
}
