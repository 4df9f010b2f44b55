// Each row: a rule, its upstreams' states, what the scheduler must do, and the Airflow behaviour
// it follows (airflow/ti_deps/deps/trigger_rule_dep.py with flag_upstream_failed=True, its tests
// in tests/ti_deps/deps/test_trigger_rule_dep.py, and the "Trigger Rules" section of the DAG docs).
import type { TriggerRule } from '@weir/sdk';
import { TRIGGER_RULES } from '@weir/sdk';
import { describe, expect, it } from 'vitest';
import type { TaskInstanceState } from './states.ts';
import { TASK_INSTANCE_STATES } from './states.ts';
import {
  decidesBeforeAllDone,
  evaluateTriggerRule,
  summarizeUpstreamCounts,
  summarizeUpstreams,
  type TriggerDecision,
} from './trigger-rules.ts';

type Kind = TriggerDecision['kind'];

const S: TaskInstanceState = 'success';
const F: TaskInstanceState = 'failed';
const K: TaskInstanceState = 'skipped';
const U: TaskInstanceState = 'upstream_failed';
const R: TaskInstanceState = 'removed';
const N: TaskInstanceState = 'none';
const Q: TaskInstanceState = 'queued';
const X: TaskInstanceState = 'running';
const Y: TaskInstanceState = 'up_for_retry';

const rows: [rule: TriggerRule, upstreams: TaskInstanceState[], expected: Kind, why: string][] = [
  // all_success (default): "all upstream tasks have succeeded"; failures propagate at once as
  // upstream_failed, skips cascade at once, without waiting for the other upstreams.
  ['all_success', [S, S, S], 'run', 'all upstreams succeeded'],
  ['all_success', [S, S, X], 'wait', 'one upstream still running'],
  ['all_success', [S, Y], 'wait', 'up_for_retry is not finished: the upstream may still succeed'],
  [
    'all_success',
    [F, X],
    'upstream_failed',
    'a failure marks upstream_failed at once (test_all_success_tr_failure)',
  ],
  ['all_success', [U, N], 'upstream_failed', 'upstream_failed propagates down the chain'],
  ['all_success', [S, K], 'skip', 'a skipped upstream skips the task (test_all_success_tr_skip)'],
  ['all_success', [K, X], 'skip', 'the skip cascades without waiting for the others'],
  ['all_success', [K, F], 'upstream_failed', 'a failure wins over a skip (checked first)'],
  [
    'all_success',
    [S, R],
    'wait',
    'a removed upstream is neither success nor failure: waits (DagRun deadlock)',
  ],
  // all_failed: "all upstream tasks are in a failed or upstream_failed state".
  ['all_failed', [F, F], 'run', 'every upstream failed (test_all_failed_tr_success)'],
  ['all_failed', [F, U], 'run', 'upstream_failed counts as failed'],
  ['all_failed', [F, X], 'wait', 'waits for the rest to fail'],
  [
    'all_failed',
    [S, X],
    'skip',
    'a success makes the rule unreachable: skipped at once (test_all_failed_tr_failure)',
  ],
  ['all_failed', [K, F], 'skip', 'a skip makes the rule unreachable too'],
  // all_done: "all upstream tasks are done with their execution", whatever their state.
  ['all_done', [S, F, K, U], 'run', 'every upstream finished, in any state'],
  ['all_done', [F, R], 'run', 'removed counts as done'],
  ['all_done', [S, X], 'wait', 'one upstream not done (test_all_done_tr_failure)'],
  ['all_done', [S, Y], 'wait', 'up_for_retry is not done'],
  // all_done_min_one_success (Airflow 3.1): every non-skipped upstream done and one succeeded;
  // the implementation skips as soon as any upstream is skipped.
  ['all_done_min_one_success', [S, F], 'run', 'all done and one succeeded'],
  ['all_done_min_one_success', [F, U], 'upstream_failed', 'all done and none succeeded'],
  ['all_done_min_one_success', [S, X], 'wait', 'waits for all to be done even after a success'],
  ['all_done_min_one_success', [S, K], 'skip', 'a skipped upstream skips the task at once'],
  ['all_done_min_one_success', [K, X], 'skip', 'even before the others are done'],
  // all_skipped: "all upstream tasks have been skipped".
  ['all_skipped', [K, K, K], 'run', 'every upstream skipped (test_all_skipped_tr_success)'],
  ['all_skipped', [K, X], 'wait', 'waits for the rest'],
  [
    'all_skipped',
    [S, X],
    'skip',
    'a success makes it unreachable: skipped at once (test_all_skipped_tr_failure)',
  ],
  [
    'all_skipped',
    [U],
    'skip',
    'an upstream_failed upstream skips it too (test_all_skipped_tr_failure_upstream_failed)',
  ],
  ['all_skipped', [F, K], 'skip', 'so does a failure'],
  // one_success: "at least one upstream task has succeeded", without waiting for the others.
  ['one_success', [S, X, N], 'run', 'fires on the first success'],
  ['one_success', [F, X], 'wait', 'a failure alone does not decide while others may succeed'],
  ['one_success', [F, U, K], 'upstream_failed', 'all done, none succeeded (test_one_success_tr_failure)'],
  ['one_success', [K, K], 'skip', 'all done and all skipped (test_one_success_tr_failure_all_skipped)'],
  ['one_success', [K, X], 'wait', 'skips alone do not decide while one is running'],
  ['one_success', [K, F], 'upstream_failed', 'all done, not all skipped, none succeeded'],
  // one_failed: "at least one upstream task has failed", without waiting for the others.
  ['one_failed', [F, X], 'run', 'fires on the first failure'],
  ['one_failed', [U, K], 'run', 'upstream_failed counts (test_one_failure_tr_success_no_failed)'],
  ['one_failed', [S, X], 'wait', 'waits while an upstream may still fail'],
  ['one_failed', [S, S], 'skip', 'all done without a failure (test_one_failure_tr_failure)'],
  ['one_failed', [K, K], 'skip', 'all skipped: no failure'],
  // one_done: "at least one upstream task succeeded or failed".
  ['one_done', [S, X], 'run', 'fires on the first success'],
  ['one_done', [F, X], 'run', 'or the first failure (test_one_done_tr_success_with_failed)'],
  ['one_done', [K, X], 'wait', 'a skip is not "done" for this rule'],
  ['one_done', [K, K], 'skip', 'all skipped (test_one_done_tr_skip)'],
  [
    'one_done',
    [U, U],
    'skip',
    'upstream_failed is neither success nor failed (test_one_done_tr_upstream_failed)',
  ],
  // none_failed: "all upstream tasks have not failed or upstream_failed".
  ['none_failed', [S, K], 'run', 'successes and skips pass (test_none_failed_tr_success)'],
  ['none_failed', [K, K], 'run', 'all skipped still passes: the branch-join rule'],
  ['none_failed', [S, X], 'wait', 'waits for every upstream'],
  ['none_failed', [S, K, F], 'upstream_failed', 'a failure (test_none_failed_tr_failure)'],
  [
    'none_failed',
    [U, X],
    'upstream_failed',
    'an upstream_failed, at once (test_none_failed_tr_failure_with_upstream_failure)',
  ],
  // none_failed_min_one_success: no failure and at least one success.
  [
    'none_failed_min_one_success',
    [S, K],
    'run',
    'one success, rest skipped (test_none_failed_min_one_success_tr_success)',
  ],
  [
    'none_failed_min_one_success',
    [K, K],
    'skip',
    'all skipped (test_none_failed_min_one_success_tr_skipped)',
  ],
  [
    'none_failed_min_one_success',
    [S, K, F],
    'upstream_failed',
    'a failure (test_none_failed_min_one_success_tr_failure)',
  ],
  ['none_failed_min_one_success', [U, X], 'upstream_failed', 'an upstream_failed, at once'],
  [
    'none_failed_min_one_success',
    [S, X],
    'wait',
    'a success alone does not fire it: every upstream must be done',
  ],
  ['none_failed_min_one_success', [K, X], 'wait', 'not all skipped yet'],
  // none_skipped: "no upstream task is in a skipped state".
  ['none_skipped', [S, F, U], 'run', 'all done, none skipped (test_none_skipped_tr_success)'],
  ['none_skipped', [S, K], 'skip', 'a skip skips it (test_none_skipped_tr_failure)'],
  ['none_skipped', [K, X], 'skip', 'at once'],
  ['none_skipped', [S, Q], 'wait', 'waits until all are done (test_none_skipped_tr_failure_empty)'],
  // always: "no dependencies at all, run this task at any time".
  ['always', [X, N], 'run', 'ignores upstreams (test_always_tr)'],
  ['always', [F, K], 'run', 'even failed and skipped ones'],
  // all_done_setup_success (a teardown's): all done whatever the outcome, and a setup succeeded;
  // with no setup among the upstreams it is all_done. Setups are counted apart (below).
  ['all_done_setup_success', [S, F, U], 'run', 'every upstream done, none is a setup'],
  ['all_done_setup_success', [F, X], 'wait', 'waits until all are done, even after a failure'],
];

describe('evaluateTriggerRule', () => {
  it.each(rows)('%s with upstreams %j → %s (%s)', (rule, upstreams, expected) => {
    expect(evaluateTriggerRule(rule, summarizeUpstreams(upstreams)).kind).toBe(expected);
  });

  it('covers every trigger rule', () => {
    expect(new Set(rows.map(([rule]) => rule))).toEqual(new Set(TRIGGER_RULES));
  });

  it.each(TRIGGER_RULES.map((rule) => [rule]))(
    '%s runs a task with no upstreams (test_no_upstream_tasks)',
    (rule) => {
      expect(evaluateTriggerRule(rule, summarizeUpstreams([]))).toEqual({ kind: 'run' });
    },
  );

  it('gives reasons a user can read', () => {
    expect(evaluateTriggerRule('all_success', summarizeUpstreams([S, X, N]))).toEqual({
      kind: 'wait',
      reason: '2 of 3 upstream tasks are not done',
    });
    expect(evaluateTriggerRule('all_success', summarizeUpstreams([S, F]))).toEqual({
      kind: 'upstream_failed',
      reason: 'an upstream task failed',
    });
    expect(evaluateTriggerRule('none_failed', summarizeUpstreams([F, U]))).toEqual({
      kind: 'upstream_failed',
      reason: '2 upstream tasks failed',
    });
    expect(evaluateTriggerRule('all_success', summarizeUpstreams([K, S]))).toEqual({
      kind: 'skip',
      reason: '1 upstream task skipped',
    });
    expect(evaluateTriggerRule('all_success', summarizeUpstreams([S, R]))).toEqual({
      kind: 'wait',
      reason: '1 upstream task was removed; all_success needs every upstream task to succeed',
    });
  });

  it('counts each map index of a mapped upstream', () => {
    // Three mapped instances of one upstream: one failure fails the downstream.
    expect(evaluateTriggerRule('all_success', summarizeUpstreams([S, S, F])).kind).toBe('upstream_failed');
    expect(evaluateTriggerRule('one_success', summarizeUpstreams([F, F, S])).kind).toBe('run');
  });
});

describe('all_done_setup_success with setups among the upstreams', () => {
  const withSetups = (upstreams: TaskInstanceState[], setups: TaskInstanceState[]) => {
    const s = summarizeUpstreams(setups);
    return evaluateTriggerRule('all_done_setup_success', {
      ...summarizeUpstreams([...upstreams, ...setups]),
      setups: { total: s.total, success: s.success, skipped: s.skipped },
    }).kind;
  };
  it('runs once all are done and one setup succeeded, whatever the work did', () => {
    expect(withSetups([F], [S])).toBe('run');
    expect(withSetups([U, S], [S, F])).toBe('run'); // "if at least one setup ran, we'll let it run"
  });
  it('is upstream_failed when no setup succeeded, and skipped when every setup was skipped', () => {
    expect(withSetups([U], [F])).toBe('upstream_failed');
    expect(withSetups([K], [K])).toBe('skip');
    expect(withSetups([K], [K, F])).toBe('upstream_failed');
  });
  it('waits while a setup or other upstream is unfinished', () => {
    expect(withSetups([X], [S])).toBe('wait');
    expect(withSetups([S], [Y])).toBe('wait');
  });
});

describe('summarizeUpstreams', () => {
  it('counts finished upstreams as done', () => {
    expect(summarizeUpstreams([S, K, F, U, R, N, Q, X, Y, 'scheduled', 'up_for_reschedule'])).toEqual({
      total: 11,
      success: 1,
      skipped: 1,
      failed: 1,
      upstreamFailed: 1,
      removed: 1,
      done: 5,
    });
  });
});

describe('summarizeUpstreamCounts', () => {
  it('gives the summary of the expanded list', () => {
    const states: TaskInstanceState[] = [S, S, S, F, X, N, N, R];
    expect(
      summarizeUpstreamCounts([
        [S, 3],
        [F, 1],
        [X, 1],
        [N, 2],
        [R, 1],
      ]),
    ).toEqual(summarizeUpstreams(states));
  });
});

describe('decidesBeforeAllDone', () => {
  it('is false for success under rules that need every upstream done, true where one success decides', () => {
    expect(decidesBeforeAllDone('all_success', S)).toBe(false);
    expect(decidesBeforeAllDone('all_done', S)).toBe(false);
    expect(decidesBeforeAllDone('none_failed', S)).toBe(false);
    expect(decidesBeforeAllDone('one_success', S)).toBe(true);
    expect(decidesBeforeAllDone('all_failed', S)).toBe(true);
    expect(decidesBeforeAllDone('all_success', F)).toBe(true);
    expect(decidesBeforeAllDone('all_success', K)).toBe(true);
  });

  // Soundness over every rule, every ending state and every mix of up to three other upstream
  // instances: whenever one instance ending (with a sibling still unfinished) turns a waiting
  // rule into a decision, decidesBeforeAllDone must have said so.
  it('never misses a decision that one instance ending can cause', () => {
    const mixes: TaskInstanceState[][] = [[]];
    for (let size = 1; size <= 3; size++)
      for (const mix of mixes.filter((m) => m.length === size - 1))
        for (const state of TASK_INSTANCE_STATES) mixes.push([...mix, state]);
    let checked = 0;
    for (const rule of TRIGGER_RULES)
      for (const ending of TASK_INSTANCE_STATES)
        for (const others of mixes) {
          const before = evaluateTriggerRule(rule, summarizeUpstreams([...others, X, X]));
          const after = evaluateTriggerRule(rule, summarizeUpstreams([...others, ending, X]));
          checked++;
          if (before.kind === 'wait' && after.kind !== 'wait')
            expect({ rule, ending, others, early: decidesBeforeAllDone(rule, ending) }).toMatchObject({
              early: true,
            });
        }
    expect(checked).toBeGreaterThan(10_000);
  });
});

describe('cascades through a chain', () => {
  // a → b → c → d, evaluated in order as the scheduler does after each state change.
  const cascade = (rules: TriggerRule[], first: TaskInstanceState): TaskInstanceState[] => {
    const states: TaskInstanceState[] = [first];
    for (const rule of rules) {
      const decision = evaluateTriggerRule(rule, summarizeUpstreams([states.at(-1) as TaskInstanceState]));
      states.push(
        decision.kind === 'skip'
          ? 'skipped'
          : decision.kind === 'upstream_failed'
            ? 'upstream_failed'
            : 'success',
      );
    }
    return states;
  };

  it('skips every all_success task below a skipped one', () => {
    expect(cascade(['all_success', 'all_success', 'all_success'], 'skipped')).toEqual([
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
  });

  it('marks every all_success task below a failure upstream_failed, until an all_done task runs', () => {
    expect(cascade(['all_success', 'all_success', 'all_done'], 'failed')).toEqual([
      'failed',
      'upstream_failed',
      'upstream_failed',
      'success',
    ]);
  });

  it('stops a skip cascade at a none_failed join', () => {
    expect(cascade(['all_success', 'none_failed', 'all_success'], 'skipped')).toEqual([
      'skipped',
      'skipped',
      'success',
      'success',
    ]);
  });
});
