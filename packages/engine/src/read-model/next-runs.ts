// Owns answering "when will this DAG run next?" (Airflow's `dags next-execution`): the next
// scheduled runs after its latest scheduled one, by the same rules the scheduler creates them by.
import type { RawSql } from '@weir/db';
import { nextRunInfo, type RunInfo } from '@weir/domain';
import type { SerializedDag } from '@weir/sdk';
import { latestScheduledIntervals, scheduleSpec } from '../schedule-spec.ts';

/** Up to `count` scheduled runs to come, in order; empty when the schedule has none (left). */
export async function nextScheduledRunsOf(
  sql: Pick<RawSql, '$queryRaw'>,
  dag: SerializedDag,
  now: Date,
  count: number,
): Promise<RunInfo[]> {
  const spec = scheduleSpec(dag);
  const latest = (await latestScheduledIntervals(sql, [dag.dagId])).get(dag.dagId) ?? null;
  const runs: RunInfo[] = [];
  for (let last = latest; runs.length < count; ) {
    const next = nextRunInfo(spec, last, now);
    if (next === null) break;
    runs.push(next);
    last = next.dataInterval;
  }
  return runs;
}
