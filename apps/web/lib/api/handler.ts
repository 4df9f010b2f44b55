// Owns running one REST API route as its registry entry describes it: who is asking (401/403,
// CSRF), the path, query and body parsed with the route's schemas (400 naming the field), the
// engine's errors as 404/409/400, the answer encoded through the response schema, and the audit
// row every successful mutation writes. Route files only say what the route does.
import { AuthError, audit, isUsageError, type Permission, type Principal } from '@weir/auth';
import { EngineError } from '@weir/engine';
import { isRegistryError } from '@weir/pipeline';
import { z } from 'zod';
import { apiError, badRequest } from '../api-errors.ts';
import { apiPrincipal, clientAddress } from '../auth.ts';
import { services } from '../services.ts';
import type { RouteSpec } from './registry.ts';

type Parsed<S, K extends 'params' | 'query' | 'body'> = S extends { [key in K]: infer T extends z.ZodType }
  ? z.output<T>
  : Record<string, never>;

/** What the audit row of a mutation says besides who, what and from where. */
export interface AuditNote {
  readonly dagId?: string;
  readonly runId?: string;
  readonly taskId?: string;
  readonly details?: Record<string, unknown>;
}

export interface RouteInput<S extends RouteSpec> {
  readonly request: Request;
  readonly principal: Principal;
  readonly params: Parsed<S, 'params'>;
  readonly query: Parsed<S, 'query'>;
  readonly body: Parsed<S, 'body'>;
  /** Mutations: what the audit row records (written once the route has succeeded). */
  note(entry: AuditNote): void;
  /** A call that changed nothing (a dry run) writes no audit row. */
  skipAudit(): void;
}

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

/** Routes behind a session or token (public and write-key routes have no principal to hand a handler). */
type GuardedRoute = RouteSpec & { readonly permission: Permission };

export function handle<S extends GuardedRoute>(
  spec: S,
  run: (input: RouteInput<S>) => Promise<z.output<S['response']>>,
): (request: Request, context: RouteContext) => Promise<Response> {
  return async (request, context) => {
    // (The collector checks write keys itself, lib/collector.ts; health asks nothing.)
    const auth = await apiPrincipal(request, spec.permission);
    if ('response' in auth) return auth.response;
    const params = spec.params ? spec.params.safeParse(await context.params) : undefined;
    if (params && !params.success) return badRequest(params.error);
    const query = spec.query
      ? spec.query.safeParse(Object.fromEntries(new URL(request.url).searchParams))
      : undefined;
    if (query && !query.success) return badRequest(query.error);
    let body: z.ZodSafeParseResult<unknown> | undefined;
    if (spec.body) {
      const text = await request.text();
      let json: unknown = {};
      try {
        if (text.trim() !== '') json = JSON.parse(text);
      } catch {
        return apiError(400, 'invalid_body', 'the body must be JSON', 'body');
      }
      body = spec.body.safeParse(json);
      if (!body.success) return badRequest(body.error);
    }
    let note: AuditNote = {};
    let audited = spec.action !== undefined;
    try {
      const result = await run({
        request,
        principal: auth.principal,
        params: (params?.data ?? {}) as Parsed<S, 'params'>,
        query: (query?.data ?? {}) as Parsed<S, 'query'>,
        body: (body?.data ?? {}) as Parsed<S, 'body'>,
        note(entry) {
          note = entry;
        },
        skipAudit() {
          audited = false;
        },
      });
      if (audited && spec.action)
        await audit(services().sql, {
          actor: auth.principal.username,
          action: spec.action,
          ...note,
          details: { ...note.details, via: auth.principal.via },
          source: clientAddress(request.headers),
        });
      // A stream (Server-Sent Events) is its own response.
      if ((result as unknown) instanceof Response) return result as unknown as Response;
      return Response.json(spec.checkedByReadModel ? result : z.encode(spec.response, result), {
        status: spec.status ?? 200,
        headers: { 'cache-control': 'no-store' },
      });
    } catch (error) {
      const mapped = errorResponse(error);
      if (mapped) return mapped;
      throw error;
    }
  };
}

/** The engine's and auth's refusals as the status that says what went wrong. */
function errorResponse(error: unknown): Response | undefined {
  if (error instanceof ApiFailure) return apiError(error.status, error.code, error.message, error.field);
  if (isRegistryError(error)) {
    switch (error.code) {
      case 'INCOMPATIBLE_SCHEMA': {
        const { rule, path, againstVersion } = error.incompatible ?? {};
        return apiError(409, error.code, error.message, 'schema', { rule, path, againstVersion });
      }
      case 'INVALID_SCHEMA':
        return apiError(400, error.code, error.message, 'schema');
      case 'INVALID_EVENT_TYPE':
        return apiError(400, 'invalid_parameter', error.message, 'eventType');
      case 'INVALID_COMPATIBILITY':
        return apiError(400, 'invalid_parameter', error.message, 'compatibility');
      case 'SCHEMA_NOT_FOUND':
      case 'SCHEMA_VERSION_NOT_FOUND':
        return apiError(404, 'not_found', error.message);
    }
  }
  if (isEngineError(error)) {
    // Messages written for the CLI name its options; the API's parameter is mapIndex.
    const message = error.message.replaceAll('--map-index', 'mapIndex');
    switch (error.code) {
      case 'DAG_NOT_FOUND':
      case 'RUN_NOT_FOUND':
      case 'TASK_NOT_FOUND':
      case 'ALERT_NOT_FOUND':
      case 'ASSET_NOT_FOUND':
      case 'BACKFILL_NOT_FOUND':
      case 'CONNECTION_NOT_FOUND':
      case 'SILENCE_NOT_FOUND':
      case 'VARIABLE_NOT_FOUND':
      case 'POOL_NOT_FOUND':
        return apiError(404, 'not_found', message);
      case 'VARIABLE_EXISTS':
        return apiError(409, 'conflict', message, 'key');
      case 'CONNECTION_EXISTS':
        return apiError(409, 'conflict', message, 'id');
      case 'POOL_IN_USE':
        return apiError(409, 'conflict', message);
      case 'RUN_EXISTS':
      case 'DAG_INACTIVE':
      case 'ALERT_RESOLVED':
      case 'BACKFILL_FINISHED':
        return apiError(409, 'conflict', message);
      case 'INVALID_CONF':
        return apiError(400, 'invalid_parameter', message, 'conf');
      case 'INVALID_POOL':
      case 'INVALID_VARIABLE':
      case 'INVALID_CONNECTION':
      case 'INVALID_SILENCE':
      case 'NO_SCHEDULE':
        return apiError(400, 'invalid_parameter', message);
      default:
        return undefined;
    }
  }
  if (error instanceof AuthError) {
    if (isUsageError(error.code)) return apiError(400, 'invalid_parameter', error.message);
    if (error.code === 'ROLE_ABOVE_OWNER' || error.code === 'FORBIDDEN')
      return apiError(403, 'forbidden', error.message);
    if (error.code.endsWith('_NOT_FOUND')) return apiError(404, 'not_found', error.message);
    if (error.code === 'TOKEN_REVOKED' || error.code === 'LAST_ADMIN')
      return apiError(409, 'conflict', error.message);
    if (error.code === 'USER_EXISTS') return apiError(409, 'conflict', error.message, 'username');
  }
  return undefined;
}

/**
 * The engine's error, also when it comes from another bundle of @weir/engine: the Engine kept in
 * services() may have been made by a page's render (Next.js' SSR layer, its own EngineError
 * class) before a route handler used it, and then `instanceof` is false.
 */
function isEngineError(error: unknown): error is EngineError {
  return (
    error instanceof EngineError ||
    (error instanceof Error &&
      error.name === 'EngineError' &&
      typeof (error as { code?: unknown }).code === 'string')
  );
}

/** A refusal a route decides itself (a try that does not exist, a role too high). */
export class ApiFailure extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
