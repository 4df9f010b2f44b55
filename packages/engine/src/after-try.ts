// Owns deciding whether a finished try can change anything in its run, so the common case of a
// mapped task (thousands of instances finishing one by one) costs no scheduling pass per
// instance. A pass is needed unless all of these hold: the instance is one of several of a
// mapped task, it ended well (success or skipped), no downstream trigger rule can decide on
// that one state (decidesBeforeAllDone), other instances of the task are still unfinished, and
// nothing in the run waits in `scheduled` for the slot it freed. The check runs after the try's
// end has committed, so of the last two instances to finish at the same time, the one that
// checks later always sees the other finished and schedules the run.
import type { RawSql } from '@weir/db';
import {
  decidesBeforeAllDone,
  isUnfinished,
  TASK_INSTANCE_STATES,
  type TaskInstanceState,
} from '@weir/domain';
import type { SerializedDag } from '@weir/sdk';

const UNFINISHED = TASK_INSTANCE_STATES.filter(isUnfinished);

export interface FinishedTry {
  readonly dagRunId: number;
  readonly taskId: string;
  readonly mapIndex: number;
  readonly state: TaskInstanceState;
}

/**
 * Whether the try's end certainly needs a pass ('pass'), or only if `checkSiblings` says so
 * ('check'). Pure: from the serialized DAG alone.
 */
export function passNeed(dag: SerializedDag | undefined, finished: FinishedTry): 'pass' | 'check' {
  if (!dag || finished.mapIndex < 0) return 'pass';
  if (finished.state !== 'success' && finished.state !== 'skipped') return 'pass';
  const decidesEarly = dag.tasks.some(
    (t) => t.upstreams.includes(finished.taskId) && decidesBeforeAllDone(t.triggerRule, finished.state),
  );
  return decidesEarly ? 'pass' : 'check';
}

/**
 * For each finished mapped instance: true when a pass is needed because it was the last of its
 * task to finish, or because its run has instances waiting in `scheduled` for the slot it freed.
 * Call it only after the ends have committed: then one check per (run, task) answers for every
 * instance of the batch, however many ended together.
 */
export async function checkSiblings(sql: RawSql, finished: readonly FinishedTry[]): Promise<boolean[]> {
  const keyOf = (f: FinishedTry) => `${f.dagRunId}\u0000${f.taskId}`;
  const distinct = [...new Map(finished.map((f) => [keyOf(f), f])).values()];
  const rows = await sql.$queryRaw<{ ord: number; needed: boolean }[]>`
    SELECT j.ord::int AS ord,
           NOT EXISTS (SELECT 1 FROM task_instance t WHERE t.dag_run_id = j.run AND t.task_id = j.task
                         AND t.state = ANY(${UNFINISHED}::"TaskInstanceState"[]))
           OR EXISTS (SELECT 1 FROM task_instance t WHERE t.dag_run_id = j.run AND t.state = 'scheduled') AS needed
    FROM unnest(${distinct.map((f) => f.dagRunId)}::int[], ${distinct.map((f) => f.taskId)}::text[]) WITH ORDINALITY AS j(run, task, ord)`;
  const needed = new Map(rows.map((r) => [keyOf(distinct[r.ord - 1] as FinishedTry), r.needed]));
  // Only the first instance of a (run, task) asks for the pass: the others would repeat it.
  const asked = new Set<string>();
  return finished.map((f) => {
    const key = keyOf(f);
    if (asked.has(key)) return false;
    asked.add(key);
    return needed.get(key) ?? true;
  });
}
