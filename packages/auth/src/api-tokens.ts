// Owns bearer tokens for the REST API: `weir_` and 32 random bytes, shown once at creation and
// stored only as their SHA-256 (the token is random, so a plain hash cannot be reversed by
// guessing; a slow hash would only slow every API call). A token has a role of its own, never
// above its owner's, and each use is capped by the owner's role at that moment, so demoting or
// deactivating a user narrows or stops their tokens at once.
import { createHash, randomBytes } from 'node:crypto';
import type { RawSql } from '@weir/db';
import { type Clock, systemClock } from './clock.ts';
import { AuthError } from './errors.ts';
import type { Principal } from './principal.ts';
import { can, lowerRole, type Role, roleAtMost } from './roles.ts';
import { assertRole } from './users.ts';

export const TOKEN_PREFIX = 'weir_';
/** How much of a token lists show: `weir_` and 7 characters, enough to tell tokens apart. */
const SHOWN_LENGTH = 12;
/** last_used_at is written at most once a minute per token. */
const TOUCH_EVERY_MS = 60 * 1000;

export interface NewApiToken {
  readonly userId: number;
  readonly name: string;
  /** Defaults to the owner's role. */
  readonly role?: Role;
  /** Who created it: a username, or `cli:<os user>`. */
  readonly createdBy: string;
  readonly expiresAt?: Date | null;
}

export interface CreatedApiToken {
  readonly id: number;
  /** The token itself: shown to the user once, never stored. */
  readonly token: string;
  readonly prefix: string;
  readonly role: Role;
  readonly expiresAt: Date | null;
}

export interface ApiTokenView {
  readonly id: number;
  readonly userId: number;
  readonly username: string;
  readonly name: string;
  readonly prefix: string;
  readonly role: Role;
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
}

/** The CLI acts with database access, so it may revoke any token. */
export type TokenActor = Principal | 'cli';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether `by` may create, list or revoke tokens owned by `ownerId`: their own, or with token.manage. */
export function mayManageTokensOf(by: TokenActor, ownerId: number): boolean {
  return by === 'cli' || by.userId === ownerId || can(by.role, 'token.manage');
}

export class ApiTokens {
  constructor(
    private readonly sql: RawSql,
    private readonly clock: Clock = systemClock,
  ) {}

  async create(request: NewApiToken): Promise<CreatedApiToken> {
    const name = request.name.trim();
    if (name === '' || name.length > 100)
      throw new AuthError(
        'INVALID_TOKEN_NAME',
        'a token needs a name of 1 to 100 characters (what it is for)',
      );
    if (request.role !== undefined) assertRole(request.role);
    const now = this.clock();
    const expiresAt = request.expiresAt ?? null;
    if (expiresAt && expiresAt.getTime() <= now.getTime())
      throw new AuthError('INVALID_EXPIRY', 'a token must expire in the future');
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const prefix = token.slice(0, SHOWN_LENGTH);
    return this.sql.$transaction(async (tx) => {
      // Locked so a concurrent demotion cannot slip between the check and the insert.
      const [owner] = await tx.$queryRaw<{ username: string; role: Role; is_active: boolean }[]>`
        SELECT username, role::text AS role, is_active FROM "user" WHERE id = ${request.userId} FOR SHARE`;
      if (!owner) throw new AuthError('USER_NOT_FOUND', `no user with id ${request.userId}`);
      const role = request.role ?? owner.role;
      if (!roleAtMost(role, owner.role))
        throw new AuthError(
          'ROLE_ABOVE_OWNER',
          `a token of ${owner.username} can have at most their role (${owner.role}), not ${role}`,
        );
      const [row] = await tx.$queryRaw<{ id: number }[]>`
        INSERT INTO api_token (user_id, name, prefix, token_hash, role, created_by, created_at, expires_at)
        VALUES (${request.userId}, ${name}, ${prefix}, ${hashToken(token)}, ${role}::"Role",
                ${request.createdBy}, ${now}, ${expiresAt})
        RETURNING id`;
      return { id: (row as { id: number }).id, token, prefix, role, expiresAt };
    });
  }

  /**
   * Who a bearer token (the Authorization header's value, or the token alone) acts as, or null:
   * unknown, revoked, expired, or its owner inactive. Its role is its own capped by the owner's.
   */
  async authenticate(bearer: string | undefined): Promise<Principal | null> {
    const token = bearer?.replace(/^Bearer\s+/i, '').trim();
    if (!token?.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
    const rows = await this.sql.$queryRaw<
      {
        id: number;
        user_id: number;
        username: string;
        role: Role;
        owner_role: Role;
        is_active: boolean;
        expires_at: Date | null;
        revoked_at: Date | null;
        last_used_at: Date | null;
      }[]
    >`
      SELECT t.id, t.user_id, u.username, t.role::text AS role, u.role::text AS owner_role, u.is_active,
             t.expires_at, t.revoked_at, t.last_used_at
      FROM api_token t JOIN "user" u ON u.id = t.user_id
      WHERE t.token_hash = ${hashToken(token)}`;
    const row = rows[0];
    const now = this.clock();
    if (!row || row.revoked_at !== null || !row.is_active) return null;
    if (row.expires_at !== null && row.expires_at.getTime() <= now.getTime()) return null;
    if (row.last_used_at === null || now.getTime() - row.last_used_at.getTime() >= TOUCH_EVERY_MS)
      await this.sql.$executeRaw`UPDATE api_token SET last_used_at = ${now} WHERE id = ${row.id}`;
    return {
      userId: row.user_id,
      username: row.username,
      role: lowerRole(row.role, row.owner_role),
      via: 'token',
      tokenId: row.id,
    };
  }

  /** Tokens (of one user, or all), newest first; never the token itself. */
  async list(userId?: number): Promise<ApiTokenView[]> {
    const rows = await this.sql.$queryRaw<TokenRow[]>`
      SELECT t.id, t.user_id, u.username, t.name, t.prefix, t.role::text AS role, t.created_by, t.created_at,
             t.last_used_at, t.expires_at, t.revoked_at
      FROM api_token t JOIN "user" u ON u.id = t.user_id
      WHERE ${userId ?? null}::int IS NULL OR t.user_id = ${userId ?? null}::int
      ORDER BY t.created_at DESC, t.id DESC`;
    return rows.map(tokenView);
  }

  async get(id: number): Promise<ApiTokenView | null> {
    const rows = await this.sql.$queryRaw<TokenRow[]>`
      SELECT t.id, t.user_id, u.username, t.name, t.prefix, t.role::text AS role, t.created_by, t.created_at,
             t.last_used_at, t.expires_at, t.revoked_at
      FROM api_token t JOIN "user" u ON u.id = t.user_id
      WHERE t.id = ${id}`;
    return rows[0] ? tokenView(rows[0]) : null;
  }

  /** Revokes a token: it stops working at once. Its own user, an admin, or the CLI may. */
  async revoke(id: number, by: TokenActor): Promise<ApiTokenView> {
    const token = await this.get(id);
    if (!token) throw new AuthError('TOKEN_NOT_FOUND', `no API token with id ${id} (weir tokens list)`);
    if (!mayManageTokensOf(by, token.userId))
      throw new AuthError(
        'FORBIDDEN',
        `token ${id} is ${token.username}'s: only they or an admin may revoke it`,
      );
    const now = this.clock();
    const changed = await this.sql.$executeRaw`
      UPDATE api_token SET revoked_at = ${now} WHERE id = ${id} AND revoked_at IS NULL`;
    if (changed === 0) throw new AuthError('TOKEN_REVOKED', `token ${id} is revoked already`);
    return { ...token, revokedAt: now };
  }
}

interface TokenRow {
  id: number;
  user_id: number;
  username: string;
  name: string;
  prefix: string;
  role: Role;
  created_by: string | null;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

function tokenView(row: TokenRow): ApiTokenView {
  return {
    id: row.id,
    userId: row.user_id,
    username: row.username,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}
