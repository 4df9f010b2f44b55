// Owns browser sessions: a row in web_session per sign-in, named by a random id the cookie
// carries signed (HMAC-SHA256 under a key derived from WEIR_SECRET_KEY for this purpose alone),
// so a guessed or altered cookie is refused before the database is asked. Expiry slides with use;
// deleting the row (logout, deactivation, a new role or password) ends the session everywhere.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RawSql } from '@weir/db';
import { deriveKey } from '@weir/secrets';
import { type Clock, systemClock } from './clock.ts';
import type { Principal } from './principal.ts';
import type { Role } from './roles.ts';

export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** How often a used session's expiry (and last_seen_at) is written: at most once a minute. */
const SLIDE_EVERY_MS = 60 * 1000;

export interface SessionOptions {
  /** How long a session lasts after its last use (sliding); 12 hours by default. */
  readonly ttlMs?: number;
  readonly clock?: Clock;
}

export interface CreatedSession {
  /** The cookie's value: `${id}.${signature}`. */
  readonly cookie: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export class Sessions {
  private readonly key: Buffer;
  private readonly ttlMs: number;
  private readonly clock: Clock;

  constructor(
    private readonly sql: RawSql,
    secretKey: string,
    options: SessionOptions = {},
  ) {
    if (!secretKey) throw new Error('Sessions need WEIR_SECRET_KEY to sign their cookies');
    this.key = deriveKey(secretKey, 'weir/web-sessions');
    this.ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
    this.clock = options.clock ?? systemClock;
  }

  /** A new session for a user who has just proved who they are; `source` is their IP and user agent. */
  async create(userId: number, source: string): Promise<CreatedSession> {
    const id = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    // Sign-ins are rare: a good moment to forget sessions nobody ended.
    await this.sql.$executeRaw`DELETE FROM web_session WHERE expires_at <= ${now}`;
    await this.sql.$executeRaw`
      INSERT INTO web_session (id, user_id, csrf_token, created_at, expires_at, last_seen_at, source)
      VALUES (${id}, ${userId}, ${csrfToken}, ${now}, ${expiresAt}, ${now}, ${source.slice(0, 500)})`;
    return { cookie: `${id}.${this.sign(id)}`, csrfToken, expiresAt };
  }

  /** Who the cookie belongs to, or null: bad signature, no such session, expired, user inactive. */
  async read(cookie: string | undefined): Promise<Principal | null> {
    const id = this.verify(cookie);
    if (id === null) return null;
    const rows = await this.sql.$queryRaw<
      {
        user_id: number;
        username: string;
        role: Role;
        is_active: boolean;
        csrf_token: string;
        expires_at: Date;
        last_seen_at: Date;
      }[]
    >`
      SELECT s.user_id, u.username, u.role::text AS role, u.is_active, s.csrf_token, s.expires_at, s.last_seen_at
      FROM web_session s JOIN "user" u ON u.id = s.user_id
      WHERE s.id = ${id}`;
    const row = rows[0];
    if (!row) return null;
    const now = this.clock();
    if (row.expires_at.getTime() <= now.getTime()) {
      await this.sql.$executeRaw`DELETE FROM web_session WHERE id = ${id}`;
      return null;
    }
    if (!row.is_active) return null;
    const principal: Principal = {
      userId: row.user_id,
      username: row.username,
      role: row.role,
      via: 'session',
      csrfToken: row.csrf_token,
    };
    if (now.getTime() - row.last_seen_at.getTime() < SLIDE_EVERY_MS) return principal;
    const renewedUntil = new Date(now.getTime() + this.ttlMs);
    await this.sql.$executeRaw`
      UPDATE web_session SET last_seen_at = ${now}, expires_at = ${renewedUntil} WHERE id = ${id}`;
    return { ...principal, renewedUntil };
  }

  /** Logs out: the session ends (a cookie that is not valid is ignored). */
  async destroy(cookie: string | undefined): Promise<void> {
    const id = this.verify(cookie);
    if (id !== null) await this.sql.$executeRaw`DELETE FROM web_session WHERE id = ${id}`;
  }

  /** Ends every session of the user (in every browser). */
  async destroyAllFor(userId: number): Promise<number> {
    return this.sql.$executeRaw`DELETE FROM web_session WHERE user_id = ${userId}`;
  }

  private sign(id: string): string {
    return createHmac('sha256', this.key).update(id).digest('base64url');
  }

  /** The session id a correctly signed cookie names, else null. */
  private verify(cookie: string | undefined): string | null {
    if (!cookie || cookie.length > 200) return null;
    const dot = cookie.lastIndexOf('.');
    if (dot <= 0) return null;
    const id = cookie.slice(0, dot);
    const presented = Buffer.from(cookie.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.sign(id), 'base64url');
    return presented.length === expected.length && timingSafeEqual(presented, expected) ? id : null;
  }
}
