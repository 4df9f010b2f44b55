// Owns reading DagRuns for display: a DAG's runs newest first, and one run by its run id (the
// `manual__…`/`scheduled__…` string users see, as Airflow's CLI takes it).
import type { Db } from '@weir/db';
import type { DagRunState } from '@weir/domain';
import type { RunType } from '../dag-runs.ts';
import { EngineError } from '../errors.ts';

export interface DagRunView {
  /** The database id (stable, for links). */
  readonly id: number;
  readonly dagId: string;
  readonly runId: string;
  readonly runType: RunType;
  readonly state: DagRunState;
  readonly logicalDate: Date;
  readonly dataIntervalStart: Date | null;
  readonly dataIntervalEnd: Date | null;
  readonly queuedAt: Date;
  readonly startedAt: Date | null;
  readonly endedAt: Date | null;
  readonly conf: unknown;
  readonly triggeredBy: string | null;
  readonly backfillId: number | null;
}

/** The columns of a DagRunView (the paged lists read the same). */
export const DAG_RUN_SELECT = {
  id: true,
  dagId: true,
  runId: true,
  runType: true,
  state: true,
  logicalDate: true,
  dataIntervalStart: true,
  dataIntervalEnd: true,
  queuedAt: true,
  startedAt: true,
  endedAt: true,
  conf: true,
  triggeredBy: true,
  backfillId: true,
} as const;

export interface DagRunQuery {
  readonly state?: DagRunState;
  readonly limit?: number;
}

/** The DAG's runs, newest logical date first; DAG_NOT_FOUND when no such DAG was ever stored. */
export async function listDagRuns(db: Db, dagId: string, query: DagRunQuery = {}): Promise<DagRunView[]> {
  await requireDag(db, dagId);
  return db.dagRun.findMany({
    where: { dagId, ...(query.state ? { state: query.state } : {}) },
    orderBy: [{ logicalDate: 'desc' }, { id: 'desc' }],
    ...(query.limit !== undefined ? { take: query.limit } : {}),
    select: DAG_RUN_SELECT,
  });
}

/** How many runs the DAG has (in that state): to say when a limited list left some out. */
export async function countDagRuns(db: Db, dagId: string, state?: DagRunState): Promise<number> {
  return db.dagRun.count({ where: { dagId, ...(state ? { state } : {}) } });
}

/** One run by its run id; DAG_NOT_FOUND or RUN_NOT_FOUND naming what is missing. */
export async function getDagRun(db: Db, dagId: string, runId: string): Promise<DagRunView> {
  const run = await db.dagRun.findUnique({
    where: { dagId_runId: { dagId, runId } },
    select: DAG_RUN_SELECT,
  });
  if (run) return run;
  await requireDag(db, dagId);
  throw new EngineError('RUN_NOT_FOUND', `run "${runId}" of DAG "${dagId}" not found`);
}

export async function requireDag(db: Db, dagId: string): Promise<void> {
  const dag = await db.dag.findUnique({ where: { dagId }, select: { dagId: true } });
  if (!dag) throw new EngineError('DAG_NOT_FOUND', `DAG "${dagId}" not found`);
}
