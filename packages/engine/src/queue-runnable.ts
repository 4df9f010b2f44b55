// Owns the critical section of a scheduling pass: moving ready task instances to `queued`,
// highest priority first, while each DAG's maxActiveTasks and the pools' slots allow (Airflow's
// `_executable_task_instances_to_queued`). One call serves one run (a worker's pass) or many
// (the scheduler's tick), with the same statements. The DAG rows and then the pool rows are
// locked, each in name order, before slot use is read, so two schedulers can never
// oversubscribe a pool. Instances that must wait go to `scheduled`; later passes take them from
// there in priority order, fetching only as many as could run.
//
// A mapped task keeps at most `window` instances queued in Redis at once; the rest wait in
// `scheduled` even when slots are free. A worker whose slot one of them frees takes the next one
// in the same statement that records the end (slot hand-over, task-tries.ts), so a task mapped
// over 10,000 items does not put 10,000 jobs through Redis. Later passes top the window up.
import type { RawSql } from '@weir/db';
import type { TaskJob } from '@weir/queue';
import type { SerializedDag } from '@weir/sdk';
import type { TiRow } from './run-decisions.ts';

/** One run's part of the critical section. */
export interface RunnableRun {
  readonly dag: SerializedDag;
  readonly dagRunId: number;
  /** Instances this pass decided may run now. */
  readonly ready: readonly TiRow[];
  /** Whether the run has instances waiting in `scheduled` from earlier passes. */
  readonly hasBacklog: boolean;
  /** How many instances of each task are `queued` (in Redis, not yet claimed). */
  readonly queued: ReadonlyMap<string, number>;
}

/** Most instances of one mapped task queued in Redis at once (WEIR_MAPPED_QUEUE_WINDOW). */
export const DEFAULT_MAPPED_QUEUE_WINDOW = 512;

interface Candidate {
  readonly ti: TiRow;
  readonly dagRunId: number;
  readonly dagId: string;
}

/** What the critical section let run: jobs for Redis, and the try held back for the caller. */
export interface Runnable {
  readonly jobs: TaskJob[];
  /**
   * The best try that `hold` accepted, given a slot but left in its state (not queued, no job):
   * the caller claims it in the same transaction (eager dispatch).
   */
  readonly held?: TaskJob;
}

export async function queueRunnable(
  tx: RawSql,
  runs: readonly RunnableRun[],
  now: Date,
  window = DEFAULT_MAPPED_QUEUE_WINDOW,
  hold?: (job: TaskJob) => boolean,
): Promise<Runnable> {
  const active = runs.filter((r) => r.ready.length > 0 || r.hasBacklog);
  if (active.length === 0) return { jobs: [] };
  const dags = new Map(active.map((r) => [r.dag.dagId, r.dag]));
  const dagIds = [...dags.keys()].sort();
  const readyPools = [...new Set(active.flatMap((r) => r.ready.map((ti) => ti.pool)))];
  const backlogRuns = active.filter((r) => r.hasBacklog).map((r) => r.dagRunId);
  // The InitPlan over the locked DAGs runs before the first pool row is read and locked. NO KEY
  // UPDATE, as in startQueuedRunsIn: a trigger's pass runs after its run's insert, and FOR
  // UPDATE would wait for the KEY SHARE of every other trigger's uncommitted run (a deadlock).
  const pools = await tx.$queryRaw<{ name: string; slots: number }[]>`
    WITH locked_dags AS MATERIALIZED (SELECT dag_id FROM dag WHERE dag_id = ANY(${dagIds}::text[]) ORDER BY dag_id FOR NO KEY UPDATE)
    SELECT p.name, p.slots FROM pool p
    WHERE (SELECT COUNT(*) FROM locked_dags) > 0
      AND (p.name = ANY(${readyPools}::text[])
           OR p.name IN (SELECT pool FROM task_instance WHERE dag_run_id = ANY(${backlogRuns}::int[]) AND state = 'scheduled'))
    ORDER BY p.name FOR UPDATE OF p`;
  const poolNames = pools.map((p) => p.name);
  const usage = await tx.$queryRaw<
    { active: Record<string, number> | null; used: Record<string, number> | null }[]
  >`
    SELECT (SELECT json_object_agg(dag_id, n) FROM (
              SELECT dag_id, COUNT(*)::int AS n FROM task_instance
              WHERE dag_id = ANY(${dagIds}::text[]) AND state IN ('queued', 'running') GROUP BY dag_id) a) AS active,
           (SELECT json_object_agg(pool, used) FROM (
              SELECT pool, SUM(pool_slots)::int AS used FROM task_instance
              WHERE pool = ANY(${poolNames}::text[]) AND state IN ('queued', 'running') GROUP BY pool) u) AS used`;
  const usedBy = usage[0]?.used ?? {};
  const activeOf = usage[0]?.active ?? {};
  const free = new Map(pools.map((p) => [p.name, p.slots - own(usedBy, p.name)]));
  const activeTasks = new Map(dagIds.map((id) => [id, own(activeOf, id)]));
  const roomOf = (dagId: string) => (dags.get(dagId)?.maxActiveTasks ?? 0) - (activeTasks.get(dagId) ?? 0);
  const openPools = [...free].filter(([, slots]) => slots > 0).map(([name]) => name);
  const candidates: Candidate[] = active.flatMap((r) =>
    r.ready.map((ti) => ({ ti, dagRunId: r.dagRunId, dagId: r.dag.dagId })),
  );
  // Instances of each mapped task in Redis, and those this pass adds (the window).
  const inWindow = new Map<string, number>();
  // A run id has no ':', so `run:task` names one task of one run.
  const windowKey = (dagRunId: number, taskId: string) => `${dagRunId}:${taskId}`;
  for (const r of active) for (const [taskId, n] of r.queued) inWindow.set(windowKey(r.dagRunId, taskId), n);
  const full = (dagRunId: number, ti: TiRow) =>
    ti.map_index >= 0 && (inWindow.get(windowKey(dagRunId, ti.task_id)) ?? 0) >= window;
  // Only as many of each backlog as could possibly run now, best first; not the instances of a
  // mapped task whose window is full (they wait for a freed slot or a later pass).
  const fetchBacklog =
    openPools.length > 0 ? active.filter((r) => r.hasBacklog && roomOf(r.dag.dagId) > 0) : [];
  if (fetchBacklog.length > 0) {
    const fullTasks = [...inWindow].filter(([, n]) => n >= window).map(([key]) => key);
    const rows = await tx.$queryRaw<(TiRow & { dag_run_id: number })[]>`
      SELECT b.* FROM unnest(${fetchBacklog.map((r) => r.dagRunId)}::int[], ${fetchBacklog.map((r) => roomOf(r.dag.dagId))}::int[]) AS r(run, room)
      CROSS JOIN LATERAL (
        SELECT id, dag_run_id, task_id, map_index, state::text AS state, try_number, pool, pool_slots, queue, priority_weight
        FROM task_instance WHERE dag_run_id = r.run AND state = 'scheduled' AND pool = ANY(${openPools}::text[])
          AND (map_index < 0 OR dag_run_id || ':' || task_id <> ALL(${fullTasks}::text[]))
        ORDER BY priority_weight DESC, task_id, map_index LIMIT r.room) b`;
    const dagOf = new Map(fetchBacklog.map((r) => [r.dagRunId, r.dag.dagId]));
    for (const { dag_run_id, ...ti } of rows)
      candidates.push({ ti, dagRunId: dag_run_id, dagId: dagOf.get(dag_run_id) ?? '' });
  }
  candidates.sort(
    (a, b) =>
      b.ti.priority_weight - a.ti.priority_weight ||
      a.dagRunId - b.dagRunId ||
      a.ti.task_id.localeCompare(b.ti.task_id) ||
      a.ti.map_index - b.ti.map_index,
  );
  const toQueue: number[] = [];
  const toWait: number[] = [];
  let held: TaskJob | undefined;
  for (const { ti, dagId, dagRunId } of candidates) {
    const slots = free.get(ti.pool);
    if (roomOf(dagId) > 0 && slots !== undefined && slots >= ti.pool_slots && !full(dagRunId, ti)) {
      const job = { queue: ti.queue, data: { taskInstanceId: ti.id, tryNumber: ti.try_number + 1 } };
      if (!held && hold?.(job)) held = job;
      else toQueue.push(ti.id);
      free.set(ti.pool, slots - ti.pool_slots);
      activeTasks.set(dagId, (activeTasks.get(dagId) ?? 0) + 1);
      if (ti.map_index >= 0) {
        const key = windowKey(dagRunId, ti.task_id);
        inWindow.set(key, (inWindow.get(key) ?? 0) + 1);
      }
    } else if (ti.state !== 'scheduled') {
      toWait.push(ti.id);
    }
  }
  if (toWait.length > 0) {
    await tx.$executeRaw`
      UPDATE task_instance SET state = 'scheduled', reschedule_at = NULL, updated_at = ${now}
      WHERE id = ANY(${toWait}::int[]) AND state IN ('none', 'up_for_retry', 'up_for_reschedule')`;
  }
  if (toQueue.length === 0) return held ? { jobs: [], held } : { jobs: [] };
  const queued = await tx.$queryRaw<{ id: number; try_number: number; queue: string }[]>`
    UPDATE task_instance
    SET state = 'queued', try_number = try_number + 1, queued_at = ${now}, next_retry_at = NULL, reschedule_at = NULL, updated_at = ${now}
    WHERE id = ANY(${toQueue}::int[]) AND state IN ('none', 'scheduled', 'up_for_retry', 'up_for_reschedule')
    RETURNING id, try_number, queue`;
  const jobs = queued.map((row) => ({
    queue: row.queue,
    data: { taskInstanceId: row.id, tryNumber: row.try_number },
  }));
  return held ? { jobs, held } : { jobs };
}

/** A count keyed by name, or 0: a DAG or pool named like an Object method is still a name. */
function own(counts: Record<string, number>, key: string): number {
  return Object.hasOwn(counts, key) ? (counts[key] ?? 0) : 0;
}
