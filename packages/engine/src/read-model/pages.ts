// Owns the REST API's paged lists of runs and task instances, of one DAG or across DAGs. Pages
// are keyset pages (the last row's sort key, never an OFFSET), so page 400 costs what page 1
// does: runs newest logical date first on (logical_date, id), task instances newest first on id.
// Across DAGs, runs read the (logical_date DESC, id DESC) index; one DAG's, (dag_id, logical_date).
import type { Db } from '@weir/db';
import type { DagRunState, TaskInstanceState } from '@weir/domain';
import type { RunType } from '../dag-runs.ts';
import { DAG_RUN_SELECT, type DagRunView, requireDag } from './dag-runs.ts';
import { TASK_INSTANCE_SELECT, type TaskInstanceView } from './task-instances.ts';

export interface Page<T> {
  readonly items: readonly T[];
  /** How many rows match the filters, over all pages. */
  readonly totalEntries: number;
  /** The last item's sort key, when another page may follow. */
  readonly next: T | null;
}

export interface RunPageQuery {
  readonly dagId?: string;
  readonly state?: DagRunState;
  readonly runType?: RunType;
  /** Runs whose logical date is at or after this. */
  readonly logicalDateFrom?: Date;
  /** Runs whose logical date is before this. */
  readonly logicalDateTo?: Date;
  readonly limit: number;
  /** Runs after this one in the order (older logical date, or the same and a lower id). */
  readonly after?: { readonly logicalDate: Date; readonly id: number };
}

/** A page of runs; with a DAG id, DAG_NOT_FOUND when no such DAG was ever stored. */
export async function pageDagRuns(db: Db, query: RunPageQuery): Promise<Page<DagRunView>> {
  if (query.dagId !== undefined) await requireDag(db, query.dagId);
  const where = {
    ...(query.dagId !== undefined ? { dagId: query.dagId } : {}),
    ...(query.state ? { state: query.state } : {}),
    ...(query.runType ? { runType: query.runType } : {}),
    ...(query.logicalDateFrom || query.logicalDateTo
      ? {
          logicalDate: {
            ...(query.logicalDateFrom ? { gte: query.logicalDateFrom } : {}),
            ...(query.logicalDateTo ? { lt: query.logicalDateTo } : {}),
          },
        }
      : {}),
  };
  const after = query.after;
  const [items, totalEntries] = await Promise.all([
    db.dagRun.findMany({
      where: after
        ? {
            // The redundant `lte` lets the index bound the scan; the OR alone would be a filter.
            AND: [where, { logicalDate: { lte: after.logicalDate } }],
            OR: [
              { logicalDate: { lt: after.logicalDate } },
              { logicalDate: after.logicalDate, id: { lt: after.id } },
            ],
          }
        : where,
      orderBy: [{ logicalDate: 'desc' }, { id: 'desc' }],
      take: query.limit,
      select: DAG_RUN_SELECT,
    }),
    db.dagRun.count({ where }),
  ]);
  return { items, totalEntries, next: items.length === query.limit ? (items.at(-1) ?? null) : null };
}

/** A task instance with the run it belongs to, for lists across runs and DAGs. */
export interface TaskInstanceRowView extends TaskInstanceView {
  readonly dagId: string;
  readonly runId: string;
}

export interface TaskInstancePageQuery {
  readonly dagId?: string;
  readonly state?: TaskInstanceState;
  /** Task instances that started at or after this. */
  readonly startedFrom?: Date;
  /** Task instances that started before this. */
  readonly startedTo?: Date;
  readonly limit: number;
  /** Task instances with a lower id than this. */
  readonly afterId?: number;
}

/** A page of task instances across runs, newest (highest id) first. */
export async function pageTaskInstances(
  db: Db,
  query: TaskInstancePageQuery,
): Promise<Page<TaskInstanceRowView>> {
  const where = {
    ...(query.dagId !== undefined ? { dagId: query.dagId } : {}),
    ...(query.state ? { state: query.state } : {}),
    ...(query.startedFrom || query.startedTo
      ? {
          startedAt: {
            ...(query.startedFrom ? { gte: query.startedFrom } : {}),
            ...(query.startedTo ? { lt: query.startedTo } : {}),
          },
        }
      : {}),
  };
  const [items, totalEntries] = await Promise.all([
    db.taskInstance.findMany({
      where: query.afterId !== undefined ? { ...where, id: { lt: query.afterId } } : where,
      orderBy: { id: 'desc' },
      take: query.limit,
      select: { ...TASK_INSTANCE_SELECT, dagId: true, runId: true },
    }),
    db.taskInstance.count({ where }),
  ]);
  return { items, totalEntries, next: items.length === query.limit ? (items.at(-1) ?? null) : null };
}
