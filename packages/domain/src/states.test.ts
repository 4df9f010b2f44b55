import { describe, expect, it } from 'vitest';
import {
  DAG_RUN_STATES,
  isDagRunFinished,
  isFailedState,
  isFinished,
  isRunnableNow,
  isSuccessState,
  isUnfinished,
  TASK_INSTANCE_STATES,
  type TaskInstanceState,
} from './states.ts';

describe('task instance states', () => {
  it('splits states into finished and unfinished as Airflow does', () => {
    const finished = TASK_INSTANCE_STATES.filter(isFinished);
    expect(finished).toEqual(['success', 'failed', 'skipped', 'upstream_failed', 'removed']);
    expect(TASK_INSTANCE_STATES.filter(isUnfinished)).toEqual([
      'none',
      'scheduled',
      'queued',
      'running',
      'up_for_retry',
      'up_for_reschedule',
    ]);
    expect(TASK_INSTANCE_STATES.filter(isFailedState)).toEqual(['failed', 'upstream_failed']);
    expect(TASK_INSTANCE_STATES.filter(isSuccessState)).toEqual(['success', 'skipped']);
  });

  it('runs a try only from a not-started state or once a retry or reschedule wait is over', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    const before = new Date('2026-01-01T11:59:59Z');
    const after = new Date('2026-01-01T12:00:01Z');
    const runnable = (state: TaskInstanceState, at: Date | null = null) =>
      isRunnableNow({ state, nextRetryAt: at, rescheduleAt: at }, now);
    expect(TASK_INSTANCE_STATES.filter((s) => runnable(s))).toEqual([
      'none',
      'scheduled',
      'up_for_retry',
      'up_for_reschedule',
    ]);
    expect(runnable('up_for_retry', before)).toBe(true);
    expect(runnable('up_for_retry', now)).toBe(true);
    expect(runnable('up_for_retry', after)).toBe(false);
    expect(runnable('up_for_reschedule', after)).toBe(false);
    expect(runnable('none', after)).toBe(true);
    expect(isRunnableNow('up_for_retry')).toBe(true);
    expect(isRunnableNow('running')).toBe(false);
  });
});

describe('dag run states', () => {
  it('finishes in success or failed', () => {
    expect(DAG_RUN_STATES.filter(isDagRunFinished)).toEqual(['success', 'failed']);
  });
});
