// Owns creating DagRuns and their TaskInstances. Unique constraints make a second creation of
// the same run a no-op, so several schedulers never create a run twice.
import type { RawSql } from '@weir/db';
import type { TaskJob } from '@weir/queue';
import { type DataInterval, effectivePriorityWeights, manualRunInterval } from '@weir/domain';
import type { SerializedDag, SerializedTask } from '@weir/sdk';
import type { Clock } from './clock.ts';
import { resolveConf } from './conf.ts';
import type { DagCatalog } from './dag-catalog.ts';
import { EngineError } from './errors.ts';
import { startQueuedRunsIn } from './run-lifecycle.ts';
import { scheduleSpec } from './schedule-spec.ts';
import { advanceStartedRuns, type FinishedRun, type PassOptions } from './scheduling.ts';

export type RunType = 'scheduled' | 'manual' | 'backfill' | 'asset_triggered';

export interface NewDagRun {
  readonly runType: RunType;
  readonly logicalDate: Date;
  readonly dataInterval: DataInterval | null;
  readonly conf: Record<string, unknown>;
  readonly triggeredBy?: string;
  readonly runId?: string;
  readonly backfillId?: number;
}

export interface CreatedRun {
  readonly id: number;
  readonly dagId: string;
  readonly runId: string;
}

/** Airflow's run id format: `scheduled__2026-01-01T00:00:00+00:00`. */
export function makeRunId(runType: RunType, logicalDate: Date): string {
  return `${runType}__${logicalDate.toISOString().replace('.000Z', '+00:00').replace('Z', '+00:00')}`;
}

/** A run to create, with the DAG version it is created from. */
export interface PlannedRun {
  readonly dag: SerializedDag;
  readonly dagHash: string;
  readonly run: NewDagRun;
}

type Statements = Pick<RawSql, '$queryRaw' | '$executeRaw'>;

/** Inserts the run (state queued) and one TaskInstance per task; undefined when it exists. */
export async function insertDagRun(
  tx: Statements,
  dag: SerializedDag,
  dagHash: string,
  run: NewDagRun,
): Promise<CreatedRun | undefined> {
  return (await insertDagRuns(tx, [{ dag, dagHash, run }]))[0];
}

/**
 * Inserts runs (state queued) and their TaskInstances in two statements, whatever their number.
 * A run that exists already (same DAG, logical date and type) is left alone and not returned.
 */
export async function insertDagRuns(tx: Statements, planned: readonly PlannedRun[]): Promise<CreatedRun[]> {
  if (planned.length === 0) return [];
  const column = <T>(pick: (p: PlannedRun) => T) => planned.map(pick);
  const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;
  const inserted = await tx.$queryRaw<CreatedRun[]>`
    INSERT INTO dag_run (dag_id, run_id, run_type, logical_date, data_interval_start, data_interval_end, conf, state,
                         dag_hash, triggered_by, backfill_id, updated_at)
    SELECT u.dag_id, u.run_id, u.run_type::"RunType", u.logical_date, u.interval_start, u.interval_end, u.conf::jsonb,
           'queued', u.dag_hash, u.triggered_by, u.backfill_id, now()
    FROM unnest(${column((p) => p.dag.dagId)}::text[], ${column((p) => p.run.runId ?? makeRunId(p.run.runType, p.run.logicalDate))}::text[],
                ${column((p) => p.run.runType)}::text[], ${column((p) => iso(p.run.logicalDate))}::timestamp[],
                ${column((p) => iso(p.run.dataInterval?.start))}::timestamp[], ${column((p) => iso(p.run.dataInterval?.end))}::timestamp[],
                ${column((p) => JSON.stringify(p.run.conf))}::text[], ${column((p) => p.dagHash)}::text[],
                ${column((p) => p.run.triggeredBy ?? null)}::text[], ${column((p) => p.run.backfillId ?? null)}::int[])
         AS u(dag_id, run_id, run_type, logical_date, interval_start, interval_end, conf, dag_hash, triggered_by, backfill_id)
    ON CONFLICT DO NOTHING
    RETURNING id, dag_id AS "dagId", run_id AS "runId"`;
  const dagOf = new Map(planned.map((p) => [p.dag.dagId, p.dag]));
  const rows = inserted.flatMap((run) => {
    const dag = dagOf.get(run.dagId);
    return dag ? weightedTasks(dag).map((t) => ({ run, ...t })) : [];
  });
  if (rows.length > 0) {
    const of = <T>(pick: (r: (typeof rows)[number]) => T) => rows.map(pick);
    await tx.$executeRaw`
      INSERT INTO task_instance (dag_run_id, dag_id, run_id, task_id, map_index, state, try_number, max_tries, pool,
                                 pool_slots, queue, priority_weight, updated_at)
      SELECT u.dag_run_id, u.dag_id, u.run_id, u.task_id, -1, 'none', 0, u.max_tries, u.pool, u.pool_slots, u.queue, u.priority_weight, now()
      FROM unnest(${of((r) => r.run.id)}::int[], ${of((r) => r.run.dagId)}::text[], ${of((r) => r.run.runId)}::text[],
                  ${of((r) => r.task.taskId)}::text[], ${of((r) => r.task.retries + 1)}::int[], ${of((r) => r.task.pool)}::text[],
                  ${of((r) => r.task.poolSlots)}::int[], ${of((r) => r.task.queue)}::text[], ${of((r) => r.weight)}::int[])
           AS u(dag_run_id, dag_id, run_id, task_id, max_tries, pool, pool_slots, queue, priority_weight)`;
  }
  return inserted;
}

/** A DAG's tasks with the effective priority weight their instances get. */
export function weightedTasks(dag: SerializedDag): { task: SerializedTask; weight: number }[] {
  const weights = effectivePriorityWeights(dag.tasks);
  return dag.tasks.map((task) => ({ task, weight: weights.get(task.taskId) ?? task.priorityWeight }));
}

export interface TriggerRequest {
  readonly dagId: string;
  readonly conf?: Record<string, unknown>;
  readonly logicalDate?: Date;
  readonly triggeredBy?: string;
  readonly runId?: string;
}

/** A manual run, and whether its DAG is paused (the run then waits until it is unpaused). */
export interface TriggeredRun extends CreatedRun {
  readonly dagPaused: boolean;
}

/**
 * What a transaction that created runs and started them left to hand over once it commits:
 * their first tries for workers, runs a pass finished, and older queued runs of the same DAGs
 * that started with them (the caller schedules those).
 */
export interface StartedRuns {
  readonly jobs: readonly TaskJob[];
  readonly finished: readonly FinishedRun[];
  readonly alsoStarted: readonly number[];
}

/** A manual run, and what its transaction left to hand over. */
export interface TriggerOutcome extends StartedRuns {
  readonly run: TriggeredRun;
}

/**
 * Inserts the run and, in the caller's transaction, starts it when its DAG has room
 * (maxActiveRuns, not paused) and decides its first tasks: what a trigger and an asset event do,
 * so the first tries are queued at once instead of at the scheduler's next tick. Undefined when
 * the run exists already.
 */
export async function createAndStartRun(
  tx: RawSql,
  catalog: DagCatalog,
  clock: Clock,
  entry: { readonly dag: SerializedDag; readonly hash: string },
  run: NewDagRun,
  options: PassOptions,
): Promise<(StartedRuns & { created: CreatedRun }) | undefined> {
  const created = await insertDagRun(tx, entry.dag, entry.hash, run);
  if (!created) return undefined;
  const started = await startQueuedRunsIn(tx, clock, {
    dagId: entry.dag.dagId,
    ignorePause: options.ignorePause ?? false,
  });
  const own = started.includes(created.id) ? [created.id] : [];
  const pass = await advanceStartedRuns(tx, catalog, own, clock(), options);
  return { created, ...pass, alsoStarted: started.filter((id) => id !== created.id) };
}

/**
 * A manual run: conf validated against params first, so an invalid conf creates nothing. A
 * paused DAG's run is created too (Airflow does the same) and waits, queued, until it is unpaused;
 * otherwise it starts in the same transaction (createAndStartRun).
 */
export async function triggerDagRun(
  sql: RawSql,
  catalog: DagCatalog,
  clock: Clock,
  request: TriggerRequest,
  options: PassOptions = {},
): Promise<TriggerOutcome> {
  const entry = await catalog.get(request.dagId);
  if (!entry)
    throw new EngineError(
      'DAG_NOT_FOUND',
      `DAG "${request.dagId}" not found; is its file in the DAGs folder, and parsed?`,
    );
  if (!entry.isActive)
    throw new EngineError(
      'DAG_INACTIVE',
      `DAG "${request.dagId}" is inactive: its file is gone or no longer defines it`,
    );
  const conf = resolveConf(entry.dag, request.conf ?? {});
  const logicalDate = request.logicalDate ?? clock();
  const dataInterval = manualRunInterval(scheduleSpec(entry.dag), logicalDate);
  const outcome = await sql.$transaction((tx) =>
    createAndStartRun(
      tx,
      catalog,
      clock,
      entry,
      {
        runType: 'manual',
        logicalDate,
        dataInterval,
        conf,
        ...(request.triggeredBy ? { triggeredBy: request.triggeredBy } : {}),
        ...(request.runId ? { runId: request.runId } : {}),
      },
      options,
    ),
  );
  if (!outcome) {
    throw new EngineError(
      'RUN_EXISTS',
      `DAG "${request.dagId}" already has a manual run at ${logicalDate.toISOString()}`,
    );
  }
  const { created, ...rest } = outcome;
  return { run: { ...created, dagPaused: entry.isPaused }, ...rest };
}
