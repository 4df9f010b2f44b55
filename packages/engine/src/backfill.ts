// Owns backfills: runs for every interval of a date range, executed by the scheduler like any
// other run, never for an interval that already has a run queued or running. Existing finished
// runs are left alone, or reprocessed (cleared) when asked: only failed ones, or all completed.
import type { Db } from '@weir/db';
import { intervalsBetween } from '@weir/domain';
import type { DagCatalog } from './dag-catalog.ts';
import { insertDagRun } from './dag-runs.ts';
import { EngineError } from './errors.ts';
import { clearTaskInstances } from './run-commands.ts';
import { scheduleSpec } from './schedule-spec.ts';

export type Reprocess = 'none' | 'failed' | 'completed';

export interface BackfillRequest {
  readonly dagId: string;
  readonly from: Date;
  readonly to: Date;
  readonly reprocess?: Reprocess;
  readonly maxActiveRuns?: number;
  readonly dryRun?: boolean;
  readonly createdBy?: string;
}

export type PlannedAction = 'create' | 'reprocess' | 'skip';

export interface BackfillPlanEntry {
  readonly logicalDate: Date;
  readonly action: PlannedAction;
  readonly reason: string;
}

export interface BackfillResult {
  readonly backfillId: number | null;
  readonly plan: readonly BackfillPlanEntry[];
}

export async function createBackfill(
  db: Db,
  catalog: DagCatalog,
  request: BackfillRequest,
): Promise<BackfillResult> {
  const entry = await catalog.get(request.dagId);
  if (!entry) throw new EngineError('DAG_NOT_FOUND', `DAG "${request.dagId}" not found`);
  if (request.from > request.to)
    throw new EngineError(
      'INVALID_CONF',
      `--from (${request.from.toISOString()}) is after --to (${request.to.toISOString()})`,
    );
  const reprocess = request.reprocess ?? 'none';
  const intervals = intervalsBetween(scheduleSpec(entry.dag), request.from, request.to);
  const existing = await db.dagRun.findMany({
    where: { dagId: request.dagId, logicalDate: { in: intervals.map((i) => i.start) } },
    select: { runId: true, logicalDate: true, state: true },
  });
  const plan: (BackfillPlanEntry & { runId?: string })[] = intervals.map((interval) => {
    const runs = existing.filter((r) => r.logicalDate.getTime() === interval.start.getTime());
    if (runs.length === 0)
      return { logicalDate: interval.start, action: 'create', reason: 'no run for this interval' };
    const active = runs.find((r) => r.state === 'queued' || r.state === 'running');
    if (active)
      return {
        logicalDate: interval.start,
        action: 'skip',
        reason: `run ${active.runId} is ${active.state}`,
      };
    const failed = runs.find((r) => r.state === 'failed');
    if (reprocess === 'completed' || (reprocess === 'failed' && failed)) {
      const target = failed ?? (runs[0] as (typeof runs)[number]);
      return {
        logicalDate: interval.start,
        action: 'reprocess',
        reason: `run ${target.runId} ended ${target.state}`,
        runId: target.runId,
      };
    }
    return {
      logicalDate: interval.start,
      action: 'skip',
      reason: `run ${runs[0]?.runId} ended ${runs[0]?.state} (reprocess ${reprocess})`,
    };
  });
  if (request.dryRun) return { backfillId: null, plan: plan.map(({ runId: _, ...p }) => p) };

  const backfill = await db.backfill.create({
    data: {
      dagId: request.dagId,
      fromDate: request.from,
      toDate: request.to,
      reprocess,
      maxActiveRuns: request.maxActiveRuns ?? 10,
      createdBy: request.createdBy ?? null,
    },
  });
  for (const step of plan) {
    if (step.action === 'create') {
      const interval = intervals.find((i) => i.start.getTime() === step.logicalDate.getTime());
      await db.$transaction((tx) =>
        insertDagRun(tx, entry.dag, entry.hash, {
          runType: 'backfill',
          logicalDate: step.logicalDate,
          dataInterval: interval ?? null,
          conf: { ...(entry.dag.params?.defaults ?? {}) },
          backfillId: backfill.id,
        }),
      );
    } else if (step.action === 'reprocess' && step.runId) {
      await clearTaskInstances(db, catalog, {
        dagId: request.dagId,
        runId: step.runId,
        onlyFailed: reprocess === 'failed',
      });
      await db.dagRun.update({
        where: { dagId_runId: { dagId: request.dagId, runId: step.runId } },
        data: { backfillId: backfill.id },
      });
    }
  }
  return { backfillId: backfill.id, plan: plan.map(({ runId: _, ...p }) => p) };
}

/** Stops a backfill: its runs not yet started are marked failed; running ones finish. */
export async function cancelBackfill(db: Db, backfillId: number): Promise<{ cancelledRuns: number }> {
  const backfill = await db.backfill.findUnique({ where: { id: backfillId } });
  if (!backfill) throw new EngineError('RUN_NOT_FOUND', `backfill ${backfillId} not found`);
  const now = new Date();
  const [runs] = await db.$transaction([
    db.dagRun.updateMany({ where: { backfillId, state: 'queued' }, data: { state: 'failed', endedAt: now } }),
    db.backfill.update({ where: { id: backfillId }, data: { cancelledAt: now } }),
  ]);
  return { cancelledRuns: runs.count };
}
