// Owns the first user of a new installation (what `airflow standalone` does): when there are no
// users, an `admin` with a random password, returned once for the caller to print. Nothing
// stores the password in clear; a lost one is replaced with `weir users set-password admin`.
import { randomBytes } from 'node:crypto';
import type { RawSql } from '@weir/db';
import { audit } from './audit.ts';
import { Users } from './users.ts';

export const INITIAL_ADMIN = 'admin';

/** Two `weir standalone` starting at once against one database create one admin. */
const LOCK = 'weir/initial-admin';

export async function ensureInitialAdmin(
  sql: RawSql,
): Promise<{ username: string; password: string } | null> {
  return sql.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${LOCK}))`;
    const users = new Users(tx);
    if ((await users.count()) > 0) return null;
    const password = randomBytes(18).toString('base64url');
    await users.create({ username: INITIAL_ADMIN, password, role: 'admin' });
    await audit(tx, {
      actor: 'weir standalone',
      action: 'user.create',
      details: { username: INITIAL_ADMIN, role: 'admin', initial: true },
      source: 'cli',
    });
    return { username: INITIAL_ADMIN, password };
  });
}
