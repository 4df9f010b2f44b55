// The graph of a run is drawn from the DAG version the run was created from: a run made before a
// task was added shows the tasks it had, a run of the new version shows the new task.
import { createDb, createRawSql, type Db, type RawSqlPool } from '@weir/db';
import { dag, serializeDag } from '@weir/sdk';
import { createTestDatabase, type TestDatabase } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRunGraph } from './run-graph.ts';

const v1 = serializeDag(
  dag({ id: 'versioned' }, (d) => {
    const extract = d.task('extract', async () => 1);
    d.task('load', { after: [extract] }, async () => 1);
  }),
);
const v2 = serializeDag(
  dag({ id: 'versioned' }, (d) => {
    const extract = d.task('extract', async () => 1);
    const load = d.task('load', { after: [extract] }, async () => 1);
    d.task('report', { after: [load] }, async () => 1);
  }),
);

describe('getRunGraph and DAG versions', () => {
  let database: TestDatabase;
  let sql: RawSqlPool;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = createRawSql(database.url);
    db = createDb(database.url);
    await sql.$executeRaw`INSERT INTO dag (dag_id, fileloc, serialized, serialized_hash, updated_at)
      VALUES ('versioned', 'versioned.ts', ${JSON.stringify(v2)}::jsonb, 'h2', now())`;
    for (const [n, hash, serialized] of [
      [1, 'h1', v1],
      [2, 'h2', v2],
    ] as const)
      await sql.$executeRaw`INSERT INTO dag_version (dag_id, version_number, serialized_hash, serialized, fileloc)
        VALUES ('versioned', ${n}, ${hash}, ${JSON.stringify(serialized)}::jsonb, 'versioned.ts')`;
    for (const [runId, hash, hour] of [
      ['old', 'h1', 1],
      ['new', 'h2', 2],
      ['legacy', null, 0],
    ] as const)
      await sql.$executeRaw`INSERT INTO dag_run (dag_id, run_id, run_type, logical_date, state, dag_hash, updated_at)
        VALUES ('versioned', ${runId}, 'manual', ${new Date(Date.UTC(2026, 0, 1, hour))}, 'success', ${hash}, now())`;
  });

  afterAll(async () => {
    await db?.$disconnect();
    await sql?.end();
    await database?.drop();
  });

  const taskIds = async (runId: string) =>
    (await getRunGraph(db, 'versioned', runId)).tasks.map((t) => t.taskId);

  it('draws a run with the tasks of the version it was created from', async () => {
    expect(await taskIds('old')).toEqual(['extract', 'load']);
    expect(await taskIds('new')).toEqual(['extract', 'load', 'report']);
  });

  it('draws a run that predates versions with the current definition', async () => {
    expect(await taskIds('legacy')).toEqual(['extract', 'load', 'report']);
  });
});
