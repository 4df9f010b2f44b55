// Owns turning a DAG definition into its serialized form (plain JSON, no functions).
import { z } from 'zod';
import { serializeAlerts } from './alerts.ts';
import { type Asset, isAsset, isAssetCondition, serializeAsset, serializeAssetCondition } from './asset.ts';
import {
  type Dag,
  type DagOptions,
  stripUndefined,
  type TaskDefaults,
  type TaskDefinition,
  type TaskMapping,
} from './dag.ts';
import { serializeDeadline } from './deadline.ts';
import { parseDuration } from './duration.ts';
import { serializeSensor } from './sensor.ts';
import {
  DAG_CALLBACKS,
  type JsonSchema,
  SERIALIZATION_VERSION,
  type SerializedDag,
  type SerializedMapping,
  type SerializedTask,
  TASK_CALLBACKS,
} from './serialized.ts';
import { isValidTimeZone, toInstant } from './zoned-time.ts';

export const DEFAULTS = {
  retries: 0,
  retryDelayMs: 300_000,
  pool: 'default',
  queue: 'default',
  maxActiveRuns: 16,
  maxActiveTasks: 16,
  timezone: 'UTC',
} as const;

/** Throws a TypeError naming the DAG, the task and the field for any invalid option. */
export function serializeDag(dag: Dag): SerializedDag {
  const o = dag.options;
  const timezone = o.timezone ?? DEFAULTS.timezone;
  const where = `DAG "${dag.dagId}"`;
  if (!isValidTimeZone(timezone))
    throw new TypeError(`${where}: timezone "${timezone}" is not an IANA time zone`);
  const positiveInt = (value: number | undefined, field: string, fallback: number) => {
    const v = value ?? fallback;
    if (!Number.isInteger(v) || v < 1)
      throw new TypeError(`${where}: ${field} must be a positive integer, got ${v}`);
    return v;
  };
  return {
    version: SERIALIZATION_VERSION,
    dagId: dag.dagId,
    description: o.description ?? null,
    owner: o.owner ?? null,
    tags: [...(o.tags ?? [])],
    ...serializeSchedule(o.schedule, where),
    timezone,
    startDate:
      o.startDate === undefined
        ? null
        : toInstant(o.startDate, timezone, `${where}: startDate`).toISOString(),
    endDate:
      o.endDate === undefined ? null : toInstant(o.endDate, timezone, `${where}: endDate`).toISOString(),
    catchup: o.catchup ?? false,
    pausedAtCreation: o.pausedAtCreation ?? null,
    maxActiveRuns: positiveInt(o.maxActiveRuns, 'maxActiveRuns', DEFAULTS.maxActiveRuns),
    maxActiveTasks: positiveInt(o.maxActiveTasks, 'maxActiveTasks', DEFAULTS.maxActiveTasks),
    params: o.params ? serializeParams(o.params, where) : null,
    callbacks: DAG_CALLBACKS.filter((name) => typeof o[name] === 'function'),
    deadlines: (o.deadlines ?? []).map((d) => serializeDeadline(d, where)),
    alerts: serializeAlerts(o.alerts, where),
    tasks: [...dag.tasks.values()].map((task) => serializeTask(task, o.defaults ?? {}, where)),
    taskGroups: dag.groups.map((g) => ({
      ...g,
      taskIds: [...g.taskIds],
      childGroupIds: [...g.childGroupIds],
    })),
  };
}

function serializeTask(task: TaskDefinition, defaults: TaskDefaults, dagWhere: string): SerializedTask {
  const o = { ...defaults, ...stripUndefined(task.options) };
  const where = `${dagWhere}, task "${task.taskId}"`;
  const nonNegativeInt = (value: number | undefined, field: string, fallback: number) => {
    const v = value ?? fallback;
    if (!Number.isInteger(v) || v < 0)
      throw new TypeError(`${where}: ${field} must be a whole number ≥ 0, got ${v}`);
    return v;
  };
  const poolSlots = nonNegativeInt(o.poolSlots, 'poolSlots', 1);
  if (poolSlots < 1) throw new TypeError(`${where}: poolSlots must be at least 1`);
  return {
    taskId: task.taskId,
    kind: task.kind,
    upstreams: [...new Set([...task.inputs, ...task.after])].sort(),
    inputs: [...task.inputs],
    triggerRule:
      task.setupTeardown?.role === 'teardown' ? 'all_done_setup_success' : (o.triggerRule ?? 'all_success'),
    retries: nonNegativeInt(o.retries, 'retries', DEFAULTS.retries),
    retryDelayMs:
      o.retryDelay === undefined
        ? DEFAULTS.retryDelayMs
        : parseDuration(o.retryDelay, `${where}: retryDelay`),
    retryExponentialBackoff: o.retryExponentialBackoff ?? false,
    maxRetryDelayMs:
      o.maxRetryDelay === undefined ? null : parseDuration(o.maxRetryDelay, `${where}: maxRetryDelay`),
    executionTimeoutMs:
      o.executionTimeout === undefined
        ? null
        : parseDuration(o.executionTimeout, `${where}: executionTimeout`),
    pool: o.pool ?? DEFAULTS.pool,
    poolSlots,
    priorityWeight: Number.isInteger(o.priorityWeight ?? 1) ? (o.priorityWeight ?? 1) : badWeight(where),
    weightRule: o.weightRule ?? 'downstream',
    queue: o.queue ?? DEFAULTS.queue,
    dependsOnPast: o.dependsOnPast ?? false,
    callbacks: TASK_CALLBACKS.filter((name) => typeof task.options[name] === 'function'),
    doc: task.options.doc ?? null,
    mapping: task.mapping ? serializeMapping(task.mapping, where) : null,
    deadline: task.options.deadline ? serializeDeadline(task.options.deadline, where) : null,
    sensor: task.kind === 'sensor' ? serializeSensor(task.sensor ?? {}, where) : null,
    respectTriggerRules: task.kind === 'short_circuit' ? task.respectTriggerRules === true : null,
    groupId: task.groupId,
    setupTeardown: task.setupTeardown,
    outlets: (task.options.outlets ?? []).map((a) => {
      if (!isAsset(a)) throw new TypeError(`${where}: outlets must list assets (asset(uri))`);
      return serializeAsset(a);
    }),
    alerts: serializeAlerts(task.options.alerts, where),
  };
}

/** The cron part and the asset part of a DAG's schedule. */
function serializeSchedule(
  schedule: DagOptions<undefined>['schedule'],
  where: string,
): Pick<SerializedDag, 'schedule' | 'assetSchedule'> {
  if (schedule === undefined || schedule === null) return { schedule: null, assetSchedule: null };
  if (typeof schedule === 'string') return { schedule, assetSchedule: null };
  if (!Array.isArray(schedule) && !isAssetCondition(schedule) && 'cron' in schedule) {
    if (typeof schedule.cron !== 'string')
      throw new TypeError(`${where}: schedule.cron must be a cron expression`);
    return {
      schedule: schedule.cron,
      assetSchedule: serializeAssetCondition(schedule.or, `${where}: schedule.or`),
    };
  }
  return { schedule: null, assetSchedule: serializeAssetCondition(schedule as readonly Asset[], where) };
}

function serializeMapping(mapping: TaskMapping, where: string): SerializedMapping {
  for (const [key, value] of Object.entries(mapping.partial)) {
    if (!isJson(value))
      throw new TypeError(
        `${where}: partial argument "${key}" must be JSON (strings, numbers, booleans, arrays, objects)`,
      );
  }
  for (const [key, source] of Object.entries(mapping.expand)) {
    if (source.kind === 'literal' && !isJson(source.values))
      throw new TypeError(`${where}: expand.${key} must be a JSON list`);
  }
  return { expand: { ...mapping.expand }, partial: { ...mapping.partial } };
}

function isJson(value: unknown): boolean {
  try {
    return (
      JSON.stringify(value) !== undefined &&
      JSON.stringify(JSON.parse(JSON.stringify(value))) === JSON.stringify(value)
    );
  } catch {
    return false;
  }
}

function badWeight(where: string): never {
  throw new TypeError(`${where}: priorityWeight must be a whole number`);
}

function serializeParams(
  schema: z.ZodType,
  where: string,
): { schema: JsonSchema; defaults: Record<string, unknown> } {
  let json: JsonSchema;
  try {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch (error) {
    throw new TypeError(`${where}: params cannot be serialized: ${(error as Error).message}`);
  }
  return { schema: json, defaults: paramDefaults(schema) };
}

/** The value of every param that has a default (params without one are left out). */
function paramDefaults(schema: z.ZodType): Record<string, unknown> {
  const whole = schema.safeParse({});
  if (whole.success && typeof whole.data === 'object' && whole.data !== null)
    return whole.data as Record<string, unknown>;
  const defaults: Record<string, unknown> = {};
  if (schema instanceof z.ZodObject) {
    for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      const parsed = field.safeParse(undefined);
      if (parsed.success && parsed.data !== undefined) defaults[key] = parsed.data;
    }
  }
  return defaults;
}
