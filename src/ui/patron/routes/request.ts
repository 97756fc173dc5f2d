/**
 * The patron request page (issue 9, item 2): `GET /patron/request?{OpenURL}` shows the citation from the link,
 * editable, with pickup library, needed-by date and a note, or says why requests are not taken from this patron
 * for this item; `POST /patron/request` places it through PatronRequests (BorrowingService.create underneath).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DuplicateSummary } from '../../../app/patron-requests.ts';
import { type IgnoredKey, parseOpenUrl } from '../../../domain/bib/openurl.ts';
import { type ErrorCode, InterlendError, type Problem } from '../../../domain/errors.ts';
import { html, patronOf, patronShell } from '../context.ts';
import type { PatronUiDeps } from '../deps.ts';
import { PatronRequestFormPage, PatronRequestRefusedPage } from '../pages/request-form.tsx';
import type { PatronBody } from '../body.ts';
import { citationOfValues, type FormValues, formFields, formLevelProblems, inputOf, postedValues, refusalText, valuesFromOpenUrl } from '../views/request-form.ts';
import { REQUEST_PATH } from './openurl.ts';

/** Refusals the patron can fix in the form; anything else is an error page. */
const FORM_REFUSALS = new Set<ErrorCode>(['ILL_ERR_VALIDATION', 'ILL_ERR_REFERENCE_NOT_FOUND', 'ILL_ERR_NOT_ALLOWED']);

export function patronRequestRoutes(app: FastifyInstance, deps: PatronUiDeps): void {
  const formPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormValues,
    options: { problems?: readonly Problem[]; duplicates?: readonly DuplicateSummary[]; ignored?: readonly IgnoredKey[]; fromLink?: boolean; pickupLibraries?: readonly { code: string; name: string }[] },
    status = 200,
  ) => {
    const { patron, csrf } = patronOf(request);
    const pickupLibraries = options.pickupLibraries ?? (await deps.requests.form(patron, citationOfValues(values))).pickupLibraries;
    const problems = options.problems ?? [];
    const fields = formFields(values, problems, pickupLibraries);
    return html(
      reply,
      PatronRequestFormPage({
        shell: await patronShell(deps, request, 'New request', REQUEST_PATH),
        csrf,
        ...fields,
        problems: formLevelProblems(problems),
        refused: options.problems !== undefined,
        duplicates: options.duplicates ?? [],
        ignored: options.ignored ?? [],
        fromLink: options.fromLink ?? false,
      }),
      status,
    );
  };

  app.get(REQUEST_PATH, async (request, reply) => {
    const { patron } = patronOf(request);
    const at = request.url.indexOf('?');
    const citation = parseOpenUrl(at < 0 ? '' : request.url.slice(at + 1));
    const setting = await deps.requests.form(patron, citation);
    if (!setting.decision.offered) {
      return html(reply, PatronRequestRefusedPage({ shell: await patronShell(deps, request, 'New request', REQUEST_PATH), reason: refusalText(setting.decision) }), 403);
    }
    const values = valuesFromOpenUrl(citation, setting.defaultPickup);
    return formPage(request, reply, values, { duplicates: setting.duplicates, ignored: citation.ignored, fromLink: at >= 0, pickupLibraries: setting.pickupLibraries });
  });

  app.post(REQUEST_PATH, async (request, reply) => {
    const { patron } = patronOf(request);
    const form = (request.body as PatronBody | undefined)?.fields ?? {};
    const values = postedValues(form);
    try {
      const outcome = await deps.requests.place(patron, inputOf(values), { confirmDuplicate: form.confirmDuplicate === 'yes' });
      if ('placed' in outcome) return reply.redirect(`/patron/requests?placed=${encodeURIComponent(outcome.placed.id)}`, 303);
      if ('duplicates' in outcome) return formPage(request, reply, values, { duplicates: outcome.duplicates });
      return html(reply, PatronRequestRefusedPage({ shell: await patronShell(deps, request, 'New request', REQUEST_PATH), reason: refusalText(outcome.refused) }), 403);
    } catch (error) {
      if (!(error instanceof InterlendError) || !FORM_REFUSALS.has(error.code)) throw error;
      const problems = error.problems.length ? error.problems : [{ path: '', message: error.message }];
      return formPage(request, reply, values, { problems }, 422);
    }
  });
}
