// @weir/client in a real browser (Debian's Chromium): the compiled package (tsc -p
// packages/client/tsconfig.build.json, the same build `npm pack` publishes) is loaded as a plain ES
// module by a page, with no bundler and no Node builtins to lean on. The page's batches arrive with
// the Bearer key, its events are `web` events with browser-made UUIDs, and when the page goes
// away the waiting events leave through the browser's own navigator.sendBeacon — text/plain with
// `?writeKey=` — and reach the server.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  launchChromium,
  type HttpRecorderHandle,
  type RecordedRequest,
  startHttpRecorder,
} from '@weir/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const WRITE_KEY = 'wk_browser_test';
const root = fileURLToPath(new URL('..', import.meta.url));

const PAGE = `<!doctype html><html><head><title>client</title></head><body>
<script type="module">
  import { createClient } from '/client/index.js';
  window.weir = createClient({ endpoint: location.origin, writeKey: '${WRITE_KEY}', flushIntervalMs: 60000 });
  window.ready = true;
</script></body></html>`;

interface Event {
  event_id: string;
  event_type: string;
  platform?: string;
}

describe('@weir/client in Chromium', () => {
  let dist: string;
  let server: HttpRecorderHandle;
  let browser: Browser;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'weir-client-dist-'));
    execFileSync(
      process.execPath,
      [
        join(root, 'node_modules/typescript/bin/tsc'),
        '-p',
        join(root, 'packages/client/tsconfig.build.json'),
        '--outDir',
        dist,
      ],
      { stdio: 'inherit' },
    );
    // One origin for the page, the module and the collector, as when a site proxies Weir.
    server = await startHttpRecorder({
      respond: (req) => {
        if (req.method === 'GET' && req.path === '/') {
          return { body: PAGE, headers: { 'content-type': 'text/html; charset=utf-8' } };
        }
        if (req.method === 'GET' && req.path.startsWith('/client/')) {
          const file = req.path.slice('/client/'.length).replace(/[^\w.-]/g, '');
          return {
            body: readFileSync(join(dist, file), 'utf8'),
            headers: { 'content-type': 'text/javascript' },
          };
        }
        if (req.method === 'POST' && req.path === '/api/v1/events') {
          const key = req.headers.authorization?.replace(/^Bearer /, '') ?? req.query.writeKey;
          if (key !== WRITE_KEY) return { status: 401, body: { error: 'bad key' } };
          const events = req.json as Event[];
          return { body: { accepted: events.length, rejected: 0, errors: [] } };
        }
        return { status: 404, body: { error: 'not found' } };
      },
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dist, { recursive: true, force: true });
  });

  const posts = (): RecordedRequest[] => server.requests.filter((r) => r.method === 'POST');

  it('sends batches with fetch, then the rest by sendBeacon when the page goes away', async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);

    const sentIds = await page.evaluate(async () => {
      const weir = (window as unknown as { weir: import('@weir/client').WeirClient }).weir;
      const ids = [1, 2, 3].map((i) => weir.track('page_view', { i }, { userId: 'u1' }).event_id);
      await weir.flush();
      return ids;
    });
    const [batch] = posts();
    expect(batch?.headers.authorization).toBe(`Bearer ${WRITE_KEY}`);
    expect(batch?.headers['content-type']).toMatch(/^application\/json/);
    const batchEvents = batch?.json as Event[];
    expect(batchEvents.map((e) => e.event_id)).toEqual(sentIds);
    expect(batchEvents.map((e) => e.platform)).toEqual(['web', 'web', 'web']);
    for (const id of sentIds)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const waiting = await page.evaluate(() => {
      const weir = (window as unknown as { weir: import('@weir/client').WeirClient }).weir;
      return [4, 5].map((i) => weir.track('page_view', { i }, { userId: 'u1' }).event_id);
    });
    expect(posts()).toHaveLength(1);
    // Leaving the page fires pagehide (and visibilitychange): the beacon takes what waits.
    await page.goto('about:blank');
    for (let waited = 0; posts().length < 2 && waited < 15_000; waited += 50)
      await new Promise((r) => setTimeout(r, 50));
    const beacon = posts()[1];
    expect(beacon?.query.writeKey).toBe(WRITE_KEY);
    expect(beacon?.headers['content-type']).toMatch(/^text\/plain/);
    expect(beacon?.headers.authorization).toBeUndefined();
    expect((JSON.parse(beacon?.bodyText ?? '[]') as Event[]).map((e) => e.event_id)).toEqual(waiting);
    expect(posts()).toHaveLength(2);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
