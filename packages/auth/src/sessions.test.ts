import { createRawSql, type RawSqlPool } from '@weir/db';
import { createTestDatabase, type TestDatabase } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkCsrf,
  clearSessionCookieHeader,
  type Principal,
  SESSION_COOKIE,
  Sessions,
  sessionCookieFrom,
  sessionCookieHeader,
  Users,
} from './index.ts';

const KEY = 'sessions-test-secret-key-0123456789';
const HOUR = 3_600_000;

describe('Sessions', () => {
  let database: TestDatabase;
  let sql: RawSqlPool;
  let userId: number;
  let now = new Date('2026-03-01T08:00:00Z');
  const clock = () => now;
  let sessions: Sessions;
  beforeAll(async () => {
    database = await createTestDatabase();
    sql = createRawSql(database.url);
    userId = (await new Users(sql).create({ username: 'erin', password: 'erin-password', role: 'operator' }))
      .id;
    sessions = new Sessions(sql, KEY, { clock });
  });
  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  it('creates a session the cookie reads back as its user, with its CSRF token', async () => {
    const created = await sessions.create(userId, '127.0.0.1 vitest');
    expect(created.cookie).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(created.expiresAt).toEqual(new Date(now.getTime() + 12 * HOUR));
    expect(await sessions.read(created.cookie)).toEqual({
      userId,
      username: 'erin',
      role: 'operator',
      via: 'session',
      csrfToken: created.csrfToken,
    });
    const [row] = await sql.$queryRaw<{ source: string; csrf_token: string }[]>`
      SELECT source, csrf_token FROM web_session WHERE user_id = ${userId}`;
    expect(row).toEqual({ source: '127.0.0.1 vitest', csrf_token: created.csrfToken });
  });

  it('refuses a tampered, unsigned, foreign-key-signed or missing cookie', async () => {
    const { cookie } = await sessions.create(userId, 'test');
    const [id, signature] = cookie.split('.') as [string, string];
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
    expect(await sessions.read(`${id}.${flipped}`)).toBeNull();
    expect(await sessions.read(id)).toBeNull();
    expect(await sessions.read(`${id}.`)).toBeNull();
    expect(await sessions.read(undefined)).toBeNull();
    expect(await sessions.read('')).toBeNull();
    const other = new Sessions(sql, 'another-secret-key-9876543210abcdef', { clock });
    expect(await other.read(cookie)).toBeNull();
    // The same id signed again with the right key is accepted: only the signature was wrong.
    expect(await sessions.read(cookie)).not.toBeNull();
  });

  it('expires after the TTL without use, and slides with use at most once a minute', async () => {
    now = new Date('2026-03-02T08:00:00Z');
    const short = new Sessions(sql, KEY, { clock, ttlMs: HOUR });
    const { cookie } = await short.create(userId, 'test');
    now = new Date(now.getTime() + 30_000);
    const soon = await short.read(cookie);
    expect(soon?.renewedUntil).toBeUndefined();
    now = new Date(now.getTime() + 40 * 60_000);
    const later = await short.read(cookie);
    expect(later?.renewedUntil).toEqual(new Date(now.getTime() + HOUR));
    // 59 minutes after that last use it is still valid (the expiry slid); 61 minutes after, gone.
    now = new Date(now.getTime() + 59 * 60_000);
    expect(await short.read(cookie)).not.toBeNull();
    now = new Date(now.getTime() + 61 * 60_000);
    expect(await short.read(cookie)).toBeNull();
  });

  it('ends on destroy, and destroyAllFor ends every session of the user', async () => {
    const a = await sessions.create(userId, 'a');
    const b = await sessions.create(userId, 'b');
    await sessions.destroy(a.cookie);
    expect(await sessions.read(a.cookie)).toBeNull();
    expect(await sessions.read(b.cookie)).not.toBeNull();
    await sessions.destroy('not-a-cookie');
    expect(await sessions.destroyAllFor(userId)).toBeGreaterThan(0);
    expect(await sessions.read(b.cookie)).toBeNull();
  });

  it("refuses a deactivated user's session", async () => {
    const other = await new Users(sql).create({
      username: 'fred',
      password: 'fred-password',
      role: 'viewer',
    });
    const { cookie } = await sessions.create(other.id, 'test');
    // Deactivated behind Users' back: the session row is still there, and is refused anyway.
    await sql.$executeRaw`UPDATE "user" SET is_active = false WHERE id = ${other.id}`;
    expect(await sessions.read(cookie)).toBeNull();
  });

  it('needs a secret key to sign with', () => {
    expect(() => new Sessions(sql, '')).toThrow('WEIR_SECRET_KEY');
  });
});

describe('session cookie and CSRF', () => {
  it('sets the cookie HttpOnly, SameSite=Lax, for the whole site, Secure when asked', () => {
    const expiresAt = new Date('2026-03-01T20:00:00Z');
    expect(sessionCookieHeader('abc.def', { secure: false, expiresAt })).toBe(
      'weir_session=abc.def; Path=/; Expires=Sun, 01 Mar 2026 20:00:00 GMT; HttpOnly; SameSite=Lax',
    );
    expect(sessionCookieHeader('abc.def', { secure: true, expiresAt })).toMatch(/; Secure$/);
    expect(clearSessionCookieHeader({ secure: true })).toBe(
      'weir_session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax; Secure',
    );
    expect(SESSION_COOKIE).toBe('weir_session');
    expect(sessionCookieFrom('theme=dark; weir_session=abc.def; x=1')).toBe('abc.def');
    expect(sessionCookieFrom('theme=dark')).toBeUndefined();
    expect(sessionCookieFrom(null)).toBeUndefined();
  });

  it('asks sessions for their own CSRF token, and token principals for none', () => {
    const session: Principal = {
      userId: 1,
      username: 'u',
      role: 'admin',
      via: 'session',
      csrfToken: 'tok-123',
    };
    expect(checkCsrf(session, 'tok-123')).toBe(true);
    expect(checkCsrf(session, 'tok-124')).toBe(false);
    expect(checkCsrf(session, 'tok-1234')).toBe(false);
    expect(checkCsrf(session, null)).toBe(false);
    expect(checkCsrf(session, undefined)).toBe(false);
    expect(checkCsrf({ ...session, csrfToken: undefined }, '')).toBe(false);
    expect(checkCsrf({ userId: 1, username: 'u', role: 'admin', via: 'token', tokenId: 3 }, undefined)).toBe(
      true,
    );
  });
});
