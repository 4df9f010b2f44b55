// Owns writing a query's rows as one Parquet file per curated partition, in one DuckDB COPY
// (PARTITION_BY), and reporting each partition's file and row count.
import { join } from 'node:path';
import type { DuckSession } from './duck.ts';
import { lit, litList } from './duck.ts';

export interface WrittenPartition {
  /** The partition value (`20260304T05` for an hour, `07` for a bucket). */
  readonly value: string;
  readonly path: string;
  readonly rows: number;
}

let counter = 0;

/**
 * Writes `select`'s rows (every column but `_p`) partitioned by its `_p` column into a fresh
 * folder of the run; one file per partition.
 */
export async function writePartitions(duck: DuckSession, select: string): Promise<WrittenPartition[]> {
  const dir = join(duck.dir, `out-${++counter}`);
  // RETURN_STATS answers each written file and its row count, so the rows are not counted twice.
  const files = await duck.rows<{ filename: string; count: string }>(
    `COPY (${select}) TO ${lit(dir)} (FORMAT parquet, PARTITION_BY (_p), FILENAME_PATTERN 'data_{i}', RETURN_STATS)`,
  );
  const byPartition = new Map<string, { paths: string[]; rows: number }>();
  for (const { filename, count } of files) {
    const value = /_p=([^/]+)\/[^/]+$/.exec(filename)?.[1];
    if (value === undefined || Number(count) === 0) continue;
    const entry = byPartition.get(value) ?? { paths: [], rows: 0 };
    entry.paths.push(filename);
    entry.rows += Number(count);
    byPartition.set(value, entry);
  }
  const written: WrittenPartition[] = [];
  for (const [value, { paths, rows }] of byPartition) {
    let path = paths[0] as string;
    if (paths.length > 1) {
      // DuckDB may split a large partition; the manifest holds one object per partition.
      path = join(dir, `_p=${value}`, 'merged.parquet');
      await duck.run(
        `COPY (SELECT * FROM read_parquet(${litList(paths.sort())}, hive_partitioning = false)) TO ${lit(path)} (FORMAT parquet)`,
      );
    }
    written.push({ value, path, rows });
  }
  return written;
}

/** `_p` for an hour partition: the hour's start as `YYYYMMDDTHH`. */
export const hourPartSql = (ts: string) => `strftime(date_trunc('hour', ${ts}), '%Y%m%dT%H')`;

/** The hour a `YYYYMMDDTHH` partition value names. */
export function hourFromPart(value: string): Date {
  return new Date(
    `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T${value.slice(9, 11)}:00:00.000Z`,
  );
}
