import { createRawSql, type RawSqlPool } from '@weir/db';
import { createTestDatabase, type TestDatabase } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, ensureInitialAdmin, Users } from './index.ts';

describe('audit and the initial admin', () => {
  let database: TestDatabase;
  let sql: RawSqlPool;
  beforeAll(async () => {
    database = await createTestDatabase();
    sql = createRawSql(database.url);
  });
  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  it('writes audit rows with actor, action, target, details and source', async () => {
    const at = new Date('2026-05-01T12:00:00Z');
    await audit(sql, {
      actor: 'nina',
      action: 'dag.trigger',
      dagId: 'etl',
      runId: 'manual__2026-05-01T12:00:00+00:00',
      details: { conf: { a: 1 } },
      source: '10.1.2.3',
      at,
    });
    await audit(sql, { actor: 'root', action: 'token.revoke', details: { tokenId: 4 }, source: 'cli' });
    const rows = await sql.$queryRaw<Record<string, unknown>[]>`
      SELECT actor, action, dag_id, run_id, task_id, details, source, at FROM audit_log ORDER BY id`;
    expect(rows).toEqual([
      {
        actor: 'nina',
        action: 'dag.trigger',
        dag_id: 'etl',
        run_id: 'manual__2026-05-01T12:00:00+00:00',
        task_id: null,
        details: { conf: { a: 1 } },
        source: '10.1.2.3',
        at,
      },
      {
        actor: 'root',
        action: 'token.revoke',
        dag_id: null,
        run_id: null,
        task_id: null,
        details: { tokenId: 4 },
        source: 'cli',
        at: expect.any(Date),
      },
    ]);
  });

  it('creates admin with a random password once, when there are no users, and never again', async () => {
    const [first, concurrent] = await Promise.all([ensureInitialAdmin(sql), ensureInitialAdmin(sql)]);
    const created = first ?? concurrent;
    expect([first, concurrent].filter((c) => c !== null)).toHaveLength(1);
    expect(created?.username).toBe('admin');
    expect(created?.password.length).toBeGreaterThanOrEqual(20);
    const users = new Users(sql);
    expect(await users.verifyLogin('admin', created?.password ?? '')).toMatchObject({ role: 'admin' });
    expect(await ensureInitialAdmin(sql)).toBeNull();
    expect((await users.list()).map((u) => u.username)).toEqual(['admin']);
    const [row] = await sql.$queryRaw<{ actor: string; details: unknown }[]>`
      SELECT actor, details FROM audit_log WHERE action = 'user.create'`;
    expect(row).toEqual({
      actor: 'weir standalone',
      details: { username: 'admin', role: 'admin', initial: true },
    });
    expect(JSON.stringify(row)).not.toContain(created?.password);
  });

  it('creates nobody when users exist, even if none is named admin', async () => {
    const other = await createTestDatabase();
    const otherSql = createRawSql(other.url);
    try {
      await new Users(otherSql).create({ username: 'owen', password: 'owen-password', role: 'viewer' });
      expect(await ensureInitialAdmin(otherSql)).toBeNull();
    } finally {
      await otherSql.end();
      await other.drop();
    }
  });
});
