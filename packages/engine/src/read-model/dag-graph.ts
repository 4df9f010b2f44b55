// Owns a DAG's graph as a reader wants it (`weir dags show`, `weir tasks list`, the UI's graph):
// tasks in topological order with their upstreams and downstreams, and the task-group tree.
// Pure: works on the serialized DAG only.
import { downstreamMap, topologicalOrder } from '@weir/domain';
import type { SerializedDag, SerializedTaskGroup, TaskKind } from '@weir/sdk';

export interface GraphTaskView {
  readonly taskId: string;
  readonly kind: TaskKind;
  readonly upstreams: readonly string[];
  readonly downstreams: readonly string[];
  readonly groupId: string | null;
  readonly mapped: boolean;
  readonly triggerRule: string;
}

export interface DagGraphView {
  readonly dagId: string;
  /** Topological order; among tasks ready together, definition order. */
  readonly tasks: readonly GraphTaskView[];
  /** Outer before inner, in definition order. */
  readonly taskGroups: readonly SerializedTaskGroup[];
}

export function dagGraph(dag: SerializedDag): DagGraphView {
  const byId = new Map(dag.tasks.map((t) => [t.taskId, t]));
  const downstream = downstreamMap(dag.tasks);
  const tasks = topologicalOrder(dag.tasks).flatMap((taskId) => {
    const t = byId.get(taskId);
    if (!t) return [];
    return [
      {
        taskId,
        kind: t.kind,
        upstreams: t.upstreams,
        downstreams: downstream.get(taskId) ?? [],
        groupId: t.groupId ?? null,
        mapped: t.mapping !== null,
        triggerRule: t.triggerRule,
      },
    ];
  });
  return { dagId: dag.dagId, tasks, taskGroups: dag.taskGroups ?? [] };
}
