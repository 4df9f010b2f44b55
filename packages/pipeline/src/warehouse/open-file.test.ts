// Readers and the one writer of the warehouse file, across real processes: while another process
// holds the file for writing, a read-only query waits and then succeeds, or gives up with
// WAREHOUSE_BUSY when the wait runs out; it never fails with DuckDB's raw lock error.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queryWarehouse } from './open-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'weir-warehouse-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A process that opens `path` for writing, says "locked", and exits (which lets the lock go) on a
 * line on stdin or after `holdMs`; `released` settles when it has exited.
 */
async function holdWriteLock(
  path: string,
  holdMs = 600_000,
): Promise<ChildProcess & { released: Promise<void> }> {
  const script = `
    import { DuckDBInstance } from '@duckdb/node-api';
    const db = await DuckDBInstance.create(${JSON.stringify(path)});
    const c = await db.connect();
    await c.run('CREATE TABLE IF NOT EXISTS t AS SELECT 42 AS answer');
    await c.run('CHECKPOINT');
    process.stdout.write('locked\\n');
    process.stdin.once('data', () => process.exit(0));
    setTimeout(() => process.exit(0), ${holdMs});`;
  // Without the test runner's NODE_OPTIONS: the child is a plain Node process.
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let output = '';
  const released = once(child, 'exit').then(() => undefined);
  await new Promise<void>((resolve, reject) => {
    const collect = (chunk: unknown) => {
      output += String(chunk);
      if (output.includes('locked')) resolve();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    released.then(() => reject(new Error(`the lock holder exited: ${output}`)));
  });
  return Object.assign(child, { released });
}

describe('queryWarehouse', () => {
  it('waits while a writer holds the file, then reads', async () => {
    const path = join(dir, 'wait.duckdb');
    const writer = await holdWriteLock(path);
    const events: string[] = [];
    const query = queryWarehouse(path, 'SELECT answer FROM t').then((rows) => {
      events.push('query answered');
      return rows;
    });
    // While a second, impatient reader is refused, the first one is still waiting.
    await expect(queryWarehouse(path, 'SELECT 1', { waitMs: 200 })).rejects.toMatchObject({
      code: 'WAREHOUSE_BUSY',
    });
    expect(events).toEqual([]);
    writer.stdin?.write('go\n');
    expect(await query).toEqual([{ answer: 42 }]);
    expect(events).toEqual(['query answered']);
  });

  it('gives up with WAREHOUSE_BUSY when the writer keeps it, and reads once it is gone', async () => {
    const path = join(dir, 'busy.duckdb');
    const writer = await holdWriteLock(path);
    await expect(queryWarehouse(path, 'SELECT 1', { waitMs: 300 })).rejects.toMatchObject({
      code: 'WAREHOUSE_BUSY',
    });
    writer.stdin?.write('go\n');
    await writer.released;
    expect(await queryWarehouse(path, 'SELECT answer FROM t')).toEqual([{ answer: 42 }]);
  });
});
