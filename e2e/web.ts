// Owns what browser tests run against: a private database with users, `weir web` on a free port
// (the production build), a `weir scheduler` and `weir worker` on a DAG folder, and Chromium.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestDatabase,
  createTestRedis,
  freePort,
  startWeir,
  TEST_SECRET_KEY,
  type TestDatabase,
  type TestRedis,
} from '@weir/testing';
import { type Role, Users } from '@weir/auth';
import { createRawSql } from '@weir/db';
import { type Browser, chromium, type Page } from 'playwright-core';

export interface WebEnvironment {
  readonly url: string;
  readonly env: Record<string, string>;
  readonly database: TestDatabase;
  readonly dagsFolder: string;
  readonly browser: Browser;
  /** A new page of a new context (no cookies), at laptop size, in the OS's colour scheme or the given one. */
  page(options?: { colorScheme?: 'light' | 'dark'; forwardedFor?: string }): Promise<Page>;
  signIn(page: Page, username: string, password: string): Promise<void>;
  screenshot(page: Page, name: string): Promise<string>;
  output(): string;
  close(): Promise<void>;
}

export const USERS = {
  admin: { username: 'ada', password: 'admin-password-1', role: 'admin' },
  operator: { username: 'otto', password: 'operator-password-1', role: 'operator' },
  viewer: { username: 'vera', password: 'viewer-password-1', role: 'viewer' },
  /** Only the login-limiter test signs in as this one (it gets locked out). */
  target: { username: 'tess', password: 'target-password-1', role: 'viewer' },
} as const satisfies Record<string, { username: string; password: string; role: Role }>;

const SCREENSHOTS = new URL('./screenshots/', import.meta.url).pathname;

export async function startWebEnvironment(dags: Record<string, string>): Promise<WebEnvironment> {
  const database = await createTestDatabase();
  const redis: TestRedis = createTestRedis();
  const dagsFolder = mkdtempSync(join(tmpdir(), 'weir-e2e-dags-'));
  for (const [name, source] of Object.entries(dags)) writeFileSync(join(dagsFolder, name), source);
  const port = await freePort();
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
    WEIR_BASE_URL: `http://127.0.0.1:${port}`,
  };
  const sql = createRawSql(database.url);
  const users = new Users(sql);
  for (const user of Object.values(USERS))
    await users.create({ username: user.username, password: user.password, role: user.role });
  await sql.end();
  const children: { child: ChildProcess; output: () => string }[] = [
    startWeir(['scheduler'], env),
    startWeir(['worker'], env),
    startWeir(['web'], env),
  ];
  const url = `http://127.0.0.1:${port}`;
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
  const browser = await chromium.launch({
    executablePath: process.env.WEIR_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    url,
    env,
    database,
    dagsFolder,
    browser,
    async page(options = {}) {
      const context = await browser.newContext({
        viewport: { width: 1440, height: 900 },
        ...(options.colorScheme ? { colorScheme: options.colorScheme } : {}),
        // As if behind a proxy: the login limiter counts attempts per address.
        ...(options.forwardedFor ? { extraHTTPHeaders: { 'x-forwarded-for': options.forwardedFor } } : {}),
      });
      return context.newPage();
    },
    async signIn(page, username, password) {
      await page.goto(`${url}/login`);
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    },
    async screenshot(page, name) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    output: () => children.map((c) => c.output()).join('\n'),
    async close() {
      await browser.close().catch(() => undefined);
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
      await database.drop();
      await redis.cleanup();
      rmSync(dagsFolder, { recursive: true, force: true });
    },
  };
}
