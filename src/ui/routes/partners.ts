/** Partners: the list, a partner's page laid out as the guide's partner profile, the new-partner form. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { versionOf } from '../../app/config-service.ts';
import type { Stored } from '../../app/ports.ts';
import { plain } from '../../app/views.ts';
import { can } from '../../domain/access/roles.ts';
import type { Partner } from '../../domain/config/partner.ts';
import { type ErrorCode, InterlendError, type Problem } from '../../domain/errors.ts';
import { html, requirePermission, shellFor } from '../context.ts';
import type { UiDeps } from '../deps.ts';
import { PartnerPage } from '../pages/partner-edit.tsx';
import { PartnerListPage } from '../pages/partner-list.tsx';
import { PartnerNewPage } from '../pages/partner-new.tsx';
import { partnerDoctorView } from '../views/partner-doctor.ts';
import { NEW_PARTNER_FIELDS, partnerSections, type RefKind } from '../views/partner-fields.ts';
import {
  fieldViews,
  formLevelProblems,
  formValuesOf,
  newPartnerInput,
  partnerFormView,
  partnerInput,
  postedValues,
  REMOVE_PREFIX,
  type RefOptions,
} from '../views/partner-form.ts';
import { partnerHref, partnerRowOf } from '../views/partner-list.ts';
import { fromVersion, isStale, postedVersion, staleView, type StaleView } from '../views/stale.ts';

const LIST_PATH = '/ui/partners';
const NEW_PATH = '/ui/partners/new';
const ALL = { limit: 500, offset: 0, filters: {} };
/** Refusals staff can fix in the form: shown on it, next to the field when it has one. */
const FORM_REFUSALS = new Set<ErrorCode>(['ILL_ERR_VALIDATION', 'ILL_ERR_BAD_REQUEST', 'ILL_ERR_REFERENCE_NOT_FOUND', 'ILL_ERR_IMMUTABLE', 'ILL_ERR_DUPLICATE', 'ILL_ERR_NOT_ALLOWED']);

/** The codes a partner's parameters may name, from the configuration. */
async function refOptions(deps: UiDeps): Promise<RefOptions> {
  const named = async (kind: RefKind) =>
    (await deps.config.list(kind, ALL)).items.map(({ doc }) => ({ value: doc.code, label: `${doc.name} (${doc.code})` }));
  const [libraries, locations, desks, itemPolicies] = await Promise.all([named('libraries'), named('locations'), named('desks'), named('item-policies')]);
  return { libraries, locations, desks, 'item-policies': itemPolicies };
}

/** As the doctor page: PUBLIC_URL when set, else the address this page was asked at (only its NCIP check uses it). */
const serverAddress = (request: FastifyRequest, publicUrl: string | undefined) => publicUrl?.trim() || `${request.protocol}://${request.host}`;

async function doctorFindings(deps: UiDeps, request: FastifyRequest, code: string) {
  const [report, partners] = await Promise.all([deps.doctor.run({ serverAddress: serverAddress(request, deps.publicUrl), offline: true }), deps.config.list('partners', ALL)]);
  return partnerDoctorView(report, partners.items.map((p) => p.doc), code);
}

function refusalProblems(error: unknown): Problem[] {
  if (!(error instanceof InterlendError) || !FORM_REFUSALS.has(error.code)) throw error;
  return error.problems.length ? [...error.problems] : [{ path: '', message: error.message }];
}

export function partnerRoutes(app: FastifyInstance, deps: UiDeps): void {
  app.get(LIST_PATH, async (request, reply) => {
    const staff = requirePermission(request, 'read-config');
    const page = await deps.config.list('partners', ALL);
    return html(reply, PartnerListPage({ shell: await shellFor(deps, request, 'Partners', LIST_PATH), rows: page.items.map(partnerRowOf), mayWrite: can(staff.role, 'write-partners') }));
  });

  const newPage = async (request: FastifyRequest, values: Record<string, string>, problems: Problem[], csrf: string) => {
    const refs = { libraries: [], locations: [], desks: [], 'item-policies': [] };
    const fields = fieldViews(NEW_PARTNER_FIELDS, values, problems, refs);
    return PartnerNewPage({ shell: await shellFor(deps, request, 'New partner', LIST_PATH), fields, problems: formLevelProblems(problems, NEW_PARTNER_FIELDS), csrf });
  };

  app.get(NEW_PATH, async (request, reply) => {
    const staff = requirePermission(request, 'write-partners');
    return html(reply, await newPage(request, { profileType: 'NCIP', systemType: 'ILLIAD' }, [], staff.csrf));
  });

  app.post(NEW_PATH, async (request, reply) => {
    const staff = requirePermission(request, 'write-partners');
    const values = postedValues((request.body ?? {}) as Record<string, unknown>, NEW_PARTNER_FIELDS);
    try {
      const created = await deps.config.create('partners', newPartnerInput(values, NEW_PARTNER_FIELDS));
      return reply.redirect(`${partnerHref(created.doc.code)}?created=1`, 303);
    } catch (error) {
      return html(reply, await newPage(request, values, refusalProblems(error), staff.csrf), 422);
    }
  });

  const partnerPage = async (
    request: FastifyRequest,
    object: Stored<Partner>,
    values: Record<string, string> | undefined,
    outcome: { problems?: Problem[]; saved?: boolean; secretDropped?: boolean; stale?: StaleView; version?: string | undefined } = {},
  ) => {
    const staff = request.staff!;
    const stored = object.doc;
    const shown = plain(stored) as Record<string, unknown>;
    const sections = partnerSections(stored.profileType);
    const problems = outcome.problems ?? [];
    // What was typed over what is stored: the fixed fields (code, profile type) are not posted.
    const view = partnerFormView(stored.profileType, shown, { ...formValuesOf(shown, sections), ...values }, problems, await refOptions(deps));
    return PartnerPage({
      shell: await shellFor(deps, request, `Partner ${stored.code}`, LIST_PATH),
      heading: `${stored.name} (${stored.code})`,
      action: partnerHref(stored.code),
      sections: view,
      problems: formLevelProblems(
        problems,
        sections.flatMap((s) => s.fields),
      ),
      csrf: staff.csrf,
      editable: can(staff.role, 'write-partners'),
      doctor: await doctorFindings(deps, request, stored.code),
      ncip: stored.profileType === 'NCIP',
      saved: outcome.saved ?? false,
      secretDropped: outcome.secretDropped ?? false,
      refused: outcome.problems !== undefined,
      // After a stale save the form keeps the version it was drawn from: saving it again is refused too.
      version: 'version' in outcome ? outcome.version : versionOf(object),
      stale: outcome.stale,
    });
  };

  app.get('/ui/partners/:code', async (request, reply) => {
    requirePermission(request, 'read-config');
    const { code } = request.params as { code: string };
    const query = request.query as Record<string, unknown>;
    const stored = await deps.config.get('partners', code);
    return html(reply, await partnerPage(request, stored, undefined, { saved: query.saved === '1' || query.created === '1' }));
  });

  app.post('/ui/partners/:code', async (request, reply) => {
    requirePermission(request, 'write-partners');
    const { code } = request.params as { code: string };
    const stored = await deps.config.get('partners', code);
    const sections = partnerSections(stored.doc.profileType);
    const fields = sections.flatMap((s) => s.fields);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = postedValues(body, fields);
    const version = postedVersion(body);
    try {
      // Saved only if nobody saved the partner since the form was drawn (its version, as the API's If-Match).
      await deps.config.replace('partners', stored.id, partnerInput(values, sections, plain(stored.doc) as Record<string, unknown>), fromVersion(version));
      return reply.redirect(`${partnerHref(stored.doc.code)}?saved=1`, 303);
    } catch (error) {
      const secretDropped = fields.some((f) => f.kind.type === 'secret' && values[f.path] !== '' && values[REMOVE_PREFIX + f.path] !== 'on');
      if (isStale(error)) {
        const current = await deps.config.get('partners', stored.id);
        const stale = staleView('partner', current.updatedAt, partnerHref(current.doc.code));
        return html(reply, await partnerPage(request, current, values, { secretDropped, stale, version }), 409);
      }
      const problems = refusalProblems(error);
      return html(reply, await partnerPage(request, stored, values, { problems, secretDropped, version }), 422);
    }
  });
}
