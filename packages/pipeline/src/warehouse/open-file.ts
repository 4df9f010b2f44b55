// Owns opening the DuckDB warehouse file, which one process may hold for writing (or several for
// reading) at a time: while another process holds a conflicting lock, wait and retry, then give
// up with WAREHOUSE_BUSY. The loader opens it for writing for one load; readers (queries, checks,
// the UI) open it read-only for one query, so neither holds it long.
import { setTimeout as sleep } from 'node:timers/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { WarehouseError } from './location.ts';

const LOCKED = /Could not set lock on file/i;
const RETRY_MS = 100;

export async function openWarehouseFile(
  path: string,
  mode: 'read' | 'write',
  waitMs: number,
): Promise<DuckDBInstance> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await DuckDBInstance.create(path, mode === 'read' ? { access_mode: 'READ_ONLY' } : {});
    } catch (error) {
      const message = (error as Error).message;
      if (!LOCKED.test(message)) throw error;
      if (Date.now() >= deadline) {
        throw new WarehouseError(
          'WAREHOUSE_BUSY',
          `warehouse: ${path} stayed locked by another process for ${waitMs} ms (${message}); try again when the load finishes`,
          { cause: error },
        );
      }
      await sleep(RETRY_MS);
    }
  }
}

/** Runs one read-only query on the warehouse; rows as JSON-friendly objects. */
export async function queryWarehouse(
  path: string,
  sql: string,
  options: { waitMs?: number } = {},
): Promise<Record<string, unknown>[]> {
  const instance = await openWarehouseFile(path, 'read', options.waitMs ?? 10_000);
  const connection = await instance.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
