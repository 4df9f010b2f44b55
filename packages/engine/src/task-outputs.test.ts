// The worker's OutputCache against a real, migrated database: it serves an unmapped upstream's
// output from memory when the version read at claim time matches what it holds, and reads
// PostgreSQL when the output was written again (a cleared and re-run upstream) or is unknown.
import { createRawSql, type RawSql, type RawSqlPool } from '@weir/db';
import { encodeOutput, type SerializedDag } from '@weir/sdk';
import { createTestDatabase, type TestDatabase } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputCache, taskOutputs } from './task-outputs.ts';
import { claimTries, finishTry } from './task-tries.ts';

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

// Outputs written by the real finish statement from encodeOutput's text, read back as downstream
// tasks get them: a Date arrives as a Date, a Map as a Map, a bigint as a bigint.
describe('outputs that are not plain JSON, through PostgreSQL', () => {
  let database: TestDatabase;
  let sql: RawSqlPool;
  const run = { dagId: 'd', runId: 'r' };
  const at = new Date('2024-05-06T07:08:09.010Z');
  // Only the mapping matters to taskOutputs: `parts` is mapped, the others are not.
  const dag = {
    tasks: [
      { taskId: 'extract' },
      { taskId: 'empty' },
      { taskId: 'quiet' },
      { taskId: 'plain' },
      { taskId: 'parts', mapping: {} },
    ],
  } as unknown as SerializedDag;

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = createRawSql(database.url);
    await sql.$executeRaw`INSERT INTO dag (dag_id, fileloc, serialized, serialized_hash, updated_at) VALUES ('d', 'f', '{}', 'h', now())`;
    await sql.$executeRaw`INSERT INTO dag_run (id, dag_id, run_id, run_type, logical_date, state, updated_at) VALUES (1, 'd', 'r', 'manual', now(), 'running', now())`;
    await sql.$executeRaw`
      INSERT INTO task_instance (id, dag_run_id, dag_id, run_id, task_id, map_index, state, try_number, updated_at)
      VALUES (1, 1, 'd', 'r', 'extract', -1, 'queued', 1, now()), (2, 1, 'd', 'r', 'empty', -1, 'queued', 1, now()),
             (3, 1, 'd', 'r', 'quiet', -1, 'queued', 1, now()), (4, 1, 'd', 'r', 'plain', -1, 'queued', 1, now()),
             (5, 1, 'd', 'r', 'parts', 0, 'queued', 1, now()), (6, 1, 'd', 'r', 'parts', 1, 'queued', 1, now())`;
    const finish = async (id: number, output: unknown) => {
      const [claimed] = await claimTries(sql, [
        { job: { taskInstanceId: id, tryNumber: 1 }, worker: { hostname: 'h', pid: 1 }, now: new Date() },
      ]);
      if (claimed?.kind !== 'claimed') throw new Error(`try ${id} not claimed`);
      // What the worker does with a task's return value: nothing stored for undefined.
      const encoded = output === undefined ? undefined : encodeOutput(output);
      if (encoded && !encoded.ok) throw new Error(encoded.error);
      const task = { retryDelayMs: 0, retryExponentialBackoff: false, maxRetryDelayMs: null };
      const outcome = { kind: 'success', output, outputJson: encoded?.stored } as const;
      expect((await finishTry(sql, claimed.try, task, outcome, new Date())).kind).toBe('recorded');
    };
    await finish(1, { at, big: new Map([['orders', 12345678901234567890n]]), tags: new Set(['a']) });
    await finish(2, null);
    await finish(3, undefined);
    await finish(4, [1, 2, 3]);
    await finish(5, { at, missing: undefined });
    await finish(6, undefined);
  });
  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  it('delivers dates, maps, sets and bigints to downstream inputs as themselves', async () => {
    const outputs = await taskOutputs(sql, 1, dag, ['extract']);
    const extract = outputs.get('extract') as { at: Date; big: Map<string, bigint>; tags: Set<string> };
    expect(extract.at).toBeInstanceOf(Date);
    expect(extract.at.getTime()).toBe(at.getTime());
    expect(extract.big).toEqual(new Map([['orders', 12345678901234567890n]]));
    expect(extract.tags).toEqual(new Set(['a']));
  });

  it('serves the decoded value from the OutputCache, the read a mapped instance makes', async () => {
    const cache = new OutputCache(sql);
    const first = (await cache.outputs(run, ['extract'])).get('extract') as {
      at: Date;
      big: Map<string, bigint>;
    };
    expect(first.at).toEqual(at);
    expect(first.big.get('orders')).toBe(12345678901234567890n);
    expect((await cache.outputs(run, ['extract'])).get('extract')).toBe(first);
  });

  it('tells a returned null from an output never stored, and stores plain JSON as itself', async () => {
    const outputs = await taskOutputs(sql, 1, dag, ['empty', 'quiet', 'plain']);
    expect(outputs.get('empty')).toBeNull();
    expect(outputs.has('quiet') && outputs.get('quiet')).toBeUndefined();
    expect(outputs.get('plain')).toEqual([1, 2, 3]);
    const [row] = await sql.$queryRaw<{ type: string; value: unknown }[]>`
      SELECT jsonb_typeof(value) AS type, value FROM xcom WHERE task_id = 'plain'`;
    expect(row).toEqual({ type: 'array', value: [1, 2, 3] });
  });

  it("decodes each mapped instance's output in map index order, null where one returned nothing", async () => {
    const parts = (await taskOutputs(sql, 1, dag, ['parts'])).get('parts') as unknown[];
    expect(parts).toHaveLength(2);
    expect(parts[0]).toEqual({ at, missing: undefined });
    expect(Object.hasOwn(parts[0] as object, 'missing')).toBe(true);
    expect(parts[1]).toBeNull();
  });

  it('refuses, before the commit, a string that jsonb would reject', async () => {
    await expect(sql.$queryRaw`SELECT ${JSON.stringify('a\u0000b')}::jsonb`).rejects.toThrow();
    await expect(sql.$queryRaw`SELECT ${JSON.stringify({ s: '\uD800' })}::jsonb`).rejects.toThrow();
    expect(encodeOutput({ s: 'a\u0000b' })).toEqual({
      ok: false,
      error: 'output.s: a string with a NUL character or a lone surrogate cannot be stored',
    });
  });
});
