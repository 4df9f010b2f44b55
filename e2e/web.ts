// Owns what browser tests run against: a private database with users, `weir web` on a free port
// (the production build), a `weir scheduler` and `weir worker` on a DAG folder, and Chromium.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Role, Users } from '@weir/auth';
import { launchChromium, type TestDatabase } from '@weir/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startWeirStack } from './stack.ts';

export interface WebEnvironment {
  readonly url: string;
  readonly env: Record<string, string>;
  readonly database: TestDatabase;
  readonly dagsFolder: string;
  readonly browser: Browser;
  /** A new page of a new context (no cookies), at laptop size, in the OS's colour scheme or the given one. */
  page(options?: { colorScheme?: 'light' | 'dark'; forwardedFor?: string }): Promise<Page>;
  signIn(page: Page, username: string, password: string): Promise<void>;
  /**
   * A new page at 1366x800 signed in as the user. Each user signs in once (the login limiter
   * allows 5 attempts a minute per user); later pages reuse that session's cookies.
   */
  signedIn(user: { username: string; password: string }, colorScheme?: 'light' | 'dark'): Promise<Page>;
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
  const stack = await startWeirStack(dags, async (sql) => {
    const users = new Users(sql);
    for (const user of Object.values(USERS))
      await users.create({ username: user.username, password: user.password, role: user.role });
  });
  const { url } = stack;
  const browser = await launchChromium();
  const sessions = new Map<string, Awaited<ReturnType<BrowserContext['cookies']>>>();
  const newPage: WebEnvironment['page'] = async (options = {}) => {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      ...(options.colorScheme ? { colorScheme: options.colorScheme } : {}),
      // As if behind a proxy: the login limiter counts attempts per address.
      ...(options.forwardedFor ? { extraHTTPHeaders: { 'x-forwarded-for': options.forwardedFor } } : {}),
    });
    return context.newPage();
  };
  const signIn: WebEnvironment['signIn'] = async (page, username, password) => {
    await page.goto(`${url}/login`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  return {
    url,
    env: stack.env,
    database: stack.database,
    dagsFolder: stack.dagsFolder,
    browser,
    page: newPage,
    signIn,
    async signedIn(user, colorScheme) {
      const page = await newPage(colorScheme ? { colorScheme } : {});
      await page.setViewportSize({ width: 1366, height: 800 });
      const cookies = sessions.get(user.username);
      if (cookies) {
        await page.context().addCookies(cookies);
        return page;
      }
      await signIn(page, user.username, user.password);
      await page.waitForURL(`${url}/`);
      sessions.set(user.username, await page.context().cookies());
      return page;
    },
    async screenshot(page, name) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    output: stack.output,
    async close() {
      await browser.close().catch(() => undefined);
      await stack.close();
    },
  };
}
