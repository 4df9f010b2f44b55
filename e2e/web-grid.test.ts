// The DAG page's grid in a real browser, against a real scheduler and worker: a DAG with a task
// group and a mapped task, 30 older runs seeded straight into PostgreSQL and one real run
// triggered while the page is open. The mapped task is one row `load [4]` whose breakdown
// follows the run live (1 failed, 3 success) without a reload; it expands to its instances, each
// a link to its task-instance page with try and mapIndex; "older runs" pages back through the
// grid API; and the API itself answers 404 for an unknown DAG and 400 for a bad parameter.
// Screenshots, light and dark at 1366×800, go to e2e/screenshots/.
import { createRawSql } from '@weir/db';
import { runWeir } from '@weir/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebEnvironment, USERS, type WebEnvironment } from './web.ts';

const DAGS = {
  'mapped.ts': `
import { dag } from '@weir/sdk';
export default dag({ id: 'mapped_grid' }, (d) => {
  const list = d.task('list', async () => ['a', 'b', 'c', 'd']);
  d.group('checks', (g) => {
    const lint = g.task('lint', { after: [list] }, async () => 'clean');
    g.task('count', { after: [lint] }, async () => 4);
  });
  const load = d.map('load', { expand: { item: list } }, async (_ctx, { item }) => {
    if (item === 'c') throw new Error('partition c is broken');
    return item;
  });
  d.task('report', { after: [load], triggerRule: 'all_done' }, async () => 'reported');
});
`,
  // 1,000 tasks in a chain of ten-task layers: the grid renders only the rows on screen.
  'wide.ts': `
import { dag } from '@weir/sdk';
export default dag({ id: 'wide_grid' }, (d) => {
  let previous = [];
  for (let layer = 0; layer < 100; layer++) {
    const current = [];
    for (let i = 0; i < 10; i++) current.push(d.task('t' + String(layer * 10 + i).padStart(4, '0'), { after: previous }, async () => 1));
    previous = current;
  }
});
`,
};

const SEEDED = 30;

describe('the DAG grid', () => {
  let web: WebEnvironment;
  let page: Page;
  let runId = '';

  beforeAll(async () => {
    web = await startWebEnvironment(DAGS);
    page = await web.page({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1366, height: 800 });
    await web.signIn(page, USERS.viewer.username, USERS.viewer.password);
    await page.waitForURL(`${web.url}/`);
    // The DAG processor has stored the DAG once its page answers.
    for (let waited = 0; (await page.goto(`${web.url}/dags/mapped_grid`))?.status() !== 200; waited++) {
      if (waited > 60) throw new Error(`the DAG mapped_grid was not stored:\n${web.output()}`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    // History: 30 finished runs a year ago, every instance succeeded (load over 2 items).
    const sql = createRawSql(web.database.url);
    await sql.$executeRaw`
      INSERT INTO dag_run (dag_id, run_id, run_type, logical_date, state, queued_at, started_at, ended_at, updated_at)
      SELECT 'mapped_grid', 'scheduled__seeded_' || lpad(g::text, 2, '0'), 'scheduled',
             timestamp '2025-01-01' + g * interval '1 hour', 'success',
             timestamp '2025-01-01' + g * interval '1 hour', timestamp '2025-01-01' + g * interval '1 hour',
             timestamp '2025-01-01' + g * interval '1 hour' + g * interval '10 seconds', now()
      FROM generate_series(1, ${SEEDED}) g`;
    await sql.$executeRaw`
      INSERT INTO task_instance (dag_run_id, dag_id, run_id, task_id, map_index, state, try_number, updated_at)
      SELECT r.id, r.dag_id, r.run_id, t.task_id, t.map_index, 'success', 1, now()
      FROM dag_run r,
           (VALUES ('list', -1), ('checks.lint', -1), ('checks.count', -1), ('load', 0), ('load', 1), ('report', -1))
             AS t(task_id, map_index)
      WHERE r.dag_id = 'mapped_grid'`;
    await sql.end();
  });
  afterAll(async () => {
    await page?.context().close();
    await web?.close();
  });

  const grid = () => page.getByTestId('grid');
  const runBars = () => grid().locator('thead .sq');

  it('shows a triggered run live, its mapped task as one row `load [4]` with a breakdown per state', async () => {
    await page.goto(`${web.url}/dags/mapped_grid`);
    await grid().waitFor({ state: 'visible' });
    expect(await runBars().count()).toBe(25);
    await expect.poll(() => page.locator('.live.on').count(), { timeout: 15_000 }).toBe(1);
    const trigger = await runWeir(['dags', 'trigger', 'mapped_grid'], web.env);
    expect(trigger.code, trigger.stderr).toBe(0);
    runId = /created run (\S+)/.exec(trigger.stdout)?.[1] ?? '';
    expect(runId).toMatch(/^manual__/);
    // No reload from here: the page follows the run by itself; the newest run is on the right.
    await expect
      .poll(() => runBars().last().getAttribute('aria-label'), { timeout: 30_000 })
      .toMatch(new RegExp(`^run ${runId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const row = grid()
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: /^load \[/ }) });
    await expect
      .poll(() => row.getByRole('link', { name: /^load \[/ }).textContent(), { timeout: 60_000 })
      .toBe('load [4]');
    await expect
      .poll(() => row.getByRole('img').first().getAttribute('aria-label'), { timeout: 60_000 })
      .toBe(`load in ${runId}: 1 failed, 3 success`);
    // The newest cell of the row sums the run up: failed, as one of its instances did.
    expect(await row.locator('td').last().getByRole('link').getAttribute('aria-label')).toBe(
      'load failed: 1 failed, 3 success',
    );
    // Older runs mapped over 2 items, all successful.
    expect(await row.locator('td').first().getByRole('link').getAttribute('aria-label')).toBe(
      'load success: 2 success',
    );
    // The group row sums up its tasks; the report ran after all of them were done.
    await expect.poll(() => grid().getByLabel('report success').count(), { timeout: 30_000 }).toBe(25);
    expect(await grid().getByRole('button', { name: 'collapse group checks' }).count()).toBe(1);
    await web.screenshot(page, 'grid');
  });

  it('expands the mapped task to its instances, each opening its task-instance page', async () => {
    await grid().getByRole('button', { name: 'show instances of load' }).click();
    await page.waitForURL(/[?&]expand=load/);
    const failed = grid().getByRole('link', { name: 'load [2] failed' });
    await expect.poll(() => failed.count(), { timeout: 20_000 }).toBe(1);
    for (const i of [0, 1, 3])
      expect(
        await grid()
          .getByRole('link', { name: `load [${i}] success` })
          .count(),
      ).toBeGreaterThan(0);
    // Seeded runs had 2 instances, the new one 4: four instance rows.
    expect(
      await grid()
        .getByRole('rowheader', { name: /^\[\d\]$/ })
        .count(),
    ).toBe(4);
    await web.screenshot(page, 'grid-expanded');
    const href = (await failed.getAttribute('href')) ?? '';
    expect(href).toBe(`/dags/mapped_grid/runs/${encodeURIComponent(runId)}/tasks/load?try=1&mapIndex=2`);
    // Groups collapse and open again.
    await grid().getByRole('button', { name: 'collapse group checks' }).click();
    expect(await grid().getByRole('link', { name: 'count', exact: true }).count()).toBe(0);
    // The collapsed group is in the URL: a reload (a pasted link) opens the grid collapsed.
    expect(new URL(page.url()).searchParams.get('collapsed')).toBe('checks');
    await page.reload();
    await expect.poll(() => grid().getByRole('button', { name: 'expand group checks' }).count()).toBe(1);
    expect(await grid().getByRole('link', { name: 'count', exact: true }).count()).toBe(0);
    await grid().getByRole('button', { name: 'expand group checks' }).click();
    expect(new URL(page.url()).searchParams.get('collapsed')).toBeNull();
    expect(await grid().getByRole('link', { name: 'count', exact: true }).count()).toBe(1);
    // By keyboard: arrow keys move between cells, and a cell is a link that Enter follows.
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null);
    await failed.focus();
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe('load [1] success');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('load [2] failed');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${web.url}${href}`);
    await expect.poll(() => page.getByText('partition c is broken').first().isVisible()).toBe(true);
  });

  it('pages back to older runs through the grid API', async () => {
    await page.goto(`${web.url}/dags/mapped_grid`);
    await grid().waitFor({ state: 'visible' });
    expect(await runBars().count()).toBe(25);
    const older = grid().getByRole('button', { name: /older runs/ });
    await older.click();
    await expect.poll(() => runBars().count(), { timeout: 20_000 }).toBe(SEEDED + 1);
    expect(await runBars().first().getAttribute('aria-label')).toBe('run scheduled__seeded_01 success');
    expect(await older.isDisabled()).toBe(true);
    expect(
      await grid()
        .getByText(`${SEEDED + 1} of ${SEEDED + 1} runs`)
        .count(),
    ).toBe(1);
    // Selecting a run keeps it in the URL and says which it is.
    await runBars().first().click();
    await page.waitForURL(/[?&]run=scheduled__seeded_01/);
    await expect.poll(() => grid().locator('.grid-picked code').textContent()).toBe('scheduled__seeded_01');
    await web.screenshot(page, 'grid-older');

    const api = await page.request.get(`${web.url}/api/v1/dags/mapped_grid/grid?limit=5&expand=load`);
    expect(api.status()).toBe(200);
    const body = (await api.json()) as {
      runs: { runId: string; instances: Record<string, unknown[]> }[];
      next_cursor: string | null;
      totalRuns: number;
    };
    expect(body.runs).toHaveLength(5);
    expect(body.runs[0]?.runId).toBe(runId);
    expect(body.runs[0]?.instances.load).toHaveLength(4);
    expect(body.totalRuns).toBe(SEEDED + 1);
    const next = await page.request.get(
      `${web.url}/api/v1/dags/mapped_grid/grid?limit=100&before=${body.next_cursor ?? ''}`,
    );
    expect(((await next.json()) as { runs: unknown[] }).runs).toHaveLength(SEEDED + 1 - 5);
    expect((await page.request.get(`${web.url}/api/v1/dags/nope/grid`)).status()).toBe(404);
    const bad = await page.request.get(`${web.url}/api/v1/dags/mapped_grid/grid?limit=0`);
    expect(bad.status()).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('limit');
    const badCursor = await page.request.get(`${web.url}/api/v1/dags/mapped_grid/grid?before=nonsense`);
    expect(badCursor.status()).toBe(400);
  });

  it('renders a DAG of 1,000 tasks by the rows on screen, and scrolls to its last task', async () => {
    const sql = createRawSql(web.database.url);
    for (let waited = 0; ; waited++) {
      const [row] = await sql.$queryRaw<
        { n: number }[]
      >`SELECT count(*)::int AS n FROM dag WHERE dag_id = 'wide_grid'`;
      if (row?.n === 1) break;
      if (waited > 60) throw new Error('the DAG wide_grid was not stored');
      await new Promise((r) => setTimeout(r, 1_000));
    }
    await sql.$executeRaw`
      INSERT INTO dag_run (dag_id, run_id, run_type, logical_date, state, started_at, ended_at, updated_at)
      SELECT 'wide_grid', 'scheduled__wide_' || g, 'scheduled', timestamp '2025-06-01' + g * interval '1 day',
             'success', timestamp '2025-06-01' + g * interval '1 day', timestamp '2025-06-01' + g * interval '1 day' + interval '1 minute', now()
      FROM generate_series(1, 25) g`;
    await sql.$executeRaw`
      INSERT INTO task_instance (dag_run_id, dag_id, run_id, task_id, state, try_number, updated_at)
      SELECT r.id, r.dag_id, r.run_id, 't' || lpad(i::text, 4, '0'), 'success', 1, now()
      FROM dag_run r, generate_series(0, 999) i WHERE r.dag_id = 'wide_grid'`;
    await sql.end();
    await page.goto(`${web.url}/dags/wide_grid`);
    await grid().waitFor({ state: 'visible' });
    expect(await grid().getByText('25 of 25 runs · 1000 tasks').count()).toBe(1);
    const rendered = await grid().locator('tbody th.grid-task').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(100);
    expect(await grid().getByRole('link', { name: 't0999', exact: true }).count()).toBe(0);
    await grid()
      .locator('.grid-scroll')
      .evaluate((el) => {
        el.scrollTop = el.scrollHeight;
      });
    await expect.poll(() => grid().getByRole('link', { name: 't0999', exact: true }).count()).toBe(1);
    expect(await grid().locator('tbody th.grid-task').count()).toBeLessThan(100);
    expect(await grid().getByLabel('t0999 success').count()).toBe(25);
    await web.screenshot(page, 'grid-1000-tasks');
  });

  it('reads in dark mode too', async () => {
    const dark = await web.page({ colorScheme: 'dark' });
    await dark.setViewportSize({ width: 1366, height: 800 });
    await dark.context().addCookies(await page.context().cookies());
    await dark.goto(`${web.url}/dags/mapped_grid?expand=load`);
    await dark.getByTestId('grid').waitFor({ state: 'visible' });
    expect(await dark.getByTestId('grid').getByRole('link', { name: 'load [2] failed' }).count()).toBe(1);
    await web.screenshot(dark, 'grid-dark');
    await dark.context().close();
  });
});
