// Owns the authoring API: `dag(options, build)` and `d.task(...)`. Tasks name their upstreams by
// handle; a task's return value is its output, and `inputs` deliver upstream outputs, typed, as
// the task function's arguments.
import type { z } from 'zod';
import type { AlertOptions } from './alerts.ts';
import type { Asset, AssetSchedule } from './asset.ts';
import type { CallbackContext, DagRunContext, TaskContext } from './context.ts';
import type { DeadlineOptions } from './deadline.ts';
import type { Duration } from './duration.ts';
import type { SensorOutput, SensorSettings } from './sensor.ts';
import type {
  SerializedSetupTeardown,
  SerializedTaskGroup,
  TaskKind,
  TriggerRule,
  WeightRule,
} from './serialized.ts';
import type { AsStorable, MappedOutput } from './storable.ts';

const DAG_BRAND = Symbol.for('weir.dag');
const HANDLE_BRAND = Symbol.for('weir.task-handle');
const GROUP_BRAND = Symbol.for('weir.task-group');
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

/**
 * A task group (`d.group`). In `after` it stands for the group's leaves (its tasks nothing else
 * in the group waits for); a branch may return it to follow the group's tasks it points at.
 */
export interface TaskGroupHandle {
  readonly groupId: string;
  readonly [GROUP_BRAND]: true;
}

/** What `after` may list: tasks, and task groups (meaning all of the group's leaves). */
export type Upstream = TaskHandle<unknown> | TaskGroupHandle;

/**
 * What a branch function returns: the direct downstream task (or group) to follow, several of
 * them, or null to follow none. Ids are full ids (`group.task`).
 */
export type BranchChoice =
  | string
  | TaskHandle<unknown>
  | TaskGroupHandle
  | null
  | undefined
  | readonly (string | TaskHandle<unknown> | TaskGroupHandle)[];

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
  /** Upstream tasks (or task groups: their leaves) that must finish first but pass nothing. */
  readonly after?: readonly Upstream[];
  readonly doc?: string;
  /** Assets a successful try updates (an asset event each; extra metadata via ctx.outlets). */
  readonly outlets?: readonly Asset[];
  /** This task must succeed by the deadline, or an alert fires at once. */
  readonly deadline?: DeadlineOptions;
  /** Where this task's alerts go, over the DAG's `alerts` (see AlertOptions). */
  readonly alerts?: AlertOptions;
  readonly onSuccess?: TaskCallback<P>;
  readonly onFailure?: TaskCallback<P>;
  readonly onRetry?: TaskCallback<P>;
  readonly onSkipped?: TaskCallback<P>;
}

/** A short-circuit's options (`d.shortCircuit`). */
export interface ShortCircuitOptions<P, I extends readonly TaskHandle<unknown>[] = readonly []>
  extends TaskOptions<P, I> {
  /**
   * false (default, Airflow's `ignore_downstream_trigger_rules=True`): a falsy result skips every
   * task downstream, whatever its trigger rule. true: only the direct downstream tasks are
   * skipped, and trigger rules decide the rest.
   */
  readonly respectTriggerRules?: boolean;
}

/** A teardown's options (`d.teardown`): its trigger rule is always `all_done_setup_success`. */
export interface TeardownOptions<P, I extends readonly TaskHandle<unknown>[] = readonly []>
  extends Omit<TaskOptions<P, I>, 'triggerRule'> {
  /** The setup tasks whose resource this teardown removes; they become its upstreams. */
  readonly setups: readonly TaskHandle<unknown>[];
  /** A failing teardown fails the run (Airflow's `on_failure_fail_dagrun`). Default false. */
  readonly failRun?: boolean;
}

/** A task group's options: task defaults for every task in it, and what its roots wait for. */
export interface GroupOptions extends TaskDefaults {
  /** Every root of the group (a task with no upstream inside it) waits for these. */
  readonly after?: readonly Upstream[];
  readonly tooltip?: string;
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
  /**
   * Cron expression, a preset (`@hourly` `@daily` `@weekly` `@monthly` `@yearly` `@once`), null
   * (manual runs only), or assets: `[a, b]` (both updated), `anyOf(a, allOf(b, c))`, or
   * `{ cron: '@daily', or: [a] }` for either.
   */
  readonly schedule?: string | null | AssetSchedule;
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
  /**
   * Where the DAG's alerts go: a route of alerts.yaml (`{ route: 'team-x' }`) and/or channels per
   * route key (`{ onFailure: ['data-pd'] }`); a task's own `alerts` win over these. Default: the
   * `default` route.
   */
  readonly alerts?: AlertOptions;
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
  /** For a short-circuit: see ShortCircuitOptions. */
  readonly respectTriggerRules: boolean | null;
  /** The innermost group the task is in, or null. */
  readonly groupId: string | null;
  /** Set for a setup or teardown task. */
  readonly setupTeardown: SerializedSetupTeardown | null;
}

/** A task group as defined: its place in the tree and what is directly inside it. */
export type TaskGroupDefinition = SerializedTaskGroup;

/** The value a DAG file exports. */
export interface Dag {
  readonly [DAG_BRAND]: true;
  readonly dagId: string;
  readonly options: DagOptions<z.ZodType | undefined>;
  readonly tasks: ReadonlyMap<string, TaskDefinition>;
  /** Outer groups before inner ones, in definition order. */
  readonly groups: readonly TaskGroupDefinition[];
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
  /**
   * A branch (Airflow's `@task.branch`): the function returns the direct downstream task(s) to
   * follow (ids, handles or groups) or null; every other direct downstream task is skipped, and
   * the skip propagates through trigger rules (a join after a branch needs
   * `none_failed_min_one_success`; an `all_success` join is skipped). The output is the list of
   * followed task ids.
   */
  branch(taskId: string, fn: TaskFn<P, readonly [], BranchChoice>): TaskHandle<string[]>;
  branch<const I extends readonly TaskHandle<unknown>[]>(
    taskId: string,
    options: TaskOptions<P, I>,
    fn: TaskFn<P, I, BranchChoice>,
  ): TaskHandle<string[]>;
  /**
   * A short-circuit (Airflow's `@task.short_circuit`): a falsy result skips what is downstream
   * (see ShortCircuitOptions); a truthy result is the output.
   */
  shortCircuit<R>(taskId: string, fn: TaskFn<P, readonly [], Checked<R>>): TaskHandle<Awaited<R>>;
  shortCircuit<const I extends readonly TaskHandle<unknown>[], R>(
    taskId: string,
    options: ShortCircuitOptions<P, I>,
    fn: TaskFn<P, I, Checked<R>>,
  ): TaskHandle<Awaited<R>>;
  /**
   * A task group (Airflow's TaskGroup): tasks defined in `build` get ids `groupId.taskId`;
   * groups nest. The options are defaults for the group's tasks, and `after` for its roots.
   */
  group(groupId: string, build: (g: DagBuilder<P>) => void): TaskGroupHandle;
  group(groupId: string, options: GroupOptions, build: (g: DagBuilder<P>) => void): TaskGroupHandle;
  /**
   * A setup task (Airflow 2.7's `@setup`): it creates a temporary resource that a teardown
   * (`d.teardown`) removes. Clearing a task between them clears both too.
   */
  setup<R>(taskId: string, fn: TaskFn<P, readonly [], Checked<R>>): TaskHandle<Awaited<R>>;
  setup<const I extends readonly TaskHandle<unknown>[], R>(
    taskId: string,
    options: TaskOptions<P, I>,
    fn: TaskFn<P, I, Checked<R>>,
  ): TaskHandle<Awaited<R>>;
  /**
   * A teardown task (Airflow 2.7's `@teardown`): it runs once its setups have run and its other
   * upstreams are done, whatever their outcome, if a setup succeeded. Its failure does not fail
   * the run unless `failRun`; the tasks before it decide the run's state.
   */
  teardown<const I extends readonly TaskHandle<unknown>[], R>(
    taskId: string,
    options: TeardownOptions<P, I>,
    fn: TaskFn<P, I, Checked<R>>,
  ): TaskHandle<Awaited<R>>;
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
  const groups = new Map<string, OpenGroup>();
  const where = (taskId: string) => `task "${taskId}" in DAG "${options.id}"`;

  /** Task ids a handle in `after` stands for: the task, or a closed group's leaves. */
  const upstreamIds = (handle: unknown, taskId: string, field: string): string[] => {
    if (isTaskGroupHandle(handle)) {
      const group = groups.get(handle.groupId);
      if (!group) throw new TypeError(`task "${taskId}": ${field} names a task group of another DAG`);
      if (!group.leaves) throw new TypeError(`task "${taskId}": ${field} cannot wait for a group it is in`);
      return group.leaves;
    }
    if (!isTaskHandle(handle) || !tasks.has(handle.taskId)) {
      throw new TypeError(`task "${taskId}": ${field} must list tasks of this DAG defined before it`);
    }
    return [handle.taskId];
  };

  const builderIn = (scope: Scope): DagBuilder<ParamsOf<S>> => {
    const define = (
      localId: string,
      a: unknown,
      b: unknown,
      kind: DefinedKind,
      role: 'setup' | 'teardown' | null = null,
    ) => {
      const [given, fn] = optionsAndFunction<
        MapOptions<
          unknown,
          Record<string, Expandable>,
          Record<string, unknown>,
          readonly TaskHandle<unknown>[]
        > &
          ShortCircuitOptions<unknown> &
          Partial<TeardownOptions<unknown>>
      >(a, b);
      const taskId = scope.prefix + localId;
      if (typeof fn !== 'function') throw new TypeError(`${where(taskId)} has no function`);
      if (!ID.test(localId))
        throw new TypeError(`${where(taskId)}: the id is invalid; use letters, digits, '_', '-' or '.'`);
      if (tasks.has(taskId)) throw new TypeError(`DAG "${options.id}" defines task "${taskId}" twice`);
      // The enclosing groups' defaults, then the task's own options.
      const opts = { ...scope.defaults, ...stripUndefined(given) } as typeof given;
      const refs = (list: readonly unknown[] | undefined, field: string) =>
        (list ?? []).flatMap((handle) => upstreamIds(handle, taskId, field));
      let mapping: TaskMapping | null = null;
      let after = refs(given.after, 'after');
      if (kind === 'mapped') {
        const entries = Object.entries(given.expand ?? {});
        if (entries.length === 0) throw new TypeError(`${where(taskId)}: expand needs at least one argument`);
        const expand: Record<string, TaskMapping['expand'][string]> = {};
        for (const [key, source] of entries) {
          if (Array.isArray(source)) expand[key] = { kind: 'literal', values: [...source] };
          else expand[key] = { kind: 'upstream', taskId: refs([source], `expand.${key}`)[0] as string };
        }
        for (const key of Object.keys(given.partial ?? {})) {
          if (key in expand) throw new TypeError(`${where(taskId)}: "${key}" is both expanded and partial`);
        }
        mapping = { expand, partial: { ...(given.partial ?? {}) } };
        after = [
          ...after,
          ...Object.values(expand).flatMap((e) => (e.kind === 'upstream' ? [e.taskId] : [])),
        ];
      }
      const inputs = refs(given.inputs, 'inputs');
      let setupTeardown: SerializedSetupTeardown | null = role === 'setup' ? { role } : null;
      if (role === 'teardown') {
        const setups = refs(given.setups, 'setups');
        if (setups.length === 0) throw new TypeError(`${where(taskId)}: a teardown needs setups: [...]`);
        for (const id of setups)
          if (tasks.get(id)?.setupTeardown?.role !== 'setup')
            throw new TypeError(
              `${where(taskId)}: setups lists "${id}", which is not a setup task (d.setup)`,
            );
        if (given.triggerRule !== undefined)
          throw new TypeError(`${where(taskId)}: a teardown's trigger rule is all_done_setup_success`);
        setupTeardown = { role, setups, failRun: given.failRun === true };
        after = [...after, ...setups];
      }
      // A root of a group (no upstream inside it) waits for the group's `after`, and so on out.
      for (const group of scope.chain) {
        if (![...inputs, ...after].some((id) => group.members.has(id))) after = [...after, ...group.after];
      }
      for (const group of scope.chain) group.members.add(taskId);
      scope.chain[0]?.taskIds.push(taskId);
      tasks.set(taskId, {
        taskId,
        kind: kind === 'mapped' ? 'task' : kind,
        inputs,
        after: [...new Set(after)],
        options: opts,
        fn: fn as TaskDefinition['fn'],
        mapping,
        sensor: kind === 'sensor' ? sensorSettings(opts as SensorSettings) : null,
        respectTriggerRules: kind === 'short_circuit' ? given.respectTriggerRules === true : null,
        groupId: scope.chain[0]?.groupId ?? null,
        setupTeardown,
      });
      return { taskId, [HANDLE_BRAND]: true } as TaskHandle<never>;
    };
    const group = (localId: string, a: unknown, b?: unknown): TaskGroupHandle => {
      const [given, body] = optionsAndFunction<GroupOptions>(a, b);
      const groupId = scope.prefix + localId;
      if (typeof body !== 'function') throw new TypeError(`task group "${groupId}" has no function`);
      if (!ID.test(localId) || localId.includes('.'))
        throw new TypeError(`task group "${groupId}": the id is invalid; use letters, digits, '_' or '-'`);
      if (groups.has(groupId) || tasks.has(groupId))
        throw new TypeError(`DAG "${options.id}" uses the id "${groupId}" twice`);
      const { after: groupAfter, tooltip, ...defaults } = stripUndefined(given);
      const open: OpenGroup = {
        groupId,
        parentGroupId: scope.chain[0]?.groupId ?? null,
        tooltip: tooltip ?? null,
        after: (groupAfter ?? []).flatMap((h) => upstreamIds(h, groupId, 'after')),
        members: new Set(),
        taskIds: [],
        childGroupIds: [],
        leaves: undefined,
      };
      groups.set(groupId, open);
      scope.chain[0]?.childGroupIds.push(groupId);
      (body as (g: DagBuilder<ParamsOf<S>>) => void)(
        builderIn({
          prefix: `${groupId}.`,
          defaults: { ...scope.defaults, ...defaults },
          chain: [open, ...scope.chain],
        }),
      );
      if (open.members.size === 0) throw new TypeError(`task group "${groupId}" defines no task`);
      // Its leaves: members no other member waits for.
      const waitedFor = new Set(
        [...open.members].flatMap((id) => {
          const t = tasks.get(id);
          return t ? [...t.inputs, ...t.after] : [];
        }),
      );
      open.leaves = [...open.members].filter((id) => !waitedFor.has(id));
      return { groupId, [GROUP_BRAND]: true } as TaskGroupHandle;
    };
    return {
      task: (taskId: string, a: unknown, b?: unknown) => define(taskId, a, b, 'task'),
      map: (taskId: string, a: unknown, b: unknown) => define(taskId, a, b, 'mapped'),
      sensor: (taskId: string, a: unknown, b?: unknown) => define(taskId, a, b, 'sensor'),
      branch: (taskId: string, a: unknown, b?: unknown) => define(taskId, a, b, 'branch'),
      shortCircuit: (taskId: string, a: unknown, b?: unknown) => define(taskId, a, b, 'short_circuit'),
      setup: (taskId: string, a: unknown, b?: unknown) => define(taskId, a, b, 'task', 'setup'),
      teardown: (taskId: string, a: unknown, b: unknown) => define(taskId, a, b, 'task', 'teardown'),
      group,
    } as DagBuilder<ParamsOf<S>>;
  };
  build(builderIn({ prefix: '', defaults: {}, chain: [] }));
  const created: Dag = {
    [DAG_BRAND]: true,
    dagId: options.id,
    options: options as DagOptions<z.ZodType | undefined>,
    tasks,
    groups: [...groups.values()].map(({ groupId, parentGroupId, tooltip, taskIds, childGroupIds }) => ({
      groupId,
      parentGroupId,
      tooltip,
      taskIds: [...taskIds],
      childGroupIds: [...childGroupIds],
    })),
  };
  (globalThis as Record<symbol, ((dag: Dag) => void) | undefined>)[DAG_CREATED]?.(created);
  return created;
}

type DefinedKind = 'task' | 'mapped' | 'sensor' | 'branch' | 'short_circuit';

/** `(id, fn)` or `(id, options, fn)`: the options (empty when left out) and the function. */
function optionsAndFunction<O>(a: unknown, b: unknown): [O, unknown] {
  return (typeof a === 'function' ? [{}, a] : [a, b]) as [O, unknown];
}

/** Where a builder defines tasks: the id prefix, inherited defaults, enclosing groups (inner first). */
interface Scope {
  readonly prefix: string;
  readonly defaults: TaskDefaults;
  readonly chain: readonly OpenGroup[];
}

interface OpenGroup {
  readonly groupId: string;
  readonly parentGroupId: string | null;
  readonly tooltip: string | null;
  /** Upstream task ids every root of the group waits for. */
  readonly after: readonly string[];
  /** Every task inside, nested groups' included. */
  readonly members: Set<string>;
  readonly taskIds: string[];
  readonly childGroupIds: string[];
  /** Set once the group's body has run. */
  leaves: string[] | undefined;
}

/** The object without its undefined fields (so they do not override defaults when spread). */
export function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
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

export function isTaskGroupHandle(value: unknown): value is TaskGroupHandle {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[GROUP_BRAND] === true
  );
}

export function isTaskHandle(value: unknown): value is TaskHandle<unknown> {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[HANDLE_BRAND] === true
  );
}
