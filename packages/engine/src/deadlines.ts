// Owns deadlines (SLA monitors): while a run or task has not succeeded, the moment its deadline
// passes the miss is recorded (once per run, deadline and task, by a unique constraint) and an
// alert is raised. Unlike Airflow 2's SLA misses, this happens while the run is still going.
// A scheduled run that was never created, because the scheduler was down and catchup is off,
// misses its deadlines too: the scheduler records them when it comes back (run-lifecycle.ts).
import type { Db, RawSql } from '@weir/db';
import type { DataInterval } from '@weir/domain';
import { type SerializedDag, type SerializedDeadline, toInstant } from '@weir/sdk';
import { type RaisedAlert, raiseAlerts } from './alert-raise.ts';
import type { Clock } from './clock.ts';
import type { DagCatalog } from './dag-catalog.ts';
import { makeRunId } from './dag-runs.ts';

export interface DeadlineMissed {
  readonly dagId: string;
  readonly runId: string;
  /** False for a scheduled run that was never created. */
  readonly runExists: boolean;
  readonly taskId: string | null;
  readonly deadlineId: string;
  readonly deadlineAt: Date;
}

interface RunRow {
  id: number;
  dag_id: string;
  run_id: string;
  state: string;
  logical_date: Date;
  data_interval_end: Date | null;
  queued_at: Date;
}

/** When a deadline falls for a run. */
export function deadlineAt(
  deadline: SerializedDeadline,
  run: { logicalDate: Date; dataIntervalEnd: Date | null; queuedAt: Date },
  timezone: string,
): Date {
  const ref = deadline.reference;
  let base: Date;
  switch (ref.kind) {
    case 'dataIntervalEnd':
      base = run.dataIntervalEnd ?? run.logicalDate;
      break;
    case 'queuedAt':
      base = run.queuedAt;
      break;
    case 'logicalDate':
      base = run.logicalDate;
      break;
    case 'timeOfDay': {
      const day = new Intl.DateTimeFormat('en-CA', {
        timeZone: timezone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      }).format(run.logicalDate);
      base = toInstant(
        `${day}T${String(ref.hour).padStart(2, '0')}:${String(ref.minute).padStart(2, '0')}`,
        timezone,
        'deadline',
      );
      break;
    }
  }
  return new Date(base.getTime() + deadline.intervalMs);
}

/**
 * Records every deadline that has passed unmet since the last check, and raises its alert; with
 * `only`, for that run alone (`weir dags test` checks its own run, never others').
 */
export async function detectDeadlineMisses(
  db: Db,
  catalog: DagCatalog,
  clock: Clock,
  only?: { readonly dagRunId: number },
): Promise<DeadlineMissed[]> {
  const now = clock();
  const onlyRun = only?.dagRunId ?? null;
  const runs = await db.$queryRaw<RunRow[]>`
    SELECT r.id, r.dag_id, r.run_id, r.state::text AS state, r.logical_date, r.data_interval_end, r.queued_at
    FROM dag_run r JOIN dag d ON d.dag_id = r.dag_id
    WHERE d.has_deadlines AND (${onlyRun}::int IS NULL OR r.id = ${onlyRun}::int)
      AND (r.state IN ('queued', 'running') OR (r.state = 'failed' AND r.ended_at > ${new Date(now.getTime() - 86_400_000)}))`;
  const missed: DeadlineMissed[] = [];
  for (const run of runs) {
    const dag = (await catalog.get(run.dag_id))?.dag;
    if (!dag) continue;
    const timing = {
      logicalDate: run.logical_date,
      dataIntervalEnd: run.data_interval_end,
      queuedAt: run.queued_at,
    };
    for (const { deadline, taskId } of deadlinesOf(dag)) {
      const at = deadlineAt(deadline, timing, dag.timezone);
      if (at > now) continue;
      if (taskId !== null && (await taskSucceeded(db, run.id, taskId))) continue;
      const miss = {
        dagId: run.dag_id,
        runId: run.run_id,
        runExists: true,
        taskId,
        deadlineId: deadline.id,
        deadlineAt: at,
      };
      const stored = await db.$transaction((tx) =>
        storeMisses(tx, dag, [{ ...miss, dagRunId: run.id, logicalDate: run.logical_date }], now),
      );
      if (stored.length) missed.push(miss);
    }
  }
  return missed;
}

/** Whether the DAG or any of its tasks declares a deadline (stored as dag.has_deadlines). */
export function hasDeadlines(dag: SerializedDag): boolean {
  return dag.deadlines.length > 0 || dag.tasks.some((t) => t.deadline);
}

/** The DAG's own deadlines and each task's. */
function deadlinesOf(dag: SerializedDag): { deadline: SerializedDeadline; taskId: string | null }[] {
  const all: { deadline: SerializedDeadline; taskId: string | null }[] = dag.deadlines.map((deadline) => ({
    deadline,
    taskId: null,
  }));
  for (const task of dag.tasks) if (task.deadline) all.push({ deadline: task.deadline, taskId: task.taskId });
  return all;
}

interface MissToStore extends DeadlineMissed {
  readonly dagRunId: number | null;
  readonly logicalDate: Date;
}

/**
 * Inserts the misses not recorded yet and raises their alerts, in the caller's transaction, and
 * returns those it inserted.
 */
async function storeMisses(
  sql: Pick<RawSql, '$queryRaw' | '$executeRaw'>,
  dag: SerializedDag,
  misses: readonly MissToStore[],
  now: Date,
): Promise<MissToStore[]> {
  if (misses.length === 0) return [];
  const iso = (d: Date) => d.toISOString();
  const inserted = await sql.$queryRaw<{ run_id: string; task_id: string; deadline_id: string }[]>`
    INSERT INTO deadline_miss (dag_run_id, dag_id, run_id, logical_date, task_id, deadline_id, deadline_at, detected_at)
    SELECT m.dag_run_id, m.dag_id, m.run_id, m.logical_date, m.task_id, m.deadline_id, m.deadline_at, ${now}::timestamp
    FROM unnest(${misses.map((m) => m.dagRunId)}::int[], ${misses.map((m) => m.dagId)}::text[], ${misses.map((m) => m.runId)}::text[],
                ${misses.map((m) => iso(m.logicalDate))}::timestamp[], ${misses.map((m) => m.taskId ?? '')}::text[],
                ${misses.map((m) => m.deadlineId)}::text[], ${misses.map((m) => iso(m.deadlineAt))}::timestamp[])
         AS m(dag_run_id, dag_id, run_id, logical_date, task_id, deadline_id, deadline_at)
    ON CONFLICT (dag_id, run_id, deadline_id, task_id) DO NOTHING
    RETURNING run_id, task_id, deadline_id`;
  const key = (runId: string, taskId: string, deadlineId: string) =>
    JSON.stringify([runId, taskId, deadlineId]);
  const fresh = new Set(inserted.map((r) => key(r.run_id, r.task_id, r.deadline_id)));
  const stored = misses.filter((m) => fresh.has(key(m.runId, m.taskId ?? '', m.deadlineId)));
  await raiseAlerts(
    sql,
    stored.map((miss) => deadlineAlert(dag, miss, now)),
  );
  return stored;
}

/**
 * Scheduled runs that were never created (`intervals`, skipped because catchup is off while the
 * scheduler was down) miss every deadline that has passed: each is recorded once, with the run id
 * the run would have had, and returned so its alert can be raised. `queuedAt` deadlines count from
 * when the run would have been queued, its interval's end.
 */
export async function recordNeverCreatedRuns(
  sql: Pick<RawSql, '$queryRaw' | '$executeRaw'>,
  dag: SerializedDag,
  intervals: readonly DataInterval[],
  now: Date,
): Promise<DeadlineMissed[]> {
  const misses: MissToStore[] = [];
  for (const interval of intervals) {
    const timing = { logicalDate: interval.start, dataIntervalEnd: interval.end, queuedAt: interval.end };
    for (const { deadline, taskId } of deadlinesOf(dag)) {
      const at = deadlineAt(deadline, timing, dag.timezone);
      if (at > now) continue;
      misses.push({
        dagId: dag.dagId,
        runId: makeRunId('scheduled', interval.start),
        runExists: false,
        taskId,
        deadlineId: deadline.id,
        deadlineAt: at,
        dagRunId: null,
        logicalDate: interval.start,
      });
    }
  }
  return (await storeMisses(sql, dag, misses, now)).map(({ dagRunId: _, logicalDate: __, ...miss }) => miss);
}

async function taskSucceeded(db: Db, dagRunId: number, taskId: string): Promise<boolean> {
  const states = await db.taskInstance.findMany({ where: { dagRunId, taskId }, select: { state: true } });
  return states.length > 0 && states.every((s) => s.state === 'success' || s.state === 'skipped');
}

/** One incident per DAG, deadline and task: a repeat counts on it instead of opening another. */
function deadlineAlert(dag: SerializedDag, miss: DeadlineMissed, now: Date): RaisedAlert {
  const what = miss.taskId ? `task ${miss.taskId} of ${miss.dagId}` : `DAG ${miss.dagId}`;
  const never = miss.runExists ? '' : ' (a scheduled run that was never created)';
  return {
    kind: 'deadline_missed',
    severity: 'warning',
    dedupKey: `deadline_missed:${miss.dagId}:${miss.deadlineId}:${miss.taskId ?? ''}`,
    title: `${what} missed its deadline ${miss.deadlineId} in run ${miss.runId}${never} (due ${miss.deadlineAt.toISOString()})`,
    details: {
      runId: miss.runId,
      deadlineId: miss.deadlineId,
      deadlineAt: miss.deadlineAt.toISOString(),
      owner: dag.owner,
    },
    dagId: miss.dagId,
    runId: miss.runId,
    taskId: miss.taskId,
    at: now,
  };
}
