// The operator's actions in a real browser, against a real scheduler and worker: the trigger
// form generated from a DAG's params (a bad value gets the engine's message next to its field,
// the same one `weir dags trigger --conf` prints; a good one lands on the grid with the new
// run), pausing from the DAG list, clearing a failed task after its preview and watching it
// retry and succeed, marking a running task success; and a viewer who sees none of it.
// Screenshots of each page, light and dark, go to e2e/screenshots/.
import { runWeir } from '@weir/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebEnvironment, USERS, type WebEnvironment } from './web.ts';

const DAGS = {
  'typed.ts': `
import { dag, z } from '@weir/sdk';
export default dag({
  id: 'typed_load',
  description: 'loads rows of a region',
  params: z.object({
    rows: z.number().int().min(1).default(10).describe('how many rows to load'),
    region: z.enum(['eu', 'us']).default('eu'),
    note: z.string().optional(),
    dryRun: z.boolean().default(false),
    tables: z.array(z.string()).default(['sales']),
  }),
}, (d) => {
  d.task('load', async (ctx) => { ctx.log.info('loading ' + ctx.params.rows + ' rows of ' + ctx.params.region); return ctx.params.rows; });
});
`,
  // Fails on its first try (retries: 0), succeeds once cleared.
  'flaky.ts': `
import { dag } from '@weir/sdk';
export default dag({ id: 'flaky' }, (d) => {
  const load = d.task('load', async (ctx) => {
    if (ctx.tryNumber === 1) throw new Error('the warehouse was busy');
    return 'loaded';
  });
  d.task('report', { after: [load] }, async () => 'reported');
});
`,
  // wait holds its try for a minute: the test marks it success while it runs.
  'gate.ts': `
import { setTimeout as sleep } from 'node:timers/promises';
import { dag } from '@weir/sdk';
export default dag({ id: 'gate' }, (d) => {
  const wait = d.task('wait', async (ctx) => { await sleep(60_000, undefined, { signal: ctx.signal }).catch(() => undefined); return 1; });
  d.task('after', { after: [wait] }, async () => 'ran');
});
`,
};

describe('operator actions in the web UI', () => {
  let web: WebEnvironment;
  beforeAll(async () => {
    web = await startWebEnvironment(DAGS);
  });
  afterAll(async () => {
    await web?.close();
  });

  // Each user signs in once (the login limiter allows 5 attempts a minute per user); later pages
  // get that session's cookies.
  const sessions = new Map<string, Awaited<ReturnType<BrowserContext['cookies']>>>();
  const signedIn = async (user: { username: string; password: string }, colorScheme?: 'light' | 'dark') => {
    const page = await web.page(colorScheme ? { colorScheme } : {});
    const cookies = sessions.get(user.username);
    if (cookies) {
      await page.context().addCookies(cookies);
      return page;
    }
    await web.signIn(page, user.username, user.password);
    await page.waitForURL(`${web.url}/`);
    sessions.set(user.username, await page.context().cookies());
    return page;
  };
  /** Reloads until the task's cell in the DAG's grid shows the state. */
  const gridShows = async (page: Page, dagId: string, taskId: string, state: string) => {
    await expect
      .poll(
        async () => {
          await page.goto(`${web.url}/dags/${dagId}`);
          return page.getByLabel(`${taskId} ${state}`).count();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBeGreaterThan(0);
  };
  const escaped = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const createdRun = (stdout: string) => /created run (\S+)/.exec(stdout)?.[1] ?? '';
  const waitForDag = async (page: Page, dagId: string) => {
    await expect
      .poll(
        async () => {
          await page.goto(`${web.url}/dags`);
          return page.getByRole('link', { name: dagId, exact: true }).count();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe(1);
  };

  it('triggers a DAG through its params form: a bad value is refused by field, a good one shows in the grid', async () => {
    const page = await signedIn(USERS.operator);
    await waitForDag(page, 'typed_load');
    await page.goto(`${web.url}/dags/typed_load`);
    await page.getByRole('link', { name: 'Trigger', exact: true }).click();
    await page.waitForURL(`${web.url}/dags/typed_load/trigger`);
    // Typed fields with their defaults.
    expect(await page.getByLabel(/^rows/).inputValue()).toBe('10');
    expect(await page.getByLabel(/^region/).inputValue()).toBe('eu');
    expect(await page.getByLabel(/^dryRun/).isChecked()).toBe(false);
    expect(JSON.parse(await page.getByLabel(/^tables/).inputValue())).toEqual(['sales']);
    await web.screenshot(page, 'trigger-form');

    await page.getByLabel(/^rows/).fill('0');
    await page.getByRole('button', { name: 'Trigger' }).click();
    await expect.poll(() => page.locator('#param-rows-error').textContent()).toMatch(/>=\s*1/);
    expect(await page.locator('.field-error').count()).toBe(1);
    // The same validation, so the same message, as the CLI's.
    const cli = await runWeir(['dags', 'trigger', 'typed_load', '--conf', '{"rows":0}'], web.env);
    expect(cli.code).toBe(1);
    const banner = await page.locator('.trigger-form > [role=alert]').textContent();
    expect(cli.stderr.trim()).toBe(`weir: ${banner}`);
    // What was typed stays.
    expect(await page.getByLabel(/^rows/).inputValue()).toBe('0');
    await web.screenshot(page, 'trigger-form-error');
    const dark = await signedIn(USERS.operator, 'dark');
    await dark.goto(`${web.url}/dags/typed_load/trigger`);
    await dark.getByLabel(/^tables/).fill('[sales');
    await dark.getByRole('button', { name: 'Trigger' }).click();
    await expect.poll(() => dark.locator('#param-tables-error').textContent()).toMatch(/^not valid JSON/);
    await web.screenshot(dark, 'trigger-form-error-dark');

    await page.getByLabel(/^rows/).fill('5');
    await page.getByLabel(/^region/).selectOption('us');
    await page.getByRole('button', { name: 'Trigger' }).click();
    await page.waitForURL(/\/dags\/typed_load\?triggered=/);
    const runId = new URL(page.url()).searchParams.get('triggered') ?? '';
    expect(runId).toMatch(/^manual__/);
    expect(await page.getByRole('status').textContent()).toContain(runId);
    expect(await page.getByLabel(`run ${runId}`, { exact: false }).count()).toBe(1);
    expect(
      await page
        .getByRole('row', { name: escaped(runId) })
        .getByText('manual', { exact: true })
        .count(),
    ).toBe(1);
    await gridShows(page, 'typed_load', 'load', 'success');
    const run = await web.database.db.dagRun.findFirstOrThrow({ where: { dagId: 'typed_load', runId } });
    expect(run.conf).toEqual({ rows: 5, region: 'us', dryRun: false, tables: ['sales'] });
    expect(run.triggeredBy).toBe(USERS.operator.username);
    // The runs list under the grid, filtered by state in the URL.
    await page.goto(`${web.url}/dags/typed_load?state=success`);
    expect(
      await page
        .locator('table.runs')
        .getByRole('row', { name: escaped(runId) })
        .count(),
    ).toBe(1);
    await page.goto(`${web.url}/dags/typed_load?state=failed`);
    expect(await page.getByText('No failed runs.').count()).toBe(1);
    await page.goto(`${web.url}/dags/typed_load?triggered=${encodeURIComponent(runId)}`);
    await web.screenshot(page, 'dag-page-runs');
    await dark.goto(`${web.url}/dags/typed_load?triggered=${encodeURIComponent(runId)}`);
    await web.screenshot(dark, 'dag-page-runs-dark');
    const audit = await web.database.db.$queryRaw<{ actor: string }[]>`
      SELECT actor FROM audit_log WHERE action = 'dag.trigger' AND run_id = ${runId}`;
    expect(audit).toEqual([{ actor: USERS.operator.username }]);
    await dark.context().close();
    await page.context().close();
  });

  it('pauses and unpauses a DAG from the list', async () => {
    const page = await signedIn(USERS.operator);
    await waitForDag(page, 'gate');
    const row = page.getByRole('row', { name: /^gate/ });
    await row.getByRole('button', { name: 'Pause gate', exact: true }).click();
    await expect.poll(() => row.getByRole('button', { name: 'Unpause gate', exact: true }).count()).toBe(1);
    expect(await row.getByText('paused', { exact: true }).count()).toBe(1);
    expect((await web.database.db.dag.findUniqueOrThrow({ where: { dagId: 'gate' } })).isPaused).toBe(true);
    await web.screenshot(page, 'dag-list-actions');
    await row.getByRole('button', { name: 'Unpause gate', exact: true }).click();
    await expect.poll(() => row.getByRole('button', { name: 'Pause gate', exact: true }).count()).toBe(1);
    expect((await web.database.db.dag.findUniqueOrThrow({ where: { dagId: 'gate' } })).isPaused).toBe(false);
    const audit = await web.database.db.$queryRaw<{ action: string }[]>`
      SELECT action FROM audit_log WHERE dag_id = 'gate' ORDER BY id`;
    expect(audit.map((a) => a.action)).toEqual(['dag.pause', 'dag.unpause']);
    await page.context().close();
  });

  it('clears a failed task after previewing what it clears, and it retries and succeeds', async () => {
    const page = await signedIn(USERS.operator);
    await waitForDag(page, 'flaky');
    const trigger = await runWeir(['dags', 'trigger', 'flaky'], web.env);
    expect(trigger.code, trigger.stderr).toBe(0);
    const runId = createdRun(trigger.stdout);
    await gridShows(page, 'flaky', 'report', 'upstream_failed');
    await page.getByLabel('load failed').first().click();
    await page.waitForURL(/\/tasks\/load/);
    expect(await page.getByText('the warehouse was busy').count()).toBeGreaterThan(0);
    await web.screenshot(page, 'task-instance-actions');

    // downstream is on by default: the preview lists load and report, and nothing is changed yet.
    await page.getByRole('button', { name: 'Clear…' }).click();
    const preview = page.getByRole('region', { name: 'clear preview' });
    await expect.poll(() => preview.getByRole('heading').textContent()).toContain('Clear 2 task instances?');
    expect(await preview.getByRole('row', { name: /load\s.*failed/ }).count()).toBe(1);
    expect(await preview.getByRole('row', { name: /report\s.*upstream_failed/ }).count()).toBe(1);
    await web.screenshot(page, 'clear-preview');
    const dark = await signedIn(USERS.operator, 'dark');
    await dark.goto(page.url());
    await web.screenshot(dark, 'clear-preview-dark');
    await dark.goto(page.url().replace(/\?.*$/, ''));
    await web.screenshot(dark, 'task-instance-actions-dark');
    await dark.context().close();
    const run = await web.database.db.dagRun.findFirstOrThrow({ where: { dagId: 'flaky', runId } });
    expect(run.state).toBe('failed');
    // Only failed, without downstream: load alone.
    await page.getByRole('link', { name: 'Cancel' }).click();
    await page.getByLabel('downstream').first().uncheck();
    await page.getByLabel('only failed').check();
    await page.getByRole('button', { name: 'Clear…' }).click();
    await expect.poll(() => preview.getByRole('heading').textContent()).toContain('Clear 1 task instance?');
    await page.getByRole('link', { name: 'Cancel' }).click();

    // Back to the defaults (downstream on): load and report.
    await page.getByRole('button', { name: 'Clear…' }).click();
    await preview.getByRole('button', { name: 'Confirm clear' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^Cleared 2 task instances/);
    await gridShows(page, 'flaky', 'report', 'success');
    await page.getByLabel('load success').first().click();
    await expect.poll(() => page.getByRole('row', { name: /#2\s+success/ }).count()).toBe(1);
    expect(await page.getByRole('row', { name: /#1\s+failed/ }).count()).toBe(1);
    const audit = await web.database.db.$queryRaw<{ actor: string; task_id: string }[]>`
      SELECT actor, task_id FROM audit_log WHERE action = 'task.clear' AND run_id = ${runId}`;
    expect(audit).toEqual([{ actor: USERS.operator.username, task_id: 'load' }]);
    await page.context().close();
  });

  it('marks a running task success, and its downstream runs', async () => {
    const page = await signedIn(USERS.operator);
    await waitForDag(page, 'gate');
    const trigger = await runWeir(['dags', 'trigger', 'gate'], web.env);
    expect(trigger.code, trigger.stderr).toBe(0);
    const runId = createdRun(trigger.stdout);
    await gridShows(page, 'gate', 'wait', 'running');
    await page.goto(`${web.url}/dags/gate/runs/${encodeURIComponent(runId)}/tasks/wait`);
    await page.getByRole('button', { name: 'Mark success' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Marked 1 task instance success.');
    await gridShows(page, 'gate', 'after', 'success');
    const ti = await web.database.db.taskInstance.findFirstOrThrow({
      where: { dagRun: { dagId: 'gate', runId }, taskId: 'wait' },
      include: { attempts: true },
    });
    expect(ti.state).toBe('success');
    expect(ti.attempts.map((a) => a.outcome)).toEqual(['marked_success']);
    await page.context().close();
  });

  it('shows a viewer no Trigger, Pause, Clear or Mark controls', async () => {
    const page = await signedIn(USERS.viewer);
    await page.goto(`${web.url}/dags`);
    await expect.poll(() => page.getByRole('link', { name: 'typed_load' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: /^(Pause|Unpause) / }).count()).toBe(0);
    await page.goto(`${web.url}/dags/flaky`);
    expect(await page.getByRole('link', { name: 'Trigger', exact: true }).count()).toBe(0);
    expect(
      await page
        .getByRole('button')
        .filter({ hasText: /Pause|Unpause/ })
        .count(),
    ).toBe(0);
    await page.getByLabel('load success').first().click();
    await page.waitForURL(/\/tasks\/load/);
    await expect.poll(() => page.getByRole('heading', { name: /^load/ }).count()).toBe(1);
    for (const name of ['Clear…', 'Confirm clear', 'Mark success', 'Mark failed'])
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    // A preview URL shows no preview either.
    await page.goto(`${page.url().replace(/\?.*$/, '')}?clear=preview&downstream=on`);
    expect(await page.getByRole('region', { name: 'clear preview' }).count()).toBe(0);
    await page.goto(`${web.url}/dags/typed_load/trigger`);
    expect(await page.getByText('may not trigger runs').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Trigger' }).count()).toBe(0);
    await page.context().close();
  });
});
