// Owns the task instance and run states, and every predicate over them.

export type TaskInstanceState =
  | 'none'
  | 'scheduled'
  | 'queued'
  | 'running'
  | 'success'
  | 'failed'
  | 'skipped'
  | 'upstream_failed'
  | 'up_for_retry'
  | 'up_for_reschedule'
  | 'removed';

export type DagRunState = 'queued' | 'running' | 'success' | 'failed';

const FINISHED: ReadonlySet<TaskInstanceState> = new Set(['success', 'failed', 'skipped', 'upstream_failed', 'removed']);

export function isFinished(state: TaskInstanceState): boolean {
  return FINISHED.has(state);
}

export function isUnfinished(state: TaskInstanceState): boolean {
  return !FINISHED.has(state);
}

/** States from which the scheduler may queue a try. */
export function isRunnableNow(state: TaskInstanceState): boolean {
  return state === 'none' || state === 'scheduled' || state === 'up_for_retry' || state === 'up_for_reschedule';
}

export function isDagRunFinished(state: DagRunState): boolean {
  return state === 'success' || state === 'failed';
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
