// Owns the OpenAPI 3.1 document of the REST API, generated from the route registry and the zod
// schemas the routes validate with: the named DTOs become components.schemas, each route's body
// and response a component of its own unless it is a named DTO, parameters are inlined.
import { z } from 'zod';
import { ROUTES, type RouteSpec } from './registry.ts';
import { NAMED_SCHEMAS } from './schemas.ts';

type JsonSchema = Record<string, unknown>;

const ERROR_TEXT: Record<number, string> = {
  400: 'a parameter or body field is invalid (error.field names it)',
  401: 'no session and no bearer token',
  403: 'the role may not do this, or a cookie session sent no CSRF token',
  404: 'unknown DAG, run, task, pool or alert',
  409: 'the state does not allow it (a run that exists, an alert resolved already)',
  413: 'the body is over 1 MB or holds over 1,000 events',
  429: 'the event bus is over its memory budget: retry after Retry-After seconds',
  503: 'the event bus could not store the events: nothing was accepted, retry after Retry-After seconds',
};

/** A write-key route's 401 and 403 mean something else than a role's. */
const WRITE_KEY_ERROR_TEXT: Record<number, string> = {
  400: 'the body is neither a JSON array nor NDJSON (error.message says why); an invalid event is no 400: it is counted as rejected, with its reason',
  401: 'no write key, or an unknown or disabled one',
  403: 'the page’s Origin is not one the source allows',
};
const WRITE_KEY_SECURITY = [{ writeKey: [] }, { writeKeyHeader: [] }, { writeKeyQuery: [] }];

/** Wire format: what a client sends and receives (a codec's input side, a default's optional). */
function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => {
    const described = jsonSchema(field as z.ZodType);
    const { description, ...fieldSchema } = described;
    return {
      name,
      in: where,
      required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
      ...(typeof description === 'string' ? { description } : {}),
      schema: fieldSchema,
    };
  });
}

export function openApiDocument(): JsonSchema {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(NAMED_SCHEMAS)) registry.add(schema, { id });
  const ref = (schema: z.ZodType, fallbackId: string) => {
    const known = registry.get(schema)?.id;
    if (!known) registry.add(schema, { id: fallbackId });
    return { $ref: `#/components/schemas/${known ?? fallbackId}` };
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of ROUTES) {
    const operation: Record<string, unknown> = {
      operationId: spec.operationId,
      summary: spec.summary,
      'x-weir-permission': spec.permission,
      ...(spec.permission === 'write-key' ? { security: WRITE_KEY_SECURITY } : {}),
      ...(spec.action ? { 'x-weir-audit-action': spec.action } : {}),
      parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')],
      ...(spec.body
        ? {
            requestBody: {
              required: !spec.body.safeParse({}).success,
              content: Object.fromEntries(
                ['application/json', ...(spec.bodyTypes ?? [])].map((type) => [
                  type,
                  { schema: ref(spec.body as z.ZodType, `${spec.operationId}Body`) },
                ]),
              ),
            },
          }
        : {}),
      responses: responses(spec, ref(spec.response, `${spec.operationId}Response`)),
    };
    paths[spec.path] = { ...paths[spec.path], [spec.method.toLowerCase()]: operation };
  }
  const generated = z.toJSONSchema(registry, {
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  const schemas = Object.fromEntries(
    Object.entries(generated.schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Weir REST API',
      version: '1',
      description:
        'Names follow Airflow’s REST API. Lists are paged with limit (default 25, at most 1000) and an ' +
        'opaque cursor (next_cursor), never an offset. Errors are { error: { code, message, field? } }. ' +
        'Authenticate with Authorization: Bearer <token> (POST /api/v1/auth/token, or `weir tokens create`), ' +
        'or with the session cookie plus its CSRF token in x-csrf-token on mutations.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'an API token (weir_…)' },
        session: { type: 'apiKey', in: 'cookie', name: 'weir_session' },
        writeKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'an event source’s write key (wk_…, weir sources create)',
        },
        writeKeyHeader: { type: 'apiKey', in: 'header', name: 'X-Weir-Write-Key' },
        writeKeyQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'writeKey',
          description: 'for navigator.sendBeacon, which cannot set headers (body as text/plain)',
        },
      },
    },
  };
}

function responses(spec: RouteSpec, schema: JsonSchema): Record<string, unknown> {
  const error = { $ref: '#/components/schemas/Error' };
  const out: Record<string, unknown> = {
    [String(spec.status ?? 200)]: {
      description: spec.summary,
      content: { [spec.contentType ?? 'application/json']: { schema } },
    },
  };
  const denied = spec.permission === 'public' ? [] : ([401, 403] as const);
  for (const status of [...spec.errors, ...denied])
    out[String(status)] = {
      description:
        (spec.permission === 'write-key' ? WRITE_KEY_ERROR_TEXT[status] : undefined) ?? ERROR_TEXT[status],
      content: { 'application/json': { schema: error } },
    };
  return out;
}
