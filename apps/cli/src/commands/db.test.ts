import { createEmptyDatabase, freePort, runWeir } from '@weir/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('weir db migrate', () => {
  let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
  beforeAll(async () => {
    database = await createEmptyDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('applies every migration once, then says there is nothing to apply', async () => {
    const first = await runWeir(['db', 'migrate'], { DATABASE_URL: database.url });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applied migration \d{14}_\w+/);

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const tables = await client.query(
      "select table_name from information_schema.tables where table_schema = 'public'",
    );
    const applied = await client.query(
      'select count(*)::int as n from _prisma_migrations where finished_at is not null',
    );
    await client.end();
    const names = tables.rows.map((r: { table_name: string }) => r.table_name);
    expect(names).toEqual(
      expect.arrayContaining(['dag', 'dag_run', 'task_instance', 'task_attempt', 'xcom', 'alert']),
    );

    const second = await runWeir(['db', 'migrate'], { DATABASE_URL: database.url });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`no pending migrations (${applied.rows[0].n} already applied)`);
  });

  it('names DATABASE_URL and the address when PostgreSQL does not answer', async () => {
    const port = await freePort();
    const result = await runWeir(['db', 'migrate'], {
      DATABASE_URL: `postgresql://postgres:s3cret@127.0.0.1:${port}/weir`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^weir: DATABASE_URL: cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port}/weir: .*ECONNREFUSED`,
      ),
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toContain('s3cret');
  });

  it('refuses a malformed DATABASE_URL with one line before connecting', async () => {
    const result = await runWeir(['db', 'migrate'], { DATABASE_URL: 'mysql://root@localhost/weir' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^weir: invalid configuration: DATABASE_URL must be a postgresql:\/\/ or postgres:\/\/ URL/,
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('weir health', () => {
  it('names REDIS_URL and the address when Redis does not answer', async () => {
    const port = await freePort();
    const result = await runWeir(['health'], {
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
      REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^weir: REDIS_URL: cannot connect to Redis at 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
