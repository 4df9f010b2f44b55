// Owns a DagRun's state as Airflow 2's DagRun.update_state decides it from its TaskInstances:
// - while any TaskInstance is unfinished, the run is running, even if a leaf already failed;
// - once all are finished: failed if any leaf (a task nothing depends on; removed ones ignored)
//   is failed or upstream_failed, else success;
// - the leaves that decide are Airflow's "effective" leaves (runStateTaskIds): a teardown is left
//   out, and the tasks before it count as leaves, unless it has failRun (on_failure_fail_dagrun);
// - deadlock ("all_tasks_deadlocked"): unfinished TaskInstances remain but none can ever run.
//   That needs each waiting task's trigger rule and upstreams; pass them and this function
//   detects it, leave them out and the caller must (the run then stays running).
import type { SerializedSetupTeardown, TriggerRule } from '@weir/sdk';
import { isFailedState, isFinished, type TaskInstanceState } from './states.ts';
import { evaluateTriggerRule, summarizeUpstreams } from './trigger-rules.ts';

export interface DagRunTask {
  readonly taskId: string;
  readonly state: TaskInstanceState;
  readonly isLeaf: boolean;
  /** For deadlock detection: the task's trigger rule and upstream task ids. */
  readonly triggerRule?: TriggerRule;
  readonly upstreams?: readonly string[];
}

export type DagRunDecision =
  | { readonly state: 'running' }
  | { readonly state: 'success' }
  | { readonly state: 'failed'; readonly reason: string };

/** What runStateTaskIds needs of each task. */
export interface RunStateTask {
  readonly taskId: string;
  readonly upstreams: readonly string[];
  readonly setupTeardown?: SerializedSetupTeardown | null;
}

/**
 * The tasks whose states decide a finished run's state (its leaves), as Airflow's
 * `_tis_for_dagrun_state`: a task is a leaf when everything downstream of it is a teardown that
 * may fail without failing the run, and it is not such a teardown itself. A DAG made only of
 * those teardowns falls back to its plain leaves.
 */
export function runStateTaskIds(tasks: readonly RunStateTask[]): Set<string> {
  const ignorable = (t: RunStateTask | undefined) =>
    t?.setupTeardown?.role === 'teardown' && !t.setupTeardown.failRun;
  const byId = new Map(tasks.map((t) => [t.taskId, t]));
  const downstreams = new Map<string, string[]>();
  for (const t of tasks)
    for (const up of t.upstreams) downstreams.set(up, [...(downstreams.get(up) ?? []), t.taskId]);
  const effective = tasks.filter(
    (t) => !ignorable(t) && (downstreams.get(t.taskId) ?? []).every((d) => ignorable(byId.get(d))),
  );
  const leaves = effective.length > 0 ? effective : tasks.filter((t) => !downstreams.has(t.taskId));
  return new Set(leaves.map((t) => t.taskId));
}

/** One entry per TaskInstance: a mapped task appears once per map index. */
export function decideDagRunState(tasks: readonly DagRunTask[]): DagRunDecision {
  const unfinished = tasks.filter((t) => !isFinished(t.state));
  if (unfinished.length > 0) {
    const deadlock = findDeadlock(tasks, unfinished);
    return deadlock === null ? { state: 'running' } : { state: 'failed', reason: deadlock };
  }
  const failedLeaves = tasks.filter((t) => t.isLeaf && isFailedState(t.state));
  const [first] = failedLeaves;
  if (first === undefined) return { state: 'success' };
  const more = failedLeaves.length > 1 ? ` (and ${failedLeaves.length - 1} more)` : '';
  return { state: 'failed', reason: `task "${first.taskId}" ended ${first.state}${more}` };
}

/**
 * A reason when no unfinished TaskInstance can ever make progress: none is queued, running or
 * waiting to retry, and every one not yet started waits on its trigger rule, which no upstream
 * can change any more. Null when something can still happen, or when the rules are unknown.
 */
function findDeadlock(tasks: readonly DagRunTask[], unfinished: readonly DagRunTask[]): string | null {
  // scheduled, queued, running, up_for_retry and up_for_reschedule all move on by themselves.
  if (unfinished.some((t) => t.state !== 'none')) return null;
  const statesOf = new Map<string, TaskInstanceState[]>();
  for (const t of tasks) statesOf.set(t.taskId, [...(statesOf.get(t.taskId) ?? []), t.state]);
  for (const t of unfinished) {
    if (t.triggerRule === undefined || t.upstreams === undefined) return null;
    // An upstream without TaskInstances never runs: it counts as not done.
    const upstreamStates = t.upstreams.flatMap((id) => statesOf.get(id) ?? (['none'] as const));
    if (evaluateTriggerRule(t.triggerRule, summarizeUpstreams(upstreamStates)).kind !== 'wait') return null;
  }
  const names = [...new Set(unfinished.map((t) => t.taskId))];
  const shown = names
    .slice(0, 5)
    .map((id) => `"${id}"`)
    .join(', ');
  return `deadlock: no task can run; ${shown}${names.length > 5 ? ` and ${names.length - 5} more` : ''} wait on upstream tasks that will not change`;
}
