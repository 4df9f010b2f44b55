// The SQL sensor against real PostgreSQL: done when the first cell of the first row is truthy,
// with that value as the output; a count of 0, NULL, false or no rows mean "not yet"; failures
// say whether the query was refused or the database could not be reached, without the password.
import { createTestDatabase, freePort, type TestDatabase } from '@weir/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TaskContext } from '../context.ts';
import { testContext } from '../test-context.ts';
import { sql } from './sql.ts';

function context(logicalDate = new Date('2026-03-04T00:00:00Z')): TaskContext {
  const line = () => {};
  return testContext({
    dagId: 'consumer',
    runId: 'manual__test',
    taskId: 'wait',
    logicalDate,
    dataIntervalStart: logicalDate,
    dataIntervalEnd: logicalDate,
    log: { debug: line, info: line, warn: line, error: line },
  });
}

describe('sql', () => {
  let database: TestDatabase;
  let client: pg.Client;
  let savedUrl: string | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('CREATE TABLE events (day date NOT NULL, n int NOT NULL)');
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });
  beforeEach(() => {
    savedUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = database.url;
  });
  afterEach(() => {
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
  });

  it("waits until the count for the logical date's day is not 0, and outputs it as a number", async () => {
    const poke = sql<number>({
      query: 'SELECT count(*) FROM events WHERE day = $1',
      params: (ctx) => [ctx.logicalDate.toISOString().slice(0, 10)],
    });
    await client.query(`INSERT INTO events VALUES ('2026-03-03', 1)`);
    expect(await poke(context())).toBe(false);
    await client.query(`INSERT INTO events VALUES ('2026-03-04', 1), ('2026-03-04', 2)`);
    expect(await poke(context())).toBe(2);
  });

  it('treats no rows, NULL, false, 0, a numeric 0 and an empty string as "not yet"', async () => {
    for (const query of [
      'SELECT 1 WHERE false',
      'SELECT NULL',
      'SELECT false',
      'SELECT 0',
      'SELECT 0.00::numeric',
      "SELECT ''",
      'SELECT 0 AS a, 1 AS a',
    ]) {
      expect(await sql({ query })(context()), query).toBe(false);
    }
  });

  it('outputs the first cell of the first row when it is truthy', async () => {
    expect(await sql({ query: 'SELECT true' })(context())).toBe(true);
    expect(await sql({ query: `SELECT 'ready', 'ignored' UNION ALL SELECT 'second', ''` })(context())).toBe(
      'ready',
    );
    expect(await sql({ query: 'SELECT 2.50::numeric' })(context())).toBe('2.50');
    expect(await sql({ query: `SELECT '{"rows": 7}'::jsonb` })(context())).toEqual({ rows: 7 });
  });

  it('takes query and params as functions of ctx, and sends dates as UTC', async () => {
    const savedTz = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const poke = sql({
        query: () => `SELECT $1::timestamp = '2026-03-04 00:00:00'::timestamp`,
        params: (ctx) => [ctx.logicalDate],
      });
      expect(await poke(context())).toBe(true);
    } finally {
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
    }
  });

  it('uses the url option over DATABASE_URL', async () => {
    process.env.DATABASE_URL = `postgresql://nobody@127.0.0.1:${await freePort()}/none`;
    expect(await sql({ query: 'SELECT current_database()', url: database.url })(context())).toBe(
      database.name,
    );
  });

  it('says when PostgreSQL refuses the query, with its SQLSTATE', async () => {
    await expect(sql({ query: 'SELECT * FROM no_such_table' })(context())).rejects.toMatchObject({
      code: 'QUERY_FAILED',
      message: expect.stringMatching(
        /refused the query: relation "no_such_table" does not exist \(SQLSTATE 42P01\)$/,
      ),
    });
  });

  it('says when the database cannot be reached, without showing the password', async () => {
    const url = `postgresql://weir:hunter2@127.0.0.1:${await freePort()}/weir`;
    const error = await sql({ query: 'SELECT 1', url })(context()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    expect((error as Error).message).toMatch(
      /^sensors\.sql: cannot query PostgreSQL at postgresql:\/\/weir:\*\*\*@127\.0\.0\.1:\d+\/weir: .*ECONNREFUSED/,
    );
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('says which variable is missing when there is neither url nor DATABASE_URL', async () => {
    delete process.env.DATABASE_URL;
    await expect(sql({ query: 'SELECT 1' })(context())).rejects.toMatchObject({
      code: 'SENSOR_MISCONFIGURED',
    });
    expect(() => sql({ query: 'SELECT 1', url: 'mysql://x' })).toThrow(/url must be a postgresql:\/\/ URL/);
  });
});
