import { createRawSql, type RawSqlPool } from '@weir/db';
import { createTestDatabase, type TestDatabase } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTokens, AuthError, type Principal, Users } from './index.ts';

describe('ApiTokens', () => {
  let database: TestDatabase;
  let sql: RawSqlPool;
  let users: Users;
  let tokens: ApiTokens;
  let gail: number;
  let hank: number;
  let now = new Date('2026-04-01T00:00:00Z');
  beforeAll(async () => {
    database = await createTestDatabase();
    sql = createRawSql(database.url);
    users = new Users(sql);
    tokens = new ApiTokens(sql, () => now);
    gail = (await users.create({ username: 'gail', password: 'gail-password', role: 'operator' })).id;
    hank = (await users.create({ username: 'hank', password: 'hank-password', role: 'admin' })).id;
  });
  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (error: unknown) => (error instanceof AuthError ? error.code : String(error)),
    );

  it('creates a token shown once and stored only as its hash', async () => {
    const created = await tokens.create({ userId: gail, name: 'ci', createdBy: 'gail' });
    expect(created.token).toMatch(/^weir_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.token.slice(0, 12));
    expect(created.role).toBe('operator');
    const rows = await sql.$queryRaw<
      Record<string, unknown>[]
    >`SELECT * FROM api_token WHERE id = ${created.id}`;
    expect(JSON.stringify(rows)).not.toContain(created.token);
    expect(JSON.stringify(rows)).not.toContain(created.token.slice(12));
    expect(await tokens.authenticate(`Bearer ${created.token}`)).toEqual({
      userId: gail,
      username: 'gail',
      role: 'operator',
      via: 'token',
      tokenId: created.id,
    });
    expect(await tokens.authenticate(created.token)).toMatchObject({ tokenId: created.id });
  });

  it("refuses a role above the owner's", async () => {
    await expect(
      tokens.create({ userId: gail, name: 'too much', role: 'admin', createdBy: 'hank' }),
    ).rejects.toThrow('a token of gail can have at most their role (operator), not admin');
    const viewer = await tokens.create({
      userId: gail,
      name: 'read only',
      role: 'viewer',
      createdBy: 'gail',
    });
    expect((await tokens.authenticate(viewer.token))?.role).toBe('viewer');
    expect(await codeOf(tokens.create({ userId: gail, name: ' ', createdBy: 'gail' }))).toBe(
      'INVALID_TOKEN_NAME',
    );
    expect(await codeOf(tokens.create({ userId: 999_999, name: 'x', createdBy: 'gail' }))).toBe(
      'USER_NOT_FOUND',
    );
  });

  it("caps a token's role by its owner's current role, and stops it when the owner is deactivated", async () => {
    const ops = await tokens.create({ userId: hank, name: 'ops', role: 'operator', createdBy: 'hank' });
    const full = await tokens.create({ userId: hank, name: 'full', createdBy: 'hank' });
    expect((await tokens.authenticate(full.token))?.role).toBe('admin');
    await users.setRole('gail', 'admin'); // someone else stays admin
    await users.setRole('hank', 'viewer');
    expect((await tokens.authenticate(full.token))?.role).toBe('viewer');
    expect((await tokens.authenticate(ops.token))?.role).toBe('viewer');
    await users.deactivate('hank');
    expect(await tokens.authenticate(full.token)).toBeNull();
    await users.activate('hank');
    await users.setRole('hank', 'admin');
    expect((await tokens.authenticate(full.token))?.role).toBe('admin');
    expect((await tokens.authenticate(ops.token))?.role).toBe('operator');
  });

  it('refuses revoked, expired and unknown tokens', async () => {
    const revoked = await tokens.create({ userId: gail, name: 'old', createdBy: 'gail' });
    const gailPrincipal: Principal = { userId: gail, username: 'gail', role: 'admin', via: 'session' };
    expect((await tokens.revoke(revoked.id, gailPrincipal)).revokedAt).toEqual(now);
    expect(await tokens.authenticate(revoked.token)).toBeNull();
    expect(await codeOf(tokens.revoke(revoked.id, 'cli'))).toBe('TOKEN_REVOKED');
    expect(await codeOf(tokens.revoke(123_456, 'cli'))).toBe('TOKEN_NOT_FOUND');

    const expiring = await tokens.create({
      userId: gail,
      name: 'a day',
      createdBy: 'gail',
      expiresAt: new Date(now.getTime() + 86_400_000),
    });
    expect(await tokens.authenticate(expiring.token)).not.toBeNull();
    now = new Date(now.getTime() + 86_400_000);
    expect(await tokens.authenticate(expiring.token)).toBeNull();
    expect(
      await codeOf(tokens.create({ userId: gail, name: 'past', createdBy: 'gail', expiresAt: now })),
    ).toBe('INVALID_EXPIRY');

    expect(await tokens.authenticate(`weir_${'A'.repeat(43)}`)).toBeNull();
    expect(await tokens.authenticate('Bearer something-else')).toBeNull();
    expect(await tokens.authenticate(undefined)).toBeNull();
  });

  it("lets a user revoke their own tokens, an admin anyone's, and no one else", async () => {
    await users.create({ username: 'ivan', password: 'ivan-password', role: 'operator' });
    const ivan = (await users.get('ivan'))?.id ?? 0;
    const mine = await tokens.create({ userId: ivan, name: 'mine', createdBy: 'ivan' });
    const gails = await tokens.create({ userId: gail, name: 'gails', createdBy: 'gail' });
    const ivanPrincipal: Principal = { userId: ivan, username: 'ivan', role: 'operator', via: 'token' };
    expect(await codeOf(tokens.revoke(gails.id, ivanPrincipal))).toBe('FORBIDDEN');
    expect(await codeOf(tokens.revoke(mine.id, ivanPrincipal))).toBe('resolved');
    const admin: Principal = { userId: hank, username: 'hank', role: 'admin', via: 'session' };
    expect(await codeOf(tokens.revoke(gails.id, admin))).toBe('resolved');
  });

  it('lists tokens newest first, per user or all, with when each was last used', async () => {
    const used = await tokens.create({ userId: gail, name: 'used', createdBy: 'cli:root' });
    now = new Date(now.getTime() + 1_000);
    await tokens.authenticate(used.token);
    const list = await tokens.list(gail);
    expect(list.every((t) => t.userId === gail)).toBe(true);
    expect(list[0]).toMatchObject({
      id: used.id,
      username: 'gail',
      name: 'used',
      prefix: used.prefix,
      role: 'admin',
      createdBy: 'cli:root',
      lastUsedAt: now,
      revokedAt: null,
    });
    expect(JSON.stringify(list)).not.toContain(used.token);
    const all = await tokens.list();
    expect(new Set(all.map((t) => t.username))).toEqual(new Set(['gail', 'hank', 'ivan']));
    // Used again within a minute: last_used_at is not written again.
    const first = now;
    now = new Date(now.getTime() + 30_000);
    await tokens.authenticate(used.token);
    expect((await tokens.get(used.id))?.lastUsedAt).toEqual(first);
  });
});
