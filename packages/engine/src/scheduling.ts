// Owns deciding, for one DagRun, which TaskInstances may run now, which are skipped or
// upstream_failed, and whether the run has finished. It runs under a row lock on the run, so
// concurrent schedulers and workers decide one at a time; every TaskInstance change is a
// compare-and-set on its previous state. Pool slots and maxActiveTasks are checked in the same
// transaction that moves TaskInstances to `queued`.
import type { RawSql } from '@weir/db';
import {
  decideDagRunState,
  evaluateTriggerRule,
  expansionLength,
  isFinished,
  summarizeUpstreams,
  type TaskInstanceState,
} from '@weir/domain';
import type { TaskJob } from '@weir/queue';
import type { SerializedDag, SerializedTask } from '@weir/sdk';
import type { DagCatalog } from './dag-catalog.ts';
import { expandSources, expansionOf, taskOutputs } from './task-outputs.ts';

interface TiRow {
  id: number;
  task_id: string;
  map_index: number;
  state: TaskInstanceState;
  try_number: number;
  next_retry_at: Date | null;
  reschedule_at: Date | null;
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
    readonly dagRunId: number;
    readonly dagId: string;
    readonly runId: string;
  } | null;
}

const NOTHING: ScheduleOutcome = { jobs: [], finished: null };

/** Decides what can happen next in the run. Call it after anything that may unblock a task. */
export interface ScheduleOptions {
  /** `weir dags test` advances runs of paused DAGs, as `airflow dags test` does. */
  readonly ignorePause?: boolean;
  /** Most instances one mapped task may expand to (WEIR_MAX_MAP_LENGTH). */
  readonly maxMapLength?: number;
}

export async function scheduleDagRun(
  db: RawSql,
  catalog: DagCatalog,
  dagRunId: number,
  now: Date,
  options: ScheduleOptions = {},
): Promise<ScheduleOutcome> {
  const ignorePause = options.ignorePause ?? false;
  return db.$transaction(async (tx) => {
    // One statement takes the run's row lock and stamps when it was last examined.
    const locked = await tx.$queryRaw<{ dag_id: string; run_id: string; logical_date: Date }[]>`
      UPDATE dag_run SET last_scheduling_decision = ${now}
      WHERE id = ${dagRunId} AND state = 'running'
      RETURNING dag_id, run_id, logical_date`;
    const run = locked[0];
    if (!run) return NOTHING;
    const entry = await catalog.get(run.dag_id);
    // As in Airflow, a paused DAG's runs make no progress until it is unpaused.
    if (!entry || (entry.isPaused && !ignorePause)) return NOTHING;
    const runnable = new Map<number, TiRow>();
    const previous = await previousRunStates(tx, entry.dag, run.logical_date);
    let snapshot: TiRow[] = [];
    const settled = new Map<number, TaskInstanceState>();
    // An expansion that settles a mapped task (empty, or failed) can decide its downstream tasks:
    // decide again until nothing more settles.
    for (let settledByExpansion = true; settledByExpansion; ) {
      snapshot = await tx.$queryRaw<TiRow[]>`
        SELECT id, task_id, map_index, state::text AS state, try_number, next_retry_at, reschedule_at, pool, pool_slots, queue, priority_weight
        FROM task_instance WHERE dag_run_id = ${dagRunId}`;
      const decisions = decide(entry.dag, snapshot, now, previous);
      const settledBefore = [...decisions.finalStates.values()].flat().length;
      const expanded = await expandMappedTasks(
        tx,
        entry.dag,
        dagRunId,
        decisions,
        options.maxMapLength ?? 1024,
      );
      settledByExpansion = [...decisions.finalStates.values()].flat().length > settledBefore;
      for (const [state, ids] of decisions.finalStates) {
        await tx.$executeRaw`
          UPDATE task_instance SET state = ${state}::"TaskInstanceState", ended_at = ${now}, updated_at = ${now}
          WHERE id = ANY(${ids}) AND state IN ('none', 'scheduled', 'up_for_retry', 'up_for_reschedule')`;
        for (const id of ids) settled.set(id, state);
      }
      for (const ti of [...decisions.runnable, ...expanded]) runnable.set(ti.id, ti);
    }
    const jobs = await queueRunnable(tx, entry.dag, [...runnable.values()], now);
    // Only a run whose every task instance looks finished is worth checking for its end.
    const mayBeDone =
      runnable.size === 0 && snapshot.every((ti) => isFinished(settled.get(ti.id) ?? ti.state));
    const finished = mayBeDone ? await finishRunIfDone(tx, entry.dag, dagRunId, now) : null;
    return {
      jobs,
      finished: finished ? { state: finished, dagRunId, dagId: run.dag_id, runId: run.run_id } : null,
    };
  });
}

/** For dependsOnPast: the states of those tasks in the DAG's previous run, or null for a first run. */
type PreviousRun = Map<string, TaskInstanceState[]> | null;

async function previousRunStates(tx: RawSql, dag: SerializedDag, logicalDate: Date): Promise<PreviousRun> {
  const taskIds = dag.tasks.filter((t) => t.dependsOnPast).map((t) => t.taskId);
  if (taskIds.length === 0) return null;
  const rows = await tx.$queryRaw<
    { run: number | null; task_id: string | null; state: TaskInstanceState | null }[]
  >`
    WITH prev AS (SELECT id FROM dag_run WHERE dag_id = ${dag.dagId} AND logical_date < ${logicalDate} ORDER BY logical_date DESC LIMIT 1)
    SELECT prev.id AS run, t.task_id, t.state::text AS state
    FROM prev LEFT JOIN task_instance t ON t.dag_run_id = prev.id AND t.task_id = ANY(${taskIds})`;
  if (rows.length === 0) return null;
  const states = new Map<string, TaskInstanceState[]>();
  for (const row of rows)
    if (row.task_id && row.state) states.set(row.task_id, [...(states.get(row.task_id) ?? []), row.state]);
  return states;
}

/** Airflow's depends_on_past: the same task succeeded or was skipped in the previous run. */
function pastAllows(previous: PreviousRun, taskId: string): boolean {
  if (previous === null) return true; // the DAG's first run is exempt
  const states = previous.get(taskId);
  if (!states) return true; // the task did not exist in the previous run
  return states.every((s) => s === 'success' || s === 'skipped');
}

interface Decisions {
  readonly finalStates: Map<'skipped' | 'upstream_failed' | 'failed', number[]>;
  readonly runnable: TiRow[];
  /** Mapped tasks' placeholders (map index -1) whose upstreams allow them to expand now. */
  readonly toExpand: TiRow[];
}

/** Pure: trigger rules over the run's snapshot, cascading skips and upstream failures. */
function decide(dag: SerializedDag, tis: TiRow[], now: Date, previous: PreviousRun): Decisions {
  const tasks = new Map<string, SerializedTask>(dag.tasks.map((t) => [t.taskId, t]));
  const stateOf = new Map<string, TaskInstanceState[]>();
  for (const ti of tis) stateOf.set(ti.task_id, [...(stateOf.get(ti.task_id) ?? []), ti.state]);
  const finalStates = new Map<'skipped' | 'upstream_failed' | 'failed', number[]>();
  const runnable: TiRow[] = [];
  const toExpand: TiRow[] = [];
  const settled = new Set<number>();
  // A skip or upstream failure can unblock (and decide) downstream tasks in the same pass.
  for (let changed = true; changed; ) {
    changed = false;
    for (const ti of tis) {
      if (settled.has(ti.id) || !isCandidate(ti, now)) continue;
      const task = tasks.get(ti.task_id);
      if (!task) continue;
      if (task.dependsOnPast && !pastAllows(previous, task.taskId)) continue;
      const upstreamStates = task.upstreams.flatMap((id) => stateOf.get(id) ?? []);
      const decision = evaluateTriggerRule(task.triggerRule, summarizeUpstreams(upstreamStates));
      if (decision.kind === 'wait') continue;
      settled.add(ti.id);
      if (decision.kind === 'run') {
        if (task.mapping && ti.map_index === -1) toExpand.push(ti);
        else runnable.push(ti);
        continue;
      }
      const state = decision.kind === 'skip' ? 'skipped' : 'upstream_failed';
      finalStates.set(state, [...(finalStates.get(state) ?? []), ti.id]);
      const states = stateOf.get(ti.task_id) ?? [];
      states[states.indexOf(ti.state)] = state;
      changed = true;
    }
  }
  return { finalStates, runnable, toExpand };
}

/**
 * Turns each ready placeholder into one TaskInstance per element of its expansion (map index
 * 0..N-1), reusing the placeholder as index 0. An empty expansion skips the task; a bad one
 * (an upstream that returned no list, or too many elements) fails it.
 */
async function expandMappedTasks(
  tx: RawSql,
  dag: SerializedDag,
  dagRunId: number,
  decisions: Decisions,
  maxMapLength: number,
): Promise<TiRow[]> {
  const created: TiRow[] = [];
  const settle = (state: 'skipped' | 'failed', id: number) =>
    decisions.finalStates.set(state, [...(decisions.finalStates.get(state) ?? []), id]);
  for (const ti of decisions.toExpand) {
    const mapping = dag.tasks.find((t) => t.taskId === ti.task_id)?.mapping;
    if (!mapping) continue;
    const expansion = expansionOf(mapping, await taskOutputs(tx, dagRunId, dag, expandSources(mapping)));
    if ('error' in expansion) {
      settle('failed', ti.id);
      continue;
    }
    const n = expansionLength(expansion);
    if (n === 0) {
      settle('skipped', ti.id);
      continue;
    }
    if (n > maxMapLength) {
      settle('failed', ti.id);
      continue;
    }
    await tx.$executeRaw`UPDATE task_instance SET map_index = 0 WHERE id = ${ti.id} AND map_index = -1 AND state = 'none'`;
    if (n > 1) {
      await tx.$executeRaw`
        INSERT INTO task_instance (dag_run_id, dag_id, run_id, task_id, map_index, state, try_number, max_tries, pool,
                                   pool_slots, queue, priority_weight, updated_at)
        SELECT dag_run_id, dag_id, run_id, task_id, g, 'none', 0, max_tries, pool, pool_slots, queue, priority_weight, now()
        FROM task_instance, generate_series(1, ${n - 1}::int) AS g WHERE id = ${ti.id}`;
    }
    created.push(
      ...(await tx.$queryRaw<TiRow[]>`
        SELECT id, task_id, map_index, state::text AS state, try_number, next_retry_at, reschedule_at, pool, pool_slots, queue, priority_weight
        FROM task_instance WHERE dag_run_id = ${dagRunId} AND task_id = ${ti.task_id} AND state = 'none' ORDER BY map_index`),
    );
  }
  return created;
}

function isCandidate(ti: TiRow, now: Date): boolean {
  if (ti.state === 'none' || ti.state === 'scheduled') return true;
  // A reschedule-mode sensor pokes again once its wait is over (Airflow's ReadyToRescheduleDep).
  if (ti.state === 'up_for_reschedule') return ti.reschedule_at === null || ti.reschedule_at <= now;
  return ti.state === 'up_for_retry' && (ti.next_retry_at === null || ti.next_retry_at <= now);
}

/**
 * Moves runnable TaskInstances to `queued` (highest priority first) while the DAG's
 * maxActiveTasks and the pools' slots allow; the rest wait in `scheduled`.
 */
async function queueRunnable(
  tx: RawSql,
  dag: SerializedDag,
  runnable: TiRow[],
  now: Date,
): Promise<TaskJob[]> {
  if (runnable.length === 0) return [];
  // Locks serialize everyone who could take the same DAG's task slots or the same pools' slots
  // (the DAG row first, then pools by name, always in that order).
  const poolNames = [...new Set(runnable.map((ti) => ti.pool))].sort();
  const pools = await tx.$queryRaw<{ name: string; slots: number }[]>`
    WITH locked_dag AS (SELECT dag_id FROM dag WHERE dag_id = ${dag.dagId} FOR UPDATE)
    SELECT p.name, p.slots FROM pool p, locked_dag WHERE p.name = ANY(${poolNames}) ORDER BY p.name FOR UPDATE OF p`;
  const usage = await tx.$queryRaw<{ active: number; used: Record<string, number> | null }[]>`
    SELECT (SELECT COUNT(*)::int FROM task_instance WHERE dag_id = ${dag.dagId} AND state IN ('queued', 'running')) AS active,
           (SELECT json_object_agg(pool, used) FROM (
              SELECT pool, SUM(pool_slots)::int AS used FROM task_instance
              WHERE pool = ANY(${poolNames}) AND state IN ('queued', 'running') GROUP BY pool) u) AS used`;
  const active = [{ n: usage[0]?.active ?? 0 }];
  const usedBy = usage[0]?.used ?? {};
  const free = new Map(pools.map((p) => [p.name, p.slots - (usedBy[p.name] ?? 0)]));
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

/** When every TaskInstance has finished, the run takes its final state from its leaves. */
async function finishRunIfDone(
  tx: RawSql,
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
