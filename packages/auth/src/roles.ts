// Owns who may do what: the three roles, ordered, and the permissions each holds. The web UI, the
// REST API and the CLI ask `can(role, permission)`; nothing else compares role names.

export type Role = 'viewer' | 'operator' | 'admin';

/** Lowest first: a role holds every permission of the roles before it. */
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

/**
 * - `read`: DAGs, runs, tasks, logs, alerts, pools, the audit log (never secret values).
 * - `run.operate`: trigger, clear, mark, pause/unpause, backfill.
 * - `alert.operate`: acknowledge, resolve and silence alerts.
 * - `schema.register`: register versions of event schemas (within their compatibility mode).
 * - `pool.manage`: create, resize, delete pools.
 * - `schema.manage`: change an event_type's compatibility mode (the guard every version passes).
 * - `secret.manage`: variables and connections.
 * - `user.manage`: users and their roles.
 * - `token.manage`: other users' API tokens (everyone may manage their own).
 */
export type Permission =
  | 'read'
  | 'run.operate'
  | 'alert.operate'
  | 'schema.register'
  | 'pool.manage'
  | 'schema.manage'
  | 'secret.manage'
  | 'user.manage'
  | 'token.manage';

/** The least role that holds each permission. */
const LEAST_ROLE: Readonly<Record<Permission, Role>> = {
  read: 'viewer',
  'run.operate': 'operator',
  'alert.operate': 'operator',
  'schema.register': 'operator',
  'pool.manage': 'admin',
  'schema.manage': 'admin',
  'secret.manage': 'admin',
  'user.manage': 'admin',
  'token.manage': 'admin',
};

export const PERMISSIONS: readonly Permission[] = Object.keys(LEAST_ROLE) as Permission[];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(role: Role, permission: Permission): boolean {
  return roleAtMost(LEAST_ROLE[permission], role);
}

/** True when `role` is `ceiling` or below it. */
export function roleAtMost(role: Role, ceiling: Role): boolean {
  return ROLES.indexOf(role) <= ROLES.indexOf(ceiling);
}

/** The lower of two roles (a token's effective role: its own, capped by its owner's). */
export function lowerRole(a: Role, b: Role): Role {
  return roleAtMost(a, b) ? a : b;
}
