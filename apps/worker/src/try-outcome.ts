// Owns what a try's end means: an executor's ExecutionEnd (a result, a stop, a death) turned
// into the try's outcome, with the checks a stored output must pass (size, a list for a mapped
// task to expand over). Pure: no I/O.
import type { TaskAlertChange, TryOutcome } from '@weir/engine';
import { downstreamOf, expandSources } from '@weir/engine';
import { classifyThrown, type SerializedDag, type SerializedTask } from '@weir/sdk';
import type { ExecutionEnd } from './executors/executor.ts';
import type { ThrownError } from './executors/protocol.ts';

/** What a stored output must satisfy for this task. */
export interface OutputRules {
  /** Largest output (stored bytes) a task may return. */
  readonly xcomMaxBytes: number;
  readonly maxMapLength: number;
  /** Mapped tasks that expand over this task's output: it must then be a short enough list. */
  readonly expandedBy: readonly string[];
  /** For a branch or short-circuit. */
  readonly skips?: SkipRule;
  /** The task's outlets: a success records an asset event for each. */
  readonly outlets?: readonly string[];
}

/**
 * What a branch or a short-circuit skips. A branch may follow its direct downstream tasks (or a
 * task group holding some: then those of its tasks), and skips the ones it did not choose; a
 * falsy short-circuit skips `onFalsy`.
 */
export type SkipRule =
  | { readonly kind: 'branch'; readonly taskId: string; readonly direct: readonly string[] }
  | { readonly kind: 'short_circuit'; readonly onFalsy: readonly string[] };

/** The skip rule of a branch or short-circuit task; undefined for other kinds. */
export function skipRuleOf(dag: SerializedDag, task: SerializedTask): SkipRule | undefined {
  if (task.kind !== 'branch' && task.kind !== 'short_circuit') return undefined;
  const direct = dag.tasks.filter((t) => t.upstreams.includes(task.taskId)).map((t) => t.taskId);
  if (task.kind === 'branch') return { kind: 'branch', taskId: task.taskId, direct };
  return {
    kind: 'short_circuit',
    onFalsy: task.respectTriggerRules ? direct : [...downstreamOf(dag, [task.taskId])],
  };
}

/** The mapped tasks of `dag` that expand over `task`'s output. */
export function expandedBy(dag: SerializedDag, task: SerializedTask): string[] {
  return dag.tasks
    .filter((consumer) => consumer.mapping && expandSources(consumer.mapping).includes(task.taskId))
    .map((consumer) => consumer.taskId);
}

export function outcomeOf(end: ExecutionEnd, rules: OutputRules): TryOutcome {
  switch (end.kind) {
    case 'stopped':
      if (end.reason.kind === 'timeout')
        return {
          ...failed(
            {
              message: `task timed out after ${formatMs(end.reason.timeoutMs)} (executionTimeout); its executor was stopped`,
              stack: null,
            },
            true,
          ),
          attemptOutcome: 'timed_out',
        };
      return {
        ...failed({ message: `the try was stopped (${end.reason.kind})`, stack: null }, true),
        attemptOutcome: 'cancelled',
      };
    case 'died':
      return failed({ message: end.message, stack: null }, true);
    case 'result': {
      const result = end.result;
      switch (result.kind) {
        case 'unstorable':
          return failed({ message: result.message, stack: null }, false);
        case 'threw':
          return withTaskAlerts(thrownOutcome(result.error), result.taskAlerts);
        case 'returned':
          return withTaskAlerts(
            withAssetEvents(
              withSkips(storedOutcome(result.stored, result.listLength ?? null, rules), result, rules.skips),
              result.outletExtras,
              rules.outlets ?? [],
            ),
            result.taskAlerts,
          );
        default:
          return assertNever(result);
      }
    }
    default:
      return assertNever(end);
  }
}

/** What the task said through ctx.alerts rides on its success or failure, recorded with its end. */
function withTaskAlerts(outcome: TryOutcome, changes: readonly TaskAlertChange[] | undefined): TryOutcome {
  if (!changes || changes.length === 0) return outcome;
  if (outcome.kind !== 'success' && outcome.kind !== 'failed') return outcome;
  return { ...outcome, taskAlerts: changes };
}

/** A success updates the task's outlets: one asset event each, with the extra the task set. */
function withAssetEvents(
  outcome: TryOutcome,
  extras: Readonly<Record<string, Record<string, unknown>>> | undefined,
  outlets: readonly string[],
): TryOutcome {
  if (outcome.kind !== 'success' || outlets.length === 0) return outcome;
  const assetEvents = [];
  for (const uri of outlets) {
    const extra = extras?.[uri] ?? {};
    const json = JSON.stringify(extra);
    if (json === undefined || JSON.stringify(JSON.parse(json)) !== json)
      return failed({ message: `ctx.outlets.extra for "${uri}" must be JSON`, stack: null }, false);
    assetEvents.push({ uri, extraJson: json });
  }
  return { ...outcome, assetEvents };
}

/** A successful branch or short-circuit: what it skips, or a failure for a choice it cannot make. */
function withSkips(
  outcome: TryOutcome,
  result: { readonly followed?: readonly string[]; readonly falsy?: boolean },
  rule: SkipRule | undefined,
): TryOutcome {
  if (!rule || outcome.kind !== 'success') return outcome;
  if (rule.kind === 'short_circuit')
    return result.falsy ? { ...outcome, skipTaskIds: rule.onFalsy } : outcome;
  const followed = new Set<string>();
  for (const id of result.followed ?? []) {
    // A task, or a group: then its tasks among the direct downstreams.
    const chosen = rule.direct.filter((t) => t === id || t.startsWith(`${id}.`));
    for (const t of chosen) followed.add(t);
    if (chosen.length === 0)
      return failed(
        {
          message: `"${id}" is not a direct downstream task of branch "${rule.taskId}"; it may follow ${
            rule.direct.length > 0
              ? rule.direct.map((t) => `"${t}"`).join(', ')
              : 'nothing (it has no downstream tasks)'
          }`,
          stack: null,
        },
        true,
      );
  }
  return { ...outcome, skipTaskIds: rule.direct.filter((t) => !followed.has(t)) };
}

function storedOutcome(
  stored: string | undefined,
  listLength: number | null,
  rules: OutputRules,
): TryOutcome {
  // A task whose output a mapped task expands over must return a list no longer than the map
  // limit; otherwise this task (the one that pushed the list) fails, with the reason.
  for (const consumer of rules.expandedBy) {
    if (listLength === null)
      return failed(
        {
          message: `mapped task "${consumer}" expands over this task's output, which must be a list`,
          stack: null,
        },
        false,
      );
    if (listLength > rules.maxMapLength)
      return failed(
        {
          message: `returned ${listLength} items for mapped task "${consumer}" to expand over; the limit is ${rules.maxMapLength} (WEIR_MAX_MAP_LENGTH)`,
          stack: null,
        },
        false,
      );
  }
  if (stored === undefined) return { kind: 'success', output: undefined, outputJson: undefined };
  const size = Buffer.byteLength(stored);
  if (size > rules.xcomMaxBytes) {
    return failed(
      {
        message: `task output is ${formatBytes(size)}, over the XCom limit of ${formatBytes(rules.xcomMaxBytes)} (WEIR_XCOM_MAX_BYTES); write large data to the lake and return its location`,
        stack: null,
      },
      false,
    );
  }
  return { kind: 'success', output: undefined, outputJson: stored };
}

function thrownOutcome(error: ThrownError): TryOutcome {
  if (error.weirOutcome === 'removed') return { kind: 'removed', reason: error.message };
  const thrown = classifyThrown(error);
  const plain = { message: error.message, stack: error.stack };
  switch (thrown.kind) {
    case 'skip':
      return { kind: 'skipped', reason: error.message };
    case 'fail':
      return failed(plain, false);
    case 'retry_after':
      return { ...failed(plain, true), retryAfterMs: thrown.delayMs };
    case 'error':
      return failed(plain, true);
    default:
      return assertNever(thrown);
  }
}

export function failed(
  error: { message: string; stack: string | null },
  retryable: boolean,
): Extract<TryOutcome, { kind: 'failed' }> {
  return { kind: 'failed', error: { message: error.message, stack: error.stack }, retryable };
}

export function errorOf(error: unknown): { message: string; stack: string | null } {
  const e = error instanceof Error ? error : new Error(String(error));
  return { message: e.message, stack: e.stack ?? null };
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function formatBytes(bytes: number): string {
  if (bytes < 10 * 1024) return `${bytes} bytes`;
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}

/** The outcome with secrets masked in what is stored of it: a failure's error, a skip's reason. */
export function maskedOutcome(outcome: TryOutcome, mask: (text: string) => string): TryOutcome {
  if (outcome.kind === 'failed')
    return {
      ...outcome,
      error: {
        message: mask(outcome.error.message),
        stack: outcome.error.stack === null ? null : mask(outcome.error.stack),
      },
    };
  if (outcome.kind === 'skipped') return { ...outcome, reason: mask(outcome.reason) };
  return outcome;
}
