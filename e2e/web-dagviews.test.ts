// A DAG page's secondary views and the cross-DAG lists in a real browser, against a real
// scheduler and worker: the details page says the schedule in words; the code page shows the
// file's source and, once the file changes, a diff between the two versions; a backfill's dry
// run lists its intervals, creating it makes runs whose progress reaches done; the calendar
// colours those days; the runs list filters by state; the runs, task-instance and deadline-miss
// pages across DAGs; and a viewer, who gets no backfill form and a 403 from the API.
// Screenshots at 1366x800, light and dark, go to e2e/screenshots/.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runWeir } from '@weir/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebEnvironment, USERS, type WebEnvironment } from './web.ts';

const dagSource = (extraTask: boolean) => `
import { setTimeout as sleep } from 'node:timers/promises';
import { dag, z } from '@weir/sdk';
export default dag({
  id: 'daily_report',
  description: 'the morning report',
  schedule: '30 6 * * *',
  startDate: '2026-01-01T00:00:00Z',
  owner: 'data-team',
  tags: ['reports', 'daily'],
  params: z.object({ fail: z.boolean().default(false).describe('make the run fail') }),
  deadlines: [{ id: 'quick', reference: 'queuedAt', interval: '2s' }],
}, (d) => {
  const build = d.task('build', async (ctx) => {
    if (ctx.params.fail) { await sleep(3000); throw new Error('the report source was empty'); }
    return 'built';
  });${
    extraTask
      ? `
  d.task('publish', { after: [build] }, async () => 'published');`
      : ''
  }
});
`;

const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + offset * DAY_MS);
const isoDay = (at: Date) => at.toISOString().slice(0, 10);

describe('DAG views and cross-DAG lists in the web UI', () => {
  let web: WebEnvironment;
  beforeAll(async () => {
    web = await startWebEnvironment({ 'daily_report.ts': dagSource(false) });
  });
  afterAll(async () => {
    await web?.close();
  });

  /** Screenshots the path in light and dark mode. */
  const shoot = async (user: { username: string; password: string }, path: string, name: string) => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await web.signedIn(user, scheme);
      await page.goto(`${web.url}${path}`);
      await web.screenshot(page, `${name}-${scheme}`);
      await page.context().close();
    }
  };
  const reloadUntil = async (page: Page, url: string, check: () => Promise<boolean>) => {
    await expect
      .poll(
        async () => {
          await page.goto(url);
          return check();
        },
        { timeout: 90_000, interval: 1_000 },
      )
      .toBe(true);
  };

  it('shows the schedule in words, timezone, owner, tags, params, deadlines and alert routes', async () => {
    const page = await web.signedIn(USERS.operator);
    await reloadUntil(
      page,
      `${web.url}/dags/daily_report/details`,
      async () => (await page.locator('.schedule-words').count()) === 1,
    );
    const schedule = page.getByRole('region', { name: 'Schedule' });
    expect(await page.locator('.schedule-words').textContent()).toBe('At 06:30');
    expect(await schedule.textContent()).toContain('30 6 * * *');
    expect(await schedule.textContent()).toContain('UTC');
    const about = await page.getByRole('region', { name: 'About' }).textContent();
    expect(about).toContain('data-team');
    expect(about).toContain('reports');
    expect(await page.getByRole('region', { name: 'Params' }).textContent()).toContain('make the run fail');
    expect(await page.getByRole('region', { name: 'Deadlines' }).textContent()).toContain(
      'within 2 s of being queued',
    );
    // No alerts.yaml and no channel variables: the default route sends nothing, and says so.
    expect(await page.getByRole('region', { name: 'Alert routes' }).textContent()).toContain('nowhere');
    await shoot(USERS.operator, '/dags/daily_report/details', 'dagviews-details');
  });

  it('shows the source, and a diff between versions after the DAG file changes', async () => {
    const page = await web.signedIn(USERS.operator);
    await page.goto(`${web.url}/dags/daily_report/code`);
    const source = page.getByLabel('source');
    expect(await source.textContent()).toContain("id: 'daily_report'");
    expect(await source.textContent()).not.toContain('publish');
    writeFileSync(join(web.dagsFolder, 'daily_report.ts'), dagSource(true));
    await reloadUntil(
      page,
      `${web.url}/dags/daily_report/code`,
      async () => (await page.getByRole('link', { name: 'v2' }).count()) === 1,
    );
    expect(await page.getByLabel('source').textContent()).toContain("d.task('publish'");
    await page.getByRole('link', { name: 'Diff with version 1' }).click();
    await page.waitForURL(/compare=1/);
    const added = await page.locator('.diff-view .diff-add').allTextContents();
    expect(added.some((line) => line.includes("d.task('publish'"))).toBe(true);
    // Unchanged lines around it give the context; nothing was removed.
    expect(await page.locator('.diff-view .diff-same').count()).toBeGreaterThan(0);
    expect(await page.locator('.diff-view .diff-del').count()).toBe(0);
    // An older version is still there to read.
    await page.getByRole('link', { name: 'v1' }).click();
    await page.waitForURL(/version=1/);
    expect(await page.getByLabel('source').textContent()).not.toContain('publish');
    await shoot(USERS.operator, '/dags/daily_report/code?version=2&compare=1', 'dagviews-code-diff');
  });

  it('previews a backfill’s intervals, creates it, and shows its runs and progress', async () => {
    const page = await web.signedIn(USERS.operator);
    await page.goto(`${web.url}/dags/daily_report/backfill`);
    const from = day(-6);
    const to = day(-3);
    await page.getByLabel('From logical date').fill(from.toISOString().slice(0, 16));
    await page.getByLabel('To logical date').fill(to.toISOString().slice(0, 16));
    await page.getByRole('button', { name: 'Preview' }).click();
    const plan = page.getByRole('table', { name: 'planned intervals' });
    await plan.waitFor();
    const rows = await plan.locator('tbody tr').allTextContents();
    // 06:30 on each of the three days before `to`: the same plan `weir dags backfill --dry-run` prints.
    const expected = [-6, -5, -4].map((n) => `${isoDay(day(n))} 06:30:00Z`);
    expect(rows.map((r) => r.slice(0, 20))).toEqual(expected);
    const cli = await runWeir(
      [
        'dags',
        'backfill',
        'daily_report',
        '--from',
        from.toISOString(),
        '--to',
        to.toISOString(),
        '--dry-run',
        '--json',
      ],
      web.env,
    );
    expect(cli.code, cli.stderr).toBe(0);
    expect(
      JSON.parse(cli.stdout).plan.map((p: { logicalDate: string }) => p.logicalDate.slice(0, 16)),
    ).toEqual(expected.map((e) => e.slice(0, 16).replace(' ', 'T')));
    await web.screenshot(page, 'dagviews-backfill-preview-light');
    // Nothing was created by the preview.
    expect(await page.locator('table.backfills').count()).toBe(0);
    await page.getByRole('button', { name: 'Create backfill' }).click();
    await page.waitForURL(/created=\d+/);
    const id = new URL(page.url()).searchParams.get('created');
    // The scheduler's next tick after the last run ends marks the backfill completed.
    await reloadUntil(page, `${web.url}/dags/daily_report/backfill`, async () => {
      const text = (await page.locator(`#backfill-${id}`).textContent()) ?? '';
      return text.includes('3 of 3 runs done') && text.includes('completed');
    });
    await page.goto(`${web.url}/dags/daily_report/runs?type=backfill`);
    expect(await page.locator('table.runs tbody tr').count()).toBe(3);
    await shoot(USERS.operator, '/dags/daily_report/backfill', 'dagviews-backfill');
  });

  it('colours the backfilled days in the calendar', async () => {
    const page = await web.signedIn(USERS.operator);
    await page.goto(`${web.url}/dags/daily_report/calendar`);
    for (const n of [-6, -5, -4])
      expect(await page.locator(`.calendar [data-day="${isoDay(day(n))}"]`).getAttribute('class')).toContain(
        'success',
      );
    expect(await page.locator(`.calendar [data-day="${isoDay(day(-10))}"]`).getAttribute('class')).toContain(
      'empty',
    );
    // A day links to that day's runs.
    await page.locator(`.calendar [data-day="${isoDay(day(-5))}"]`).click();
    await page.waitForURL(/\/runs\?from=/);
    expect(await page.locator('table.runs tbody tr').count()).toBe(1);
    await shoot(USERS.operator, '/dags/daily_report/calendar', 'dagviews-calendar');
  });

  it('filters the runs list by state, and lists runs, task instances and deadline misses across DAGs', async () => {
    const failing = await runWeir(['dags', 'trigger', 'daily_report', '--conf', '{"fail":true}'], web.env);
    expect(failing.code, failing.stderr).toBe(0);
    const runId = /created run (\S+)/.exec(failing.stdout)?.[1] ?? '';
    expect(runId).toMatch(/^manual__/);
    const page = await web.signedIn(USERS.operator);
    await reloadUntil(page, `${web.url}/dags/daily_report/runs?state=failed`, async () =>
      ((await page.locator('table.runs').textContent()) ?? '').includes(runId),
    );
    await page.goto(`${web.url}/dags/daily_report/runs`);
    expect(await page.locator('table.runs tbody tr').count()).toBeGreaterThan(1);
    await page.getByLabel('state').selectOption('failed');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/state=failed/);
    const states = await page.locator('table.runs tbody tr .state').allTextContents();
    expect(states).toEqual(['failed']);
    await page.getByLabel('state').selectOption('success');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/state=success/);
    expect(new Set(await page.locator('table.runs tbody tr .state').allTextContents())).toEqual(
      new Set(['success']),
    );
    expect(await page.locator('table.runs').textContent()).not.toContain(runId);
    await shoot(USERS.operator, '/dags/daily_report/runs', 'dagviews-runs');

    await page.goto(`${web.url}/runs?state=failed`);
    expect(await page.locator('table.runs').textContent()).toContain(runId);
    await page.goto(`${web.url}/task-instances?state=failed`);
    const tis = await page.locator('table.runs tbody tr').allTextContents();
    expect(tis).toHaveLength(1);
    expect(tis[0]).toContain('build');
    await shoot(USERS.operator, '/runs', 'dagviews-all-runs');
    await shoot(USERS.operator, '/task-instances', 'dagviews-task-instances');
    // The failing run ran past its 2 s deadline.
    await reloadUntil(page, `${web.url}/deadline-misses?dag=daily_report`, async () =>
      ((await page.locator('main').textContent()) ?? '').includes(runId),
    );
    await shoot(USERS.operator, '/deadline-misses', 'dagviews-deadline-misses');
    await page.goto(`${web.url}/dags/daily_report/details`);
    expect(await page.getByRole('region', { name: 'Deadlines' }).textContent()).toContain(runId);
  });

  it('gives a viewer no backfill form, and the API answers the viewer 403', async () => {
    const page = await web.signedIn(USERS.viewer);
    await page.goto(`${web.url}/dags/daily_report/backfill`);
    expect(await page.textContent('main')).toContain('may not backfill');
    expect(await page.getByRole('button', { name: 'Preview' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    // The backfills stay readable.
    expect(await page.locator('table.backfills tbody tr').count()).toBe(1);
    const session = await (await page.request.get(`${web.url}/api/v1/auth/session`)).json();
    const answer = await page.request.post(`${web.url}/api/v1/backfills`, {
      headers: { 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' },
      data: { dagId: 'daily_report', from: day(-20).toISOString(), to: day(-19).toISOString() },
    });
    expect(answer.status()).toBe(403);
    expect((await answer.json()).error.code).toBe('forbidden');
    const list = await page.request.get(`${web.url}/api/v1/backfills?dag_id=daily_report`);
    expect((await list.json()).total_entries).toBe(1);
  });
});
