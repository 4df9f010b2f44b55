// The task-instance panel's log and output in a real browser, against a real scheduler and
// worker: a try's log opened while it runs gets its new lines without a reload, search finds a
// line, Download returns the whole text, a returned object shows in the XCom tree, a failed try
// shows its error and stack, and a 100,000-line log keeps only a screenful of lines in the DOM.
// Screenshots of each, light and dark at 1366x800, go to e2e/screenshots/.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWeir } from '@weir/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebEnvironment, USERS, type WebEnvironment } from './web.ts';

const TICKS = 20;
const GATE = join(tmpdir(), `weir-e2e-logs-gate-${process.pid}-${Date.now()}`);
const BIG = 100_000;

const DAGS = {
  // A line every 300 ms for 6 s, through ctx.log and through console.log / console.error; halfway
  // it waits for the test to say go, so the browser surely sees the first half before the rest.
  'slow.ts': `
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { dag } from '@weir/sdk';
export default dag({ id: 'slow_log' }, (d) => {
  d.task('talk', async (ctx) => {
    for (let i = 1; i <= ${TICKS}; i++) {
      if (i % 2 === 0) ctx.log.info('tick ' + i + ' of ${TICKS}');
      else console.log('tick ' + i + ' of ${TICKS}');
      if (i === ${TICKS / 2}) {
        console.error('halfway: a warning on stderr');
        for (let waited = 0; !existsSync(${JSON.stringify(GATE)}) && waited < 600; waited++) await sleep(100);
      }
      await sleep(300);
    }
    return { rows: ${TICKS}, tables: ['sales', 'returns'], nested: { deep: { deeper: [1, 2, 3] } }, note: 'x'.repeat(1000), ok: true, missing: null };
  });
});
`,
  'big.ts': `
import { dag } from '@weir/sdk';
export default dag({ id: 'big_log' }, (d) => {
  d.task('chatty', async (ctx) => {
    for (let i = 1; i <= ${BIG}; i++) ctx.log.info('line ' + i + ' of the big log');
    return ${BIG};
  });
});
`,
  'broken.ts': `
import { dag } from '@weir/sdk';
export default dag({ id: 'broken_source' }, (d) => {
  d.task('extract', async (ctx) => {
    ctx.log.info('reading the source');
    throw new Error('the source table was empty');
  });
});
`,
};

describe('task logs and output in the web UI', () => {
  let web: WebEnvironment;
  beforeAll(async () => {
    web = await startWebEnvironment(DAGS);
  });
  afterAll(async () => {
    await web?.close();
    rmSync(GATE, { force: true });
  });

  const trigger = async (dagId: string) => {
    // The DAG file is imported by the dag processor: trigger once it is known.
    let last = '';
    for (let i = 0; i < 60; i++) {
      const result = await runWeir(['dags', 'trigger', dagId], web.env);
      if (result.code === 0) return /created run (\S+)/.exec(result.stdout)?.[1] ?? '';
      last = result.stderr;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    throw new Error(`could not trigger ${dagId}: ${last}`);
  };
  const taskPage = (dagId: string, runId: string, taskId: string) =>
    `${web.url}/dags/${dagId}/runs/${encodeURIComponent(runId)}/tasks/${taskId}`;
  /** Opens the page, reloading until the task instance exists. */
  const open = async (page: Page, url: string) => {
    await expect
      .poll(
        async () => {
          await page.goto(url);
          return page.getByTestId('log-view').count();
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe(1);
  };
  const logText = (page: Page) => page.getByTestId('log-view').locator('.log-rows').innerText();
  const tiState = async (dagId: string, runId: string, taskId: string) =>
    (
      await web.database.db.taskInstance.findFirst({
        where: { dagRun: { dagId, runId }, taskId },
        select: { state: true },
      })
    )?.state;

  it('tails a running try: new lines arrive without a reload, then search, download and the XCom tree', async () => {
    const runId = await trigger('slow_log');
    const page = await web.signedIn(USERS.viewer);
    await open(page, taskPage('slow_log', runId, 'talk'));
    // Opened while the try runs: the first half is there, the rest not yet.
    await expect
      .poll(() => logText(page), { timeout: 60_000, interval: 250 })
      .toContain('halfway: a warning on stderr');
    expect(await page.getByTestId('log-view').getAttribute('data-done')).toBe('false');
    expect(await logText(page)).not.toContain(`tick ${TICKS / 2 + 1} of`);
    const linesAtOpen = await page.getByTestId('log-line').count();
    expect(await page.getByLabel('Follow').isChecked()).toBe(true);
    await web.screenshot(page, 'task-log-live');
    // A reload would lose this mark.
    await page.evaluate(() => {
      (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });
    writeFileSync(GATE, 'go');
    await expect
      .poll(() => logText(page), { timeout: 60_000, interval: 250 })
      .toContain(`tick ${TICKS / 2 + 1} of ${TICKS}`);
    // Still running: the newest line stays in view (follow is on).
    await expect
      .poll(() => logText(page), { timeout: 60_000, interval: 250 })
      .toContain(`tick ${TICKS} of ${TICKS}`);
    await expect
      .poll(() => page.getByTestId('log-view').getAttribute('data-done'), { timeout: 30_000 })
      .toBe('true');
    expect(
      await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);
    const total = TICKS + 1;
    expect(await page.getByTestId('log-line').count()).toBe(total);
    expect(linesAtOpen).toBeLessThan(total);
    // Each line once, in order, with its stream.
    const text = await logText(page);
    const ticks = [...text.matchAll(/tick (\d+) of/g)].map((m) => Number(m[1]));
    expect(ticks).toEqual(Array.from({ length: TICKS }, (_, i) => i + 1));
    expect(await page.locator('.log-line.lv-stderr').getByText('halfway: a warning on stderr').count()).toBe(
      1,
    );
    expect(await page.locator('.log-line.lv-stdout').getByText('tick 1 of').count()).toBe(1);
    expect(await page.locator('.log-line.lv-info').getByText('tick 2 of').count()).toBe(1);

    // Search: the match is marked and counted; "matching lines only" leaves just it.
    await page.getByLabel('Search the log').fill('tick 7 of');
    await expect.poll(() => page.locator('.log-matches').textContent()).toBe('1 of 1');
    expect(await page.locator('.log-line.current-match mark').textContent()).toBe('tick 7 of');
    await page.getByLabel('matching lines only').check();
    await expect.poll(() => page.getByTestId('log-line').count()).toBe(1);
    expect(await page.getByTestId('log-line').innerText()).toContain('tick 7 of 20');
    await page.getByLabel('matching lines only').uncheck();
    await page.getByLabel('Search the log').fill('TICK 1');
    // tick 1, tick 10 … tick 19.
    await expect.poll(() => page.locator('.log-matches').textContent()).toBe('1 of 11');
    await page.getByRole('button', { name: 'Next match' }).click();
    await expect.poll(() => page.locator('.log-matches').textContent()).toBe('2 of 11');
    expect(await page.locator('.log-line.current-match').innerText()).toContain('tick 10 of');
    await page.getByRole('button', { name: 'Previous match' }).click();
    await page.getByRole('button', { name: 'Previous match' }).click();
    await expect.poll(() => page.locator('.log-matches').textContent()).toBe('11 of 11');
    await web.screenshot(page, 'task-log-search');

    // Download: the whole log as a text file, one line per line.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^slow_log__.*__talk__try-1\.log$/);
    const file = readFileSync(await download.path(), 'utf8')
      .trimEnd()
      .split('\n');
    expect(file).toHaveLength(total);
    expect(file[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z STDOUT tick 1 of 20$/);
    expect(file[1]).toMatch(/ INFO {3}tick 2 of 20$/);
    expect(file.filter((l) => / STDERR halfway/.test(l))).toHaveLength(1);

    // The returned object in the XCom tree, once the page shows the finished instance.
    await expect.poll(() => tiState('slow_log', runId, 'talk'), { timeout: 30_000 }).toBe('success');
    await page.reload();
    const tree = page.getByRole('region', { name: 'XCom return_value' });
    await expect.poll(() => tree.count()).toBe(1);
    expect(await tree.innerText()).toContain('tables');
    expect(await tree.getByText('"sales"').count()).toBe(1);
    // Two levels open: nested.deep is folded until clicked.
    expect(await tree.getByText('deeper').count()).toBe(0);
    await tree.getByRole('button', { name: /deep/ }).click();
    expect(await tree.getByText('deeper').count()).toBe(1);
    // A long string is cut until asked for.
    expect(await tree.innerText()).not.toContain('x'.repeat(1000));
    await tree.getByRole('button', { name: 'show more (1,000 characters)' }).click();
    expect(await tree.innerText()).toContain('x'.repeat(1000));
    await page.getByRole('heading', { name: 'Output (XCom)' }).scrollIntoViewIfNeeded();
    await web.screenshot(page, 'task-log-xcom');

    // The line link: ?line=n picks and shows that line.
    await page.goto(`${taskPage('slow_log', runId, 'talk')}?try=1&line=5`);
    await expect.poll(() => page.locator('.log-line.picked').count()).toBe(1);
    expect(await page.locator('.log-line.picked').innerText()).toContain('tick 5 of');

    const dark = await web.signedIn(USERS.viewer, 'dark');
    await dark.goto(page.url());
    await dark.getByLabel('Search the log').fill('tick 1');
    await expect.poll(() => dark.locator('.log-matches').textContent()).toBe('1 of 11');
    await web.screenshot(dark, 'task-log-dark');
    await dark.context().close();
    await page.context().close();
  });

  it('shows a failed try’s error and stack beside its log', async () => {
    const runId = await trigger('broken_source');
    await expect.poll(() => tiState('broken_source', runId, 'extract'), { timeout: 60_000 }).toBe('failed');
    const page = await web.signedIn(USERS.viewer);
    await open(page, taskPage('broken_source', runId, 'extract'));
    const error = page.locator('pre.error');
    expect(await error.innerText()).toContain('the source table was empty');
    expect(await error.innerText()).toMatch(/\n\s+at /);
    await expect.poll(() => logText(page)).toContain('reading the source');
    expect(await page.getByText('The task returned nothing.').count()).toBe(1);
    await web.screenshot(page, 'task-log-failed');
    const dark = await web.signedIn(USERS.viewer, 'dark');
    await dark.goto(page.url());
    await expect.poll(() => dark.getByTestId('log-line').count()).toBeGreaterThan(0);
    await web.screenshot(dark, 'task-log-failed-dark');
    await dark.context().close();
    await page.context().close();
  });

  it('renders a 100,000-line log with only a screenful of lines in the DOM', async () => {
    const runId = await trigger('big_log');
    await expect
      .poll(() => tiState('big_log', runId, 'chatty'), { timeout: 90_000, interval: 1_000 })
      .toBe('success');
    const page = await web.signedIn(USERS.viewer);
    await open(page, taskPage('big_log', runId, 'chatty'));
    // The server sent the first screen with the page.
    expect(await page.getByTestId('log-line').first().innerText()).toContain('line 1 of the big log');
    await expect
      .poll(() => page.getByTestId('log-view').getAttribute('data-done'), { timeout: 60_000 })
      .toBe('true');
    await expect
      .poll(() => page.locator('.log-status').innerText())
      .toContain(`${BIG.toLocaleString('en')} lines`);
    const inDom = await page.getByTestId('log-line').count();
    expect(inDom).toBeGreaterThan(10);
    expect(inDom).toBeLessThan(200);
    // Search reaches a line far down; the DOM still holds a screenful.
    await page.getByLabel('Search the log').fill('line 99999 of');
    await expect.poll(() => page.locator('.log-matches').textContent()).toBe('1 of 1');
    await expect
      .poll(() =>
        page
          .locator('.log-line.current-match')
          .innerText()
          .catch(() => ''),
      )
      .toContain('line 99999 of the big log');
    expect(await page.getByTestId('log-line').count()).toBeLessThan(200);
    await web.screenshot(page, 'task-log-100k');
    // Download streams every line.
    const href = (await page.getByRole('link', { name: 'Download' }).getAttribute('href')) ?? '';
    const response = await page.request.get(`${web.url}${href}`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^text\/plain/);
    const lines = (await response.text()).trimEnd().split('\n');
    expect(lines).toHaveLength(BIG);
    expect(lines.at(-1)).toMatch(/ INFO {3}line 100000 of the big log$/);
    await page.context().close();
  });
});
