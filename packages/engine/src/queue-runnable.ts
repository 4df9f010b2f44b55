// Owns the critical section of a scheduling pass: moving a run's ready task instances to
// `queued`, highest priority first, while the DAG's maxActiveTasks and the pools' slots allow
// (Airflow's `_executable_task_instances_to_queued`). The DAG row and the pool rows are locked
// (always in that order, pools by name) before slot use is read, so two schedulers can never
// oversubscribe a pool. Instances that must wait go to `scheduled`; later passes take them from
// there in priority order, fetching only as many as could run.
import type { RawSql } from '@weir/db';
import type { TaskJob } from '@weir/queue';
import type { SerializedDag } from '@weir/sdk';
import type { TiRow } from './run-decisions.ts';

export async function queueRunnable(
  tx: RawSql,
  dag: SerializedDag,
  dagRunId: number,
  ready: readonly TiRow[],
  /** Whether the run has instances waiting in `scheduled` from earlier passes. */
  hasBacklog: boolean,
  now: Date,
): Promise<TaskJob[]> {
  if (ready.length === 0 && !hasBacklog) return [];
  const readyPools = [...new Set(ready.map((ti) => ti.pool))];
  const pools = await tx.$queryRaw<{ name: string; slots: number }[]>`
    WITH locked_dag AS (SELECT dag_id FROM dag WHERE dag_id = ${dag.dagId} FOR UPDATE)
    SELECT p.name, p.slots FROM pool p, locked_dag
    WHERE p.name = ANY(${readyPools})
       OR (${hasBacklog} AND p.name IN (SELECT pool FROM task_instance WHERE dag_run_id = ${dagRunId} AND state = 'scheduled'))
    ORDER BY p.name FOR UPDATE OF p`;
  const poolNames = pools.map((p) => p.name);
  const usage = await tx.$queryRaw<{ active: number; used: Record<string, number> | null }[]>`
    SELECT (SELECT COUNT(*)::int FROM task_instance WHERE dag_id = ${dag.dagId} AND state IN ('queued', 'running')) AS active,
           (SELECT json_object_agg(pool, used) FROM (
              SELECT pool, SUM(pool_slots)::int AS used FROM task_instance
              WHERE pool = ANY(${poolNames}) AND state IN ('queued', 'running') GROUP BY pool) u) AS used`;
  const usedBy = usage[0]?.used ?? {};
  const free = new Map(pools.map((p) => [p.name, p.slots - (usedBy[p.name] ?? 0)]));
  let activeTasks = usage[0]?.active ?? 0;
  const room = dag.maxActiveTasks - activeTasks;
  const openPools = [...free].filter(([, slots]) => slots > 0).map(([name]) => name);
  // Only as many of the backlog as could possibly run now, best first.
  const backlog =
    hasBacklog && room > 0 && openPools.length > 0
      ? await tx.$queryRaw<TiRow[]>`
          SELECT id, task_id, map_index, state::text AS state, try_number, pool, pool_slots, queue, priority_weight
          FROM task_instance WHERE dag_run_id = ${dagRunId} AND state = 'scheduled' AND pool = ANY(${openPools})
          ORDER BY priority_weight DESC, task_id, map_index LIMIT ${room}`
      : [];
  const toQueue: number[] = [];
  const toWait: number[] = [];
  const ordered = [...ready, ...backlog].sort(
    (a, b) =>
      b.priority_weight - a.priority_weight ||
      a.task_id.localeCompare(b.task_id) ||
      a.map_index - b.map_index,
  );
  for (const ti of ordered) {
    const slots = free.get(ti.pool);
    if (activeTasks < dag.maxActiveTasks && slots !== undefined && slots >= ti.pool_slots) {
      toQueue.push(ti.id);
      free.set(ti.pool, slots - ti.pool_slots);
      activeTasks++;
    } else if (ti.state !== 'scheduled') {
      toWait.push(ti.id);
    }
  }
  if (toWait.length > 0) {
    await tx.$executeRaw`
      UPDATE task_instance SET state = 'scheduled', reschedule_at = NULL, updated_at = ${now}
      WHERE id = ANY(${toWait}) AND state IN ('none', 'up_for_retry', 'up_for_reschedule')`;
  }
  if (toQueue.length === 0) return [];
  const queued = await tx.$queryRaw<{ id: number; try_number: number; queue: string }[]>`
    UPDATE task_instance
    SET state = 'queued', try_number = try_number + 1, queued_at = ${now}, next_retry_at = NULL, reschedule_at = NULL, updated_at = ${now}
    WHERE id = ANY(${toQueue}) AND state IN ('none', 'scheduled', 'up_for_retry', 'up_for_reschedule')
    RETURNING id, try_number, queue`;
  return queued.map((row) => ({
    queue: row.queue,
    data: { taskInstanceId: row.id, tryNumber: row.try_number },
  }));
}
