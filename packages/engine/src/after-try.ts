// Owns deciding whether a finished try can change anything in its run, so the common case of a
// mapped task (thousands of instances finishing one by one) costs no scheduling pass per
// instance. A pass is needed unless all of these hold: the instance is one of several of a
// mapped task, it ended well (success or skipped), no downstream trigger rule can decide on
// that one state (decidesBeforeAllDone), other instances of the task are still unfinished, and
// nothing in the run waits in `scheduled` for the slot it freed. The check runs after the try's
// end has committed, so of the last two instances to finish at the same time, the one that
// checks later always sees the other finished and schedules the run.
import type { RawSql } from '@weir/db';
import { decidesBeforeAllDone, type TaskInstanceState } from '@weir/domain';
import type { SerializedDag } from '@weir/sdk';

export interface FinishedTry {
  readonly dagRunId: number;
  readonly taskId: string;
  readonly mapIndex: number;
  readonly state: TaskInstanceState;
}

export async function needsSchedulingPass(
  sql: RawSql,
  dag: SerializedDag | undefined,
  finished: FinishedTry,
): Promise<boolean> {
  if (!dag || finished.mapIndex < 0) return true;
  if (finished.state !== 'success' && finished.state !== 'skipped') return true;
  const decidesEarly = dag.tasks.some(
    (t) => t.upstreams.includes(finished.taskId) && decidesBeforeAllDone(t.triggerRule, finished.state),
  );
  if (decidesEarly) return true;
  const rows = await sql.$queryRaw<{ siblings_left: boolean; backlog: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM task_instance WHERE dag_run_id = ${finished.dagRunId} AND task_id = ${finished.taskId}
                     AND state IN ('none', 'scheduled', 'queued', 'running', 'up_for_retry', 'up_for_reschedule')) AS siblings_left,
           EXISTS (SELECT 1 FROM task_instance WHERE dag_run_id = ${finished.dagRunId} AND state = 'scheduled') AS backlog`;
  const row = rows[0];
  return !row || !row.siblings_left || row.backlog;
}
