// Owns the serialized form of a DAG: plain JSON the dag processor writes to PostgreSQL and the
// scheduler and web read. It carries every option but no user code. Bump the version on any
// incompatible change.

import type { SerializedAlerts } from './alerts.ts';
import type { SerializedDeadline } from './deadline.ts';

export const SERIALIZATION_VERSION = 1 as const;

/** Airflow's trigger rules: when a task may run, given its upstreams' states. */
export const TRIGGER_RULES = [
  'all_success',
  'all_failed',
  'all_done',
  'all_done_min_one_success',
  'all_skipped',
  'one_success',
  'one_failed',
  'one_done',
  'none_failed',
  'none_failed_min_one_success',
  'none_skipped',
  'always',
  /** A teardown's rule: every upstream done, whatever its outcome, and a setup succeeded. */
  'all_done_setup_success',
] as const;
export type TriggerRule = (typeof TRIGGER_RULES)[number];

/**
 * What a task is: a plain task, a sensor (poked until done), a branch (its result names the
 * direct downstream tasks to follow; the others are skipped) or a short-circuit (a falsy result
 * skips what is downstream).
 */
export type TaskKind = 'task' | 'sensor' | 'branch' | 'short_circuit';

export type SensorMode = 'poke' | 'reschedule';

/** A sensor's settings (`d.sensor`); see sensor.ts for their meaning. */
export interface SerializedSensor {
  readonly mode: SensorMode;
  readonly pokeIntervalMs: number;
  /** Counted from the first poke, across reschedules and retries. */
  readonly timeoutMs: number;
  readonly softFail: boolean;
  readonly exponentialBackoff: boolean;
  readonly maxWaitMs: number | null;
}

/** How a task's effective priority is computed from its own and its relatives' weights. */
export type WeightRule = 'downstream' | 'upstream' | 'absolute';

export const TASK_CALLBACKS = ['onSuccess', 'onFailure', 'onRetry', 'onSkipped'] as const;
export type TaskCallbackName = (typeof TASK_CALLBACKS)[number];
export const DAG_CALLBACKS = ['onSuccess', 'onFailure'] as const;
export type DagCallbackName = (typeof DAG_CALLBACKS)[number];

export interface SerializedTask {
  readonly taskId: string;
  readonly kind: TaskKind;
  /** Every upstream task id (inputs and `after`), sorted. */
  readonly upstreams: readonly string[];
  /** Upstream task ids whose outputs are passed to the task function, in argument order. */
  readonly inputs: readonly string[];
  readonly triggerRule: TriggerRule;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly retryExponentialBackoff: boolean;
  readonly maxRetryDelayMs: number | null;
  /** Per try. */
  readonly executionTimeoutMs: number | null;
  readonly pool: string;
  readonly poolSlots: number;
  readonly priorityWeight: number;
  readonly weightRule: WeightRule;
  readonly queue: string;
  readonly dependsOnPast: boolean;
  /** Which callbacks the task defines (they run in a worker, never in the scheduler). */
  readonly callbacks: readonly TaskCallbackName[];
  readonly doc: string | null;
  /** Set for a mapped task (`d.map`): one task instance per element of the expansion. */
  readonly mapping: SerializedMapping | null;
  readonly deadline: SerializedDeadline | null;
  /** Set for a sensor (`kind: 'sensor'`), null for other tasks. */
  readonly sensor: SerializedSensor | null;
  /**
   * For a short-circuit: whether a falsy result skips only the direct downstream tasks and lets
   * trigger rules decide the rest (true), or skips everything downstream (false, Airflow's
   * default). Null for other kinds.
   */
  readonly respectTriggerRules: boolean | null;
  /** The innermost task group the task was defined in (`d.group`), or null. */
  readonly groupId: string | null;
  /** A setup or teardown task (`d.setup`, `d.teardown`), or null for a work task. */
  readonly setupTeardown: SerializedSetupTeardown | null;
  /** Assets each successful try updates: one asset event each, with the try's success. */
  readonly outlets: readonly SerializedAsset[];
  /**
   * The task's `alerts` option, or null. Absent from DAGs serialized before it existed: read it
   * as `task.alerts ?? null`.
   */
  readonly alerts: SerializedAlerts | null;
}

/** An asset (`asset(uri)`): data-aware scheduling's unit. */
export interface SerializedAsset {
  readonly uri: string;
  readonly name: string;
  readonly group: string;
}

/** What an asset-scheduled DAG waits for: a list of assets is `all`. */
export type SerializedAssetCondition =
  | ({ readonly kind: 'asset' } & SerializedAsset)
  | { readonly kind: 'all' | 'any'; readonly of: readonly SerializedAssetCondition[] };

/**
 * Airflow 2.7's setup and teardown. A teardown runs once every upstream is done, whatever its
 * outcome, if one of its setups succeeded (`all_done_setup_success`); its failure fails the run
 * only with `failRun` (Airflow's `on_failure_fail_dagrun`).
 */
export type SerializedSetupTeardown =
  | { readonly role: 'setup' }
  | { readonly role: 'teardown'; readonly setups: readonly string[]; readonly failRun: boolean };

/** A task group (`d.group`), for the UI: its tasks and groups directly inside it. */
export interface SerializedTaskGroup {
  /** Dotted path from the outermost group: `etl.clean`. */
  readonly groupId: string;
  readonly parentGroupId: string | null;
  readonly tooltip: string | null;
  /** Tasks directly in this group, in definition order. */
  readonly taskIds: readonly string[];
  readonly childGroupIds: readonly string[];
}

/** Where each expanded argument comes from: an upstream task's array output, or a literal list. */
export type ExpandSource =
  | { readonly kind: 'upstream'; readonly taskId: string }
  | { readonly kind: 'literal'; readonly values: readonly unknown[] };

export interface SerializedMapping {
  /** In argument order; several arguments expand to their cross product (last varies fastest). */
  readonly expand: Readonly<Record<string, ExpandSource>>;
  /** Fixed arguments given to every mapped instance. */
  readonly partial: Readonly<Record<string, unknown>>;
}

/** A JSON Schema (draft 2020-12) object, as produced by zod's toJSONSchema. */
export type JsonSchema = { readonly [key: string]: unknown };

export interface SerializedDag {
  readonly version: typeof SERIALIZATION_VERSION;
  readonly dagId: string;
  readonly description: string | null;
  readonly owner: string | null;
  readonly tags: readonly string[];
  /** A cron expression, a preset (`@hourly` … `@once`), or null (manual or asset runs only). */
  readonly schedule: string | null;
  /**
   * Assets the DAG is scheduled on (`schedule: [a, b]`, `anyOf`, `allOf`, or the `or` of
   * `{ cron, or }`): a run once they have new events since its last asset-triggered run.
   */
  readonly assetSchedule: SerializedAssetCondition | null;
  /** IANA time zone the schedule is evaluated in. */
  readonly timezone: string;
  /** ISO 8601 instants. */
  readonly startDate: string | null;
  readonly endDate: string | null;
  readonly catchup: boolean;
  /** Whether the DAG starts paused when first synced; null: the deployment's default. */
  readonly pausedAtCreation: boolean | null;
  readonly maxActiveRuns: number;
  readonly maxActiveTasks: number;
  /** The params schema (for validating a trigger's conf and building the trigger form). */
  readonly params: {
    readonly schema: JsonSchema;
    readonly defaults: Readonly<Record<string, unknown>>;
  } | null;
  readonly callbacks: readonly DagCallbackName[];
  readonly deadlines: readonly SerializedDeadline[];
  /**
   * The DAG's `alerts` option, or null. Absent from DAGs serialized before it existed: read it
   * as `dag.alerts ?? null`.
   */
  readonly alerts: SerializedAlerts | null;
  /** In definition order. */
  readonly tasks: readonly SerializedTask[];
  /** Task groups, outer before inner, in definition order. */
  readonly taskGroups: readonly SerializedTaskGroup[];
}
