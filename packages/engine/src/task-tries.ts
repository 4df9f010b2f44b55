// Owns one try of a TaskInstance as a worker sees it: claiming it (queued → running), the data
// its function needs (run dates, conf, upstream outputs), and recording how it ended. Every
// transition is a compare-and-set on (state, tryNumber); a lost race is a typed result.
import type { RawSql } from '@weir/db';
import { retryDelayMs } from '@weir/domain';
import type { SerializedTask, TaskAlertKind, TaskAlertSeverity } from '@weir/sdk';
import { recordTaskAlerts } from './task-alerts.ts';

/** `triggered_by` of the runs `weir dags test` makes: they raise no alerts. */
export const TEST_RUN_TRIGGER = 'weir dags test';

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
  /**
   * For a mapped instance: the version (XCom id and xmin) of each unmapped task's output in its
   * run when it was claimed, so the worker's OutputCache needs no statement of its own.
   */
  readonly unmappedOutputs?: ReadonlyMap<string, OutputVersion>;
}

/** Which write of an XCom row a value came from: its id and `xmin`. */
export interface OutputVersion {
  readonly id: number;
  readonly version: string;
}

export type ClaimResult = { kind: 'claimed'; try: ClaimedTry } | { kind: 'not_queued'; state: string | null };

interface ClaimRow {
  id: number;
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
  unmapped_outputs: [string, number, string][] | null;
}

export interface ClaimRequest {
  readonly job: { readonly taskInstanceId: number; readonly tryNumber: number };
  readonly worker: { readonly hostname: string; readonly pid: number };
  readonly now: Date;
  /**
   * Claimed by the pass that let it run (eager dispatch): the try goes from its state before
   * queueing (try_number one less) straight to running, never `queued`.
   */
  readonly direct?: boolean;
}

/** queued → running for exactly this try, and its TaskAttempt row, in one round trip. */
export async function claimTry(
  db: RawSql,
  job: { taskInstanceId: number; tryNumber: number },
  worker: { hostname: string; pid: number },
  now: Date,
): Promise<ClaimResult> {
  return (await claimTries(db, [{ job, worker, now }]))[0] as ClaimResult;
}

/** claimTry for many tries in one statement (one commit); results in request order. */
export async function claimTries(db: RawSql, requests: readonly ClaimRequest[]): Promise<ClaimResult[]> {
  const rows = await db.$queryRaw<ClaimRow[]>`
    WITH j AS (
      SELECT * FROM unnest(${requests.map((r) => r.job.taskInstanceId)}::int[], ${requests.map((r) => r.job.tryNumber)}::int[],
                           ${requests.map((r) => r.now.toISOString())}::timestamp[],
                           ${requests.map((r) => r.worker.hostname)}::text[], ${requests.map((r) => r.worker.pid)}::int[],
                           ${requests.map((r) => r.direct === true)}::bool[])
             AS j(id, try_number, at, hostname, pid, direct)
    ), claimed AS (
      UPDATE task_instance t SET state = 'running', try_number = j.try_number, started_at = j.at, ended_at = NULL,
             duration = NULL, hostname = j.hostname, pid = j.pid, last_heartbeat_at = j.at, updated_at = j.at,
             queued_at = CASE WHEN j.direct THEN j.at ELSE t.queued_at END,
             next_retry_at = CASE WHEN j.direct THEN NULL ELSE t.next_retry_at END,
             reschedule_at = CASE WHEN j.direct THEN NULL ELSE t.reschedule_at END
      -- state::text, not state: a generic plan would otherwise scan the state index and loop over
      -- the batch; this way it probes the primary key once per try of the batch.
      FROM j WHERE t.id = j.id
        AND (CASE WHEN j.direct
                  THEN t.try_number = j.try_number - 1 AND t.state::text IN ('none', 'scheduled', 'up_for_retry', 'up_for_reschedule')
                  ELSE t.try_number = j.try_number AND t.state::text = 'queued' END)
      RETURNING t.id, t.dag_run_id, t.dag_id, t.run_id, t.task_id, t.map_index, t.max_tries, t.try_number, t.queued_at, j.at, j.hostname, j.pid
    ), attempt AS (
      INSERT INTO task_attempt (task_instance_id, try_number, queued_at, started_at, hostname, pid, dag_hash)
      -- The DAG version current as the try starts: the one its worker runs.
      SELECT id, try_number, queued_at, at, hostname, pid, (SELECT d.serialized_hash FROM dag d WHERE d.dag_id = claimed.dag_id)
      FROM claimed
      -- A sensor resuming after a reschedule continues its try: keep when the try started.
      ON CONFLICT (task_instance_id, try_number) DO UPDATE
      SET started_at = CASE WHEN task_attempt.outcome = 'up_for_reschedule' THEN task_attempt.started_at ELSE EXCLUDED.started_at END,
          queued_at = CASE WHEN task_attempt.outcome = 'up_for_reschedule' THEN task_attempt.queued_at ELSE EXCLUDED.queued_at END,
          ended_at = NULL, outcome = NULL, hostname = EXCLUDED.hostname, pid = EXCLUDED.pid, dag_hash = EXCLUDED.dag_hash
    )
    SELECT c.id, c.dag_run_id, c.dag_id, c.run_id, c.task_id, c.map_index, c.max_tries,
           r.logical_date, r.data_interval_start, r.data_interval_end, r.conf,
           CASE WHEN c.map_index >= 0 THEN (
             SELECT json_agg(json_build_array(x.task_id, x.id, x.xmin::text)) FROM xcom x
             WHERE x.dag_id = c.dag_id AND x.run_id = c.run_id AND x.map_index = -1 AND x.key = 'return_value')
           END AS unmapped_outputs
    FROM claimed c JOIN dag_run r ON r.id = c.dag_run_id`;
  const byId = new Map(rows.map((row) => [row.id, row]));
  const results: ClaimResult[] = [];
  for (const { job } of requests) {
    const row = byId.get(job.taskInstanceId);
    // The same try twice in one batch: the first request has it.
    byId.delete(job.taskInstanceId);
    if (!row) {
      const current = await db.$queryRaw<{ state: string }[]>`
        SELECT state::text FROM task_instance WHERE id = ${job.taskInstanceId}`;
      results.push({ kind: 'not_queued', state: current[0]?.state ?? null });
      continue;
    }
    results.push({ kind: 'claimed', try: claimedTry(row, job.tryNumber) });
  }
  return results;
}

function claimedTry(row: ClaimRow, tryNumber: number): ClaimedTry {
  return {
    taskInstanceId: row.id,
    dagRunId: row.dag_run_id,
    dagId: row.dag_id,
    runId: row.run_id,
    taskId: row.task_id,
    mapIndex: row.map_index,
    tryNumber,
    maxTries: row.max_tries,
    logicalDate: row.logical_date,
    dataIntervalStart: row.data_interval_start,
    dataIntervalEnd: row.data_interval_end,
    conf: row.conf ?? {},
    ...(row.map_index >= 0
      ? {
          unmappedOutputs: new Map(
            (row.unmapped_outputs ?? []).map(([taskId, id, version]) => [taskId, { id, version }]),
          ),
        }
      : {}),
  };
}

/**
 * What a try said through `ctx.alerts`, the last word per (kind, check): raise opens the check's
 * incident (or counts on the open one), resolve ends it. Recorded with the try's end.
 */
export type TaskAlertChange =
  | {
      readonly op: 'raise';
      readonly kind: TaskAlertKind;
      readonly check: string;
      readonly severity: TaskAlertSeverity;
      readonly title: string;
      readonly detailsJson: string;
    }
  | { readonly op: 'resolve'; readonly kind: TaskAlertKind; readonly check: string };

export type TryOutcome =
  | {
      kind: 'success';
      output: unknown;
      outputJson: string | undefined;
      /**
       * Tasks of the run to skip with this success, in the same statement (a branch's unchosen
       * direct downstreams, a falsy short-circuit's downstreams); instances already past
       * `queued` are left alone.
       */
      skipTaskIds?: readonly string[];
      /** Asset events this success records, in the same statement (the task's outlets). */
      assetEvents?: readonly { readonly uri: string; readonly extraJson: string }[];
      taskAlerts?: readonly TaskAlertChange[];
    }
  | { kind: 'skipped'; reason: string }
  /** The task is no longer in its DAG (changed since the try was queued): Airflow's `removed`. */
  | { kind: 'removed'; reason: string }
  | {
      kind: 'failed';
      error: { message: string; stack: string | null };
      retryable: boolean;
      retryAfterMs?: number;
      attemptOutcome?: 'failed' | 'timed_out' | 'lost' | 'cancelled';
      /** A sensor's timeout (counted from its first poke): its alert is a sensor timeout. */
      sensorTimeout?: boolean;
      taskAlerts?: readonly TaskAlertChange[];
    }
  /** A reschedule-mode sensor's poke came back falsy: free the slot, poke again at `rescheduleAt`. */
  | { kind: 'up_for_reschedule'; rescheduleAt: Date };

export type FinishResult =
  | {
      kind: 'recorded';
      state: 'success' | 'skipped' | 'removed' | 'failed' | 'up_for_retry' | 'up_for_reschedule';
      nextRetryAt: Date | null;
      /** The instance that took over the freed slot (FinishRequest.handOver), already running. */
      successor?: ClaimedTry;
    }
  | { kind: 'not_running' };

export interface FinishRequest {
  readonly claimed: Pick<
    ClaimedTry,
    'taskInstanceId' | 'tryNumber' | 'maxTries' | 'dagId' | 'taskId' | 'logicalDate'
  >;
  readonly task: Pick<SerializedTask, 'retryDelayMs' | 'retryExponentialBackoff' | 'maxRetryDelayMs'>;
  readonly outcome: TryOutcome;
  readonly now: Date;
  /**
   * Slot hand-over, for an instance of a mapped task: in the same statement, another instance of
   * the same task waiting in `scheduled` goes straight to running for this worker. Same task, so
   * same pool, slots and DAG: the pool and maxActiveTasks counts do not change, and no lock is
   * needed. Only while nothing else of the run waits in `scheduled`; then a pass decides.
   */
  readonly handOver?: { readonly hostname: string; readonly pid: number };
}

/** running → its outcome for exactly this try; retries follow the task's policy. */
export async function finishTry(
  db: RawSql,
  claimed: FinishRequest['claimed'],
  task: FinishRequest['task'],
  outcome: TryOutcome,
  now: Date,
): Promise<FinishResult> {
  return (await finishTries(db, [{ claimed, task, outcome, now }]))[0] as FinishResult;
}

interface Ending {
  readonly state: 'success' | 'skipped' | 'removed' | 'failed' | 'up_for_retry';
  readonly nextRetryAt: Date | null;
  readonly attemptOutcome: string;
  readonly error: { message: string; stack: string | null } | null;
  /** The alert this end raises, in the same statement. */
  readonly alertKind: 'task_failed' | 'sensor_timed_out' | 'retrying' | null;
}

/** The state a try's outcome leads to, by the task's retry policy. */
function endingOf(request: FinishRequest): Ending {
  const { claimed, task, outcome, now } = request;
  if (outcome.kind === 'success')
    return { state: 'success', nextRetryAt: null, attemptOutcome: 'success', error: null, alertKind: null };
  if (outcome.kind === 'skipped')
    return { state: 'skipped', nextRetryAt: null, attemptOutcome: 'skipped', error: null, alertKind: null };
  if (outcome.kind === 'removed')
    return {
      state: 'removed',
      nextRetryAt: null,
      attemptOutcome: 'cancelled',
      error: { message: outcome.reason, stack: null },
      alertKind: null,
    };
  if (outcome.kind !== 'failed') throw new Error(`a ${outcome.kind} outcome is recorded by rescheduleTry`);
  const triesLeft = claimed.tryNumber < claimed.maxTries;
  if (outcome.retryable && triesLeft) {
    const delay =
      outcome.retryAfterMs ??
      retryDelayMs(
        task,
        claimed.tryNumber,
        `${claimed.dagId}#${claimed.taskId}#${claimed.logicalDate.toISOString()}#${claimed.tryNumber}`,
      );
    return {
      state: 'up_for_retry',
      nextRetryAt: new Date(now.getTime() + delay),
      attemptOutcome: outcome.attemptOutcome ?? 'up_for_retry',
      error: outcome.error,
      alertKind: 'retrying',
    };
  }
  return {
    state: 'failed',
    nextRetryAt: null,
    attemptOutcome: outcome.attemptOutcome ?? 'failed',
    error: outcome.error,
    alertKind: outcome.sensorTimeout ? 'sensor_timed_out' : 'task_failed',
  };
}

/**
 * finishTry for many tries in one statement: the compare-and-set on each instance, its attempt
 * row and its output, all or nothing, one commit. Results in request order.
 */
export async function finishTries(db: RawSql, requests: readonly FinishRequest[]): Promise<FinishResult[]> {
  // A try that raised or resolved data-quality alerts records them in its end's transaction.
  if (requests.some((r) => taskAlertsOf(r.outcome).length > 0))
    return db.$transaction(async (tx) => (await recordEnds(tx, requests)).results);
  return (await recordEnds(db, requests)).results;
}

function taskAlertsOf(outcome: TryOutcome): readonly TaskAlertChange[] {
  return outcome.kind === 'success' || outcome.kind === 'failed' ? (outcome.taskAlerts ?? []) : [];
}

/** A DagRun whose row lock a transaction took, for its scheduling pass. */
export interface LockedRun {
  readonly id: number;
  readonly dag_id: string;
  readonly run_id: string;
  readonly logical_date: Date;
}

/**
 * Takes the run's row lock (only while it is running) and records one try's end, in one
 * statement: the lock is taken before the try's row is touched, the order every pass uses.
 * For a transaction that schedules the run next (the fused hop).
 */
export async function finishUnderRunLock(
  tx: RawSql,
  request: FinishRequest,
  dagRunId: number,
): Promise<{ finish: FinishResult; locked: LockedRun | undefined }> {
  if (request.outcome.kind === 'up_for_reschedule')
    throw new Error('a reschedule is recorded by finishTries');
  const { results, locked } = await recordEnds(tx, [request], { dagRunId, now: request.now });
  return { finish: results[0] as FinishResult, locked };
}

async function recordEnds(
  db: RawSql,
  requests: readonly FinishRequest[],
  lockRun?: { readonly dagRunId: number; readonly now: Date },
): Promise<{ results: FinishResult[]; locked?: LockedRun }> {
  const results: (FinishResult | undefined)[] = [];
  const ending: { request: FinishRequest; ending: Ending; index: number }[] = [];
  for (const [index, request] of requests.entries()) {
    if (request.outcome.kind === 'up_for_reschedule') {
      results[index] = await rescheduleTry(db, request.claimed, request.outcome.rescheduleAt, request.now);
    } else ending.push({ request, ending: endingOf(request), index });
  }
  if (ending.length === 0) return { results: results as FinishResult[] };
  const column = <T>(pick: (e: (typeof ending)[number]) => T) => ending.map(pick);
  const iso = (d: Date | null) => (d === null ? null : d.toISOString());
  const output = (e: (typeof ending)[number]) =>
    e.request.outcome.kind === 'success' ? (e.request.outcome.outputJson ?? null) : null;
  const skipPairs = ending.flatMap((e) =>
    e.request.outcome.kind === 'success'
      ? (e.request.outcome.skipTaskIds ?? []).map(
          (taskId) => [e.request.claimed.taskInstanceId, taskId] as const,
        )
      : [],
  );
  const skipFrom = skipPairs.map(([id]) => id);
  const skipTask = skipPairs.map(([, taskId]) => taskId);
  const assetEvents = ending.flatMap((e) =>
    e.request.outcome.kind === 'success'
      ? (e.request.outcome.assetEvents ?? []).map((a) => ({ from: e.request.claimed.taskInstanceId, ...a }))
      : [],
  );
  const rows = await db.$queryRaw<(ClaimRow & { kind: 'ended' | 'successor' | 'run'; try_number: number })[]>`
    WITH locked AS (
      UPDATE dag_run SET last_scheduling_decision = ${lockRun?.now ?? null}
      WHERE id = ${lockRun?.dagRunId ?? null} AND state = 'running'
      RETURNING id, dag_id, run_id, logical_date
    ), j AS (
      SELECT * FROM unnest(
        ${column((e) => e.request.claimed.taskInstanceId)}::int[], ${column((e) => e.request.claimed.tryNumber)}::int[],
        ${column((e) => e.ending.state)}::text[], ${column((e) => iso(e.request.now))}::timestamp[],
        ${column((e) => iso(e.ending.nextRetryAt))}::timestamp[], ${column((e) => e.ending.attemptOutcome)}::text[],
        ${column((e) => e.ending.error?.message ?? null)}::text[], ${column((e) => e.ending.error?.stack ?? null)}::text[],
        ${column(output)}::text[], ${column((e) => e.request.handOver?.hostname ?? null)}::text[],
        ${column((e) => e.request.handOver?.pid ?? null)}::int[], ${column((e) => e.ending.alertKind)}::text[]
      ) AS j(id, try_number, state, at, next_retry_at, outcome, error, error_stack, output, hostname, pid, alert_kind)
      -- Evaluated before the first row comes out: the run's lock is taken before any try's.
      WHERE (SELECT COUNT(*) FROM locked) >= 0
    ), ti AS (
      UPDATE task_instance t
      SET state = j.state::"TaskInstanceState", ended_at = j.at, next_retry_at = j.next_retry_at, updated_at = j.at,
          duration = EXTRACT(EPOCH FROM (j.at - t.started_at))
      -- state::text: see claimTries.
      FROM j WHERE t.id = j.id AND t.try_number = j.try_number AND t.state::text = 'running'
      RETURNING t.id, t.dag_run_id, t.dag_id, t.run_id, t.task_id, t.map_index, t.pool, t.pool_slots,
                j.try_number, j.at, j.outcome, j.error, j.error_stack, j.output, j.hostname, j.pid, j.alert_kind
    ), attempt AS (
      UPDATE task_attempt a SET ended_at = ti.at, outcome = ti.outcome::"AttemptOutcome", error = ti.error, error_stack = ti.error_stack
      FROM ti WHERE a.task_instance_id = ti.id AND a.try_number = ti.try_number
    ), output AS (
      INSERT INTO xcom (task_instance_id, dag_id, run_id, task_id, map_index, key, value, size_bytes)
      SELECT id, dag_id, run_id, task_id, map_index, 'return_value', output::jsonb, octet_length(output)
      FROM ti WHERE output IS NOT NULL
      ON CONFLICT (dag_id, run_id, task_id, map_index, key)
      DO UPDATE SET value = EXCLUDED.value, size_bytes = EXCLUDED.size_bytes, task_instance_id = EXCLUDED.task_instance_id
    ), skips AS (
      SELECT ti.dag_run_id, k.task_id, ti.at
      FROM unnest(${skipFrom}::int[], ${skipTask}::text[]) AS k(from_id, task_id)
      JOIN ti ON ti.id = k.from_id
    ), skipped AS (
      UPDATE task_instance s SET state = 'skipped', ended_at = k.at, updated_at = k.at
      FROM skips k
      WHERE s.dag_run_id = k.dag_run_id AND s.task_id = k.task_id AND s.state::text IN ('none', 'scheduled', 'queued')
    ), asset_events AS (
      -- The outlets' assets exist: the dag processor stores every asset a DAG names.
      INSERT INTO asset_event (asset_id, extra, source_task_instance_id, source_dag_id, source_run_id,
                               source_task_id, source_map_index, timestamp)
      SELECT a.id, o.extra::jsonb, ti.id, ti.dag_id, ti.run_id, ti.task_id, ti.map_index, ti.at
      FROM unnest(${assetEvents.map((a) => a.from)}::int[], ${assetEvents.map((a) => a.uri)}::text[],
                  ${assetEvents.map((a) => a.extraJson)}::text[]) WITH ORDINALITY AS o(from_id, uri, extra, n)
      JOIN ti ON ti.id = o.from_id
      JOIN asset a ON a.uri = o.uri
      ORDER BY o.n
    ), raised AS (
      -- A final failure, a sensor's timeout or a retry opens its incident (kind, DAG, task), or
      -- counts on the open one: in this statement, so no crash can lose it (alert-raise.ts).
      INSERT INTO alert (kind, severity, dedup_key, open_key, title, details, dag_id, opened_run_id, run_id, task_id,
                         map_index, try_number, occurrences, first_seen_at, last_seen_at)
      SELECT g.kind::"AlertKind",
             (CASE g.kind WHEN 'task_failed' THEN 'error' WHEN 'sensor_timed_out' THEN 'warning' ELSE 'info' END)::"AlertSeverity",
             g.key, g.key,
             CASE g.kind WHEN 'task_failed' THEN 'task ' || g.task_id || ' of ' || g.dag_id || ' failed'
                         WHEN 'sensor_timed_out' THEN 'sensor ' || g.task_id || ' of ' || g.dag_id || ' timed out'
                         ELSE 'task ' || g.task_id || ' of ' || g.dag_id || ' failed and will be retried' END,
             jsonb_build_object('error', left(g.error, 4000)), g.dag_id, g.run_id, g.run_id, g.task_id, g.map_index, g.try_number,
             g.n, g.at, g.at
      FROM (
        SELECT alert_kind AS kind, alert_kind || ':' || dag_id || ':' || task_id AS key, dag_id, task_id,
               COUNT(*)::int AS n, MAX(at) AS at,
               (array_agg(run_id ORDER BY at DESC, map_index DESC))[1] AS run_id,
               (array_agg(map_index ORDER BY at DESC, map_index DESC))[1] AS map_index,
               (array_agg(try_number ORDER BY at DESC, map_index DESC))[1] AS try_number,
               (array_agg(error ORDER BY at DESC, map_index DESC))[1] AS error
        FROM ti WHERE alert_kind IS NOT NULL
          -- A developer's \`weir dags test\` pages no one.
          AND NOT EXISTS (SELECT 1 FROM dag_run r WHERE r.id = ti.dag_run_id AND r.triggered_by = ${TEST_RUN_TRIGGER})
        GROUP BY alert_kind, dag_id, task_id
      ) g
      ORDER BY g.key
      ON CONFLICT (open_key) DO UPDATE
      SET occurrences = alert.occurrences + EXCLUDED.occurrences, last_seen_at = EXCLUDED.last_seen_at,
          details = EXCLUDED.details, run_id = EXCLUDED.run_id, map_index = EXCLUDED.map_index,
          try_number = EXCLUDED.try_number
    ), wanted AS (
      SELECT dag_run_id, task_id, pool, pool_slots, MIN(at) AS at, MIN(hostname) AS hostname, MIN(pid) AS pid, COUNT(*)::int AS n
      FROM ti WHERE hostname IS NOT NULL AND map_index >= 0
      GROUP BY dag_run_id, task_id, pool, pool_slots
    ), picked AS (
      SELECT s.id, w.at, w.hostname, w.pid FROM wanted w
      CROSS JOIN LATERAL (
        SELECT id FROM task_instance s
        WHERE s.dag_run_id = w.dag_run_id AND s.state = 'scheduled' AND s.task_id = w.task_id
          AND s.pool = w.pool AND s.pool_slots = w.pool_slots
        LIMIT w.n FOR UPDATE SKIP LOCKED) s
      -- Only while nothing else of the run waits in 'scheduled': then the run's own pass would
      -- give the freed slot to one of these siblings too (the same pool and DAG, the same
      -- priority). Otherwise the end takes the usual way, and the pass decides by priority.
      -- Subqueries per wanted task, so that no plan turns a probe into a scan.
      WHERE (SELECT 1 FROM task_instance o WHERE o.dag_run_id = w.dag_run_id AND o.state = 'scheduled' AND o.task_id < w.task_id LIMIT 1) IS NULL
        AND (SELECT 1 FROM task_instance o WHERE o.dag_run_id = w.dag_run_id AND o.state = 'scheduled' AND o.task_id > w.task_id LIMIT 1) IS NULL
    ), successor AS (
      UPDATE task_instance t
      SET state = 'running', try_number = t.try_number + 1, queued_at = p.at, started_at = p.at, ended_at = NULL,
          duration = NULL, next_retry_at = NULL, reschedule_at = NULL, hostname = p.hostname, pid = p.pid,
          last_heartbeat_at = p.at, updated_at = p.at
      -- = ANY(ARRAY(…)): probe the primary key, never hash the table.
      FROM picked p WHERE t.id = ANY(ARRAY(SELECT id FROM picked)) AND t.id = p.id
      RETURNING t.id, t.dag_run_id, t.dag_id, t.run_id, t.task_id, t.map_index, t.max_tries, t.try_number, p.at, p.hostname, p.pid
    ), successor_attempt AS (
      INSERT INTO task_attempt (task_instance_id, try_number, queued_at, started_at, hostname, pid, dag_hash)
      SELECT id, try_number, at, at, hostname, pid, (SELECT d.serialized_hash FROM dag d WHERE d.dag_id = successor.dag_id)
      FROM successor
      ON CONFLICT (task_instance_id, try_number) DO UPDATE
      SET started_at = CASE WHEN task_attempt.outcome = 'up_for_reschedule' THEN task_attempt.started_at ELSE EXCLUDED.started_at END,
          queued_at = CASE WHEN task_attempt.outcome = 'up_for_reschedule' THEN task_attempt.queued_at ELSE EXCLUDED.queued_at END,
          ended_at = NULL, outcome = NULL, hostname = EXCLUDED.hostname, pid = EXCLUDED.pid, dag_hash = EXCLUDED.dag_hash
    )
    SELECT 'ended' AS kind, id, dag_run_id, task_id, NULL AS dag_id, NULL AS run_id, NULL::int AS map_index,
           NULL::int AS max_tries, NULL::int AS try_number, NULL::timestamp AS logical_date,
           NULL::timestamp AS data_interval_start, NULL::timestamp AS data_interval_end, NULL::jsonb AS conf,
           NULL::json AS unmapped_outputs
    FROM ti
    UNION ALL
    SELECT 'successor', c.id, c.dag_run_id, c.task_id, c.dag_id, c.run_id, c.map_index, c.max_tries, c.try_number,
           r.logical_date, r.data_interval_start, r.data_interval_end, r.conf,
           (SELECT json_agg(json_build_array(x.task_id, x.id, x.xmin::text)) FROM xcom x
            WHERE x.dag_id = c.dag_id AND x.run_id = c.run_id AND x.map_index = -1 AND x.key = 'return_value')
    FROM successor c JOIN dag_run r ON r.id = c.dag_run_id
    UNION ALL
    SELECT 'run', id, id, NULL, dag_id, run_id, NULL, NULL, NULL, logical_date, NULL, NULL, NULL, NULL FROM locked`;
  const ended = rows.filter((r) => r.kind === 'ended');
  const recorded = new Set(ended.map((r) => r.id));
  // Successors go to the requests that asked, per (run, task), in request order.
  const successors = new Map<string, (ClaimRow & { try_number: number })[]>();
  for (const row of rows.filter((r) => r.kind === 'successor')) {
    const key = `${row.dag_run_id}:${row.task_id}`;
    successors.set(key, [...(successors.get(key) ?? []), row]);
  }
  const taskOf = new Map(ended.map((r) => [r.id, `${r.dag_run_id}:${r.task_id}`]));
  for (const e of ending) {
    const id = e.request.claimed.taskInstanceId;
    const key = taskOf.get(id);
    if (!recorded.delete(id) || key === undefined) {
      results[e.index] = { kind: 'not_running' };
      continue;
    }
    const successor = e.request.handOver ? successors.get(key)?.shift() : undefined;
    results[e.index] = {
      kind: 'recorded',
      state: e.ending.state,
      nextRetryAt: e.ending.nextRetryAt,
      ...(successor ? { successor: claimedTry(successor, successor.try_number) } : {}),
    };
  }
  const alerting = ending.filter(
    (e) => results[e.index]?.kind === 'recorded' && taskAlertsOf(e.request.outcome).length > 0,
  );
  if (alerting.length > 0)
    await recordTaskAlerts(
      db,
      alerting.map((e) => ({
        taskInstanceId: e.request.claimed.taskInstanceId,
        at: e.request.now,
        changes: taskAlertsOf(e.request.outcome),
      })),
      TEST_RUN_TRIGGER,
    );
  const run = rows.find((r) => r.kind === 'run');
  return run
    ? {
        results: results as FinishResult[],
        locked: { id: run.id, dag_id: run.dag_id, run_id: run.run_id, logical_date: run.logical_date },
      }
    : { results: results as FinishResult[] };
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
