// Owns finding tries that can no longer finish on their own: running tries whose worker stopped
// heartbeating (killed, crashed, partitioned) and tries queued for too long. Each goes to retry,
// or to failed when no tries remain, with its TaskAttempt recorded as lost and the reason.
import type { Db, RawSql } from '@weir/db';
import type { Clock } from './clock.ts';
import type { DagCatalog } from './dag-catalog.ts';
import { finishTry } from './task-tries.ts';

export interface RecoveredTry {
  readonly dagRunId: number;
  readonly taskInstanceId: number;
  readonly dagId: string;
  readonly taskId: string;
  readonly tryNumber: number;
  /** What the try became: up_for_retry or failed. */
  readonly state: string;
  readonly reason: string;
}

interface StaleRow {
  id: number;
  dag_run_id: number;
  dag_id: string;
  task_id: string;
  try_number: number;
  max_tries: number;
  hostname: string | null;
  pid: number | null;
  logical_date: Date;
}

/** Running tries whose worker has not heartbeated for `thresholdMs`. */
export async function recoverZombies(
  db: RawSql,
  catalog: DagCatalog,
  clock: Clock,
  thresholdMs: number,
): Promise<RecoveredTry[]> {
  const now = clock();
  const rows = await db.$queryRaw<StaleRow[]>`
    SELECT t.id, t.dag_run_id, t.dag_id, t.task_id, t.try_number, t.max_tries, t.hostname, t.pid, r.logical_date
    FROM task_instance t JOIN dag_run r ON r.id = t.dag_run_id
    WHERE t.state = 'running' AND COALESCE(t.last_heartbeat_at, t.started_at) < ${new Date(now.getTime() - thresholdMs)}
    LIMIT 500`;
  const recovered: RecoveredTry[] = [];
  for (const row of rows) {
    const reason = `the worker running it (${row.hostname ?? 'unknown host'}, pid ${row.pid ?? '?'}) stopped heartbeating for over ${Math.round(thresholdMs / 1000)} s; the try is lost`;
    const task = (await catalog.get(row.dag_id))?.dag.tasks.find((t) => t.taskId === row.task_id);
    const policy = task ?? { retryDelayMs: 0, retryExponentialBackoff: false, maxRetryDelayMs: null };
    const result = await finishTry(
      db,
      {
        taskInstanceId: row.id,
        tryNumber: row.try_number,
        maxTries: row.max_tries,
        dagId: row.dag_id,
        taskId: row.task_id,
        logicalDate: row.logical_date,
      },
      policy,
      { kind: 'failed', error: { message: reason, stack: null }, retryable: true, attemptOutcome: 'lost' },
      now,
    );
    if (result.kind === 'recorded')
      recovered.push({
        dagRunId: row.dag_run_id,
        taskInstanceId: row.id,
        dagId: row.dag_id,
        taskId: row.task_id,
        tryNumber: row.try_number,
        state: result.state,
        reason,
      });
  }
  return recovered;
}

/** Tries queued for longer than `timeoutMs` (no worker took them): retried, or failed. */
export async function recoverStuckQueued(db: Db, clock: Clock, timeoutMs: number): Promise<RecoveredTry[]> {
  const now = clock();
  const reason = `queued for longer than ${Math.round(timeoutMs / 1000)} s (WEIR_TASK_QUEUED_TIMEOUT_MS) without a worker taking it; is a worker serving its queue?`;
  const rows = await db.$queryRaw<
    { id: number; dag_run_id: number; dag_id: string; task_id: string; try_number: number; state: string }[]
  >`
    UPDATE task_instance
    SET state = CASE WHEN try_number < max_tries THEN 'up_for_retry'::"TaskInstanceState" ELSE 'failed'::"TaskInstanceState" END,
        next_retry_at = ${now}, ended_at = ${now}, updated_at = ${now}
    WHERE state = 'queued' AND queued_at < ${new Date(now.getTime() - timeoutMs)}
    RETURNING id, dag_run_id, dag_id, task_id, try_number, state::text`;
  for (const row of rows) {
    await db.$executeRaw`
      INSERT INTO task_attempt (task_instance_id, try_number, started_at, ended_at, outcome, error)
      VALUES (${row.id}, ${row.try_number}, ${now}, ${now}, 'lost', ${reason})
      ON CONFLICT (task_instance_id, try_number) DO UPDATE SET ended_at = EXCLUDED.ended_at, outcome = 'lost', error = EXCLUDED.error`;
  }
  return rows.map((r) => ({
    dagRunId: r.dag_run_id,
    taskInstanceId: r.id,
    dagId: r.dag_id,
    taskId: r.task_id,
    tryNumber: r.try_number,
    state: r.state,
    reason,
  }));
}
