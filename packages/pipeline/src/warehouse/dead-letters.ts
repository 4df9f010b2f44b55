// Owns loading the lake's dead letters into the warehouse's `dead_letters` table. Dead-letter
// parts are immutable, so each is loaded once (in one transaction with its record in
// `_weir_loaded_partitions`, as `deadletter/<part key>`), and loading again adds nothing.
import { listDeadLetterParts } from '../lake/raw.ts';
import type { LakeStore } from '../lake/store.ts';
import { lit, litList, openDuckSession } from '../transform/duck.ts';
import { stageObjects } from '../transform/files.ts';
import { LOADED, withWarehouse } from './duckdb-loader.ts';
import { WarehouseError } from './location.ts';

export async function loadDeadLetters(store: LakeStore, path: string): Promise<{ parts: number }> {
  const parts = await listDeadLetterParts(store);
  const staging = await openDuckSession();
  try {
    return await withWarehouse(path, async (connection) => {
      const done = new Set(
        (
          await connection.runAndReadAll(
            `SELECT partition FROM ${LOADED} WHERE partition LIKE 'deadletter/%'`,
          )
        )
          .getRowObjectsJson()
          .map((r) => String(r.partition)),
      );
      const pending = parts.filter((key) => !done.has(key));
      const files = await stageObjects(store, pending, staging.dir);
      for (const [i, key] of pending.entries()) {
        await connection.run('BEGIN TRANSACTION');
        try {
          await connection.run(`
            INSERT INTO dead_letters
            SELECT TRY_CAST(received_at AS TIMESTAMPTZ), reason, event_id, payload
            FROM read_json(${litList([files[i] as string])}, format = 'newline_delimited', compression = 'gzip',
                           columns = {received_at: 'VARCHAR', reason: 'VARCHAR', event_id: 'VARCHAR', payload: 'VARCHAR'})`);
          await connection.run(`INSERT INTO ${LOADED} VALUES (${lit(key)}, 0, now())`);
          await connection.run('COMMIT');
        } catch (error) {
          await connection.run('ROLLBACK').catch(() => undefined);
          throw new WarehouseError(
            'WAREHOUSE_LOAD_FAILED',
            `warehouse: loading dead letters ${store.describe(key)} into ${path} failed: ${(error as Error).message}`,
            { cause: error },
          );
        }
      }
      return { parts: pending.length };
    });
  } finally {
    await staging.close();
  }
}
