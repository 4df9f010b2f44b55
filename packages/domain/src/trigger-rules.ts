// Owns Airflow's trigger rules as a pure function of the upstream states (Airflow's
// TriggerRuleDep with flag_upstream_failed): run, wait, or settle as skipped / upstream_failed.
import type { TriggerRule } from '@weir/sdk';
import { assertNever, isFinished, type TaskInstanceState } from './states.ts';

export interface UpstreamSummary {
  readonly total: number;
  readonly success: number;
  readonly skipped: number;
  readonly failed: number;
  readonly upstreamFailed: number;
  readonly removed: number;
  /** Upstreams in a finished state. */
  readonly done: number;
}

export type TriggerDecision =
  | { readonly kind: 'run' }
  | { readonly kind: 'wait'; readonly reason: string }
  | { readonly kind: 'skip'; readonly reason: string }
  | { readonly kind: 'upstream_failed'; readonly reason: string };

export function summarizeUpstreams(states: readonly TaskInstanceState[]): UpstreamSummary {
  let success = 0;
  let skipped = 0;
  let failed = 0;
  let upstreamFailed = 0;
  let removed = 0;
  let done = 0;
  for (const state of states) {
    if (state === 'success') success++;
    else if (state === 'skipped') skipped++;
    else if (state === 'failed') failed++;
    else if (state === 'upstream_failed') upstreamFailed++;
    else if (state === 'removed') removed++;
    if (isFinished(state)) done++;
  }
  return { total: states.length, success, skipped, failed, upstreamFailed, removed, done };
}

const RUN: TriggerDecision = { kind: 'run' };

export function evaluateTriggerRule(rule: TriggerRule, u: UpstreamSummary): TriggerDecision {
  // Removed upstreams (a mapped instance that no longer exists) count as neither.
  const total = u.total - u.removed;
  if (total <= 0 || rule === 'always') return RUN;
  const failures = u.failed + u.upstreamFailed;
  const allDone = u.done >= u.total;
  const waiting: TriggerDecision = { kind: 'wait', reason: `${u.total - u.done} of ${u.total} upstream tasks are not done` };
  switch (rule) {
    case 'all_success':
      if (failures > 0) return { kind: 'upstream_failed', reason: 'an upstream task failed' };
      if (u.skipped > 0) return { kind: 'skip', reason: 'an upstream task was skipped' };
      return allDone ? RUN : waiting;
    case 'all_failed':
      if (u.success > 0 || u.skipped > 0) return { kind: 'skip', reason: 'an upstream task did not fail' };
      return allDone ? RUN : waiting;
    case 'all_done':
      return allDone ? RUN : waiting;
    case 'all_done_min_one_success':
      if (!allDone) return waiting;
      return u.success > 0 ? RUN : { kind: 'skip', reason: 'no upstream task succeeded' };
    case 'all_skipped':
      if (u.success > 0 || failures > 0) return { kind: 'skip', reason: 'an upstream task was not skipped' };
      return allDone ? RUN : waiting;
    case 'one_success':
      if (u.success > 0) return RUN;
      if (!allDone) return waiting;
      if (u.skipped >= total) return { kind: 'skip', reason: 'every upstream task was skipped' };
      return { kind: 'upstream_failed', reason: 'no upstream task succeeded' };
    case 'one_failed':
      if (failures > 0) return RUN;
      if (!allDone) return waiting;
      return { kind: 'skip', reason: 'no upstream task failed' };
    case 'one_done':
      // Airflow counts success and failed here; upstream_failed does not make an upstream "done".
      if (u.success > 0 || u.failed > 0) return RUN;
      if (!allDone) return waiting;
      return { kind: 'skip', reason: 'every upstream task was skipped' };
    case 'none_failed':
      if (failures > 0) return { kind: 'upstream_failed', reason: 'an upstream task failed' };
      return allDone ? RUN : waiting;
    case 'none_failed_min_one_success':
      if (failures > 0) return { kind: 'upstream_failed', reason: 'an upstream task failed' };
      if (!allDone) return waiting;
      return u.success > 0 ? RUN : { kind: 'skip', reason: 'every upstream task was skipped' };
    case 'none_skipped':
      if (u.skipped > 0) return { kind: 'skip', reason: 'an upstream task was skipped' };
      return allDone ? RUN : waiting;
    default:
      return assertNever(rule);
  }
}
