// Owns what REST API tests run against: a private database with one user per role and a bearer
// token each, `weir scheduler`, `weir worker` and `weir web` (the production build) on a DAG
// folder, and `call()`, a fetch that speaks as one of them. No browser: the API is plain HTTP.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiTokens, type Role, Sessions, Users } from '@weir/auth';
import { createRawSql, type RawSqlPool } from '@weir/db';
import {
  createTestDatabase,
  createTestRedis,
  freePort,
  startWeir,
  TEST_SECRET_KEY,
  type TestDatabase,
  type TestRedis,
} from '@weir/testing';

export type Caller = 'anonymous' | Role;

export interface ApiResponse {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read whatever the API answered
  readonly body: any;
}

export interface ApiEnvironment {
  readonly url: string;
  readonly env: Record<string, string>;
  readonly database: TestDatabase;
  /** The test's own connection to the private database (for the audit log, seeding). */
  readonly sql: RawSqlPool;
  /** A session of the admin user: its cookie and CSRF token, for the cookie path. */
  readonly session: { readonly cookie: string; readonly csrfToken: string };
  call(
    who: Caller,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
  output(): string;
  close(): Promise<void>;
}

const API_USERS: Record<Role, { username: string; password: string }> = {
  viewer: { username: 'api-viewer', password: 'viewer-password-1' },
  operator: { username: 'api-operator', password: 'operator-password-1' },
  admin: { username: 'api-admin', password: 'admin-password-1' },
};

export async function startApiEnvironment(dags: Record<string, string>): Promise<ApiEnvironment> {
  const database = await createTestDatabase();
  const redis: TestRedis = createTestRedis();
  const dagsFolder = mkdtempSync(join(tmpdir(), 'weir-e2e-api-dags-'));
  for (const [name, source] of Object.entries(dags)) writeFileSync(join(dagsFolder, name), source);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    WEIR_QUEUE_PREFIX: redis.prefix,
    WEIR_DAGS_FOLDER: dagsFolder,
    WEIR_SECRET_KEY: TEST_SECRET_KEY,
    WEIR_DAGS_PAUSED_AT_CREATION: 'false',
    WEIR_SCHEDULER_TICK_MS: '500',
    WEIR_WORKER_CONCURRENCY: '2',
    WEIR_LOG_LEVEL: 'warn',
    WEIR_WEB_PORT: String(port),
    WEIR_WEB_HOST: '127.0.0.1',
    WEIR_BASE_URL: url,
  };
  const sql = createRawSql(database.url);
  const users = new Users(sql);
  const tokens = new ApiTokens(sql);
  const bearer: Partial<Record<Role, string>> = {};
  let adminId = 0;
  for (const [role, user] of Object.entries(API_USERS) as [Role, { username: string; password: string }][]) {
    const created = await users.create({ ...user, role });
    if (role === 'admin') adminId = created.id;
    bearer[role] = (await tokens.create({ userId: created.id, name: 'e2e', createdBy: 'e2e' })).token;
  }
  const session = await new Sessions(sql, TEST_SECRET_KEY).create(adminId, 'e2e');
  const children: { child: ChildProcess; output: () => string }[] = [
    startWeir(['scheduler'], env),
    startWeir(['worker'], env),
    startWeir(['web'], env),
  ];
  const deadline = Date.now() + 580_000;
  for (;;) {
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    const web = children[2];
    if (web && web.child.exitCode !== null) throw new Error(`weir web exited:\n${web.output()}`);
    if (Date.now() > deadline) throw new Error(`weir web did not answer:\n${web?.output()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    url,
    env,
    database,
    sql,
    session: { cookie: session.cookie, csrfToken: session.csrfToken },
    async call(who, method, path, body, headers = {}) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(who !== 'anonymous' ? { authorization: `Bearer ${bearer[who]}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          'x-forwarded-for': '198.51.100.20',
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text for the assertion message
      }
      return { status: response.status, body: parsed };
    },
    output: () => children.map((c) => c.output()).join('\n'),
    async close() {
      await Promise.all(
        children.map(
          ({ child }) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
            }),
        ),
      );
      await sql.end();
      await database.drop();
      await redis.cleanup();
      rmSync(dagsFolder, { recursive: true, force: true });
    },
  };
}
