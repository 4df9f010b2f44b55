// Owns the read side of a DAG page's secondary views and the cross-DAG deadline misses: runs per
// day for the calendar (one aggregate), the version a run used (for the code view), and deadline
// misses newest first by keyset page on their id.
import type { Db, RawSql } from '@weir/db';
import type { DagRunState } from '@weir/domain';
import { EngineError } from '../errors.ts';
import type { Page } from './pages.ts';

export interface CalendarDay {
  /** The day in the DAG's time zone, YYYY-MM-DD. */
  readonly day: string;
  readonly total: number;
  readonly byState: Readonly<Record<DagRunState, number>>;
}

/**
 * Runs per day (by logical date, in `timezone`) at or after `from`, days without runs left out.
 * One GROUP BY over the (dag_id, logical_date) index.
 */
export async function runCalendar(
  sql: Pick<RawSql, '$queryRaw'>,
  dagId: string,
  timezone: string,
  from: Date,
): Promise<CalendarDay[]> {
  const rows = await sql.$queryRaw<{ day: string; state: DagRunState; n: number }[]>`
    SELECT to_char(logical_date AT TIME ZONE 'UTC' AT TIME ZONE ${timezone}, 'YYYY-MM-DD') AS day,
           state::text AS state, COUNT(*)::int AS n
    FROM dag_run WHERE dag_id = ${dagId} AND logical_date >= ${from}
    GROUP BY 1, 2 ORDER BY 1`;
  const days = new Map<string, { total: number; byState: Record<DagRunState, number> }>();
  for (const row of rows) {
    let day = days.get(row.day);
    if (!day) {
      day = { total: 0, byState: { queued: 0, running: 0, success: 0, failed: 0 } };
      days.set(row.day, day);
    }
    day.total += row.n;
    day.byState[row.state] += row.n;
  }
  return [...days].map(([day, counts]) => ({ day, ...counts }));
}

/** The version number of the DAG version a run was created from, or null (it predates versions). */
export async function dagVersionOfRun(db: Db, dagId: string, runId: string): Promise<number | null> {
  const run = await db.dagRun.findUnique({
    where: { dagId_runId: { dagId, runId } },
    select: { dagHash: true },
  });
  if (!run) throw new EngineError('RUN_NOT_FOUND', `run "${runId}" of DAG "${dagId}" not found`);
  if (!run.dagHash) return null;
  const version = await db.dagVersion.findUnique({
    where: { dagId_serializedHash: { dagId, serializedHash: run.dagHash } },
    select: { versionNumber: true },
  });
  return version?.versionNumber ?? null;
}

export interface DeadlineMissView {
  readonly id: number;
  readonly dagId: string;
  readonly runId: string;
  readonly logicalDate: Date;
  /** Null for a DAG-level deadline. */
  readonly taskId: string | null;
  readonly deadlineId: string;
  readonly deadlineAt: Date;
  readonly detectedAt: Date;
  /** The run's state now; null for a scheduled run that was never created. */
  readonly runState: DagRunState | null;
}

export interface DeadlineMissPageQuery {
  readonly dagId?: string;
  /** Misses detected at or after this. */
  readonly detectedFrom?: Date;
  readonly detectedTo?: Date;
  readonly limit: number;
  /** Misses with a lower id than this. */
  readonly afterId?: number;
}

/** Deadline misses, newest (highest id, the order they were detected in) first. */
export async function pageDeadlineMisses(
  db: Db,
  query: DeadlineMissPageQuery,
): Promise<Page<DeadlineMissView>> {
  const where = {
    ...(query.dagId !== undefined ? { dagId: query.dagId } : {}),
    ...(query.detectedFrom || query.detectedTo
      ? {
          detectedAt: {
            ...(query.detectedFrom ? { gte: query.detectedFrom } : {}),
            ...(query.detectedTo ? { lt: query.detectedTo } : {}),
          },
        }
      : {}),
  };
  const [rows, totalEntries] = await Promise.all([
    db.deadlineMiss.findMany({
      where: query.afterId !== undefined ? { ...where, id: { lt: query.afterId } } : where,
      orderBy: { id: 'desc' },
      take: query.limit,
      select: {
        id: true,
        dagId: true,
        runId: true,
        logicalDate: true,
        taskId: true,
        deadlineId: true,
        deadlineAt: true,
        detectedAt: true,
        dagRun: { select: { state: true } },
      },
    }),
    db.deadlineMiss.count({ where }),
  ]);
  const items = rows.map(({ dagRun, taskId, ...miss }) => ({
    ...miss,
    taskId: taskId === '' ? null : taskId,
    runState: dagRun?.state ?? null,
  }));
  return { items, totalEntries, next: items.length === query.limit ? (items.at(-1) ?? null) : null };
}
