/**
 * The institution and its places: one page listing the institution, libraries, locations, circulation desks and
 * item policies; one form page for the institution and for any place, new or existing; delete from the list. The
 * same ConfigService calls as PUT /api/v1/institution and /api/v1/{libraries,locations,desks,item-policies}.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { versionOf } from '../../app/config-service.ts';
import type { Stored } from '../../app/ports.ts';
import { can } from '../../domain/access/roles.ts';
import type { Institution } from '../../domain/config/institution.ts';
import { InterlendError, notFound, type Problem } from '../../domain/errors.ts';
import { html, requirePermission, shellFor } from '../context.ts';
import type { UiDeps } from '../deps.ts';
import { PlaceFormPage, PlacesPage } from '../pages/places.tsx';
import type { FieldSpec } from '../views/partner-fields.ts';
import { postedValues } from '../views/partner-form.ts';
import { INSTITUTION_FIELDS, PLACE_KINDS, type PlaceKind, type PlaceKindSpec, placeKind } from '../views/place-fields.ts';
import {
  doneHref,
  doneMessage,
  INSTITUTION_PATH,
  institutionView,
  NEW_INSTITUTION_VALUES,
  newPlaceHref,
  type PlaceDoc,
  placeFormFields,
  placeFormView,
  placeHref,
  placeInput,
  placeListView,
  PLACES_PATH,
  refOptionsOf,
  refusalSentence,
} from '../views/places.ts';
import { fromVersion, isStale, postedVersion, readableTime, staleView, type StaleView } from '../views/stale.ts';
import { allOf, refusalProblems } from './rota-templates.ts';

type Places = Record<PlaceKind, Stored<PlaceDoc>[]>;

const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

function kindOf(request: FastifyRequest): PlaceKindSpec {
  const { kind } = request.params as { kind: string };
  const spec = placeKind(kind);
  if (!spec) throw notFound(`a list of ${kind}`);
  return spec;
}

export function placeRoutes(app: FastifyInstance, deps: UiDeps): void {
  const loadPlaces = async (): Promise<Places> => {
    const [libraries, locations, desks, itemPolicies] = await Promise.all([
      allOf(deps.config, 'libraries'),
      allOf(deps.config, 'locations'),
      allOf(deps.config, 'desks'),
      allOf(deps.config, 'item-policies'),
    ]);
    return { libraries, locations, desks, 'item-policies': itemPolicies };
  };

  /** An empty database has none: then the page offers to set it up (ConfigService says "does not exist"). */
  const institutionOrNone = async (): Promise<Stored<Institution> | undefined> => {
    try {
      return await deps.config.getInstitution();
    } catch (error) {
      if (error instanceof InterlendError && error.code === 'ILL_ERR_NOT_FOUND') return undefined;
      throw error;
    }
  };

  const placesPage = async (request: FastifyRequest, outcome: { done?: string | undefined; refused?: { kind: PlaceKind; sentence: string } }) => {
    const staff = request.staff!;
    const [places, institution] = await Promise.all([loadPlaces(), institutionOrNone()]);
    const refs = refOptionsOf(places);
    const lists = PLACE_KINDS.map((spec) => placeListView(spec, places[spec.kind], refs, outcome.refused?.kind === spec.kind ? outcome.refused.sentence : undefined));
    return PlacesPage({
      shell: await shellFor(deps, request, 'Libraries and places', PLACES_PATH),
      institution: institutionView(institution, refs),
      lists,
      mayWrite: can(staff.role, 'write-places'),
      csrf: staff.csrf,
      done: outcome.done,
    });
  };

  const formPage = async (
    request: FastifyRequest,
    page: { title: string; about: string; anchor: string; action: string; submit: string },
    form: { fields: readonly FieldSpec[]; stored: object | undefined; typed: Record<string, string> | undefined; problems?: Problem[]; version: string | undefined; stale?: StaleView },
  ) => {
    const refs = refOptionsOf(await loadPlaces());
    return PlaceFormPage({
      shell: await shellFor(deps, request, page.title, PLACES_PATH),
      heading: page.title,
      about: page.about,
      anchor: page.anchor,
      action: page.action,
      view: placeFormView(form.fields, form.stored, form.typed, form.problems ?? [], refs),
      refused: form.problems !== undefined,
      submit: page.submit,
      csrf: request.staff!.csrf,
      version: form.version,
      stale: form.stale,
    });
  };

  app.get(PLACES_PATH, async (request, reply) => {
    requirePermission(request, 'read-config');
    return html(reply, await placesPage(request, { done: doneMessage(request.query as Record<string, unknown>) }));
  });

  const institutionForm = (
    stored: Stored<Institution> | undefined,
    typed: Record<string, string> | undefined,
    outcome: { problems?: Problem[]; version?: string | undefined; stale?: StaleView } = {},
  ) => ({
    fields: INSTITUTION_FIELDS,
    stored: stored?.doc,
    typed: typed ?? (stored ? undefined : NEW_INSTITUTION_VALUES),
    // The version the form was drawn from; after a refusal, the one it was posted with.
    version: 'version' in outcome ? outcome.version : stored && versionOf(stored),
    ...(outcome.problems ? { problems: outcome.problems } : {}),
    ...(outcome.stale ? { stale: outcome.stale } : {}),
  });
  const institutionPage = (stored: Stored<Institution> | undefined) => ({
    title: stored ? 'Institution' : 'Set up the institution',
    about: 'The library running Interlend; there is one.',
    anchor: 'institution',
    action: INSTITUTION_PATH,
    submit: 'Save the institution',
  });

  app.get(INSTITUTION_PATH, async (request, reply) => {
    requirePermission(request, 'write-places');
    const stored = await institutionOrNone();
    return html(reply, await formPage(request, institutionPage(stored), institutionForm(stored, undefined)));
  });

  app.post(INSTITUTION_PATH, async (request, reply) => {
    requirePermission(request, 'write-places');
    const stored = await institutionOrNone();
    const values = postedValues(body(request), INSTITUTION_FIELDS);
    const version = postedVersion(body(request));
    try {
      const saved = await deps.config.putInstitution(placeInput(values, INSTITUTION_FIELDS, undefined), fromVersion(version));
      return reply.redirect(doneHref(stored ? 'saved' : 'created', 'institution', saved.doc.code), 303);
    } catch (error) {
      if (isStale(error)) {
        const current = await institutionOrNone();
        const stale = current && staleView('institution', current.updatedAt, INSTITUTION_PATH);
        return html(reply, await formPage(request, institutionPage(current), institutionForm(current, values, { version, ...(stale ? { stale } : {}) })), 409);
      }
      const problems = refusalProblems(error);
      if (!problems) throw error;
      return html(reply, await formPage(request, institutionPage(stored), institutionForm(stored, values, { problems, version })), 422);
    }
  });

  const placePage = (spec: PlaceKindSpec, stored: Stored<PlaceDoc> | undefined) => ({
    title: stored ? `${spec.singular.charAt(0).toUpperCase()}${spec.singular.slice(1)} ${stored.doc.code}` : `New ${spec.singular}`,
    about: spec.about,
    anchor: spec.kind,
    action: stored ? placeHref(spec.kind, stored.doc.code) : newPlaceHref(spec.kind),
    submit: stored ? `Save the ${spec.singular}` : `Create the ${spec.singular}`,
  });

  app.get(`${PLACES_PATH}/:kind/new`, async (request, reply) => {
    requirePermission(request, 'write-places');
    const spec = kindOf(request);
    return html(reply, await formPage(request, placePage(spec, undefined), { fields: placeFormFields(spec, false), stored: undefined, typed: undefined, version: undefined }));
  });

  app.post(`${PLACES_PATH}/:kind/new`, async (request, reply) => {
    requirePermission(request, 'write-places');
    const spec = kindOf(request);
    const fields = placeFormFields(spec, false);
    const values = postedValues(body(request), fields);
    try {
      const created = await deps.config.create(spec.kind, placeInput(values, fields, undefined));
      return reply.redirect(doneHref('created', spec.kind, created.doc.code), 303);
    } catch (error) {
      const problems = refusalProblems(error);
      if (!problems) throw error;
      return html(reply, await formPage(request, placePage(spec, undefined), { fields, stored: undefined, typed: values, problems, version: undefined }), 422);
    }
  });

  app.get(`${PLACES_PATH}/:kind/:code`, async (request, reply) => {
    requirePermission(request, 'write-places');
    const spec = kindOf(request);
    const stored = await deps.config.get(spec.kind, (request.params as { code: string }).code);
    return html(reply, await formPage(request, placePage(spec, stored), { fields: placeFormFields(spec, true), stored: stored.doc, typed: undefined, version: versionOf(stored) }));
  });

  app.post(`${PLACES_PATH}/:kind/:code`, async (request, reply) => {
    requirePermission(request, 'write-places');
    const spec = kindOf(request);
    const stored = await deps.config.get(spec.kind, (request.params as { code: string }).code);
    const fields = placeFormFields(spec, true);
    const values = postedValues(body(request), fields);
    const version = postedVersion(body(request));
    try {
      // Saved only if nobody saved it since the form was drawn (its version, as the API's If-Match).
      await deps.config.replace(spec.kind, stored.id, placeInput(values, fields, stored.doc), fromVersion(version));
      return reply.redirect(doneHref('saved', spec.kind, stored.doc.code), 303);
    } catch (error) {
      if (isStale(error)) {
        const current = await deps.config.get(spec.kind, stored.id);
        const stale = staleView(spec.singular, current.updatedAt, placeHref(spec.kind, current.doc.code));
        return html(reply, await formPage(request, placePage(spec, current), { fields, stored: current.doc, typed: values, version, stale }), 409);
      }
      const problems = refusalProblems(error);
      if (!problems) throw error;
      return html(reply, await formPage(request, placePage(spec, stored), { fields, stored: stored.doc, typed: values, problems, version }), 422);
    }
  });

  app.post(`${PLACES_PATH}/:kind/:code/delete`, async (request, reply) => {
    requirePermission(request, 'write-places');
    const spec = kindOf(request);
    const { code } = request.params as { code: string };
    try {
      // The list's row carries the version it showed: what someone else changed since is not deleted unseen.
      await deps.config.remove(spec.kind, code, fromVersion(postedVersion(body(request))));
      return reply.redirect(doneHref('deleted', spec.kind, code), 303);
    } catch (error) {
      if (isStale(error)) {
        const current = await deps.config.get(spec.kind, code);
        const sentence = `Not deleted: someone else saved ${spec.singular} ${code} at ${readableTime(current.updatedAt)} while you were looking; the list shows it as it is now.`;
        return html(reply, await placesPage(request, { refused: { kind: spec.kind, sentence } }), 409);
      }
      // Still named by a partner, a location, the institution…: the use case says by whom.
      if (!(error instanceof InterlendError) || error.code !== 'ILL_ERR_IN_USE') throw error;
      return html(reply, await placesPage(request, { refused: { kind: spec.kind, sentence: refusalSentence(error.message) } }), 409);
    }
  });
}
