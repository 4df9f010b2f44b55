// Owns the list of REST API routes: each one's method, path, permission, parameter, body and
// response schemas, and the audit action a mutation writes. Route files take their schemas from
// here (through handler.ts) and the OpenAPI document is generated from it (openapi.ts), so the
// document and the code cannot drift; a test checks every route file is listed.
import type { Permission } from '@weir/auth';
import { GridView } from '@weir/engine';
import { COLLECTOR_LIMITS, clientEventSchema, collectResultSchema } from '@weir/pipeline';
import { z } from 'zod';
import { idCursor, runCursor, textCursor } from './cursor.ts';
import {
  Alert,
  ApiToken,
  Asset,
  AssetEvent,
  AuditLogEntry,
  Backfill,
  BackfillPlan,
  BackfillReprocess,
  ClearResult,
  CompatibilityMode,
  Connection,
  CreatedToken,
  DagDetail,
  DagRun,
  DagRunState,
  DagSummary,
  EventSchemaVersion,
  HealthReport,
  ImportError,
  isoDate,
  LogChunk,
  Pool,
  Role,
  SchemaSubject,
  SchemaVersionSummary,
  Session,
  Silence,
  TaskInstance,
  TaskInstanceState,
  User,
  Variable,
  XCom,
} from './schemas.ts';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RouteSpec {
  readonly operationId: string;
  readonly method: Method;
  /** OpenAPI style: `/api/v1/dags/{dagId}`. */
  readonly path: string;
  /**
   * What the caller needs: a role's permission; `public`, nothing (health); `write-key`, an
   * event source's write key (the event collector).
   */
  readonly permission: Permission | 'public' | 'write-key';
  readonly summary: string;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  readonly response: z.ZodType;
  /** 200 unless said. */
  readonly status?: 200 | 201;
  /** application/json unless said (a stream answers text/event-stream, a download text/plain). */
  readonly contentType?: 'text/event-stream' | 'text/plain';
  /** Mutations: the audit log's action (`noun.verb`) a successful call writes. */
  readonly action?: string;
  /** The error statuses it can answer besides 401 and 403. */
  readonly errors: readonly (400 | 404 | 409 | 413 | 429 | 503)[];
  /** Media types the body may come in besides application/json (the collector's NDJSON and beacons). */
  readonly bodyTypes?: readonly string[];
  /**
   * The answer is already in its wire form, checked against this response schema by the read
   * model that built it (the grid: 25,000 cells, where encoding them again cost ~40 ms): sent as
   * it is instead of encoded a second time. The schema still documents it.
   */
  readonly checkedByReadModel?: true;
}

const route = <const S extends RouteSpec>(spec: S): S => spec;

// ── parameters ──

const name = (what: string) =>
  z
    .string()
    .min(1)
    .max(250)
    .regex(/^[A-Za-z0-9_.\-:+]+$/, { message: `is not a ${what}` });
const DagParams = z.object({ dagId: name('DAG id') });
const RunParams = DagParams.extend({ runId: z.string().min(1).max(250) });
const TaskParams = RunParams.extend({ taskId: name('task id') });
const LogParams = TaskParams.extend({
  tryNumber: z.coerce.number({ message: 'must be a number' }).int().min(1, { message: 'must be 1 or more' }),
});
const PoolParams = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,250}$/, {
    message: "use 1 to 250 letters, digits, '_', '-' or '.'",
  }),
});
const AlertParams = z.object({
  id: z.coerce.number({ message: 'must be a positive whole number' }).int().positive({
    message: 'must be a positive whole number',
  }),
});

const keyName = (what: string) =>
  z.string().regex(/^[A-Za-z0-9_.-]{1,250}$/, {
    message: `is not a ${what}: use 1 to 250 letters, digits, '_', '-' or '.'`,
  });
const VariableParams = z.object({ key: keyName('variable key') });
const ConnectionParams = z.object({ connId: keyName('connection id') });
const UserParams = z.object({ username: z.string().min(1).max(64) });
const TokenParams = z.object({
  id: z.coerce.number({ message: 'must be a positive whole number' }).int().positive({
    message: 'must be a positive whole number',
  }),
});
const EventTypeParams = z.object({
  eventType: z
    .string()
    .min(1, { message: 'is required: the event_type' })
    .max(200, { message: 'must be at most 200 characters' }),
});
const SchemaVersionParams = EventTypeParams.extend({
  version: z
    .union([
      z.literal('latest'),
      z.coerce.number({ message: "must be a version number or 'latest'" }).int().positive({
        message: "must be a version number or 'latest'",
      }),
    ])
    .describe("a version number, or 'latest'"),
});
const description = z.string().max(1000, { message: 'must be at most 1000 characters' }).nullable();
const nullableText = (max: number) =>
  z
    .string()
    .max(max, { message: `must be at most ${max} characters` })
    .nullable();
const port = z
  .number({ message: 'must be a number' })
  .int({ message: 'must be a whole number' })
  .min(1, { message: 'must be a port (1–65535)' })
  .max(65535, { message: 'must be a port (1–65535)' })
  .nullable();
const jsonObject = z.record(z.string(), z.unknown(), { message: 'must be a JSON object' });
const ConnectionEdit = z.object({
  type: z.string().regex(/^[A-Za-z][A-Za-z0-9_+.-]{0,99}$/, {
    message: 'must be a connection type such as postgres, http or aws',
  }),
  host: nullableText(500),
  port,
  login: nullableText(500),
  schema: nullableText(500),
  description,
  password: z
    .string()
    .min(1, { message: 'must not be empty (send null to remove the password)' })
    .max(10_000)
    .nullable()
    .describe('write-only: never returned; null removes it'),
  extra: jsonObject.nullable().describe('write-only (it may hold secrets): never returned; null removes it'),
});
const Deleted = (key: string) => z.object({ [key]: z.string(), deleted: z.literal(true) });

const limit = z.coerce
  .number({ message: 'must be a number' })
  .int({ message: 'must be a whole number' })
  .min(1, { message: 'must be 1 to 1000' })
  .max(1000, { message: 'must be 1 to 1000' })
  .default(25);
const mapIndex = z.coerce
  .number({ message: 'must be a number' })
  .int()
  .min(-1, { message: 'must be -1 or more' })
  .optional()
  .describe("a mapped task's instance");
const page = <T extends z.ZodType>(key: string, item: T) =>
  z.object({
    [key]: z.array(item),
    total_entries: z.number().int(),
    next_cursor: z.string().nullable().describe('pass as ?cursor= for the next page; null on the last'),
  });

const GridQuery = z.object({
  limit: z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be a whole number' })
    .min(1, { message: 'must be 1 to 100' })
    .max(100, { message: 'must be 1 to 100' })
    .default(25)
    .describe('runs per page'),
  before: runCursor.optional().describe('next_cursor of the previous page: the runs older than it'),
  expand: z
    .string()
    .max(2000)
    .regex(/^[A-Za-z0-9_.\-:+]+(,[A-Za-z0-9_.\-:+]+)*$/, { message: 'must be task ids separated by commas' })
    .transform((text) => text.split(','))
    .optional()
    .describe('mapped task ids, separated by commas, whose instances to list'),
});

const RunListQuery = z.object({
  state: DagRunState.optional(),
  run_type: z
    .enum(['scheduled', 'manual', 'backfill', 'asset_triggered'], {
      message: 'must be scheduled, manual, backfill or asset_triggered',
    })
    .optional(),
  logical_date_gte: isoDate.optional().describe('runs whose logical date is at or after this'),
  logical_date_lt: isoDate.optional().describe('runs whose logical date is before this'),
  limit,
  cursor: runCursor.optional(),
});
const BackfillParams = z.object({
  id: z.coerce.number({ message: 'must be a positive whole number' }).int().positive({
    message: 'must be a positive whole number',
  }),
});

// ── routes ──

export const routes = {
  getOpenApi: route({
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/api/v1/openapi.json',
    permission: 'read',
    summary: 'This document (OpenAPI 3.1)',
    response: z.record(z.string(), z.unknown()),
    errors: [],
  }),
  getSession: route({
    operationId: 'getSession',
    method: 'GET',
    path: '/api/v1/auth/session',
    permission: 'read',
    summary: 'Who is signed in, with which role, and the CSRF token of a cookie session',
    response: Session,
    errors: [],
  }),
  createToken: route({
    operationId: 'createToken',
    method: 'POST',
    path: '/api/v1/auth/token',
    permission: 'read',
    summary: 'Create an API token for the caller (role at most the caller’s); shown once',
    body: z.object({
      name: z.string().trim().min(1).max(100).describe('what the token is for'),
      role: Role.optional().describe('default: the caller’s role'),
      expiresAt: isoDate.optional(),
    }),
    response: CreatedToken,
    status: 201,
    action: 'token.create',
    errors: [400],
  }),
  streamEvents: route({
    operationId: 'streamEvents',
    method: 'GET',
    path: '/api/v1/events',
    permission: 'read',
    summary: 'Server-Sent Events: `change` (data { token }) when a run, task instance or incident changed',
    response: z.string().describe('an event stream: `event: change` / `data: {"token":"…"}`, keepalives'),
    contentType: 'text/event-stream',
    errors: [],
  }),
  collectEvents: route({
    operationId: 'collectEvents',
    method: 'POST',
    path: '/api/v1/events',
    permission: 'write-key',
    summary:
      `The event collector: a JSON array or NDJSON of events (at most ${COLLECTOR_LIMITS.maxEvents} and 1 MB; ` +
      'each at most 32 KB), authenticated by a source’s write key. Answered once every event is on the event bus ' +
      '(accepted) or in the dead-letter log (rejected, with its reason); 503 when the bus could not store them',
    body: z.array(clientEventSchema).max(COLLECTOR_LIMITS.maxEvents),
    bodyTypes: ['application/x-ndjson', 'text/plain'],
    response: collectResultSchema,
    errors: [400, 413, 429, 503],
  }),
  listDags: route({
    operationId: 'listDags',
    method: 'GET',
    path: '/api/v1/dags',
    permission: 'read',
    summary: 'Active DAGs, by id, with their latest runs',
    query: z.object({
      search: z.string().max(200).optional(),
      tag: z.string().max(200).optional(),
      paused: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
    }),
    response: z.object({ dags: z.array(DagSummary), total_entries: z.number().int() }),
    errors: [400],
  }),
  getDag: route({
    operationId: 'getDag',
    method: 'GET',
    path: '/api/v1/dags/{dagId}',
    permission: 'read',
    summary: 'One DAG: schedule, params, tasks',
    params: DagParams,
    response: DagDetail,
    errors: [400, 404],
  }),
  patchDag: route({
    operationId: 'patchDag',
    method: 'PATCH',
    path: '/api/v1/dags/{dagId}',
    permission: 'run.operate',
    summary: 'Pause or unpause a DAG',
    params: DagParams,
    body: z.object({ isPaused: z.boolean({ message: 'must be true or false' }) }),
    response: DagDetail,
    action: 'dag.pause',
    errors: [400, 404],
  }),
  listDagRuns: route({
    operationId: 'listDagRuns',
    method: 'GET',
    path: '/api/v1/dags/{dagId}/dagRuns',
    permission: 'read',
    summary: "A DAG's runs, newest logical date first, paged by cursor",
    params: DagParams,
    query: RunListQuery,
    response: page('dagRuns', DagRun),
    errors: [400, 404],
  }),
  getDagGrid: route({
    operationId: 'getDagGrid',
    method: 'GET',
    path: '/api/v1/dags/{dagId}/grid',
    permission: 'read',
    summary:
      "The DAG's grid: a page of runs (newest first) × its tasks in topological order, mapped tasks as one cell with counts per state",
    params: DagParams,
    query: GridQuery,
    response: GridView.extend({
      next_cursor: z.string().nullable().describe('pass as ?before= for older runs; null on the oldest page'),
    }),
    checkedByReadModel: true,
    errors: [400, 404],
  }),
  triggerDagRun: route({
    operationId: 'triggerDagRun',
    method: 'POST',
    path: '/api/v1/dags/{dagId}/dagRuns',
    permission: 'run.operate',
    summary: "Trigger a run; conf is validated against the DAG's params",
    params: DagParams,
    body: z.object({
      conf: z.record(z.string(), z.unknown(), { message: 'must be a JSON object' }).optional(),
      logicalDate: isoDate.optional().describe('default: now'),
    }),
    response: DagRun,
    status: 201,
    action: 'dag.trigger',
    errors: [400, 404, 409],
  }),
  getDagRun: route({
    operationId: 'getDagRun',
    method: 'GET',
    path: '/api/v1/dags/{dagId}/dagRuns/{runId}',
    permission: 'read',
    summary: 'One run',
    params: RunParams,
    response: DagRun,
    errors: [400, 404],
  }),
  markDagRun: route({
    operationId: 'markDagRun',
    method: 'PATCH',
    path: '/api/v1/dags/{dagId}/dagRuns/{runId}',
    permission: 'run.operate',
    summary: 'Mark a run success or failed (its unfinished task instances too)',
    params: RunParams,
    body: z.object({ state: z.enum(['success', 'failed'], { message: 'must be success or failed' }) }),
    response: DagRun,
    action: 'run.mark',
    errors: [400, 404],
  }),
  clearDagRun: route({
    operationId: 'clearDagRun',
    method: 'POST',
    path: '/api/v1/dags/{dagId}/dagRuns/{runId}/clear',
    permission: 'run.operate',
    summary: 'Clear task instances so they run again; a dry run (the default) only lists them',
    params: RunParams,
    body: z.object({
      dryRun: z.boolean({ message: 'must be true or false' }).default(true),
      taskIds: z.array(name('task id')).min(1).optional().describe('default: every task'),
      downstream: z.boolean({ message: 'must be true or false' }).default(false),
      upstream: z.boolean({ message: 'must be true or false' }).default(false),
      onlyFailed: z.boolean({ message: 'must be true or false' }).default(false),
    }),
    response: ClearResult,
    action: 'run.clear',
    errors: [400, 404],
  }),
  listRunTaskInstances: route({
    operationId: 'listRunTaskInstances',
    method: 'GET',
    path: '/api/v1/dags/{dagId}/dagRuns/{runId}/taskInstances',
    permission: 'read',
    summary: "A run's task instances, in topological order (then map index)",
    params: RunParams,
    response: z.object({ taskInstances: z.array(TaskInstance), total_entries: z.number().int() }),
    errors: [400, 404],
  }),
  getTaskInstance: route({
    operationId: 'getTaskInstance',
    method: 'GET',
    path: '/api/v1/dags/{dagId}/dagRuns/{runId}/taskInstances/{taskId}',
    permission: 'read',
    summary: 'One task instance (a mapped one needs mapIndex)',
    params: TaskParams,
    query: z.object({ mapIndex }),
    response: TaskInstance,
    errors: [400, 404],
  }),
  getTaskLogs: route({
    operationId: 'getTaskLogs',
    method: 'GET',
    path: '/api/v1/dags/{dagId}/dagRuns/{runId}/taskInstances/{taskId}/logs/{tryNumber}',
    permission: 'read',
    summary: "One try's log lines after the continuation token; done once the try has ended",
    params: LogParams,
    query: z.object({
      mapIndex,
      token: z
        .string()
        .regex(/^\d{1,19}$/, { message: 'is not a continuation token this API returned' })
        .optional()
        .describe('continuationToken of the previous answer'),
      limit: z.coerce
        .number({ message: 'must be a number' })
        .int()
        .min(1, { message: 'must be 1 to 10000' })
        .max(10_000, { message: 'must be 1 to 10000' })
        .default(5000),
    }),
    response: LogChunk,
    errors: [400, 404],
  }),
  downloadTaskLogs: route({
    operationId: 'downloadTaskLogs',
    method: 'GET',
    path: '/api/v1/dags/{dagId}/dagRuns/{runId}/taskInstances/{taskId}/logs/{tryNumber}/download',
    permission: 'read',
    summary: "One try's whole log as a text file, streamed (one `instant STREAM message` line per line)",
    params: LogParams,
    query: z.object({ mapIndex }),
    response: z.string().describe('text/plain; an attachment named after the DAG, run, task and try'),
    contentType: 'text/plain',
    errors: [400, 404],
  }),
  getTaskXCom: route({
    operationId: 'getTaskXCom',
    method: 'GET',
    path: '/api/v1/dags/{dagId}/dagRuns/{runId}/taskInstances/{taskId}/xcom',
    permission: 'read',
    summary: "The task instance's return value",
    params: TaskParams,
    query: z.object({ mapIndex }),
    response: XCom,
    errors: [400, 404],
  }),
  listAllDagRuns: route({
    operationId: 'listAllDagRuns',
    method: 'GET',
    path: '/api/v1/dagRuns',
    permission: 'read',
    summary: 'Runs across DAGs, newest logical date first, paged by cursor',
    query: RunListQuery.extend({ dag_id: name('DAG id').optional() }),
    response: page('dagRuns', DagRun),
    errors: [400],
  }),
  listAllTaskInstances: route({
    operationId: 'listAllTaskInstances',
    method: 'GET',
    path: '/api/v1/taskInstances',
    permission: 'read',
    summary: 'Task instances across runs and DAGs, newest first, paged by cursor',
    query: z.object({
      dag_id: name('DAG id').optional(),
      state: TaskInstanceState.optional(),
      limit,
      cursor: idCursor.optional(),
    }),
    response: page('taskInstances', TaskInstance),
    errors: [400],
  }),
  listBackfills: route({
    operationId: 'listBackfills',
    method: 'GET',
    path: '/api/v1/backfills',
    permission: 'read',
    summary: 'Backfills, newest first, with their runs’ progress, paged by cursor',
    query: z.object({ dag_id: name('DAG id').optional(), limit, cursor: idCursor.optional() }),
    response: page('backfills', Backfill),
    errors: [400],
  }),
  createBackfill: route({
    operationId: 'createBackfill',
    method: 'POST',
    path: '/api/v1/backfills',
    permission: 'run.operate',
    summary:
      'Backfill a DAG over a date range (runs for every interval); dryRun only returns the plan, as `weir dags backfill --dry-run` prints it',
    body: z
      .object({
        dagId: name('DAG id'),
        from: isoDate.describe('the first logical date (inclusive)'),
        to: isoDate.describe('the last logical date (inclusive)'),
        reprocess: BackfillReprocess.default('none').describe(
          'intervals that have a finished run: none leaves them, failed re-runs failed ones, completed re-runs all',
        ),
        maxActiveRuns: z
          .number({ message: 'must be a number' })
          .int({ message: 'must be a whole number' })
          .min(1, { message: 'must be 1 to 1000' })
          .max(1000, { message: 'must be 1 to 1000' })
          .default(10),
        dryRun: z.boolean({ message: 'must be true or false' }).default(false),
      })
      // Zod runs an object's refinement even when a field failed: compare only two dates.
      .refine(
        (b) => !(b.from instanceof Date && b.to instanceof Date) || b.from.getTime() <= b.to.getTime(),
        {
          message: 'must not be before from',
          path: ['to'],
        },
      ),
    response: BackfillPlan,
    status: 201,
    action: 'backfill.create',
    errors: [400, 404],
  }),
  getBackfill: route({
    operationId: 'getBackfill',
    method: 'GET',
    path: '/api/v1/backfills/{id}',
    permission: 'read',
    summary: 'One backfill with its progress',
    params: BackfillParams,
    response: Backfill,
    errors: [400, 404],
  }),
  cancelBackfill: route({
    operationId: 'cancelBackfill',
    method: 'POST',
    path: '/api/v1/backfills/{id}/cancel',
    permission: 'run.operate',
    summary: 'Cancel a running backfill: runs not yet started are marked failed, running ones finish',
    params: BackfillParams,
    response: Backfill,
    action: 'backfill.cancel',
    errors: [400, 404, 409],
  }),
  getHealth: route({
    operationId: 'getHealth',
    method: 'GET',
    path: '/api/v1/health',
    permission: 'public',
    summary: 'Whether PostgreSQL and Redis answer (503 when either does not); the same as /api/health',
    response: HealthReport,
    errors: [],
  }),
  listImportErrors: route({
    operationId: 'listImportErrors',
    method: 'GET',
    path: '/api/v1/importErrors',
    permission: 'read',
    summary: 'DAG files that failed to import, by path',
    response: z.object({ importErrors: z.array(ImportError), total_entries: z.number().int() }),
    errors: [],
  }),
  listPools: route({
    operationId: 'listPools',
    method: 'GET',
    path: '/api/v1/pools',
    permission: 'read',
    summary: 'Pools with their slots and how many are in use',
    response: z.object({ pools: z.array(Pool), total_entries: z.number().int() }),
    errors: [],
  }),
  putPool: route({
    operationId: 'putPool',
    method: 'PUT',
    path: '/api/v1/pools/{name}',
    permission: 'pool.manage',
    summary: 'Create a pool or change its slots',
    params: PoolParams,
    body: z.object({
      slots: z.number({ message: 'must be a number' }).int({ message: 'must be a whole number' }).min(0, {
        message: 'must be 0 or more',
      }),
      description: z.string().max(1000).optional(),
    }),
    response: Pool,
    action: 'pool.set',
    errors: [400],
  }),
  deletePool: route({
    operationId: 'deletePool',
    method: 'DELETE',
    path: '/api/v1/pools/{name}',
    permission: 'pool.manage',
    summary: 'Delete a pool (not the default pool, nor one that queued or running tasks use)',
    params: PoolParams,
    response: Deleted('name'),
    action: 'pool.delete',
    errors: [400, 404, 409],
  }),
  listVariables: route({
    operationId: 'listVariables',
    method: 'GET',
    path: '/api/v1/variables',
    permission: 'read',
    summary: "Variables; a value whose key names a secret is shown as '***'",
    response: z.object({ variables: z.array(Variable), total_entries: z.number().int() }),
    errors: [],
  }),
  createVariable: route({
    operationId: 'createVariable',
    method: 'POST',
    path: '/api/v1/variables',
    permission: 'secret.manage',
    summary: 'Create a variable; a value whose key names a secret is write-only from then on',
    body: z.object({
      key: keyName('variable key'),
      value: z
        .unknown()
        .refine((v) => v !== undefined, { message: 'is required (any JSON value)' })
        .describe('any JSON value'),
      description: description.optional(),
    }),
    response: Variable,
    status: 201,
    action: 'variable.create',
    errors: [400, 409],
  }),
  patchVariable: route({
    operationId: 'patchVariable',
    method: 'PATCH',
    path: '/api/v1/variables/{key}',
    permission: 'secret.manage',
    summary: 'Change a variable’s value or description (what is left out stays)',
    params: VariableParams,
    body: z.object({
      value: z.unknown().optional().describe('any JSON value; left out: unchanged'),
      description: description.optional(),
    }),
    response: Variable,
    action: 'variable.update',
    errors: [400, 404],
  }),
  deleteVariable: route({
    operationId: 'deleteVariable',
    method: 'DELETE',
    path: '/api/v1/variables/{key}',
    permission: 'secret.manage',
    summary: 'Delete a variable',
    params: VariableParams,
    response: Deleted('key'),
    action: 'variable.delete',
    errors: [400, 404],
  }),
  listConnections: route({
    operationId: 'listConnections',
    method: 'GET',
    path: '/api/v1/connections',
    permission: 'secret.manage',
    summary: 'Connections, without their passwords or extras',
    response: z.object({ connections: z.array(Connection), total_entries: z.number().int() }),
    errors: [],
  }),
  createConnection: route({
    operationId: 'createConnection',
    method: 'POST',
    path: '/api/v1/connections',
    permission: 'secret.manage',
    summary: 'Create a connection; its password and extra are sealed and never returned',
    body: ConnectionEdit.partial()
      .extend({ id: keyName('connection id'), type: ConnectionEdit.shape.type })
      .describe('fields left out are empty'),
    response: Connection,
    status: 201,
    action: 'connection.create',
    errors: [400, 409],
  }),
  patchConnection: route({
    operationId: 'patchConnection',
    method: 'PATCH',
    path: '/api/v1/connections/{connId}',
    permission: 'secret.manage',
    summary: 'Change a connection: fields left out stay (a password left out is kept), null clears',
    params: ConnectionParams,
    body: ConnectionEdit.partial(),
    response: Connection,
    action: 'connection.update',
    errors: [400, 404],
  }),
  deleteConnection: route({
    operationId: 'deleteConnection',
    method: 'DELETE',
    path: '/api/v1/connections/{connId}',
    permission: 'secret.manage',
    summary: 'Delete a connection',
    params: ConnectionParams,
    response: Deleted('connId'),
    action: 'connection.delete',
    errors: [400, 404],
  }),
  listAuditLog: route({
    operationId: 'listAuditLog',
    method: 'GET',
    path: '/api/v1/auditLog',
    permission: 'read',
    summary: 'Who did what, when and from where, newest first, paged by cursor',
    query: z.object({
      actor: z.string().min(1).max(200).optional(),
      action: z
        .string()
        .regex(/^[a-z_]+(\.[a-z_]+)?$/, { message: 'must be noun.verb (dag.trigger) or a noun (dag)' })
        .optional()
        .describe('noun.verb, or a noun alone for all its verbs'),
      limit,
      cursor: idCursor.optional(),
    }),
    response: page('auditLog', AuditLogEntry),
    errors: [400],
  }),
  listUsers: route({
    operationId: 'listUsers',
    method: 'GET',
    path: '/api/v1/users',
    permission: 'user.manage',
    summary: 'Users with their role, whether they may sign in, and their last login',
    response: z.object({ users: z.array(User), total_entries: z.number().int() }),
    errors: [],
  }),
  createUser: route({
    operationId: 'createUser',
    method: 'POST',
    path: '/api/v1/users',
    permission: 'user.manage',
    summary: 'Create a user with a role',
    body: z.object({
      username: z.string().min(1).max(64),
      password: z.string().min(1).max(1000).describe('write-only; checked for strength'),
      role: Role,
      email: z.string().max(320).nullable().optional(),
    }),
    response: User,
    status: 201,
    action: 'user.create',
    errors: [400, 409],
  }),
  patchUser: route({
    operationId: 'patchUser',
    method: 'PATCH',
    path: '/api/v1/users/{username}',
    permission: 'user.manage',
    summary: 'Change a user’s role, or deactivate / reactivate them (ends their sessions)',
    params: UserParams,
    body: z.object({
      role: Role.optional(),
      isActive: z.boolean({ message: 'must be true or false' }).optional(),
    }),
    response: User,
    action: 'user.update',
    errors: [400, 404, 409],
  }),
  listTokens: route({
    operationId: 'listTokens',
    method: 'GET',
    path: '/api/v1/auth/tokens',
    permission: 'read',
    summary: 'The caller’s API tokens (an admin’s: everyone’s), newest first; never the token itself',
    response: z.object({ tokens: z.array(ApiToken), total_entries: z.number().int() }),
    errors: [],
  }),
  revokeToken: route({
    operationId: 'revokeToken',
    method: 'DELETE',
    path: '/api/v1/auth/tokens/{id}',
    permission: 'read',
    summary: 'Revoke an API token (the caller’s own; an admin any): it stops working at once',
    params: TokenParams,
    response: ApiToken,
    action: 'token.revoke',
    errors: [400, 404, 409],
  }),
  listAlerts: route({
    operationId: 'listAlerts',
    method: 'GET',
    path: '/api/v1/alerts',
    permission: 'read',
    summary: 'Incidents, the latest seen first',
    query: z.object({
      state: z
        .enum(['open', 'acknowledged', 'resolved'], { message: 'must be open, acknowledged or resolved' })
        .optional(),
      dag_id: z.string().max(250).optional(),
      limit,
    }),
    response: z.object({ alerts: z.array(Alert) }),
    errors: [400],
  }),
  acknowledgeAlert: route({
    operationId: 'acknowledgeAlert',
    method: 'POST',
    path: '/api/v1/alerts/{id}/acknowledge',
    permission: 'alert.operate',
    summary: 'Acknowledge an incident (and its group): stops repeats, tells PagerDuty',
    params: AlertParams,
    response: z.object({ alertId: z.number().int(), acknowledged: z.number().int() }),
    action: 'alert.acknowledge',
    errors: [400, 404, 409],
  }),
  resolveAlert: route({
    operationId: 'resolveAlert',
    method: 'POST',
    path: '/api/v1/alerts/{id}/resolve',
    permission: 'alert.operate',
    summary: 'Resolve an incident by hand',
    params: AlertParams,
    response: Alert,
    action: 'alert.resolve',
    errors: [400, 404, 409],
  }),
  // ── assets and silences (issue 13) ──
  listAssets: route({
    operationId: 'listAssets',
    method: 'GET',
    path: '/api/v1/assets',
    permission: 'read',
    summary: 'Assets by uri, with the tasks that update them and the DAGs scheduled on them, paged by cursor',
    query: z.object({
      search: z.string().max(200).optional().describe('only assets whose uri or name contains this'),
      limit,
      cursor: textCursor.optional(),
    }),
    response: page('assets', Asset),
    errors: [400],
  }),
  listAssetEvents: route({
    operationId: 'listAssetEvents',
    method: 'GET',
    path: '/api/v1/assets/events',
    permission: 'read',
    summary: "An asset's events, newest first, with the runs each triggered, paged by cursor",
    query: z.object({
      uri: z
        .string({ message: 'is required: the asset uri' })
        .min(1, { message: 'is required: the asset uri' })
        .max(2000),
      limit,
      cursor: idCursor.optional(),
    }),
    response: page('assetEvents', AssetEvent),
    errors: [400, 404],
  }),
  createAssetEvent: route({
    operationId: 'createAssetEvent',
    method: 'POST',
    path: '/api/v1/assets/events',
    permission: 'run.operate',
    summary:
      'Record an update of an asset made outside Weir; DAGs scheduled on it run when due (as `weir assets touch`)',
    body: z.object({
      uri: z
        .string({ message: 'is required: the asset uri' })
        .min(1, { message: 'is required: the asset uri' })
        .max(2000),
      extra: z.record(z.string(), z.unknown(), { message: 'must be a JSON object' }).optional(),
    }),
    response: z.object({
      assetEvent: AssetEvent,
      createdRuns: z
        .array(z.object({ dagId: z.string(), runId: z.string() }))
        .describe('asset-triggered runs it started'),
    }),
    status: 201,
    action: 'asset.event',
    errors: [400, 404],
  }),
  listSilences: route({
    operationId: 'listSilences',
    method: 'GET',
    path: '/api/v1/silences',
    permission: 'read',
    summary: 'Alert silences in force (with all=true also those that ended), newest first, paged by cursor',
    query: z.object({
      all: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
      limit,
      cursor: idCursor.optional(),
    }),
    response: page('silences', Silence),
    errors: [400],
  }),
  createSilence: route({
    operationId: 'createSilence',
    method: 'POST',
    path: '/api/v1/silences',
    permission: 'alert.operate',
    summary: 'Hold back notifications of a DAG (or one task) for a while; incidents are still recorded',
    body: z.object({
      dagId: name('DAG id'),
      taskId: name('task id').optional().describe('default: the whole DAG, runs included'),
      duration: z
        .string({ message: "is required: how long, as '2h', '30m' or '1d'" })
        .min(1, { message: "is required: how long, as '2h', '30m' or '1d'" })
        .max(50),
      reason: z
        .string({ message: 'is required: why, for whoever wonders where the alerts went' })
        .trim()
        .min(1, { message: 'is required: why, for whoever wonders where the alerts went' })
        .max(1000),
    }),
    response: Silence,
    status: 201,
    action: 'silence.create',
    errors: [400, 404],
  }),
  endSilence: route({
    operationId: 'endSilence',
    method: 'POST',
    path: '/api/v1/silences/{id}/end',
    permission: 'alert.operate',
    summary: 'End a silence now; incidents it held back and still open are notified',
    params: AlertParams,
    response: Silence,
    action: 'silence.end',
    errors: [400, 404],
  }),
  // ── schema registry (issue 14) ──
  listSchemas: route({
    operationId: 'listSchemas',
    method: 'GET',
    path: '/api/v1/schemas',
    permission: 'read',
    summary: 'Event types with registered schemas: their compatibility mode and versions',
    response: z.object({ schemas: z.array(SchemaSubject), total_entries: z.number().int() }),
    errors: [],
  }),
  getSchema: route({
    operationId: 'getSchema',
    method: 'GET',
    path: '/api/v1/schemas/{eventType}',
    permission: 'read',
    summary: "An event type's compatibility mode, its versions (oldest first) and its latest schema",
    params: EventTypeParams,
    response: z.object({
      eventType: z.string(),
      compatibility: CompatibilityMode,
      versions: z.array(SchemaVersionSummary),
      latest: EventSchemaVersion.nullable().describe('null: a mode is set but no version registered yet'),
    }),
    errors: [400, 404],
  }),
  getSchemaVersion: route({
    operationId: 'getSchemaVersion',
    method: 'GET',
    path: '/api/v1/schemas/{eventType}/versions/{version}',
    permission: 'read',
    summary: "One version of an event type's properties schema ('latest' for the newest)",
    params: SchemaVersionParams,
    response: EventSchemaVersion,
    errors: [400, 404],
  }),
  registerSchema: route({
    operationId: 'registerSchema',
    method: 'POST',
    path: '/api/v1/schemas/{eventType}/versions',
    permission: 'schema.register',
    summary:
      "Register a JSON Schema (2020-12) of the event type's properties as its next version: 400 INVALID_SCHEMA when it is not one, 409 INCOMPATIBLE_SCHEMA (with the rule and path) when it breaks the compatibility mode; the same schema again answers its existing version (created: false)",
    params: EventTypeParams,
    body: z.object({
      schema: z.record(z.string(), z.unknown(), { message: 'is required: a JSON Schema object' }),
      compatibility: CompatibilityMode.optional().describe(
        "sets the event type's mode first (admins only; kept only when the version is registered)",
      ),
    }),
    response: z.object({
      version: EventSchemaVersion,
      created: z.boolean().describe('false: the same schema was already this version'),
      compatibility: CompatibilityMode,
    }),
    action: 'schema.register',
    errors: [400, 404, 409],
  }),
  putSchemaCompatibility: route({
    operationId: 'putSchemaCompatibility',
    method: 'PUT',
    path: '/api/v1/schemas/{eventType}/compatibility',
    permission: 'schema.manage',
    summary: "Set an event type's compatibility mode (BACKWARD by default), also before its first version",
    params: EventTypeParams,
    body: z.object({ compatibility: CompatibilityMode }),
    response: z.object({ eventType: z.string(), compatibility: CompatibilityMode }),
    action: 'schema.compatibility',
    errors: [400],
  }),
} as const satisfies Record<string, RouteSpec>;

export const ROUTES: readonly RouteSpec[] = Object.values(routes);
