// Owns deciding, from the rows PostgreSQL already holds, what a batch of parsed DAG files
// changes: which files get an import error (broken, a DAG id defined twice or already defined by
// another file, an invalid schedule), which DAGs are stored or merely seen again, and which DAGs
// their file no longer defines. Files are judged in the order given, each seeing the verdicts of
// the ones before it, exactly as if they had been stored one at a time.
import { createHash } from 'node:crypto';
import { validateSchedule } from '@weir/domain';
import type { SerializedDag } from '@weir/sdk';

export type FileParseOutcome =
  | {
      readonly ok: true;
      readonly dags: readonly SerializedDag[];
      /** Something wrong that does not stop the file's DAGs (a DAG created but not exported). */
      readonly warning?: string | null;
    }
  | {
      readonly ok: false;
      readonly message: string;
      readonly stack: string | null;
      /** Where the import failed, as `dags/x.ts:12:7`: the message then reads `dags/x.ts:12:7: …`. */
      readonly location?: string | null;
    };

export interface ParsedDagFile {
  readonly fileloc: string;
  readonly source: string;
  readonly outcome: FileParseOutcome;
}

export interface SyncResult {
  readonly fileloc: string;
  readonly dagIds: readonly string[];
  readonly importError: string | null;
}

/** What PostgreSQL holds of a DAG that the batch defines, or that a file of the batch defined. */
export interface StoredDag {
  readonly dagId: string;
  readonly fileloc: string;
  readonly isActive: boolean;
  readonly serializedHash: string;
}

export interface DagSource {
  readonly fileloc: string;
  readonly source: string;
  readonly sourceHash: string;
}

export interface FileImportError {
  readonly fileloc: string;
  readonly message: string;
  readonly stackTrace: string | null;
}

export interface ChangedDag {
  readonly fileloc: string;
  readonly dag: SerializedDag;
  readonly serializedHash: string;
}

export interface DagSyncPlan {
  /** One per file, in the order given. */
  readonly results: readonly SyncResult[];
  readonly sources: readonly DagSource[];
  readonly importErrors: readonly FileImportError[];
  /** Files that imported cleanly: an import error they had goes away. */
  readonly cleanFiles: readonly string[];
  /** New, changed or re-activated DAGs: stored in full, their next scheduled run recomputed. */
  readonly changedDags: readonly ChangedDag[];
  /** DAGs parsed again exactly as stored: only their parse time moves. */
  readonly unchangedDagIds: readonly string[];
  /** Active DAGs their file no longer defines: inactive from now on, no next run. */
  readonly deactivatedDagIds: readonly string[];
}

export function planDagSync(files: readonly ParsedDagFile[], stored: readonly StoredDag[]): DagSyncPlan {
  const dags = new Map(stored.map((row) => [row.dagId, row]));
  const results: SyncResult[] = [];
  const importErrors: FileImportError[] = [];
  const cleanFiles: string[] = [];
  const changedDags: ChangedDag[] = [];
  const unchangedDagIds: string[] = [];
  const deactivated = new Set<string>();
  for (const { fileloc, outcome } of files) {
    const problem = outcome.ok ? definitionProblem(fileloc, outcome.dags, dags) : outcome.message;
    if (!outcome.ok || problem !== null) {
      const message =
        !outcome.ok && outcome.location
          ? `${outcome.location}: ${problem}`
          : `DAG file ${fileloc} failed to import: ${problem}`;
      importErrors.push({ fileloc, message, stackTrace: outcome.ok ? null : outcome.stack });
      // The DAGs it defined before keep their last good version, as in Airflow.
      results.push({ fileloc, dagIds: [], importError: message });
      continue;
    }
    const defined = new Set(outcome.dags.map((dag) => dag.dagId));
    for (const row of dags.values()) {
      if (row.fileloc !== fileloc || !row.isActive || defined.has(row.dagId)) continue;
      dags.set(row.dagId, { ...row, isActive: false });
      deactivated.add(row.dagId);
    }
    for (const dag of outcome.dags) {
      const serializedHash = sha256(JSON.stringify(dag));
      const row = dags.get(dag.dagId);
      if (row?.isActive && row.fileloc === fileloc && row.serializedHash === serializedHash)
        unchangedDagIds.push(dag.dagId);
      else changedDags.push({ fileloc, dag, serializedHash });
      dags.set(dag.dagId, { dagId: dag.dagId, fileloc, isActive: true, serializedHash });
      // Retired by a file earlier in the batch, taken up by this one.
      deactivated.delete(dag.dagId);
    }
    // A warning lives in the file's import_error row, marked as such: its DAGs load all the same.
    if (outcome.warning)
      importErrors.push({ fileloc, message: `warning: ${outcome.warning}`, stackTrace: null });
    else cleanFiles.push(fileloc);
    results.push({ fileloc, dagIds: outcome.dags.map((dag) => dag.dagId), importError: null });
  }
  return {
    results,
    sources: files.map(({ fileloc, source }) => ({ fileloc, source, sourceHash: sha256(source) })),
    importErrors,
    cleanFiles,
    changedDags,
    unchangedDagIds,
    deactivatedDagIds: [...deactivated],
  };
}

/** Why the file's DAGs cannot be accepted (duplicate ids, bad schedules), or null. */
function definitionProblem(
  fileloc: string,
  dags: readonly SerializedDag[],
  stored: ReadonlyMap<string, StoredDag>,
): string | null {
  const ids = dags.map((d) => d.dagId);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated) return `it defines DAG id "${repeated}" more than once`;
  const taken = ids.map((id) => stored.get(id)).find((row) => row?.isActive && row.fileloc !== fileloc);
  if (taken) return `DAG id "${taken.dagId}" is already defined in ${taken.fileloc}`;
  for (const dag of dags) {
    const error = validateSchedule(dag.schedule, dag.timezone);
    if (error) return `DAG "${dag.dagId}": ${error}`;
  }
  return null;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
