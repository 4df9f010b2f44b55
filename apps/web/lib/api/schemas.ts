// Owns the REST API's shapes: one zod schema per DTO the API returns or takes. Each gives the
// route's validation (requests are parsed, responses encoded through it), its TypeScript type and
// its OpenAPI entry (openapi.ts), so the three cannot drift. Dates travel as ISO 8601 strings:
// `isoDate` is a codec, so a read model's Date encodes to the string the document describes.
import { ROLES } from '@weir/auth';
import { DAG_RUN_STATES, TASK_INSTANCE_STATES } from '@weir/domain';
import { COMPATIBILITY_MODES, clientEventSchema, collectResultSchema } from '@weir/pipeline';
import { z } from 'zod';

export const isoDate = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (text) => new Date(text),
  encode: (date) => date.toISOString(),
});

const id = z.number().int();
const json = z.unknown();

export const DagRunState = z.enum(DAG_RUN_STATES, {
  message: `must be one of ${DAG_RUN_STATES.join(', ')}`,
});
export const TaskInstanceState = z.enum(TASK_INSTANCE_STATES, {
  message: `must be one of ${TASK_INSTANCE_STATES.join(', ')}`,
});

export const ApiErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional().describe('the parameter or body field at fault'),
    rule: z
      .string()
      .optional()
      .describe(
        'INCOMPATIBLE_SCHEMA: the Confluent compatibility rule broken, e.g. PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
      ),
    path: z
      .string()
      .optional()
      .describe('INCOMPATIBLE_SCHEMA: where in the schema, e.g. #/properties/coupon'),
    againstVersion: z
      .number()
      .int()
      .optional()
      .describe('INCOMPATIBLE_SCHEMA: the version it is incompatible with'),
  }),
});

// ── DAGs ──

export const DagSummary = z.object({
  dagId: z.string(),
  description: z.string().nullable(),
  owner: z.string().nullable(),
  tags: z.array(z.string()),
  isPaused: z.boolean(),
  fileloc: z.string(),
  schedule: z.string().nullable().describe("cron expression or preset, 'on assets', or null"),
  nextRunAt: isoDate.nullable(),
  recentRuns: z.array(z.object({ runId: z.string(), state: z.string(), logicalDate: isoDate })),
});

export const DagTask = z.object({
  taskId: z.string(),
  kind: z.enum(['task', 'sensor', 'branch', 'short_circuit']),
  upstreams: z.array(z.string()),
  downstreams: z.array(z.string()),
  groupId: z.string().nullable(),
  mapped: z.boolean(),
  triggerRule: z.string(),
});

export const DagDetail = z.object({
  dagId: z.string(),
  description: z.string().nullable(),
  owner: z.string().nullable(),
  tags: z.array(z.string()),
  fileloc: z.string(),
  isActive: z.boolean(),
  isPaused: z.boolean(),
  schedule: z.string().nullable(),
  timezone: z.string(),
  catchup: z.boolean(),
  maxActiveRuns: z.number().int(),
  maxActiveTasks: z.number().int(),
  lastParsedAt: isoDate,
  params: z
    .object({ schema: z.record(z.string(), json), defaults: z.record(z.string(), json) })
    .nullable()
    .describe("the JSON Schema a trigger's conf is validated against, with its defaults"),
  tasks: z.array(DagTask).describe('in topological order'),
});

export const ImportError = z.object({
  fileloc: z.string(),
  message: z.string(),
  stackTrace: z.string().nullable(),
  at: isoDate,
});

// ── runs and task instances ──

export const DagRun = z.object({
  id,
  dagId: z.string(),
  runId: z.string(),
  runType: z.enum(['scheduled', 'manual', 'backfill', 'asset_triggered']),
  state: DagRunState,
  logicalDate: isoDate,
  dataIntervalStart: isoDate.nullable(),
  dataIntervalEnd: isoDate.nullable(),
  queuedAt: isoDate,
  startedAt: isoDate.nullable(),
  endedAt: isoDate.nullable(),
  conf: json,
  triggeredBy: z.string().nullable(),
  backfillId: id.nullable(),
});

export const TaskInstance = z.object({
  id,
  dagId: z.string(),
  runId: z.string(),
  taskId: z.string(),
  mapIndex: z.number().int().describe('-1 for a task that is not mapped'),
  state: TaskInstanceState,
  tryNumber: z.number().int(),
  maxTries: z.number().int(),
  queuedAt: isoDate.nullable(),
  startedAt: isoDate.nullable(),
  endedAt: isoDate.nullable(),
  duration: z.number().nullable().describe('seconds the last try ran'),
  hostname: z.string().nullable(),
  pool: z.string(),
  queue: z.string(),
});

export const ClearResult = z.object({
  dryRun: z.boolean(),
  taskInstances: z
    .array(
      z.object({
        taskId: z.string(),
        mapIndex: z.number().int(),
        state: z.string().describe('its state before the clear'),
      }),
    )
    .describe('what was cleared, or with dryRun what would be'),
});

export const LogChunk = z.object({
  tryNumber: z.number().int(),
  lines: z.array(z.object({ at: isoDate, level: z.string(), message: z.string() })),
  continuationToken: z.string().describe('pass as ?token= to read only the lines after these'),
  done: z
    .boolean()
    .describe('the try has ended and every line is read: stop tailing (else ask again in a second)'),
});

export const XCom = z.object({
  key: z.string(),
  value: json.describe("the stored JSON (the SDK's encoding); null when it lives in object storage"),
  objectKey: z.string().nullable(),
  sizeBytes: z.number().int(),
  createdAt: isoDate,
});

// ── pools, variables, connections ──

export const Pool = z.object({
  name: z.string(),
  slots: z.number().int(),
  used: z.number().int().describe('slots taken by queued and running task instances'),
  running: z.number().int().describe('of used: slots taken by running task instances'),
  queued: z.number().int().describe('of used: slots taken by queued task instances'),
  description: z.string().nullable(),
});

export const Variable = z.object({
  key: z.string(),
  value: json.describe("'***' when the key names a secret (secret, password, token, key …)"),
  description: z.string().nullable(),
  updatedAt: isoDate,
});

export const Connection = z.object({
  id: z.string(),
  type: z.string(),
  host: z.string().nullable(),
  port: z.number().int().nullable(),
  login: z.string().nullable(),
  schema: z.string().nullable(),
  hasPassword: z.boolean().describe('passwords and extras are write-only: never returned'),
  hasExtra: z.boolean(),
  description: z.string().nullable(),
});

// ── alerts ──

export const Alert = z.object({
  id,
  kind: z.string(),
  severity: z.string(),
  state: z.enum(['open', 'acknowledged', 'resolved']),
  title: z.string(),
  dagId: z.string().nullable(),
  runId: z.string().nullable(),
  taskId: z.string().nullable(),
  mapIndex: z.number().int().nullable(),
  tryNumber: z.number().int().nullable(),
  occurrences: z.number().int(),
  firstSeenAt: isoDate,
  lastSeenAt: isoDate,
  groupId: id.nullable(),
  parentId: id.nullable(),
  flapping: z.boolean(),
  silenceId: id.nullable(),
  notifiedAt: isoDate.nullable(),
  acknowledgedAt: isoDate.nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: isoDate.nullable(),
  resolvedBy: z.string().nullable(),
  details: z.record(z.string(), json),
});

// ── access ──

export const Role = z.enum(ROLES as [(typeof ROLES)[number], ...(typeof ROLES)[number][]], {
  message: `must be one of ${ROLES.join(', ')}`,
});

export const Session = z.object({
  username: z.string(),
  role: Role,
  via: z.enum(['session', 'token']),
  csrfToken: z.string().optional().describe('send as x-csrf-token on mutations made with the cookie'),
});

export const CreatedToken = z.object({
  id,
  token: z.string().describe('shown this once: Authorization: Bearer <token>'),
  prefix: z.string(),
  role: Role,
  expiresAt: isoDate.nullable(),
});

export const User = z.object({
  id,
  username: z.string(),
  role: Role,
  email: z.string().nullable(),
  isActive: z.boolean().describe('false: cannot sign in, and their tokens do not work'),
  createdAt: isoDate,
  lastLoginAt: isoDate.nullable(),
});

export const ApiToken = z.object({
  id,
  username: z.string().describe('whose token it is'),
  name: z.string(),
  prefix: z.string().describe('the first characters of the token, to tell tokens apart'),
  role: Role,
  createdBy: z.string().nullable(),
  createdAt: isoDate,
  lastUsedAt: isoDate.nullable(),
  expiresAt: isoDate.nullable(),
  revokedAt: isoDate.nullable(),
});

// ── audit log ──

export const AuditLogEntry = z.object({
  id,
  at: isoDate,
  actor: z.string().describe('a username, or the OS user of the CLI'),
  action: z.string().describe('noun.verb: variable.create, dag.trigger …'),
  dagId: z.string().nullable(),
  runId: z.string().nullable(),
  taskId: z.string().nullable(),
  details: z.record(z.string(), json).describe('what changed; never a secret'),
  source: z.string().nullable().describe("the client's address, or 'cli'"),
});

// ── backfills ──

export const BackfillReprocess = z.enum(['none', 'failed', 'completed'], {
  message: 'must be none, failed or completed',
});

export const Backfill = z.object({
  id,
  dagId: z.string(),
  state: z.enum(['running', 'completed', 'cancelled']),
  from: isoDate,
  to: isoDate,
  reprocess: BackfillReprocess,
  maxActiveRuns: z.number().int(),
  createdBy: z.string().nullable(),
  createdAt: isoDate,
  completedAt: isoDate.nullable(),
  cancelledAt: isoDate.nullable(),
  runs: z
    .object({
      total: z.number().int(),
      done: z.number().int().describe('runs that ended, success or failed'),
      byState: z.object({
        queued: z.number().int(),
        running: z.number().int(),
        success: z.number().int(),
        failed: z.number().int(),
      }),
    })
    .describe("the backfill's runs: its progress is done of total"),
});

export const BackfillPlan = z.object({
  dryRun: z.boolean(),
  backfill: Backfill.nullable().describe('the backfill created; null for a dry run'),
  plan: z
    .array(
      z.object({
        logicalDate: isoDate,
        action: z.enum(['create', 'reprocess', 'skip']),
        reason: z.string(),
      }),
    )
    .describe('every interval of the range and what the backfill does with it'),
});

/** The DTOs by the name the OpenAPI document gives them (components.schemas). */
export const NAMED_SCHEMAS = {
  Error: ApiErrorBody,
  ClientEvent: clientEventSchema,
  CollectResult: collectResultSchema,
  DagSummary,
  DagDetail,
  DagTask,
  ImportError,
  DagRun,
  TaskInstance,
  ClearResult,
  LogChunk,
  XCom,
  Pool,
  Variable,
  Connection,
  Alert,
  Session,
  CreatedToken,
  User,
  ApiToken,
  AuditLogEntry,
  Backfill,
  BackfillPlan,
} as const;

// ── assets and silences (issue 13: the assets pages and the alerts page's silences) ──

export const Asset = z.object({
  uri: z.string(),
  name: z.string(),
  group: z.string(),
  producers: z
    .array(z.object({ dagId: z.string(), taskId: z.string() }))
    .describe('tasks whose outlets name it'),
  consumers: z.array(z.string()).describe('DAGs scheduled on it'),
  events: z.number().int(),
  lastEventAt: isoDate.nullable(),
});

export const AssetEvent = z.object({
  id,
  uri: z.string(),
  timestamp: isoDate,
  extra: z.record(z.string(), json),
  source: z
    .object({ dagId: z.string(), runId: z.string(), taskId: z.string(), mapIndex: z.number().int() })
    .nullable()
    .describe('the task instance that produced it; null for an event recorded through the API or CLI'),
  consumedBy: z.array(z.object({ dagId: z.string(), runId: z.string() })).describe('the runs it triggered'),
});

export const Silence = z.object({
  id,
  dagId: z.string(),
  taskId: z.string().nullable().describe('null: the whole DAG, its run-level alerts too'),
  startsAt: isoDate,
  endsAt: isoDate,
  reason: z.string(),
  createdBy: z.string().nullable(),
  active: z.boolean(),
});

const ServiceHealth = z.object({
  ok: z.boolean(),
  latencyMs: z.number().optional(),
  error: z.string().optional(),
  address: z.string().optional().describe('host:port (and database), never a password'),
});
export const HealthReport = z.object({
  status: z.enum(['ok', 'degraded']),
  database: ServiceHealth,
  redis: ServiceHealth.extend({ warning: z.string().optional() }),
  version: z.string(),
});

// ── schema registry (issue 14: versioned JSON Schemas of each event_type's properties) ──

export const CompatibilityMode = z.enum(COMPATIBILITY_MODES, {
  message: `must be one of ${COMPATIBILITY_MODES.join(', ')}`,
});

export const SchemaSubject = z.object({
  eventType: z.string(),
  compatibility: CompatibilityMode,
  versions: z.number().int(),
  latestVersion: z.number().int().nullable().describe('null: a mode is set but no version registered yet'),
  createdAt: isoDate,
  updatedAt: isoDate,
});

export const SchemaVersionSummary = z.object({
  version: z.number().int(),
  fingerprint: z
    .string()
    .describe('sha256 of the canonical JSON (keys sorted): the same schema has the same one'),
  createdAt: isoDate,
  createdBy: z.string().nullable(),
});

export const EventSchemaVersion = SchemaVersionSummary.extend({
  eventType: z.string(),
  schema: z.record(z.string(), json).describe('the JSON Schema (2020-12) of the event’s properties'),
});
