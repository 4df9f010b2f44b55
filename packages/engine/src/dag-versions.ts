// Owns DAG versions (Airflow 3's): every distinct serialized DAG is kept, numbered per DAG, with
// its file's source at the time, so a run's and a try's dag_hash name the definition and code
// they used. When a DAG changes, its unfinished runs follow it as Airflow's verify_integrity
// does: an instance of a task that is gone and has not started becomes `removed`; a new task
// gets an instance in each of them.
import type { Db, RawSql } from '@weir/db';
import type { SerializedDag } from '@weir/sdk';
import { weightedTasks } from './dag-runs.ts';
import { EngineError } from './errors.ts';

type Sql = Pick<RawSql, '$queryRaw' | '$executeRaw'>;

/**
 * After the DAG rows and dag_code are written: each changed DAG's definition becomes a version
 * unless an identical one is kept already (a DAG changed back reuses its old number).
 */
export async function storeDagVersions(tx: Sql, dagIds: readonly string[], now: Date): Promise<void> {
  if (dagIds.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO dag_version (dag_id, version_number, serialized_hash, serialized, fileloc, source, source_hash, created_at)
    SELECT d.dag_id, COALESCE((SELECT MAX(v.version_number) FROM dag_version v WHERE v.dag_id = d.dag_id), 0) + 1,
           d.serialized_hash, d.serialized, d.fileloc, c.source, c.source_hash, ${now}::timestamp
    FROM dag d LEFT JOIN dag_code c ON c.fileloc = d.fileloc
    WHERE d.dag_id = ANY(${dagIds}::text[])
    ON CONFLICT (dag_id, serialized_hash) DO NOTHING`;
}

/**
 * The unfinished runs of changed DAGs take their new task list. The runs' row locks are taken
 * first (DAG rows, then runs, then task instances: the order passes use). A running instance is
 * left to finish; one waiting (none, scheduled, queued, up_for_retry, up_for_reschedule) whose
 * task is gone becomes `removed`, and its queued job, if any, finds it no longer queued.
 */
export async function reconcileUnfinishedRuns(
  tx: Sql,
  dags: readonly SerializedDag[],
  now: Date,
): Promise<void> {
  if (dags.length === 0) return;
  const runs = await tx.$queryRaw<{ id: number; dag_id: string }[]>`
    SELECT id, dag_id FROM dag_run
    WHERE dag_id = ANY(${dags.map((d) => d.dagId)}::text[]) AND state IN ('queued', 'running')
    ORDER BY id FOR UPDATE`;
  if (runs.length === 0) return;
  const tasks = dags.flatMap((dag) => weightedTasks(dag).map((t) => ({ dagId: dag.dagId, ...t })));
  const runIds = runs.map((r) => r.id);
  await tx.$executeRaw`
    UPDATE task_instance t SET state = 'removed', ended_at = ${now}, updated_at = ${now}
    WHERE t.dag_run_id = ANY(${runIds}::int[])
      AND t.state::text IN ('none', 'scheduled', 'queued', 'up_for_retry', 'up_for_reschedule')
      AND (t.dag_id, t.task_id) NOT IN (
        SELECT * FROM unnest(${tasks.map((t) => t.dagId)}::text[], ${tasks.map((t) => t.task.taskId)}::text[]))`;
  const of = <T>(pick: (t: (typeof tasks)[number]) => T) => tasks.map(pick);
  await tx.$executeRaw`
    INSERT INTO task_instance (dag_run_id, dag_id, run_id, task_id, map_index, state, try_number, max_tries, pool,
                               pool_slots, queue, priority_weight, updated_at)
    SELECT r.id, r.dag_id, r.run_id, u.task_id, -1, 'none', 0, u.max_tries, u.pool, u.pool_slots, u.queue, u.priority_weight, ${now}::timestamp
    FROM dag_run r
    JOIN unnest(${of((t) => t.dagId)}::text[], ${of((t) => t.task.taskId)}::text[], ${of((t) => t.task.retries + 1)}::int[],
                ${of((t) => t.task.pool)}::text[], ${of((t) => t.task.poolSlots)}::int[], ${of((t) => t.task.queue)}::text[],
                ${of((t) => t.weight)}::int[])
         AS u(dag_id, task_id, max_tries, pool, pool_slots, queue, priority_weight) ON u.dag_id = r.dag_id
    WHERE r.id = ANY(${runIds}::int[])
      AND NOT EXISTS (SELECT 1 FROM task_instance t WHERE t.dag_run_id = r.id AND t.task_id = u.task_id)
    ON CONFLICT DO NOTHING`;
}

export interface DagVersionView {
  readonly versionNumber: number;
  readonly serializedHash: string;
  readonly fileloc: string;
  readonly createdAt: Date;
  readonly tasks: number;
  /** Runs created with this version, and tries that ran it. */
  readonly runs: number;
  readonly tries: number;
  readonly current: boolean;
}

/** A DAG's versions, newest first. */
export async function listDagVersions(db: Db, dagId: string): Promise<DagVersionView[]> {
  const dag = await db.dag.findUnique({ where: { dagId }, select: { serializedHash: true } });
  if (!dag) throw new EngineError('DAG_NOT_FOUND', `DAG "${dagId}" not found`);
  const rows = await db.$queryRaw<
    {
      version_number: number;
      serialized_hash: string;
      fileloc: string;
      created_at: Date;
      tasks: number;
      runs: number;
      tries: number;
    }[]
  >`
    SELECT v.version_number, v.serialized_hash, v.fileloc, v.created_at,
           jsonb_array_length(v.serialized->'tasks') AS tasks,
           (SELECT COUNT(*)::int FROM dag_run r WHERE r.dag_id = v.dag_id AND r.dag_hash = v.serialized_hash) AS runs,
           (SELECT COUNT(*)::int FROM task_attempt a JOIN task_instance t ON t.id = a.task_instance_id
            WHERE t.dag_id = v.dag_id AND a.dag_hash = v.serialized_hash) AS tries
    FROM dag_version v WHERE v.dag_id = ${dagId} ORDER BY v.version_number DESC`;
  return rows.map((r) => ({
    versionNumber: r.version_number,
    serializedHash: r.serialized_hash,
    fileloc: r.fileloc,
    createdAt: r.created_at,
    tasks: r.tasks,
    runs: r.runs,
    tries: r.tries,
    current: r.serialized_hash === dag.serializedHash,
  }));
}

/** The definition and source of one version (the newest when `versionNumber` is left out). */
export async function dagVersion(
  db: Db,
  dagId: string,
  versionNumber?: number,
): Promise<{ versionNumber: number; serialized: SerializedDag; source: string | null; fileloc: string }> {
  const version = await db.dagVersion.findFirst({
    where: { dagId, ...(versionNumber === undefined ? {} : { versionNumber }) },
    orderBy: { versionNumber: 'desc' },
  });
  if (!version)
    throw new EngineError(
      'DAG_NOT_FOUND',
      versionNumber === undefined
        ? `DAG "${dagId}" has no versions`
        : `DAG "${dagId}" has no version ${versionNumber} (weir dags versions ${dagId} lists them)`,
    );
  return {
    versionNumber: version.versionNumber,
    serialized: version.serialized as unknown as SerializedDag,
    source: version.source,
    fileloc: version.fileloc,
  };
}
