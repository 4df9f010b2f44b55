// Owns one try of a TaskInstance as a worker sees it: claiming it (queued → running), the data
// its function needs (run dates, conf, upstream outputs), and recording how it ended. Every
// transition is a compare-and-set on (state, tryNumber); a lost race is a typed result.
import type { RawSql } from '@weir/db';
import { retryDelayMs } from '@weir/domain';
import type { SerializedTask } from '@weir/sdk';

export interface ClaimedTry {
  readonly taskInstanceId: number;
  readonly dagRunId: number;
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly mapIndex: number;
  readonly tryNumber: number;
  readonly maxTries: number;
  readonly logicalDate: Date;
  readonly dataIntervalStart: Date | null;
  readonly dataIntervalEnd: Date | null;
  readonly conf: Record<string, unknown>;
}

export type ClaimResult = { kind: 'claimed'; try: ClaimedTry } | { kind: 'not_queued'; state: string | null };

interface ClaimRow {
  dag_run_id: number;
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  max_tries: number;
  logical_date: Date;
  data_interval_start: Date | null;
  data_interval_end: Date | null;
  conf: Record<string, unknown>;
}

/** queued → running for exactly this try, and its TaskAttempt row, in one round trip. */
export async function claimTry(
  db: RawSql,
  job: { taskInstanceId: number; tryNumber: number },
  worker: { hostname: string; pid: number },
  now: Date,
): Promise<ClaimResult> {
  const rows = await db.$queryRaw<ClaimRow[]>`
    WITH claimed AS (
      UPDATE task_instance SET state = 'running', started_at = ${now}, ended_at = NULL, duration = NULL,
             hostname = ${worker.hostname}, pid = ${worker.pid}, last_heartbeat_at = ${now}, updated_at = ${now}
      WHERE id = ${job.taskInstanceId} AND state = 'queued' AND try_number = ${job.tryNumber}
      RETURNING id, dag_run_id, dag_id, run_id, task_id, map_index, max_tries
    ), attempt AS (
      INSERT INTO task_attempt (task_instance_id, try_number, started_at, hostname, pid)
      SELECT id, ${job.tryNumber}, ${now}, ${worker.hostname}, ${worker.pid} FROM claimed
      -- A sensor resuming after a reschedule continues its try: keep when the try started.
      ON CONFLICT (task_instance_id, try_number) DO UPDATE
      SET started_at = CASE WHEN task_attempt.outcome = 'up_for_reschedule' THEN task_attempt.started_at ELSE EXCLUDED.started_at END,
          ended_at = NULL, outcome = NULL, hostname = EXCLUDED.hostname, pid = EXCLUDED.pid
    )
    SELECT c.dag_run_id, c.dag_id, c.run_id, c.task_id, c.map_index, c.max_tries,
           r.logical_date, r.data_interval_start, r.data_interval_end, r.conf
    FROM claimed c JOIN dag_run r ON r.id = c.dag_run_id`;
  const row = rows[0];
  if (!row) {
    const current = await db.$queryRaw<{ state: string }[]>`
      SELECT state::text FROM task_instance WHERE id = ${job.taskInstanceId}`;
    return { kind: 'not_queued', state: current[0]?.state ?? null };
  }
  return {
    kind: 'claimed',
    try: {
      taskInstanceId: job.taskInstanceId,
      dagRunId: row.dag_run_id,
      dagId: row.dag_id,
      runId: row.run_id,
      taskId: row.task_id,
      mapIndex: row.map_index,
      tryNumber: job.tryNumber,
      maxTries: row.max_tries,
      logicalDate: row.logical_date,
      dataIntervalStart: row.data_interval_start,
      dataIntervalEnd: row.data_interval_end,
      conf: row.conf ?? {},
    },
  };
}

export type TryOutcome =
  | { kind: 'success'; output: unknown; outputJson: string | undefined }
  | { kind: 'skipped'; reason: string }
  | {
      kind: 'failed';
      error: { message: string; stack: string | null };
      retryable: boolean;
      retryAfterMs?: number;
      attemptOutcome?: 'failed' | 'timed_out' | 'lost' | 'cancelled';
    }
  /** A reschedule-mode sensor's poke came back falsy: free the slot, poke again at `rescheduleAt`. */
  | { kind: 'up_for_reschedule'; rescheduleAt: Date };

export type FinishResult =
  | {
      kind: 'recorded';
      state: 'success' | 'skipped' | 'failed' | 'up_for_retry' | 'up_for_reschedule';
      nextRetryAt: Date | null;
    }
  | { kind: 'not_running' };

/** running → its outcome for exactly this try; retries follow the task's policy. */
export async function finishTry(
  db: RawSql,
  claimed: Pick<ClaimedTry, 'taskInstanceId' | 'tryNumber' | 'maxTries' | 'dagId' | 'taskId' | 'logicalDate'>,
  task: Pick<SerializedTask, 'retryDelayMs' | 'retryExponentialBackoff' | 'maxRetryDelayMs'>,
  outcome: TryOutcome,
  now: Date,
): Promise<FinishResult> {
  if (outcome.kind === 'up_for_reschedule') return rescheduleTry(db, claimed, outcome.rescheduleAt, now);
  let state: 'success' | 'skipped' | 'failed' | 'up_for_retry';
  let nextRetryAt: Date | null = null;
  let attemptOutcome: string;
  let error: { message: string; stack: string | null } | null = null;
  if (outcome.kind === 'success') {
    state = 'success';
    attemptOutcome = 'success';
  } else if (outcome.kind === 'skipped') {
    state = 'skipped';
    attemptOutcome = 'skipped';
  } else {
    error = outcome.error;
    const triesLeft = claimed.tryNumber < claimed.maxTries;
    if (outcome.retryable && triesLeft) {
      state = 'up_for_retry';
      const delay =
        outcome.retryAfterMs ??
        retryDelayMs(
          task,
          claimed.tryNumber,
          `${claimed.dagId}#${claimed.taskId}#${claimed.logicalDate.toISOString()}#${claimed.tryNumber}`,
        );
      nextRetryAt = new Date(now.getTime() + delay);
    } else {
      state = 'failed';
    }
    attemptOutcome = outcome.attemptOutcome ?? (state === 'up_for_retry' ? 'up_for_retry' : 'failed');
  }
  // One statement (no BEGIN/COMMIT round trips): the compare-and-set on the instance, its
  // attempt row and its output, all or nothing.
  const output = outcome.kind === 'success' ? (outcome.outputJson ?? null) : null;
  const updated = await db.$queryRaw<{ dag_run_id: number; map_index: number }[]>`
    WITH ti AS (
      UPDATE task_instance
      SET state = ${state}::"TaskInstanceState", ended_at = ${now}, next_retry_at = ${nextRetryAt}, updated_at = ${now},
          duration = EXTRACT(EPOCH FROM (${now}::timestamp - started_at))
      WHERE id = ${claimed.taskInstanceId} AND state = 'running' AND try_number = ${claimed.tryNumber}
      RETURNING id, dag_run_id, dag_id, run_id, task_id, map_index
    ), attempt AS (
      UPDATE task_attempt SET ended_at = ${now}, outcome = ${attemptOutcome}::"AttemptOutcome",
             error = ${error?.message ?? null}, error_stack = ${error?.stack ?? null}
      WHERE task_instance_id = (SELECT id FROM ti) AND try_number = ${claimed.tryNumber}
    ), output AS (
      INSERT INTO xcom (task_instance_id, dag_id, run_id, task_id, map_index, key, value, size_bytes)
      SELECT id, dag_id, run_id, task_id, map_index, 'return_value', ${output}::jsonb, ${output === null ? 0 : Buffer.byteLength(output)}::int
      FROM ti WHERE ${output}::text IS NOT NULL
      ON CONFLICT (dag_id, run_id, task_id, map_index, key)
      DO UPDATE SET value = EXCLUDED.value, size_bytes = EXCLUDED.size_bytes, task_instance_id = EXCLUDED.task_instance_id
    )
    SELECT dag_run_id, map_index FROM ti`;
  if (updated.length === 0) return { kind: 'not_running' };
  return { kind: 'recorded', state, nextRetryAt };
}

/**
 * running → up_for_reschedule for exactly this try. As in Airflow, a reschedule does not use up a
 * try: the try number goes back by one, so queueing it again (try_number + 1) resumes the same
 * try, under the same TaskAttempt row.
 */
async function rescheduleTry(
  db: RawSql,
  claimed: Pick<ClaimedTry, 'taskInstanceId' | 'tryNumber'>,
  rescheduleAt: Date,
  now: Date,
): Promise<FinishResult> {
  return db.$transaction(async (tx) => {
    const changed = await tx.$executeRaw`
      UPDATE task_instance
      SET state = 'up_for_reschedule', try_number = try_number - 1, reschedule_at = ${rescheduleAt},
          ended_at = ${now}, updated_at = ${now}, duration = EXTRACT(EPOCH FROM (${now}::timestamp - started_at))
      WHERE id = ${claimed.taskInstanceId} AND state = 'running' AND try_number = ${claimed.tryNumber}`;
    if (changed === 0) return { kind: 'not_running' } as const;
    await tx.$executeRaw`
      UPDATE task_attempt SET ended_at = ${now}, outcome = 'up_for_reschedule', error = NULL, error_stack = NULL
      WHERE task_instance_id = ${claimed.taskInstanceId} AND try_number = ${claimed.tryNumber}`;
    return { kind: 'recorded', state: 'up_for_reschedule', nextRetryAt: null } as const;
  });
}
