// Owns finding DAG files in a folder: *.ts, *.mts, *.js, *.mjs, not tests, not node_modules.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const DAG_FILE = /\.(ts|mts|js|mjs)$/;
const NOT_DAG = /(\.test|\.spec|\.d)\.[mc]?[tj]s$/;

export interface DagFileStat {
  readonly path: string;
  /** Changes whenever the file does (mtime and size). */
  readonly version: string;
  /** Last modification, in milliseconds since the epoch. */
  readonly mtimeMs: number;
}

export function discoverDagFiles(folder: string): DagFileStat[] {
  const found: DagFileStat[] = [];
  const walk = (dir: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (DAG_FILE.test(entry.name) && !NOT_DAG.test(entry.name)) {
        try {
          const stat = statSync(full);
          found.push({ path: full, version: `${stat.mtimeMs}-${stat.size}`, mtimeMs: stat.mtimeMs });
        } catch {
          // removed while we looked
        }
      }
    }
  };
  walk(folder);
  return found;
}

/** One DAG file's stat, or null when it is gone or not a DAG file. */
export function statDagFile(path: string): DagFileStat | null {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (!DAG_FILE.test(name) || NOT_DAG.test(name)) return null;
  try {
    const stat = statSync(path);
    return stat.isFile() ? { path, version: `${stat.mtimeMs}-${stat.size}`, mtimeMs: stat.mtimeMs } : null;
  } catch {
    return null;
  }
}
