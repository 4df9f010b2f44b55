// Owns Airflow's priority weight rules (airflow/utils/weight_rule.py and
// priority_weight_total): a task's effective weight is its own plus the weights of every task
// downstream of it (downstream, the default), of every task upstream of it (upstream), or
// just its own (absolute). Each related task counts once, however many paths lead to it.
// Totals are clamped to a 32-bit integer, as Airflow's db_safe_priority does (2.9+).
import { downstreamMap } from './graph.ts';
import { assertNever } from './states.ts';

const INT32_MAX = 2_147_483_647;
const INT32_MIN = -2_147_483_648;

export interface WeightedTask {
  readonly taskId: string;
  readonly upstreams: readonly string[];
  readonly priorityWeight: number;
  readonly weightRule: 'downstream' | 'upstream' | 'absolute';
}

export function effectivePriorityWeights(tasks: readonly WeightedTask[]): Map<string, number> {
  const byId = new Map<string, WeightedTask>();
  for (const task of tasks) if (!byId.has(task.taskId)) byId.set(task.taskId, task);
  const downstream = downstreamMap(tasks);
  const upstreamsOf = (taskId: string) => byId.get(taskId)?.upstreams ?? [];
  const downstreamsOf = (taskId: string) => downstream.get(taskId) ?? [];
  const weights = new Map<string, number>();
  for (const task of byId.values()) {
    let related: Set<string>;
    switch (task.weightRule) {
      case 'absolute':
        related = new Set();
        break;
      case 'downstream':
        related = reachable(task.taskId, downstreamsOf);
        break;
      case 'upstream':
        related = reachable(task.taskId, upstreamsOf);
        break;
      default:
        return assertNever(task.weightRule);
    }
    let weight = task.priorityWeight;
    for (const taskId of related) weight += byId.get(taskId)?.priorityWeight ?? 0;
    weights.set(task.taskId, Math.min(INT32_MAX, Math.max(INT32_MIN, weight)));
  }
  return weights;
}

/** Every task reachable from `start` (excluding `start`, even in a cycle). */
function reachable(start: string, next: (taskId: string) => readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...next(start)];
  while (stack.length > 0) {
    const taskId = stack.pop() as string;
    if (taskId === start || seen.has(taskId)) continue;
    seen.add(taskId);
    stack.push(...next(taskId));
  }
  return seen;
}
