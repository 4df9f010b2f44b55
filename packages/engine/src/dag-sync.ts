// Owns writing what the dag processor found in DAG files to PostgreSQL: serialized DAGs, the
// files' sources, their import errors, their DAG warnings, and which DAGs went away. planDagSync
// decides what changes; this reads what it needs and writes it, a batch of files in one
// transaction of a few multi-row statements, whatever the batch's size. What is unchanged is not
// written again. A DAG seen for the first time starts paused or not (its pausedAtCreation, else
// the caller's default); later syncs never change whether it is paused.
import type { Db, RawSql } from '@weir/db';
import type { RunInfo } from '@weir/domain';
import type { AlertNames } from '@weir/sdk';
import { raiseAlerts } from './alert-raise.ts';
import { storeDagAssets } from './assets.ts';
import type { Clock } from './clock.ts';
import {
  type ChangedDag,
  type DagSource,
  type FileImportError,
  type ParsedDagFile,
  planDagSync,
  type StoredDag,
  type SyncResult,
} from './dag-sync-plan.ts';
import { reconcileUnfinishedRuns, storeDagVersions } from './dag-versions.ts';
import { refreshDagWarnings } from './dag-warnings.ts';
import { hasDeadlines } from './deadlines.ts';
import { nextScheduledRuns } from './schedule-spec.ts';

/** Bounds one transaction's statements (sources and serialized DAGs travel in them). */
// Small enough that the DAG rows a transaction locks are not held for long (workers' passes and
// the scheduler's tick wait for them).
const FILES_PER_TRANSACTION = 100;

type Sql = Pick<RawSql, '$queryRaw' | '$executeRaw'>;

export interface SyncOptions {
  /**
   * Whether a new DAG that does not set pausedAtCreation starts paused. Default false here: the
   * dag processor passes WEIR_DAGS_PAUSED_AT_CREATION (default true) explicitly.
   */
  readonly pausedAtCreation?: boolean;
  /**
   * The routes and channels alerts.yaml defines, to warn of DAGs whose `alerts` name others.
   * Without it the synced DAGs' alert warnings are left as they are (see refreshDagWarnings).
   */
  readonly alertNames?: AlertNames;
}

/** Stores the parse of each file; results in path order. */
export async function syncDagFiles(
  sql: RawSql,
  files: readonly ParsedDagFile[],
  clock: Clock,
  options: SyncOptions = {},
): Promise<SyncResult[]> {
  // Path order decides which of two new files defining the same DAG id keeps it; each
  // transaction sees what the ones before it stored. The dag processor calls this as files finish
  // parsing, several times a pass, one call at a time: each call's transactions still lock DAG
  // rows in dag_id order, and the processor holds back a file whose id a file still parsing may
  // claim first (apps/scheduler/src/dag-processor.ts), so path order still decides.
  const ordered = [...files].sort((a, b) => a.fileloc.localeCompare(b.fileloc));
  const results: SyncResult[] = [];
  for (let i = 0; i < ordered.length; i += FILES_PER_TRANSACTION) {
    const batch = ordered.slice(i, i + FILES_PER_TRANSACTION);
    results.push(...(await syncBatch(sql, batch, clock(), options)));
  }
  return results;
}

async function syncBatch(
  sql: RawSql,
  files: readonly ParsedDagFile[],
  now: Date,
  options: SyncOptions,
): Promise<SyncResult[]> {
  const pausedAtCreation = options.pausedAtCreation ?? false;
  return sql.$transaction(async (tx) => {
    const plan = planDagSync(files, await storedDags(tx, files));
    const nextRuns = await nextScheduledRuns(
      tx,
      plan.changedDags.map((changed) => changed.dag),
      now,
    );
    await storeSources(tx, plan.sources, now);
    await storeImportErrors(tx, plan.importErrors, now);
    await clearImportErrors(tx, plan.cleanFiles);
    await storeDags(tx, plan.changedDags, nextRuns, now, pausedAtCreation);
    const changed = plan.changedDags.map((c) => c.dag);
    await storeDagAssets(tx, changed, now);
    await storeDagVersions(
      tx,
      changed.map((dag) => dag.dagId),
      now,
    );
    await reconcileUnfinishedRuns(tx, changed, now);
    await markParsed(tx, plan.unchangedDagIds, now);
    await deactivateDags(tx, plan.deactivatedDagIds, now);
    await refreshDagWarnings(
      tx,
      [...plan.changedDags.map((c) => c.dag.dagId), ...plan.unchangedDagIds, ...plan.deactivatedDagIds],
      now,
      options.alertNames,
    );
    return [...plan.results];
  });
}

/**
 * The DAGs the files define, and the active DAGs the files defined before: every existing row the
 * batch may write, locked here in dag_id order (the order every pass and the tick lock DAG rows
 * in), so that the batch never deadlocks with them.
 */
async function storedDags(sql: Sql, files: readonly ParsedDagFile[]): Promise<StoredDag[]> {
  const dagIds = files.flatMap(({ outcome }) => (outcome.ok ? outcome.dags.map((dag) => dag.dagId) : []));
  return sql.$queryRaw<StoredDag[]>`
    SELECT dag_id AS "dagId", fileloc, is_active AS "isActive", serialized_hash AS "serializedHash"
    FROM dag
    WHERE dag_id = ANY(${dagIds}::text[])
       OR (fileloc = ANY(${files.map((file) => file.fileloc)}::text[]) AND is_active)
    ORDER BY dag_id FOR UPDATE`;
}

/** The code view's copy of each file; a source whose hash is unchanged is not rewritten. */
async function storeSources(sql: Sql, sources: readonly DagSource[], now: Date): Promise<void> {
  if (sources.length === 0) return;
  await sql.$executeRaw`
    INSERT INTO dag_code (fileloc, source, source_hash, updated_at)
    SELECT fileloc, source, source_hash, ${now}::timestamp
    FROM unnest(${sources.map((s) => s.fileloc)}::text[], ${sources.map((s) => s.source)}::text[],
                ${sources.map((s) => s.sourceHash)}::text[]) AS s(fileloc, source, source_hash)
    ON CONFLICT (fileloc) DO UPDATE
    SET source = EXCLUDED.source, source_hash = EXCLUDED.source_hash, updated_at = EXCLUDED.updated_at
    WHERE dag_code.source_hash <> EXCLUDED.source_hash`;
}

async function storeImportErrors(sql: Sql, errors: readonly FileImportError[], now: Date): Promise<void> {
  if (errors.length === 0) return;
  await sql.$executeRaw`
    INSERT INTO import_error (fileloc, message, stack_trace, created_at)
    SELECT fileloc, message, stack_trace, ${now}::timestamp
    FROM unnest(${errors.map((e) => e.fileloc)}::text[], ${errors.map((e) => e.message)}::text[],
                ${errors.map((e) => e.stackTrace)}::text[]) AS e(fileloc, message, stack_trace)
    ON CONFLICT (fileloc) DO UPDATE
    SET message = EXCLUDED.message, stack_trace = EXCLUDED.stack_trace, created_at = EXCLUDED.created_at`;
  // Resolved by the alert pass once the file imports again (its import_error row is gone).
  await raiseAlerts(
    sql,
    errors.map((e) => ({
      kind: 'import_error',
      severity: 'warning',
      dedupKey: `import_error:${e.fileloc}`,
      title: `DAG file ${e.fileloc} does not import`,
      details: { fileloc: e.fileloc, error: e.message.slice(0, 4000) },
      dagId: null,
      runId: null,
      taskId: null,
      at: now,
    })),
  );
}

async function clearImportErrors(sql: Sql, filelocs: readonly string[]): Promise<void> {
  if (filelocs.length === 0) return;
  await sql.$executeRaw`DELETE FROM import_error WHERE fileloc = ANY(${filelocs}::text[])`;
}

/** New, changed and re-activated DAGs, in full, with when their next scheduled run is due. */
async function storeDags(
  sql: Sql,
  changed: readonly ChangedDag[],
  nextRuns: ReadonlyMap<string, RunInfo | null>,
  now: Date,
  pausedAtCreation: boolean,
): Promise<void> {
  if (changed.length === 0) return;
  const rows = changed.map(({ fileloc, dag, serializedHash }) => ({
    dag_id: dag.dagId,
    fileloc,
    // Only an INSERT reads it: ON CONFLICT below leaves is_paused alone.
    is_paused: dag.pausedAtCreation ?? pausedAtCreation,
    schedule: dag.schedule,
    timezone: dag.timezone,
    description: dag.description,
    owner: dag.owner,
    tags: dag.tags,
    max_active_runs: dag.maxActiveRuns,
    max_active_tasks: dag.maxActiveTasks,
    serialized: dag,
    serialized_hash: serializedHash,
    has_deadlines: hasDeadlines(dag),
    next_dagrun_logical_date: nextRuns.get(dag.dagId)?.logicalDate ?? null,
    next_dagrun_create_after: nextRuns.get(dag.dagId)?.runAfter ?? null,
  }));
  // One JSON document rather than unnest arrays: tags are an array per row and unnest would
  // flatten an array of arrays. Timestamps travel as ISO strings in UTC, as they are stored.
  await sql.$executeRaw`
    INSERT INTO dag (dag_id, fileloc, is_active, is_paused, schedule, timezone, description, owner, tags,
                     max_active_runs, max_active_tasks, serialized, serialized_hash, has_deadlines,
                     next_dagrun_logical_date, next_dagrun_create_after, last_parsed_at, created_at, updated_at)
    SELECT dag_id, fileloc, true, is_paused, schedule, timezone, description, owner, tags,
           max_active_runs, max_active_tasks, serialized, serialized_hash, has_deadlines,
           next_dagrun_logical_date, next_dagrun_create_after, ${now}::timestamp, ${now}::timestamp, ${now}::timestamp
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS d(
      dag_id text, fileloc text, is_paused boolean, schedule text, timezone text, description text, owner text, tags text[],
      max_active_runs int, max_active_tasks int, serialized jsonb, serialized_hash text, has_deadlines boolean,
      next_dagrun_logical_date timestamp, next_dagrun_create_after timestamp)
    ON CONFLICT (dag_id) DO UPDATE
    SET fileloc = EXCLUDED.fileloc, is_active = true, schedule = EXCLUDED.schedule,
        timezone = EXCLUDED.timezone, description = EXCLUDED.description, owner = EXCLUDED.owner,
        tags = EXCLUDED.tags, max_active_runs = EXCLUDED.max_active_runs,
        max_active_tasks = EXCLUDED.max_active_tasks, serialized = EXCLUDED.serialized,
        serialized_hash = EXCLUDED.serialized_hash, has_deadlines = EXCLUDED.has_deadlines,
        next_dagrun_logical_date = EXCLUDED.next_dagrun_logical_date,
        next_dagrun_create_after = EXCLUDED.next_dagrun_create_after,
        last_parsed_at = EXCLUDED.last_parsed_at, updated_at = EXCLUDED.updated_at`;
}

/** DAGs parsed again exactly as stored. */
async function markParsed(sql: Sql, dagIds: readonly string[], now: Date): Promise<void> {
  if (dagIds.length === 0) return;
  await sql.$executeRaw`UPDATE dag SET last_parsed_at = ${now}::timestamp WHERE dag_id = ANY(${dagIds}::text[])`;
}

async function deactivateDags(sql: Sql, dagIds: readonly string[], now: Date): Promise<void> {
  if (dagIds.length === 0) return;
  await sql.$executeRaw`
    UPDATE dag SET is_active = false, next_dagrun_create_after = NULL, next_dagrun_logical_date = NULL,
                   updated_at = ${now}::timestamp
    WHERE dag_id = ANY(${dagIds}::text[]) AND is_active`;
}

/** A file that disappeared: its DAGs become inactive (kept for history), its error goes away. */
export async function removeDagFile(db: Db, fileloc: string): Promise<void> {
  await db.$transaction([
    db.dag.updateMany({
      where: { fileloc },
      data: { isActive: false, nextDagRunCreateAfter: null, nextDagRunLogicalDate: null },
    }),
    db.importError.deleteMany({ where: { fileloc } }),
    db.dagCode.deleteMany({ where: { fileloc } }),
    db.dagWarning.deleteMany({ where: { dag: { fileloc } } }),
  ]);
}
