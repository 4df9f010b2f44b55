// Owns bringing the stored DAGs up to date with the DAG folder for commands that read them, as
// `airflow dags list` loads the folder: files never parsed or changed since their last parse are
// parsed (in child processes, as the dag processor does) and stored; files gone are retired.
// With a dag processor running nothing is stale, and this costs one folder walk and three reads.
import { relative } from 'node:path';
import type { WeirConfig } from '@weir/config';
import type { Db } from '@weir/db';
import { EngineError, getStoredDag, type StoredDagView } from '@weir/engine';
import { DagProcessor } from '@weir/scheduler';
import { resolveFromCwd } from '../paths.ts';

/** The DAG folder, absolute. */
export function dagsFolder(config: WeirConfig): string {
  return resolveFromCwd(config.dagsFolder);
}

/** Parses what is stale; says so on stderr (stdout stays the command's, e.g. its JSON). */
export async function refreshDagFolder(db: Db, config: WeirConfig): Promise<void> {
  const processor = new DagProcessor({
    db,
    folder: dagsFolder(config),
    importTimeoutMs: config.dagProcessor.importTimeoutMs,
    pausedAtCreation: config.dagProcessor.pausedAtCreation,
  });
  const report = await processor.processStale();
  const parsed = report.parsed.length;
  const removed = report.removed.length;
  if (parsed === 0 && removed === 0) return;
  const shown = relative(process.cwd(), processor.folder) || '.';
  const parts = [
    parsed > 0 ? `parsed ${parsed} new or changed DAG file(s)` : '',
    removed > 0 ? `retired ${removed} removed file(s)` : '',
  ].filter(Boolean);
  process.stderr.write(`weir: ${parts.join(', ')} in ${shown.startsWith('..') ? processor.folder : shown}\n`);
}

/**
 * The stored DAG; when there is none, the DAG folder is brought up to date first (a DAG file
 * added since the last parse, with no dag processor running), so a new user's first command works.
 */
export async function storedDagOrParse(db: Db, config: WeirConfig, dagId: string): Promise<StoredDagView> {
  try {
    return await getStoredDag(db, dagId);
  } catch (error) {
    if (!(error instanceof EngineError && error.code === 'DAG_NOT_FOUND')) throw error;
    await refreshDagFolder(db, config);
    return getStoredDag(db, dagId);
  }
}
