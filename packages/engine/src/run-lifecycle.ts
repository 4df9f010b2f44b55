// Owns the scheduler's periodic duties for runs: creating scheduled runs that are due, starting
// queued runs within maxActiveRuns, and choosing which running runs to re-examine (retries that
// fell due, and any run no event has touched lately).
import type { Db } from '@weir/db';
import type { Clock } from './clock.ts';
import type { DagCatalog } from './dag-catalog.ts';
import { type CreatedRun, insertDagRun } from './dag-runs.ts';
import { nextScheduledRun, refreshNextDagRun } from './schedule-spec.ts';

/** Creates every scheduled run that is due, oldest first, while maxActiveRuns allows. */
export async function createDueScheduledRuns(
  db: Db,
  catalog: DagCatalog,
  clock: Clock,
  limit = 50,
): Promise<CreatedRun[]> {
  const now = clock();
  const due = await db.$queryRaw<{ dag_id: string }[]>`
    SELECT dag_id FROM dag WHERE is_active AND NOT is_paused AND next_dagrun_create_after <= ${now}
    ORDER BY next_dagrun_create_after, dag_id LIMIT ${limit}`;
  const created: CreatedRun[] = [];
  for (const { dag_id } of due) {
    const entry = await catalog.get(dag_id);
    if (!entry) continue;
    const dag = entry.dag;
    const runs = await db.$transaction(async (tx) => {
      // SKIP LOCKED: another scheduler is creating this DAG's runs right now.
      const locked = await tx.$queryRaw<
        { n: number }[]
      >`SELECT 1 AS n FROM dag WHERE dag_id = ${dag_id} FOR UPDATE SKIP LOCKED`;
      if (locked.length === 0) return [];
      const made: CreatedRun[] = [];
      for (;;) {
        const active = await tx.$queryRaw<{ n: number }[]>`
          SELECT COUNT(*)::int AS n FROM dag_run WHERE dag_id = ${dag_id} AND state IN ('queued', 'running')`;
        if ((active[0]?.n ?? 0) >= dag.maxActiveRuns) break;
        const info = await nextScheduledRun(tx, dag, now);
        if (!info || info.runAfter > now) break;
        const run = await insertDagRun(tx, dag, entry.hash, {
          runType: 'scheduled',
          logicalDate: info.logicalDate,
          dataInterval: info.dataInterval,
          conf: { ...(dag.params?.defaults ?? {}) },
        });
        if (!run) break;
        made.push(run);
      }
      await refreshNextDagRun(tx, dag, now);
      return made;
    });
    created.push(...runs);
  }
  return created;
}

/** queued → running for runs whose DAG has room under maxActiveRuns, oldest logical date first. */
export async function startQueuedRuns(
  db: Db,
  catalog: DagCatalog,
  clock: Clock,
  dagId?: string,
  ignorePause = false,
): Promise<number[]> {
  const dagIds = dagId
    ? [dagId]
    : (
        await db.$queryRaw<{ dag_id: string }[]>`
          SELECT DISTINCT r.dag_id FROM dag_run r JOIN dag d ON d.dag_id = r.dag_id
          WHERE r.state = 'queued' AND NOT d.is_paused`
      ).map((r) => r.dag_id);
  const started: number[] = [];
  for (const id of dagIds) {
    const entry = await catalog.get(id);
    if (!entry || (entry.isPaused && !ignorePause)) continue;
    const ids = await db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM dag WHERE dag_id = ${id} FOR UPDATE`;
      // Read the clock once the lock is held: a start stamped before waiting for it could
      // predate the end of the run whose finish made the room.
      const startedAt = clock();
      const running = await tx.$queryRaw<{ n: number }[]>`
        SELECT COUNT(*)::int AS n FROM dag_run WHERE dag_id = ${id} AND state = 'running'`;
      const room = entry.dag.maxActiveRuns - (running[0]?.n ?? 0);
      if (room <= 0) return [];
      const rows = await tx.$queryRaw<{ id: number }[]>`
        UPDATE dag_run SET state = 'running', started_at = ${startedAt}, updated_at = ${startedAt}
        WHERE id IN (
          -- Oldest first; a backfill's runs also stay within the backfill's own maxActiveRuns.
          SELECT c.id FROM (
            SELECT q.id, q.logical_date, q.backfill_id,
                   row_number() OVER (PARTITION BY q.backfill_id ORDER BY q.logical_date, q.id) AS n,
                   b.max_active_runs - (SELECT COUNT(*) FROM dag_run r2 WHERE r2.backfill_id = q.backfill_id AND r2.state = 'running') AS backfill_room
            FROM dag_run q LEFT JOIN backfill b ON b.id = q.backfill_id
            WHERE q.dag_id = ${id} AND q.state = 'queued' AND (b.id IS NULL OR b.cancelled_at IS NULL)
          ) c
          WHERE c.backfill_id IS NULL OR c.n <= c.backfill_room
          ORDER BY c.logical_date, c.id LIMIT ${room})
        RETURNING id`;
      return rows.map((r) => r.id);
    });
    started.push(...ids);
  }
  return started;
}

/** Running runs worth re-examining: a retry fell due, or nothing has examined them lately. */
export async function runsToExamine(
  db: Db,
  clock: Clock,
  staleAfterMs: number,
  limit = 100,
): Promise<number[]> {
  const now = clock();
  const stale = new Date(now.getTime() - staleAfterMs);
  const rows = await db.$queryRaw<{ id: number }[]>`
    SELECT r.id FROM dag_run r JOIN dag d ON d.dag_id = r.dag_id
    WHERE r.state = 'running' AND NOT d.is_paused AND (
      r.last_scheduling_decision IS NULL OR r.last_scheduling_decision < ${stale}
      OR EXISTS (SELECT 1 FROM task_instance t WHERE t.dag_run_id = r.id AND t.state = 'up_for_retry' AND t.next_retry_at <= ${now})
      OR EXISTS (SELECT 1 FROM task_instance t WHERE t.dag_run_id = r.id AND t.state = 'up_for_reschedule' AND t.reschedule_at <= ${now}))
    ORDER BY r.last_scheduling_decision NULLS FIRST, r.id LIMIT ${limit}`;
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
