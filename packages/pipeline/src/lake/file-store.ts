// Owns the lake kept in a local folder (the default `<WEIR_HOME>/lake`, and `file://` lakes): a
// key is a path under the folder. Writes go to a temporary file in the same folder and are
// renamed into place, so a reader (or a crash) never sees half an object; temporary files start
// with '.tmp-' and are never listed.
import { randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkKey, LakeError, type LakeStore } from './store.ts';

const ABSENT = new Set(['ENOENT', 'ENOTDIR']);
const TEMP_PREFIX = '.tmp-';

const isAbsent = (error: unknown) => ABSENT.has((error as NodeJS.ErrnoException).code ?? '');

export function folderLakeStore(root: string, source = root): LakeStore {
  const path = (key: string) => join(root, checkKey(key));
  const failure = (error: unknown, doing: string) => {
    const code = (error as NodeJS.ErrnoException).code;
    return new LakeError(
      code === 'EACCES' || code === 'EPERM' ? 'LAKE_ACCESS_DENIED' : 'LAKE_UNAVAILABLE',
      `lake: cannot ${doing}: ${(error as Error).message}. Lake: ${source}`,
      { cause: error },
    );
  };

  return {
    describe: (key) => join(root, key),
    localPath: (key) => path(key),
    async put(key, body) {
      const target = path(key);
      const temp = join(dirname(target), `${TEMP_PREFIX}${randomUUID()}`);
      try {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(temp, body);
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true }).catch(() => undefined);
        throw failure(error, `write ${target}`);
      }
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(path(key)));
      } catch (error) {
        if (isAbsent(error) || (error as NodeJS.ErrnoException).code === 'EISDIR') return null;
        throw failure(error, `read ${path(key)}`);
      }
    },
    async exists(key) {
      try {
        return (await stat(path(key))).isFile();
      } catch (error) {
        if (isAbsent(error)) return false;
        throw failure(error, `read ${path(key)}`);
      }
    },
    async delete(key) {
      try {
        await rm(path(key), { force: true });
      } catch (error) {
        throw failure(error, `delete ${path(key)}`);
      }
    },
    async list(prefix) {
      // Start at the prefix's folder part; descend only into folders that can hold a match.
      const start = prefix.slice(0, prefix.lastIndexOf('/') + 1);
      const found: string[] = [];
      const walk = async (dir: string): Promise<void> => {
        let entries: Dirent[];
        try {
          entries = await readdir(join(root, dir), { withFileTypes: true });
        } catch (error) {
          if (isAbsent(error)) return;
          throw failure(error, `list ${join(root, dir)}`);
        }
        for (const entry of entries) {
          if (entry.name.startsWith(TEMP_PREFIX)) continue;
          const key = dir + entry.name;
          if (entry.isDirectory()) {
            const folder = `${key}/`;
            if (folder.startsWith(prefix) || prefix.startsWith(folder)) await walk(folder);
          } else if (entry.isFile() && key.startsWith(prefix)) {
            found.push(key);
          }
        }
      };
      await walk(start);
      return found.sort();
    },
  };
}
