// Owns the warehouse side of data_quality: reading for the checks (read-only, waiting while a
// load holds the file) and appending their results to `dq_results` (one short write).
import type { DqResult } from '../quality/hourly-checks.ts';
import type { SqlValue, WarehouseReader } from '../quality/warehouse-reader.ts';
import { withWarehouse } from './duckdb-loader.ts';
import { openWarehouseFile } from './open-file.ts';

const READ_WAIT_MS = 60_000;

/** Creates the warehouse's tables when it has none yet (a check before the first load). */
export async function ensureWarehouse(path: string): Promise<void> {
  await withWarehouse(path, async () => {});
}

/** Runs `work` with a read-only view of the warehouse, opened for it and closed after. */
export async function withWarehouseReader<T>(
  path: string,
  work: (reader: WarehouseReader) => Promise<T>,
): Promise<T> {
  const instance = await openWarehouseFile(path, 'read', READ_WAIT_MS);
  const connection = await instance.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    return await work({
      async query(sql: string, params: readonly SqlValue[] = []) {
        const reader = await connection.runAndReadAll(sql, [...params] as never);
        return reader.getRowObjectsJS() as Record<string, unknown>[];
      },
    });
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export async function recordDqResults(path: string, results: readonly DqResult[]): Promise<void> {
  if (results.length === 0) return;
  await withWarehouse(path, async (connection) => {
    const appender = await connection.createAppender('dq_results');
    for (const r of results) {
      appender.appendVarchar(r.check_name);
      appender.appendVarchar(r.partition);
      appender.appendBoolean(r.passed);
      appender.appendVarchar(r.severity);
      if (r.observed === null) appender.appendNull();
      else appender.appendDouble(r.observed);
      appender.appendDouble(r.threshold);
      appender.appendVarchar(r.checked_at);
      appender.endRow();
    }
    appender.closeSync();
  });
}
