// The REST API's admin and operations routes against the real server: variables and connections
// (create, change, delete; a secret is write-only: no answer ever carries it), deleting pools,
// users and API tokens, and the audit log in keyset pages. Its authorization matrix covers the
// mutating routes api.test.ts leaves to it (api-admin-routes.ts): each × {anonymous, viewer,
// operator, admin} → 401 / 403 / allowed; 400 names the field, 404 unknown, 409 a conflict.
import { ConnectionStore, connectionBox } from '@weir/engine';
import { createDb } from '@weir/db';
import { TEST_SECRET_KEY } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../apps/web/lib/api/registry.ts';
import { ADMIN_MATRIX_ROUTES } from './api-admin-routes.ts';
import { type ApiEnvironment, type Caller, startApiEnvironment } from './api-env.ts';

const CALLERS: readonly Caller[] = ['anonymous', 'viewer', 'operator', 'admin'];
const SECRETS = [
  'hunter2-variable-secret',
  'pa55-connection-secret',
  'xyz-extra-secret',
  'rotated-pa55-secret',
];

describe('the REST API for variables, connections, pools, users, tokens and the audit log', () => {
  let api: ApiEnvironment;
  /** Each caller's own token to revoke in the matrix. */
  const ownToken: Partial<Record<Caller, number>> = {};

  beforeAll(async () => {
    api = await startApiEnvironment({});
    for (const caller of ['viewer', 'operator', 'admin'] as const) {
      const created = await api.call(caller, 'POST', '/api/v1/auth/token', { name: 'to-revoke' });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      ownToken[caller] = created.body.id;
    }
    // Things the matrix's admin calls delete.
    for (const key of ['matrix_del'])
      expect((await api.call('admin', 'POST', '/api/v1/variables', { key, value: 1 })).status).toBe(201);
    expect(
      (await api.call('admin', 'POST', '/api/v1/connections', { id: 'matrix_del', type: 'http' })).status,
    ).toBe(201);
    expect((await api.call('admin', 'PUT', '/api/v1/pools/matrix_del', { slots: 1 })).status).toBe(200);
    expect(
      (await api.call('admin', 'POST', '/api/v1/variables', { key: 'matrix_patch', value: 1 })).status,
    ).toBe(201);
    expect(
      (await api.call('admin', 'POST', '/api/v1/connections', { id: 'matrix_patch', type: 'http' })).status,
    ).toBe(201);
    expect(
      (
        await api.call('admin', 'POST', '/api/v1/users', {
          username: 'matrix-user',
          password: 'matrix-password-1',
          role: 'viewer',
        })
      ).status,
    ).toBe(201);
  });
  afterAll(async () => {
    if (api) await api.close();
  });

  const MATRIX: {
    route: string;
    least: 'viewer' | 'operator' | 'admin';
    request: (caller: Caller) => [string, string, unknown?];
    allowed: number;
  }[] = [
    {
      route: 'createVariable',
      least: 'admin',
      request: () => ['POST', '/api/v1/variables', { key: 'matrix_new', value: { a: 1 } }],
      allowed: 201,
    },
    {
      route: 'patchVariable',
      least: 'admin',
      request: () => ['PATCH', '/api/v1/variables/matrix_patch', { value: 2 }],
      allowed: 200,
    },
    {
      route: 'deleteVariable',
      least: 'admin',
      request: () => ['DELETE', '/api/v1/variables/matrix_del'],
      allowed: 200,
    },
    {
      route: 'createConnection',
      least: 'admin',
      request: () => [
        'POST',
        '/api/v1/connections',
        { id: 'matrix_new', type: 'postgres', password: 'matrix-pass' },
      ],
      allowed: 201,
    },
    {
      route: 'patchConnection',
      least: 'admin',
      request: () => ['PATCH', '/api/v1/connections/matrix_patch', { host: 'h' }],
      allowed: 200,
    },
    {
      route: 'deleteConnection',
      least: 'admin',
      request: () => ['DELETE', '/api/v1/connections/matrix_del'],
      allowed: 200,
    },
    {
      route: 'deletePool',
      least: 'admin',
      request: () => ['DELETE', '/api/v1/pools/matrix_del'],
      allowed: 200,
    },
    {
      route: 'createUser',
      least: 'admin',
      request: () => [
        'POST',
        '/api/v1/users',
        { username: 'matrix-new', password: 'matrix-password-2', role: 'operator' },
      ],
      allowed: 201,
    },
    {
      route: 'patchUser',
      least: 'admin',
      request: () => ['PATCH', '/api/v1/users/matrix-user', { role: 'operator' }],
      allowed: 200,
    },
    {
      route: 'revokeToken',
      least: 'viewer',
      // Each caller revokes a token of its own (anonymous: the viewer's, and is refused first).
      request: (caller) => ['DELETE', `/api/v1/auth/tokens/${ownToken[caller] ?? ownToken.viewer}`],
      allowed: 200,
    },
  ];

  it('lists exactly the mutating routes api.test.ts leaves to it, each audited', () => {
    expect(MATRIX.map((m) => m.route).sort()).toEqual([...ADMIN_MATRIX_ROUTES].sort());
    for (const name of ADMIN_MATRIX_ROUTES) {
      const spec = ROUTES.find((r) => r.operationId === name);
      expect(spec && spec.method !== 'GET', name).toBe(true);
      expect(spec?.action, `${name} writes an audit row`).toBeDefined();
    }
  });

  it('answers each × {anonymous, viewer, operator, admin} with 401 / 403 / allowed, and audits the allowed', async () => {
    const rank = { anonymous: -1, viewer: 0, operator: 1, admin: 2 } as const;
    for (const m of MATRIX)
      for (const caller of CALLERS) {
        const [method, path, body] = m.request(caller);
        const answer = await api.call(caller, method, path, body);
        const expected = caller === 'anonymous' ? 401 : rank[caller] < rank[m.least] ? 403 : m.allowed;
        expect(answer.status, `${m.route} as ${caller}: ${JSON.stringify(answer.body)}`).toBe(expected);
        if (expected === 401) expect(answer.body.error.code).toBe('unauthenticated');
        if (expected === 403) expect(answer.body.error.code).toBe('forbidden');
      }
    const rows = await api.sql.$queryRaw<{ action: string; actor: string; source: string }[]>`
      SELECT action, actor, source FROM audit_log`;
    for (const name of ADMIN_MATRIX_ROUTES) {
      const action = ROUTES.find((r) => r.operationId === name)?.action;
      expect(
        rows.some((r) => r.action === action && r.source === '198.51.100.20'),
        `${action} audited`,
      ).toBe(true);
    }
    // A revoked token no longer works.
    const revoked = await api.sql.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM api_token WHERE name = 'to-revoke' AND revoked_at IS NOT NULL`;
    expect(revoked[0]?.n).toBe(3);
  });

  it('never answers with a secret: secret-named variables and connection passwords are write-only', async () => {
    const created = await api.call('admin', 'POST', '/api/v1/variables', {
      key: 'warehouse_password',
      value: SECRETS[0],
      description: 'the loader’s',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      key: 'warehouse_password',
      value: '***',
      description: 'the loader’s',
    });
    const plain = await api.call('admin', 'POST', '/api/v1/variables', { key: 'region', value: 'eu' });
    expect(plain.body).toMatchObject({ key: 'region', value: 'eu' });
    const described = await api.call('admin', 'PATCH', '/api/v1/variables/warehouse_password', {
      description: 'new',
    });
    expect(described.body).toMatchObject({ value: '***', description: 'new' });
    const stored = await api.sql.$queryRaw<
      { value: unknown }[]
    >`SELECT value FROM variable WHERE key = 'warehouse_password'`;
    expect(stored[0]?.value).toBe(SECRETS[0]);

    const conn = await api.call('admin', 'POST', '/api/v1/connections', {
      id: 'warehouse',
      type: 'postgres',
      host: 'db.example',
      port: 5432,
      login: 'loader',
      password: SECRETS[1],
      extra: { api_key: SECRETS[2], region: 'eu' },
      description: 'the warehouse',
    });
    expect(conn.status, JSON.stringify(conn.body)).toBe(201);
    expect(conn.body).toEqual({
      id: 'warehouse',
      type: 'postgres',
      host: 'db.example',
      port: 5432,
      login: 'loader',
      schema: null,
      hasPassword: true,
      hasExtra: true,
      description: 'the warehouse',
    });
    // A change that leaves the password out keeps it; a new one replaces it, sealed.
    const moved = await api.call('admin', 'PATCH', '/api/v1/connections/warehouse', {
      host: 'db2.example',
      port: null,
    });
    expect(moved.body).toMatchObject({ host: 'db2.example', port: null, hasPassword: true, hasExtra: true });
    const db = createDb(api.env.DATABASE_URL as string);
    try {
      const store = new ConnectionStore(db, connectionBox(TEST_SECRET_KEY));
      expect(await store.get('warehouse')).toMatchObject({
        host: 'db2.example',
        password: SECRETS[1],
        extra: { api_key: SECRETS[2] },
      });
      const rotated = await api.call('admin', 'PATCH', '/api/v1/connections/warehouse', {
        password: SECRETS[3],
        extra: null,
      });
      expect(rotated.body).toMatchObject({ hasPassword: true, hasExtra: false });
      expect(await store.get('warehouse')).toMatchObject({ password: SECRETS[3], extra: {} });
      const raw = await api.sql.$queryRaw<{ password_encrypted: string }[]>`
        SELECT password_encrypted FROM connection WHERE conn_id = 'warehouse'`;
      expect(raw[0]?.password_encrypted).not.toContain(SECRETS[3]);
    } finally {
      await db.$disconnect();
    }
    // Whatever anyone reads back, no secret is in it: lists, the audit log, the OpenAPI document.
    for (const [who, path] of [
      ['viewer', '/api/v1/variables'],
      ['admin', '/api/v1/variables'],
      ['admin', '/api/v1/connections'],
      ['viewer', '/api/v1/auditLog?limit=1000'],
    ] as const) {
      const text = JSON.stringify((await api.call(who, 'GET', path)).body);
      for (const secret of SECRETS) expect(text, `${path} as ${who}`).not.toContain(secret);
    }
    expect((await api.call('viewer', 'GET', '/api/v1/variables')).body.variables).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'region', value: 'eu' }),
        expect.objectContaining({ key: 'warehouse_password', value: '***' }),
      ]),
    );
  });

  it('answers 400 naming the field, 404 for what does not exist, 409 for a duplicate', async () => {
    const bad: [string, string, unknown, string][] = [
      ['POST', '/api/v1/variables', { key: 'has space', value: 1 }, 'key'],
      ['POST', '/api/v1/variables', { key: 'novalue' }, 'value'],
      ['POST', '/api/v1/connections', { id: 'c1', type: 'postgres', port: 70000 }, 'port'],
      ['POST', '/api/v1/connections', { id: 'c1', type: 'postgres', password: '' }, 'password'],
      ['POST', '/api/v1/connections', { id: 'c1', type: 'postgres', extra: [1] }, 'extra'],
      ['POST', '/api/v1/connections', { id: 'c1' }, 'type'],
      ['POST', '/api/v1/users', { username: 'weak', password: 'x', role: 'viewer' }, ''],
      ['POST', '/api/v1/users', { username: 'norole', password: 'long-password-1', role: 'root' }, 'role'],
      ['GET', '/api/v1/auditLog?limit=0', undefined, 'limit'],
      ['GET', '/api/v1/auditLog?cursor=nope', undefined, 'cursor'],
      ['GET', '/api/v1/auditLog?action=DROP TABLE', undefined, 'action'],
    ];
    for (const [method, path, body, field] of bad) {
      const answer = await api.call('admin', method, path, body);
      expect(answer.status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`).toBe(
        400,
      );
      if (field) expect(answer.body.error.field).toBe(field);
    }
    for (const [method, path, body] of [
      ['PATCH', '/api/v1/variables/nope', { value: 1 }],
      ['DELETE', '/api/v1/variables/nope', undefined],
      ['PATCH', '/api/v1/connections/nope', { host: 'x' }],
      ['DELETE', '/api/v1/connections/nope', undefined],
      ['DELETE', '/api/v1/pools/nope', undefined],
      ['PATCH', '/api/v1/users/nope', { role: 'viewer' }],
      ['DELETE', '/api/v1/auth/tokens/999999', undefined],
    ] as const) {
      const answer = await api.call('admin', method, path, body);
      expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    }
    for (const [path, body, field] of [
      ['/api/v1/variables', { key: 'region', value: 'us' }, 'key'],
      ['/api/v1/connections', { id: 'warehouse', type: 'http' }, 'id'],
      [
        '/api/v1/users',
        { username: 'api-viewer', password: 'another-password-1', role: 'viewer' },
        'username',
      ],
    ] as const) {
      const answer = await api.call('admin', 'POST', path, body);
      expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBe(409);
      expect(answer.body.error).toMatchObject({ code: 'conflict', field });
    }
    // The duplicate changed nothing.
    expect((await api.call('viewer', 'GET', '/api/v1/variables')).body.variables).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'region', value: 'eu' })]),
    );
    // The last admin cannot be demoted; the default pool cannot be deleted.
    expect((await api.call('admin', 'PATCH', '/api/v1/users/api-admin', { role: 'viewer' })).status).toBe(
      409,
    );
    expect((await api.call('admin', 'DELETE', '/api/v1/pools/default')).status).toBe(409);
    // Someone else's token: 403.
    const operatorToken = await api.call('operator', 'POST', '/api/v1/auth/token', { name: 'mine' });
    const stolen = await api.call('viewer', 'DELETE', `/api/v1/auth/tokens/${operatorToken.body.id}`);
    expect(stolen.status).toBe(403);
    expect(
      (await api.call('operator', 'DELETE', `/api/v1/auth/tokens/${operatorToken.body.id}`)).status,
    ).toBe(200);
    expect(
      (await api.call('operator', 'DELETE', `/api/v1/auth/tokens/${operatorToken.body.id}`)).status,
    ).toBe(409);
  });

  it('manages users: creates one with a role, changes the role, deactivates; admins only', async () => {
    const created = await api.call('admin', 'POST', '/api/v1/users', {
      username: 'carol',
      password: 'carol-password-1',
      role: 'operator',
      email: 'carol@example.com',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      username: 'carol',
      role: 'operator',
      isActive: true,
      lastLoginAt: null,
    });
    expect(JSON.stringify(created.body)).not.toContain('carol-password-1');
    const users = await api.call('admin', 'GET', '/api/v1/users');
    expect(users.body.users.map((u: { username: string }) => u.username)).toContain('carol');
    expect((await api.call('operator', 'GET', '/api/v1/users')).status).toBe(403);
    const demoted = await api.call('admin', 'PATCH', '/api/v1/users/carol', { role: 'viewer' });
    expect(demoted.body).toMatchObject({ role: 'viewer' });
    const off = await api.call('admin', 'PATCH', '/api/v1/users/carol', { isActive: false });
    expect(off.body).toMatchObject({ isActive: false });
  });

  it('lists tokens: your own, an admin everyone’s; never the token itself', async () => {
    const mine = await api.call('viewer', 'GET', '/api/v1/auth/tokens');
    expect(mine.status).toBe(200);
    expect(new Set(mine.body.tokens.map((t: { username: string }) => t.username))).toEqual(
      new Set(['api-viewer']),
    );
    expect(mine.body.tokens[0]).not.toHaveProperty('token');
    expect(mine.body.tokens[0].prefix).toMatch(/^weir_/);
    const all = await api.call('admin', 'GET', '/api/v1/auth/tokens');
    expect(new Set(all.body.tokens.map((t: { username: string }) => t.username))).toEqual(
      new Set(['api-viewer', 'api-operator', 'api-admin']),
    );
  });

  it('pages the audit log newest first by cursor, filtered by actor and action', async () => {
    const everything = await api.call('viewer', 'GET', '/api/v1/auditLog?limit=1000');
    expect(everything.status).toBe(200);
    const ids = everything.body.auditLog.map((e: { id: number }) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(everything.body.total_entries).toBe(ids.length);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await api.call(
        'viewer',
        'GET',
        `/api/v1/auditLog?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      seen.push(...page.body.auditLog.map((e: { id: number }) => e.id));
      cursor = page.body.next_cursor;
      pages++;
    } while (cursor && pages < 100);
    expect(seen).toEqual(ids);
    const variables = await api.call(
      'viewer',
      'GET',
      '/api/v1/auditLog?actor=api-admin&action=variable&limit=1000',
    );
    expect(variables.body.auditLog.length).toBeGreaterThan(0);
    for (const e of variables.body.auditLog) {
      expect(e.actor).toBe('api-admin');
      expect(e.action).toMatch(/^variable\./);
      expect(e.source).toBe('198.51.100.20');
    }
    const created = await api.call('viewer', 'GET', '/api/v1/auditLog?action=variable.create');
    expect(created.body.auditLog.map((e: { details: { key: string } }) => e.details.key)).toEqual(
      expect.arrayContaining(['warehouse_password', 'region']),
    );
  });
});
