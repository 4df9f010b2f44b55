import { createRawSql, type RawSqlPool } from '@weir/db';
import { createTestDatabase, type TestDatabase } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, Sessions, Users, verifyPassword } from './index.ts';

const KEY = 'users-test-secret-key-0123456789';

describe('Users', () => {
  let database: TestDatabase;
  let sql: RawSqlPool;
  let users: Users;
  beforeAll(async () => {
    database = await createTestDatabase();
    sql = createRawSql(database.url);
    users = new Users(sql);
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

  it('creates users with a hashed password and lists them by username', async () => {
    const alice = await users.create({ username: 'alice', password: 'alice-password', role: 'operator' });
    await users.create({
      username: 'bob',
      password: 'bob-password',
      role: 'viewer',
      email: 'bob@example.com',
    });
    expect(alice).toMatchObject({ username: 'alice', role: 'operator', isActive: true, lastLoginAt: null });
    const listed = await users.list();
    expect(listed.map((u) => [u.username, u.role, u.email, u.isActive])).toEqual([
      ['alice', 'operator', null, true],
      ['bob', 'viewer', 'bob@example.com', true],
    ]);
    expect(await users.count()).toBe(2);
    const [row] = await sql.$queryRaw<{ password_hash: string }[]>`
      SELECT password_hash FROM "user" WHERE username = 'alice'`;
    expect(row?.password_hash).not.toContain('alice-password');
    expect(await verifyPassword('alice-password', row?.password_hash ?? '')).toBe(true);
  });

  it('refuses a taken username, a bad one, an unknown role and a weak password', async () => {
    expect(await codeOf(users.create({ username: 'alice', password: 'another-pw', role: 'viewer' }))).toBe(
      'USER_EXISTS',
    );
    expect(
      await codeOf(users.create({ username: 'with space', password: 'long-enough', role: 'viewer' })),
    ).toBe('INVALID_USERNAME');
    expect(
      await codeOf(users.create({ username: 'carol', password: 'long-enough', role: 'root' as 'admin' })),
    ).toBe('INVALID_ROLE');
    await expect(users.create({ username: 'carol', password: 'short', role: 'viewer' })).rejects.toThrow(
      'a password needs at least 8 characters',
    );
    expect(await users.get('carol')).toBeNull();
  });

  it('verifies logins: the right password of an active user, recording when', async () => {
    expect(await users.verifyLogin('alice', 'wrong-password')).toBeNull();
    expect(await users.verifyLogin('nobody', 'alice-password')).toBeNull();
    const login = await users.verifyLogin('alice', 'alice-password');
    expect(login).toEqual({ userId: expect.any(Number), username: 'alice', role: 'operator' });
    expect((await users.get('alice'))?.lastLoginAt).toBeInstanceOf(Date);
  });

  it('refuses the login of a deactivated user until activated again', async () => {
    const sessions = new Sessions(sql, KEY);
    const bob = await users.get('bob');
    const session = await sessions.create(bob?.id ?? 0, 'test');
    expect(await users.deactivate('bob')).toMatchObject({ changed: true, user: { isActive: false } });
    expect(await users.verifyLogin('bob', 'bob-password')).toBeNull();
    // Deactivating ended the session.
    const [left] = await sql.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM web_session WHERE user_id = ${bob?.id}`;
    expect(left?.n).toBe(0);
    expect(await sessions.read(session.cookie)).toBeNull();
    expect((await users.deactivate('bob')).changed).toBe(false);
    expect((await users.activate('bob')).changed).toBe(true);
    expect(await users.verifyLogin('bob', 'bob-password')).toMatchObject({ username: 'bob' });
  });

  it('changes roles, ending the sessions signed in with the old one', async () => {
    const sessions = new Sessions(sql, KEY);
    const alice = await users.get('alice');
    const session = await sessions.create(alice?.id ?? 0, 'test');
    expect((await sessions.read(session.cookie))?.role).toBe('operator');
    const changed = await users.setRole('alice', 'admin');
    expect([changed.previous, changed.user.role]).toEqual(['operator', 'admin']);
    expect(await sessions.read(session.cookie)).toBeNull();
    expect(await codeOf(users.setRole('nobody', 'viewer'))).toBe('USER_NOT_FOUND');
  });

  it('never leaves no active admin: the last one cannot be demoted or deactivated', async () => {
    // alice is the only admin now.
    expect(await codeOf(users.setRole('alice', 'viewer'))).toBe('LAST_ADMIN');
    await expect(users.deactivate('alice')).rejects.toThrow(
      'deactivating "alice" would leave no active admin: make another user admin first',
    );
    await users.setRole('bob', 'admin');
    // Two at once: one of them must be refused.
    const results = await Promise.all([codeOf(users.deactivate('alice')), codeOf(users.deactivate('bob'))]);
    expect(results.sort()).toEqual(['LAST_ADMIN', 'resolved']);
    const active = (await users.list()).filter((u) => u.role === 'admin' && u.isActive);
    expect(active).toHaveLength(1);
  });

  it('sets a new password, which ends the sessions and replaces the old one', async () => {
    await users.create({ username: 'dora', password: 'first-password', role: 'viewer' });
    const sessions = new Sessions(sql, KEY);
    const dora = await users.get('dora');
    const session = await sessions.create(dora?.id ?? 0, 'test');
    await users.setPassword('dora', 'second-password');
    expect(await sessions.read(session.cookie)).toBeNull();
    expect(await users.verifyLogin('dora', 'first-password')).toBeNull();
    expect(await users.verifyLogin('dora', 'second-password')).toMatchObject({ username: 'dora' });
    expect(await codeOf(users.setPassword('dora', 'short'))).toBe('WEAK_PASSWORD');
  });
});
