// `weir tokens …` as users run it: the real `weir` process against a real database. The token
// is printed once, alone on stdout; the database keeps only its hash; lists show its prefix.
import { userInfo } from 'node:os';
import { ApiTokens } from '@weir/auth';
import { createRawSql, type RawSqlPool } from '@weir/db';
import { createTestDatabase, runWeir, type TestDatabase, type WeirResult } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PASSWORD = 'Token-Owner-Pass-7';

describe('weir tokens', { timeout: 300_000 }, () => {
  let database: TestDatabase;
  let sql: RawSqlPool;
  const outputs: WeirResult[] = [];
  const weir = async (args: string[], input?: string) => {
    const result = await runWeir(args, { DATABASE_URL: database.url }, 120_000, input);
    outputs.push(result);
    return result;
  };
  const tokens: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = createRawSql(database.url);
    await weir(['users', 'create', '--username', 'olga', '--role', 'operator', '--password-stdin'], PASSWORD);
  });
  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  it('creates a token, printed once on stdout with a note that it will not be shown again', async () => {
    const created = await weir(['tokens', 'create', '--username', 'olga', '--name', 'ci']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^weir_[A-Za-z0-9_-]{43}\n$/);
    const token = created.stdout.trim();
    tokens.push(token);
    expect(created.stderr).toBe(
      'token 1 "ci" for olga (operator): it will not be shown again, store it now\n',
    );
    // It works, as the owner with the owner's role, and the database holds only its hash.
    expect(await new ApiTokens(sql).authenticate(`Bearer ${token}`)).toMatchObject({
      username: 'olga',
      role: 'operator',
      via: 'token',
    });
    const rows = await sql.$queryRaw<Record<string, unknown>[]>`SELECT * FROM api_token`;
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('creates with a lower role and an expiry as JSON; refuses a role above the owner’s', async () => {
    const created = await weir([
      'tokens',
      'create',
      '--username',
      'olga',
      '--name',
      'grafana',
      '--role',
      'viewer',
      '--expires',
      '30d',
      '--json',
    ]);
    const body = JSON.parse(created.stdout) as {
      id: number;
      token: string;
      prefix: string;
      role: string;
      expiresAt: string;
    };
    tokens.push(body.token);
    expect(body).toMatchObject({
      id: 2,
      username: 'olga',
      name: 'grafana',
      role: 'viewer',
      prefix: body.token.slice(0, 12),
    });
    const days = (Date.parse(body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29);
    expect(days).toBeLessThanOrEqual(30);

    const above = await weir(['tokens', 'create', '--username', 'olga', '--name', 'x', '--role', 'admin']);
    expect([above.code, above.stdout, above.stderr]).toEqual([
      1,
      '',
      'weir: a token of olga can have at most their role (operator), not admin\n',
    ]);
    const badExpiry = await weir([
      'tokens',
      'create',
      '--username',
      'olga',
      '--name',
      'x',
      '--expires',
      'soon',
    ]);
    expect(badExpiry.code).toBe(2);
    expect(badExpiry.stderr).toMatch(/^weir: --expires "soon" is not a duration/);
    const noUser = await weir(['tokens', 'create', '--username', 'nobody', '--name', 'x']);
    expect([noUser.code, noUser.stderr]).toEqual([1, 'weir: no user "nobody" (weir users list)\n']);
  });

  it('lists tokens by prefix, never the token, and revokes one', async () => {
    const list = await weir(['tokens', 'list', '--username', 'olga', '--json']);
    const parsed = JSON.parse(list.stdout) as Record<string, unknown>[];
    expect(parsed.map((t) => [t.id, t.name, t.role, t.revokedAt])).toEqual([
      [2, 'grafana', 'viewer', null],
      [1, 'ci', 'operator', null],
    ]);
    expect(parsed[1]).toMatchObject({
      prefix: tokens[0]?.slice(0, 12),
      createdBy: `cli:${userInfo().username}`,
    });
    expect(parsed[1]?.lastUsedAt).toEqual(expect.any(String));
    const table = await weir(['tokens', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^id \| user +\| name +\| prefix +\| role +\| created +\| last used +\| expires +\| revoked$/,
    );
    expect(table.stdout).toContain(`| ${tokens[0]?.slice(0, 12)}… |`);

    const revoked = await weir(['tokens', 'revoke', '1']);
    expect(revoked.stdout).toBe('token 1 ("ci" of olga) revoked\n');
    expect(await new ApiTokens(sql).authenticate(tokens[0])).toBeNull();
    const again = await weir(['tokens', 'revoke', '1']);
    expect([again.code, again.stderr]).toEqual([1, 'weir: token 1 is revoked already\n']);
    const missing = await weir(['tokens', 'revoke', '99']);
    expect([missing.code, missing.stderr]).toEqual([1, 'weir: no API token with id 99 (weir tokens list)\n']);
    const listed = JSON.parse((await weir(['tokens', 'list', '--json'])).stdout) as {
      id: number;
      revokedAt: string | null;
    }[];
    expect(listed.find((t) => t.id === 1)?.revokedAt).toEqual(expect.any(String));
  });

  it('audits creation and revocation without the token', async () => {
    const rows = await sql.$queryRaw<
      { actor: string; action: string; details: Record<string, unknown>; source: string }[]
    >`
      SELECT actor, action, details, source FROM audit_log WHERE action LIKE 'token.%' ORDER BY id`;
    expect(rows.map((r) => [r.actor, r.action, r.details.tokenId, r.source])).toEqual([
      [userInfo().username, 'token.create', 1, 'cli'],
      [userInfo().username, 'token.create', 2, 'cli'],
      [userInfo().username, 'token.revoke', 1, 'cli'],
    ]);
    for (const token of tokens) expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('showed each token once, and never a password', () => {
    for (const token of tokens) {
      const shown = outputs.filter((o) => o.stdout.includes(token) || o.stderr.includes(token));
      expect(shown).toHaveLength(1);
    }
    for (const o of outputs) expect(o.stdout + o.stderr).not.toContain(PASSWORD);
  });
});
