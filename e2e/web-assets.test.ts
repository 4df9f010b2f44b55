// Assets and alert silences in a real browser, against a real scheduler and worker: a producer
// DAG's task records an event of its asset on success and the DAG scheduled on that asset runs;
// the assets page lists the asset with both, its page draws the lineage (producing task → asset
// → consuming DAG) and the event with its source run. An event recorded through the REST API by
// an operator triggers the consumer the same way (a viewer is refused). On the alerts page an
// operator creates a silence, sees it active, and ends it; the REST API sees the same silences.
// Screenshots, light and dark at 1366×800, go to e2e/screenshots/.
import type { APIRequestContext, APIResponse, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebEnvironment, USERS, type WebEnvironment } from './web.ts';

const ORDERS = 's3://lake/curated/orders';

const DAGS = {
  'orders_producer.ts': `
import { asset, dag } from '@weir/sdk';
const orders = asset({ uri: '${ORDERS}', name: 'curated orders', group: 'lake' });
export default dag({ id: 'orders_producer' }, (d) => {
  d.task('write_orders', { outlets: [orders] }, async (ctx) => {
    ctx.outlets.extra(orders, { partition: 'dt=2026-12-04' });
    return 1;
  });
});
`,
  'orders_report.ts': `
import { asset, dag } from '@weir/sdk';
const orders = asset({ uri: '${ORDERS}', name: 'curated orders', group: 'lake' });
export default dag({ id: 'orders_report', schedule: [orders] }, (d) => {
  d.task('report', async (ctx) => ctx.triggeringAssetEvents.length);
});
`,
};

describe('assets and silences in the web UI', () => {
  let web: WebEnvironment;
  beforeAll(async () => {
    web = await startWebEnvironment(DAGS);
  });
  afterAll(async () => {
    await web?.close();
  });

  /** The REST API as the page's signed-in user: its cookie and its CSRF token. */
  const api = async (page: Page) => {
    const request: APIRequestContext = page.context().request;
    const session = await (await request.get(`${web.url}/api/v1/auth/session`)).json();
    const headers = { 'x-csrf-token': session.csrfToken as string };
    return {
      get: async (path: string) => {
        const r = await request.get(`${web.url}${path}`);
        return { status: r.status(), body: await bodyOf(r) };
      },
      post: async (path: string, body?: unknown) => {
        const r = await request.post(`${web.url}${path}`, {
          headers,
          ...(body === undefined ? {} : { data: body }),
        });
        return { status: r.status(), body: await bodyOf(r) };
      },
    };
  };
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read whatever the API answered
  const bodyOf = async (r: APIResponse): Promise<any> => {
    const text = await r.text();
    try {
      return JSON.parse(text);
    } catch {
      // Not JSON (a crash): show the answer and the server's output in the failure.
      return { text, status: r.status(), output: web.output().slice(-4000) };
    }
  };
  const runsOf = async (caller: Awaited<ReturnType<typeof api>>, dagId: string) =>
    (await caller.get(`/api/v1/dags/${dagId}/dagRuns`)).body as {
      dagRuns: { runId: string; state: string }[];
      total_entries: number;
    };
  const shots = async (user: { username: string; password: string }, path: string, name: string) => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await web.signedIn(user, scheme);
      await page.goto(`${web.url}${path}`);
      await page.locator('main h1').waitFor();
      if (path.startsWith('/assets/'))
        await page
          .locator('[data-testid=lineage] .react-flow__edge-path')
          .first()
          .waitFor({ state: 'attached' });
      await web.screenshot(page, `${name}-${scheme}`);
      await page.context().close();
    }
  };

  it("lists a producer task's asset and draws its lineage: producing task → asset → consuming DAG", async () => {
    const page = await web.signedIn(USERS.operator);
    const operator = await api(page);
    await expect
      .poll(
        async () => (await operator.get('/api/v1/dags')).body.dags?.map((d: { dagId: string }) => d.dagId),
        {
          timeout: 60_000,
          interval: 1_000,
        },
      )
      .toEqual(['orders_producer', 'orders_report']);
    const triggered = await operator.post('/api/v1/dags/orders_producer/dagRuns', {});
    expect(triggered.status).toBe(201);
    // The producing task's success records the event; the consumer runs on it and succeeds.
    await expect
      .poll(async () => (await runsOf(operator, 'orders_report')).dagRuns.map((r) => r.state), {
        timeout: 60_000,
        interval: 1_000,
      })
      .toEqual(['success']);

    await page.goto(`${web.url}/assets`);
    const row = page.locator('table.assets tbody tr', { hasText: 'curated orders' });
    expect(await row.count()).toBe(1);
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toContain(ORDERS);
    expect(cells[1]).toContain('orders_producer.write_orders');
    expect(cells[2]).toContain('orders_report');
    expect(cells[3]).toBe('1');
    expect(cells[4]).toMatch(/ago$/);
    // The search is in the URL and narrows the list.
    await page.goto(`${web.url}/assets?q=nothing-like-it`);
    expect(await page.locator('table.assets').count()).toBe(0);
    await page.goto(`${web.url}/assets?q=CURATED`);
    expect(await page.locator('table.assets tbody tr').count()).toBe(1);

    await page.getByRole('link', { name: 'curated orders' }).click();
    await page.waitForURL(`${web.url}/assets/${encodeURIComponent(ORDERS)}`);
    const lineage = page.getByTestId('lineage');
    // A straight edge has no height, so Playwright never calls it visible: wait for it to be drawn.
    await lineage.locator('.react-flow__edge-path').first().waitFor({ state: 'attached' });
    for (const d of await lineage
      .locator('.react-flow__edge-path')
      .evaluateAll((paths) => paths.map((p) => p.getAttribute('d') ?? '')))
      expect(d).toMatch(/^M\s*[\d.]+[, ][\d.]+/);
    expect(await lineage.getByTestId('lineage-producer').allTextContents()).toEqual([
      'taskwrite_ordersin orders_producer',
    ]);
    expect(await lineage.getByTestId('lineage-asset').textContent()).toContain('curated orders');
    expect(await lineage.getByTestId('lineage-consumer').allTextContents()).toEqual([
      'scheduled DAGorders_reportruns on new events',
    ]);
    expect(await lineage.locator('.react-flow__edge').count()).toBe(2);
    // Left to right: the producing task, then the asset, then the consuming DAG.
    const x = async (testId: string) => (await lineage.getByTestId(testId).boundingBox())?.x ?? Number.NaN;
    expect(await x('lineage-producer')).toBeLessThan(await x('lineage-asset'));
    expect(await x('lineage-asset')).toBeLessThan(await x('lineage-consumer'));
    // The event, from the producer's run, with its extra and the run it triggered.
    const producerRun = (await runsOf(operator, 'orders_producer')).dagRuns[0]?.runId ?? '';
    const reportRun = (await runsOf(operator, 'orders_report')).dagRuns[0]?.runId ?? '';
    const event = page.getByRole('table', { name: 'asset events' }).locator('tbody tr');
    expect(await event.count()).toBe(1);
    expect(await event.getByRole('link', { name: `orders_producer / ${producerRun}` }).count()).toBe(1);
    expect(await event.getByRole('link', { name: 'write_orders' }).getAttribute('href')).toBe(
      `/dags/orders_producer/runs/${encodeURIComponent(producerRun)}/tasks/write_orders`,
    );
    expect(await event.textContent()).toContain('dt=2026-12-04');
    expect(await event.getByRole('link', { name: `orders_report / ${reportRun}` }).count()).toBe(1);
    // The lineage's nodes link to their DAGs.
    await lineage.getByTestId('lineage-consumer').getByRole('link').click();
    await page.waitForURL(`${web.url}/dags/orders_report`);

    await shots(USERS.operator, '/assets', 'assets-list');
    await shots(USERS.operator, `/assets/${encodeURIComponent(ORDERS)}`, 'asset-detail');
    await page.context().close();
  });

  it('an asset event POSTed by an operator triggers the consuming DAG; a viewer gets 403', async () => {
    const viewerPage = await web.signedIn(USERS.viewer);
    const viewer = await api(viewerPage);
    const page = await web.signedIn(USERS.operator);
    const operator = await api(page);
    const before = (await runsOf(operator, 'orders_report')).total_entries;

    const refused = await viewer.post('/api/v1/assets/events', { uri: ORDERS });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    // A viewer still reads the assets and their events.
    const listed = await viewer.get('/api/v1/assets?limit=1');
    expect(listed.status).toBe(200);
    expect(listed.body.assets.map((a: { uri: string }) => a.uri)).toEqual([ORDERS]);
    expect(listed.body.total_entries).toBe(1);
    expect(listed.body.next_cursor).toBeNull();

    const missing = await operator.post('/api/v1/assets/events', { extra: {} });
    expect(missing.status, JSON.stringify(missing.body)).toBe(400);
    expect(missing.body.error.field).toBe('uri');
    const unknown = await operator.post('/api/v1/assets/events', { uri: 's3://lake/nothing' });
    expect(unknown.status, JSON.stringify(unknown.body)).toBe(404);

    const created = await operator.post('/api/v1/assets/events', { uri: ORDERS, extra: { by: 'e2e' } });
    expect(created.status).toBe(201);
    expect(created.body.assetEvent.source).toBeNull();
    expect(created.body.assetEvent.extra).toEqual({ by: 'e2e' });
    expect(created.body.createdRuns.map((r: { dagId: string }) => r.dagId)).toEqual(['orders_report']);
    await expect
      .poll(async () => (await runsOf(operator, 'orders_report')).dagRuns.map((r) => r.state), {
        timeout: 60_000,
        interval: 1_000,
      })
      .toEqual(['success', 'success']);
    expect((await runsOf(operator, 'orders_report')).total_entries).toBe(before + 1);

    // Events newest first, paged by cursor: the API's event on page one, the task's on page two.
    const first = await viewer.get(`/api/v1/assets/events?uri=${encodeURIComponent(ORDERS)}&limit=1`);
    expect(first.status).toBe(200);
    expect(first.body.total_entries).toBe(2);
    expect(first.body.assetEvents[0].id).toBe(created.body.assetEvent.id);
    expect(first.body.assetEvents[0].consumedBy.map((c: { runId: string }) => c.runId)).toEqual([
      created.body.createdRuns[0].runId,
    ]);
    const second = await viewer.get(
      `/api/v1/assets/events?uri=${encodeURIComponent(ORDERS)}&limit=1&cursor=${first.body.next_cursor}`,
    );
    expect(second.body.assetEvents[0].source.taskId).toBe('write_orders');
    expect(second.body.next_cursor).toBeNull();
    const badCursor = await viewer.get(`/api/v1/assets/events?uri=${encodeURIComponent(ORDERS)}&cursor=zzz`);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.field).toBe('cursor');

    // The page shows the external event beside the task's.
    await page.goto(`${web.url}/assets/${encodeURIComponent(ORDERS)}`);
    const rows = page.getByRole('table', { name: 'asset events' }).locator('tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.first().textContent()).toContain('external (API or CLI)');
    await page.context().close();
    await viewerPage.context().close();
  });

  it('creates a silence on the alerts page, shows it active, and ends it', async () => {
    const page = await web.signedIn(USERS.operator);
    await page.goto(`${web.url}/alerts`);
    const form = page.getByRole('form', { name: 'new silence' });
    await form.getByLabel('DAG').fill('orders_report');
    await form.getByLabel('For').fill('soon');
    await form.getByLabel('Reason').fill('warehouse maintenance');
    await form.getByRole('button', { name: 'Silence' }).click();
    // The CLI's duration rule, with what was typed kept.
    await expect
      .poll(() => form.getByRole('alert').textContent(), { timeout: 20_000 })
      .toMatch(/is not a duration/);
    expect(await form.getByLabel('Reason').inputValue()).toBe('warehouse maintenance');
    await form.getByLabel('For').fill('2h');
    await form.getByRole('button', { name: 'Silence' }).click();

    const list = page.getByRole('table', { name: 'silences list' });
    const row = list.locator('tbody tr', { hasText: 'warehouse maintenance' });
    await row.waitFor({ timeout: 20_000 });
    expect(await row.locator('td').nth(1).textContent()).toBe('active');
    expect(await row.textContent()).toContain('otto');
    expect(await row.textContent()).toMatch(/in 2 h/);
    await shots(USERS.operator, '/alerts', 'alerts-silences');

    // The REST API sees it, and refuses a viewer's attempt to end it.
    const operator = await api(page);
    const active = await operator.get('/api/v1/silences');
    expect(active.body.silences.map((s: { reason: string }) => s.reason)).toEqual(['warehouse maintenance']);
    const viewerPage = await web.signedIn(USERS.viewer);
    const viewer = await api(viewerPage);
    const id = active.body.silences[0].id as number;
    expect((await viewer.post(`/api/v1/silences/${id}/end`)).status).toBe(403);
    await viewerPage.goto(`${web.url}/alerts`);
    expect(await viewerPage.getByRole('form', { name: 'new silence' }).count()).toBe(0);
    expect(await viewerPage.getByRole('button', { name: 'End silence' }).count()).toBe(0);

    await row.getByRole('button', { name: 'End silence' }).click();
    await expect
      .poll(() => row.locator('td').nth(1).textContent(), { timeout: 20_000, interval: 250 })
      .toBe('ended');
    expect(await row.getByRole('button', { name: 'End silence' }).count()).toBe(0);
    expect((await operator.get('/api/v1/silences')).body.silences).toEqual([]);
    const all = await operator.get('/api/v1/silences?all=true');
    expect(all.body.silences.map((s: { id: number; active: boolean }) => [s.id, s.active])).toEqual([
      [id, false],
    ]);
    await shots(USERS.operator, '/alerts', 'alerts-silence-ended');
    await viewerPage.context().close();
    await page.context().close();
  });

  it('the silences API: create, end, and 400 / 404 / 403 by field and role', async () => {
    const page = await web.signedIn(USERS.operator);
    const operator = await api(page);
    const viewerPage = await web.signedIn(USERS.viewer);
    const viewer = await api(viewerPage);
    const body = { dagId: 'orders_producer', taskId: 'write_orders', duration: '30m', reason: 'backfill' };
    expect((await viewer.post('/api/v1/silences', body)).status).toBe(403);
    const bad = await operator.post('/api/v1/silences', { ...body, duration: 'forever' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('duration');
    const noReason = await operator.post('/api/v1/silences', { ...body, reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.field).toBe('reason');
    expect((await operator.post('/api/v1/silences', { ...body, dagId: 'no_such_dag' })).status).toBe(404);
    expect((await operator.post('/api/v1/silences/999999/end')).status).toBe(404);
    expect((await operator.post('/api/v1/silences/zero/end')).status).toBe(400);

    const created = await operator.post('/api/v1/silences', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ dagId: 'orders_producer', taskId: 'write_orders', active: true });
    expect(created.body.createdBy).toBe(USERS.operator.username);
    const ended = await operator.post(`/api/v1/silences/${created.body.id}/end`);
    expect(ended.status).toBe(200);
    expect(ended.body.active).toBe(false);
    await page.context().close();
    await viewerPage.context().close();
  });
});
