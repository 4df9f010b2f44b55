// DagCatalog against a real, migrated database: lookups that find a DAG stale while it is being
// read share that read, and a lookup after invalidate reads PostgreSQL again.
import { createDb, createRawSql, type Db, type RawSqlPool } from '@weir/db';
import { createTestDatabase, type TestDatabase } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DagCatalog } from './dag-catalog.ts';

describe('DagCatalog', () => {
  let database: TestDatabase;
  let db: Db;
  let sql: RawSqlPool;
  let reads = 0;
  // Counts the catalog's reads of `dag`; the queries themselves go to PostgreSQL.
  let counted: Db;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDb(database.url);
    sql = createRawSql(database.url);
    const dag = { dagId: 'd', tasks: [] };
    await sql.$executeRaw`INSERT INTO dag (dag_id, fileloc, serialized, serialized_hash, updated_at) VALUES ('d', 'f.ts', ${JSON.stringify(dag)}::jsonb, 'h1', now())`;
    counted = new Proxy(db, {
      get(target, key, receiver) {
        if (key !== 'dag') return Reflect.get(target, key, receiver);
        return {
          findMany: (args: Parameters<Db['dag']['findMany']>[0]) => {
            reads++;
            return target.dag.findMany(args);
          },
        };
      },
    });
  });
  afterAll(async () => {
    await db?.$disconnect();
    await sql?.end();
    await database?.drop();
  });

  it('answers lookups that arrive during a read with that read', async () => {
    const catalog = new DagCatalog(counted, 60_000);
    reads = 0;
    const entries = await Promise.all([
      catalog.get('d'),
      catalog.get('d'),
      catalog.getMany(['d', 'd']),
      catalog.get('d'),
    ]);
    // One read of the flags and hash, one of the serialized DAG: not one pair per lookup.
    expect(reads).toBe(2);
    expect(entries[0]?.fileloc).toBe('f.ts');
    expect(entries[1]).toBe(entries[0]);
    expect((entries[2] as Map<string, unknown>).get('d')).toBe(entries[0]);
    expect(await catalog.get('missing')).toBeUndefined();
  });

  it('reads again after invalidate, even while an older read is in flight', async () => {
    const catalog = new DagCatalog(counted, 60_000);
    const first = catalog.get('d');
    await sql.$executeRaw`UPDATE dag SET is_paused = true WHERE dag_id = 'd'`;
    catalog.invalidate('d');
    const second = await catalog.get('d');
    await first;
    expect(second?.isPaused).toBe(true);
    await sql.$executeRaw`UPDATE dag SET is_paused = false WHERE dag_id = 'd'`;
  });
});
