// The web UI in a real browser: signing in (and being refused), pages redirecting to login and
// the API answering 401 when signed out, the dashboard and DAG list showing the system's state
// (a broken DAG file's import error among them), a task's failure reaching the alerts page, and
// the viewer role seeing no buttons while its direct API call gets 403.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebEnvironment, USERS, type WebEnvironment } from './web.ts';

const DAGS = {
  'nightly.ts': `
import { dag } from '@weir/sdk';
export default dag({ id: 'nightly_sales', description: 'loads the day of sales', owner: 'data', tags: ['sales'] }, (d) => {
  const extract = d.task('extract', async (ctx) => { ctx.log.info('extracted 42 rows'); return 42; });
  d.task('load', { after: [extract] }, async () => { throw new Error('warehouse refused the load: permission denied'); });
});
`,
  'broken.ts': `import { dag } from '@weir/sdk';\nexport default dag({ id: 'broken' }, (d) => { d.task('x', async () => 1) ;\n`,
};

describe('the web UI', () => {
  let web: WebEnvironment;
  beforeAll(async () => {
    web = await startWebEnvironment(DAGS);
  });
  afterAll(async () => {
    await web?.close();
  });

  it('sends a signed-out browser to the login page and answers the API with 401', async () => {
    const page = await web.page();
    await page.goto(`${web.url}/dags`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/dags');
    await web.screenshot(page, 'login');
    const api = await fetch(`${web.url}/api/v1/dags`);
    expect(api.status).toBe(401);
    expect((await api.json()).error.code).toBe('unauthenticated');
    expect((await fetch(`${web.url}/api/health`)).status).toBe(200);
    await page.context().close();
  });

  it('refuses a wrong password, and limits fast attempts', async () => {
    const page = await web.page({ forwardedFor: '203.0.113.7' });
    await web.signIn(page, USERS.target.username, 'not-the-password');
    await expect
      .poll(() => page.locator('form [role=alert]').textContent())
      .toContain('wrong username or password');
    for (let i = 0; i < 5; i++) {
      await page.getByLabel('Password').fill(`wrong-${i}`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      // Each answer before the next attempt (the button says "Signing in…" while one is pending).
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
    }
    await expect
      .poll(() => page.locator('form [role=alert]').textContent(), { timeout: 20_000 })
      .toMatch(/too many sign-in attempts/);
    await page.context().close();
  });

  it('signs in, shows the dashboard, the DAG list with the import error, and the failure on the alerts page', async () => {
    const page = await web.page();
    await web.signIn(page, USERS.operator.username, USERS.operator.password);
    await page.waitForURL(`${web.url}/`);
    await expect.poll(() => page.getByText('Dashboard').first().isVisible()).toBe(true);
    await web.screenshot(page, 'dashboard');
    await page.goto(`${web.url}/dags`);
    await expect
      .poll(() => page.getByText('nightly_sales').first().isVisible(), { timeout: 30_000 })
      .toBe(true);
    await expect.poll(() => page.getByLabel('import errors').textContent()).toContain('broken.ts');
    await web.screenshot(page, 'dag-list');
    // A failing run raises an incident that the alerts page lists, with its task instance's link.
    const trigger = await import('@weir/testing').then(({ runWeir }) =>
      runWeir(['dags', 'trigger', 'nightly_sales'], web.env),
    );
    expect(trigger.code, trigger.stderr).toBe(0);
    await expect
      .poll(
        async () => {
          await page.goto(`${web.url}/alerts?state=open`);
          await web.screenshot(page, 'alerts-waiting');
          return page.getByText('task load of nightly_sales failed').count();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe(1);
    await web.screenshot(page, 'alerts');
    await page.getByText('task load of nightly_sales failed').click();
    await expect.poll(() => page.getByText('warehouse refused the load').first().isVisible()).toBe(true);
    await web.screenshot(page, 'task-instance');
    await page.goto(`${web.url}/alerts?state=open`);
    await page
      .getByRole('row', { name: /task load of nightly_sales failed/ })
      .getByRole('button', { name: 'Acknowledge' })
      .click();
    await expect
      .poll(async () => {
        await page.goto(`${web.url}/alerts?state=acknowledged`);
        return page.getByText('task load of nightly_sales failed').count();
      })
      .toBe(1);
    const dark = await web.page({ colorScheme: 'dark' });
    await web.signIn(dark, USERS.admin.username, USERS.admin.password);
    await dark.waitForURL(`${web.url}/`);
    await dark.goto(`${web.url}/dags/nightly_sales`);
    await web.screenshot(dark, 'dag-grid-dark');
    await dark.goto(`${web.url}/`);
    await web.screenshot(dark, 'dashboard-dark');
    await dark.context().close();
    await page.context().close();
  });

  it('keeps an open page live: a new run shows in the grid without a reload', async () => {
    const page = await web.page();
    await web.signIn(page, USERS.viewer.username, USERS.viewer.password);
    await page.waitForURL(`${web.url}/`);
    await page.goto(`${web.url}/dags/nightly_sales`);
    await expect.poll(() => page.locator('.live.on').count(), { timeout: 15_000 }).toBe(1);
    const before = await page.locator('table.grid thead .sq').count();
    const { runWeir } = await import('@weir/testing');
    const trigger = await runWeir(['dags', 'trigger', 'nightly_sales'], web.env);
    expect(trigger.code, trigger.stderr).toBe(0);
    // No page.goto or reload from here: the page follows the run by itself.
    await expect
      .poll(() => page.locator('table.grid thead .sq').count(), { timeout: 20_000 })
      .toBe(before + 1);
    await expect
      .poll(() => page.locator('table.grid thead .sq.failed').count(), { timeout: 30_000 })
      .toBe(before + 1);
    await page.context().close();
  });

  it('shows a viewer no buttons, and refuses its API call with 403', async () => {
    const page = await web.page();
    await web.signIn(page, USERS.viewer.username, USERS.viewer.password);
    await page.waitForURL(`${web.url}/`);
    await page.goto(`${web.url}/alerts`);
    await expect.poll(() => page.getByText('nightly_sales').first().isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Resolve' }).count()).toBe(0);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'weir_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');
    const alerts = await fetch(`${web.url}/api/v1/alerts`, {
      headers: { cookie: `weir_session=${session?.value}` },
    });
    expect(alerts.status).toBe(200);
    const [first] = (await alerts.json()).alerts as { id: number }[];
    const cookie = `weir_session=${session?.value}`;
    const noCsrf = await fetch(`${web.url}/api/v1/alerts/${first?.id}/acknowledge`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': 'wrong' },
    });
    expect(noCsrf.status).toBe(403);
    expect((await noCsrf.json()).error.code).toBe('csrf');
    const me = await (await fetch(`${web.url}/api/v1/auth/session`, { headers: { cookie } })).json();
    expect(me).toMatchObject({ username: USERS.viewer.username, role: 'viewer' });
    const ack = await fetch(`${web.url}/api/v1/alerts/${first?.id}/acknowledge`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': me.csrfToken },
    });
    expect(ack.status).toBe(403);
    expect((await ack.json()).error.code).toBe('forbidden');
    const bad = await fetch(`${web.url}/api/v1/alerts?state=bogus`, { headers: { cookie } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe('state');
    await page.context().close();
  });
});
