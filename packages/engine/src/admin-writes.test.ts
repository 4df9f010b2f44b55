// The writes behind the admin pages and the REST API, against a real PostgreSQL: creating a
// variable refuses a taken key and an edit keeps what it leaves out; a connection edit keeps its
// sealed password unless given a new one (no key needed to change the rest); deleting pools
// refuses the default pool and busy ones; pools count running and queued slots apart; the audit
// log pages newest first by id with actor and action (or noun) filters.
import { audit } from '@weir/auth';
import { createDb, createRawSql, type Db, type RawSqlPool } from '@weir/db';
import { createTestDatabase, TEST_SECRET_KEY, type TestDatabase } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionStore, connectionBox } from './connections.ts';
import { deletePool, listPools, setPool } from './pools.ts';
import { pageAuditLog } from './read-model/audit-log.ts';
import { createVariable, getVariable, updateVariable } from './variables.ts';

describe('admin writes', () => {
  let database: TestDatabase;
  let db: Db;
  let sql: RawSqlPool;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDb(database.url);
    sql = createRawSql(database.url);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await sql?.end();
    await database?.drop();
  });

  it('creates a variable once, and an edit changes only what it gives', async () => {
    await createVariable(db, 'api_token', 'tok-1', 'the API');
    await expect(createVariable(db, 'api_token', 'tok-2')).rejects.toMatchObject({ code: 'VARIABLE_EXISTS' });
    expect((await getVariable(db, 'api_token'))?.value).toBe('tok-1');
    await updateVariable(db, 'api_token', { description: 'rotated' });
    expect(await getVariable(db, 'api_token')).toMatchObject({ value: 'tok-1', description: 'rotated' });
    await updateVariable(db, 'api_token', { value: { n: 2 } });
    expect(await getVariable(db, 'api_token')).toMatchObject({ value: { n: 2 }, description: 'rotated' });
    await expect(updateVariable(db, 'nope', { value: 1 })).rejects.toMatchObject({
      code: 'VARIABLE_NOT_FOUND',
    });
    await expect(createVariable(db, 'bad key', 1)).rejects.toMatchObject({ code: 'INVALID_VARIABLE' });
  });

  it('edits a connection without opening its secrets, and seals a new password', async () => {
    const sealed = new ConnectionStore(db, connectionBox(TEST_SECRET_KEY));
    const fields = { id: 'wh', type: 'postgres', host: 'a', port: 5432, login: 'u', schema: null };
    await sealed.add({ ...fields, password: 'first-pass', extra: { api_key: 'k-1' } });
    await expect(sealed.add({ ...fields, password: null, extra: {} })).rejects.toMatchObject({
      code: 'CONNECTION_EXISTS',
    });
    // Without the key: the non-secret fields change, the sealed ones stay as they were.
    const keyless = new ConnectionStore(db, undefined);
    expect(await keyless.update('wh', { host: 'b', port: null })).toMatchObject({
      host: 'b',
      port: null,
      hasPassword: true,
      hasExtra: true,
    });
    expect(await sealed.get('wh')).toMatchObject({
      host: 'b',
      password: 'first-pass',
      extra: { api_key: 'k-1' },
    });
    await expect(keyless.update('wh', { password: 'second-pass' })).rejects.toMatchObject({
      code: 'NO_SECRET_KEY',
    });
    await sealed.update('wh', { password: 'second-pass', extra: null });
    expect(await sealed.get('wh')).toMatchObject({ password: 'second-pass', extra: {} });
    expect(await keyless.update('wh', { password: null })).toMatchObject({ hasPassword: false });
    await expect(keyless.update('nope', { host: 'x' })).rejects.toMatchObject({
      code: 'CONNECTION_NOT_FOUND',
    });
    await expect(keyless.update('wh', { port: 70000 })).rejects.toMatchObject({ code: 'INVALID_CONNECTION' });
  });

  it('counts running and queued pool slots apart, and deletes only idle, non-default pools', async () => {
    const now = new Date();
    await setPool(db, { name: 'narrow', slots: 3 }, now);
    await db.dag.create({
      data: { dagId: 'd', fileloc: 'd.ts', serialized: {}, serializedHash: 'h' },
    });
    const run = await db.dagRun.create({
      data: { dagId: 'd', runId: 'r1', runType: 'manual', logicalDate: now, state: 'running', queuedAt: now },
    });
    for (const [taskId, state, poolSlots] of [
      ['t1', 'running', 2],
      ['t2', 'queued', 1],
      ['t3', 'scheduled', 1],
    ] as const)
      await db.taskInstance.create({
        data: {
          dagRunId: run.id,
          dagId: 'd',
          runId: 'r1',
          taskId,
          mapIndex: -1,
          state,
          pool: 'narrow',
          poolSlots,
        },
      });
    expect((await listPools(db)).find((p) => p.name === 'narrow')).toMatchObject({
      slots: 3,
      used: 3,
      running: 2,
      queued: 1,
    });
    await expect(deletePool(db, 'narrow', now)).rejects.toMatchObject({ code: 'POOL_IN_USE' });
    await expect(deletePool(db, 'default', now)).rejects.toMatchObject({ code: 'POOL_IN_USE' });
    await expect(deletePool(db, 'nope', now)).rejects.toMatchObject({ code: 'POOL_NOT_FOUND' });
    await db.taskInstance.updateMany({ where: { pool: 'narrow' }, data: { state: 'success' } });
    await deletePool(db, 'narrow', now);
    expect((await listPools(db)).map((p) => p.name)).not.toContain('narrow');
  });

  it('pages the audit log newest first, filtered by actor and by action or noun', async () => {
    for (const [actor, action] of [
      ['ada', 'variable.create'],
      ['bob', 'variable.delete'],
      ['ada', 'pool.set'],
      ['ada', 'variable.update'],
      ['ada', 'variables.import'],
    ])
      await audit(sql, {
        actor: actor as string,
        action: action as string,
        details: { n: 1 },
        source: 'test',
      });
    const first = await pageAuditLog(db, { limit: 2 });
    expect(first.items.map((e) => e.action)).toEqual(['variables.import', 'variable.update']);
    expect(first.totalEntries).toBe(5);
    const second = await pageAuditLog(db, { limit: 2, before: first.next?.id as number });
    expect(second.items.map((e) => e.action)).toEqual(['pool.set', 'variable.delete']);
    const last = await pageAuditLog(db, { limit: 2, before: second.next?.id as number });
    expect(last.items.map((e) => e.action)).toEqual(['variable.create']);
    expect(last.next).toBeNull();
    const adaVariables = await pageAuditLog(db, { actor: 'ada', action: 'variable', limit: 10 });
    // A noun matches its own verbs, not a longer noun that starts alike (variables.import).
    expect(adaVariables.items.map((e) => e.action)).toEqual(['variable.update', 'variable.create']);
    expect(adaVariables.totalEntries).toBe(2);
    expect((await pageAuditLog(db, { action: 'pool.set', limit: 10 })).items).toEqual([
      expect.objectContaining({ actor: 'ada', details: { n: 1 }, source: 'test' }),
    ]);
  });
});
