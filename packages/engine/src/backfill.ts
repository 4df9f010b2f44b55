// Owns backfills: runs for every interval of a date range, executed by the scheduler like any
// other run, never for an interval that already has a run queued or running. Existing finished
// runs are left alone, or reprocessed (cleared) when asked: only failed ones, or all completed.
//
// A backfill is running until every run it owns has finished (then completed), or until it is
// cancelled. Runs end in several places (a scheduling pass, a mark, a cancel), so rather than
// touch each, the scheduler's tick closes out backfills whose runs have all finished: one
// statement per tick, off the hot path. The backfill and its runs are created in one
// transaction, so a tick never sees a backfill before its runs.
import type { Db, RawSql } from '@weir/db';
import { intervalsBetween } from '@weir/domain';
import { resolveConf } from './conf.ts';
import type { DagCatalog } from './dag-catalog.ts';
import { insertDagRuns, type PlannedRun } from './dag-runs.ts';
import { EngineError } from './errors.ts';
import { clearInTransaction } from './run-commands.ts';
import { scheduleSpec } from './schedule-spec.ts';

export type BackfillState = 'running' | 'completed' | 'cancelled';

/** Creating many runs and clearing many more can take a while; Prisma's default is 5 s. */
const CREATE_TIMEOUT_MS = 120_000;

export type Reprocess = 'none' | 'failed' | 'completed';

export interface BackfillRequest {
  readonly dagId: string;
  readonly from: Date;
  readonly to: Date;
  readonly reprocess?: Reprocess;
  readonly maxActiveRuns?: number;
  readonly dryRun?: boolean;
  readonly createdBy?: string;
  /** Conf for the runs it creates, validated against the DAG's params like a trigger's. */
  readonly conf?: Record<string, unknown>;
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
  if (entry.dag.schedule === null)
    throw new EngineError(
      'NO_SCHEDULE',
      `DAG "${request.dagId}" has no schedule, so it has no intervals to backfill; create runs with \`weir dags trigger ${request.dagId}\` instead`,
    );
  const conf = resolveConf(entry.dag, request.conf ?? {});
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

  const toRun = plan.filter((step) => step.action !== 'skip');
  const backfillId = await db.$transaction(
    async (tx) => {
      const now = new Date();
      const backfill = await tx.backfill.create({
        data: {
          dagId: request.dagId,
          fromDate: request.from,
          toDate: request.to,
          reprocess,
          maxActiveRuns: request.maxActiveRuns ?? 10,
          createdBy: request.createdBy ?? null,
          // Nothing to run: done as soon as it exists.
          ...(toRun.length === 0 ? { state: 'completed' as const, completedAt: now } : {}),
        },
      });
      const created: PlannedRun[] = plan.flatMap((step) =>
        step.action === 'create'
          ? [
              {
                dag: entry.dag,
                dagHash: entry.hash,
                run: {
                  runType: 'backfill' as const,
                  logicalDate: step.logicalDate,
                  dataInterval:
                    intervals.find((i) => i.start.getTime() === step.logicalDate.getTime()) ?? null,
                  conf,
                  backfillId: backfill.id,
                },
              },
            ]
          : [],
      );
      await insertDagRuns(tx, created);
      const allTasks = new Set(entry.dag.tasks.map((t) => t.taskId));
      for (const step of plan) {
        if (step.action !== 'reprocess' || !step.runId) continue;
        const run = await tx.dagRun.update({
          where: { dagId_runId: { dagId: request.dagId, runId: step.runId } },
          data: { backfillId: backfill.id },
          select: { id: true },
        });
        await clearInTransaction(tx, run.id, entry.dag, allTasks, reprocess === 'failed');
      }
      return backfill.id;
    },
    { timeout: CREATE_TIMEOUT_MS },
  );
  return { backfillId, plan: plan.map(({ runId: _, ...p }) => p) };
}

/**
 * Stops a running backfill: its runs not yet started are marked failed; running ones finish. A
 * backfill that has completed or was cancelled already is refused (BACKFILL_FINISHED).
 */
export async function cancelBackfill(db: Db, backfillId: number): Promise<{ cancelledRuns: number }> {
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<
      { state: BackfillState; completed_at: Date | null; cancelled_at: Date | null }[]
    >`
      SELECT state::text AS state, completed_at, cancelled_at FROM backfill WHERE id = ${backfillId} FOR UPDATE`;
    const backfill = rows[0];
    if (!backfill) throw new EngineError('BACKFILL_NOT_FOUND', `backfill ${backfillId} not found`);
    if (backfill.state !== 'running') {
      const at = backfill.state === 'completed' ? backfill.completed_at : backfill.cancelled_at;
      throw new EngineError(
        'BACKFILL_FINISHED',
        `backfill ${backfillId} is ${backfill.state}${at ? ` (since ${at.toISOString()})` : ''}: there is nothing to cancel`,
      );
    }
    const now = new Date();
    const runs = await tx.dagRun.updateMany({
      where: { backfillId, state: 'queued' },
      data: { state: 'failed', endedAt: now },
    });
    await tx.backfill.update({ where: { id: backfillId }, data: { state: 'cancelled', cancelledAt: now } });
    return { cancelledRuns: runs.count };
  });
}

/**
 * The scheduler tick's close-out: running backfills none of whose runs is queued or running
 * become completed. Returns their ids. A completed backfill whose run is later cleared stays
 * completed (as a finished run's backfill is history).
 */
export async function closeFinishedBackfills(sql: Pick<RawSql, '$queryRaw'>, now: Date): Promise<number[]> {
  const rows = await sql.$queryRaw<{ id: number }[]>`
    UPDATE backfill b SET state = 'completed', completed_at = ${now}
    WHERE b.state = 'running'
      AND NOT EXISTS (SELECT 1 FROM dag_run r WHERE r.backfill_id = b.id AND r.state IN ('queued', 'running'))
    RETURNING b.id`;
  return rows.map((r) => r.id);
}

export interface BackfillSummary {
  readonly id: number;
  readonly dagId: string;
  readonly state: BackfillState;
  readonly from: Date;
  readonly to: Date;
  readonly reprocess: Reprocess;
  readonly maxActiveRuns: number;
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly completedAt: Date | null;
  readonly cancelledAt: Date | null;
  /** Its runs: how many in all, how many finished (success or failed), and how many in each state. */
  readonly runs: {
    readonly total: number;
    readonly done: number;
    readonly byState: Readonly<Record<'queued' | 'running' | 'success' | 'failed', number>>;
  };
}

export interface BackfillFilter {
  readonly dagId?: string;
  /** Only this backfill. */
  readonly id?: number;
  /** At most this many (newest first). */
  readonly limit?: number;
  /** Backfills with a lower id than this (the next page). */
  readonly beforeId?: number;
}

/** Backfills, newest first, with their runs' progress. */
export async function listBackfills(db: Db, filter: BackfillFilter = {}): Promise<BackfillSummary[]> {
  const backfills = await db.backfill.findMany({
    where: {
      ...(filter.dagId ? { dagId: filter.dagId } : {}),
      ...(filter.id !== undefined ? { id: filter.id } : {}),
      ...(filter.beforeId !== undefined ? { id: { lt: filter.beforeId } } : {}),
    },
    orderBy: { id: 'desc' },
    ...(filter.limit !== undefined ? { take: filter.limit } : {}),
  });
  if (backfills.length === 0) return [];
  const counts = await db.dagRun.groupBy({
    by: ['backfillId', 'state'],
    where: { backfillId: { in: backfills.map((b) => b.id) } },
    _count: { _all: true },
  });
  return backfills.map((b) => {
    const byState = { queued: 0, running: 0, success: 0, failed: 0 };
    for (const c of counts) if (c.backfillId === b.id) byState[c.state] = c._count._all;
    const total = byState.queued + byState.running + byState.success + byState.failed;
    return {
      id: b.id,
      dagId: b.dagId,
      state: b.state,
      from: b.fromDate,
      to: b.toDate,
      reprocess: b.reprocess,
      maxActiveRuns: b.maxActiveRuns,
      createdBy: b.createdBy,
      createdAt: b.createdAt,
      completedAt: b.completedAt,
      cancelledAt: b.cancelledAt,
      runs: { total, done: byState.success + byState.failed, byState },
    };
  });
}

/** One backfill with its progress; BACKFILL_NOT_FOUND when there is none with this id. */
export async function getBackfill(db: Db, id: number): Promise<BackfillSummary> {
  const [backfill] = await listBackfills(db, { id });
  if (!backfill) throw new EngineError('BACKFILL_NOT_FOUND', `backfill ${id} not found`);
  return backfill;
}
