// Owns the scheduling pass over DagRuns: which TaskInstances may run now, which are skipped or
// upstream_failed, which mapped tasks expand, and whether the run has finished. A worker passes
// over the one run its try belongs to; the scheduler's tick over many runs in one transaction,
// with the same statements. It runs under the runs' row locks, so concurrent schedulers and
// workers decide a run one at a time; every
// TaskInstance change is a compare-and-set on its previous state. A pass reads per-task state
// counts and only the instances that could change (never every row of a mapped run); pool slots
// and maxActiveTasks are checked where TaskInstances move to `queued` (queue-runnable.ts).
import type { RawSql } from '@weir/db';
import {
  decideDagRunState,
  expansionLength,
  isFinished,
  runStateTaskIds,
  type TaskInstanceState,
} from '@weir/domain';
import type { TaskJob } from '@weir/queue';
import type { SerializedDag } from '@weir/sdk';
import { incidentKey, raiseAlerts } from './alert-raise.ts';
import type { DagCatalog } from './dag-catalog.ts';
import { queueRunnable } from './queue-runnable.ts';
import {
  countStates,
  type Decisions,
  decide,
  type FinalState,
  type PreviousRun,
  type StateCounts,
  settle,
  type TiRow,
} from './run-decisions.ts';
import { expandSources, expansionOf, taskOutputs } from './task-outputs.ts';
import {
  type ClaimedTry,
  claimTries,
  type FinishRequest,
  type FinishResult,
  finishUnderRunLock,
  type LockedRun,
  TEST_RUN_TRIGGER,
} from './task-tries.ts';

/** A run a pass finished, with its final state. */
export interface FinishedRun {
  readonly state: 'success' | 'failed';
  readonly dagRunId: number;
  readonly dagId: string;
  readonly runId: string;
}

export interface ScheduleOutcome {
  /** Tries to hand to workers, after the transaction commits. */
  readonly jobs: readonly TaskJob[];
  /** The try claimed for the caller (ScheduleOptions.claimFor), already running. */
  readonly claimed?: ClaimedTry;
  /** How recording ScheduleOptions.finishFirst went. */
  readonly finish?: FinishResult;
  /** Set when this call finished the run. */
  readonly finished: FinishedRun | null;
}

/** What one pass over several runs did (scheduleDagRuns). */
export interface BatchOutcome {
  readonly jobs: readonly TaskJob[];
  readonly finished: readonly FinishedRun[];
  /** Runs the pass examined: those it could lock at once, still running. */
  readonly examined: number;
}

const NOTHING: ScheduleOutcome = { jobs: [], finished: null };

export interface PassOptions {
  /** `weir dags test` advances runs of paused DAGs, as `airflow dags test` does. */
  readonly ignorePause?: boolean;
  /** Most instances one mapped task may expand to (WEIR_MAX_MAP_LENGTH). */
  readonly maxMapLength?: number;
  /** Most instances of one mapped task queued in Redis at once (WEIR_MAPPED_QUEUE_WINDOW). */
  readonly mappedQueueWindow?: number;
}

/** Decides what can happen next in the run. Call it after anything that may unblock a task. */
export interface ScheduleOptions extends PassOptions {
  /**
   * Eager dispatch: claim the best try this pass lets run and `take` accepts for this worker, in
   * the same transaction: it goes straight to running, with no Redis job, and comes back as
   * `claimed`.
   */
  readonly claimFor?: {
    readonly take: (job: TaskJob) => boolean;
    readonly worker: { readonly hostname: string; readonly pid: number };
    /** When the claimed try starts (its started_at): read just before the claim. */
    readonly clock: () => Date;
  };
  /**
   * Record this try's end in the same transaction, after the run's lock (the lock order every
   * pass uses): one commit for a chain's hop instead of two. Its result comes back as `finish`.
   */
  readonly finishFirst?: FinishRequest;
}

/** One run's pass, waiting for its row lock: what a worker runs after a try ends. */
export async function scheduleDagRun(
  db: RawSql,
  catalog: DagCatalog,
  dagRunId: number,
  now: Date,
  options: ScheduleOptions = {},
): Promise<ScheduleOutcome> {
  return db.$transaction(async (tx) => {
    // One statement takes the run's row lock and stamps when it was last examined; with a try's
    // end to record, the same statement records it, after the lock.
    let locked: LockedRun[];
    let finish: FinishResult | undefined;
    if (options.finishFirst) {
      const ended = await finishUnderRunLock(tx, options.finishFirst, dagRunId);
      locked = ended.locked ? [ended.locked] : [];
      finish = ended.finish;
    } else {
      locked = await tx.$queryRaw<LockedRun[]>`
        UPDATE dag_run SET last_scheduling_decision = ${now}
        WHERE id = ${dagRunId} AND state = 'running'
        RETURNING id, dag_id, run_id, logical_date`;
    }
    const nothing: ScheduleOutcome = finish ? { ...NOTHING, finish } : NOTHING;
    if (locked.length === 0 || (finish && finish.kind !== 'recorded')) return nothing;
    const claimFor = options.claimFor;
    const pass = await advanceRuns(tx, catalog, locked, now, options, claimFor?.take);
    let claimed: ClaimedTry | undefined;
    if (pass.held && claimFor) {
      // The held try goes from its state straight to running: no `queued` version, no job.
      const [claim] = await claimTries(tx, [
        { job: pass.held.data, worker: claimFor.worker, now: claimFor.clock(), direct: true },
      ]);
      if (claim?.kind === 'claimed') claimed = claim.try;
    }
    return {
      jobs: pass.jobs,
      ...(claimed ? { claimed } : {}),
      ...(finish ? { finish } : {}),
      finished: pass.finished[0] ?? null,
    };
  });
}

/**
 * One pass over several runs in one transaction (the scheduler's tick, as Airflow's loop
 * schedules many runs then queues in one critical section). Runs another pass holds are
 * skipped, not waited for: that pass is deciding them now.
 */
export async function scheduleDagRuns(
  db: RawSql,
  catalog: DagCatalog,
  dagRunIds: readonly number[],
  now: Date,
  options: PassOptions = {},
): Promise<BatchOutcome> {
  if (dagRunIds.length === 0) return { jobs: [], finished: [], examined: 0 };
  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<LockedRun[]>`
      UPDATE dag_run SET last_scheduling_decision = ${now}
      WHERE id IN (SELECT id FROM dag_run WHERE id = ANY(${dagRunIds}::int[]) AND state = 'running'
                   ORDER BY id FOR UPDATE SKIP LOCKED)
      RETURNING id, dag_id, run_id, logical_date`;
    const pass = await advanceRuns(tx, catalog, locked, now, options);
    return { ...pass, examined: locked.length };
  });
}

/**
 * A pass over runs inside the caller's transaction, which just started them (a trigger's own
 * transaction creates, starts and schedules its run: its first tries are queued at once).
 */
export async function advanceStartedRuns(
  tx: RawSql,
  catalog: DagCatalog,
  dagRunIds: readonly number[],
  now: Date,
  options: PassOptions = {},
): Promise<{ jobs: readonly TaskJob[]; finished: readonly FinishedRun[] }> {
  if (dagRunIds.length === 0) return { jobs: [], finished: [] };
  const locked = await tx.$queryRaw<LockedRun[]>`
    UPDATE dag_run SET last_scheduling_decision = ${now}
    WHERE id = ANY(${dagRunIds}::int[]) AND state = 'running'
    RETURNING id, dag_id, run_id, logical_date`;
  return advanceRuns(tx, catalog, locked, now, options);
}

/** A run as the pass decides it: its DAG, what it found ready, its latest counts. */
interface RunPass {
  readonly run: LockedRun;
  readonly dag: SerializedDag;
  readonly previous: PreviousRun;
  readonly ready: Map<number, TiRow>;
  counts: StateCounts;
}

/** The pass proper, over runs whose row locks this transaction holds. */
async function advanceRuns(
  tx: RawSql,
  catalog: DagCatalog,
  locked: readonly LockedRun[],
  now: Date,
  options: PassOptions,
  hold?: (job: TaskJob) => boolean,
): Promise<{ jobs: readonly TaskJob[]; held?: TaskJob; finished: FinishedRun[] }> {
  const entries = await catalog.getMany([...new Set(locked.map((r) => r.dag_id))]);
  const passes: RunPass[] = [];
  for (const run of locked) {
    const entry = entries.get(run.dag_id);
    // As in Airflow, a paused DAG's runs make no progress until it is unpaused.
    if (!entry || (entry.isPaused && !options.ignorePause)) continue;
    const previous = await previousRunStates(tx, entry.dag, run.logical_date);
    passes.push({ run, dag: entry.dag, previous, ready: new Map(), counts: new Map() });
  }
  // An expansion that settles a mapped task (empty, or failed) can decide its downstream tasks:
  // decide those runs again until nothing more settles.
  for (let pending = passes; pending.length > 0; ) {
    const snapshots = await readRuns(
      tx,
      pending.map((p) => p.run.id),
      now,
    );
    const finalStates = new Map<FinalState, number[]>();
    const settledAgain: RunPass[] = [];
    for (const pass of pending) {
      const snapshot = snapshots.get(pass.run.id) ?? { counts: new Map(), candidates: [] };
      pass.counts = snapshot.counts;
      const decisions = decide(pass.dag, snapshot.counts, snapshot.candidates, pass.previous);
      const expanded = await expandMappedTasks(
        tx,
        pass.dag,
        pass.run.id,
        decisions,
        options.maxMapLength ?? 1024,
      );
      if (expanded.settled) settledAgain.push(pass);
      for (const [state, ids] of decisions.finalStates) {
        const all = finalStates.get(state);
        if (all) all.push(...ids);
        else finalStates.set(state, [...ids]);
      }
      for (const ti of [...decisions.runnable, ...expanded.created]) pass.ready.set(ti.id, ti);
    }
    for (const [state, ids] of finalStates) {
      await tx.$executeRaw`
        UPDATE task_instance SET state = ${state}::"TaskInstanceState", ended_at = ${now}, updated_at = ${now}
        WHERE id = ANY(${ids}::int[]) AND state IN ('none', 'scheduled', 'up_for_retry', 'up_for_reschedule')`;
    }
    pending = settledAgain;
  }
  const { jobs, held } = await queueRunnable(
    tx,
    passes.map((p) => ({
      dag: p.dag,
      dagRunId: p.run.id,
      ready: [...p.ready.values()],
      hasBacklog: inState(p.counts, 'scheduled').size > 0,
      queued: inState(p.counts, 'queued'),
    })),
    now,
    options.mappedQueueWindow,
    hold,
  );
  const finished: FinishedRun[] = [];
  for (const pass of passes) {
    // Only a run whose every task instance looks finished is worth checking for its end.
    if (pass.ready.size > 0 || !allFinished(pass.counts)) continue;
    const state = await finishRunIfDone(tx, pass.dag, pass.run.id, now);
    if (state)
      finished.push({ state, dagRunId: pass.run.id, dagId: pass.run.dag_id, runId: pass.run.run_id });
  }
  return held ? { jobs, held, finished } : { jobs, finished };
}

/**
 * One statement: per run, how many instances of each task are in each state, and the instances
 * a pass may decide (in `none`, or whose retry or reschedule wait is over). `scheduled` instances
 * were decided already; queue-runnable takes them in priority order.
 */
async function readRuns(
  tx: RawSql,
  dagRunIds: readonly number[],
  now: Date,
): Promise<Map<number, { counts: StateCounts; candidates: TiRow[] }>> {
  const rows = await tx.$queryRaw<
    (Omit<TiRow, 'id'> & { dag_run_id: number; id: number | null; n: number })[]
  >`
    SELECT dag_run_id, NULL::int AS id, task_id, NULL::int AS map_index, state::text AS state, COUNT(*)::int AS n, NULL::int AS try_number,
           NULL::text AS pool, NULL::int AS pool_slots, NULL::text AS queue, NULL::int AS priority_weight
    FROM task_instance WHERE dag_run_id = ANY(${dagRunIds}::int[]) GROUP BY dag_run_id, task_id, state
    UNION ALL
    SELECT dag_run_id, id, task_id, map_index, state::text, 1, try_number, pool, pool_slots, queue, priority_weight
    FROM task_instance
    WHERE dag_run_id = ANY(${dagRunIds}::int[]) AND (state = 'none'
      -- A retry whose delay is over; a reschedule-mode sensor whose wait is over (Airflow's ReadyToRescheduleDep).
      OR (state = 'up_for_retry' AND (next_retry_at IS NULL OR next_retry_at <= ${now}))
      OR (state = 'up_for_reschedule' AND (reschedule_at IS NULL OR reschedule_at <= ${now})))`;
  const byRun = new Map<
    number,
    { summary: { task_id: string; state: TaskInstanceState; n: number }[]; candidates: TiRow[] }
  >();
  for (const { dag_run_id, ...row } of rows) {
    let run = byRun.get(dag_run_id);
    if (!run) {
      run = { summary: [], candidates: [] };
      byRun.set(dag_run_id, run);
    }
    if (row.id === null) run.summary.push(row);
    else run.candidates.push(row as TiRow);
  }
  return new Map(
    [...byRun].map(([id, run]) => [id, { counts: countStates(run.summary), candidates: run.candidates }]),
  );
}

/** Per task, how many of its instances are in `state`. */
function inState(counts: StateCounts, state: TaskInstanceState): Map<string, number> {
  const byTask = new Map<string, number>();
  for (const [taskId, byState] of counts) {
    const n = byState.get(state) ?? 0;
    if (n > 0) byTask.set(taskId, n);
  }
  return byTask;
}

function allFinished(counts: StateCounts): boolean {
  for (const byState of counts.values())
    for (const [state, n] of byState) if (n > 0 && !isFinished(state)) return false;
  return true;
}

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
  for (const row of rows) {
    if (!row.task_id || !row.state) continue;
    const list = states.get(row.task_id);
    if (list) list.push(row.state);
    else states.set(row.task_id, [row.state]);
  }
  return states;
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
): Promise<{ created: TiRow[]; settled: boolean }> {
  const created: TiRow[] = [];
  let settled = false;
  for (const ti of decisions.toExpand) {
    const mapping = dag.tasks.find((t) => t.taskId === ti.task_id)?.mapping;
    if (!mapping) continue;
    const expansion = expansionOf(mapping, await taskOutputs(tx, dagRunId, dag, expandSources(mapping)));
    const n = 'error' in expansion ? -1 : expansionLength(expansion);
    if (n === 0 || n === -1 || n > maxMapLength) {
      settle(decisions, n === 0 ? 'skipped' : 'failed', ti.id);
      settled = true;
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
    const instances = await tx.$queryRaw<TiRow[]>`
      SELECT id, task_id, map_index, state::text AS state, try_number, pool, pool_slots, queue, priority_weight
      FROM task_instance WHERE dag_run_id = ${dagRunId} AND task_id = ${ti.task_id} AND state = 'none' ORDER BY map_index`;
    for (const instance of instances) created.push(instance);
  }
  return { created, settled };
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
  const leaves = runStateTaskIds(dag.tasks);
  const decision = decideDagRunState(
    rows.map((r) => ({ taskId: r.task_id, state: r.state, isLeaf: leaves.has(r.task_id) })),
  );
  if (decision.state === 'running') return null;
  const ended = await tx.$queryRaw<{ run_id: string; triggered_by: string | null }[]>`
    UPDATE dag_run SET state = ${decision.state}::"DagRunState", ended_at = ${now}, updated_at = ${now}
    WHERE id = ${dagRunId} AND state = 'running' RETURNING run_id, triggered_by`;
  const runId = ended[0]?.run_id;
  if (decision.state === 'failed' && runId !== undefined && ended[0]?.triggered_by !== TEST_RUN_TRIGGER) {
    const failedTasks = [...new Set(rows.filter((r) => r.state === 'failed').map((r) => r.task_id))].sort();
    await raiseAlerts(tx, [
      {
        kind: 'run_failed',
        severity: 'error',
        dedupKey: incidentKey('run_failed', dag.dagId),
        title: `run ${runId} of ${dag.dagId} failed`,
        details: { failedTasks },
        dagId: dag.dagId,
        runId,
        taskId: null,
        at: now,
      },
    ]);
  }
  return decision.state;
}
