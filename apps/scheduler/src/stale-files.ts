// Owns deciding, from PostgreSQL alone, which DAG files need parsing when no dag processor has
// been watching them: a command that reads the DAG folder once (`weir dags list`, as
// `airflow dags list` loads the folder) asks this instead of parsing every file every time.
import type { DagFileStat } from '@weir/dag-loader';
import type { Db } from '@weir/db';

export interface StaleDagFiles {
  /** Files never stored, or changed since their last stored parse. */
  readonly stale: readonly DagFileStat[];
  /** Files under the folder that PostgreSQL still holds but that are gone. */
  readonly removed: readonly string[];
}

/**
 * When each file under `folder` was last stored: the latest of its active DAGs' parses, its
 * import error, and its stored source (which a file that defines no DAG has too).
 */
export async function storedParseTimes(db: Db, folder: string): Promise<Map<string, number>> {
  const under = { startsWith: `${folder}/` };
  const [dags, errors, sources] = await Promise.all([
    db.dag.findMany({
      where: { isActive: true, fileloc: under },
      select: { fileloc: true, lastParsedAt: true },
    }),
    db.importError.findMany({ where: { fileloc: under }, select: { fileloc: true, createdAt: true } }),
    db.dagCode.findMany({ where: { fileloc: under }, select: { fileloc: true, updatedAt: true } }),
  ]);
  const times = new Map<string, number>();
  const note = (fileloc: string, at: Date) =>
    times.set(fileloc, Math.max(times.get(fileloc) ?? 0, at.getTime()));
  for (const d of dags) note(d.fileloc, d.lastParsedAt);
  for (const e of errors) note(e.fileloc, e.createdAt);
  for (const s of sources) note(s.fileloc, s.updatedAt);
  return times;
}

/**
 * Pure: a file is stale when nothing of it is stored or it was modified after its last stored
 * parse; a stored file that is no longer on disk is removed.
 */
export function staleDagFiles(
  files: readonly DagFileStat[],
  stored: ReadonlyMap<string, number>,
): StaleDagFiles {
  const present = new Set(files.map((f) => f.path));
  return {
    stale: files.filter((f) => {
      const parsedAt = stored.get(f.path);
      return parsedAt === undefined || f.mtimeMs > parsedAt;
    }),
    removed: [...stored.keys()].filter((path) => !present.has(path)).sort(),
  };
}
