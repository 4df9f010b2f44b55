import { describe, expect, it } from 'vitest';
import { can, lowerRole, PERMISSIONS, type Permission, ROLES, type Role, roleAtMost } from './index.ts';

describe('roles', () => {
  it('gives viewers read, operators runs, alerts and schema versions, admins everything', () => {
    const table = Object.fromEntries(
      ROLES.map((role) => [role, PERMISSIONS.filter((p) => can(role, p))]),
    ) as Record<Role, Permission[]>;
    expect(table).toEqual({
      viewer: ['read'],
      operator: ['read', 'run.operate', 'alert.operate', 'schema.register'],
      admin: [
        'read',
        'run.operate',
        'alert.operate',
        'schema.register',
        'pool.manage',
        'schema.manage',
        'secret.manage',
        'user.manage',
        'token.manage',
      ],
    });
  });

  it('orders roles viewer < operator < admin', () => {
    expect(roleAtMost('viewer', 'operator')).toBe(true);
    expect(roleAtMost('operator', 'operator')).toBe(true);
    expect(roleAtMost('admin', 'operator')).toBe(false);
    expect(lowerRole('admin', 'viewer')).toBe('viewer');
    expect(lowerRole('operator', 'admin')).toBe('operator');
  });
});
