// Owns deleting a DAG and everything recorded about it (Airflow's `dags delete`): its runs, task
// instances, tries, logs, outputs, backfills, deadline misses, alerts and warnings. The audit log
// keeps its rows (as Airflow keeps its log table). A DAG whose file is still in the DAG folder
// comes back, with no history, the next time the file is parsed.
import type { Db } from '@weir/db';
import { EngineError } from './errors.ts';

/** What deleting the DAG removes, counted before it does, for a confirmation prompt. */
export interface DagFootprint {
  readonly dagId: string;
  readonly fileloc: string;
  readonly runs: number;
  /** Runs queued or running: their tries are stopped by their workers once the rows are gone. */
  readonly unfinishedRuns: number;
  readonly taskInstances: number;
  readonly tries: number;
  readonly logLines: number;
}

export async function dagFootprint(db: Db, dagId: string): Promise<DagFootprint> {
  const dag = await db.dag.findUnique({ where: { dagId }, select: { fileloc: true } });
  if (!dag) throw new EngineError('DAG_NOT_FOUND', `DAG "${dagId}" not found`);
  const ofDag = { taskInstance: { dagId } };
  const [runs, unfinishedRuns, taskInstances, tries, logLines] = await Promise.all([
    db.dagRun.count({ where: { dagId } }),
    db.dagRun.count({ where: { dagId, state: { in: ['queued', 'running'] } } }),
    db.taskInstance.count({ where: { dagId } }),
    db.taskAttempt.count({ where: ofDag }),
    db.taskLog.count({ where: ofDag }),
  ]);
  return { dagId, fileloc: dag.fileloc, runs, unfinishedRuns, taskInstances, tries, logLines };
}

/**
 * Deletes the DAG row, which cascades to runs (task instances, tries, logs, XComs), backfills and
 * warnings; deadline misses of runs never created and alerts only name the DAG, so they go by id.
 * Its file's stored parse is forgotten too (its source copy, and when the file defines other
 * DAGs their parse time), so whatever reads the DAG folder next parses the file again and finds
 * the DAG if the file still defines it. Returns false when there was no such DAG.
 */
export async function deleteDag(db: Db, dagId: string): Promise<boolean> {
  const dag = await db.dag.findUnique({ where: { dagId }, select: { fileloc: true } });
  if (!dag) return false;
  const [, , deleted] = await db.$transaction([
    db.deadlineMiss.deleteMany({ where: { dagId } }),
    db.alert.deleteMany({ where: { dagId } }),
    db.dag.deleteMany({ where: { dagId } }),
    db.dagCode.deleteMany({ where: { fileloc: dag.fileloc } }),
    db.dag.updateMany({ where: { fileloc: dag.fileloc }, data: { lastParsedAt: new Date(0) } }),
  ]);
  return deleted.count > 0;
}
