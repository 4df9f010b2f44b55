// The admin and operations pages in a real browser, against a real scheduler and worker: an
// admin creates a secret variable and a connection with a password, and neither the pages nor
// the API ever show the secret again; a viewer sees no edit controls and the API refuses them;
// the Pools page shows a pool's usage bar filling as tasks run in it; the audit log lists each
// change with its user; an admin creates a user and an API token, shown once and usable as a
// Bearer token. Screenshots of each page, light and dark at 1366×800, go to e2e/screenshots/.
import { createDb } from '@weir/db';
import { ConnectionStore, connectionBox } from '@weir/engine';
import { runWeir, TEST_SECRET_KEY } from '@weir/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebEnvironment, USERS, type WebEnvironment } from './web.ts';

const DAGS = {
  // Three tasks in the exports pool, one slot each; each holds its slot until cancelled.
  'pooled.ts': `
import { setTimeout as sleep } from 'node:timers/promises';
import { dag } from '@weir/sdk';
export default dag({ id: 'pooled' }, (d) => {
  for (const id of ['a', 'b', 'c'])
    d.task(id, { pool: 'exports' }, async (ctx) => { await sleep(120_000, undefined, { signal: ctx.signal }).catch(() => undefined); });
});
`,
};

const VARIABLE_SECRET = 'hunter2-variable-secret';
const PASSWORD = 'pa55-connection-secret';
const EXTRA_SECRET = 'xyz-extra-secret';
const SECRETS = [VARIABLE_SECRET, PASSWORD, EXTRA_SECRET];

describe('admin and operations pages', () => {
  let web: WebEnvironment;
  beforeAll(async () => {
    web = await startWebEnvironment(DAGS);
  });
  afterAll(async () => {
    await web?.close();
  });

  /** The banner of the page's form after its action answered. */
  const banner = async (page: Page, expected: RegExp) =>
    expect
      .poll(async () => (await page.locator('.admin-form .banner').allTextContents()).join(' | '), {
        timeout: 20_000,
        interval: 250,
      })
      .toMatch(expected);
  const noSecretIn = (text: string, where: string) => {
    for (const secret of SECRETS) expect(text, `${where} shows a secret`).not.toContain(secret);
  };
  const shoot = async (path: string, name: string) => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await web.signedIn(USERS.admin, scheme);
      await page.goto(`${web.url}${path}`);
      await web.screenshot(page, `admin-${name}-${scheme}`);
      await page.context().close();
    }
  };

  it('creates a secret variable whose value is never shown again, not even to the admin', async () => {
    const page = await web.signedIn(USERS.admin);
    await page.goto(`${web.url}/variables`);
    await page.getByLabel('Key').fill('warehouse_password');
    await page.getByLabel('Value').fill(VARIABLE_SECRET);
    await page.getByLabel('Description').fill('the loader’s password');
    await page.getByRole('button', { name: 'Create variable' }).click();
    await banner(page, /warehouse_password created/);
    // The form does not keep what was typed either.
    expect(await page.getByLabel('Value').inputValue()).toBe('');
    await page.getByLabel('Key').fill('region');
    await page.getByLabel('Value').fill('eu');
    await page.getByRole('button', { name: 'Create variable' }).click();
    await banner(page, /region created/);
    // A duplicate key is refused next to the field.
    await page.getByLabel('Key').fill('region');
    await page.getByLabel('Value').fill('us');
    await page.getByRole('button', { name: 'Create variable' }).click();
    await banner(page, /already exists/);
    expect(await page.locator('#var-key-error').textContent()).toMatch(/already exists/);

    await page.goto(`${web.url}/variables`);
    const row = page.getByRole('row', { name: /warehouse_password/ });
    expect(await row.textContent()).toContain('••• (set)');
    expect(await page.getByRole('row', { name: /region/ }).textContent()).toContain('"eu"');
    noSecretIn(await page.content(), '/variables');
    await page.getByRole('link', { name: 'Edit warehouse_password' }).click();
    await page.waitForURL(/edit=warehouse_password/);
    expect(await page.getByLabel('Value of warehouse_password').inputValue()).toBe('');
    noSecretIn(await page.content(), '/variables?edit=warehouse_password');
    // Saving the description with the value left empty keeps the secret.
    await page.getByLabel('Description').fill('rotated yearly');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(`${web.url}/variables`);
    expect(await page.getByRole('row', { name: /warehouse_password/ }).textContent()).toContain(
      'rotated yearly',
    );
    const api = await page.request.get(`${web.url}/api/v1/variables`);
    const text = await api.text();
    noSecretIn(text, 'GET /api/v1/variables');
    expect(JSON.parse(text).variables).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'warehouse_password', value: '***' })]),
    );
    const stored = await runWeir(['variables', 'get', 'warehouse_password', '--reveal'], web.env);
    expect(stored.stdout.trim()).toBe(JSON.stringify(VARIABLE_SECRET));
  });

  it('creates a connection whose password and extra are write-only', async () => {
    const page = await web.signedIn(USERS.admin);
    await page.goto(`${web.url}/connections`);
    await page.getByLabel('Connection id').fill('warehouse');
    await page.getByLabel('Type').fill('postgres');
    await page.getByLabel('Host').fill('db.example');
    await page.getByLabel('Port').fill('5432');
    await page.getByLabel('Login').fill('loader');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Extra (JSON object, write-only)').fill(`{"api_key": "${EXTRA_SECRET}"}`);
    await page.getByRole('button', { name: 'Create connection' }).click();
    await banner(page, /warehouse created/);
    noSecretIn(await page.content(), '/connections after create');
    await page.goto(`${web.url}/connections`);
    const row = page.getByRole('row', { name: /warehouse/ });
    expect(await row.textContent()).toMatch(/db\.example.*5432.*loader.*••• \(set\).*••• \(set\)/);
    await page.getByRole('link', { name: 'Edit warehouse' }).click();
    await page.waitForURL(/edit=warehouse/);
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    noSecretIn(await page.content(), '/connections?edit=warehouse');
    // A new host with the password left empty keeps the password.
    await page.getByLabel('Host').fill('db2.example');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(`${web.url}/connections`);
    expect(await page.getByRole('row', { name: /warehouse/ }).textContent()).toContain('db2.example');
    const api = await page.request.get(`${web.url}/api/v1/connections`);
    const text = await api.text();
    noSecretIn(text, 'GET /api/v1/connections');
    expect(JSON.parse(text).connections).toEqual([
      expect.objectContaining({ id: 'warehouse', host: 'db2.example', hasPassword: true, hasExtra: true }),
    ]);
    // What a task would read: the password and extra as typed, sealed in the database.
    const db = createDb(web.env.DATABASE_URL as string);
    try {
      const stored = await new ConnectionStore(db, connectionBox(TEST_SECRET_KEY)).get('warehouse');
      expect(stored).toMatchObject({
        host: 'db2.example',
        password: PASSWORD,
        extra: { api_key: EXTRA_SECRET },
      });
    } finally {
      await db.$disconnect();
    }
  });

  it('shows a viewer values but no edit controls, and the API refuses a viewer’s change', async () => {
    const page = await web.signedIn(USERS.viewer);
    await page.goto(`${web.url}/variables`);
    expect(await page.getByRole('row', { name: /region/ }).textContent()).toContain('"eu"');
    expect(await page.getByRole('row', { name: /warehouse_password/ }).textContent()).toContain('••• (set)');
    expect(await page.getByRole('button', { name: /Create variable|Delete|Save/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: /^Edit/ }).count()).toBe(0);
    noSecretIn(await page.content(), '/variables as viewer');
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Connections' }).count()).toBe(0);
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Users' }).count()).toBe(0);
    await page.goto(`${web.url}/connections`);
    expect(await page.getByText('Only admins see connections').count()).toBe(1);
    noSecretIn(await page.content(), '/connections as viewer');
    await page.goto(`${web.url}/pools`);
    expect(await page.getByRole('button', { name: /Resize|Create pool|Delete/ }).count()).toBe(0);
    const session = await (await page.request.get(`${web.url}/api/v1/auth/session`)).json();
    const refused = await page.request.post(`${web.url}/api/v1/variables`, {
      headers: { 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' },
      data: { key: 'sneaky', value: 1 },
    });
    expect(refused.status()).toBe(403);
    expect((await refused.json()).error.code).toBe('forbidden');
    const patch = await page.request.patch(`${web.url}/api/v1/connections/warehouse`, {
      headers: { 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' },
      data: { host: 'evil.example' },
    });
    expect(patch.status()).toBe(403);
    await page.context().close();
  });

  it('shows a pool’s usage bar filling as its tasks run, and resizes it', async () => {
    const page = await web.signedIn(USERS.admin);
    await page.goto(`${web.url}/pools`);
    await page.getByLabel('Name', { exact: true }).fill('exports');
    await page.getByLabel('Slots', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Create pool' }).click();
    await banner(page, /exports created with 2 slots/);
    const trigger = await runWeir(['dags', 'trigger', 'pooled'], web.env);
    expect(trigger.code, trigger.stderr).toBe(0);
    const meter = () => page.getByRole('meter', { name: 'usage of exports' });
    await expect
      .poll(
        async () => {
          await page.goto(`${web.url}/pools`);
          return meter().getAttribute('aria-valuetext');
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe('2 running, 0 queued, 0 open of 2 slots');
    // Full: the running segment spans the bar.
    const [bar, running] = await Promise.all([
      meter().boundingBox(),
      meter().locator('.usage-running').boundingBox(),
    ]);
    expect(running?.width ?? 0).toBeGreaterThan((bar?.width ?? 0) * 0.9);
    await web.screenshot(page, 'admin-pools-full');
    await page.getByLabel('Slots of exports').fill('4');
    await page
      .getByRole('row', { name: /exports/ })
      .getByRole('button', { name: 'Resize' })
      .click();
    await expect
      .poll(
        async () => {
          await page.goto(`${web.url}/pools`);
          return meter().getAttribute('aria-valuetext');
        },
        { timeout: 60_000, interval: 1_000 },
      )
      // The third task may wait for the scheduler's next look at the pool: the new size is what counts.
      // (with two worker slots, it may sit queued for a worker).
      .toMatch(/^(2 running, 0 queued, 2|2 running, 1 queued, 1|3 running, 0 queued, 1) open of 4 slots$/);
    await shoot('/pools', 'pools');
  });

  it('creates a user and an API token that is shown once and works as a Bearer token', async () => {
    const page = await web.signedIn(USERS.admin);
    await page.goto(`${web.url}/users`);
    await page.getByLabel('Username', { exact: true }).fill('newbie');
    await page.getByLabel('Role', { exact: true }).selectOption('operator');
    await page.getByLabel('Password', { exact: true }).fill('newbie-password-1');
    await page.getByLabel('Password again').fill('newbie-password-1');
    await page.getByRole('button', { name: 'Create user' }).click();
    await banner(page, /newbie created \(operator\)/);
    expect(await page.content()).not.toContain('newbie-password-1');
    await page.goto(`${web.url}/users`);
    expect(await page.getByLabel('Role of newbie', { exact: true }).inputValue()).toBe('operator');
    await page.getByLabel('Role of newbie', { exact: true }).selectOption('viewer');
    await page.getByRole('button', { name: 'Set role of newbie' }).click();
    await expect
      .poll(
        async () => {
          await page.goto(`${web.url}/users`);
          return page.getByLabel('Role of newbie', { exact: true }).inputValue();
        },
        { timeout: 20_000 },
      )
      .toBe('viewer');

    await page.goto(`${web.url}/tokens`);
    await page.getByLabel('Name', { exact: true }).fill('ci');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.locator('#new-token');
    await banner(page, /created for ada \(admin\)/);
    expect(await shown.count()).toBe(1);
    const token = await shown.inputValue();
    expect(token).toMatch(/^weir_/);
    await web.screenshot(page, 'admin-tokens-created');
    const asBearer = await fetch(`${web.url}/api/v1/auth/session`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(asBearer.status).toBe(200);
    expect(await asBearer.json()).toMatchObject({
      username: USERS.admin.username,
      role: 'admin',
      via: 'token',
    });
    // Shown once: the list has its first characters only.
    await page.goto(`${web.url}/tokens`);
    const html = await page.content();
    expect(html).not.toContain(token);
    expect(html).toContain(token.slice(0, 12));
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: /Revoke ci/ }).click();
    await expect
      .poll(
        async () =>
          (await fetch(`${web.url}/api/v1/auth/session`, { headers: { authorization: `Bearer ${token}` } }))
            .status,
        { timeout: 20_000 },
      )
      .toBe(401);
  });

  it('lists every change in the audit log with its user, filtered by user and action', async () => {
    const page = await web.signedIn(USERS.admin);
    await page.goto(`${web.url}/audit`);
    const html = await page.content();
    noSecretIn(html, '/audit');
    for (const action of [
      'variable.create',
      'variable.update',
      'connection.create',
      'connection.update',
      'pool.set',
      'user.create',
      'user.set_role',
      'token.create',
      'token.revoke',
    ])
      expect(
        await page
          .getByRole('row', { name: new RegExp(`${USERS.admin.username}.*${action.replace('.', '\\.')}`) })
          .count(),
        action,
      ).toBeGreaterThan(0);
    await page.getByLabel('who', { exact: true }).selectOption(USERS.admin.username);
    await page.getByLabel('action', { exact: true }).selectOption('variable');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/actor=ada&action=variable/);
    const rows = page.locator('table.audit tbody tr');
    // Two variables created, one edited.
    expect(await rows.count()).toBe(3);
    for (const text of await rows.allTextContents()) expect(text).toMatch(/ada.*variable\.(create|update)/);
  });

  it('looks right in light and dark mode', async () => {
    await shoot('/variables', 'variables');
    await shoot('/variables?edit=warehouse_password', 'variables-edit');
    await shoot('/connections', 'connections');
    await shoot('/connections?edit=warehouse', 'connections-edit');
    await shoot('/audit', 'audit');
    await shoot('/users', 'users');
    await shoot('/tokens', 'tokens');
  });
});
