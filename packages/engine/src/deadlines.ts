// Owns deadlines (SLA monitors): while a run or task has not succeeded, the moment its deadline
// passes the miss is recorded (once per run, deadline and task, by a unique constraint) and an
// alert is raised. Unlike Airflow 2's SLA misses, this happens while the run is still going.
import type { Db } from '@weir/db';
import { type SerializedDag, type SerializedDeadline, toInstant } from '@weir/sdk';
import type { Clock } from './clock.ts';
import type { DagCatalog } from './dag-catalog.ts';

export interface DeadlineMissed {
  readonly dagId: string;
  readonly runId: string;
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

/** Records every deadline that has passed unmet since the last check, and raises its alert. */
export async function detectDeadlineMisses(
  db: Db,
  catalog: DagCatalog,
  clock: Clock,
): Promise<DeadlineMissed[]> {
  const now = clock();
  const runs = await db.$queryRaw<RunRow[]>`
    SELECT r.id, r.dag_id, r.run_id, r.state::text AS state, r.logical_date, r.data_interval_end, r.queued_at
    FROM dag_run r JOIN dag d ON d.dag_id = r.dag_id
    WHERE d.has_deadlines
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
    const candidates: { deadline: SerializedDeadline; taskId: string | null }[] = dag.deadlines.map(
      (deadline) => ({ deadline, taskId: null }),
    );
    for (const task of dag.tasks)
      if (task.deadline) candidates.push({ deadline: task.deadline, taskId: task.taskId });
    for (const { deadline, taskId } of candidates) {
      const at = deadlineAt(deadline, timing, dag.timezone);
      if (at > now) continue;
      if (taskId !== null && (await taskSucceeded(db, run.id, taskId))) continue;
      const inserted = await db.$queryRaw<{ id: number }[]>`
        INSERT INTO deadline_miss (dag_run_id, dag_id, task_id, deadline_id, deadline_at, detected_at)
        VALUES (${run.id}, ${run.dag_id}, ${taskId ?? ''}, ${deadline.id}, ${at}, ${now})
        ON CONFLICT (dag_run_id, deadline_id, task_id) DO NOTHING RETURNING id`;
      if (inserted.length === 0) continue;
      const miss = { dagId: run.dag_id, runId: run.run_id, taskId, deadlineId: deadline.id, deadlineAt: at };
      await raiseAlert(db, dag, miss, now);
      missed.push(miss);
    }
  }
  return missed;
}

async function taskSucceeded(db: Db, dagRunId: number, taskId: string): Promise<boolean> {
  const states = await db.taskInstance.findMany({ where: { dagRunId, taskId }, select: { state: true } });
  return states.length > 0 && states.every((s) => s.state === 'success' || s.state === 'skipped');
}

/** One open alert per DAG, deadline and task: a repeat updates it instead of opening another. */
async function raiseAlert(db: Db, dag: SerializedDag, miss: DeadlineMissed, now: Date): Promise<void> {
  const dedupKey = `deadline_missed:${miss.dagId}:${miss.deadlineId}:${miss.taskId ?? ''}`;
  const what = miss.taskId ? `task ${miss.taskId} of ${miss.dagId}` : `DAG ${miss.dagId}`;
  const title = `${what} missed its deadline ${miss.deadlineId} in run ${miss.runId} (due ${miss.deadlineAt.toISOString()})`;
  const details = {
    runId: miss.runId,
    deadlineId: miss.deadlineId,
    deadlineAt: miss.deadlineAt.toISOString(),
    owner: dag.owner,
  };
  const open = await db.alert.findFirst({ where: { dedupKey, state: { in: ['open', 'acknowledged'] } } });
  if (open) {
    await db.alert.update({
      where: { id: open.id },
      data: { occurrences: { increment: 1 }, lastSeenAt: now, title, details },
    });
    return;
  }
  await db.alert.create({
    data: {
      kind: 'deadline_missed',
      severity: 'warning',
      dedupKey,
      title,
      details,
      dagId: miss.dagId,
      runId: miss.runId,
      taskId: miss.taskId,
      firstSeenAt: now,
      lastSeenAt: now,
    },
  });
}
