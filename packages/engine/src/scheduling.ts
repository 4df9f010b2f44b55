// Owns deciding, for one DagRun, which TaskInstances may run now, which are skipped or
// upstream_failed, and whether the run has finished. It runs under a row lock on the run, so
// concurrent schedulers and workers decide one at a time; every TaskInstance change is a
// compare-and-set on its previous state. Pool slots and maxActiveTasks are checked in the same
// transaction that moves TaskInstances to `queued`.
import type { Db } from '@weir/db';
import {
  decideDagRunState,
  evaluateTriggerRule,
  isFinished,
  summarizeUpstreams,
  type TaskInstanceState,
} from '@weir/domain';
import type { TaskJob } from '@weir/queue';
import type { SerializedDag, SerializedTask } from '@weir/sdk';
import type { DagCatalog } from './dag-catalog.ts';
import type { DbOrTx } from './schedule-spec.ts';

interface TiRow {
  id: number;
  task_id: string;
  map_index: number;
  state: TaskInstanceState;
  try_number: number;
  next_retry_at: Date | null;
  pool: string;
  pool_slots: number;
  queue: string;
  priority_weight: number;
}

export interface ScheduleOutcome {
  /** Tries to hand to workers, after the transaction commits. */
  readonly jobs: readonly TaskJob[];
  /** Set when this call finished the run. */
  readonly finished: {
    readonly state: 'success' | 'failed';
    readonly dagId: string;
    readonly runId: string;
  } | null;
}

const NOTHING: ScheduleOutcome = { jobs: [], finished: null };

/** Decides what can happen next in the run. Call it after anything that may unblock a task. */
export async function scheduleDagRun(
  db: Db,
  catalog: DagCatalog,
  dagRunId: number,
  now: Date,
  ignorePause = false,
): Promise<ScheduleOutcome> {
  const run = await db.dagRun.findUnique({ where: { id: dagRunId }, select: { dagId: true, state: true } });
  if (!run || run.state !== 'running') return NOTHING;
  const entry = await catalog.get(run.dagId);
  // As in Airflow, a paused DAG's runs make no progress until it is unpaused.
  if (!entry || (entry.isPaused && !ignorePause)) return NOTHING;
  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ state: string; run_id: string }[]>`
      SELECT state::text, run_id FROM dag_run WHERE id = ${dagRunId} FOR UPDATE`;
    if (locked[0]?.state !== 'running') return NOTHING;
    const runId = locked[0].run_id;
    const tis = await tx.$queryRaw<TiRow[]>`
      SELECT id, task_id, map_index, state::text AS state, try_number, next_retry_at, pool, pool_slots, queue, priority_weight
      FROM task_instance WHERE dag_run_id = ${dagRunId}`;
    const decisions = decide(entry.dag, tis, now);
    for (const [state, ids] of decisions.finalStates) {
      await tx.$executeRaw`
        UPDATE task_instance SET state = ${state}::"TaskInstanceState", ended_at = ${now}, updated_at = ${now}
        WHERE id = ANY(${ids}) AND state IN ('none', 'scheduled', 'up_for_retry')`;
    }
    const jobs = await queueRunnable(tx, entry.dag, decisions.runnable, now);
    const finished = await finishRunIfDone(tx, entry.dag, dagRunId, now);
    await tx.$executeRaw`UPDATE dag_run SET last_scheduling_decision = ${now} WHERE id = ${dagRunId}`;
    return { jobs, finished: finished ? { state: finished, dagId: run.dagId, runId } : null };
  });
}

interface Decisions {
  readonly finalStates: Map<'skipped' | 'upstream_failed', number[]>;
  readonly runnable: TiRow[];
}

/** Pure: trigger rules over the run's snapshot, cascading skips and upstream failures. */
function decide(dag: SerializedDag, tis: TiRow[], now: Date): Decisions {
  const tasks = new Map<string, SerializedTask>(dag.tasks.map((t) => [t.taskId, t]));
  const stateOf = new Map<string, TaskInstanceState[]>();
  for (const ti of tis) stateOf.set(ti.task_id, [...(stateOf.get(ti.task_id) ?? []), ti.state]);
  const finalStates = new Map<'skipped' | 'upstream_failed', number[]>();
  const runnable: TiRow[] = [];
  const settled = new Set<number>();
  // A skip or upstream failure can unblock (and decide) downstream tasks in the same pass.
  for (let changed = true; changed; ) {
    changed = false;
    for (const ti of tis) {
      if (settled.has(ti.id) || !isCandidate(ti, now)) continue;
      const task = tasks.get(ti.task_id);
      if (!task) continue;
      const upstreamStates = task.upstreams.flatMap((id) => stateOf.get(id) ?? []);
      const decision = evaluateTriggerRule(task.triggerRule, summarizeUpstreams(upstreamStates));
      if (decision.kind === 'wait') continue;
      settled.add(ti.id);
      if (decision.kind === 'run') {
        runnable.push(ti);
        continue;
      }
      const state = decision.kind === 'skip' ? 'skipped' : 'upstream_failed';
      finalStates.set(state, [...(finalStates.get(state) ?? []), ti.id]);
      const states = stateOf.get(ti.task_id) ?? [];
      states[states.indexOf(ti.state)] = state;
      changed = true;
    }
  }
  return { finalStates, runnable };
}

function isCandidate(ti: TiRow, now: Date): boolean {
  if (ti.state === 'none' || ti.state === 'scheduled') return true;
  return ti.state === 'up_for_retry' && (ti.next_retry_at === null || ti.next_retry_at <= now);
}

/**
 * Moves runnable TaskInstances to `queued` (highest priority first) while the DAG's
 * maxActiveTasks and the pools' slots allow; the rest wait in `scheduled`.
 */
async function queueRunnable(
  tx: DbOrTx,
  dag: SerializedDag,
  runnable: TiRow[],
  now: Date,
): Promise<TaskJob[]> {
  if (runnable.length === 0) return [];
  // Locks serialize everyone who could take the same DAG's task slots or the same pools' slots.
  await tx.$queryRaw`SELECT 1 FROM dag WHERE dag_id = ${dag.dagId} FOR UPDATE`;
  const poolNames = [...new Set(runnable.map((ti) => ti.pool))].sort();
  const pools = await tx.$queryRaw<{ name: string; slots: number }[]>`
    SELECT name, slots FROM pool WHERE name = ANY(${poolNames}) ORDER BY name FOR UPDATE`;
  const used = await tx.$queryRaw<{ pool: string; used: number }[]>`
    SELECT pool, COALESCE(SUM(pool_slots), 0)::int AS used FROM task_instance
    WHERE pool = ANY(${poolNames}) AND state IN ('queued', 'running') GROUP BY pool`;
  const active = await tx.$queryRaw<{ n: number }[]>`
    SELECT COUNT(*)::int AS n FROM task_instance WHERE dag_id = ${dag.dagId} AND state IN ('queued', 'running')`;
  const free = new Map(
    pools.map((p) => [p.name, p.slots - (used.find((u) => u.pool === p.name)?.used ?? 0)]),
  );
  let activeTasks = active[0]?.n ?? 0;
  const toQueue: number[] = [];
  const toWait: number[] = [];
  const ordered = [...runnable].sort(
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
      UPDATE task_instance SET state = 'scheduled', updated_at = ${now}
      WHERE id = ANY(${toWait}) AND state IN ('none', 'up_for_retry')`;
  }
  if (toQueue.length === 0) return [];
  const queued = await tx.$queryRaw<{ id: number; try_number: number; queue: string }[]>`
    UPDATE task_instance
    SET state = 'queued', try_number = try_number + 1, queued_at = ${now}, next_retry_at = NULL, updated_at = ${now}
    WHERE id = ANY(${toQueue}) AND state IN ('none', 'scheduled', 'up_for_retry')
    RETURNING id, try_number, queue`;
  return queued.map((row) => ({
    queue: row.queue,
    data: { taskInstanceId: row.id, tryNumber: row.try_number },
  }));
}

/** When every TaskInstance has finished, the run takes its final state from its leaves. */
async function finishRunIfDone(
  tx: DbOrTx,
  dag: SerializedDag,
  dagRunId: number,
  now: Date,
): Promise<'success' | 'failed' | null> {
  const rows = await tx.$queryRaw<{ task_id: string; state: TaskInstanceState }[]>`
    SELECT task_id, state::text AS state FROM task_instance WHERE dag_run_id = ${dagRunId}`;
  if (!rows.every((r) => isFinished(r.state))) return null;
  const downstreamOf = new Set(dag.tasks.flatMap((t) => t.upstreams));
  const decision = decideDagRunState(
    rows.map((r) => ({ taskId: r.task_id, state: r.state, isLeaf: !downstreamOf.has(r.task_id) })),
  );
  if (decision.state === 'running') return null;
  await tx.$executeRaw`
    UPDATE dag_run SET state = ${decision.state}::"DagRunState", ended_at = ${now}, updated_at = ${now}
    WHERE id = ${dagRunId} AND state = 'running'`;
  return decision.state;
}
