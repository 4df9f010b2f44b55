// Owns moving objects between the lake and DuckDB's local folder: a folder lake hands DuckDB its
// own files; a remote lake's objects are downloaded (a few at a time) into the run's folder.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LakeStore } from '../lake/store.ts';
import { LakeError } from '../lake/store.ts';

const PARALLEL = 8;

async function eachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

/** Local paths holding `keys`' objects, in the same order. */
export async function stageObjects(
  store: LakeStore,
  keys: readonly string[],
  dir: string,
): Promise<string[]> {
  const paths = keys.map((key) => store.localPath(key) ?? join(dir, 'staged', key));
  const remote = keys.flatMap((key, i) =>
    store.localPath(key) === undefined ? [[key, paths[i] as string]] : [],
  );
  await eachLimited(remote, async ([key, path]) => {
    const body = await store.get(key as string);
    if (body === null)
      throw new LakeError('LAKE_UNAVAILABLE', `transform: ${store.describe(key as string)} is missing`);
    await mkdir(dirname(path as string), { recursive: true });
    await writeFile(path as string, body);
  });
  return paths;
}

/** Uploads local files: `[key, path]` pairs. */
export async function uploadFiles(
  store: LakeStore,
  files: readonly (readonly [string, string])[],
): Promise<void> {
  await eachLimited(files, async ([key, path]) => {
    await store.put(key, new Uint8Array(await readFile(path)));
  });
}

export async function deleteObjects(store: LakeStore, keys: readonly string[]): Promise<void> {
  await eachLimited(keys, (key) => store.delete(key));
}
