// `weir users …` as users run it: the real `weir` process against a real database. A password
// given to Weir never appears in any output and is stored only as a scrypt hash; every change is
// in the audit log as the OS user, from 'cli'.
import { userInfo } from 'node:os';
import { createRawSql, type RawSqlPool } from '@weir/db';
import { createTestDatabase, runWeir, type TestDatabase, type WeirResult } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PASSWORD = 'Quiet-Walrus-42!';
const NEW_PASSWORD = 'Louder-Walrus-43?';

describe('weir users', { timeout: 300_000 }, () => {
  let database: TestDatabase;
  let sql: RawSqlPool;
  const outputs: WeirResult[] = [];
  const weir = async (args: string[], input?: string) => {
    const result = await runWeir(args, { DATABASE_URL: database.url }, 120_000, input);
    outputs.push(result);
    return result;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = createRawSql(database.url);
  });
  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  it('creates users from a password on stdin and lists them', async () => {
    const created = await weir(
      [
        'users',
        'create',
        '--username',
        'alice',
        '--role',
        'admin',
        '--email',
        'alice@example.com',
        '--password-stdin',
      ],
      `${PASSWORD}\n`,
    );
    expect([created.code, created.stdout, created.stderr]).toEqual([0, 'user alice created (admin)\n', '']);
    await weir(['users', 'create', '--username', 'bob', '--role', 'viewer', '--password-stdin'], PASSWORD);

    const list = await weir(['users', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([
      {
        id: expect.any(Number),
        username: 'alice',
        role: 'admin',
        email: 'alice@example.com',
        active: true,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        lastLoginAt: null,
      },
      expect.objectContaining({ username: 'bob', role: 'viewer', email: null, active: true }),
    ]);
    const table = await weir(['users', 'list']);
    expect(table.stdout.split('\n')[0]).toBe(
      'username | role   | active | email             | created                  | last login',
    );
    expect(table.stdout).toMatch(/^bob +\| viewer \| yes +\| +\| \d{4}-/m);

    const [row] = await sql.$queryRaw<{ password_hash: string }[]>`
      SELECT password_hash FROM "user" WHERE username = 'alice'`;
    expect(row?.password_hash).toMatch(/^scrypt\$/);
    expect(row?.password_hash).not.toContain(PASSWORD);
  });

  it('refuses a weak password (exit 2, saying the rule), a password as an argument, and no password', async () => {
    const weak = await weir(
      ['users', 'create', '--username', 'carl', '--role', 'viewer', '--password-stdin'],
      'short',
    );
    expect([weak.code, weak.stdout, weak.stderr]).toEqual([
      2,
      '',
      'weir: password refused: a password needs at least 8 characters\n',
    ]);
    const asArgument = await weir([
      'users',
      'create',
      '--username',
      'carl',
      '--role',
      'viewer',
      '--password',
      PASSWORD,
    ]);
    expect(asArgument.code).toBe(2);
    expect(asArgument.stderr).toContain("unknown option '--password'");
    // Not at a terminal and no --password-stdin: nothing to ask.
    const none = await weir(['users', 'create', '--username', 'carl', '--role', 'viewer']);
    expect([none.code, none.stderr]).toEqual([
      2,
      'weir: no password: type it when asked (at a terminal), or pipe it to --password-stdin\n',
    ]);
    const badRole = await weir(
      ['users', 'create', '--username', 'carl', '--role', 'root', '--password-stdin'],
      PASSWORD,
    );
    expect([badRole.code, badRole.stderr]).toEqual([
      2,
      'weir: --role must be one of viewer, operator, admin, got "root"\n',
    ]);
    const taken = await weir(
      ['users', 'create', '--username', 'bob', '--role', 'viewer', '--password-stdin'],
      PASSWORD,
    );
    expect([taken.code, taken.stderr]).toEqual([1, 'weir: user "bob" exists already\n']);
    const [carl] = await sql.$queryRaw<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM "user" WHERE username = 'carl'`;
    expect(carl?.n).toBe(0);
  });

  it('changes roles and deactivates, ending the user’s sessions, and keeps one active admin', async () => {
    const [bob] = await sql.$queryRaw<{ id: number }[]>`SELECT id FROM "user" WHERE username = 'bob'`;
    const addSession = (id: string) => sql.$executeRaw`
      INSERT INTO web_session (id, user_id, csrf_token, created_at, expires_at, last_seen_at)
      VALUES (${id}, ${bob?.id}, 'csrf', now(), now() + interval '1 hour', now())`;
    const sessionsOfBob = async () =>
      (
        await sql.$queryRaw<
          { n: number }[]
        >`SELECT count(*)::int AS n FROM web_session WHERE user_id = ${bob?.id}`
      )[0]?.n;

    await addSession('s1');
    const promoted = await weir(['users', 'set-role', 'bob', 'operator']);
    expect(promoted.stdout).toBe('user bob is now operator (was viewer); their sessions have ended\n');
    expect(await sessionsOfBob()).toBe(0);

    await addSession('s2');
    const off = await weir(['users', 'deactivate', 'bob']);
    expect(off.stdout).toBe(
      'user bob deactivated: their sessions have ended and their API tokens stop working\n',
    );
    expect(await sessionsOfBob()).toBe(0);
    expect((await weir(['users', 'deactivate', 'bob'])).stdout).toBe('user bob was inactive already\n');
    const listed = JSON.parse((await weir(['users', 'list', '--json'])).stdout) as {
      username: string;
      active: boolean;
    }[];
    expect(listed.find((u) => u.username === 'bob')?.active).toBe(false);
    expect((await weir(['users', 'activate', 'bob'])).stdout).toBe('user bob activated\n');

    const last = await weir(['users', 'set-role', 'alice', 'viewer']);
    expect([last.code, last.stderr]).toEqual([
      1,
      'weir: demoting "alice" would leave no active admin: make another user admin first (weir users set-role <username> admin)\n',
    ]);
    const unknown = await weir(['users', 'deactivate', 'nobody']);
    expect([unknown.code, unknown.stderr]).toEqual([1, 'weir: no user "nobody" (weir users list)\n']);
    const badRole = await weir(['users', 'set-role', 'bob', 'superuser']);
    expect(badRole.code).toBe(2);
  });

  it('sets a new password from stdin', async () => {
    const changed = await weir(['users', 'set-password', 'bob', '--password-stdin'], NEW_PASSWORD);
    expect(changed.stdout).toBe('password of bob changed; their sessions have ended\n');
    const weak = await weir(['users', 'set-password', 'bob', '--password-stdin'], 'weak');
    expect(weak.code).toBe(2);
  });

  it('audits every change as the OS user from the cli, without passwords', async () => {
    const rows = await sql.$queryRaw<{ actor: string; action: string; details: unknown; source: string }[]>`
      SELECT actor, action, details, source FROM audit_log ORDER BY id`;
    const me = userInfo().username;
    expect(rows).toEqual([
      {
        actor: me,
        action: 'user.create',
        details: { username: 'alice', role: 'admin', email: 'alice@example.com' },
        source: 'cli',
      },
      { actor: me, action: 'user.create', details: { username: 'bob', role: 'viewer' }, source: 'cli' },
      {
        actor: me,
        action: 'user.set_role',
        details: { username: 'bob', role: 'operator', previous: 'viewer' },
        source: 'cli',
      },
      { actor: me, action: 'user.deactivate', details: { username: 'bob' }, source: 'cli' },
      { actor: me, action: 'user.activate', details: { username: 'bob' }, source: 'cli' },
      { actor: me, action: 'user.set_password', details: { username: 'bob' }, source: 'cli' },
    ]);
  });

  it('never printed a password', () => {
    expect(outputs.length).toBeGreaterThan(15);
    for (const { stdout, stderr } of outputs) {
      for (const secret of [PASSWORD, NEW_PASSWORD]) {
        expect(stdout).not.toContain(secret);
        expect(stderr).not.toContain(secret);
      }
    }
  });
});
