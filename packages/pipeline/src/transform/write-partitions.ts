// Owns writing a query's rows as one Parquet file per curated partition, in one DuckDB COPY
// (PARTITION_BY), and reporting each partition's file and row count.
import { readdir } from 'node:fs/promises';
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
  const table = `written_${counter}`;
  await duck.run(`CREATE TEMP TABLE ${table} AS ${select}`);
  const counts = await duck.rows<{ p: string; n: string }>(
    `SELECT _p AS p, count(*) AS n FROM ${table} GROUP BY _p`,
  );
  if (counts.length === 0) return [];
  await duck.run(
    `COPY ${table} TO ${lit(dir)} (FORMAT parquet, PARTITION_BY (_p), FILENAME_PATTERN 'data_{i}', COMPRESSION zstd)`,
  );
  const written: WrittenPartition[] = [];
  for (const { p, n } of counts) {
    const folder = join(dir, `_p=${p}`);
    const files = (await readdir(folder)).filter((f) => f.endsWith('.parquet')).sort();
    let path = join(folder, files[0] as string);
    if (files.length > 1) {
      // DuckDB may split a large partition; the manifest holds one object per partition.
      path = join(folder, 'merged.parquet');
      await duck.run(
        `COPY (SELECT * FROM read_parquet(${litList(files.map((f) => join(folder, f)))}, hive_partitioning = false)) ` +
          `TO ${lit(path)} (FORMAT parquet, COMPRESSION zstd)`,
      );
    }
    written.push({ value: p, path, rows: Number(n) });
  }
  await duck.run(`DROP TABLE ${table}`);
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
