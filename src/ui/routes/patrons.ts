/**
 * Patrons: the list with search and pages, a patron's page (every field, identifiers, blocks) with its edit form
 * and the ILLiad identity dry run, and the CSV import with its preview. The use cases decide: ConfigService for the
 * patron, IlliadExporter.checkIdentity for the dry run, PatronImport for the file.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_IMPORT_BYTES, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, IDENTIFIER_PREFIX, type ImportReport } from '../../app/patron-import.ts';
import { can } from '../../domain/access/roles.ts';
import { ACTIVE_STATUS, PATRON_IDENTIFIER_TYPE } from '../../domain/config/enums.ts';
import type { Patron } from '../../domain/config/patron.ts';
import { type ErrorCode, InterlendError, type Problem } from '../../domain/errors.ts';
import { versionOf } from '../../app/config-service.ts';
import type { Stored } from '../../app/ports.ts';
import { html, isHtmx, requirePermission, shellFor } from '../context.ts';
import type { UiDeps } from '../deps.ts';
import { IdentityResultView, PatronDetailPage } from '../pages/patron-detail.tsx';
import { PatronImportPage } from '../pages/patron-import.tsx';
import { PatronListPage } from '../pages/patron-list.tsx';
import { patronFormFields, patronFormLevelProblems, patronFormValues, patronInput, postedPatronValues } from '../views/patron-form.ts';
import { identityPartners, identityViewOf, type IdentityView } from '../views/patron-identity.ts';
import { digestOf, importRowViews, importSummary, parseMultipart } from '../views/patron-import.ts';
import { fromVersion, isStale, postedVersion, staleView, type StaleView } from '../views/stale.ts';
import { PATRON_IMPORT_PATH, PATRON_PAGE_SIZE, PATRONS_PATH, patronHref, patronListQueryOf, patronListView } from '../views/patron-list.ts';

const ALL = { limit: 500, offset: 0, filters: {} };
/** Refusals staff can fix in the form. */
const FORM_REFUSALS = new Set<ErrorCode>(['ILL_ERR_VALIDATION', 'ILL_ERR_BAD_REQUEST', 'ILL_ERR_REFERENCE_NOT_FOUND', 'ILL_ERR_IMMUTABLE', 'ILL_ERR_DUPLICATE', 'ILL_ERR_NOT_ALLOWED']);
/** Problems with a file as a whole: shown at the box, the rest is an error page. */
const FILE_REFUSALS = new Set<ErrorCode>(['ILL_ERR_VALIDATION', 'ILL_ERR_PAYLOAD_TOO_LARGE']);
const COLUMNS = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS, ...PATRON_IDENTIFIER_TYPE.values.map((t) => IDENTIFIER_PREFIX + t)];
const MULTIPART = 'multipart/form-data';

function problemsOf(error: unknown, codes: ReadonlySet<ErrorCode>): Problem[] {
  if (!(error instanceof InterlendError) || !codes.has(error.code)) throw error;
  return error.problems.length ? [...error.problems] : [{ path: '', message: error.message }];
}

function factsOf(patron: Patron, libraryName: (code: string) => string) {
  return {
    facts: [
      { label: 'Primary id', value: patron.primaryId },
      { label: 'First name', value: patron.firstName },
      { label: 'Last name', value: patron.lastName },
      { label: 'E-mail', value: patron.email ?? '—' },
      { label: 'User group', value: patron.userGroup },
      { label: 'Status', value: ACTIVE_STATUS.labels[patron.status] },
      { label: 'Guest', value: patron.isGuest ? 'Yes' : 'No' },
      { label: 'Pickup library', value: patron.pickupLibrary ? libraryName(patron.pickupLibrary) : "None (the institution's default)" },
      { label: 'Expiry date', value: patron.expiryDate ?? 'Does not expire' },
    ],
    identifiers: patron.identifiers.map((i) => ({ label: PATRON_IDENTIFIER_TYPE.labels[i.type], value: i.value })),
    blocks: patron.blocks.map((b) => ({ code: b.code, note: b.note ?? '' })),
  };
}

export function patronRoutes(app: FastifyInstance, deps: UiDeps): void {
  app.get(PATRONS_PATH, async (request, reply) => {
    const staff = requirePermission(request, 'read-patrons');
    const query = patronListQueryOf(request.query as Record<string, unknown>);
    const page = await deps.config.list('patrons', {
      limit: PATRON_PAGE_SIZE,
      offset: query.offset,
      ...(query.q ? { q: query.q } : {}),
      filters: query.status ? { status: query.status } : {},
    });
    const view = patronListView(query, page);
    return html(reply, PatronListPage({ shell: await shellFor(deps, request, 'Patrons', PATRONS_PATH), query, ...view, mayWrite: can(staff.role, 'write-patrons') }));
  });

  const libraries = async () => (await deps.config.list('libraries', ALL)).items.map(({ doc }) => ({ code: doc.code, name: doc.name }));
  const exportingPartners = async () => identityPartners((await deps.config.list('partners', ALL)).items.map((p) => p.doc));

  const patronPage = async (
    request: FastifyRequest,
    stored: Stored<Patron>,
    options: {
      values?: Record<string, string>;
      problems?: Problem[];
      identifierFields?: readonly string[];
      saved?: boolean;
      identity?: IdentityView | { error: string };
      version?: string | undefined;
      stale?: StaleView;
      pinError?: string;
      pinDone?: 'set' | 'removed';
    } = {},
  ) => {
    const staff = request.staff!;
    const patron = stored.doc;
    const known = await libraries();
    const libraryName = (code: string) => {
      const found = known.find((l) => l.code === code);
      return found ? `${found.name} (${code})` : code;
    };
    const problems = options.problems ?? [];
    const identifierFields = options.identifierFields ?? [];
    const values = options.values ?? patronFormValues(patron);
    return PatronDetailPage({
      shell: await shellFor(deps, request, `Patron ${patron.primaryId}`, PATRONS_PATH),
      heading: `${patron.firstName} ${patron.lastName} (${patron.primaryId})`,
      primaryId: patron.primaryId,
      action: patronHref(patron.primaryId),
      ...factsOf(patron, libraryName),
      editable: can(staff.role, 'write-patrons'),
      fields: patronFormFields(values, problems, identifierFields, known),
      problems: patronFormLevelProblems(problems, identifierFields),
      csrf: staff.csrf,
      saved: options.saved ?? false,
      refused: options.problems !== undefined,
      identityPartners: (await exportingPartners()).map((p) => ({ code: p.code, name: p.name })),
      identity: options.identity,
      // After a refusal the form keeps the version it was posted with: after a stale one, saving again is refused.
      version: 'version' in options ? options.version : versionOf(stored),
      stale: options.stale,
      pin: deps.patronAuth ? { ...(await pinStatus(stored.doc.primaryId)), error: options.pinError, done: options.pinDone } : undefined,
    });
  };
  const pinStatus = async (primaryId: string) => {
    const status = await deps.patronAuth!.pinStatus(primaryId);
    return { set: status.set, since: status.updatedAt };
  };

  app.get('/ui/patrons/:primaryId', async (request, reply) => {
    requirePermission(request, 'read-patrons');
    const { primaryId } = request.params as { primaryId: string };
    const stored = await deps.config.get('patrons', primaryId);
    const query = request.query as Record<string, unknown>;
    const pinDone = query.pin === 'set' || query.pin === 'removed' ? query.pin : undefined;
    return html(reply, await patronPage(request, stored, { saved: query.saved === '1', ...(pinDone ? { pinDone } : {}) }));
  });

  app.post('/ui/patrons/:primaryId', async (request, reply) => {
    requirePermission(request, 'write-patrons');
    const { primaryId } = request.params as { primaryId: string };
    const stored = await deps.config.get('patrons', primaryId);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = postedPatronValues(body);
    const version = postedVersion(body);
    const { input, identifierFields } = patronInput(stored.doc.primaryId, values);
    try {
      // Saved only if nobody saved the patron since the form was drawn (its version, as the API's If-Match).
      await deps.config.replace('patrons', stored.id, input, fromVersion(version));
      return reply.redirect(`${patronHref(stored.doc.primaryId)}?saved=1`, 303);
    } catch (error) {
      if (isStale(error)) {
        // The page's facts show the patron as saved now; the form keeps what was typed.
        const current = await deps.config.get('patrons', stored.id);
        const stale = staleView('patron', current.updatedAt, patronHref(current.doc.primaryId));
        return html(reply, await patronPage(request, current, { values, version, stale }), 409);
      }
      const problems = problemsOf(error, FORM_REFUSALS);
      return html(reply, await patronPage(request, stored, { values, problems, identifierFields, version }), 422);
    }
  });

  // The patron pages' PIN: set or replaced (the field is write-only), removed. Only its hash is kept (PatronAuthService).
  app.post('/ui/patrons/:primaryId/pin', async (request, reply) => {
    requirePermission(request, 'write-patrons');
    const { primaryId } = request.params as { primaryId: string };
    const stored = await deps.config.get('patrons', primaryId);
    if (!deps.patronAuth) throw new InterlendError('ILL_ERR_NOT_FOUND', 'PINs are not managed here');
    try {
      await deps.patronAuth.setPin(stored.doc.primaryId, (request.body as Record<string, unknown> | undefined)?.pin);
    } catch (error) {
      const problems = problemsOf(error, FORM_REFUSALS);
      return html(reply, await patronPage(request, stored, { pinError: problems.map((p) => p.message).join('; ') }), 422);
    }
    return reply.redirect(`${patronHref(stored.doc.primaryId)}?pin=set`, 303);
  });

  app.post('/ui/patrons/:primaryId/pin/remove', async (request, reply) => {
    requirePermission(request, 'write-patrons');
    const { primaryId } = request.params as { primaryId: string };
    const stored = await deps.config.get('patrons', primaryId);
    if (!deps.patronAuth) throw new InterlendError('ILL_ERR_NOT_FOUND', 'PINs are not managed here');
    await deps.patronAuth.removePin(stored.doc.primaryId);
    return reply.redirect(`${patronHref(stored.doc.primaryId)}?pin=removed`, 303);
  });

  // The dry run only reads (GET, as GET /api/v1/partners/{code}/identity): every role that may read patrons.
  app.get('/ui/patrons/:primaryId/identity', async (request, reply) => {
    requirePermission(request, 'read-patrons');
    const { primaryId } = request.params as { primaryId: string };
    const stored = await deps.config.get('patrons', primaryId);
    const partners = await exportingPartners();
    const asked = (request.query as Record<string, unknown>).partner;
    const partner = partners.find((p) => p.code === asked) ?? partners[0];
    let identity: IdentityView | { error: string };
    if (!partner) identity = { error: 'No partner exports to ILLiad (Export To Third Party = Using API).' };
    else {
      try {
        identity = identityViewOf(await deps.illiad.checkIdentity(partner.code, stored.doc.primaryId));
      } catch (error) {
        if (!(error instanceof InterlendError) || error.code === 'ILL_ERR_INTERNAL') throw error;
        identity = { error: error.message };
      }
    }
    if (isHtmx(request)) return html(reply, IdentityResultView({ identity }));
    return html(reply, await patronPage(request, stored, { identity }));
  });

  // The import reads multipart/form-data (a file, or pasted text) in its own scope, with room for a 1 MiB file.
  void app.register(async (scope) => {
    const bodyLimit = 3 * MAX_IMPORT_BYTES;
    scope.addContentTypeParser(MULTIPART, { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
      try {
        done(null, parseMultipart(body as Buffer, request.headers['content-type']));
      } catch (error) {
        done(error as Error, undefined);
      }
    });

    const importPage = async (
      request: FastifyRequest,
      reply: FastifyReply,
      options: { text?: string; report?: ImportReport; fileProblems?: Problem[]; note?: string } = {},
      status = 200,
    ) => {
      const report = options.report;
      return html(
        reply,
        PatronImportPage({
          shell: await shellFor(deps, request, 'Import patrons', PATRONS_PATH),
          csrf: request.staff!.csrf,
          text: options.text ?? '',
          previewed: report && report.dryRun ? digestOf(options.text ?? '') : undefined,
          fileProblems: (options.fileProblems ?? []).map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)),
          summary: report ? importSummary(report) : undefined,
          rows: report ? importRowViews(report, patronHref) : [],
          importable: report ? report.counts.create + report.counts.update : 0,
          done: !!report && !report.dryRun,
          note: options.note,
          columns: COLUMNS,
        }),
        status,
      );
    };
    scope.get(PATRON_IMPORT_PATH, async (request, reply) => {
      requirePermission(request, 'write-patrons');
      return importPage(request, reply);
    });

    scope.post(PATRON_IMPORT_PATH, { bodyLimit }, async (request, reply) => {
      requirePermission(request, 'write-patrons');
      const body = (request.body ?? {}) as Record<string, unknown>;
      const file = typeof body.file === 'string' ? body.file : '';
      const text = file.trim() ? file : typeof body.csv === 'string' ? body.csv : '';
      const wantsImport = body.step === 'import';
      // Import only what was previewed: if the text changed since, preview it again instead.
      const same = typeof body.previewed === 'string' && body.previewed === digestOf(text);
      try {
        if (wantsImport && same) return await importPage(request, reply, { text, report: await deps.patronImport.apply(text) });
        const note = wantsImport ? 'The text changed since the preview, so nothing was imported: here is the preview of what is there now.' : undefined;
        return await importPage(request, reply, { text, report: await deps.patronImport.preview(text), ...(note ? { note } : {}) });
      } catch (error) {
        return importPage(request, reply, { text, fileProblems: problemsOf(error, FILE_REFUSALS) }, 422);
      }
    });
  });
}

