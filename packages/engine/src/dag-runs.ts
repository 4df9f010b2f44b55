// Owns creating DagRuns and their TaskInstances. Unique constraints make a second creation of
// the same run a no-op, so several schedulers never create a run twice.
import type { Db } from '@weir/db';
import { type DataInterval, effectivePriorityWeights, manualRunInterval } from '@weir/domain';
import type { SerializedDag } from '@weir/sdk';
import type { Clock } from './clock.ts';
import { resolveConf } from './conf.ts';
import type { DagCatalog } from './dag-catalog.ts';
import { EngineError } from './errors.ts';
import { type DbOrTx, scheduleSpec } from './schedule-spec.ts';

export type RunType = 'scheduled' | 'manual' | 'backfill';

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

/** Inserts the run (state queued) and one TaskInstance per task; undefined when it exists. */
export async function insertDagRun(
  tx: DbOrTx,
  dag: SerializedDag,
  dagHash: string,
  run: NewDagRun,
): Promise<CreatedRun | undefined> {
  const runId = run.runId ?? makeRunId(run.runType, run.logicalDate);
  const inserted = await tx.$queryRaw<{ id: number }[]>`
    INSERT INTO dag_run (dag_id, run_id, run_type, logical_date, data_interval_start, data_interval_end, conf, state,
                         dag_hash, triggered_by, backfill_id, updated_at)
    VALUES (${dag.dagId}, ${runId}, ${run.runType}::"RunType", ${run.logicalDate}, ${run.dataInterval?.start ?? null},
            ${run.dataInterval?.end ?? null}, ${JSON.stringify(run.conf)}::jsonb, 'queued', ${dagHash},
            ${run.triggeredBy ?? null}, ${run.backfillId ?? null}, now())
    ON CONFLICT DO NOTHING
    RETURNING id`;
  const id = inserted[0]?.id;
  if (id === undefined) return undefined;
  const weights = effectivePriorityWeights(dag.tasks);
  await tx.taskInstance.createMany({
    data: dag.tasks.map((task) => ({
      dagRunId: id,
      dagId: dag.dagId,
      runId,
      taskId: task.taskId,
      mapIndex: -1,
      state: 'none' as const,
      maxTries: task.retries + 1,
      pool: task.pool,
      poolSlots: task.poolSlots,
      queue: task.queue,
      priorityWeight: weights.get(task.taskId) ?? task.priorityWeight,
    })),
  });
  return { id, dagId: dag.dagId, runId };
}

export interface TriggerRequest {
  readonly dagId: string;
  readonly conf?: Record<string, unknown>;
  readonly logicalDate?: Date;
  readonly triggeredBy?: string;
  readonly runId?: string;
}

/** A manual run: conf validated against params first, so an invalid conf creates nothing. */
export async function triggerDagRun(
  db: Db,
  catalog: DagCatalog,
  clock: Clock,
  request: TriggerRequest,
): Promise<CreatedRun> {
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
  const created = await db.$transaction((tx) =>
    insertDagRun(tx, entry.dag, entry.hash, {
      runType: 'manual',
      logicalDate,
      dataInterval,
      conf,
      ...(request.triggeredBy ? { triggeredBy: request.triggeredBy } : {}),
      ...(request.runId ? { runId: request.runId } : {}),
    }),
  );
  if (!created) {
    throw new EngineError(
      'RUN_EXISTS',
      `DAG "${request.dagId}" already has a manual run at ${logicalDate.toISOString()}`,
    );
  }
  return created;
}
