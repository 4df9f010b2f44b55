// The worker's OutputCache against a real, migrated database: it serves an unmapped upstream's
// output from memory when the version read at claim time matches what it holds, and reads
// PostgreSQL when the output was written again (a cleared and re-run upstream) or is unknown.
import { createRawSql, type RawSql, type RawSqlPool } from '@weir/db';
import { createTestDatabase, type TestDatabase } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputCache } from './task-outputs.ts';
import { claimTries } from './task-tries.ts';

describe('OutputCache with versions read at claim', () => {
  let database: TestDatabase;
  let sql: RawSqlPool;
  let statements = 0;
  // Counts the statements the cache sends; the queries themselves go to PostgreSQL.
  const counted: Pick<RawSql, '$queryRaw'> = {
    $queryRaw: (strings, ...values) => {
      statements++;
      return sql.$queryRaw(strings, ...values);
    },
  };
  const run = { dagId: 'd', runId: 'r' };

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = createRawSql(database.url);
    await sql.$executeRaw`INSERT INTO dag (dag_id, fileloc, serialized, serialized_hash, updated_at) VALUES ('d', 'f', '{}', 'h', now())`;
    await sql.$executeRaw`INSERT INTO dag_run (id, dag_id, run_id, run_type, logical_date, state, updated_at) VALUES (1, 'd', 'r', 'manual', now(), 'running', now())`;
    await sql.$executeRaw`
      INSERT INTO task_instance (id, dag_run_id, dag_id, run_id, task_id, map_index, state, try_number, updated_at)
      VALUES (1, 1, 'd', 'r', 'items', -1, 'success', 1, now()), (2, 1, 'd', 'r', 'work', 0, 'queued', 1, now()),
             (3, 1, 'd', 'r', 'work', 1, 'queued', 1, now())`;
    await sql.$executeRaw`
      INSERT INTO xcom (task_instance_id, dag_id, run_id, task_id, map_index, key, value, size_bytes)
      VALUES (1, 'd', 'r', 'items', -1, 'return_value', '[1, 2]', 6)`;
  });
  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  const claim = async (id: number) => {
    const [result] = await claimTries(sql, [
      { job: { taskInstanceId: id, tryNumber: 1 }, worker: { hostname: 'h', pid: 1 }, now: new Date() },
    ]);
    if (result?.kind !== 'claimed') throw new Error(`try ${id} not claimed`);
    return result.try;
  };

  it('sends no statement for an output cached at the version the claim read', async () => {
    const cache = new OutputCache(counted);
    const first = await claim(2);
    expect(first.unmappedOutputs?.get('items')?.id).toBeGreaterThan(0);
    expect((await cache.outputs(run, ['items'], first.unmappedOutputs)).get('items')).toEqual([1, 2]);
    const afterFirst = statements;
    expect(afterFirst).toBeGreaterThan(0); // not cached yet: checked and read
    const second = await claim(3);
    expect((await cache.outputs(run, ['items'], second.unmappedOutputs)).get('items')).toEqual([1, 2]);
    expect(statements).toBe(afterFirst);

    // The upstream ran again and wrote a new list: the version differs, the cache reads it.
    await sql.$executeRaw`UPDATE xcom SET value = '[3, 4, 5]' WHERE task_id = 'items'`;
    await sql.$executeRaw`UPDATE task_instance SET state = 'queued' WHERE id = 3`;
    await sql.$executeRaw`DELETE FROM task_attempt WHERE task_instance_id = 3`;
    const third = await claim(3);
    expect(third.unmappedOutputs?.get('items')?.version).not.toBe(
      second.unmappedOutputs?.get('items')?.version,
    );
    expect((await cache.outputs(run, ['items'], third.unmappedOutputs)).get('items')).toEqual([3, 4, 5]);
    expect(statements).toBeGreaterThan(afterFirst);
  });
});
