// Owns loading curated partitions into the DuckDB warehouse. Each load replaces exactly one
// partition in one transaction: DELETE the partition's rows (an event-time hour of events or
// windows, a bucket of users' sessions, all profiles) and INSERT them from its Parquet object,
// then record the manifest seq it loaded in `_weir_loaded_partitions`. Loading a partition twice
// leaves the same rows (idempotent); a partition whose seq is already loaded is skipped.
// The database file is opened for the call and closed after, so the single writer holds it only
// while loading (DuckDB lets one process open a file for writing at a time).
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LakeStore } from '../lake/store.ts';
import { lit, litList, openDuckSession } from '../transform/duck.ts';
import { stageObjects } from '../transform/files.ts';
import { type Manifest, type PartitionRef, parsePartitionId, readManifest } from '../transform/manifest.ts';
import { bucketSql, type CuratedTable, columnList, columnNames, TABLE_COLUMNS } from '../transform/tables.ts';
import { WarehouseError } from './location.ts';
import { openWarehouseFile } from './open-file.ts';

/** How long a load waits for readers to let go of the file. */
const WRITE_WAIT_MS = 60_000;

const PRIMARY_KEYS: Record<CuratedTable, string> = {
  events: 'event_id',
  sessions: 'weir_session_id',
  event_counts_1m: 'window_start, event_type',
  active_users_5m: 'window_start',
  user_profiles: 'user_id',
};

export const LOADED = '_weir_loaded_partitions';

async function ensureTables(connection: DuckDBConnection): Promise<void> {
  for (const [table, columns] of Object.entries(TABLE_COLUMNS)) {
    await connection.run(
      `CREATE TABLE IF NOT EXISTS ${table} (${columnList(columns)}, PRIMARY KEY (${PRIMARY_KEYS[table as CuratedTable]}))`,
    );
  }
  await connection.run(
    'CREATE TABLE IF NOT EXISTS dead_letters (received_at TIMESTAMPTZ, reason VARCHAR, event_id VARCHAR, payload VARCHAR)',
  );
  // One row per check and partition each time data_quality runs (quality/hourly-checks.ts).
  await connection.run(
    'CREATE TABLE IF NOT EXISTS dq_results (check_name VARCHAR, partition VARCHAR, passed BOOLEAN, severity VARCHAR, observed DOUBLE, threshold DOUBLE, checked_at TIMESTAMPTZ)',
  );
  await connection.run(
    `CREATE TABLE IF NOT EXISTS ${LOADED} (partition VARCHAR PRIMARY KEY, seq BIGINT NOT NULL, loaded_at TIMESTAMPTZ NOT NULL)`,
  );
}

function partitionPredicate(ref: PartitionRef): string {
  const hourRange = (column: string) => {
    const start = (ref.hour as Date).toISOString();
    return `${column} >= ${lit(start)}::TIMESTAMPTZ AND ${column} < ${lit(start)}::TIMESTAMPTZ + INTERVAL 1 HOUR`;
  };
  switch (ref.table) {
    case 'events':
      return hourRange('client_ts');
    case 'event_counts_1m':
    case 'active_users_5m':
      return hourRange('window_start');
    case 'sessions':
      return `${bucketSql('user_id')} = ${ref.bucket}`;
    case 'user_profiles':
      return 'true';
  }
}

export async function withWarehouse<T>(
  path: string,
  work: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  const instance = await openWarehouseFile(path, 'write', WRITE_WAIT_MS);
  const connection = await instance.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    await ensureTables(connection);
    return await work(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Partition ids whose current version (by the manifest) the warehouse has not loaded, sorted. */
export async function pendingPartitions(
  store: LakeStore,
  path: string,
  manifest?: Manifest,
): Promise<string[]> {
  const current = manifest ?? (await readManifest(store));
  const loaded = await withWarehouse(path, async (connection) => {
    const rows = (await connection.runAndReadAll(`SELECT partition, seq FROM ${LOADED}`)).getRowObjectsJson();
    return new Map(rows.map((r) => [String(r.partition), Number(r.seq)]));
  });
  return Object.entries(current.partitions)
    .filter(([id, state]) => loaded.get(id) !== state.seq)
    .map(([id]) => id)
    .sort();
}

export interface LoadResult {
  readonly loaded: string[];
  readonly skipped: string[];
  readonly rows: number;
}

/** Loads `ids` (default: every pending partition), each in its own transaction. */
export async function loadPartitions(
  store: LakeStore,
  path: string,
  ids?: readonly string[],
): Promise<LoadResult> {
  const manifest = await readManifest(store);
  const wanted = ids ?? (await pendingPartitions(store, path, manifest));
  const staging = await openDuckSession(); // only for its temporary folder
  try {
    const keys = wanted.flatMap((id) => manifest.partitions[id]?.key ?? []);
    const files = new Map(keys.map((key, i) => [key, i]));
    const paths = await stageObjects(store, keys, staging.dir);
    return await withWarehouse(path, async (connection) => {
      const loadedRows = (
        await connection.runAndReadAll(`SELECT partition, seq FROM ${LOADED}`)
      ).getRowObjectsJson();
      const loaded = new Map(loadedRows.map((r) => [String(r.partition), Number(r.seq)]));
      const result = { loaded: [] as string[], skipped: [] as string[], rows: 0 };
      for (const id of wanted) {
        const state = manifest.partitions[id];
        if (!state)
          throw new WarehouseError(
            'WAREHOUSE_LOAD_FAILED',
            `warehouse: no curated partition "${id}" in the manifest`,
          );
        if (loaded.get(id) === state.seq) {
          result.skipped.push(id);
          continue;
        }
        const ref = parsePartitionId(id);
        const columns = columnNames(TABLE_COLUMNS[ref.table]);
        const file = state.key === null ? undefined : paths[files.get(state.key) as number];
        await connection.run('BEGIN TRANSACTION');
        try {
          await connection.run(`DELETE FROM ${ref.table} WHERE ${partitionPredicate(ref)}`);
          if (file)
            await connection.run(
              `INSERT INTO ${ref.table} (${columns}) SELECT ${columns} FROM read_parquet(${litList([file])}, hive_partitioning = false)`,
            );
          await connection.run(`INSERT OR REPLACE INTO ${LOADED} VALUES (${lit(id)}, ${state.seq}, now())`);
          await connection.run('COMMIT');
        } catch (error) {
          await connection.run('ROLLBACK').catch(() => undefined);
          throw new WarehouseError(
            'WAREHOUSE_LOAD_FAILED',
            `warehouse: loading ${id} into ${path} failed: ${(error as Error).message}`,
            { cause: error },
          );
        }
        result.loaded.push(id);
        result.rows += state.rows;
      }
      return result;
    });
  } finally {
    await staging.close();
  }
}
