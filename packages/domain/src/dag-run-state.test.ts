// Airflow 2's DagRun.update_state: failed once everything finished and a leaf failed or is
// upstream_failed; success once everything finished otherwise; failed on deadlock.
import { describe, expect, it } from 'vitest';
import { type DagRunTask, decideDagRunState, runStateTaskIds } from './dag-run-state.ts';
import type { TaskInstanceState } from './states.ts';

const leaf = (taskId: string, state: TaskInstanceState): DagRunTask => ({ taskId, state, isLeaf: true });
const inner = (taskId: string, state: TaskInstanceState): DagRunTask => ({ taskId, state, isLeaf: false });

describe('decideDagRunState', () => {
  it('succeeds when every task finished and every leaf succeeded or was skipped', () => {
    expect(decideDagRunState([inner('a', 'success'), leaf('b', 'success'), leaf('c', 'skipped')])).toEqual({
      state: 'success',
    });
  });

  it('fails when a leaf failed', () => {
    expect(decideDagRunState([inner('a', 'success'), leaf('b', 'failed'), leaf('c', 'success')])).toEqual({
      state: 'failed',
      reason: 'task "b" ended failed',
    });
  });

  it('fails when a leaf is upstream_failed, naming how many', () => {
    expect(
      decideDagRunState([inner('a', 'failed'), leaf('b', 'upstream_failed'), leaf('c', 'upstream_failed')]),
    ).toEqual({
      state: 'failed',
      reason: 'task "b" ended upstream_failed (and 1 more)',
    });
  });

  it('succeeds when only a non-leaf failed and the leaf ran anyway (an all_done cleanup)', () => {
    expect(decideDagRunState([inner('a', 'failed'), leaf('cleanup', 'success')])).toEqual({
      state: 'success',
    });
  });

  it('ignores removed leaves', () => {
    expect(decideDagRunState([inner('a', 'success'), leaf('b', 'success'), leaf('gone', 'removed')])).toEqual(
      { state: 'success' },
    );
  });

  it('keeps running while any task is unfinished, even after a leaf failed', () => {
    for (const state of [
      'none',
      'scheduled',
      'queued',
      'running',
      'up_for_retry',
      'up_for_reschedule',
    ] as const) {
      expect(decideDagRunState([leaf('a', 'failed'), leaf('b', state)])).toEqual({ state: 'running' });
    }
  });

  it('counts every map index of a mapped leaf', () => {
    expect(
      decideDagRunState([leaf('m', 'success'), leaf('m', 'failed'), leaf('m', 'success')]),
    ).toMatchObject({ state: 'failed' });
  });

  describe('deadlock', () => {
    it('fails a run whose waiting tasks can never run', () => {
      // all_success after a removed upstream waits forever (Airflow: all_tasks_deadlocked).
      const tasks: DagRunTask[] = [
        { taskId: 'old', state: 'removed', isLeaf: false },
        { taskId: 'next', state: 'none', isLeaf: true, triggerRule: 'all_success', upstreams: ['old'] },
      ];
      expect(decideDagRunState(tasks)).toEqual({
        state: 'failed',
        reason: 'deadlock: no task can run; "next" wait on upstream tasks that will not change',
      });
    });

    it('is not a deadlock while a task that is not started can run, skip or be marked upstream_failed', () => {
      const waitingOnRunnable: DagRunTask[] = [
        { taskId: 'a', state: 'none', isLeaf: false, triggerRule: 'all_success', upstreams: [] },
        { taskId: 'b', state: 'none', isLeaf: true, triggerRule: 'all_success', upstreams: ['a'] },
      ];
      expect(decideDagRunState(waitingOnRunnable)).toEqual({ state: 'running' });
      const toSettle: DagRunTask[] = [
        { taskId: 'a', state: 'failed', isLeaf: false },
        { taskId: 'b', state: 'none', isLeaf: true, triggerRule: 'all_success', upstreams: ['a'] },
      ];
      expect(decideDagRunState(toSettle)).toEqual({ state: 'running' });
    });

    it('is not a deadlock while something is queued, running or waiting to retry', () => {
      const tasks: DagRunTask[] = [
        { taskId: 'a', state: 'up_for_retry', isLeaf: false, triggerRule: 'all_success', upstreams: [] },
        { taskId: 'b', state: 'none', isLeaf: true, triggerRule: 'all_success', upstreams: ['a'] },
      ];
      expect(decideDagRunState(tasks)).toEqual({ state: 'running' });
    });

    it('leaves deadlock detection to the caller when trigger rules are not given', () => {
      expect(decideDagRunState([inner('old', 'removed'), leaf('next', 'none')])).toEqual({
        state: 'running',
      });
    });
  });
});

describe('runStateTaskIds (Airflow _tis_for_dagrun_state)', () => {
  const task = (taskId: string, upstreams: string[], role?: 'setup' | 'teardown', failRun = false) => ({
    taskId,
    upstreams,
    setupTeardown:
      role === 'teardown' ? { role, setups: ['s'], failRun } : role === 'setup' ? { role } : null,
  });
  it('leaves a teardown out; the tasks before it decide', () => {
    expect(
      runStateTaskIds([task('s', [], 'setup'), task('w', ['s']), task('t', ['s', 'w'], 'teardown')]),
    ).toEqual(new Set(['w']));
  });
  it('counts a teardown with failRun, and then not the tasks before it', () => {
    expect(
      runStateTaskIds([task('s', [], 'setup'), task('w', ['s']), task('t', ['s', 'w'], 'teardown', true)]),
    ).toEqual(new Set(['t']));
  });
  it('is the plain leaves without teardowns, and falls back to them for a DAG of teardowns only', () => {
    expect(runStateTaskIds([task('a', []), task('b', ['a']), task('c', ['a'])])).toEqual(new Set(['b', 'c']));
    expect(runStateTaskIds([{ ...task('t', [], 'teardown') }])).toEqual(new Set(['t']));
  });
});
