// `weir schemas …` as users run it: the real `weir` process against a real database. A refused
// version prints its rule and path, exits non-zero and shows no stack; registering the same file
// again changes nothing; every change is in the audit log as the OS user, from 'cli'.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createRawSql, type RawSqlPool } from '@weir/db';
import { createTestDatabase, runWeir, type TestDatabase } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('weir schemas', { timeout: 300_000 }, () => {
  let database: TestDatabase;
  let sql: RawSqlPool;
  const dir = mkdtempSync(join(tmpdir(), 'weir-schemas-'));
  const file = (name: string, schema: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(schema));
    return path;
  };
  const weir = (args: string[]) => runWeir(['schemas', ...args], { DATABASE_URL: database.url }, 120_000);

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = createRawSql(database.url);
  });
  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  const v1 = { type: 'object', properties: { plan: { type: 'string' } }, additionalProperties: false };
  const v2 = { ...v1, properties: { plan: { type: 'string' }, coupon: { type: 'string' } } };

  it('registers versions, answers the same file with its version, and shows and lists them', async () => {
    const first = await weir(['register', 'checkout', file('v1.json', v1)]);
    expect([first.code, first.stdout, first.stderr]).toEqual([
      0,
      'registered checkout version 1 (compatibility BACKWARD)\n',
      '',
    ]);
    const second = await weir(['register', 'checkout', file('v2.json', v2), '--json']);
    expect(JSON.parse(second.stdout)).toMatchObject({ eventType: 'checkout', version: 2, created: true });
    const again = await weir(['register', 'checkout', join(dir, 'v1.json')]);
    expect(again.stdout).toBe('checkout already has this schema as version 1: nothing registered\n');

    const shown = await weir(['show', 'checkout', '--version', '1']);
    expect(JSON.parse(shown.stdout)).toEqual(v1);
    expect(shown.stderr).toContain('checkout version 1 (sha256:');
    const latest = await weir(['show', 'checkout', '--json']);
    expect(JSON.parse(latest.stdout)).toMatchObject({
      version: 2,
      schema: v2,
      createdBy: userInfo().username,
    });
    const list = await weir(['list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({
        eventType: 'checkout',
        compatibility: 'BACKWARD',
        versions: 2,
        latestVersion: 2,
      }),
    ]);
  });

  it('refuses an incompatible version with its rule and path, exiting 1 without a stack', async () => {
    // v2's model is closed: dropping coupon again would refuse events that carry it.
    const dropped = await weir(['register', 'checkout', file('v3.json', { ...v1, title: 'no coupon' })]);
    expect(dropped.code).toBe(1);
    expect(dropped.stdout).toBe('');
    expect(dropped.stderr).toContain('weir: refused: the schema is not BACKWARD compatible with version 2\n');
    expect(dropped.stderr).toContain('  rule: PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL\n');
    expect(dropped.stderr).toContain('  path: #/properties/coupon\n');
    expect(dropped.stderr).not.toMatch(/\n\s+at /);

    const invalid = await weir([
      'register',
      'checkout',
      file('bad.json', { type: 'object', properties: { a: { type: 'text' } } }),
    ]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^weir: schema for "checkout" refused: not a valid JSON Schema 2020-12/);
    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '{ "type": ');
    expect((await weir(['register', 'checkout', notJson])).stderr).toContain('is not valid JSON');
  });

  it('gets and sets the compatibility mode, and registers with one', async () => {
    expect((await weir(['compatibility', 'checkout'])).stdout).toBe('checkout: BACKWARD\n');
    const bad = await weir(['compatibility', 'checkout', 'SIDEWAYS']);
    expect([bad.code, bad.stderr]).toEqual([
      2,
      expect.stringContaining('use one of BACKWARD, BACKWARD_TRANSITIVE'),
    ]);
    expect((await weir(['compatibility', 'checkout', 'none'])).stdout).toBe('checkout: NONE (set)\n');
    const registered = await weir(['register', 'checkout', join(dir, 'v3.json'), '--json']);
    expect(JSON.parse(registered.stdout)).toMatchObject({ version: 3, compatibility: 'NONE' });
    const withMode = await weir([
      'register',
      'signup',
      file('s.json', v1),
      '--compatibility',
      'FULL_TRANSITIVE',
    ]);
    expect(withMode.stdout).toBe('registered signup version 1 (compatibility FULL_TRANSITIVE)\n');
    expect(JSON.parse((await weir(['compatibility', 'signup', '--json'])).stdout)).toEqual({
      eventType: 'signup',
      compatibility: 'FULL_TRANSITIVE',
    });
    const missing = await weir(['show', 'nothing']);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining('has no registered schema')]);
  });

  it('audits every change as the OS user from the CLI', async () => {
    const rows = await sql.$queryRaw<
      { action: string; actor: string; source: string; details: Record<string, unknown> }[]
    >`
      SELECT action, actor, source, details FROM audit_log ORDER BY id`;
    expect(
      rows.map((r) => [r.action, r.details.eventType, r.details.version ?? r.details.compatibility]),
    ).toEqual([
      ['schema.register', 'checkout', 1],
      ['schema.register', 'checkout', 2],
      ['schema.compatibility', 'checkout', 'NONE'],
      ['schema.register', 'checkout', 3],
      ['schema.register', 'signup', 1],
    ]);
    expect(rows.every((r) => r.actor === userInfo().username && r.source === 'cli')).toBe(true);
  });
});
