// Owns a DagRun's final state, as Airflow decides it: failed when a leaf failed or is
// upstream_failed, success when every leaf succeeded or was skipped, running otherwise.
import { isFinished, type TaskInstanceState } from './states.ts';

export type DagRunDecision = { state: 'running' } | { state: 'success' } | { state: 'failed'; reason: string };

export function decideDagRunState(
  tasks: readonly { taskId: string; state: TaskInstanceState; isLeaf: boolean }[],
): DagRunDecision {
  if (!tasks.every((t) => isFinished(t.state))) return { state: 'running' };
  const failedLeaf = tasks.find((t) => t.isLeaf && (t.state === 'failed' || t.state === 'upstream_failed'));
  if (failedLeaf) return { state: 'failed', reason: `task "${failedLeaf.taskId}" ended ${failedLeaf.state}` };
  return { state: 'success' };
}
