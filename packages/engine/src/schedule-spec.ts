// Owns reading a serialized DAG's schedule into the domain's ScheduleSpec, and finding the next
// scheduled run a DAG is due.
import type { Db } from '@weir/db';
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
  if (!last) return null;
  return { start: last.dataIntervalStart ?? last.logicalDate, end: last.dataIntervalEnd ?? last.logicalDate };
}

/** The next scheduled run after the latest one (catchup rules applied at `now`). */
export async function nextScheduledRun(db: DbOrTx, dag: SerializedDag, now: Date): Promise<RunInfo | null> {
  return nextRunInfo(scheduleSpec(dag), await lastAutomatedInterval(db, dag.dagId), now);
}

/** Stores when the DAG's next scheduled run is due, so the scheduler's query stays cheap. */
export async function refreshNextDagRun(db: DbOrTx, dag: SerializedDag, now: Date): Promise<void> {
  const next = await nextScheduledRun(db, dag, now);
  await db.dag.update({
    where: { dagId: dag.dagId },
    data: { nextDagRunLogicalDate: next?.logicalDate ?? null, nextDagRunCreateAfter: next?.runAfter ?? null },
  });
}
