// Owns what REST API tests run against: a private database with one user per role and a bearer
// token each, `weir scheduler`, `weir worker` and `weir web` (the production build) on a DAG
// folder, and `call()`, a fetch that speaks as one of them. No browser: the API is plain HTTP.
import { ApiTokens, type Role, Sessions, Users } from '@weir/auth';
import type { RawSqlPool } from '@weir/db';
import { TEST_SECRET_KEY, type TestDatabase } from '@weir/testing';
import { startWeirStack } from './stack.ts';

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
  const bearer: Partial<Record<Role, string>> = {};
  let session = { cookie: '', csrfToken: '' };
  const stack = await startWeirStack(dags, async (sql) => {
    const users = new Users(sql);
    const tokens = new ApiTokens(sql);
    for (const [role, user] of Object.entries(API_USERS) as [
      Role,
      { username: string; password: string },
    ][]) {
      const created = await users.create({ ...user, role });
      bearer[role] = (await tokens.create({ userId: created.id, name: 'e2e', createdBy: 'e2e' })).token;
      if (role === 'admin') session = await new Sessions(sql, TEST_SECRET_KEY).create(created.id, 'e2e');
    }
  });
  const { url } = stack;
  return {
    url,
    env: stack.env,
    database: stack.database,
    sql: stack.sql,
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
    output: stack.output,
    close: stack.close,
  };
}
