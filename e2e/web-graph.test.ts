// The DAG page's Graph and the run's Gantt in a real browser, against a real scheduler and
// worker: a DAG with a task group, a task that fails its first try and retries, a task with a
// non-default trigger rule and an asset it updates. The graph of that run shows every task
// coloured by its state and the trigger rule on its edges, collapses the group into one node and
// opens a task instance on click; the Gantt shows one bar per try. Screenshots, light and dark,
// at 1366x800, go to e2e/screenshots/.
import { runWeir } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebEnvironment, USERS, type WebEnvironment } from './web.ts';

const DAGS = {
  'shapes.ts': `
import { asset, dag } from '@weir/sdk';
const daily = asset({ uri: 'warehouse://reports/daily', name: 'daily report' });
export default dag({ id: 'shapes' }, (d) => {
  const extract = d.task('extract', async () => [1, 2, 3]);
  const etl = d.group('etl', { after: [extract] }, (g) => {
    const clean = g.task('clean', { retries: 1, retryDelay: '1s' }, async (ctx) => {
      if (ctx.tryNumber === 1) throw new Error('the lake was not ready');
      return 'clean';
    });
    g.task('load', { after: [clean] }, async () => 'loaded');
  });
  const report = d.task('report', { after: [etl], triggerRule: 'all_done', outlets: [daily] }, async () => 'reported');
  d.task('page_oncall', { after: [report], triggerRule: 'one_failed' }, async () => 'paged');
});
`,
};

const TASKS = ['extract', 'etl.clean', 'etl.load', 'report', 'page_oncall'];

describe('the graph and the Gantt of a run', () => {
  let web: WebEnvironment;
  beforeAll(async () => {
    web = await startWebEnvironment(DAGS);
  });
  afterAll(async () => {
    await web?.close();
  });



  let runId = '';
  it('runs the DAG: a task retries once, a one_failed task is skipped', async () => {
    await expect
      .poll(async () => (await web.database.db.dag.findUnique({ where: { dagId: 'shapes' } }))?.dagId, {
        timeout: 60_000,
        interval: 500,
      })
      .toBe('shapes');
    const trigger = await runWeir(['dags', 'trigger', 'shapes'], web.env);
    expect(trigger.code, trigger.stderr).toBe(0);
    runId = /created run (\S+)/.exec(trigger.stdout)?.[1] ?? '';
    expect(runId).not.toBe('');
    await expect
      .poll(
        async () =>
          (
            await web.database.db.dagRun.findUniqueOrThrow({
              where: { dagId_runId: { dagId: 'shapes', runId } },
            })
          ).state,
        { timeout: 90_000, interval: 500 },
      )
      .toBe('success');
  });

  it('draws every task of the run coloured by its state, with trigger rules on the edges', async () => {
    const page = await web.signedIn(USERS.viewer);
    await page.goto(`${web.url}/dags/shapes`);
    await web.screenshot(page, 'dag-tabs');
    // The DAG page's tabs lead to the graph of the latest run.
    await page.getByRole('navigation', { name: 'DAG views' }).getByRole('link', { name: 'Graph' }).click();
    await page.waitForURL(/\/dags\/shapes\/graph\?runId=/);
    expect(new URL(page.url()).searchParams.get('runId')).toBe(runId);
    const graph = page.getByTestId('graph');
    await graph.waitFor();
    expect(await graph.getAttribute('data-run-id')).toBe(runId);
    const nodes = page.getByTestId('graph-node');
    await expect.poll(() => nodes.count()).toBe(TASKS.length);
    const states: Record<string, string | null> = {};
    for (const taskId of TASKS)
      states[taskId] = await page
        .locator(`[data-testid=graph-node][data-task-id="${taskId}"]`)
        .getAttribute('data-state');
    expect(states).toEqual({
      extract: 'success',
      'etl.clean': 'success',
      'etl.load': 'success',
      report: 'success',
      page_oncall: 'skipped',
    });
    // The colour is the state's: a success node's border is the success colour, not a skipped one's.
    const border = (taskId: string) =>
      page
        .locator(`[data-testid=graph-node][data-task-id="${taskId}"]`)
        .evaluate((el) => getComputedStyle(el).borderLeftColor);
    expect(await border('extract')).toBe(await border('report'));
    expect(await border('extract')).not.toBe(await border('page_oncall'));
    // Trigger rules other than all_success label their edges; all_success ones do not.
    expect(await graph.getByText('all_done', { exact: true }).count()).toBe(1);
    expect(await graph.getByText('one_failed', { exact: true }).count()).toBe(1);
    expect(await graph.getByText('all_success', { exact: true }).count()).toBe(0);
    // The group is a frame around its tasks; the asset the report updates is a node.
    expect(await page.getByRole('button', { name: 'collapse group etl' }).count()).toBe(1);
    expect(await page.getByTestId('graph-asset').textContent()).toContain('daily report');
    // The retried task says so.
    expect(await page.locator('[data-task-id="etl.clean"]').textContent()).toContain('try 2');
    await web.screenshot(page, 'graph');
    const dark = await web.signedIn(USERS.viewer, 'dark');
    await dark.goto(page.url());
    await dark.getByTestId('graph-node').first().waitFor();
    await web.screenshot(dark, 'graph-dark');
    await dark.context().close();

    // Collapsing the group leaves one node for it, in the URL, with the edges rerouted.
    await page.getByRole('button', { name: 'collapse group etl' }).click();
    await expect.poll(() => nodes.count()).toBe(TASKS.length - 2);
    expect(await page.getByTestId('graph-group').getAttribute('data-state')).toBe('success');
    expect(new URL(page.url()).searchParams.get('collapsed')).toBe('etl');
    expect(await graph.getByText('all_done', { exact: true }).count()).toBe(1);
    await web.screenshot(page, 'graph-collapsed');
    await page.getByRole('button', { name: 'expand group etl' }).click();
    await expect.poll(() => nodes.count()).toBe(TASKS.length);

    // A node opens its task instance.
    await page.getByRole('link', { name: 'etl.clean success' }).click();
    await page.waitForURL(`${web.url}/dags/shapes/runs/${encodeURIComponent(runId)}/tasks/etl.clean`);
    // Its page lists both tries.
    await page.getByRole('link', { name: '#1', exact: true }).waitFor();
    expect(await page.getByRole('link', { name: '#2', exact: true }).count()).toBe(1);
    await page.context().close();
  });

  it("shows the run's Gantt with one bar per try", async () => {
    const page = await web.signedIn(USERS.viewer);
    await page.goto(`${web.url}/dags/shapes`);
    await page.getByRole('navigation', { name: 'DAG views' }).getByRole('link', { name: 'Gantt' }).click();
    await page.waitForURL(`${web.url}/dags/shapes/runs/${encodeURIComponent(runId)}/gantt`);
    const gantt = page.getByTestId('gantt');
    await gantt.waitFor();
    // page_oncall was skipped without running: a row, no bar.
    const rows = gantt.getByTestId('gantt-row');
    expect(await rows.count()).toBe(TASKS.length);
    const bars = async (taskId: string) =>
      gantt
        .locator(`[data-testid=gantt-row][data-task-id="${taskId}"] [data-testid=gantt-bar]`)
        .evaluateAll((els) =>
          els.map((el) => `${el.getAttribute('data-try')}:${el.getAttribute('data-state')}`),
        );
    expect(await bars('etl.clean')).toEqual(['1:up_for_retry', '2:success']);
    expect(await bars('extract')).toEqual(['1:success']);
    expect(await bars('page_oncall')).toEqual([]);
    expect(await gantt.getByTestId('gantt-bar').count()).toBe(TASKS.length);
    // Every try recorded when it was queued: the lighter part of its bar.
    const unqueued = await web.database.db.$queryRaw<{ n: number }[]>`
      SELECT COUNT(*)::int AS n FROM task_attempt a JOIN task_instance t ON t.id = a.task_instance_id
      WHERE t.dag_id = 'shapes' AND t.run_id = ${runId} AND (a.queued_at IS NULL OR a.queued_at > a.started_at)`;
    expect(unqueued).toEqual([{ n: 0 }]);
    // The second try starts after the first ends.
    const [first, second] = await gantt
      .locator('[data-testid=gantt-row][data-task-id="etl.clean"] [data-testid=gantt-bar]')
      .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().left));
    expect(second).toBeGreaterThan(first ?? Number.POSITIVE_INFINITY);
    // Each bar tells its try's times on hover and links to that try.
    const retried = gantt.locator(
      '[data-testid=gantt-row][data-task-id="etl.clean"] [data-testid=gantt-bar]',
    );
    await retried.first().hover();
    const tip = retried.first().getByRole('tooltip');
    expect(await tip.isVisible()).toBe(true);
    expect(await tip.textContent()).toMatch(/try 1: up_for_retry.*started/);
    await web.screenshot(page, 'gantt');
    expect(await retried.nth(1).getAttribute('href')).toBe(
      `/dags/shapes/runs/${encodeURIComponent(runId)}/tasks/etl.clean?try=2`,
    );
    const dark = await web.signedIn(USERS.viewer, 'dark');
    await dark.goto(page.url());
    await dark.getByTestId('gantt').waitFor();
    await web.screenshot(dark, 'gantt-dark');
    await dark.context().close();
    await page.context().close();
  });
});
