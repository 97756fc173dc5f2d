/** CRUD routes for every kind of configuration object, from the kind table; rota rules add move and make-final. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type ConfigService, MAX_PAGE_SIZE } from '../../app/config-service.ts';
import type { ListQuery } from '../../app/ports.ts';
import { toView } from '../../app/views.ts';
import { KIND_PERMISSIONS } from '../../domain/access/roles.ts';
import { CONFIG_KINDS, type ConfigKind, kindSpec } from '../../domain/config/kinds.ts';
import { LIST_FILTERS } from '../../domain/config/list-filters.ts';
import { validate } from '../../domain/config/validate.ts';
import { invalid, problemError } from '../../domain/errors.ts';
import { ifMatchOf, withVersion, writeHeaders } from '../versions.ts';

const pagingSchema = z.object({
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`).default(50),
  offset: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').default(0),
  q: z.string().trim().min(1).optional(),
});
const refParams = z.object({ ref: z.string().describe('The id, or the code (primary id for patrons, name for rules)') });

const positionSchema = z.strictObject({ position: z.number().int() });

/** Fields the API shows that are not part of the object: a body copied from a GET may carry them. */
const VIEW_ONLY = ['id', 'createdAt', 'updatedAt', 'position'];

function withoutViewFields(body: unknown): { body: unknown; position?: number } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { body };
  const copy = { ...(body as Record<string, unknown>) };
  const position = typeof copy.position === 'number' ? copy.position : undefined;
  for (const field of VIEW_ONLY) delete copy[field];
  return { body: copy, ...(position === undefined ? {} : { position }) };
}

export function parseListQuery(query: unknown): ListQuery {
  const raw = { ...(query as Record<string, unknown>) };
  const paging = validate(pagingSchema, { limit: raw.limit, offset: raw.offset, q: raw.q });
  if (!paging.ok) throw problemError('ILL_ERR_BAD_REQUEST', paging.problems);
  delete raw.limit;
  delete raw.offset;
  delete raw.q;
  const filters = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : String(v)]));
  return { ...paging.value, filters };
}

function listQuerySchema(kind: ConfigKind) {
  const filters = Object.fromEntries(
    Object.entries(LIST_FILTERS[kind]).map(([name, values]) => [
      name,
      values === 'boolean' ? z.enum(['true', 'false']).optional() : values === 'text' ? z.string().optional() : z.enum(values as [string, ...string[]]).optional(),
    ]),
  );
  return pagingSchema.extend(filters);
}

export function configObjectRoutes(app: FastifyInstance, config: ConfigService): void {
  for (const kind of CONFIG_KINDS) {
    const spec = kindSpec(kind);
    const base = `/api/v1/${kind}`;
    const { read, write } = KIND_PERMISSIONS[kind];
    const tags = [kind];

    app.get(base, { config: { permission: read }, schema: { tags, summary: `List ${kind}`, querystring: listQuerySchema(kind) } }, async (request) => {
      const query = parseListQuery(request.query);
      const page = await config.list(kind, query);
      return { items: page.items.map(toView), total: page.total, limit: query.limit, offset: query.offset };
    });

    app.get(`${base}/:ref`, { config: { permission: read }, schema: { tags, summary: `Get one ${spec.singular} (its version is the ETag)`, params: refParams } }, async (request, reply) => {
      const { ref } = request.params as { ref: string };
      const object = await config.get(kind, ref);
      return withVersion(reply, object).send(toView(object));
    });

    app.post(base, { config: { permission: write }, schema: { tags, summary: `Create a ${spec.singular}`, body: spec.schema } }, async (request, reply) => {
      const { body, position } = withoutViewFields(request.body);
      const created = await config.create(kind, body, position === undefined ? {} : { position });
      return withVersion(reply, created).status(201).send(toView(created));
    });

    app.put(
      `${base}/:ref`,
      { config: { permission: write }, schema: { tags, summary: `Replace a ${spec.singular}`, params: refParams, headers: writeHeaders, body: spec.schema } },
      async (request, reply) => {
        const { ref } = request.params as { ref: string };
        const saved = await config.replace(kind, ref, withoutViewFields(request.body).body, { ifMatch: ifMatchOf(request) });
        return withVersion(reply, saved).send(toView(saved));
      },
    );

    app.patch(
      `${base}/:ref`,
      { config: { permission: write }, schema: { tags, summary: `Change some fields of a ${spec.singular} (JSON Merge Patch, RFC 7396)`, params: refParams, headers: writeHeaders } },
      async (request, reply) => {
        const { ref } = request.params as { ref: string };
        const saved = await config.patch(kind, ref, withoutViewFields(request.body).body, { ifMatch: ifMatchOf(request) });
        return withVersion(reply, saved).send(toView(saved));
      },
    );

    app.delete(
      `${base}/:ref`,
      { config: { permission: write }, schema: { tags, summary: `Delete a ${spec.singular}`, params: refParams, headers: writeHeaders } },
      async (request, reply) => {
        const { ref } = request.params as { ref: string };
        await config.remove(kind, ref, { ifMatch: ifMatchOf(request) });
        return reply.status(204).send();
      },
    );
  }

  const rules = { config: { permission: KIND_PERMISSIONS['rota-rules'].write }, schema: { tags: ['rota-rules'], params: refParams } } as const;
  app.post('/api/v1/rota-rules/:ref/move', { ...rules, schema: { ...rules.schema, summary: 'Move a rule to a position (1 = first)', body: positionSchema } }, async (request) => {
    const { ref } = request.params as { ref: string };
    const body = validate(positionSchema, request.body ?? {});
    if (!body.ok) throw invalid(body.problems);
    return toView(await config.moveRule(ref, body.value.position));
  });
  app.post('/api/v1/rota-rules/:ref/make-final', { ...rules, schema: { ...rules.schema, summary: 'Make this the final rule of the list' } }, async (request) => {
    const { ref } = request.params as { ref: string };
    return toView(await config.makeFinalRule(ref));
  });
}
