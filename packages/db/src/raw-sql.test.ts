// The raw-SQL pool against a real PostgreSQL: a connection lost in the middle of a transaction
// rejects that transaction (it does not end the process), and the pool goes on with new ones.
import { createTestDatabase, type TestDatabase } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRawSql, type RawSqlPool } from './raw-sql.ts';

describe('createRawSql', () => {
  let database: TestDatabase;
  let sql: RawSqlPool;
  let admin: RawSqlPool;
  beforeAll(async () => {
    database = await createTestDatabase();
    sql = createRawSql(database.url);
    admin = createRawSql(database.url);
  });
  afterAll(async () => {
    await sql?.end();
    await admin?.end();
    await database?.drop();
  });

  it('rejects a transaction whose connection is terminated, then serves the next one', async () => {
    const transaction = sql.$transaction(async (tx) => {
      const [me] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
      await admin.$queryRaw`SELECT pg_terminate_backend(${me?.pid}::int)`;
      await new Promise((r) => setTimeout(r, 200)); // the 'error' event arrives while idle in the transaction
      await tx.$queryRaw`SELECT 1`;
    });
    await expect(transaction).rejects.toThrow();
    const [row] = await sql.$queryRaw<{ n: number }[]>`SELECT 1 AS n`;
    expect(row?.n).toBe(1);
  });
});
