// Owns reading a lake kept in a local folder (the default, and `file://` lakes): keys are paths
// under the folder with '/' separators, and only files are objects, as in S3 (an empty folder
// is not). A missing folder is an empty lake, so "not yet".
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LakeLocation } from './lake-location.ts';
import type { LakeReader } from './lake-reader.ts';
import { SensorError } from './sensor-error.ts';

type FolderLocation = Extract<LakeLocation, { kind: 'folder' }>;

const ABSENT = new Set(['ENOENT', 'ENOTDIR']);

export function folderLakeReader(location: FolderLocation): LakeReader {
  const { root } = location;
  const describe = (key: string) => join(root, key);
  const failure = (error: unknown, path: string) => {
    const code = (error as NodeJS.ErrnoException).code;
    return new SensorError(
      code === 'EACCES' || code === 'EPERM' ? 'LAKE_ACCESS_DENIED' : 'LAKE_UNAVAILABLE',
      `lake sensor: cannot read ${path}: ${(error as Error).message}. Lake: ${location.source}`,
      { cause: error },
    );
  };

  return {
    describe,
    async exists(key) {
      try {
        return (await stat(join(root, key))).isFile();
      } catch (error) {
        if (ABSENT.has((error as NodeJS.ErrnoException).code ?? '')) return false;
        throw failure(error, describe(key));
      }
    },
    async list(prefix, limit, signal) {
      // Start at the prefix's folder part; descend only into folders that can hold a match.
      const start = prefix.slice(0, prefix.lastIndexOf('/') + 1);
      const found: string[] = [];
      const walk = async (dir: string): Promise<void> => {
        signal.throwIfAborted();
        let entries: Dirent[];
        try {
          entries = await readdir(join(root, dir), { withFileTypes: true });
        } catch (error) {
          if (ABSENT.has((error as NodeJS.ErrnoException).code ?? '')) return;
          throw failure(error, describe(dir));
        }
        for (const entry of entries) {
          const key = dir + entry.name;
          if (entry.isDirectory()) {
            const folder = `${key}/`;
            if (folder.startsWith(prefix) || prefix.startsWith(folder)) await walk(folder);
          } else if ((entry.isFile() || entry.isSymbolicLink()) && key.startsWith(prefix)) {
            found.push(key);
          }
        }
      };
      await walk(start);
      return found.sort().slice(0, limit);
    },
  };
}
