// Owns Weir's users: creating them (a password hashed with scrypt), their role, deactivating
// them, and checking a login. Changing a role, a password or deactivating ends the user's
// sessions in the same transaction, so the change holds in every browser at once; API tokens
// need nothing: their role is capped by the owner's current role each time they are used.
import type { RawSql } from '@weir/db';
import { type Clock, systemClock } from './clock.ts';
import { AuthError } from './errors.ts';
import { checkPasswordStrength, decoyHash, hashPassword, verifyPassword } from './passwords.ts';
import type { AuthenticatedUser } from './principal.ts';
import { isRole, ROLES, type Role } from './roles.ts';

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

export interface UserView {
  readonly id: number;
  readonly username: string;
  readonly role: Role;
  readonly email: string | null;
  readonly isActive: boolean;
  readonly createdAt: Date;
  readonly lastLoginAt: Date | null;
}

export interface NewUser {
  readonly username: string;
  readonly password: string;
  readonly role: Role;
  readonly email?: string | null;
}

interface UserRow {
  id: number;
  username: string;
  role: Role;
  email: string | null;
  is_active: boolean;
  created_at: Date;
  last_login_at: Date | null;
}

function view(row: UserRow): UserView {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    email: row.email,
    isActive: row.is_active,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
  };
}

export function assertRole(role: unknown): asserts role is Role {
  if (!isRole(role))
    throw new AuthError('INVALID_ROLE', `role must be one of ${ROLES.join(', ')}, got "${String(role)}"`);
}

export function assertStrongPassword(password: string): void {
  const weakness = checkPasswordStrength(password);
  if (weakness) throw new AuthError('WEAK_PASSWORD', weakness);
}

export class Users {
  constructor(
    private readonly sql: RawSql,
    private readonly clock: Clock = systemClock,
  ) {}

  async create(user: NewUser): Promise<UserView> {
    if (!USERNAME_PATTERN.test(user.username))
      throw new AuthError(
        'INVALID_USERNAME',
        `username "${user.username}" is invalid: up to 64 letters, digits, '_', '.', '@' or '-', starting with a letter or digit`,
      );
    assertRole(user.role);
    assertStrongPassword(user.password);
    const hash = await hashPassword(user.password);
    const rows = await this.sql.$queryRaw<UserRow[]>`
      INSERT INTO "user" (username, password_hash, role, email, is_active, created_at)
      VALUES (${user.username}, ${hash}, ${user.role}::"Role", ${user.email ?? null}, true, ${this.clock()})
      ON CONFLICT (username) DO NOTHING
      RETURNING id, username, role::text AS role, email, is_active, created_at, last_login_at`;
    if (!rows[0]) throw new AuthError('USER_EXISTS', `user "${user.username}" exists already`);
    return view(rows[0]);
  }

  async list(): Promise<UserView[]> {
    const rows = await this.sql.$queryRaw<UserRow[]>`
      SELECT id, username, role::text AS role, email, is_active, created_at, last_login_at
      FROM "user" ORDER BY username`;
    return rows.map(view);
  }

  async get(username: string): Promise<UserView | null> {
    const rows = await this.sql.$queryRaw<UserRow[]>`
      SELECT id, username, role::text AS role, email, is_active, created_at, last_login_at
      FROM "user" WHERE username = ${username}`;
    return rows[0] ? view(rows[0]) : null;
  }

  async getById(id: number): Promise<UserView | null> {
    const rows = await this.sql.$queryRaw<UserRow[]>`
      SELECT id, username, role::text AS role, email, is_active, created_at, last_login_at
      FROM "user" WHERE id = ${id}`;
    return rows[0] ? view(rows[0]) : null;
  }

  async count(): Promise<number> {
    const [row] = await this.sql.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "user"`;
    return row?.n ?? 0;
  }

  /** Changes the role and ends the user's sessions. Refuses to demote the last active admin. */
  async setRole(username: string, role: Role): Promise<{ user: UserView; previous: Role }> {
    assertRole(role);
    return this.sql.$transaction(async (tx) => {
      const admins = await lockActiveAdmins(tx);
      const current = await lockUser(tx, username);
      if (current.role === 'admin' && role !== 'admin' && current.is_active)
        assertAnotherAdmin(admins, current.id, `demoting "${username}"`);
      const [row] = await tx.$queryRaw<UserRow[]>`
        UPDATE "user" SET role = ${role}::"Role" WHERE id = ${current.id}
        RETURNING id, username, role::text AS role, email, is_active, created_at, last_login_at`;
      await tx.$executeRaw`DELETE FROM web_session WHERE user_id = ${current.id}`;
      return { user: view(row as UserRow), previous: current.role };
    });
  }

  /** A new password (checked for strength); ends the user's sessions. */
  async setPassword(username: string, password: string): Promise<UserView> {
    assertStrongPassword(password);
    const hash = await hashPassword(password);
    return this.sql.$transaction(async (tx) => {
      const current = await lockUser(tx, username);
      await tx.$executeRaw`UPDATE "user" SET password_hash = ${hash} WHERE id = ${current.id}`;
      await tx.$executeRaw`DELETE FROM web_session WHERE user_id = ${current.id}`;
      return view(current);
    });
  }

  /**
   * The user can no longer sign in, their sessions end and their tokens stop working. Refuses
   * the last active admin. `changed` is false when they were inactive already.
   */
  async deactivate(username: string): Promise<{ user: UserView; changed: boolean }> {
    return this.sql.$transaction(async (tx) => {
      const admins = await lockActiveAdmins(tx);
      const current = await lockUser(tx, username);
      if (current.role === 'admin' && current.is_active)
        assertAnotherAdmin(admins, current.id, `deactivating "${username}"`);
      await tx.$executeRaw`UPDATE "user" SET is_active = false WHERE id = ${current.id}`;
      await tx.$executeRaw`DELETE FROM web_session WHERE user_id = ${current.id}`;
      return { user: view({ ...current, is_active: false }), changed: current.is_active };
    });
  }

  async activate(username: string): Promise<{ user: UserView; changed: boolean }> {
    return this.sql.$transaction(async (tx) => {
      const current = await lockUser(tx, username);
      await tx.$executeRaw`UPDATE "user" SET is_active = true WHERE id = ${current.id}`;
      return { user: view({ ...current, is_active: true }), changed: !current.is_active };
    });
  }

  /**
   * The user when the password is theirs and they are active, else null (whichever was wrong:
   * an unknown user costs as long as a wrong password). Records the login's time.
   */
  async verifyLogin(username: string, password: string): Promise<AuthenticatedUser | null> {
    const rows = await this.sql.$queryRaw<
      { id: number; role: Role; password_hash: string; is_active: boolean }[]
    >`
      SELECT id, role::text AS role, password_hash, is_active FROM "user" WHERE username = ${username}`;
    const row = rows[0];
    const matches = await verifyPassword(password, row?.password_hash ?? (await decoyHash()));
    if (!row || !matches || !row.is_active) return null;
    await this.sql.$executeRaw`UPDATE "user" SET last_login_at = ${this.clock()} WHERE id = ${row.id}`;
    return { userId: row.id, username, role: row.role };
  }
}

async function lockUser(tx: RawSql, username: string): Promise<UserRow> {
  const rows = await tx.$queryRaw<UserRow[]>`
    SELECT id, username, role::text AS role, email, is_active, created_at, last_login_at
    FROM "user" WHERE username = ${username} FOR UPDATE`;
  if (!rows[0]) throw new AuthError('USER_NOT_FOUND', `no user "${username}" (weir users list)`);
  return rows[0];
}

/**
 * Locks the active admins, in id order, before the user a change is about: two changes that
 * could each leave no active admin then wait for one another (and the second sees the first's
 * result) instead of both passing the check or deadlocking.
 */
async function lockActiveAdmins(tx: RawSql): Promise<number[]> {
  const rows = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM "user" WHERE role = 'admin' AND is_active ORDER BY id FOR UPDATE`;
  return rows.map((r) => r.id);
}

function assertAnotherAdmin(admins: readonly number[], exceptId: number, what: string): void {
  if (!admins.some((id) => id !== exceptId))
    throw new AuthError(
      'LAST_ADMIN',
      `${what} would leave no active admin: make another user admin first (weir users set-role <username> admin)`,
    );
}
