// Owns reading a serialized DAG's schedule into the domain's ScheduleSpec, finding the next
// scheduled run each DAG is due, and storing it (next_dagrun_*), so the scheduler's query for
// due DAGs stays cheap.
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

/** Each DAG's latest scheduled run's data interval (absent: none yet), in one statement. */
export async function latestScheduledIntervals(
  db: Pick<RawSql, '$queryRaw'>,
  dagIds: readonly string[],
): Promise<Map<string, DataInterval>> {
  if (dagIds.length === 0) return new Map();
  // One index probe per DAG on (dag_id, logical_date DESC).
  const rows = await db.$queryRaw<
    { dag_id: string; logical_date: Date; start: Date | null; end: Date | null }[]
  >`
    SELECT d.dag_id, r.logical_date, r.data_interval_start AS start, r.data_interval_end AS end
    FROM unnest(${dagIds}::text[]) AS d(dag_id)
    CROSS JOIN LATERAL (
      SELECT logical_date, data_interval_start, data_interval_end FROM dag_run
      WHERE dag_run.dag_id = d.dag_id AND run_type = 'scheduled' ORDER BY logical_date DESC LIMIT 1
    ) r`;
  return new Map(
    rows.map((row) => [
      row.dag_id,
      { start: row.start ?? row.logical_date, end: row.end ?? row.logical_date },
    ]),
  );
}

/** The next scheduled run of each DAG after its latest one (catchup rules applied at `now`). */
export async function nextScheduledRuns(
  db: Pick<RawSql, '$queryRaw'>,
  dags: readonly SerializedDag[],
  now: Date,
): Promise<Map<string, RunInfo | null>> {
  const latest = await latestScheduledIntervals(
    db,
    dags.map((dag) => dag.dagId),
  );
  return new Map(
    dags.map((dag) => [dag.dagId, nextRunInfo(scheduleSpec(dag), latest.get(dag.dagId) ?? null, now)]),
  );
}

/** Stores when each DAG's next scheduled run is due (null: never again), in one statement. */
export async function storeNextDagRuns(
  db: Pick<RawSql, '$executeRaw'>,
  next: ReadonlyMap<string, RunInfo | null>,
): Promise<void> {
  if (next.size === 0) return;
  const entries = [...next];
  await db.$executeRaw`
    UPDATE dag d SET next_dagrun_logical_date = u.logical_date, next_dagrun_create_after = u.create_after
    FROM unnest(${entries.map(([dagId]) => dagId)}::text[],
                ${entries.map(([, info]) => info?.logicalDate.toISOString() ?? null)}::timestamp[],
                ${entries.map(([, info]) => info?.runAfter.toISOString() ?? null)}::timestamp[])
         AS u(dag_id, logical_date, create_after)
    WHERE d.dag_id = u.dag_id`;
}
