// Owns reading a serialized DAG's schedule into the domain's ScheduleSpec, and finding the next
// scheduled run a DAG is due.
import type { Db, RawSql } from '@weir/db';
import { type DataInterval, nextRunInfo, type RunInfo, type ScheduleSpec } from '@weir/domain';
import type { SerializedDag } from '@weir/sdk';

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export function scheduleSpec(dag: SerializedDag): ScheduleSpec {
  return {
    schedule: dag.schedule,
    timezone: dag.timezone,
    startDate: dag.startDate ? new Date(dag.startDate) : null,
    endDate: dag.endDate ? new Date(dag.endDate) : null,
    catchup: dag.catchup,
  };
}

/** The data interval of the DAG's latest scheduled run, or null when it has none. */
export async function lastAutomatedInterval(db: DbOrTx, dagId: string): Promise<DataInterval | null> {
  const last = await db.dagRun.findFirst({
    where: { dagId, runType: 'scheduled' },
    orderBy: { logicalDate: 'desc' },
    select: { dataIntervalStart: true, dataIntervalEnd: true, logicalDate: true },
  });
  return last ? automatedInterval(last) : null;
}

interface ScheduledRunDates {
  readonly logicalDate: Date;
  readonly dataIntervalStart: Date | null;
  readonly dataIntervalEnd: Date | null;
}

function automatedInterval(run: ScheduledRunDates): DataInterval {
  return { start: run.dataIntervalStart ?? run.logicalDate, end: run.dataIntervalEnd ?? run.logicalDate };
}

/** The next scheduled run after the latest one (catchup rules applied at `now`). */
export async function nextScheduledRun(db: DbOrTx, dag: SerializedDag, now: Date): Promise<RunInfo | null> {
  return nextRunInfo(scheduleSpec(dag), await lastAutomatedInterval(db, dag.dagId), now);
}

/** nextScheduledRun for many DAGs, reading their latest scheduled runs in one statement. */
export async function nextScheduledRuns(
  db: Pick<RawSql, '$queryRaw'>,
  dags: readonly SerializedDag[],
  now: Date,
): Promise<Map<string, RunInfo | null>> {
  if (dags.length === 0) return new Map();
  // One index probe per DAG (dag_id, logical_date DESC), as lastAutomatedInterval's query makes.
  const rows = await db.$queryRaw<(ScheduledRunDates & { dagId: string })[]>`
    SELECT d.dag_id AS "dagId", r.logical_date AS "logicalDate",
           r.data_interval_start AS "dataIntervalStart", r.data_interval_end AS "dataIntervalEnd"
    FROM unnest(${dags.map((dag) => dag.dagId)}::text[]) AS d(dag_id)
    CROSS JOIN LATERAL (
      SELECT logical_date, data_interval_start, data_interval_end FROM dag_run
      WHERE dag_run.dag_id = d.dag_id AND run_type = 'scheduled' ORDER BY logical_date DESC LIMIT 1
    ) r`;
  const latest = new Map(rows.map((row) => [row.dagId, automatedInterval(row)]));
  return new Map(
    dags.map((dag) => [dag.dagId, nextRunInfo(scheduleSpec(dag), latest.get(dag.dagId) ?? null, now)]),
  );
}

/** Stores when the DAG's next scheduled run is due, so the scheduler's query stays cheap. */
export async function refreshNextDagRun(db: DbOrTx, dag: SerializedDag, now: Date): Promise<void> {
  const next = await nextScheduledRun(db, dag, now);
  await db.dag.update({
    where: { dagId: dag.dagId },
    data: { nextDagRunLogicalDate: next?.logicalDate ?? null, nextDagRunCreateAfter: next?.runAfter ?? null },
  });
}
