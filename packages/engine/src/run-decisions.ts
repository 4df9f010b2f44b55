// Owns the pure part of a scheduling pass: given a run's task instance counts per (task, state)
// and its candidate instances, which run now, which expand, and which settle as skipped or
// upstream_failed. Skips and upstream failures cascade within one call. It works on counts, not
// rows, so a task mapped over 10,000 instances costs one entry per state.
import {
  evaluateTriggerRule,
  summarizeUpstreamCounts,
  type TaskInstanceState,
  type TriggerDecision,
} from '@weir/domain';
import type { SerializedDag, SerializedTask } from '@weir/sdk';

/** A task instance as a scheduling pass reads it. */
export interface TiRow {
  id: number;
  task_id: string;
  map_index: number;
  state: TaskInstanceState;
  try_number: number;
  pool: string;
  pool_slots: number;
  queue: string;
  priority_weight: number;
}

/** How many instances of each task are in each state. */
export type StateCounts = Map<string, Map<TaskInstanceState, number>>;

export function countStates(
  rows: Iterable<{ task_id: string; state: TaskInstanceState; n: number }>,
): StateCounts {
  const counts: StateCounts = new Map();
  for (const row of rows) {
    const byState = statesOf(counts, row.task_id);
    byState.set(row.state, (byState.get(row.state) ?? 0) + row.n);
  }
  return counts;
}

/** For dependsOnPast: the states of those tasks in the DAG's previous run, or null for a first run. */
export type PreviousRun = Map<string, TaskInstanceState[]> | null;

export type FinalState = 'skipped' | 'upstream_failed' | 'failed';

export interface Decisions {
  readonly finalStates: Map<FinalState, number[]>;
  readonly runnable: TiRow[];
  /** Mapped tasks' placeholders (map index -1) whose upstreams allow them to expand now. */
  readonly toExpand: TiRow[];
}

export function settle(decisions: Decisions, state: FinalState, id: number): void {
  const ids = decisions.finalStates.get(state);
  if (ids) ids.push(id);
  else decisions.finalStates.set(state, [id]);
}

/**
 * Trigger rules over the run's counts for the candidates (instances in `none`, or whose retry or
 * reschedule wait is over). `counts` is updated with the states this decides, so the caller can
 * tell whether everything has finished.
 */
export function decide(
  dag: SerializedDag,
  counts: StateCounts,
  candidates: readonly TiRow[],
  previous: PreviousRun,
): Decisions {
  const tasks = new Map<string, SerializedTask>(dag.tasks.map((t) => [t.taskId, t]));
  const byTask = new Map<string, TiRow[]>();
  for (const ti of candidates) {
    const list = byTask.get(ti.task_id);
    if (list) list.push(ti);
    else byTask.set(ti.task_id, [ti]);
  }
  const decisions: Decisions = { finalStates: new Map(), runnable: [], toExpand: [] };
  // A skip or upstream failure can unblock (and decide) downstream tasks in the same pass.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [taskId, tis] of byTask) {
      const task = tasks.get(taskId);
      if (!task) continue;
      if (task.dependsOnPast && !pastAllows(previous, taskId)) continue;
      const decision = ruleDecision(task, counts, tasks);
      if (decision.kind === 'wait') continue;
      byTask.delete(taskId);
      if (decision.kind === 'run') {
        for (const ti of tis) {
          if (task.mapping && ti.map_index === -1) decisions.toExpand.push(ti);
          else decisions.runnable.push(ti);
        }
        continue;
      }
      const state = decision.kind === 'skip' ? 'skipped' : 'upstream_failed';
      for (const ti of tis) {
        settle(decisions, state, ti.id);
        move(counts, taskId, ti.state, state);
      }
      changed = true;
    }
  }
  return decisions;
}

function ruleDecision(
  task: SerializedTask,
  counts: StateCounts,
  tasks: ReadonlyMap<string, SerializedTask>,
): TriggerDecision {
  const upstreamCounts = task.upstreams.flatMap((id) => [...(counts.get(id) ?? [])]);
  const summary = summarizeUpstreamCounts(upstreamCounts);
  if (task.triggerRule !== 'all_done_setup_success') return evaluateTriggerRule(task.triggerRule, summary);
  // Airflow counts the direct upstreams that are setup tasks.
  const setupCounts = task.upstreams
    .filter((id) => tasks.get(id)?.setupTeardown?.role === 'setup')
    .flatMap((id) => [...(counts.get(id) ?? [])]);
  const setups = summarizeUpstreamCounts(setupCounts);
  return evaluateTriggerRule(task.triggerRule, {
    ...summary,
    setups: { total: setups.total, success: setups.success, skipped: setups.skipped },
  });
}

export function move(
  counts: StateCounts,
  taskId: string,
  from: TaskInstanceState,
  to: TaskInstanceState,
): void {
  const byState = statesOf(counts, taskId);
  byState.set(from, (byState.get(from) ?? 0) - 1);
  byState.set(to, (byState.get(to) ?? 0) + 1);
}

function statesOf(counts: StateCounts, taskId: string): Map<TaskInstanceState, number> {
  const existing = counts.get(taskId);
  if (existing) return existing;
  const created = new Map<TaskInstanceState, number>();
  counts.set(taskId, created);
  return created;
}

/** Airflow's depends_on_past: the same task succeeded or was skipped in the previous run. */
function pastAllows(previous: PreviousRun, taskId: string): boolean {
  if (previous === null) return true; // the DAG's first run is exempt
  const states = previous.get(taskId);
  if (!states) return true; // the task did not exist in the previous run
  return states.every((s) => s === 'success' || s === 'skipped');
}
