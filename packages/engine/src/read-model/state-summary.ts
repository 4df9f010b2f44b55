// Owns the one state that stands for several task instances (a mapped task's, a task group's), in
// Airflow's priority order: a failure or a retry is never hidden behind successes.
import type { TaskInstanceState } from '@weir/domain';

/** Airflow's `State.priority` (airflow/utils/state.py), Weir's states only. */
const PRIORITY: readonly TaskInstanceState[] = [
  'failed',
  'upstream_failed',
  'up_for_retry',
  'up_for_reschedule',
  'queued',
  'scheduled',
  'running',
  'none',
  'success',
  'skipped',
  'removed',
];
const RANK = new Map(PRIORITY.map((state, i) => [state, i]));

/** The state a summary of these instance states shows; null when there are none. */
export function summaryState(states: Iterable<TaskInstanceState>): TaskInstanceState | null {
  let best: TaskInstanceState | null = null;
  let rank = Number.POSITIVE_INFINITY;
  for (const state of states) {
    const r = RANK.get(state) ?? PRIORITY.length;
    if (r < rank) {
      rank = r;
      best = state;
    }
  }
  return best;
}

/** Counts by state, in the same order (failures first), so a breakdown always reads the same. */
export function inPriorityOrder<T>(counts: Readonly<Record<string, T>>): Record<string, T> {
  const rank = (state: string) => RANK.get(state as TaskInstanceState) ?? PRIORITY.length;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => rank(a) - rank(b)));
}
