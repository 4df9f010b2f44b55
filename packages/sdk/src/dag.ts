// Owns the authoring API: `dag(options, build)` and `d.task(...)`. Tasks name their upstreams by
// handle; a task's return value is its output, and `inputs` deliver upstream outputs, typed, as
// the task function's arguments.
import type { z } from 'zod';
import type { CallbackContext, DagRunContext, TaskContext } from './context.ts';
import type { DeadlineOptions } from './deadline.ts';
import type { Duration } from './duration.ts';
import type { SensorOutput, SensorSettings } from './sensor.ts';
import type { TaskKind, TriggerRule, WeightRule } from './serialized.ts';
import type { AsStorable, MappedOutput } from './storable.ts';

const DAG_BRAND = Symbol.for('weir.dag');
const HANDLE_BRAND = Symbol.for('weir.task-handle');
/**
 * Set by the dag processor's parse child while it imports one file: told of every DAG `dag()`
 * creates, so a DAG that is created but not exported gets a warning instead of silence.
 */
const DAG_CREATED = Symbol.for('weir.dag-created');

/** A reference to a task, typed by its output. Pass it in `inputs` or `after` of another task. */
export interface TaskHandle<T> {
  readonly taskId: string;
  readonly [HANDLE_BRAND]: true;
  /** Type-level only: the task's output type. */
  readonly __output?: T;
}

/** The output types of a tuple of handles, in order. */
export type OutputsOf<I extends readonly TaskHandle<unknown>[]> = {
  -readonly [K in keyof I]: I[K] extends TaskHandle<infer T> ? T : never;
};

export type TaskCallback<P> = (ctx: CallbackContext<P>) => void | Promise<void>;

/** Options that may be set per task or, through `defaults`, for every task of a DAG. */
export interface TaskDefaults {
  /** How many times to retry after the first try fails (Airflow's `retries`). Default 0. */
  readonly retries?: number;
  /** Wait before a retry. Default '5m' (as Airflow). */
  readonly retryDelay?: Duration;
  /** Double the wait on every try, with deterministic jitter. Default false. */
  readonly retryExponentialBackoff?: boolean;
  /** Upper bound on the wait between tries. */
  readonly maxRetryDelay?: Duration;
  /** Per try; the task's AbortSignal fires, then the try is stopped. */
  readonly executionTimeout?: Duration;
  readonly triggerRule?: TriggerRule;
  /** Default 'default' (128 slots). */
  readonly pool?: string;
  readonly poolSlots?: number;
  readonly priorityWeight?: number;
  readonly weightRule?: WeightRule;
  /** Default 'default'; `weir worker --queues` chooses which queues a worker serves. */
  readonly queue?: string;
  /** Run only if this task succeeded (or was skipped) in the DAG's previous run. Default false. */
  readonly dependsOnPast?: boolean;
}

export interface TaskOptions<P, I extends readonly TaskHandle<unknown>[] = readonly []> extends TaskDefaults {
  /** Upstream tasks whose outputs become the task function's arguments, in this order. */
  readonly inputs?: I;
  /** Upstream tasks that must finish first but pass nothing. */
  readonly after?: readonly TaskHandle<unknown>[];
  readonly doc?: string;
  /** This task must succeed by the deadline, or an alert fires at once. */
  readonly deadline?: DeadlineOptions;
  readonly onSuccess?: TaskCallback<P>;
  readonly onFailure?: TaskCallback<P>;
  readonly onRetry?: TaskCallback<P>;
  readonly onSkipped?: TaskCallback<P>;
}

/** A sensor's options: its own settings plus every task option. */
export interface SensorOptions<P, I extends readonly TaskHandle<unknown>[] = readonly []>
  extends TaskOptions<P, I>,
    SensorSettings {}

export type TaskFn<P, I extends readonly TaskHandle<unknown>[], R> = (
  ctx: TaskContext<P>,
  ...inputs: OutputsOf<I>
) => R | Promise<R>;

export interface DagOptions<S extends z.ZodType | undefined = undefined> {
  /** Unique across all DAG files: letters, digits, `_`, `-`, `.`. */
  readonly id: string;
  /** Cron expression, a preset (`@hourly` `@daily` `@weekly` `@monthly` `@yearly` `@once`), or null. */
  readonly schedule?: string | null;
  /** IANA time zone for the schedule and date strings without an offset. Default 'UTC'. */
  readonly timezone?: string;
  readonly startDate?: string | Date;
  readonly endDate?: string | Date;
  /** Create a run for every missed interval (oldest first). Default false, as in Airflow 3. */
  readonly catchup?: boolean;
  /**
   * Whether the DAG starts paused when it is first seen (Airflow's `is_paused_upon_creation`).
   * Default: the deployment's WEIR_DAGS_PAUSED_AT_CREATION (true unless set). Only the first sync
   * uses it; later changes to the option, or pausing by hand, are kept as they are.
   */
  readonly pausedAtCreation?: boolean;
  /** A zod object schema with defaults; a trigger's conf is validated against it. */
  readonly params?: S;
  readonly maxActiveRuns?: number;
  readonly maxActiveTasks?: number;
  readonly tags?: readonly string[];
  readonly owner?: string;
  readonly description?: string;
  readonly defaults?: TaskDefaults;
  /** Deadlines (SLA monitors) for each run: an alert fires as soon as one passes unmet. */
  readonly deadlines?: readonly DeadlineOptions[];
  readonly onSuccess?: (ctx: DagRunContext<ParamsOf<S>>) => void | Promise<void>;
  readonly onFailure?: (ctx: DagRunContext<ParamsOf<S>>) => void | Promise<void>;
}

export type ParamsOf<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

/** What a mapped task expands over: an upstream's array output, or a literal list. */
export type Expandable = TaskHandle<readonly unknown[]> | readonly unknown[];

/** The element types of each expanded argument. */
export type ExpandedArgs<E extends Record<string, Expandable>> = {
  -readonly [K in keyof E]: E[K] extends TaskHandle<infer A>
    ? A extends readonly (infer T)[]
      ? T
      : never
    : E[K] extends readonly (infer T)[]
      ? T
      : never;
};

export interface MapOptions<
  P,
  E extends Record<string, Expandable>,
  X extends Record<string, unknown>,
  I extends readonly TaskHandle<unknown>[],
> extends TaskOptions<P, I> {
  /** One task instance per element; several arguments give their cross product. */
  readonly expand: E;
  /** Fixed arguments, the same for every mapped instance. */
  readonly partial?: X;
}

export type MapFn<P, E extends Record<string, Expandable>, X, I extends readonly TaskHandle<unknown>[], R> = (
  ctx: TaskContext<P>,
  args: ExpandedArgs<E> & X,
  ...inputs: OutputsOf<I>
) => R | Promise<R>;

export interface TaskMapping {
  readonly expand: Readonly<
    Record<string, { kind: 'upstream'; taskId: string } | { kind: 'literal'; values: readonly unknown[] }>
  >;
  readonly partial: Readonly<Record<string, unknown>>;
}

/** A task as defined in a DAG file: options plus the function the worker runs. */
export interface TaskDefinition {
  readonly taskId: string;
  readonly kind: TaskKind;
  readonly inputs: readonly string[];
  readonly after: readonly string[];
  readonly options: TaskOptions<unknown, readonly TaskHandle<unknown>[]>;
  /** For a mapped task the first argument after ctx is the expanded arguments object. */
  readonly fn: (ctx: TaskContext<unknown>, ...inputs: unknown[]) => unknown;
  readonly mapping: TaskMapping | null;
  /** Set for a sensor (`d.sensor`). */
  readonly sensor: SensorSettings | null;
}

/** The value a DAG file exports. */
export interface Dag {
  readonly [DAG_BRAND]: true;
  readonly dagId: string;
  readonly options: DagOptions<z.ZodType | undefined>;
  readonly tasks: ReadonlyMap<string, TaskDefinition>;
}

/**
 * A task function's return type, checked: `R` infers from the function as written, and the
 * intersection fails on whatever part of it cannot be stored (a function, symbol, Promise or object
 * with methods anywhere in it; see AsStorable). What can be stored arrives as it was returned (see
 * output-codec.ts), so a handle's type is the type its downstream inputs receive.
 */
type Checked<R> = R & AsStorable<R>;

export interface DagBuilder<P> {
  task<R>(taskId: string, fn: TaskFn<P, readonly [], Checked<R>>): TaskHandle<Awaited<R>>;
  task<const I extends readonly TaskHandle<unknown>[], R>(
    taskId: string,
    options: TaskOptions<P, I>,
    fn: TaskFn<P, I, Checked<R>>,
  ): TaskHandle<Awaited<R>>;
  /**
   * A mapped task: one instance per element of `expand` (Airflow's dynamic task mapping). Its
   * downstream tasks receive the outputs as a list, in map index order (null for an instance that
   * returned nothing).
   */
  map<
    const E extends Record<string, Expandable>,
    const I extends readonly TaskHandle<unknown>[] = readonly [],
    X extends Record<string, unknown> = Record<never, never>,
    R = unknown,
  >(
    taskId: string,
    options: MapOptions<P, E, X, I>,
    fn: MapFn<P, E, X, I, Checked<R>>,
  ): TaskHandle<MappedOutput<Awaited<R>>[]>;
  /**
   * A sensor (Airflow's BaseSensorOperator): the function is poked until it returns a truthy
   * value, which becomes the output; false, null or undefined mean "not yet". See SensorSettings.
   */
  sensor<R>(taskId: string, fn: TaskFn<P, readonly [], Checked<R>>): TaskHandle<SensorOutput<R>>;
  sensor<const I extends readonly TaskHandle<unknown>[], R>(
    taskId: string,
    options: SensorOptions<P, I>,
    fn: TaskFn<P, I, Checked<R>>,
  ): TaskHandle<SensorOutput<R>>;
}

const ID = /^[A-Za-z0-9_.-]{1,250}$/;

/** Defines a DAG. Errors in the definition throw at import, and become the file's import error. */
export function dag<S extends z.ZodType | undefined = undefined>(
  options: DagOptions<S>,
  build: (d: DagBuilder<ParamsOf<S>>) => void,
): Dag {
  if (!ID.test(options.id)) {
    throw new TypeError(`DAG id "${options.id}" is invalid: use 1-250 letters, digits, '_', '-' or '.'`);
  }
  const tasks = new Map<string, TaskDefinition>();
  const where = (taskId: string) => `task "${taskId}" in DAG "${options.id}"`;
  const define = (taskId: string, a: unknown, b: unknown, mapped: boolean, sensor = false) => {
    const [opts, fn] = (typeof a === 'function' ? [{}, a] : [a, b]) as [
      MapOptions<
        unknown,
        Record<string, Expandable>,
        Record<string, unknown>,
        readonly TaskHandle<unknown>[]
      >,
      unknown,
    ];
    if (typeof fn !== 'function') throw new TypeError(`${where(taskId)} has no function`);
    if (!ID.test(taskId))
      throw new TypeError(`${where(taskId)}: the id is invalid; use letters, digits, '_', '-' or '.'`);
    if (tasks.has(taskId)) throw new TypeError(`DAG "${options.id}" defines task "${taskId}" twice`);
    const refs = (list: readonly unknown[] | undefined, field: string) =>
      (list ?? []).map((handle) => {
        if (!isTaskHandle(handle) || !tasks.has(handle.taskId)) {
          throw new TypeError(`task "${taskId}": ${field} must list tasks of this DAG defined before it`);
        }
        return handle.taskId;
      });
    let mapping: TaskMapping | null = null;
    let after = refs(opts.after, 'after');
    if (mapped) {
      const entries = Object.entries(opts.expand ?? {});
      if (entries.length === 0) throw new TypeError(`${where(taskId)}: expand needs at least one argument`);
      const expand: Record<string, TaskMapping['expand'][string]> = {};
      for (const [key, source] of entries) {
        if (Array.isArray(source)) expand[key] = { kind: 'literal', values: [...source] };
        else expand[key] = { kind: 'upstream', taskId: refs([source], `expand.${key}`)[0] as string };
      }
      for (const key of Object.keys(opts.partial ?? {})) {
        if (key in expand) throw new TypeError(`${where(taskId)}: "${key}" is both expanded and partial`);
      }
      mapping = { expand, partial: { ...(opts.partial ?? {}) } };
      after = [...after, ...Object.values(expand).flatMap((e) => (e.kind === 'upstream' ? [e.taskId] : []))];
    }
    tasks.set(taskId, {
      taskId,
      kind: sensor ? 'sensor' : 'task',
      inputs: refs(opts.inputs, 'inputs'),
      after,
      options: opts,
      fn: fn as TaskDefinition['fn'],
      mapping,
      sensor: sensor ? sensorSettings(opts as SensorSettings) : null,
    });
    return { taskId, [HANDLE_BRAND]: true } as TaskHandle<never>;
  };
  const builder: DagBuilder<ParamsOf<S>> = {
    task: (taskId: string, a: unknown, b?: unknown) => define(taskId, a, b, false),
    map: (taskId: string, a: unknown, b: unknown) => define(taskId, a, b, true),
    sensor: (taskId: string, a: unknown, b?: unknown) => define(taskId, a, b, false, true),
  } as DagBuilder<ParamsOf<S>>;
  build(builder);
  const created: Dag = {
    [DAG_BRAND]: true,
    dagId: options.id,
    options: options as DagOptions<z.ZodType | undefined>,
    tasks,
  };
  (globalThis as Record<symbol, ((dag: Dag) => void) | undefined>)[DAG_CREATED]?.(created);
  return created;
}

function sensorSettings(options: SensorSettings): SensorSettings {
  const { mode, pokeInterval, timeout, softFail, exponentialBackoff, maxWait } = options;
  return { mode, pokeInterval, timeout, softFail, exponentialBackoff, maxWait };
}

export function isDag(value: unknown): value is Dag {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DAG_BRAND] === true
  );
}

export function isTaskHandle(value: unknown): value is TaskHandle<unknown> {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[HANDLE_BRAND] === true
  );
}
