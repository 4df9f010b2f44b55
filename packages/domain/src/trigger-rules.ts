// Owns Airflow's trigger rules as a pure function of a task's upstream states: run, wait, or
// settle the task at once as skipped / upstream_failed. This is Airflow's TriggerRuleDep
// (`_evaluate_direct_relatives`) with flag_upstream_failed=True, the scheduler's mode, rule for
// rule; a `wait` is Airflow's failing dep status without a new state.
//
// Counts are per TaskInstance, so a mapped upstream contributes one state per map index.
// Airflow's special cases for a *mapped downstream* instance (a `removed` upstream instance is
// ignored, or removes the instance) are not modelled: a `removed` upstream counts as done but
// neither succeeded nor failed, exactly as Airflow treats it for an unmapped task — under
// all_success that waits forever, which the DagRun's deadlock check then fails.
import type { TriggerRule } from '@weir/sdk';
import { assertNever, type TaskInstanceState } from './states.ts';

export interface UpstreamSummary {
  /** Upstream TaskInstances (one per map index for a mapped upstream). */
  readonly total: number;
  readonly success: number;
  readonly skipped: number;
  readonly failed: number;
  readonly upstreamFailed: number;
  readonly removed: number;
  /** Upstreams in a finished state: success + skipped + failed + upstreamFailed + removed. */
  readonly done: number;
  /**
   * Among the upstreams, the setup tasks' instances (for `all_done_setup_success`, a teardown's
   * rule); absent when the caller does not tell setups apart.
   */
  readonly setups?: { readonly total: number; readonly success: number; readonly skipped: number };
}

export type TriggerDecision =
  | { readonly kind: 'run' }
  | { readonly kind: 'wait'; readonly reason: string }
  | { readonly kind: 'skip'; readonly reason: string }
  | { readonly kind: 'upstream_failed'; readonly reason: string };

export function summarizeUpstreams(states: readonly TaskInstanceState[]): UpstreamSummary {
  return summarizeUpstreamCounts(states.map((state) => [state, 1] as const));
}

/**
 * The same summary from (state, count) pairs, as a GROUP BY over task instances returns them:
 * a mapped upstream of 10,000 instances costs one pair per state, not one entry per instance.
 */
export function summarizeUpstreamCounts(
  counts: Iterable<readonly [TaskInstanceState, number]>,
): UpstreamSummary {
  let total = 0;
  let success = 0;
  let skipped = 0;
  let failed = 0;
  let upstreamFailed = 0;
  let removed = 0;
  for (const [state, n] of counts) {
    total += n;
    switch (state) {
      case 'success':
        success += n;
        break;
      case 'skipped':
        skipped += n;
        break;
      case 'failed':
        failed += n;
        break;
      case 'upstream_failed':
        upstreamFailed += n;
        break;
      case 'removed':
        removed += n;
        break;
      case 'none':
      case 'scheduled':
      case 'queued':
      case 'running':
      case 'up_for_retry':
      case 'up_for_reschedule':
        break;
      default:
        assertNever(state);
    }
  }
  const done = success + skipped + failed + upstreamFailed + removed;
  return { total, success, skipped, failed, upstreamFailed, removed, done };
}

/**
 * Whether one upstream instance ending in `state` can decide a task under `rule` while other
 * instances of the same upstream are still unfinished. Every rule decides early only on a
 * condition of the form "some upstream is in state X" (a failure, a skip, a success); the
 * conditions that need every upstream done cannot hold while one is unfinished. So evaluating
 * the rule over {state, running} answers for any mix of other upstreams. When no downstream
 * rule decides early, a mapped instance that is not the last of its task to finish cannot
 * unblock anything, and its completion needs no scheduling pass.
 */
export function decidesBeforeAllDone(rule: TriggerRule, state: TaskInstanceState): boolean {
  return evaluateTriggerRule(rule, summarizeUpstreams([state, 'running'])).kind !== 'wait';
}

const RUN: TriggerDecision = { kind: 'run' };

/** "1 upstream task" / "2 upstream tasks". */
function tasks(n: number): string {
  return n === 1 ? '1 upstream task' : `${n} upstream tasks`;
}

function wait(reason: string): TriggerDecision {
  return { kind: 'wait', reason };
}

function skip(reason: string): TriggerDecision {
  return { kind: 'skip', reason };
}

function upstreamFailed(reason: string): TriggerDecision {
  return { kind: 'upstream_failed', reason };
}

/** Why a rule that needs every upstream in some states is still waiting. */
function notYet(u: UpstreamSummary, need?: string): TriggerDecision {
  const notDone = u.total - u.done;
  if (notDone > 0 || need === undefined) return wait(`${notDone} of ${u.total} upstream tasks are not done`);
  // Every upstream is done, yet the rule is not met: only a removed upstream does that.
  return wait(
    `${u.removed === 1 ? '1 upstream task was' : `${u.removed} upstream tasks were`} removed; ${need}`,
  );
}

function failures(u: UpstreamSummary): string {
  const n = u.failed + u.upstreamFailed;
  return n === 1 ? 'an upstream task failed' : `${n} upstream tasks failed`;
}

export function evaluateTriggerRule(rule: TriggerRule, u: UpstreamSummary): TriggerDecision {
  // Airflow: "The task instance did not have any upstream tasks."
  if (u.total === 0) return RUN;
  const upstreamDone = u.done >= u.total;
  const anyFailure = u.failed + u.upstreamFailed > 0;
  switch (rule) {
    case 'always':
      return RUN;
    case 'all_success':
      if (anyFailure) return upstreamFailed(failures(u));
      if (u.skipped > 0) return skip(`${tasks(u.skipped)} skipped`);
      return u.success >= u.total ? RUN : notYet(u, 'all_success needs every upstream task to succeed');
    case 'all_failed':
      if (u.success > 0 || u.skipped > 0)
        return skip(`${tasks(u.success + u.skipped)} did not fail; all_failed needs every one to fail`);
      return u.failed + u.upstreamFailed >= u.total
        ? RUN
        : notYet(u, 'all_failed needs every upstream task to fail');
    case 'all_done':
      return upstreamDone ? RUN : notYet(u);
    case 'all_done_min_one_success':
      // Airflow 3.1: a skipped upstream is "not done" for this rule, so any skip skips the task.
      if (u.skipped > 0) return skip(`${tasks(u.skipped)} skipped`);
      if (!upstreamDone) return notYet(u);
      return u.success > 0 ? RUN : upstreamFailed('no upstream task succeeded');
    case 'all_skipped':
      if (u.success + u.failed + u.upstreamFailed > 0) {
        return skip(
          `${tasks(u.success + u.failed + u.upstreamFailed)} ran; all_skipped needs every one to be skipped`,
        );
      }
      return u.skipped >= u.total ? RUN : notYet(u, 'all_skipped needs every upstream task to be skipped');
    case 'one_success':
      if (upstreamDone && u.done === u.skipped) return skip('every upstream task was skipped');
      if (upstreamDone && u.success === 0) return upstreamFailed('no upstream task succeeded');
      return u.success > 0 ? RUN : notYet(u);
    case 'one_failed':
      if (upstreamDone && !anyFailure) return skip('no upstream task failed');
      return anyFailure ? RUN : notYet(u);
    case 'one_done':
      // Only success and failed count: an upstream_failed upstream never ran.
      if (upstreamDone && u.success + u.failed === 0) return skip('no upstream task succeeded or failed');
      return u.success + u.failed > 0 ? RUN : notYet(u);
    case 'none_failed':
      if (anyFailure) return upstreamFailed(failures(u));
      return u.success + u.skipped >= u.total
        ? RUN
        : notYet(u, 'none_failed needs every upstream task to succeed or be skipped');
    case 'none_failed_min_one_success':
      if (anyFailure) return upstreamFailed(failures(u));
      if (u.skipped >= u.total) return skip('every upstream task was skipped');
      return u.success + u.skipped >= u.total
        ? RUN
        : notYet(u, 'none_failed_min_one_success needs every upstream task to succeed or be skipped');
    case 'none_skipped':
      if (u.skipped > 0) return skip(`${tasks(u.skipped)} skipped`);
      return upstreamDone ? RUN : notYet(u);
    case 'all_done_setup_success': {
      if (!upstreamDone) return notYet(u);
      const setups = u.setups;
      if (!setups || setups.total === 0) return RUN;
      if (setups.skipped >= setups.total) return skip('every setup task was skipped');
      // One setup that ran is enough: the teardown removes what it made.
      return setups.success > 0 ? RUN : upstreamFailed('no setup task succeeded');
    }
    default:
      return assertNever(rule);
  }
}
