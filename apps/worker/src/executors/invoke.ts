// Owns calling user code for one invocation: finds the function in the DAG file (DagFunctions
// keeps modules cached, so a warm executor imports a file once per version), gives it its
// context, and turns what it returned or threw into an InvocationResult. Runs inside an
// executor (or on the worker's loop in the in-loop mode).
import {
  type CallbackContext,
  type ContextLookups,
  type DagRunContext,
  encodeOutput,
  isPokeDone,
  isTaskGroupHandle,
  isTaskHandle,
  type OutletEvents,
  TASK_ALERT_KINDS,
  type TaskAlerts,
  type TaskContext,
  type TaskLogger,
} from '@weir/sdk';
import type { TaskAlertChange } from '@weir/engine';
import type { DagFunctions } from '../dag-functions.ts';
import type { Invocation, InvocationResult, ThrownError } from './protocol.ts';

/** What the executor gives the function's context besides the invocation's own facts. */
export interface InvocationServices {
  readonly log: TaskLogger;
  readonly lookups: ContextLookups;
}

export async function invoke(
  functions: DagFunctions,
  invocation: Invocation,
  services: InvocationServices,
  signal: AbortSignal,
): Promise<InvocationResult> {
  const outlets = outletEvents(invocation.outlets ?? []);
  const alerts = taskAlerts();
  try {
    const returned = await call(functions, invocation, services, signal, outlets.events, alerts.api);
    if (invocation.result === 'ignore') return { kind: 'returned' };
    if (invocation.result === 'poke' && !isPokeDone(returned))
      return { kind: 'returned', done: false, ...alerts.changes() };
    // A branch's output is the ids it followed, as Airflow's branch pushes them.
    const followed = invocation.result === 'branch' ? branchChoice(returned) : undefined;
    const value = followed ?? returned;
    const done = {
      ...(invocation.result === 'poke'
        ? { done: true }
        : invocation.result === 'short_circuit'
          ? { falsy: !value }
          : followed
            ? { followed }
            : {}),
      ...outlets.extras(),
      ...alerts.changes(),
    };
    if (value === undefined) return { kind: 'returned', listLength: null, ...done };
    const encoded = encodeOutput(value);
    if (!encoded.ok) return { kind: 'unstorable', message: `task output cannot be stored: ${encoded.error}` };
    return {
      kind: 'returned',
      stored: encoded.stored,
      listLength: Array.isArray(value) ? value.length : null,
      ...done,
    };
  } catch (error) {
    return { kind: 'threw', error: thrownError(error), ...alerts.changes() };
  }
}

/** ctx.outlets for one invocation, and what the task set through it. */
function outletEvents(uris: readonly string[]): {
  events: OutletEvents;
  extras: () => { outletExtras?: Record<string, Record<string, unknown>> };
} {
  const set = new Map<string, Record<string, unknown>>();
  return {
    events: {
      extra(asset, extra) {
        const uri = typeof asset === 'string' ? asset : asset.uri;
        if (!uris.includes(uri))
          throw new TypeError(
            `ctx.outlets.extra: "${uri}" is not an outlet of this task (${uris.length > 0 ? uris.map((u) => `"${u}"`).join(', ') : 'it has none'})`,
          );
        if (typeof extra !== 'object' || extra === null || Array.isArray(extra))
          throw new TypeError('ctx.outlets.extra: the extra must be an object');
        set.set(uri, { ...set.get(uri), ...extra });
      },
    },
    extras: () => (set.size > 0 ? { outletExtras: Object.fromEntries(set) } : {}),
  };
}

const SEVERITIES = ['critical', 'error', 'warning', 'info'];
const MAX_CHECK = 200;
const MAX_TITLE = 500;

/** ctx.alerts for one invocation, and the last word it said per (kind, check). */
function taskAlerts(): { api: TaskAlerts; changes: () => { taskAlerts?: TaskAlertChange[] } } {
  const said = new Map<string, TaskAlertChange>();
  const identity = (kind: unknown, check: unknown, method: string) => {
    if (!(TASK_ALERT_KINDS as readonly unknown[]).includes(kind))
      throw new TypeError(`ctx.alerts.${method}: kind must be one of ${TASK_ALERT_KINDS.join(', ')}`);
    if (typeof check !== 'string' || check.length === 0 || check.length > MAX_CHECK)
      throw new TypeError(`ctx.alerts.${method}: check must be a string of 1 to ${MAX_CHECK} characters`);
    return `${kind}\u0000${check}`;
  };
  return {
    api: {
      raise(alert) {
        const key = identity(alert.kind, alert.check, 'raise');
        const severity = alert.severity ?? 'error';
        if (!SEVERITIES.includes(severity))
          throw new TypeError(`ctx.alerts.raise: severity must be one of ${SEVERITIES.join(', ')}`);
        if (typeof alert.title !== 'string' || alert.title.length === 0)
          throw new TypeError('ctx.alerts.raise: title must be a non-empty string');
        const detailsJson = JSON.stringify(alert.details ?? {});
        if (detailsJson === undefined || !detailsJson.startsWith('{'))
          throw new TypeError('ctx.alerts.raise: details must be a JSON object');
        said.set(key, {
          op: 'raise',
          kind: alert.kind,
          check: alert.check,
          severity,
          title: alert.title.slice(0, MAX_TITLE),
          detailsJson,
        });
      },
      resolve(alert) {
        said.set(identity(alert.kind, alert.check, 'resolve'), {
          op: 'resolve',
          kind: alert.kind,
          check: alert.check,
        });
      },
    },
    changes: () => (said.size > 0 ? { taskAlerts: [...said.values()] } : {}),
  };
}

/** A callback reacts to a try's end; what it could report is the task's to raise. */
const CALLBACK_ALERTS: TaskAlerts = {
  raise() {
    throw new TypeError('ctx.alerts is for task functions, not callbacks');
  },
  resolve() {
    throw new TypeError('ctx.alerts is for task functions, not callbacks');
  },
};

/** The worker sends triggeringAssetEvents only for an asset-triggered run. */
const NOT_ASSET_TRIGGERED: Record<string, unknown> = { triggeringAssetEvents: [] };

async function call(
  functions: DagFunctions,
  { fileloc, dagId, target, context, args }: Invocation,
  { log, lookups }: InvocationServices,
  signal: AbortSignal,
  outlets: OutletEvents,
  alerts: TaskAlerts,
): Promise<unknown> {
  switch (target.kind) {
    case 'task': {
      const { task } = await functions.task(fileloc, dagId, target.taskId);
      return task.fn(
        { ...NOT_ASSET_TRIGGERED, ...context, ...lookups, log, signal, outlets, alerts } as TaskContext,
        ...args,
      );
    }
    case 'task_callback': {
      const { task } = await functions.task(fileloc, dagId, target.taskId);
      const callback = task.options[target.name];
      if (!callback) return undefined;
      return (callback as (ctx: CallbackContext<unknown>) => unknown)({
        ...NOT_ASSET_TRIGGERED,
        ...context,
        ...lookups,
        log,
        signal,
        outlets,
        alerts: CALLBACK_ALERTS,
      } as CallbackContext<unknown>);
    }
    case 'dag_callback': {
      const dag = await functions.dag(fileloc, dagId);
      const callback = dag.options[target.name];
      if (!callback) return undefined;
      return (callback as (ctx: DagRunContext<Record<string, unknown>>) => unknown)({
        ...context,
        ...lookups,
        log,
      } as DagRunContext<Record<string, unknown>>);
    }
    default:
      return assertNever(target);
  }
}

/** A branch's return value as the ids it follows: an id, a handle, a group, a list, or null. */
function branchChoice(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const one = (v: unknown): string => {
    if (typeof v === 'string') return v;
    if (isTaskHandle(v)) return v.taskId;
    if (isTaskGroupHandle(v)) return v.groupId;
    throw new TypeError(
      `a branch returns a task id, a task or group handle, a list of them, or null; got ${describe(v)}`,
    );
  };
  return [...new Set(Array.isArray(value) ? value.map(one) : [one(value)])];
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'a list' : 'an object';
  return `${typeof value} ${String(value)}`;
}

export function thrownError(error: unknown): ThrownError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), stack: null };
  const marked = error as Error & { weirOutcome?: unknown; delayMs?: unknown };
  return {
    name: error.name,
    message: error.message,
    stack: error.stack ?? null,
    ...(typeof marked.weirOutcome === 'string' ? { weirOutcome: marked.weirOutcome } : {}),
    ...(typeof marked.delayMs === 'number' ? { delayMs: marked.delayMs } : {}),
  };
}

function assertNever(value: never): never {
  throw new Error(`unknown invocation target ${JSON.stringify(value)}`);
}
