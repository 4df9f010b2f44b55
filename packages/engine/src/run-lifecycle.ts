// Owns the scheduler's periodic duties for runs: creating scheduled runs that are due, starting
// queued runs within maxActiveRuns, and choosing which running runs to re-examine (retries that
// fell due, and any run no event has touched lately).
import type { Db, RawSql } from '@weir/db';
import { type DataInterval, intervalsBetween, nextRunInfo, type RunInfo } from '@weir/domain';
import type { SerializedDag } from '@weir/sdk';
import type { Clock } from './clock.ts';
import type { DagCatalog } from './dag-catalog.ts';
import { type CreatedRun, insertDagRuns, type PlannedRun } from './dag-runs.ts';
import { type DeadlineMissed, hasDeadlines, recordNeverCreatedRuns } from './deadlines.ts';
import { latestScheduledIntervals, scheduleSpec, storeNextDagRuns } from './schedule-spec.ts';

/** Most DAGs one tick creates runs for; a tick that reaches it asks for another at once. */
const DAGS_TO_CREATE_PER_TICK = 50;

/**
 * Creates the scheduled runs that are due for up to `limit` DAGs, oldest first within each
 * DAG's maxActiveRuns, and moves their next_dagrun_* on: one transaction and six statements
 * whatever the number of DAGs. The due DAGs' rows stay locked until it commits. A DAG already
 * at its maxActiveRuns is not due (Airflow's dags_needing_dagruns), so DAGs waiting for room
 * never crowd out the others. `moreDue`: the limit was reached, more DAGs may be due.
 */
export async function createDueScheduledRuns(
  sql: RawSql,
  catalog: DagCatalog,
  clock: Clock,
  limit = DAGS_TO_CREATE_PER_TICK,
): Promise<{ created: CreatedRun[]; moreDue: boolean; missed: DeadlineMissed[] }> {
  const now = clock();
  return sql.$transaction(async (tx) => {
    // SKIP LOCKED: another scheduler is creating those DAGs' runs right now. (The count here is a
    // first filter, from before the locks were won; the next statement counts again.)
    const locked = await tx.$queryRaw<{ dag_id: string; intended: Date | null }[]>`
      SELECT d.dag_id, d.next_dagrun_logical_date AS intended FROM dag d
      WHERE d.is_active AND NOT d.is_paused AND d.next_dagrun_create_after <= ${now}
        AND (SELECT COUNT(*) FROM dag_run r WHERE r.dag_id = d.dag_id AND r.state IN ('queued', 'running')) < d.max_active_runs
      ORDER BY d.next_dagrun_create_after, d.dag_id LIMIT ${limit} FOR UPDATE OF d SKIP LOCKED`;
    if (locked.length === 0) return { created: [], moreDue: false, missed: [] };
    // Read once the locks are held: they see every run another scheduler committed before.
    const dagIds = locked.map((l) => l.dag_id);
    const counts = await tx.$queryRaw<{ dag_id: string; n: number }[]>`
      SELECT dag_id, COUNT(*)::int AS n FROM dag_run
      WHERE dag_id = ANY(${dagIds}::text[]) AND state IN ('queued', 'running') GROUP BY dag_id`;
    const activeOf = new Map(counts.map((c) => [c.dag_id, c.n]));
    const latest = await latestScheduledIntervals(tx, dagIds);
    const entries = await catalog.getMany(dagIds);
    const planned: PlannedRun[] = [];
    const next = new Map<string, RunInfo | null>();
    const missed: DeadlineMissed[] = [];
    for (const { dag_id: dagId, intended } of locked) {
      const entry = entries.get(dagId);
      if (!entry) continue;
      const { dag } = entry;
      const spec = scheduleSpec(dag);
      let last = latest.get(dagId) ?? null;
      const active = activeOf.get(dagId) ?? 0;
      for (let n = active; n < dag.maxActiveRuns; n++) {
        const info = nextRunInfo(spec, last, now);
        if (!info || info.runAfter > now) break;
        // Its first run now, later than meant: the intervals in between were never created.
        const skippedFrom = !dag.catchup && n === active && last !== null ? intended : null;
        if (skippedFrom !== null && info.logicalDate > skippedFrom)
          missed.push(...(await recordSkippedIntervals(tx, dag, skippedFrom, info.logicalDate, now)));
        planned.push({
          dag,
          dagHash: entry.hash,
          run: {
            runType: 'scheduled',
            logicalDate: info.logicalDate,
            dataInterval: info.dataInterval,
            conf: { ...(dag.params?.defaults ?? {}) },
          },
        });
        last = info.dataInterval;
      }
      next.set(dagId, nextRunInfo(spec, last, now));
    }
    const created = await insertDagRuns(tx, planned);
    await storeNextDagRuns(tx, next);
    return { created, moreDue: locked.length === limit, missed };
  });
}

/**
 * Without catchup, the intervals from the one the scheduler meant to create next (`intended`)
 * up to the one it creates now were skipped. Those that ended after the DAG's latest run ended
 * (when it last had room for a new run) were skipped because the scheduler was down: their
 * deadlines count as missed. Those that ended while runs still filled its maxActiveRuns were
 * skipped by design, as in Airflow. Unpausing moves `intended` on, so paused time is not
 * counted either.
 */
async function recordSkippedIntervals(
  tx: RawSql,
  dag: SerializedDag,
  intended: Date,
  created: Date,
  now: Date,
): Promise<DeadlineMissed[]> {
  if (!hasDeadlines(dag)) return [];
  let skipped: DataInterval[];
  try {
    skipped = intervalsBetween(
      scheduleSpec(dag),
      intended,
      new Date(created.getTime() - 1),
      MAX_SKIPPED_INTERVALS,
    );
  } catch {
    return []; // more than MAX_SKIPPED_INTERVALS: a down time that long is not told interval by interval
  }
  const rows = await tx.$queryRaw<{ room_since: Date | null }[]>`
    SELECT MAX(ended_at) AS room_since FROM (
      SELECT ended_at FROM dag_run WHERE dag_id = ${dag.dagId} ORDER BY logical_date DESC LIMIT ${dag.maxActiveRuns + 1}) recent`;
  const roomSince = rows[0]?.room_since ?? null;
  const missed = roomSince === null ? skipped : skipped.filter((interval) => interval.end > roomSince);
  return recordNeverCreatedRuns(tx, dag, missed, now);
}

/** Most never-created intervals of one DAG recorded as deadline misses at once. */
const MAX_SKIPPED_INTERVALS = 1000;

/**
 * queued → running for runs whose DAG has room under maxActiveRuns, oldest logical date first;
 * a backfill's runs also stay within the backfill's own maxActiveRuns. One statement for every
 * DAG (or only `dagId`'s), which locks the DAGs' rows in name order first.
 */
export async function startQueuedRuns(
  sql: RawSql,
  clock: Clock,
  options: { readonly dagId?: string; readonly ignorePause?: boolean } = {},
): Promise<number[]> {
  return sql.$transaction((tx) => startQueuedRunsIn(tx, clock, options));
}

/** startQueuedRuns inside the caller's transaction (a trigger creates and starts its run in one). */
export async function startQueuedRunsIn(
  tx: Pick<RawSql, '$queryRaw'>,
  clock: Clock,
  options: { readonly dagId?: string; readonly ignorePause?: boolean } = {},
): Promise<number[]> {
  // NO KEY UPDATE: a trigger has just inserted its run, whose foreign key holds KEY SHARE on
  // this row; FOR UPDATE conflicts with the KEY SHARE of another trigger's run, and two
  // concurrent triggers of one DAG then deadlock. NO KEY UPDATE still excludes every other
  // locker of the row (they all take NO KEY UPDATE or stronger).
  const locked = await tx.$queryRaw<{ dag_id: string }[]>`
      SELECT dag_id FROM dag
      WHERE dag_id IN (SELECT dag_id FROM dag_run WHERE state = 'queued')
        AND (${options.dagId ?? null}::text IS NULL OR dag_id = ${options.dagId ?? null}::text)
        AND (${options.ignorePause ?? false}::boolean OR NOT is_paused)
      ORDER BY dag_id FOR NO KEY UPDATE`;
  if (locked.length === 0) return [];
  // Read the clock once the locks are held: a start stamped before waiting for them could
  // predate the end of the run whose finish made the room.
  const startedAt = clock();
  const rows = await tx.$queryRaw<{ id: number }[]>`
      UPDATE dag_run SET state = 'running', started_at = ${startedAt}, updated_at = ${startedAt}
      WHERE id IN (
        SELECT e.id FROM (
          SELECT c.id, c.dag_id, row_number() OVER (PARTITION BY c.dag_id ORDER BY c.logical_date, c.id) AS n
          FROM (
            SELECT q.id, q.dag_id, q.logical_date, q.backfill_id,
                   row_number() OVER (PARTITION BY q.backfill_id ORDER BY q.logical_date, q.id) AS bn,
                   CASE WHEN q.backfill_id IS NOT NULL THEN
                     b.max_active_runs - (SELECT COUNT(*) FROM dag_run r2 WHERE r2.backfill_id = q.backfill_id AND r2.state = 'running')
                   END AS backfill_room
            FROM dag_run q LEFT JOIN backfill b ON b.id = q.backfill_id
            WHERE q.dag_id = ANY(${locked.map((d) => d.dag_id)}::text[]) AND q.state = 'queued'
              AND (b.id IS NULL OR b.cancelled_at IS NULL)
          ) c
          WHERE c.backfill_id IS NULL OR c.bn <= c.backfill_room
        ) e JOIN dag d ON d.dag_id = e.dag_id
        WHERE e.n <= d.max_active_runs - (SELECT COUNT(*) FROM dag_run r3 WHERE r3.dag_id = e.dag_id AND r3.state = 'running'))
      RETURNING id`;
  return rows.map((r) => r.id);
}

/** Running runs worth re-examining: a retry fell due, or nothing has examined them lately. */
export async function runsToExamine(
  db: Db,
  clock: Clock,
  staleAfterMs: number,
  limit = 50,
): Promise<number[]> {
  const now = clock();
  const stale = new Date(now.getTime() - staleAfterMs);
  const rows = await db.$queryRaw<{ id: number }[]>`
    SELECT r.id FROM dag_run r JOIN dag d ON d.dag_id = r.dag_id
    WHERE r.state = 'running' AND NOT d.is_paused AND (
      r.last_scheduling_decision IS NULL OR r.last_scheduling_decision < ${stale}
      OR EXISTS (SELECT 1 FROM task_instance t WHERE t.dag_run_id = r.id AND t.state = 'up_for_retry' AND t.next_retry_at <= ${now})
      OR EXISTS (SELECT 1 FROM task_instance t WHERE t.dag_run_id = r.id AND t.state = 'up_for_reschedule' AND t.reschedule_at <= ${now}))
    -- Runs here only for a retry or reschedule that fell due go first: stale runs are the safety net.
    ORDER BY (r.last_scheduling_decision IS NOT NULL AND r.last_scheduling_decision >= ${stale}) DESC,
             r.last_scheduling_decision NULLS FIRST, r.id LIMIT ${limit}`;
  return rows.map((r) => r.id);
}

/** TaskInstances queued for a while, whose job may have vanished from Redis. */
export async function staleQueuedTries(
  db: Db,
  clock: Clock,
  olderThanMs: number,
): Promise<{ taskInstanceId: number; tryNumber: number; queue: string }[]> {
  const before = new Date(clock().getTime() - olderThanMs);
  const rows = await db.$queryRaw<{ id: number; try_number: number; queue: string }[]>`
    SELECT id, try_number, queue FROM task_instance WHERE state = 'queued' AND queued_at < ${before} LIMIT 500`;
  return rows.map((r) => ({ taskInstanceId: r.id, tryNumber: r.try_number, queue: r.queue }));
}
