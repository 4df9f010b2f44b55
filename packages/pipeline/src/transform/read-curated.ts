// Owns reading a curated table whole, as the manifest has it now (for tests, checks and small
// tools; the warehouse loader reads partitions instead). Timestamps come back as ISO strings with
// milliseconds, JSON as text.
import type { LakeStore } from '../lake/store.ts';
import { litList, openDuckSession } from './duck.ts';
import { stageObjects } from './files.ts';
import { parsePartitionId, readManifest } from './manifest.ts';
import { type CuratedTable, TABLE_COLUMNS } from './tables.ts';

export async function readCuratedTable(
  store: LakeStore,
  table: CuratedTable,
): Promise<Record<string, unknown>[]> {
  const manifest = await readManifest(store);
  const keys = Object.entries(manifest.partitions)
    .filter(([id, state]) => parsePartitionId(id).table === table && state.key !== null)
    .map(([, state]) => state.key as string);
  if (keys.length === 0) return [];
  const duck = await openDuckSession();
  try {
    const files = await stageObjects(store, keys, duck.dir);
    const select = TABLE_COLUMNS[table]
      .map(([name, type]) =>
        type === 'TIMESTAMPTZ'
          ? `strftime(${name}, '%Y-%m-%dT%H:%M:%S.%gZ') AS ${name}`
          : type === 'DATE'
            ? `strftime(${name}, '%Y-%m-%d') AS ${name}`
            : type === 'JSON'
              ? `${name}::VARCHAR AS ${name}`
              : name,
      )
      .join(', ');
    return await duck.rows(
      `SELECT ${select} FROM read_parquet(${litList(files)}, hive_partitioning = false)`,
    );
  } finally {
    await duck.close();
  }
}
