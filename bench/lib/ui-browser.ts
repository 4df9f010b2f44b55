// Owns the browser side of the UI part: Chromium (playwright-core, Debian's /usr/bin/chromium)
// signed in with a session cookie, timing navigations from the start of `goto` until an element
// the user waits for is visible.
import { launchChromium } from '@weir/testing';
import type { Browser, Page } from 'playwright-core';
import { median } from './stats.ts';

export interface VisibleTiming {
  /** Median of the measured navigations, ms. */
  readonly median_ms: number | null;
  /** Fewer than asked when the cap ran out (at least 3 are taken whatever it takes). */
  readonly samples_ms: readonly number[];
  /** The selector that was found (the preferred test id, or the fallback). */
  readonly selector: string | null;
  /** Navigation Timing of the last navigation: the response's end and DOMContentLoaded, ms. */
  readonly response_end_ms: number | null;
  readonly dom_content_loaded_ms: number | null;
}

export class BenchBrowser {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
  ) {}

  static async open(baseUrl: string, cookie: { name: string; value: string }): Promise<BenchBrowser> {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
      await context.addCookies([{ ...cookie, url: baseUrl }]);
      return new BenchBrowser(browser, await context.newPage());
    } catch (error) {
      await browser.close();
      throw error;
    }
  }

  /**
   * Navigates to `url` `warmUp + samples` times and times each until the first element matching
   * `preferred` (else `fallback`) is visible. Each navigation is a full page load, as pasting
   * the URL is.
   */
  async timeVisible(
    url: string,
    preferred: string,
    fallback: string,
    samples: number,
    capMs: number,
    signal: AbortSignal,
    warmUp = 1,
  ): Promise<VisibleTiming> {
    const measured: number[] = [];
    let selector: string | null = null;
    const begun = performance.now();
    for (let i = 0; i < warmUp + samples; i++) {
      signal.throwIfAborted();
      if (measured.length >= 3 && performance.now() - begun > capMs) break;
      const started = performance.now();
      await this.page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
      await this.page
        .locator(`${preferred}, ${fallback}`)
        .first()
        .waitFor({ state: 'visible', timeout: 60_000 });
      const ms = performance.now() - started;
      selector = (await this.page.locator(preferred).count()) > 0 ? preferred : fallback;
      if (i >= warmUp) measured.push(ms);
    }
    const timing = await this.page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      // Zero while the document is still loading (a long page is visible before its end).
      return nav ? { responseEnd: nav.responseEnd || null, dcl: nav.domContentLoadedEventEnd || null } : null;
    });
    return {
      median_ms: median(measured),
      samples_ms: measured,
      selector,
      response_end_ms: timing?.responseEnd ?? null,
      dom_content_loaded_ms: timing?.dcl ?? null,
    };
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
  }
}
