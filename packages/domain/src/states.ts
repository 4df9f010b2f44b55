// Owns the TaskInstance and DagRun states (Airflow's names) and every predicate over them, so no
// other module re-derives "is this finished?" with its own list.

import type { DagRunState, TaskInstanceState } from '@weir/sdk';

export { DAG_RUN_STATES, type DagRunState, TASK_INSTANCE_STATES, type TaskInstanceState } from '@weir/sdk';

/** For the `default` of a switch that has handled every case: a compile error if one is missing. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

/** Airflow's `State.finished`: the TaskInstance will not change again unless a user clears it. */
export function isFinished(state: TaskInstanceState): boolean {
  switch (state) {
    case 'success':
    case 'failed':
    case 'skipped':
    case 'upstream_failed':
    case 'removed':
      return true;
    case 'none':
    case 'scheduled':
    case 'queued':
    case 'running':
    case 'up_for_retry':
    case 'up_for_reschedule':
      return false;
    default:
      return assertNever(state);
  }
}

/** Airflow's `State.unfinished`. */
export function isUnfinished(state: TaskInstanceState): boolean {
  return !isFinished(state);
}

/** Airflow's `State.failed_states`: a leaf in one of these fails its DagRun. */
export function isFailedState(state: TaskInstanceState): boolean {
  return state === 'failed' || state === 'upstream_failed';
}

/** Airflow's `State.success_states`: a DagRun whose leaves all end in these succeeds. */
export function isSuccessState(state: TaskInstanceState): boolean {
  return state === 'success' || state === 'skipped';
}

/** Holding or about to hold a worker slot (counts against pools and maxActiveTasks). */
export function isActive(state: TaskInstanceState): boolean {
  return state === 'queued' || state === 'running';
}

export interface RunnableCheck {
  readonly state: TaskInstanceState;
  /** When an `up_for_retry` try may start again (null: at once). */
  readonly nextRetryAt?: Date | null;
  /** When an `up_for_reschedule` sensor may poke again (null: at once). */
  readonly rescheduleAt?: Date | null;
}

/**
 * Whether the scheduler may queue the TaskInstance at `now`, once its trigger rule passes: it has
 * not started (`none`, `scheduled`), or it is waiting out a retry delay or a sensor's reschedule
 * interval that has ended (Airflow's NotInRetryPeriodDep and ReadyToRescheduleDep). Given a bare
 * state, says whether the state is one a try can start from, whatever the time.
 */
export function isRunnableNow(state: TaskInstanceState): boolean;
export function isRunnableNow(ti: RunnableCheck, now: Date): boolean;
export function isRunnableNow(stateOrTi: TaskInstanceState | RunnableCheck, now?: Date): boolean {
  const ti: RunnableCheck = typeof stateOrTi === 'string' ? { state: stateOrTi } : stateOrTi;
  const due = (at: Date | null | undefined) =>
    at == null || now === undefined || at.getTime() <= now.getTime();
  switch (ti.state) {
    case 'none':
    case 'scheduled':
      return true;
    case 'up_for_retry':
      return due(ti.nextRetryAt);
    case 'up_for_reschedule':
      return due(ti.rescheduleAt);
    case 'queued':
    case 'running':
    case 'success':
    case 'failed':
    case 'skipped':
    case 'upstream_failed':
    case 'removed':
      return false;
    default:
      return assertNever(ti.state);
  }
}

export function isDagRunFinished(state: DagRunState): boolean {
  switch (state) {
    case 'success':
    case 'failed':
      return true;
    case 'queued':
    case 'running':
      return false;
    default:
      return assertNever(state);
  }
}
