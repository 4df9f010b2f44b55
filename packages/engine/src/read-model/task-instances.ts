// Owns reading a DagRun's TaskInstances for display, in the DAG's topological order (then map
// index), the order a reader follows a run in.
import type { Db } from '@weir/db';
import { type TaskInstanceState, topologicalOrder } from '@weir/domain';
import type { SerializedDag } from '@weir/sdk';
import { EngineError } from '../errors.ts';

export interface TaskInstanceView {
  readonly id: number;
  readonly taskId: string;
  readonly mapIndex: number;
  readonly state: TaskInstanceState;
  readonly tryNumber: number;
  readonly maxTries: number;
  readonly queuedAt: Date | null;
  readonly startedAt: Date | null;
  readonly endedAt: Date | null;
  /** Seconds the last try ran. */
  readonly duration: number | null;
  readonly hostname: string | null;
  readonly pool: string;
  readonly queue: string;
}

/** The columns of a TaskInstanceView (the paged lists read the same). */
export const TASK_INSTANCE_SELECT = {
  id: true,
  taskId: true,
  mapIndex: true,
  state: true,
  tryNumber: true,
  maxTries: true,
  queuedAt: true,
  startedAt: true,
  endedAt: true,
  duration: true,
  hostname: true,
  pool: true,
  queue: true,
} as const;

/** The run's task instances; tasks the DAG no longer has come last, by id. */
export async function listTaskInstances(
  db: Db,
  dagRunId: number,
  dag: SerializedDag | null,
): Promise<TaskInstanceView[]> {
  const rows = await db.taskInstance.findMany({ where: { dagRunId }, select: TASK_INSTANCE_SELECT });
  const rank = new Map((dag ? topologicalOrder(dag.tasks) : []).map((id, i) => [id, i]));
  const at = (taskId: string) => rank.get(taskId) ?? Number.MAX_SAFE_INTEGER;
  return rows.sort(
    (a, b) => at(a.taskId) - at(b.taskId) || a.taskId.localeCompare(b.taskId) || a.mapIndex - b.mapIndex,
  );
}

/**
 * One task instance of a run. A mapped task's instance needs its map index; without one, the
 * error names how many instances there are.
 */
export async function getTaskInstance(
  db: Db,
  run: { readonly id: number; readonly dagId: string; readonly runId: string },
  taskId: string,
  mapIndex: number | undefined,
): Promise<TaskInstanceView> {
  const rows = await db.taskInstance.findMany({
    where: { dagRunId: run.id, taskId },
    select: TASK_INSTANCE_SELECT,
    orderBy: { mapIndex: 'asc' },
  });
  if (rows.length === 0)
    throw new EngineError(
      'TASK_NOT_FOUND',
      `run "${run.runId}" of DAG "${run.dagId}" has no task "${taskId}"`,
    );
  const mapped = rows.some((r) => r.mapIndex >= 0);
  if (mapIndex === undefined && !mapped) return rows[0] as TaskInstanceView;
  if (mapIndex === undefined)
    throw new EngineError(
      'TASK_NOT_FOUND',
      `task "${taskId}" is mapped into ${rows.length} instance(s): name one with --map-index 0..${rows.length - 1}`,
    );
  const found = rows.find((r) => r.mapIndex === mapIndex);
  if (!found)
    throw new EngineError(
      'TASK_NOT_FOUND',
      mapped
        ? `task "${taskId}" has no map index ${mapIndex}: it has ${rows.length} instance(s), 0..${rows.length - 1}`
        : `task "${taskId}" is not mapped: leave out --map-index`,
    );
  return found;
}
